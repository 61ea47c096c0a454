"""What a manuscript says about itself in its title block: title, subtitle, authors,
translators, date; and the name and date rules the other readers share (the author profile
and the first page's footer are read in `profile`).

Each reader takes lines and returns plain values; `emit` turns them into YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headings import heading_level
from .lines import Line
from .text import join_lines, squeeze_spaces

CHAPTER_LABEL = re.compile(
    r"^(第\s*[0-9０-９一二三四五六七八九十]+\s*章|Chapter\s+[0-9]+)[\s\u3000:：.．]*(.*)$")
# `題名 ―副題―` or `題名 ― 副題` on one line (a dash with text on both sides).
INLINE_SUBTITLE = re.compile(r"^(.+?)[ \u3000]*[─―—][ \u3000]*(.+?)[ \u3000]*[─―—]?$")
SENTENCE_MARK = "。"
# Characters a name never holds (sentence and clause punctuation, brackets of quotation).
NOT_IN_NAMES = "。、，．「」『』：:！？!?"
PHRASE_PARTICLES = "のをがへ"
NAME_MAX_CHARS = 12  # 鴨下ひろみ, ヴァレリー・スヒニン; longer is text, not a name
NAME_MAX_LATIN = 40
NAME_MAX_KANJI = 6  # 勅使河原三郎; a longer run of kanji is a term (露朝関係史研究)
KANJI_ONLY = re.compile(r"^[\u4e00-\u9fff々]+$")
KATAKANA_ONLY = re.compile(r"^[\u30a0-\u30ffー]+$")
# Words that stand in an opening or on a cover sheet as labels, never as a person.
NOT_NAMES = frozenset((
    "目次", "著者", "著者名", "執筆者", "筆者", "編者", "訳者", "雑誌名", "誌名", "ページ", "頁",
    "要旨", "概要", "抄録", "要約", "キーワード", "はじめに", "おわりに", "序論", "結論", "本文",
    "論文", "論説", "特集", "資料", "書評", "報告", "研究ノート", "参考文献", "注", "註", "付記",
    "謝辞", "巻号", "発行日", "発行年", "出版者", "所属", "目的", "方法", "結果", "考察", "表紙",
))
ROMAN_HEADING = re.compile(r"^[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ]+[\s\u3000.．、]*\S*")
SECTION_LABEL = re.compile(r"^第\s*[0-9０-９一二三四五六七八九十]+\s*[章節部編項]")
TITLE_MAX_CHARS = 80
DASHES = "─―—－-"
TRANSLATOR = re.compile(r"[（(]\s*訳\s*[：:]\s*(.+?)\s*[）)]")
DATE = re.compile(r"(\d{4})\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})\s*日?")
GENRE_LABEL = re.compile(r"^[【［\[〈＜<][^】］\]〉＞>]{1,8}[】］\]〉＞>][ \u3000]*(?=\S)")
NAME_LIST = re.compile(r"[・、，,／/]|[ \u3000]{2,}")
DATE_SUFFIX = re.compile(r"(公開|掲載|更新|発行|発表|刊行|配信|脱稿|記)")
DATE_LABEL = re.compile(r"^(掲載日|発行日|公開日|刊行日|日付)\s*[：:]\s*")
# Words that mark a line (or the tail of a name line) as an affiliation, not a name.
AFFILIATION_WORDS = ("大学", "研究所", "研究員", "教授", "准教授", "講師", "センター", "財団",
                     "委員", "記者", "所長", "室長", "部長", "主任", "客員", "院生", "研究科")
# A name credited by a word before or after it: 文・山田太郎, 著者：山田太郎, 山田太郎 著.
CREDIT = re.compile(r"^(?:(文|著|著者|執筆|筆者|執筆者)\s*[・／/：:]\s*)?(.+?)"
                    r"(?:\s+(著|編|編著))?$")  # not 文 after a name: a given name may be 文
# A note's mark after a name (山田太郎*, 佐藤花子†, 李述森1)): the affiliation is in a note.
NAME_MARK = re.compile(r"[ \u3000]*(?:[*＊†‡]+|\d\)|[¹²³⁴⁵⁶⁷⁸⁹])$")
ISSUE_LINE = re.compile(r"第\s*\d+\s*[巻号集輯]|Vol\.\s*\d|No\.\s*\d", re.IGNORECASE)
LATIN_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.:;'’\-–—?!()&/]+$")
NAME_WITH_POST = re.compile(r"^([^（(）)]{2,20})[（(]([^（()）。、]{2,40})[）)]$")
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
    moves: list[tuple[int, str]] = field(default_factory=list)  # (line, field) taken
    leftovers: list[Line] = field(default_factory=list)  # title-block lines kept in the body
    untitled: list[int] = field(default_factory=list)  # lines considered when none is a title
    glued_furniture: list[str] = field(default_factory=list)  # "line: (1)" cut off a line
    # Labels that say what a line is and are not kept with it (（訳：）, 掲載日：, the notes'
    # heading 注), and a name repeated in a profile: listed in the front-matter's `labels`,
    # so that no letter of the source vanishes.
    labels: list[str] = field(default_factory=list)
    name_marks: dict[str, str] = field(default_factory=dict)  # `*` → the name it marks


def iso_date(text: str) -> str:
    match = DATE.search(text)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def clean_name(text: str) -> str:
    """A person's name without the justification spaces of the layout (李　　　述　森); a
    space between two Latin words (Barack Obama) is the name's own."""
    return re.sub(r"[\s\u3000]+", lambda m: " " if _between_latin(text, m) else "",
                  text.strip(" \u3000"))


