"""The back-of-book index (索引): entries, occurrences, page numbers, sorting, HTML.

The index file (`chapters/index.yaml`, format documented at its top) lists what an editor
chose to index. The chapter files are never marked by hand: the build finds every
occurrence of every entry in each chapter's HTML, anchors it, lays the book out once to
learn where each anchor fell, and then sets the index with those pages.

API for the build (in this order):

- `load_index(path) -> IndexEntries` — parse and validate the file. Errors (`BookError`)
  name `file:line`; `IndexEntries.warnings` holds the readings the analyser had to guess.
- `mark_occurrences(html_fragment, chapter_id, entries) -> (html, [Occurrence])` — insert
  an empty anchor `<span class="ix" id="ix-<chapter>-<n>"></span>` before every occurrence
  (longest match first, never inside tags, attribute values, URLs, code). Run it on the
  Markdown output *before* typesetting; the anchors are empty so later passes can ignore
  them. Collect the occurrences of all chapters, in book order.
- lay out the book and read `{anchor id: page}` from it (1-based physical page = printed
  folio in this book; `editions.book.anchor_pages`).
- `build_index_html(entries, anchor_pages, occurrences) -> str` — the index section body:
  headings A–Z (Latin-letter terms, first) then あ か さ た な は ま や ら わ; entries in
  JIS X 4061 order of their readings (`kana.reading_sort_key`), identical readings ordered
  by their written form; page numbers merged per page, runs of three or more pages as
  `12–14`, each number a link to the first anchor of the entry on that page.
  Lay the book out again with it. Class names are listed in `styles/index.css`.
  Sub-entries follow their entry in the order of the index file; 'see' entries carry no
  pages; entries never found are left out.
- `index_check(entries, chapters_text) -> [Diagnostic]` — entries never found (warnings).
- `suggest_candidates(texts, entries)` — proper nouns not yet indexed (`bookbuild index
  suggest`); the morphological analyser (SudachiPy) is imported only here and for missing
  readings.

Latin-letter rule: a term whose first character is an ASCII letter (THAAD, NATO, G7) is
filed in the block `A–Z` before あ, in alphabetical order ignoring case; its reading is
not used. Every other term is filed under the 行 of its reading.

The package, by job (each name above importable from here):
- `entries`: reading and validating the index file (`load_index`, `parse_index`);
- `readings`: readings from the morphological analyser (guesses, names' proposals);
- `occurrences`: finding the entries in the text, anchoring them (`mark_occurrences`);
- `order`: sorting by reading, the headings (`entry_sort_key`, `entry_heading`);
- `render`: the index's HTML with page numbers (`build_index_html`);
- `suggestions`: `index_check` and `suggest_candidates`.
"""

from bookbuild.apparatus.index.entries import (
    ENTRY_FIELDS,
    INDEX_NAME,
    KINDS,
    SUB_FIELDS,
    Entry,
    IndexEntries,
    SubEntry,
    is_latin_term,
    load_index,
    parse_index,
)
from bookbuild.apparatus.index.occurrences import (
    ANCHOR_CLASS,
    ANCHOR_PREFIX,
    Matcher,
    Occurrence,
    anchor_element,
    anchor_tree,
    find_in_text,
    mark_occurrences,
)
from bookbuild.apparatus.index.order import (
    LATIN_HEADING,
    entry_heading,
    entry_sort_key,
    written_form_key,
)
from bookbuild.apparatus.index.readings import guess_reading, propose_name_reading
from bookbuild.apparatus.index.render import (
    MIN_RANGE,
    PageRef,
    build_index_html,
    page_groups,
    page_refs,
    pages_html,
)
from bookbuild.apparatus.index.suggestions import (
    Candidate,
    chapter_texts,
    index_check,
    suggest_candidates,
)
from bookbuild.apparatus.kana import GOJUON_ROWS

__all__ = [
    "ANCHOR_CLASS", "ANCHOR_PREFIX", "ENTRY_FIELDS", "GOJUON_ROWS", "INDEX_NAME", "KINDS",
    "LATIN_HEADING", "MIN_RANGE", "SUB_FIELDS", "Candidate", "Entry", "IndexEntries",
    "Matcher", "Occurrence", "PageRef", "SubEntry", "anchor_element", "anchor_tree",
    "build_index_html",
    "chapter_texts", "entry_heading", "entry_sort_key", "find_in_text", "guess_reading",
    "index_check", "is_latin_term", "load_index", "mark_occurrences", "page_groups",
    "page_refs", "pages_html", "parse_index", "propose_name_reading", "suggest_candidates",
    "written_form_key",
]
