"""A patch of WeasyPrint 70: an empty `<span id>` that only marks a place (the index's
anchors, one before every occurrence of a term) no longer cuts the text it stands in, nor
costs the layout an element.

WeasyPrint makes a box of every element, so an empty span between two runs of a
paragraph's text leaves two text boxes, each line of each laid out by Pango on its own,
and one more element to parse, cascade and build. A chapter's 120–240 index anchors cost
a fifth of its layout (chapter 002: 1.46 s → 0.99 s of CPU with them deleted from the
HTML; benchmarks/PROFILE-chapters.md, session 8). They also changed the pages: the empty
box moved line breaks (18–79 lines a chapter differ from the same chapter without its
anchors, some of them loose), and on a justified line the gap at an anchor got no
spacing (Pango drops the half letter-spacing at both ends of a box's text, see `justify`).

What `install()` wraps:

* `document.get_all_computed_styles` (before the cascade): every `span.ix`
  (`MARK_CLASS`, empty, no other attribute) outside the headings leaves the element tree;
  a private-use character (Supplementary Private Use Area-A, never in a manuscript) stands
  in the text where it was. A mark whose text would hold nothing else stays an element,
  and so do the headings' (WeasyPrint reads their text for the PDF's outline).
* `formatting_structure.build.build_formatting_structure` (once the boxes are built, the
  notes' boxes included): each text box loses those characters and keeps the marks as
  (byte offset, id, the strut of the span's box). Then every *mark* still a box (an
  inline box of an empty `span` with an id and nothing to draw: no padding, border,
  margin, background, link or bookmark, and not the target of a `target-*()` function)
  goes the same way: into the text beside it when the text boxes either side belong to
  the same element (joined), else onto the first character of the text that follows, or
  the end of the text before.
* `layout.inline.split_text_box`: each line's piece of a marked text box records the bytes
  of the box's text it stands for (from where its line starts to where the next one does).
* `document.gather_anchors` (called once per page): each mark becomes the page's anchor
  where an empty inline box would have been: on the line's baseline with its strut's
  height, at the x where the character after it starts on the drawn line (justification
  included).

`css.targets.TargetCollector.lookup_target` is wrapped only to note which anchors a
`target-counter()` or `target-text()` reads: those keep their box, since WeasyPrint counts
their pages from it. (An `.ix` span is never such a target: the index sets its own page
numbers.)

Pinned like the other patches (guard.py). Only left-to-right text is joined.
"""

from __future__ import annotations

import re

from bookbuild.typeset.patches.guard import require_tested

EXPECTED_SOURCES = {
    "document.Document._build_layout_context": "2b072254ab89701b",  # the cascade's call
    "document.Document._render": "ebaceeb0fa8e79aa",  # cascade, then boxes, then pages
    "formatting_structure.build.build_formatting_structure": "cec02c4844472c92",
    "layout.inline.split_text_box": "8c564329599ef23f",
    "anchors.gather_anchors": "373f8c676f27da3b",
    "css.targets.TargetCollector.lookup_target": "cc606c47e1954d3b",
    "formatting_structure.boxes.TextBox.copy_with_text": "e8ea28f3b7812142",
    "text.line_break.Layout.reactivate": "0b89ee097104b713",
    "text.line_break.Layout.get_first_line": "bb65cbda0e27f135",
}

MARK_CLASS = "ix"  # apparatus.index's anchors: `<span class="ix" id="…"></span>`, unstyled
FIRST_CHARACTER = 0xF0000  # Supplementary Private Use Area-A: never in a manuscript's text
_CAPACITY = 0xFFFFE - FIRST_CHARACTER
_MARKER = re.compile("[\U000F0000-\U000FFFFD]")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PENDING: dict[int, tuple] = {}  # id(element tree) → (tree, ids): cascade → box tree
MARKS = "bookbuild_marks"  # on a joined text box: ((byte offset, id, strut), …)
SPAN = "bookbuild_span"  # on a line's piece: (first byte, byte after its line, last line?)
_LOOKED_UP = "bookbuild_looked_up"  # on a TargetCollector: ids of the items looked up
_EDGES = ("margin_top", "margin_right", "margin_bottom", "margin_left",
          "padding_top", "padding_right", "padding_bottom", "padding_left",
          "border_top_width", "border_right_width", "border_bottom_width",
          "border_left_width")