def _between_latin(text: str, match: re.Match[str]) -> bool:
    start, end = match.span()
    return (start > 0 and end < len(text) and text[start - 1].isascii()
            and text[end].isascii() and text[start - 1].isalpha() and text[end].isalpha())


def is_affiliation(text: str) -> bool:
    """Names an institution or a post, and is no clause of a sentence (no 、 or 。, no
    particle but の)."""
    return (any(word in text for word in AFFILIATION_WORDS) and not any(c in text for c in "、。")
            and not any(c in text for c in "をがへ") and len(squeeze_spaces(text)) <= 60)


def is_name(text: str) -> bool:
    """Could this be a person's name (spaces of the layout aside)? Never a sentence, never
    longer than a name, never a label, a heading, a single letter or a lone katakana word
    (ロシア): this guards the author and translator fields."""
    name = clean_name(text)
    if not name or any(c in name for c in NOT_IN_NAMES) or is_phrase(name):
        return False
    if any(c.isdigit() for c in name) or name in NOT_NAMES or heading_like(name):
        return False
    if name.isascii():
        # A Latin name has a given name and a family name, each capitalised (T, TOP: no).
        words = name.split()
        return (len(name) <= NAME_MAX_LATIN and len(words) >= 2
                and all(w[:1].isupper() for w in words))
    if len(name) < 2 or len(name) > NAME_MAX_CHARS:
        return False
    if KANJI_ONLY.match(name) and len(name) > NAME_MAX_KANJI:
        return False
    return not (KATAKANA_ONLY.match(name) and not re.search(r"[・=＝ \u3000]", text.strip()))


def heading_like(text: str) -> bool:
    """A section heading or a contents entry (`Ⅰ 事案`, `第2節`, `1．はじめに`)."""
    stripped = text.strip(" \u3000")
    return bool(heading_level(stripped) or ROMAN_HEADING.match(stripped)
                or SECTION_LABEL.match(stripped))


def is_title_like(text: str) -> bool:
    """A title or subtitle holds no sentence and is not a paragraph's worth of text."""
    return SENTENCE_MARK not in text and len(squeeze_spaces(text)) <= TITLE_MAX_CHARS


def _continues_title(title: str, following: str, later: frozenset[str] = frozenset()) -> bool:
    """Does the title, wrapped by the layout, go on in `following`? When it ends on 、,
    leaves a bracket open, or the next line opens with what cannot open a word or a name
    (hiragana, a closing bracket, a small kana)."""
    if title.endswith("、") or squeeze_spaces(title + following).replace(" ", "") in later:
        return True  # …or the two lines are one line elsewhere (a running head: …与える影響)
    opened = sum(title.count(c) for c in "「『（(") - sum(title.count(c) for c in "」』）)")
    if opened > 0:
        return True
    first = following.strip(" \u3000")[:1]
    if first and ("\u3041" <= first <= "\u309f" or first in "」』）)ー、。"):
        return True
    # A phrase (国の温度差) is no name, date or affiliation: the title wrapped.
    return is_phrase(following) and not is_affiliation(following) and not DATE.search(following)


def is_phrase(text: str) -> bool:
    """Text joined by particles (接近の構図, 国の温度差): a phrase, which a name hardly is."""
    return any(c in text for c in PHRASE_PARTICLES)


