"""The print edition laid out in parts: one WeasyPrint document per chapter, in parallel.

Each chapter opens on a right-hand page, so each is a page sequence of its own once we know
where it starts — and where it starts changes only its folios. So:

1. the parts — the opening (title page, contents), each chapter, the back matter
   (bibliography, contributors), the index with the colophon — are rendered to HTML here;
   a link to another part is written `bookbuild-part:ID`, which join.py makes a link
   inside the book again;
2. each part is laid out in a worker process (`--jobs`), checked by the preflight, and
   written as a PDF without its folios. Its PDF is kept under the build folder by the
   digest of what it is made of — its HTML, the stylesheets, the files they may read,
   bookbuild's environment — and not by where it starts: a chapter that grows by a page
   costs the chapters after it nothing, and a chapter whose text changed is the only
   chapter laid out again;
3. once the page counts are known, the contents' page numbers, the index (from the pages
   its anchors fell on) and the folios are set. The opening and the index set their own
   folios (their HTML depends on the pages anyway); the chapters' and the back matter's are
   drawn by small documents of empty pages, FOLIO_CHUNK pages each (folios.css), laid over
   the parts' pages; their blank pages are the left-hand pages left blank where a part
   ends on a right-hand page and the next opens on the right. join.py makes one PDF of it.

The opening, the index and the folios wait for the chapters: the index, laid out after
them, is what a one-chapter change costs besides that chapter when the change moves an
index entry's page (when it does not, the index comes from the cache).

A book laid out whole (the screen edition, tagged) is the reference this must match: the
same pages, folios, heads, links and outline (tests/editions/test_parts.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild.apparatus.index import build_index_html
from bookbuild.book import CheckedBook
from bookbuild.editions import BuildOptions, BuildResult, Edition
from bookbuild.editions.book import named_sheet, render_book_html, setting_for
from bookbuild.editions.fontshare import SubsetStore
from bookbuild.editions.join import PART_LINK, join_parts
from bookbuild.editions.layouts import LaidOutPart, Layouts, Part, PartCache
from bookbuild.editions.rendered import RenderedParts, common_fields, contents_of
from bookbuild.editions.workers import Workers, part_engines, parts_folder, worker_count
from bookbuild.errors import BookError, Diagnostic
from bookbuild.typeset import preflight
from bookbuild.typeset.document import Setting, engine_version
from bookbuild.typeset.engine import Stylesheet

if TYPE_CHECKING:  # the writer is handed the check; it does not load it
    from bookbuild.check import BookCheck

# The contents are first laid out before the pages are known, with numbers this wide: the
# real ones are no wider, so the contents take no more pages than this (checked).
PLACEHOLDER_FOLIO = "8888"
# Rounds of "lay the contents out with the real numbers, then count its pages again".
MAX_PLAN_ROUNDS = 3
# In it, the shared fonts' subsets the last join cut (fontshare.SubsetStore).
SUBSETS_FOLDER = "subsets"
# Pages per folio document: even, so that each starts on a right-hand page; small enough
# that a long book's folios are laid out in parallel, large enough to cost little each.
FOLIO_CHUNK = 64


# --- the book ------------------------------------------------------------------------------


def link_across_parts(html: str) -> str:
    """Links to an element id that is not in this part's HTML point to another part."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    return re.sub(r'href="#([^"]+)"',
                  lambda m: m[0] if m[1] in ids else f'href="{PART_LINK}{m[1]}"', html)


def first_folios(parts: list[LaidOutPart]) -> list[int]:
    """Where each part starts, and where the next would: on the right-hand (odd) page after
    the previous part, with a blank left-hand page between if it ended on the right."""
    starts, page = [], 1
    for part in parts:
        starts.append(page)
        page += part.pages + part.pages % 2
    return starts + [page]


def page_kinds(parts: list[LaidOutPart]) -> list[str]:
    """What each page up to the next part's first is to the folio documents and the join:
    "folio" (a part's page whose folio they draw), "plain" (a part's page as it is) or
    "blank" (a folio document's page: the blank left-hand page before the next part)."""
    kinds = []
    for part in parts:
        kinds += ["folio" if shown else "plain" for shown in part.folio_pages]
        kinds += ["blank"] * (part.pages % 2)
    return kinds


def book_anchors(parts: list[LaidOutPart], starts: list[int]) -> dict[str, int]:
    """Each element id's page (= folio) in the joined book."""
    anchors: dict[str, int] = {}
    for part, start in zip(parts, starts, strict=False):
        for anchor, page in part.anchors.items():
            anchors.setdefault(anchor, start + page)
    return anchors


# "page 3", "last page (3)": the preflight counts a part's pages from 1.
PAGE_IN_MESSAGE = re.compile(r"(\bpage \(?)(\d+)")