_installed = False


def installed() -> bool:
    return _installed


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint import document
    from weasyprint.css import targets
    from weasyprint.formatting_structure import boxes, build
    from weasyprint.layout import inline

    require_tested("typeset.patches.placemarks", EXPECTED_SOURCES)
    original_build = build.build_formatting_structure
    original_split = inline.split_text_box
    original_gather = document.gather_anchors
    original_lookup = targets.TargetCollector.lookup_target
    original_styles = document.get_all_computed_styles

    def get_all_computed_styles(html, *args, **kwargs):
        names = _marks_to_characters(html.etree_element)
        if names:
            _PENDING[id(html.etree_element)] = (html.etree_element, names)
        return original_styles(html, *args, **kwargs)

    def build_formatting_structure(element_tree, style_for, get_image_from_uri, base_url,
                                   target_collector, *args):
        root = original_build(element_tree, style_for, get_image_from_uri, base_url,
                              target_collector, *args)
        tree, names = _PENDING.pop(id(element_tree), (None, ()))
        if tree is element_tree and names:
            footnotes = args[1]  # the notes' boxes, taken out of the flow
            for box in (root, *footnotes):
                _characters_to_marks(box, names, boxes)
        looked_up = getattr(target_collector, _LOOKED_UP, set())
        items = target_collector.target_lookup_items

        def is_mark(box) -> bool:
            return _is_mark(box, boxes) and id(items.get(box.style["anchor"])) not in looked_up

        _join_marks(root, boxes, is_mark)
        return root

    def split_text_box(context, box, available_width, skip, is_line_start=True):
        piece, resume, preserved = original_split(context, box, available_width, skip,
                                                  is_line_start)
        if piece is not None and getattr(box, MARKS, None):
            first, end, _ = getattr(box, SPAN, (0, len(box.text.encode()), True))
            start = first + (skip or 0)
            setattr(piece, SPAN, (start, end, True) if resume is None
                    else (start, first + resume, False))
        return piece, resume, preserved

    def gather_anchors(box, anchors, *args, **kwargs):
        original_gather(box, anchors, *args, **kwargs)
        for piece in _marked_pieces(box):
            for name, position in _mark_positions(piece):
                anchors.setdefault(name, position)

    def lookup_target(self, *args, **kwargs):
        item = original_lookup(self, *args, **kwargs)
        self.__dict__.setdefault(_LOOKED_UP, set()).add(id(item))
        return item

    for wrapper, original in ((build_formatting_structure, original_build),
                              (split_text_box, original_split),
                              (gather_anchors, original_gather),
                              (lookup_target, original_lookup),
                              (get_all_computed_styles, original_styles)):
        wrapper.__wrapped_original__ = original  # type: ignore[union-attr]
    build.build_formatting_structure = build_formatting_structure
    document.build_formatting_structure = build_formatting_structure  # imported by name
    inline.split_text_box = split_text_box
    document.gather_anchors = gather_anchors
    targets.TargetCollector.lookup_target = lookup_target
    document.get_all_computed_styles = get_all_computed_styles
    _installed = True


# --- the index's anchors, out of the tree before the cascade ------------------------------


