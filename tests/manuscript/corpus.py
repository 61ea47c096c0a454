"""The normaliser's test corpus: chapters we control, laid out again as other extractions
would give them, and the score of the normaliser on each.

A `Doc` is read from a committed chapter (its front-matter and body): the ground truth. The
renderers below turn it into raw text in one layout family each (hard-wrapped with a notes
section, indented with blank lines, one paragraph per line with footnotes left where pages
ended, a report with trailing spaces, printed pages with page-foot notes and form feeds, a
web page whose opening is flattened onto one line). `scripts/make_corpus.py` writes them to
`tests/corpus/` with the PDF extractions; `score` compares a normalised chapter with its
truth; `scripts/normalise_corpus.py` prints the table.

Tables and their captions are left out of the synthetic layouts (their own tests cover
them); everything else of the chapter is laid out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from bookbuild.model.chapter import MISSING_NOTE_TEXT

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
CALL = re.compile(r"\[\^([^\]]+)\]")
DEFINITION = re.compile(r"^\[\^([^\]]+)\]: ?(.*)$")


@dataclass
class Doc:
    title: str
    subtitle: str = ""
    label: str = ""
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    blocks: list[list] = field(default_factory=list)  # [kind, level, text]; kind h|p|q
    notes: list[list[str]] = field(default_factory=list)  # [label, text]
    # The real-extractor families (scripts/make_real_corpus.py) also say:
    affiliations: dict[str, str] = field(default_factory=dict)  # author → affiliation
    furniture: list[str] = field(default_factory=list)  # page/site lines that may be removed
    title_evidenced: bool = True  # false: the text holds no title; a normaliser should ask
    made_by: str = ""  # layout and extractor; empty for the synthetic families

    def to_json(self) -> str:
        data = asdict(self)
        if not self.made_by:  # a synthetic family's truth keeps its old shape
            for name in ("affiliations", "furniture", "title_evidenced", "made_by"):
                data.pop(name)
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Doc:
        return cls(**json.loads(text))


def _name(person: object) -> str:
    return person["name"] if isinstance(person, dict) else str(person)


def read_chapter(markdown: str) -> Doc:
    """A chapter file (front-matter + body) as a `Doc`; tables and captions are skipped."""
    _, front, body = markdown.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    doc = Doc(title=str(meta.get("title", "")), subtitle=str(meta.get("subtitle", "")),
              label=str((meta.get("source") or {}).get("label", "")),
              authors=[_name(p) for p in meta.get("authors") or []],
              translators=[_name(p) for p in meta.get("translators") or []],
              affiliations={p["name"]: p["affiliation"] for p in meta.get("authors") or []
                            if isinstance(p, dict) and p.get("affiliation")})
    for chunk in body.strip("\n").split("\n\n"):
        lines = chunk.split("\n")
        if all(DEFINITION.match(line) for line in lines):
            doc.notes += [list(DEFINITION.match(line).groups()) for line in lines]
        elif chunk.startswith("|") or lines[-1].startswith("{:"):
            continue  # a table or its caption
        elif chunk.startswith("#"):
            hashes, _, text = chunk.partition(" ")
            doc.blocks.append(["h", len(hashes), text])
        elif chunk.startswith("> "):
            doc.blocks.append(["q", 0, chunk[2:]])
        else:
            doc.blocks.append(["p", 0, re.sub(r"^(\d+)\\([.)])", r"\1\2", chunk)])
    return doc


# --- scoring -------------------------------------------------------------------------------

def letters(text: str) -> str:
    """Letters and digits (after NFKC), the note calls' markup removed."""
    text = unicodedata.normalize("NFKC", CALL.sub("", text))
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _diff(a: str, b: str) -> tuple[int, int]:
    """(letters of `a` missing from `b`, letters of `b` not in `a`)."""
    if a == b:
        return 0, 0
    lost = added = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            lost += i2 - i1
        if tag in ("insert", "replace"):
            added += j2 - j1
    return lost, added


def _calls(doc: Doc) -> dict[str, str]:
    """Each call's label → the 8 letters of running text before it."""
    out: dict[str, str] = {}
    seen = ""
    for _, _, text in doc.blocks:
        position = 0
        for match in CALL.finditer(text):
            seen += letters(text[position:match.start()])
            position = match.end()
            out.setdefault(match.group(1), seen[-8:])
        seen += letters(text[position:])
    return out


def _block_key(block: list) -> str:
    return re.sub(r"\s+", "", block[2]) if block[0] == "h" else block[2]


# CJK Radicals Supplement letters some PDFs' ToUnicode maps give for ordinary kanji (NFKC
# leaves them as they are; Unicode's EquivalentUnifiedIdeograph.txt pairs them).
RADICALS = str.maketrans("⺟⺠⺹⻄⻑⻘⻝⻤⻩⻲⻯", "母民耂西長青食鬼黄亀竜")


def all_letters(text: str) -> str:
    """Letters and digits (after NFKC: vertical presentation forms, Kangxi and supplementary
    radicals read as their ordinary characters), note labels counted as the digits they are."""
    text = unicodedata.normalize("NFKC", CALL.sub(r"\1", text).translate(RADICALS))
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


FRONT_KEYS_NOT_COUNTED = ("lang", "date", "queries")  # derived or the normaliser's own words
LISTED_LINE = re.compile(r"^\d+: ")  # the line number before a furniture entry