def _split_subtitle(text: str) -> tuple[str, str]:
    """`題名 ―副題―` (or `題名 ― 副題`, as running heads give it) on one line."""
    match = INLINE_SUBTITLE.match(text)
    if match and match.group(1).strip() and match.group(2).strip():
        return match.group(1), match.group(2)
    return text, ""


PAGE_MARKER = re.compile(r"^[（(]\s*\d{1,4}\s*[）)]$|^[-−–—]\s*\d{1,4}\s*[-−–—]$|^\d{1,4}$")
DOTTED_DATE = re.compile(r"^\d{4}[./]\d{1,2}[./]\d{1,2}$")
# How many lines after a title (and its wrapped lines) may vouch for it: the very next.
EVIDENCE_WINDOW = 1


def dated_line(text: str) -> bool:
    """A line that is a date, labelled or not: `2024年7月12日`, `掲載日：2024年7月12日`,
    `2023年9月15日公開`."""
    date = DATE.search(text)
    if not date:
        return False
    if DATE_LABEL.match(text) or DATE.fullmatch(text.strip()):
        return True
    return bool(DATE_SUFFIX.fullmatch(text[date.end():].strip(" \u3000"))) and not text[
        :date.start()].strip(" \u3000")


def could_be_title(text: str) -> bool:
    """Might this line be a title at all? Not a sentence, a label, a heading, a date, a
    page marker, a single letter or a name."""
    stripped = squeeze_spaces(text)
    if not is_title_like(stripped) or len(stripped) < 2 or stripped in NOT_NAMES:
        return False
    if heading_like(stripped) or PAGE_MARKER.match(stripped) or DOTTED_DATE.match(stripped):
        return False
    if ISSUE_LINE.search(stripped):
        return False  # 北東アジア研究 第12号（2021年3月）: the journal's issue, not the title
    return not dated_line(stripped)


def _vouches(line: Line, for_name: bool = False) -> bool:
    """Does this line, right under a title, show the title is one: a subtitle, a person, a
    translator, an affiliation with its name, a date? Under a line shaped like a name
    (題名, 三村光弘) only a subtitle or a date does: a person's line comes before theirs."""
    text = line.text
    if text.startswith(tuple(DASHES)) or TRANSLATOR.search(text):
        return True
    if dated_line(text) or several_names(text):
        return True
    if for_name:
        return False
    credit = CREDIT.match(re.sub(r"[ \u3000]+", " ", text))
    if credit and (credit.group(1) or credit.group(3)) and _credited(credit.group(2)):
        return True  # 文・山田太郎, 山田太郎 著
    name = text.partition(" ")[0]
    return is_name(text) or (is_affiliation(text) and "。" not in text) or (
        is_name(name) and is_affiliation(text))


def title_start(filled: list[Line], metadata_title: str = "",
                later: frozenset[str] = frozenset()) -> int | None:
    """Where the title stands among the opening's lines: the first line that could be a
    title and has evidence for it — a chapter label on it, the page's own metadata naming
    it, or a subtitle, person or date right under it (its wrapped lines aside). None when
    no line has such evidence."""
    wanted = squeeze_spaces(metadata_title).replace(" ", "")
    for index, line in enumerate(filled):
        text = squeeze_spaces(line.text).replace(" ", "")
        if CHAPTER_LABEL.match(line.text) or (wanted and text == wanted):
            return index
        if not could_be_title(line.text):
            continue
        if index + 1 < len(filled) and squeeze_spaces(filled[index + 1].text) == squeeze_spaces(
                line.text):
            continue  # a running head right above the title it repeats
        if wanted and (text == wanted or (len(text) >= 4 and wanted.startswith(text))):
            return index
        after, title = index + 1, text
        while (after < len(filled) and _continues_title(title, filled[after].text, later)
               and is_title_like(filled[after].text)
               and not filled[after].text.startswith(tuple(DASHES))):
            title += filled[after].text
            after += 1
        if after < len(filled) and LATIN_LINE.match(filled[after].text):
            after += 1  # the title in English under it: the evidence is under that
        if any(_vouches(other, is_name(text))
               for other in filled[after:after + EVIDENCE_WINDOW]):
            return index
    return None


GLUED_DATE = re.compile(r"^(.{2,}?)[ \u3000]*(\d{4}[./]\d{1,2}[./]\d{1,2})$")
GLUED_MARKER = re.compile(r"^[（(]\s*\d{1,3}\s*[）)][ \u3000]*(?=\S{2})"
                          r"|[ \u3000]*[（(]\s*\d{1,3}\s*[）)]$")