def _marks_to_characters(root) -> list[str]:
    """Take every `span.ix` mark outside the headings out of the element tree, a
    private-use character standing where it was: before the text that follows it, or,
    when its own text ends there, before the text of the element that follows (the term a
    `wo-gap` span holds: so the mark stays on the term's line when a line breaks between
    them), else at the end of the text before it. Return their ids, the character of the
    n-th being FIRST_CHARACTER + n. A mark with no text beside it stays an element (the
    boxes' join takes it), and so do the headings' (WeasyPrint reads their text for the
    PDF's outline)."""
    names: list[str] = []

    def character(mark) -> str:
        names.append(mark.get("id"))
        return chr(FIRST_CHARACTER + len(names) - 1)

    def walk(parent) -> None:
        previous = None
        children = list(parent)
        for index, child in enumerate(children):
            if _local(child.tag) in _HEADINGS:
                previous = child
                continue
            if _is_mark_element(child) and len(names) < _CAPACITY:
                before = (parent.text if previous is None else previous.tail) or ""
                after = child.tail or ""
                following = children[index + 1] if index + 1 < len(children) else None
                if (not after.strip() and following is not None and following.text
                        and not _is_mark_element(following)
                        and _local(following.tag) not in _HEADINGS):
                    following.text = character(child) + following.text
                    text = before + after
                elif _MARKER.sub("", before + after).strip():
                    text = before + character(child) + after
                else:
                    walk(child)
                    previous = child
                    continue
                if previous is None:
                    parent.text = text
                else:
                    previous.tail = text
                parent.remove(child)
                continue
            walk(child)
            previous = child

    walk(root)
    return names


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _is_mark_element(element) -> bool:
    return (_local(element.tag) == "span" and len(element) == 0 and not element.text
            and bool(element.get("id")) and set(element.keys()) <= {"id", "class"}
            and MARK_CLASS in (element.get("class") or "").split())


def _characters_to_marks(root, names: list[str], boxes) -> None:
    """Each text box loses the characters `_marks_to_characters` put in and keeps, in their
    place, the marks: (byte offset, id, strut)."""
    from weasyprint.text.line_break import strut

    for box in root.descendants():
        if not isinstance(box, boxes.TextBox) or not _MARKER.search(box.text):
            continue
        collapsing = box.style["white_space"] in ("normal", "nowrap", "pre-line")
        text, marks, position, struts = "", [], 0, strut(box.style)
        for found in _MARKER.finditer(box.text):
            text += box.text[position:found.start()]
            marks.append((len(text.encode()), names[ord(found.group()) - FIRST_CHARACTER],
                          *struts))
            position = found.end()
            if collapsing and text.endswith(" ") and box.text.startswith(" ", position):
                position += 1  # the spaces either side of the mark collapse into one
        box.text = text + box.text[position:]
        setattr(box, MARKS, (*marks, *getattr(box, MARKS, ())))


def _is_mark(box, boxes) -> bool:
    """An inline box of an empty span with an id that draws nothing and links nowhere."""
    style = box.style
    return (type(box) is boxes.InlineBox and not box.children
            and box.element_tag == "span" and bool(style["anchor"])
            and style["direction"] == "ltr" and not getattr(box, "link", None)
            and style["bookmark_level"] == "none" and style["position"] == "static"
            and style["background_image"] in ((), (("none", None),), [("none", None)])
            and style["background_color"].alpha == 0
            and all(not style[edge] or getattr(style[edge], "value", style[edge]) == 0
                    for edge in _EDGES))


