"""What a manuscript says about itself: title block, author profile, first-page footer.

Each reader takes lines and returns plain values; `emit` turns them into YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import Line
from .text import join_lines, squeeze_spaces

CHAPTER_LABEL = re.compile(r"^(第\s*[0-9０-９一二三四五六七八九十]+\s*章)[\s\u3000]*(.*)$")
DASHES = "─―—－-"
TRANSLATOR = re.compile(r"^[（(]\s*訳\s*[：:]\s*(.+?)\s*[）)]$")
DATE = re.compile(r"(\d{4})\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})\s*日?")
DATE_LABEL = re.compile(r"^(掲載日|発行日|公開日|刊行日|日付)\s*[：:]\s*")
# Words that mark a line (or the tail of a name line) as an affiliation, not a name.
AFFILIATION_WORDS = ("大学", "研究所", "研究員", "教授", "准教授", "講師", "センター", "財団")
PROFILE_HEADING = re.compile(
    r"^[<＜〈【［\[]?\s*(執筆者|著者|筆者)?(プロフィール|紹介)\s*[>＞〉】］\]]?$")
READING = re.compile(r"^(.+?)\s*[（(]([\u3041-\u309f\s\u3000]+)[）)]$")
PUBLISHER_WORDS = ("法人", "研究所", "出版", "書店", "新聞社", "学会")
# A footer line this long is running prose (a disclaimer), not a name or a number.
STATEMENT_MIN_CHARS = 30
SERIES_NUMBER = re.compile(r"(\S*\d+\s*号)")
CLOSING_MARK = re.compile(r"^[（(][^（）()]*了[）)]$")


@dataclass
class Person:
    name: str
    affiliation: str = ""
    bio: str = ""
    reading: str = ""


@dataclass
class Meta:
    title: str = ""
    subtitle: str = ""
    authors: list[Person] = field(default_factory=list)
    translators: list[Person] = field(default_factory=list)
    date: str = ""
    source: dict[str, str] = field(default_factory=dict)
    closing: str = ""
    queries: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)


def iso_date(text: str) -> str:
    match = DATE.search(text)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def clean_name(text: str) -> str:
    """A person's name without the justification spaces of the layout (李　　　述　森)."""
    return re.sub(r"[\s\u3000]+", "", text)


def is_affiliation(text: str) -> bool:
    return any(word in text for word in AFFILIATION_WORDS)


def read_title_block(lines: list[Line]) -> Meta:
    """Title (with the original chapter label), subtitle, authors, translators, date."""
    texts = [line.text for line in lines if not line.blank]
    meta = Meta()
    if not texts:
        return meta
    first = texts.pop(0)
    label = CHAPTER_LABEL.match(first)
    if label:
        meta.source["label"] = re.sub(r"\s+", "", label.group(1))
        first = label.group(2)
    title = [first]
    # A title whose line ends on 、 continues on the next line.
    while texts and title[-1].endswith("、") and not texts[0].startswith(tuple(DASHES)):
        title.append(texts.pop(0))
    meta.title = squeeze_spaces(join_lines(title))
    if texts and texts[0].startswith(tuple(DASHES)):
        sub = [texts.pop(0)]
        while texts and not sub[-1].endswith(tuple(DASHES)):
            sub.append(texts.pop(0))
        meta.subtitle = squeeze_spaces(join_lines(sub)).strip(DASHES + " ")
    pending_affiliation = ""
    for text in texts:
        translator = TRANSLATOR.match(text)
        if translator:
            meta.translators.append(Person(clean_name(translator.group(1))))
        elif DATE.search(text) and (DATE_LABEL.match(text) or DATE.fullmatch(text)):
            meta.date = iso_date(text)
        elif is_affiliation(text):
            name, _, rest = text.partition(" ")
            if rest and not is_affiliation(name):
                meta.authors.append(Person(clean_name(name), squeeze_spaces(rest.strip())))
            else:
                pending_affiliation = squeeze_spaces(text)
        else:
            meta.authors.append(Person(clean_name(text), pending_affiliation))
            pending_affiliation = ""
    return meta


def read_profile(lines: list[Line], meta: Meta) -> None:
    """An author profile block (name （よみ）, affiliation, bio) enriches the author."""
    texts = [line.text for line in lines if not line.blank][1:]  # without its heading
    if not texts:
        return
    reading = READING.match(texts[0])
    name = clean_name(reading.group(1) if reading else texts[0])
    person = next((p for p in meta.authors if p.name == name), None)
    if person is None:
        person = Person(name)
        meta.authors.append(person)
    if reading:
        person.reading = reading.group(2).strip()
    for text in texts[1:]:
        if is_affiliation(text) and len(text) < 40 and "。" not in text:
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
        elif len(text) > STATEMENT_MIN_CHARS or "。" in text or (
                statement and not statement[-1].endswith("。")):
            statement.append(text)
        elif any(word in text for word in PUBLISHER_WORDS):
            meta.source["publisher"] = squeeze_spaces(text)
        elif not meta.source.get("series"):
            meta.source["series"] = squeeze_spaces(text)
    if statement:
        meta.source["note"] = squeeze_spaces(join_lines(statement))