def _unglue(filled: list[Line], meta: Meta) -> list[Line]:
    """A date or a page marker an extractor glued onto a line of the opening
    (`題名2021.01.13`, `(1) 題名`) is cut off: the date becomes a line of its own, the page
    marker furniture (`meta.glued_furniture`)."""
    out: list[Line] = []
    for line in filled:
        text = line.text
        date = GLUED_DATE.match(text)
        if date and "。" not in text and is_title_like(date.group(1)):
            out += [Line(line.no, date.group(1), line.page),
                    Line(line.no, date.group(2), line.page)]
            continue
        if PAGE_MARKER.match(text) and (not text.isdigit() or not out):  # 45 atop page 1
            meta.glued_furniture.append(f"{line.no}: {text}")  # (1) alone: a page marker
            continue
        marker = GLUED_MARKER.search(text)
        if marker and "。" not in text and not heading_like(text):
            meta.glued_furniture.append(f"{line.no}: {marker.group().strip()}")
            text = text[:marker.start()] + text[marker.end():]
            out.append(Line(line.no, text, line.page))
            continue
        out.append(line)
    return out


def several_names(text: str) -> list[str]:
    """The names of a line that lists people (山田太郎・佐藤花子, 山田太郎、佐藤花子): two or
    more pieces, each a name of kanji or kana (a katakana name keeps its ・)."""
    pieces = [p for p in NAME_LIST.split(text.strip(" \u3000")) if p]
    if len(pieces) < 2 or any(KATAKANA_ONLY.match(clean_name(p).replace("・", ""))
                              for p in pieces):
        return []
    names = [clean_name(p) for p in pieces]
    return names if all(is_name(n) and not n.isascii() for n in names) else []


def _credited(text: str) -> bool:
    """A name, alone or with its post in brackets (山田太郎（北海道大学教授）)."""
    bracketed = NAME_WITH_POST.match(squeeze_spaces(text))
    return is_name(text) or bool(bracketed and is_name(bracketed.group(1)))


def _after_a_japanese_name(meta: Meta) -> bool:
    """Was the line just read a person's name in Japanese?"""
    return (bool(meta.authors) and not meta.authors[-1].name.isascii() and bool(meta.moves)
            and meta.moves[-1][1] == "authors")