def _join_marks(box, boxes, is_mark) -> None:
    """Take the marks out of every box's children: text · marks · text of the same element
    become one text box; marks before any other text go on that text's first character
    (through the inline boxes that open with it). Other marks stay boxes."""
    if not isinstance(box, boxes.ParentBox):
        return
    children = box.children
    for child in children:
        _join_marks(child, boxes, is_mark)
    kept: list = []
    for child in [*children, None]:
        marks = _trailing_marks(kept, is_mark)
        before = kept[-1 - len(marks)] if len(kept) > len(marks) else None
        if not marks:
            pass
        elif (isinstance(child, boxes.TextBox) and isinstance(before, boxes.TextBox)
                and before.element is child.element and before.style == child.style):
            del kept[-1 - len(marks):]
            child = _joined(before, marks, child)
        elif (text := _opening_text(child, boxes)) is not None:
            del kept[-len(marks):]
            setattr(text, MARKS, (*_kept(marks, 0), *getattr(text, MARKS, ())))
        elif isinstance(before, boxes.TextBox):  # the marks end their text
            del kept[-len(marks):]
            setattr(before, MARKS, (*getattr(before, MARKS, ()),
                                    *_kept(marks, len(before.text.encode()))))
        if child is not None:
            kept.append(child)
    if len(kept) < len(children):
        box.children = type(children)(kept)  # a line box's are a tuple


def _opening_text(box, boxes):
    """The text box that `box` opens with, through inline boxes in the flow, or None."""
    while isinstance(box, boxes.InlineBox) and box.children:
        box = box.children[0]
        if not box.is_in_normal_flow():
            return None
    return box if isinstance(box, boxes.TextBox) else None


def _trailing_marks(boxes_so_far: list, is_mark) -> list:
    marks: list = []
    for box in reversed(boxes_so_far):
        if not is_mark(box):
            break
        marks.insert(0, box)
    return marks


def _joined(before, marks: list, after):
    """One text box for `before` + `after`, the marks kept where they stood."""
    offset = len(before.text.encode())
    box = before.copy_with_text(before.text + after.text)
    setattr(box, MARKS, (*getattr(before, MARKS, ()), *_kept(marks, offset),
                         *((offset + at, *rest) for at, *rest in getattr(after, MARKS, ()))))
    return box


def _kept(marks: list, offset: int) -> tuple:
    """Each mark as (byte where it stands, id, its box's strut: line height, baseline)."""
    from weasyprint.text.line_break import strut

    return tuple((offset, mark.style["anchor"], *strut(mark.style)) for mark in marks)


def _marked_pieces(box):
    if getattr(box, SPAN, None) is not None and getattr(box, MARKS, None):
        yield box
        return
    for child in box.all_children() if hasattr(box, "all_children") else ():
        yield from _marked_pieces(child)


def _mark_positions(piece):
    """(id, (x1, y1, x2, y2)) of the marks that fall in this line's piece of the text,
    where an empty inline box would have been: on the line's baseline, its strut's height
    (WeasyPrint's hit area of an inline box), no width."""
    start, end, last = getattr(piece, SPAN)
    inside = [(at - start, name, height, baseline)
              for at, name, height, baseline in getattr(piece, MARKS)
              if start <= at < end or (last and at == end)]
    if not inside:
        return
    line_baseline = piece.position_y + piece.baseline
    advances = _advances(piece, [at for at, *_ in inside])
    for (_, name, height, baseline), advance in zip(inside, advances, strict=True):
        x, top = piece.position_x + advance, line_baseline - baseline
        yield name, (x, top, x, top + height)


def _advances(piece, indexes: list[int]) -> list[float]:
    """The x advance from the start of the piece's drawn line to each byte index of its
    text: the glyphs of the clusters before it, as `draw_first_line` places them."""
    from weasyprint.text.ffi import FROM_UNITS, ffi

    layout = piece.pango_layout
    layout.reactivate(piece.style)
    try:
        line, _ = layout.get_first_line()
        clusters: list[tuple[int, int]] = []  # (byte where a glyph's cluster starts, width)
        run = line.runs
        while run != ffi.NULL:
            item = run.data
            glyphs = item.glyphs
            for i in range(glyphs.num_glyphs):
                clusters.append((item.item.offset + glyphs.log_clusters[i],
                                 glyphs.glyphs[i].geometry.width))
            run = run.next
    finally:
        layout.deactivate()
    return [sum(width for at, width in clusters if at < index) * FROM_UNITS
            for index in indexes]