def at_book_pages(warning: Diagnostic, start: int) -> Diagnostic:
    """A part's warning with its page numbers counted in the book."""
    message = PAGE_IN_MESSAGE.sub(lambda m: f"{m[1]}{int(m[2]) + start - 1}", warning.message)
    return Diagnostic(warning.path, warning.line, message, warning.severity, warning.col)


def stop_on_errors(parts: list[LaidOutPart], starts: list[int]) -> None:
    """Every part's preflight errors at once, at the book's pages; nothing is written."""
    errors = [at_book_pages(error, start)
              for part, start in zip(parts, starts, strict=False) for error in part.errors]
    if errors:
        raise BookError(f"preflight: {len(errors)} error(s) in the laid-out pages; "
                        "nothing was written", errors)


FOLIO_PAGES = {"folio": '<div class="folio-page"></div>',
               "plain": '<div class="folio-page no-folio"></div>',
               "blank": '<div class="blank-page"></div>'}


def folio_parts(kinds: list[str]) -> list[Part]:
    """The folio documents for these pages of the book (folios.css): one per FOLIO_CHUNK
    pages that holds a folio or a blank page, each counting from its first page."""
    found = []
    for first in range(0, len(kinds), FOLIO_CHUNK):
        chunk = kinds[first:first + FOLIO_CHUNK]
        if set(chunk) != {"plain"}:
            pages = "".join(FOLIO_PAGES[kind] for kind in chunk)
            found.append(Part(f"folios:{first + 1}", f'<!DOCTYPE html>\n<html lang="ja">'
                              f"<body>{pages}</body></html>\n", first_folio=first + 1,
                              sheets="folios"))
    return found


# WeasyPrint has no page progression: its first page is a right-hand page unless the root
# asks for a left one. A right-bound book's first page is a left-hand page, and so is each
# folio document's (FOLIO_CHUNK is even); the pages alternate from there.
RIGHT_BOUND = Stylesheet("right-bound", "html { break-before: left; }")
# WeasyPrint's blank pages are not the size of Vivliostyle's (Vivliostyle adds room for
# the crop marks around the bleed): a vertical book's blank pages are copies of the
# opening's blank page, the title page's verso (vertical.css: `.title-page` breaks to
# the next left-hand page), given to the join as (part, page).
OPENING_BLANK = (0, 1)


def folio_setting(setting: Setting, folios_sheet: Stylesheet, right_bound: bool) -> Setting:
    """What the folio documents are laid out with: the book's sheets and folios.css, by
    WeasyPrint whatever lays the book out. They are pages of margin boxes only — no text
    to turn — so a vertical book's need no Vivliostyle (about 5 s a run): WeasyPrint draws
    its folios where Vivliostyle would, once its first page is a left-hand page."""
    if setting.engine == "weasyprint":
        return setting.with_sheets(folios_sheet)
    sheets = (folios_sheet, RIGHT_BOUND) if right_bound else (folios_sheet,)
    return replace(setting, engine="weasyprint").with_sheets(*sheets)


@contextmanager
def _workers(options: BuildOptions, kind: Edition, chapters: int) -> Iterator[Workers]:
    """The workers the build started (workers_started), else ours, ended with the book."""
    if options.workers is not None:
        yield options.workers
        return
    with Workers(worker_count(options.jobs, chapters), part_engines(kind)) as workers:
        yield workers