def chapter_letters(markdown: str) -> str:
    """Every letter of a chapter file: body, note texts and labels, the front-matter's values
    (title block, people, source, closing, furniture, labels) but not its keys, date or
    queries."""
    _, front, body = markdown.split("---\n", 2)
    # A call whose text is missing gets the model's placeholder: not the author's letters.
    body = re.sub(rf"(?m)^\[\^[^\]]+\]: {re.escape(MISSING_NOTE_TEXT)}$", "", body)
    meta = yaml.safe_load(front) or {}
    values = []
    for key, value in meta.items():
        if key in FRONT_KEYS_NOT_COUNTED:
            continue
        if key in ("furniture", "labels"):
            value = [LISTED_LINE.sub("", str(line)) for line in value]
        values += values_of(value)
    return all_letters("\n".join(values) + "\n" + body)


def values_of(data: object) -> list[str]:
    """Every leaf value of a YAML structure, as text."""
    if isinstance(data, dict):
        return [v for value in data.values() for v in values_of(value)]
    if isinstance(data, list):
        return [v for value in data for v in values_of(value)]
    return [str(data)]


def letter_difference(raw: str, markdown: str, furniture: list[str]) -> tuple[str, str]:
    """(letters of the input neither in the chapter nor in the listed furniture, letters of
    the chapter not in the input), sorted, counted as multisets: a letter moved to the
    front-matter is neither lost nor added."""
    given = Counter(all_letters(raw))
    kept = Counter(chapter_letters(markdown))
    lost = given - kept - Counter(all_letters("\n".join(furniture)))
    added = kept - given
    return "".join(sorted(lost.elements())), "".join(sorted(added.elements()))


def letter_balance(raw: str, markdown: str, furniture: list[str]) -> tuple[int, int]:
    lost, added = letter_difference(raw, markdown, furniture)
    return len(lost), len(added)


TITLE_QUERY = re.compile(r"title|タイトル|表題|題名", re.IGNORECASE)


def title_verdict(truth: Doc, markdown: str) -> str:
    """right; asked-none (no title, and a query about it); asked-wrong (a wrong title, and a
    query about the title block); wrong (a wrong title or none, and no query). Where the text
    holds no title (`title_evidenced` false), right is no title and a query."""
    _, front, _ = markdown.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    title, subtitle = str(meta.get("title") or ""), str(meta.get("subtitle") or "")
    asked = any(TITLE_QUERY.search(str(q)) for q in meta.get("queries") or [])
    if truth.title_evidenced:
        right = (title, subtitle) == (truth.title, truth.subtitle)
    else:
        right = not title and asked
    if right:
        return "right"
    if not asked:
        return "wrong"
    return "asked-wrong" if title else "asked-none"


def _squeezed(people: dict[str, str]) -> dict[str, str]:
    return {_names([k])[0]: _names([v])[0] for k, v in people.items()}


@dataclass
class Score:
    letters_lost: int
    letters_added: int
    notes_ok: int
    notes: int
    title_ok: bool  # title block: title, subtitle and people
    paragraphs_exact: int
    paragraphs: int
    title: str = ""  # title_verdict: right | wrong | asked-none | asked-wrong
    people_ok: bool = True  # authors, translators (and their affiliations where known)

    @property
    def whole(self) -> bool:
        return (not self.letters_lost and not self.letters_added and self.notes_ok == self.notes
                and self.title_ok and self.paragraphs_exact >= 0.95 * self.paragraphs)


def _names(names: list[str]) -> list[str]:
    return [re.sub(r"[\s\u3000]+", "", n) for n in names]


def score(truth: Doc, markdown: str, raw: str | None = None) -> Score:
    """The chapter against its truth. Letters: for the synthetic families, the running text
    and notes against the truth's; for the real-extractor ones (`raw` given), the input's
    letters against the whole chapter file's and the listed furniture (`letter_balance`)."""
    got = read_chapter(markdown)
    if truth.made_by and raw is not None:
        lost, added = letter_balance(raw, markdown, truth.furniture)
    else:
        running = _diff("".join(letters(b[2]) for b in truth.blocks),
                        "".join(letters(b[2]) for b in got.blocks))
        in_notes = _diff("".join(letters(t) for _, t in truth.notes),
                         "".join(letters(t) for _, t in got.notes))
        lost, added = running[0] + in_notes[0], running[1] + in_notes[1]
    got_texts = {label: letters(text) for label, text in got.notes}
    got_calls = _calls(got)
    want_calls = _calls(truth)
    notes_ok = sum(1 for label, text in truth.notes
                   if got_texts.get(label) == letters(text)
                   and label in got_calls and got_calls[label] == want_calls.get(label))
    verdict = title_verdict(truth, markdown)
    people_ok = (_names(truth.authors) == _names(got.authors)
                 and _names(truth.translators) == _names(got.translators)
                 and (not truth.made_by
                      or _squeezed(truth.affiliations) == _squeezed(got.affiliations)))
    want = Counter(_block_key(b) for b in truth.blocks)
    have = Counter(_block_key(b) for b in got.blocks)
    exact = sum((want & have).values())
    return Score(lost, added, notes_ok, len(truth.notes), verdict == "right" and people_ok,
                 exact, len(truth.blocks), verdict, people_ok)


# --- the corpus on disk --------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    family: str
    name: str
    raw: Path
    truth: Path

    def doc(self) -> Doc:
        return Doc.from_json(self.truth.read_text(encoding="utf-8"))


def cases() -> list[Case]:
    found = []
    for raw in sorted(CORPUS.glob("*/*.txt")):
        truth = raw.with_suffix(".truth.json")
        if not truth.exists():
            truth = raw.parent / (raw.name.split(".")[0] + ".truth.json")
        found.append(Case(raw.parent.name, raw.stem, raw, truth))
    return found