def read_title_block(lines: list[Line], metadata_title: str = "", editor_decided: bool = False,
                     later: frozenset[str] = frozenset()) -> Meta:
    """Title (with the original chapter label), subtitle, authors, translators, date.

    Every line goes to a named field or, when it does not look like what that field holds
    (a sentence, a paragraph's first lines), back to the body (`meta.leftovers`) with a query:
    when unsure, the author's text stays in the body."""
    meta = Meta()
    filled = _unglue([line for line in lines if not line.blank], meta)
    if not filled:
        return meta
    start = title_start(filled, metadata_title, later)
    if start is None and editor_decided:
        # The editor placed lines of this opening (a subtitle, a person): that is the
        # evidence; the first line that could be a title is the one above them.
        start = next((i for i, line in enumerate(filled) if could_be_title(line.text)), None)
    if start is None:
        # No line is a title with evidence: the chapter gets none and the editor is asked.
        meta.untitled = [line.no for line in filled]
        meta.leftovers = filled
        return meta
    genre = GENRE_LABEL.match(filled[start].text)
    if genre and could_be_title(filled[start].text[genre.end():]):
        # 【論考】露朝首脳会談の意味: the kind of text, not its title
        meta.labels.append(f"{filled[start].no}: {genre.group().strip()}")
        filled[start] = Line(filled[start].no, filled[start].text[genre.end():],
                             filled[start].page)
    title_key = squeeze_spaces(filled[start].text)
    # Above the title, the title again is the page's running head: furniture, not text.
    heads = [line for line in filled[:start] if squeeze_spaces(line.text) == title_key]
    meta.glued_furniture += [f"{line.no}: {line.text}" for line in heads]
    meta.leftovers = [line for line in filled[:start] if line not in heads]
    texts = filled[start:]

    def take(field_name: str) -> Line:
        line = texts.pop(0)
        meta.moves.append((line.no, field_name))
        return line

    label = CHAPTER_LABEL.match(texts[0].text)
    if label:
        meta.source["label"] = re.sub(r"\s+", "", label.group(1))
        line = take("source.label")
        first = label.group(2)
        if first:
            meta.moves.append((line.no, "title"))
        if not first and texts and is_title_like(texts[0].text):
            first = take("title").text
    else:
        first = take("title").text
    first, inline_subtitle = _split_subtitle(first)
    title = [first]
    while (texts and _continues_title("".join(title), texts[0].text, later)
           and not texts[0].text.startswith(tuple(DASHES)) and is_title_like(texts[0].text)):
        title.append(take("title").text)
    meta.title = squeeze_spaces(join_lines(title))
    if inline_subtitle:
        meta.subtitle = squeeze_spaces(inline_subtitle).strip(DASHES + " ")
    elif texts and texts[0].text.startswith(tuple(DASHES)):
        sub = [take("subtitle").text]
        while texts and not sub[-1].endswith(tuple(DASHES)) and is_title_like(texts[0].text):
            sub.append(take("subtitle").text)
        meta.subtitle = squeeze_spaces(join_lines(sub)).strip(DASHES + " ")
    pending: Line | None = None  # an affiliation waiting for the name it stands beside
    for line in texts:
        text = line.text
        marker = NAME_MARK.search(text)
        if marker and is_name(text[:marker.start()]):  # 山田太郎*: a note's mark on the name
            meta.labels.append(f"{line.no}: {marker.group().strip()}")
            meta.name_marks[marker.group().strip()] = clean_name(text[:marker.start()])
            text = text[:marker.start()]
        credit = CREDIT.match(re.sub(r"[ \u3000]+", " ", text))
        if credit and _credited(credit.group(2)) and (credit.group(1) or credit.group(3)):
            # 文・山田太郎, 山田太郎 著: the name, and the word that credits it (a label)
            meta.labels.append(f"{line.no}: {credit.group(1) or credit.group(3)}")
            text = credit.group(2)
        names = several_names(text)
        if names:  # 山田太郎・佐藤花子, 山田太郎、佐藤花子: each a person
            meta.authors += [Person(name) for name in names]
            meta.moves.append((line.no, "authors"))
            continue
        bracketed = NAME_WITH_POST.match(squeeze_spaces(text))
        if bracketed and is_name(bracketed.group(1)) and not TRANSLATOR.search(text):
            # 鴨下ひろみ（甲南女子大学准教授）: the name, its post in brackets
            meta.authors.append(Person(clean_name(bracketed.group(1)), bracketed.group(2)))
            meta.moves.append((line.no, "authors"))
            continue
        translator = TRANSLATOR.search(text)
        if translator and is_name(translator.group(1)):
            meta.translators.append(Person(clean_name(translator.group(1))))
            translator_label = translator.group(0).replace(translator.group(1), "")
            meta.labels.append(f"{line.no}: {squeeze_spaces(translator_label)}")  # （訳：）
            text = (text[:translator.start()] + text[translator.end():]).strip(" \u3000")
            meta.moves.append((line.no, "translators"))
            if not text:
                continue
        if dated_line(text):
            meta.date = iso_date(text)
            meta.moves.append((line.no, "date"))
            # The line as written (掲載日：2024年7月12日): the front-matter's date is ISO.
            meta.labels.append(f"{line.no}: {squeeze_spaces(text)}")
        elif (not meta.subtitle and text.startswith(tuple(DASHES)) and is_title_like(text)
              and text.endswith(tuple(DASHES))):
            meta.subtitle = squeeze_spaces(text).strip(DASHES + " ")  # under a date line
            meta.moves.append((line.no, "subtitle"))
        elif is_affiliation(text) and SENTENCE_MARK not in text and len(text) <= 60:
            name, _, rest = text.partition(" ")
            if rest and not is_affiliation(name) and is_name(name):
                meta.authors.append(Person(clean_name(name), squeeze_spaces(rest.strip())))
                meta.moves.append((line.no, "authors"))
            else:
                if pending is not None:
                    meta.leftovers.append(pending)  # two affiliations and no name between
                pending = line
        elif is_name(text) and text.isascii() and _after_a_japanese_name(meta):
            meta.leftovers.append(line)  # SATO Hanako under 佐藤花子: the name in Latin letters
        elif is_name(text):
            affiliation = squeeze_spaces(pending.text) if pending is not None else ""
            if pending is not None:
                meta.moves.append((pending.no, "affiliation"))
            meta.authors.append(Person(clean_name(text), affiliation))
            meta.moves.append((line.no, "authors"))
            pending = None
        else:
            meta.leftovers.append(line)
    if pending is not None and meta.authors and not meta.authors[-1].affiliation:
        meta.authors[-1].affiliation = squeeze_spaces(pending.text)  # under the name
        meta.moves.append((pending.no, "affiliation"))
    elif pending is not None:
        meta.leftovers.append(pending)  # an affiliation beside no name stays in the text
    return meta
