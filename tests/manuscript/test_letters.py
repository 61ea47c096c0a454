"""Nothing the authors wrote is lost, reordered or invented.

For each manuscript the line numbers of its page furniture and of what it says about itself
(title block, footer, profile) are written down here by hand, from reading the manuscript;
they are not taken from the normaliser. Then:

- the letters (kanji and kana one by one; hangul, Cyrillic and Latin words; whole numbers)
  of every other line are exactly the letters of the chapter's body: the running text in
  order, the note texts in order, interleaved as in the manuscript, nothing left over;
- the other punctuation is the same multiset on both sides once Markdown markup is removed;
- what the title block and footer say is in the front-matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bookbuild.model.chapter import MISSING_NOTE_TEXT, chapter_id_for, split_front_matter

from .conftest import ROOT, source_path
from .corpus import values_of

TOKEN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]"  # kanji, one by one
    r"|[\u3041-\u309f\u30a0-\u30ff]"  # kana, one by one
    r"|[\uac00-\ud7af\u1100-\u11ff]+"  # hangul words
    r"|[\u0400-\u04ff]+"  # Cyrillic words
    r"|[A-Za-z]+"  # Latin words
    r"|[0-9]+")  # numbers
DATE = re.compile(r"\d{4}\s*[年/]\s*\d{1,2}\s*[月/]\s*\d{1,2}\s*日?")


@dataclass(frozen=True)
class Expect:
    front: set[int]  # lines whose content belongs in the front-matter
    furniture: set[int]  # running heads, page numbers, repeated headers, outline
    other: set[int]  # closing marks and notes headings (checked elsewhere or dropped)
    label_words: tuple[str, ...] = ()  # labels in front-matter lines that are not content


EXPECT = {
    "000": Expect(front={1, 2, 4}, furniture={209, 211}, other={263, 265}),
    "001": Expect(front={1, 2, 4, 5}, furniture={7, 8, 9, 376, 378}, other=set(),
                  label_words=("訳",)),
    "002": Expect(front={1, 2, 3, 5}, furniture=set(), other={254}),
    "003": Expect(front={3, 5, 7, 9, 143, 145, 147, 149}, furniture=set(), other=set(),
                  label_words=("掲載日", "執筆者プロフィール")),
    "004": Expect(front={1, 3, 5, 39, 40, 44, 46, 48, 50}, furniture={57, 61, 63, 69, 71},
                  other={299}),
}


def tokens(text: str) -> list[str]:
    # A superscript call is a number of its own, even right after digits (決議68/262⁶).
    spaced = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: " " + m.group() + " ", text)
    return TOKEN.findall(unicodedata.normalize("NFKC", spaced))


def _chapter(prefix: str) -> tuple[dict, str, list[str]]:
    source = source_path(prefix)
    text = (ROOT / "chapters" / f"{chapter_id_for(source)}.md").read_text(encoding="utf-8")
    front, body, _ = split_front_matter(text, Path("chapter.md"))
    return yaml.safe_load(front), body, source.read_text(encoding="utf-8").split("\n")


def _split_body(body: str) -> tuple[str, str, list[str]]:
    """(running text, note texts, labels of missing notes) with markup removed."""
    main, notes, missing = [], [], []
    for line in body.split("\n"):
        definition = re.match(r"^\[\^([^\]]+)\]: ?(.*)$", line)
        if definition:
            if definition.group(2) == MISSING_NOTE_TEXT:
                missing.append(definition.group(1))
            else:
                notes.append(definition.group(1) + " " + definition.group(2))
        elif not re.match(r"^\{:.*\}$", line):  # attr_list lines are markup
            main.append(line)
    return "\n".join(main), "\n".join(notes), missing


def _interleaves(source: list[str], main: list[str], notes: list[str]) -> tuple[bool, int]:
    """Is `source` exactly `main` and `notes` interleaved, each in order? (and where not)

    Every way of splitting is followed at once (a set of (main, notes) positions), so a
    label that could start a note or continue the text never sends the check astray.
    """
    states = {(0, 0)}
    for i, token in enumerate(source):
        states = ({(j + 1, k) for j, k in states if j < len(main) and main[j] == token}
                  | {(j, k + 1) for j, k in states if k < len(notes) and notes[k] == token})
        if not states:
            return False, i
    return (len(main), len(notes)) in states, len(source)


@pytest.mark.parametrize("prefix", sorted(EXPECT))
def test_every_letter_of_the_text_is_in_the_chapter_in_order(prefix: str) -> None:
    expect = EXPECT[prefix]
    _, body, lines = _chapter(prefix)
    skip = expect.front | expect.furniture | expect.other
    source_text = "\n".join(line for number, line in enumerate(lines, 1) if number not in skip)
    main, notes, missing = _split_body(body)
    source_tokens = tokens(source_text)
    main_tokens = tokens(main)
    # A call whose note text is missing has its label in the text; nothing else is added.
    ok, where = _interleaves(source_tokens, main_tokens, tokens(notes))
    context = "".join(source_tokens[max(0, where - 15):where + 5])
    assert ok, f"{prefix}: letters diverge near …{context}… (token {where})"
    print(f"{prefix}: {len(source_tokens)} letters/words/numbers, "
          f"{len(main_tokens)} in the text, {len(tokens(notes))} in notes, missing {missing}")


MARKUP_LINE = re.compile(r"^(#{2,6} |> )")


def _punctuation(text: str) -> Counter[str]:
    stripped = TOKEN.sub("", unicodedata.normalize("NFKC", text))
    return Counter(c for c in stripped if not c.isspace())


@pytest.mark.parametrize("prefix", sorted(EXPECT))
def test_no_punctuation_is_added_or_lost(prefix: str) -> None:
    expect = EXPECT[prefix]
    _, body, lines = _chapter(prefix)
    skip = expect.front | expect.furniture | expect.other
    source_text = "\n".join(line for number, line in enumerate(lines, 1) if number not in skip)
    cleaned = []
    for line in body.split("\n"):
        if re.match(r"^\{:.*\}$", line) or re.match(r"^\|[ -:|]+\|$", line):
            continue  # attr_list and table rule lines are pure markup
        line = MARKUP_LINE.sub("", line)
        line = re.sub(r"\[\^([^\]]+)\]:?", r"\1", line)  # keep the label, drop the brackets
        if line.startswith("|"):
            line = line.replace("|", " ")
        cleaned.append(line.replace(MISSING_NOTE_TEXT, ""))
    assert _punctuation("\n".join(cleaned)) == _punctuation(source_text)




@pytest.mark.parametrize("prefix", sorted(EXPECT))
def test_what_the_manuscript_says_about_itself_is_in_the_front_matter(prefix: str) -> None:
    expect = EXPECT[prefix]
    meta, _, lines = _chapter(prefix)
    content = {k: v for k, v in meta.items() if k not in ("queries", "furniture", "date", "lang")}
    have = set(tokens(" ".join(values_of(content))))
    dates = []
    for number in sorted(expect.front):
        text = lines[number - 1]
        dates += DATE.findall(text)
        text = DATE.sub("", text)
        for label in expect.label_words:
            text = text.replace(label, "")
        lost = [t for t in tokens(text) if t not in have]
        assert not lost, f"{prefix}:{number}: {lost} not in the front-matter"
    if dates:
        year, month, day = (int(n) for n in re.findall(r"\d+", dates[0]))
        assert meta["date"] == f"{year:04d}-{month:02d}-{day:02d}"
    for number in expect.other:
        text = lines[number - 1]
        if "了" in text:
            assert tokens(meta["closing"]) == tokens(text)