def write_book_in_parts(book: CheckedBook, kind: Edition, target: Path, check: BookCheck,
                        echo: Callable[[str], None], options: BuildOptions) -> BuildResult:
    """The print edition laid out in parts and joined into `target` (see the module). The
    book's check runs once the first parts are with the workers: its errors stop the
    build before anything is written, and its warnings are reported with the book's."""
    from bookbuild.cache import environment_digest, files_digest, resource_files
    from bookbuild.editions.views import bibliography_html, chapter_views

    config = book.config
    views, occurrences = chapter_views(book, echo=echo)
    works_html = bibliography_html(book)
    share = kind.engine == "weasyprint"  # one program per font (fontshare.py)
    setting = setting_for(book, kind)
    if share:  # the join cuts each font once: the parts write stubs
        setting = replace(setting, shared_fonts=config.fonts.directories)
    settings = {"book": setting,
                "folios": folio_setting(setting, named_sheet(book, "folios.css"), kind.vertical)}
    salt = environment_digest(config) + files_digest(resource_files(config), config.root,
                                                     book.files.read_bytes) \
        + engine_version(setting.engine)
    cache = PartCache(parts_folder(config, kind), salt, options.reuse_parts)

    def render(chapters=(), sections=(), **more) -> str:
        return link_across_parts(render_book_html(book, list(chapters), kind, works_html,
                                                  sections=sections, contents=views, **more))

    # The parts rendered before layout, each kept by what it is made of (rendered.py).
    rendered = RenderedParts(cache.folder, common_fields(
        salt, repr(kind), book.files.read_bytes(config.root / "book.yaml"),
        book.index is not None, works_html, contents_of(views, book.root, book.files.read_bytes)),
        options.reuse_parts)

    def chapter_html(view) -> str:
        return rendered.html([("sections", ""), ("chapters", repr([view]))],
                             lambda: render([view]))

    def back_html() -> str:
        return rendered.html([("sections", "back"), ("chapters", "[]")],
                             lambda: render(sections=("back",)))

    def finishing(opening: LaidOutPart, body: list[LaidOutPart]) -> Iterator[Part]:
        """The index, the opening with the contents' page numbers, and the folio documents,
        for these page counts and anchors: the index first, the longest, which goes to a
        worker while the others are made."""
        starts = first_folios([opening, *body])
        anchors = book_anchors([opening, *body], starts)
        anchors.setdefault("book-index", starts[-1])  # the index opens after the rest
        index_html = (build_index_html(book.index, anchors, occurrences)
                      if book.index is not None else "")
        yield Part("index", render(sections=("index", "colophon"), index_html=index_html),
                   first_folio=starts[-1])
        toc = {name: anchors[name] for name in placeholders if name in anchors}
        yield Part("opening", render(sections=("opening",), toc_pages=toc), first_folio=1)
        yield from folio_parts(page_kinds([opening, *body]))

    placeholders = dict.fromkeys([v.anchor for v in views]
                                 + ["bibliography", "contributors", "book-index"],
                                 PLACEHOLDER_FOLIO)
    with _workers(options, kind, len(views)) as workers, \
            Layouts(settings, cache, workers, echo) as layouts:
        sources = preflight.sources_for(book.chapters, book.root, book.read_text)

        def first_parts() -> Iterator[Part]:
            """The chapters, longest first (each goes to a worker as it is made), the
            back matter and the opening with the contents' placeholders."""
            for view in sorted(views, key=lambda view: -len(view.chapter.body)):
                yield Part(f"chapter:{view.chapter.id}", chapter_html(view),
                           sources={view.chapter.id: sources[view.chapter.id]})
            yield Part("back", back_html())
            yield Part("opening", render(sections=("opening",), toc_pages=placeholders),
                       first_folio=1)

        laying_out = layouts.submit(first_parts())
        warnings = check.warnings()  # beside the layouts; its errors stop the build here
        laid_out = {part.name: part for part in laying_out()}
        opening = laid_out["opening"]
        body = [*(laid_out[f"chapter:{view.chapter.id}"] for view in views), laid_out["back"]]
        stop_on_errors([opening, *body], first_folios([opening, *body]))
        workers.start_join()
        for _ in range(MAX_PLAN_ROUNDS):
            index, final_opening, *folios = layouts.lay_out(finishing(opening, body))
            starts = first_folios([opening, *body, index])
            stop_on_errors([final_opening, *body, index], starts)
            if final_opening.pages == opening.pages:
                break
            opening = final_opening  # the contents took fewer pages: count again
        else:
            raise BookError("the contents' page count does not settle; report this (the "
                            "screen edition is laid out as one document meanwhile)")
        parts = [final_opening, *body, index]
        echo(f"joining {len(parts)} parts")
        kinds = page_kinds([final_opening, *body]) + ["plain"] * index.pages
        joined = workers.run_apart(join_parts, target, [p.path for p in parts],
                             {int(f.name.removeprefix("folios:")): f.path for f in folios},
                             kinds, font_directories=config.fonts.directories,
                             share=share,
                             blank_from=None if setting.engine == "weasyprint" else OPENING_BLANK,
                             subsets=SubsetStore(cache.folder / SUBSETS_FOLDER, salt)
                             if options.reuse_parts else None)
    cache.used = cache.used | rendered.used  # the parts' HTML is kept with their PDFs
    cache.prune()
    anchors = book_anchors(parts, starts)
    found = list(warnings) + [Diagnostic("build", None, f"no anchor #{name} in the book: "
                                         "its link was left out") for name in
                              joined.unresolved_links] + [
        Diagnostic("build", None, f"font {name} is embedded once per chapter: {why}")
        for name, why in joined.fonts_not_shared.items()] + list(dict.fromkeys(
            at_book_pages(w, start) for p, start in zip(parts, starts, strict=False)
            for w in p.warnings))
    return BuildResult(target, joined.pages, 0.0, found,
                       {v.chapter.id: (anchors[v.anchor], anchors[v.end_anchor])
                        for v in views},
                       laid_out=tuple(layouts.laid_out))
