"""One PDF of the parts of a book laid out apart (editions/parts.py), with pikepdf (qpdf).

What a reader must not see of the join: links between parts work (the contents, the
index, a note's citation of the bibliography), the outline is the book's, every page
has its folio, and each font is embedded once. The first part's document (the opening)
is the book's: its metadata, its PDF/X output intent, its viewer settings.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from bookbuild.editions.fontshare import SubsetStore, share_fonts
from bookbuild.fsutil import write_atomic

# A link to an element of another part, as parts.py writes it in a part's HTML; WeasyPrint
# keeps it as a URI, which the join turns into a link to the book's named destination.
PART_LINK = "bookbuild-part:"


@dataclass
class JoinedBook:
    """What the join wrote."""

    pages: int
    unresolved_links: list[str] = field(default_factory=list)  # ids no part holds
    # fonts embedded once per part: not found in the font folders (name → why)
    fonts_not_shared: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutlineItem:
    title: object  # the pikepdf String, as written
    page: int  # 0-based page of the joined book
    position: tuple  # /XYZ left top zoom
    children: tuple[OutlineItem, ...]
    closed: bool


def join_parts(target: Path, parts: list[Path], folios: dict[int, Path], kinds: list[str],
               *, font_directories: tuple[str, ...] = (), share: bool = True,
               blank_from: tuple[int, int] | None = None,
               subsets: SubsetStore | None = None) -> JoinedBook:
    """Write to `target` (atomically) one book of the parts' pages, in order, with one name
    tree and outline, and fonts shared. `folios` are the folio documents by the book's page
    each starts on; `kinds` says what each page of the book is: "folio" (a part's next
    page, with its page of a folio document laid over it), "plain" (a part's next page as
    it is) or "blank" (the folio document's page itself: a blank page); `share`: one program
    per font (fontshare.py), for WeasyPrint's parts only; `blank_from` (part, page, from
    0): a blank page of the parts' own, copied for each blank page instead of the folio
    document's, when another engine draws the folios (its page boxes and crop marks are
    not the parts'): unless it holds text; `subsets`: where the shared fonts' subsets
    are kept between builds (pruned to this book's). Run in a worker
    process by parts.py: it holds a thousand pages' objects at once, and the worker has
    none of the book's HTML besides."""
    import pikepdf

    book = pikepdf.new()
    folio_documents, folio_pages = _folio_pages(folios)
    pages = iter(enumerate(kinds, start=1))
    appended = 0  # the book's pages so far
    destinations: dict[str, tuple[int, list]] = {}
    outline: list[OutlineItem] = []
    # Every document stays open until the book is saved: qpdf reads a copied page's
    # streams from its document when it writes.
    documents = [pikepdf.open(part) for part in parts]
    blank = _blank_page(documents, blank_from)
    for number, document in enumerate(documents):
        if number == 0:  # the opening's document settings are the book's
            _take_catalog(book, document)
            version = document.pdf_version
        offset = appended
        numbers = {page.obj.objgen: n for n, page in enumerate(document.pages)}
        for name, (page_number, position) in _destinations(document, numbers).items():
            destinations.setdefault(name, (offset + page_number, position))
        outline += _outline(document, numbers, offset)
        for page in document.pages:
            at, kind = next(pages)
            _append(book, page)
            appended += 1
            if kind == "folio":
                _lay_over(book.pages[at - 1], folio_pages[at], at)
        if number < len(parts) - 1 and len(document.pages) % 2:
            at, kind = next(pages)
            _append(book, folio_pages[at] if blank is None else blank)
            appended += 1
    if next(pages, None) is not None:
        raise ValueError(f"the parts have {appended} pages, the plan {len(kinds)}")
    # pikepdf's `book.pages[n]` (and its len) lists all the book's pages again each time:
    # a lookup per destination and outline entry grew with the destinations × the pages.
    page_objects = [page.obj for page in book.pages]
    _write_destinations(book, page_objects, destinations)
    unresolved = _link_parts(book, destinations)
    _write_outline(book, page_objects, outline)
    with_stable_document_id(book)
    # `share`: only WeasyPrint's subsets keep the original glyph ids (fontshare.py); Skia's
    # (Chromium's, under Vivliostyle) renumber them, so each part keeps its own.
    left_alone = share_fonts(book, font_directories, store=subsets).left_alone if share else {}
    out = io.BytesIO()
    # Object streams: each part brings its own font dictionaries, widths and ToUnicode
    # maps, which only compress well together (fontshare.py measured +13 % without).
    book.save(out, deterministic_id=True, min_version=version, compress_streams=True,
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    write_atomic(target, out.getvalue())
    if subsets is not None and share:
        subsets.prune()
    return JoinedBook(len(page_objects), unresolved, left_alone)


def cut_pages(book_pdf: Path, first: int, last: int) -> bytes:
    """Pages `first` to `last` (1-based, both kept) of a joined book as a PDF of their own,
    as a printer would cut them out: the book's catalogue (metadata, PDF/X output intent,
    viewer settings) kept; the destinations, outline entries and links that lead to pages
    left behind dropped (a link to the bibliography from a chapter's note, say)."""
    import pikepdf

    offset = first - 1
    with pikepdf.open(book_pdf) as book:
        numbers = {page.obj.objgen: n for n, page in enumerate(book.pages)}
        kept = range(last - first + 1)
        destinations = {name: (page - offset, position) for name, (page, position)
                        in _destinations(book, numbers).items() if page - offset in kept}
        outline = _outline_within(_outline(book, numbers, -offset), kept)
        cut = pikepdf.new()
        _take_catalog(cut, book)
        for page in book.pages[offset:last]:
            _append(cut, page)
        page_objects = [page.obj for page in cut.pages]
        _write_destinations(cut, page_objects, destinations)
        _drop_links_outside(cut, destinations)
        _write_outline(cut, page_objects, outline)
        with_stable_document_id(cut)
        out = io.BytesIO()
        cut.save(out, deterministic_id=True, min_version=book.pdf_version,
                 compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def _outline_within(items: list[OutlineItem], pages: range) -> list[OutlineItem]:
    """The outline entries on `pages`; an entry elsewhere gives way to its children."""
    within: list[OutlineItem] = []
    for item in items:
        children = tuple(_outline_within(list(item.children), pages))
        if item.page in pages:
            within.append(OutlineItem(item.title, item.page, item.position, children,
                                      item.closed))
        else:
            within += children
    return within


def _drop_links_outside(book, destinations: dict) -> None:
    """Links to a destination the document does not hold go (their page was cut away);
    links out of the book stay."""
    import pikepdf

    pages = {page.obj.objgen for page in book.pages}

    def leads_inside(annotation) -> bool:
        target = annotation.get("/Dest")
        if target is None:
            return True
        if isinstance(target, pikepdf.Array):  # [page /XYZ …]: a page of this document?
            return len(target) > 0 and target[0].objgen in pages
        return str(target) in destinations

    for page in book.pages:
        annotations = page.obj.get("/Annots")
        if annotations is not None:
            page.obj.Annots = pikepdf.Array([a for a in annotations if leads_inside(a)])


def _blank_page(documents: list, blank_from: tuple[int, int] | None):
    """The parts' blank page that `blank_from` names, if it is one: no font, no link."""
    if blank_from is None:
        return None
    part, number = blank_from
    if part >= len(documents) or number >= len(documents[part].pages):
        return None
    page = documents[part].pages[number]
    resources = page.obj.get("/Resources", {})
    return None if "/Font" in resources or "/XObject" in resources or "/Annots" in page.obj \
        else page


def _folio_pages(folios: dict[int, Path]) -> tuple[list, dict]:
    """The open folio documents (a page is valid while its document is open) and the
    book's page number → its page in one of them."""
    import pikepdf

    documents, pages = [], {}
    for first, pdf in folios.items():
        documents.append(pikepdf.open(pdf))
        # WeasyPrint gives all its pages one resource dictionary: a folio page would carry,
        # unpainted, the crop marks of the blank pages (drawn in DeviceRGB, which PDF/X-4
        # has not) and the profile of its device-cmyk space, a copy per folio document.
        documents[-1].remove_unreferenced_resources()
        for number, page in enumerate(documents[-1].pages, start=first):
            pages[number] = page
    return documents, pages


def _destinations(document, numbers: dict) -> dict[str, tuple[int, list]]:
    """The part's named destinations (WeasyPrint writes one flat /Names array)."""
    names = document.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    found = {}
    for at in range(0, len(names), 2):
        destination = names[at + 1]
        found[str(names[at])] = (numbers[destination[0].objgen], list(destination[1:]))
    return found


def _write_destinations(book, page_objects: list, destinations: dict[str, tuple[int, list]]
                        ) -> None:
    import pikepdf

    flat = pikepdf.Array()
    # A name tree's keys are sorted (ISO 32000-1, 7.9.6), as bytes.
    for name in sorted(destinations, key=lambda n: n.encode("utf-8")):
        page, position = destinations[name]
        flat.append(pikepdf.String(name))
        flat.append(pikepdf.Array([page_objects[page], *position]))
    names = book.Root.get("/Names") or pikepdf.Dictionary()
    names.Dests = book.make_indirect(pikepdf.Dictionary(Names=flat))
    book.Root.Names = names


def _link_parts(book, destinations: dict) -> list[str]:
    """Links that went to another part go to its named destination; returns the ids no
    part holds (their links are removed, as WeasyPrint does with a missing anchor)."""
    import pikepdf

    unresolved = []
    for page in book.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = pikepdf.Array()
        for annotation in annotations:
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(PART_LINK):
                name = unquote(uri.removeprefix(PART_LINK))
                if name not in destinations:
                    unresolved.append(name)
                    continue
                del annotation["/A"]
                annotation.Dest = pikepdf.String(name)
            kept.append(annotation)
        page.obj.Annots = kept
    return unresolved


def _outline(document, numbers: dict, offset: int) -> list[OutlineItem]:
    outlines = document.Root.get("/Outlines")
    return _outline_items(outlines.get("/First"), numbers, offset) if outlines else []


def _outline_items(item, numbers: dict, offset: int) -> list[OutlineItem]:
    items = []
    while item is not None:
        destination = item.Dest
        items.append(OutlineItem(
            item.Title, offset + numbers[destination[0].objgen], tuple(destination[1:]),
            tuple(_outline_items(item.get("/First"), numbers, offset)),
            int(item.get("/Count", 0)) < 0))
        item = item.get("/Next")
    return items


def _write_outline(book, page_objects: list, items: list[OutlineItem]) -> None:
    import pikepdf

    if not items:
        return
    root = book.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    root.Count = _write_outline_items(book, page_objects, items, root)
    book.Root.Outlines = root


def _write_outline_items(book, page_objects: list, items: list[OutlineItem], parent) -> int:
    """Writes `items` under `parent`; returns how many of them a reader sees open (the
    /Count of ISO 32000-1, 12.3.3)."""
    import pikepdf

    written: list = []  # the entries written so far (pikepdf objects)
    visible = len(items)
    for item in items:
        entry = book.make_indirect(pikepdf.Dictionary(
            Title=item.title, Parent=parent,
            Dest=pikepdf.Array([page_objects[item.page], *item.position])))
        if item.children:
            shown = _write_outline_items(book, page_objects, list(item.children), entry)
            entry.Count = -len(item.children) if item.closed else shown
            visible += 0 if item.closed else shown
        if written:
            entry.Prev = written[-1]
            written[-1].Next = entry
        written.append(entry)
    parent.First, parent.Last = written[0], written[-1]
    return visible


# The folio's name in a page's resources, with the page's number: pikepdf's `add_overlay`
# draws a random one (the same book would not give the same bytes twice), and the pages of
# one part share one resource dictionary (one name for all would show one folio on all).
FOLIO_XOBJECT = "/bookbuildFolio{page}"


def _lay_over(page, folio, number: int) -> None:
    """`folio` (a page of the folio document) drawn over `page`, as pikepdf's add_overlay
    does but under a name of our own. qpdf makes a page a form bounded by its trim box, and
    both pages have the same one: it lands where it was laid out."""
    import pikepdf

    form = folio.as_form_xobject()
    name = page.add_resource(form, pikepdf.Name.XObject,
                             name=pikepdf.Name(FOLIO_XOBJECT.format(page=number)))
    placement = page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(*page.trimbox),
                                                 allow_shrink=True, allow_expand=True)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n", prepend=False)
    page.contents_add(placement, prepend=False)
    page.contents_coalesce()


def _append(book, page) -> None:
    import pikepdf

    with warnings.catch_warnings():  # named destinations are carried over by join_parts
        warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
        book.pages.append(page)


# What the book takes from its first part's catalog: how it opens, its language, its
# metadata and, for PDF/X, its output intent. Names and outline are the join's own.
CATALOG_KEYS = ("/Lang", "/Metadata", "/OutputIntents", "/ViewerPreferences", "/PageMode",
                "/PageLayout", "/MarkInfo")


def _take_catalog(book, first) -> None:
    for key in CATALOG_KEYS:
        if key in first.Root:
            value = first.Root[key]
            book.Root[key] = book.copy_foreign(
                value if value.is_indirect else first.make_indirect(value))
    if "/Info" in first.trailer:
        book.docinfo = book.copy_foreign(first.trailer.Info)


# WeasyPrint's PDF/X-4 metadata names the document `xmp.did:` + a random uuid4 (its own
# TODO says so): two builds of the same book would differ in it alone.
RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")
DOCUMENT_ID_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5e7f-9c0d-1b2a3f4e5d6c")


def with_stable_document_id(book) -> None:
    """The XMP document id (PDF/X-4's xmpMM:DocumentID) derived from what the book's pages
    draw and the rest of its metadata, not drawn at random: the same book, the same bytes."""
    metadata = book.Root.get("/Metadata")
    if metadata is None:
        return
    data = metadata.read_bytes()
    if not RANDOM_DOCUMENT_ID.search(data):
        return
    digest = hashlib.sha256(RANDOM_DOCUMENT_ID.sub(b"", data))
    for page in book.pages:
        for stream in _content_streams(page.obj.get("/Contents")):
            digest.update(stream.read_raw_bytes())
    stable = f"xmp.did:{uuid.uuid5(DOCUMENT_ID_NAMESPACE, digest.hexdigest())}".encode()
    metadata.write(RANDOM_DOCUMENT_ID.sub(stable, data))


def _content_streams(contents) -> list:
    import pikepdf

    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]
