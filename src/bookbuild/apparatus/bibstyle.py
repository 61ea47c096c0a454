"""The house style of the 参考文献: `Work` → HTML, after Japanese academic practice (SIST 02).

Japanese block (heading in Japanese script), Japanese punctuation, no separator after a
closing bracket:

    平井久志「『意地』より『実利』を選択：…の背景」新潮社フォーサイト、2015年5月3日、URL。
    防衛研究所「2016年の東アジア‐…」『東アジア戦略概観 2017』防衛研究所、2017年3月。
    加藤美保子「地域秩序から考える太平洋のロシア」『神奈川大学アジア・レビュー』第6号、2019年。
    防衛省『平成21年版防衛白書』2009年、URL。

Books, periodicals and the containers of articles (journals, newspapers, books) in 『』;
articles, chapters, web pages and speeches in 「」; a web site's name plain. Other entries in
Western punctuation, titles of articles in “ ”, books and containers in italics:

    President of Russia. “Russia-North Korea talks.” 13 September 2023. URL（2023年11月5日閲覧）.

URL and access date take one form throughout the book: `URL（2017年2月5日閲覧）`. A title in
another language than its entry's block carries its own `lang` (for font selection).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from bookbuild.apparatus.bibliography import (
    MONTHS_EN,
    Name,
    Work,
    has_japanese_script,
    sort_works,
)

BOOK_LIKE = frozenset({"book", "report", "periodical", "thesis", "pamphlet", "collection",
                       "classic", "standard"})
IN_CONTAINER_QUOTED = frozenset({"chapter", "article-journal", "article-magazine",
                                 "article-newspaper", "entry-encyclopedia", "entry-dictionary",
                                 "paper-conference", "review", "review-book"})
CLOSING_BRACKETS = "」』）)"
TRANSLATION = re.compile(r"（[^（）]*）$")  # 조선노동당 …도착하시였다（朝鮮労働党…到着なさった）


def render_bibliography_html(works: Iterable[Work]) -> str:
    """The house-style list of `works`, sorted (`bibliography.filing_key`), as HTML."""
    return render_list(sort_works(works))


def render_list(works: list[Work]) -> str:
    """The works, in the order given, as `<ul class="bib-list">` with `li#bib-<key>`."""
    items = "\n".join(render_item(work) for work in works)
    return f'<ul class="bib-list">\n{items}\n</ul>\n'


def render_item(work: Work) -> str:
    block = "ja" if work.is_japanese else "other"
    lang = "ja" if work.is_japanese else (work.language or "en")
    body = render_japanese(work) if work.is_japanese else render_western(work)
    return (f'<li id="bib-{escape(work.id)}" class="bib-entry bib-{block}" lang="{lang}">'
            f"{body}</li>")


def _e(text: str) -> str:
    return escape(text, quote=False)


def _t(text: str, work: Work, block_lang: str) -> str:
    """Escaped text, in its own `lang` span where the work's language differs from the block.

    A Japanese translation the author added in （） after a foreign title stays outside the
    span, so that its kanji are not set in Korean or Chinese glyph forms.
    """
    if not work.language or work.language.split("-")[0] == block_lang:
        return _e(text)
    match = TRANSLATION.search(text)
    original, translation = (text[:match.start()], match.group(0)) if match else (text, "")
    if translation and not has_japanese_script(translation):
        original, translation = text, ""
    return f'<span lang="{escape(work.language)}">{_e(original)}</span>{_e(translation)}'


def _url(work: Work) -> str:
    if not work.url:
        return ""
    link = f'<a class="url" href="{escape(work.url)}">{_e(work.url)}</a>'
    if work.accessed:
        link += f"（{date_ja(work.accessed)}閲覧）"
    return link


def _date_span(text: str) -> str:
    """A date kept on one line (styles/bibliography.css): never `2023年10` | `月20日`."""
    return f'<span class="date">{text}</span>' if text else ""


def _number(work: Work) -> str:
    """A document symbol kept on one line: never `A/` | `RES/68/262`."""
    return f'<span class="number">{_e(work.number)}</span>' if work.number else ""


def date_ja(parts: tuple[int, ...]) -> str:
    return _date_span("".join(f"{v}{u}" for v, u in zip(parts, ("年", "月", "日"), strict=False)))


def date_en(parts: tuple[int, ...]) -> str:
    if len(parts) == 3:
        text = f"{parts[2]} {MONTHS_EN[parts[1] - 1]} {parts[0]}"
    elif len(parts) == 2:
        text = f"{MONTHS_EN[parts[1] - 1]} {parts[0]}"
    else:
        text = str(parts[0]) if parts else ""
    return _date_span(text)


def name_ja(name: Name) -> str:
    if name.literal:
        return name.literal
    if name.is_japanese_script:
        return name.family + name.given  # 平井久志: no space between family and given
    return " ".join(p for p in (name.given, name.family) if p)


def names_ja(names: tuple[Name, ...]) -> str:
    return "・".join(_e(name_ja(n)) for n in names)


def names_en(names: tuple[Name, ...]) -> str:
    def one(name: Name, first: bool) -> str:
        if name.literal:
            return name.literal
        if first and name.given:
            return f"{name.family}, {name.given}"
        return " ".join(p for p in (name.given, name.family) if p)

    written = [_e(one(n, i == 0)) for i, n in enumerate(names)]
    if len(written) > 1:
        return ", ".join(written[:-1]) + " and " + written[-1]
    return written[0] if written else ""


def _container_is_author(work: Work) -> bool:
    """A site or newspaper given as the author (産経新聞, TASS) is not printed twice."""
    return any(work.container_title == (n.literal or n.family + n.given) for n in work.authors)


def _join_ja(parts: list[str]) -> str:
    """Join with 、 except after a closing bracket (「…」『…』 need no comma after them)."""
    out = ""
    for part in (p for p in parts if p):
        if out and not out.endswith(tuple(CLOSING_BRACKETS)) and not part.startswith(("「", "『")):
            out += "、"
        out += part
    return out + "。"


def render_japanese(work: Work) -> str:
    parts: list[str] = []
    if work.authors:
        parts.append(names_ja(work.authors))
    elif work.editors and work.type not in IN_CONTAINER_QUOTED:
        parts.append(names_ja(work.editors) + "編")
    title = _t(work.title, work, "ja") if work.title else ""
    container = _e(work.container_title)
    if work.type in BOOK_LIKE:
        parts.append(f"『{title}』" if title else "")
    elif work.type in IN_CONTAINER_QUOTED:
        parts.append(f"「{title}」" if title else "")
        editors = work.editors if work.editors != work.authors else ()
        in_book = (names_ja(editors) + "編") if editors and work.type == "chapter" else ""
        parts.append(f"{in_book}『{container}』" if container else "")
    else:  # web pages, speeches, documents: the site's name plain
        parts.append(f"「{title}」" if title else "")
        if container and not _container_is_author(work):
            parts.append(container)
    numbering = ""
    if work.volume:
        numbering += f"第{_e(work.volume)}巻"
    if work.issue:
        numbering += f"第{_e(work.issue)}号"
    tail = [numbering, _number(work), _e(work.publisher),
            date_ja(work.issued), f"{_e(work.page)}頁" if work.page else "", _url(work)]
    return _join_ja(parts + tail)


def render_western(work: Work) -> str:
    parts: list[str] = []
    if work.authors:
        parts.append(names_en(work.authors) + ".")
    elif work.editors and work.type not in IN_CONTAINER_QUOTED:
        parts.append(names_en(work.editors) + " (ed.).")
    title = _t(work.title, work, "en") if work.title else ""
    container = _t(work.container_title, work, "en") if work.container_title else ""
    if work.type in BOOK_LIKE:
        if title:
            parts.append(f"<i>{title}</i>.")
    else:
        if title:
            parts.append(f"“{title}.”")
        if container and not _container_is_author(work):
            if work.type in IN_CONTAINER_QUOTED:
                parts.append(f"<i>{container}</i>,")
            else:
                parts.append(f"{container},")
    numbering = ", ".join(p for p in (f"vol. {_e(work.volume)}" if work.volume else "",
                                      f"no. {_e(work.issue)}" if work.issue else "") if p)
    details = [p for p in (numbering, _number(work), _e(work.publisher),
                           date_en(work.issued), f"p. {_e(work.page)}" if work.page else "")
               if p]
    text = " ".join(parts)
    if details:
        text += " " + ", ".join(details) + "."
    elif text.endswith(","):
        text = text[:-1] + "."
    url = _url(work)
    if url:  # no full stop after （…閲覧）, nor inside a bare URL's copy-paste range
        text += " " + url + ("" if work.accessed else ".")
    return text.strip()
