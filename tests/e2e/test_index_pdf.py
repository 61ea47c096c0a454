"""End-to-end: the index of the real book, read back from build/book.pdf.

For every entry and sub-entry: each page the index lists really shows the term or a
variant, and every page that shows it is listed — where "shows" is what the PDF's own text
says (running heads, folios, chapter title blocks and note calls left out), found with the
index's leftmost-longest rule. The page-number links are checked against the printed numbers.
"""

from __future__ import annotations

import re
from collections import Counter

import pdfplumber
import pypdf
import pytest

from bookbuild.apparatus.index import LATIN_HEADING, find_in_text, load_index
from bookbuild.apparatus.kana import GOJUON_ROWS
from bookbuild.model.chapter import load_chapter
from bookbuild.model.config import load_config
from readback import letters

pytestmark = pytest.mark.slow

CALL_SCALE = 0.6  # note calls are set far smaller than the body (4.8 pt on 9.2 pt)
BODY_SCALE = 0.9  # smaller than this (notes, tables) is read page by page, not as a stream
HEADINGS = {"索引", LATIN_HEADING, *GOJUON_ROWS}
SLACK = 1.0  # pt around a link's rectangle: its digits' boxes touch its edges
PAGES = re.compile(r"(\d+)(?:–(\d+))?")


@pytest.fixture(scope="module")
def book(project_root):
    config = load_config(project_root)
    chapters = [load_chapter(config.chapter_path(cid)) for cid in config.chapters]
    return config, chapters, load_index(config.path(config.index))


@pytest.fixture(scope="module")
def pdf(built_book):
    with pdfplumber.open(built_book.path) as document:
        yield document


def body_size(document) -> float:
    """The size most characters are set in (the pages' glyphs, read once: the module's
    document keeps each page's)."""
    sizes = Counter(round(c["size"], 1) for page in document.pages for c in page.chars)
    return sizes.most_common(1)[0][0]


def lines_of(page, keep) -> list[str]:
    text = page.filter(lambda o: o.get("object_type") != "char" or keep(o)).extract_text()
    return [line for line in (text or "").split("\n") if line.strip()]


def furniture(page, running_heads: set[str]):
    """A filter that drops the running head (the top line, if it is one) and the folio (the
    bottom line, if it is a number)."""
    chars = page.chars
    if not chars:
        return lambda c: True
    top, bottom = min(c["top"] for c in chars), max(c["top"] for c in chars)
    head = "".join(c["text"] for c in chars if abs(c["top"] - top) < 1).strip()
    foot = "".join(c["text"] for c in chars if abs(c["top"] - bottom) < 1).strip()
    drop_top = head in running_heads
    drop_bottom = bool(re.fullmatch(r"\d+", foot))
    return lambda c: not ((drop_top and abs(c["top"] - top) < 1)
                          or (drop_bottom and abs(c["top"] - bottom) < 1))


def without_opening(lines: list[str], number: int, chapter) -> list[str]:
    """Drop the chapter's title block (number, title, subtitle, byline): not chapter text."""
    meta = chapter.meta
    block = letters(f"第{number}章" + meta.title + chapter.running_title + meta.subtitle
                    + "".join(p.name + p.affiliation for p in meta.authors)
                    + "".join("訳" + p.name for p in meta.translators))
    while lines and letters(lines[0]) and letters(lines[0]) in block:
        block = block.replace(letters(lines[0]), "", 1)
        lines = lines[1:]
    return lines


def printed_pages(built_book, pdf, book) -> dict[tuple[str, str | None], set[int]]:
    """(entry, sub) → the pages whose printed chapter text shows it."""
    config, chapters, entries = book
    size = body_size(pdf)
    heads = {config.title} | {c.running_title for c in chapters}
    body_chars = lambda c: c["size"] >= size * BODY_SCALE  # noqa: E731
    small_chars = lambda c: size * CALL_SCALE <= c["size"] < size * BODY_SCALE  # noqa: E731
    stream, starts, found = "", [], {}
    for number, chapter in enumerate(chapters, start=1):
        first, last = built_book.chapter_pages[chapter.id]
        for page_number in range(first, last + 1):
            page = pdf.pages[page_number - 1]
            text = furniture(page, heads)
            body = lines_of(page, lambda c, text=text: text(c) and body_chars(c))
            if page_number == first:
                body = without_opening(body, number, chapter)
            body = [line for line in body if not line.startswith("初出：")]
            starts.append((len(stream), page_number))
            stream += "\n".join(body) + "\n"
            small = lines_of(page, lambda c, text=text: text(c) and small_chars(c))
            for _, entry, sub in find_in_text("\n".join(small), entries):
                found.setdefault((entry, sub), set()).add(page_number)
    # The running text is read as one stream so that a term broken across two pages is
    # found once, on the page where it starts — where its anchor is.
    for offset, entry, sub in find_in_text(stream, entries):
        page_number = max(p for start, p in starts if start <= offset)
        found.setdefault((entry, sub), set()).add(page_number)
    return found


