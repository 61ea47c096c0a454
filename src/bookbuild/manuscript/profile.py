"""What a manuscript says about its authors and source outside the title block: the author
profile under the text, the notes that give a marked name its affiliation, and the first
page's footer of a report. Readers take lines and fill the title block's `Meta`.
"""

from __future__ import annotations

import re

from .frontmatter import DATE, Meta, Person, clean_name, is_affiliation, iso_date
from .lines import Line
from .text import join_lines, squeeze_spaces

PROFILE_HEADING = re.compile(
    r"^[<＜〈【［\[]?\s*(執筆者|著者|筆者)?(プロフィール|紹介)\s*[>＞〉】］\]]?$")
READING = re.compile(r"^(.+?)\s*[（(]([\u3041-\u309f\s\u3000]+)[）)]$")
PUBLISHER_WORDS = ("法人", "研究所", "出版", "書店", "新聞社", "学会")
# A footer line this long is running prose (a disclaimer), not a name or a number.
STATEMENT_MIN_CHARS = 30
SERIES_NUMBER = re.compile(r"(\S*\d+\s*号)")


def marked_affiliations(body: list[Line], meta: Meta) -> list[Line]:
    """The body without the notes that give a marked name its affiliation (`* 北海道大学
    …准教授` under the text for `山田太郎*`): each goes to its person, its mark a label."""
    kept: list[Line] = []
    for line in body:
        mark = next((m for m in meta.name_marks if line.text.startswith(m)), None)
        rest = line.text[len(mark):].strip(" \u3000") if mark else ""
        person = next((p for p in meta.authors if mark and p.name == meta.name_marks[mark]),
                      None)
        if person and not person.affiliation and is_affiliation(rest):
            person.affiliation = squeeze_spaces(rest)
            meta.labels.append(f"{line.no}: {mark}")
            meta.moves.append((line.no, "affiliation"))
            continue
        kept.append(line)
    return kept


def read_profile(lines: list[Line], meta: Meta) -> None:
    """An author profile block (name （よみ）, affiliation, bio) enriches the author."""
    texts = [line.text for line in lines if not line.blank][1:]  # without its heading
    if not texts:
        return
    filled = [line for line in lines if not line.blank][1:]
    reading = READING.match(texts[0])
    name = clean_name(reading.group(1) if reading else texts[0])
    person = next((p for p in meta.authors if p.name == name), None)
    if person is None:
        person = Person(name)
        meta.authors.append(person)
    else:  # the name again, under the text: the author's, kept once
        meta.labels.append(f"{filled[0].no}: {reading.group(1) if reading else texts[0]}")
    if reading:
        person.reading = reading.group(2).strip()
    for line, text in zip(filled[1:], texts[1:], strict=True):
        if is_affiliation(text) and len(text) < 40 and "。" not in text:
            if person.affiliation:
                meta.labels.append(f"{line.no}: {text}")  # the affiliation again, kept once
            person.affiliation = person.affiliation or squeeze_spaces(text)
        else:
            person.bio = (person.bio + squeeze_spaces(text)) if person.bio else squeeze_spaces(text)


def read_footer(lines: list[Line], meta: Meta) -> None:
    """The first page's footer of a report: series, number, date, publisher, disclaimer."""
    statement: list[str] = []
    for line in lines:
        text = line.text
        number = SERIES_NUMBER.search(text)
        if number and not meta.source.get("number"):
            meta.source["number"] = squeeze_spaces(number.group(1))
            project = squeeze_spaces(text[:number.start()].strip())
            if project:
                meta.source["project"] = project
            if not meta.date:
                meta.date = iso_date(text)
            if written := DATE.search(text[number.end():]):
                meta.labels.append(f"{line.no}: {written.group()}")  # the date as written
        elif len(text) > STATEMENT_MIN_CHARS or "。" in text or (
                statement and not statement[-1].endswith("。")):
            statement.append(text)
        elif any(word in text for word in PUBLISHER_WORDS):
            meta.source["publisher"] = squeeze_spaces(text)
        elif not meta.source.get("series"):
            meta.source["series"] = squeeze_spaces(text)
    if statement:
        meta.source["note"] = squeeze_spaces(join_lines(statement))