def index_page_numbers(pdf_path) -> list[int]:
    reader = pypdf.PdfReader(pdf_path)
    names = reader.named_destinations
    first = reader.get_destination_page_number(names["book-index"]) + 1
    after = reader.get_destination_page_number(names["colophon"]) + 1  # the index is last
    return list(range(first, after))


def index_lines(pdf, pdf_path, heads: set[str]) -> list[str]:
    """The index's lines in reading order: left column, then right column, page by page."""
    pages = [(n, pdf.pages[n - 1]) for n in index_page_numbers(pdf_path)]
    kept = {n: [c for c in page.chars if furniture(page, heads)(c)] for n, page in pages}
    # The columns' middle, from all pages of the same side (the last page may be half full).
    middle = {}
    for parity in (0, 1):
        chars = [c for n, cs in kept.items() if n % 2 == parity for c in cs]
        if chars:
            middle[parity] = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
    lines = []
    for number, page in pages:
        text, split = furniture(page, heads), middle.get(number % 2)
        if not kept[number]:
            continue  # a blank verso
        lines += lines_of(page, lambda c, text=text, split=split: text(c) and c["x0"] < split)
        lines += lines_of(page, lambda c, text=text, split=split: text(c) and c["x0"] >= split)
    return [line for line in lines if line.strip() not in HEADINGS]


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def parse_index(lines: list[str], entries) -> dict[tuple[str, str | None], set[int]]:
    """(entry, sub) → the pages the printed index lists for it."""
    by_term = {e.term: e for e in entries.entries}
    heads = sorted(by_term, key=len, reverse=True)
    items: list[tuple[tuple[str, str | None], str]] = []
    for line in lines:
        text = line.strip()
        if items and items[-1][1].rstrip().endswith("→"):  # a cross-reference turned over
            items[-1] = (items[-1][0], items[-1][1] + text)
            continue
        if text.startswith("――") and items:
            entry = by_term[items[-1][0][0]]
            label = next(s.term for s in sorted(entry.subs, key=lambda s: -len(s.term))
                         if squeeze(text[2:]).startswith(squeeze(s.term)))
            items.append(((entry.term, label), text[2:]))
            continue
        head = next((h for h in heads if squeeze(text).startswith(squeeze(h))), None)
        if head is not None:
            items.append(((head, None), text))
        else:
            assert items, f"index starts with an unknown line: {text!r}"
            items[-1] = (items[-1][0], items[-1][1] + text)
    listed: dict[tuple[str, str | None], set[int]] = {}
    for (entry, sub), text in items:
        printed_head = entry if sub is None else sub
        qualifier = by_term[entry].qualifier if sub is None else ""
        rest = squeeze(text)[len(squeeze(printed_head)):]
        if qualifier:
            rest = rest.removeprefix(f"（{squeeze(qualifier)}）")
        pages = rest.split("→")[0]
        numbers: set[int] = set()
        for match in PAGES.finditer(pages):
            low, high = int(match.group(1)), int(match.group(2) or match.group(1))
            numbers.update(range(low, high + 1))
        if numbers:
            listed[(entry, sub)] = numbers
    return listed


def test_every_listed_page_shows_the_term_and_every_page_showing_it_is_listed(
        built_book, pdf, book):
    config, chapters, entries = book
    heads = {config.title, "索引"}
    listed = parse_index(index_lines(pdf, built_book.path, heads), entries)
    printed = printed_pages(built_book, pdf, book)
    assert len(listed) >= 120 and len(printed) >= 120
    problems = []
    for key in sorted(set(listed) | set(printed), key=str):
        name = key[0] if key[1] is None else f"{key[0]} › {key[1]}"
        extra = sorted(listed.get(key, set()) - printed.get(key, set()))
        missing = sorted(printed.get(key, set()) - listed.get(key, set()))
        if extra:
            problems.append(f"{name}: listed on {extra} but not printed there")
        if missing:
            problems.append(f"{name}: printed on {missing} but not listed")
    assert not problems, "\n".join(problems)


def test_index_page_numbers_link_to_the_page_they_name(built_book, pdf):
    reader = pypdf.PdfReader(built_book.path)
    names = reader.named_destinations
    checked = 0
    for page_number in index_page_numbers(built_book.path):
        page = pdf.pages[page_number - 1]
        for annot in reader.pages[page_number - 1].get("/Annots", []):
            link = annot.get_object()
            target = str(link.get("/Dest", ""))
            if not target.startswith("ix-"):
                continue
            # PDF space (y up) → pdfplumber's "top" (y down from the top of the page)
            x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
            box = (min(x0, x1) - SLACK, page.height - max(y0, y1) - SLACK,
                   max(x0, x1) + SLACK, page.height - min(y0, y1) + SLACK)
            shown = page.within_bbox(box).extract_text().strip()
            target_page = reader.get_destination_page_number(names[target]) + 1
            assert shown == str(target_page), (page_number, target, shown, target_page)
            checked += 1
    assert checked > 300
