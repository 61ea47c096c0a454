"""Write the normaliser's *real-extractor* corpus to tests/corpus/ (run from the project's root).

The cases of `scripts/make_corpus.py` were laid out in pure Python or typeset by our own build
and read by one extractor. These are made the way the world makes them: the committed
chapters (an excerpt of each: its opening and first blocks, with the notes they call) and a
few short texts written for the corpus (`scripts/real_corpus/texts.yaml`) are rendered as HTML
(Jinja2 templates in `scripts/real_corpus/`) in layouts of their own (two columns, vertical
writing, pages with notes at their foot, a repository cover sheet, a bulletin page with a
vertical title, web pages with navigation and a repository landing page), printed to PDF by
headless Chromium, and read back by real extractors: poppler's `pdftotext` (default, -layout,
-nopgbrk), pdfminer.six, pypdf, the pdf.js text layer (`pdfjs-dist` under node), w3m, lynx,
html2text, BeautifulSoup's `get_text` and trafilatura.

Each case is `<family>/<name>.txt` (the extraction) and `<name>.truth.json`: the chapter's
expected reading (see `Doc` in tests/manuscript/corpus.py) plus `furniture` (the lines the
layout or site added, which a normaliser may remove), `title_evidenced` (false when the
extraction does not hold the title, so a correct normaliser asks instead of guessing),
`affiliations` and `made_by`. Before writing, every case is checked: the letters of the
extraction are exactly the letters of its truth and furniture.

Rerun (deterministic: the same chapters and tools give the same files):

    apt-get install chromium poppler-utils w3m lynx fonts-noto-cjk fonts-dejavu-core
    .venv/bin/pip install -e '.[corpus]'
    (mkdir -p .corpus-tools && cd .corpus-tools && npm install pdfjs-dist@4)   # git-ignored
    .venv/bin/python scripts/make_real_corpus.py [--only FAMILY] [--keep DIR]

`--keep DIR` leaves the HTML and PDF files there, to look at them.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_corpus import cells, renumbered, wrap  # noqa: E402
from tests.manuscript.corpus import CALL, CORPUS, Doc, all_letters, read_chapter  # noqa: E402

TEMPLATES = ROOT / "scripts" / "real_corpus"
PDFJS = ROOT / ".corpus-tools" / "node_modules" / "pdfjs-dist"
EXCERPT_BLOCKS = 10  # blocks of each chapter laid out: a few pages, a fast test
# IPAex Mincho is a TrueType font: Chromium embeds it as one CID font, whose text runs pdf.js
# keeps whole. Noto Serif CJK (OpenType/CFF) goes in as many Type 3 fonts whose ToUnicode maps
# some kanji to Kangxi radicals (⽇ for 日) and vertical forms to presentation forms (︒):
# the vertical families use it, as many real PDFs do.
CJK_FONTS = '"IPAexMincho", serif'
VERTICAL_FONTS = '"Noto Serif CJK JP", serif'
# Latin letters and digits from DejaVu: each run of them is a text run (a pdf.js item) of its own.
MIXED_FONTS = '"DejaVu Serif", "IPAexMincho", serif'
JOURNAL = "北東アジア研究"
VOLUME = f"{JOURNAL}　第12巻第3号"
SITE = "北東アジア研究フォーラム"

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                         keep_trailing_newline=True)


# --- the documents ---------------------------------------------------------------------------

@dataclass
class Source:
    """One document to lay out: its case name and its truth (furniture added per family)."""
    name: str
    doc: Doc


def excerpt(doc: Doc, blocks: int) -> Doc:
    """The opening of a chapter: its first blocks and the notes they call, numbered 1, 2, …"""
    numbered = renumbered(doc, "arabic")
    kept = numbered.blocks[:blocks]
    called = {m.group(1) for _, _, text in kept for m in CALL.finditer(text)}
    return Doc(title=doc.title, subtitle=doc.subtitle, authors=list(doc.authors),
               translators=list(doc.translators), blocks=kept,
               notes=[note for note in numbered.notes if note[0] in called],
               affiliations=dict(doc.affiliations))


def chapter_sources() -> list[Source]:
    out = []
    for path in sorted((ROOT / "chapters").glob("0*.md")):
        doc = read_chapter(path.read_text(encoding="utf-8"))
        out.append(Source(path.stem[:3], excerpt(doc, EXCERPT_BLOCKS)))
    return out


def written_sources() -> list[Source]:
    """The short texts written for the corpus (a bulletin's afterword, notice, round table…)."""
    out = []
    for entry in yaml.safe_load((TEMPLATES / "texts.yaml").read_text(encoding="utf-8")):
        name = entry.pop("name")
        out.append(Source(name, Doc(**entry)))
    return out


# --- rendering -----------------------------------------------------------------------------

CALL_STYLES = {
    "sup": lambda label: f"<sup>{label}</sup>",
    "sup-paren": lambda label: f"<sup>({label})</sup>",
    "paren": lambda label: f"({label})",
    "link": lambda label: f'<sup><a href="#note{label}">[{label}]</a></sup>',
}
NOTE_LABELS = {
    "paren-spaced": lambda label: f"( {label} ) ",
    "bracket": lambda label: f"[{label}] ",
    "chu": lambda label: f"注{label}　",
    "plain": lambda label: f"{label}　",
}


def call_renderer(style: str) -> Callable[[str], Markup]:
    def render(text: str) -> Markup:
        escaped = html.escape(text, quote=False)
        return Markup(CALL.sub(lambda m: CALL_STYLES[style](m.group(1)), escaped))
    return render


@dataclass
class Layout:
    """What a family puts around the text, and what of it becomes furniture."""
    template: str
    options: dict = field(default_factory=dict)
    furniture: list[str] = field(default_factory=list)


def contents_lines(doc: Doc) -> list[str]:
    return [text for kind, level, text in doc.blocks if kind == "h" and level == 2]


def print_layout(source: Source, layout: str, *, calls: str, notes: str, fonts: str = CJK_FONTS,
                 contents: bool = False, spaced_names: bool = False, page_mark: str = "",
                 folio: tuple[str, str] = ("", ""), title_left: bool = False) -> Layout:
    doc = source.doc
    options = dict(layout=layout, doc=doc, fonts=fonts, spaced_names=spaced_names,
                   calls=call_renderer(calls), note_label=NOTE_LABELS[notes],
                   notes_heading="注", running_head=doc.title if layout != "bulletin" else VOLUME,
                   folio_before=folio[0], folio_after=folio[1], page_mark=page_mark,
                   title_left=title_left,
                   contents=contents_lines(doc) if contents else [])
    furniture = ["注"] if doc.notes else []
    furniture += ["訳"] * len(doc.translators)  # the label of （訳：name）
    if notes == "chu":
        furniture += ["注"] * len(doc.notes)  # the 注 of each note's label 注1
    if contents and options["contents"]:
        furniture += ["目次"] + options["contents"]
    if page_mark:
        furniture.append(page_mark)
    return Layout("print.html.j2", options, furniture)


def cover_rows(doc: Doc) -> list[tuple[str, str]]:
    return [("タイトル", doc.title + (f"：{doc.subtitle}" if doc.subtitle else "")),
            ("著者", "、".join(doc.authors + doc.translators)), ("雑誌名", JOURNAL),
            ("巻", "12"), ("号", "3"), ("ページ", "45-67"), ("発行年", "2021"),
            ("URL", "https://repository.example.ac.jp/records/1263")]


def cover_layout(source: Source) -> Layout:
    layout = print_layout(source, "cover", calls="sup-paren", notes="paren-spaced",
                          spaced_names=True, page_mark="(1)")
    rows = cover_rows(source.doc)
    layout.options.update(cover=rows, repository="北東アジア学術機関リポジトリ")
    layout.furniture += ["北東アジア学術機関リポジトリ"] + [f"{k} {v}" for k, v in rows]
    return layout


WEB_NAV = ["ホーム", "研究所について", "研究レポート", "刊行物", "イベント", "お問い合わせ"]
SHARE = ["Xでシェア", "Facebookでシェア", "印刷する", "ページトップへ"]


def web_layout(source: Source, page: str) -> Layout:
    doc = source.doc
    tags = "タグ： ロシア 北朝鮮 安全保障"
    options = dict(page=page, doc=doc, site=SITE, logo_alt=f"{SITE} ロゴ", nav=WEB_NAV,
                   section="研究レポート", date="2021.01.13", tags=tags,
                   photo_alt="会議の様子（筆者撮影）", share=SHARE,
                   copyright=f"© 2021 {SITE} All Rights Reserved.",
                   calls=call_renderer("link"))
    furniture = [f"{doc.title} | {SITE}", f"{SITE} ロゴ", *WEB_NAV,
                 f"ホーム > 研究レポート > {doc.title}", *SHARE, options["copyright"]]
    if doc.notes:
        furniture.append("注")
    if page in ("article", "header-title"):
        furniture += ["2021.01.13", tags, "会議の様子（筆者撮影）"]
        furniture += ["訳"] * len(doc.translators)  # the label of （訳：name）
    else:
        record = [("タイトル", doc.title)]
        if doc.subtitle:
            record.append(("サブタイトル", doc.subtitle))
        record.append(("著者", "、".join(doc.authors)))
        if doc.translators:
            record.append(("訳者", "、".join(doc.translators)))
        extra = [("雑誌名", JOURNAL), ("巻", "12"), ("号", "3"), ("ページ", "45-67"),
                 ("発行日", "2021-01-13"), ("キーワード", "ロシア; 北朝鮮; 安全保障")]
        options.update(record=record + extra, counter="ダウンロード数: 1263",
                       file_link="PDFダウンロード [1236KB]")
        # The title and people rows are the evidence of the title block: only their keys go.
        furniture += [f"{key}:" for key, _ in record] + [f"{k}: {v}" for k, v in extra]
        furniture += ["ダウンロード数: 1263", "PDFダウンロード [1236KB]", "本文"]
    return Layout("web.html.j2", options, furniture)


def link_targets(page: str) -> list[str]:
    """The href and src values of a page: html2text writes them out as Markdown links."""
    return re.findall(r'(?:href|src)="([^"]*)"', page)


# --- pages laid out line by line (notes at each page's foot) ----------------------------------

PUA = 0xE000  # a call is carried through the line breaking as one private-use character


def _with_markers(text: str) -> str:
    return CALL.sub(lambda m: chr(PUA + int(m.group(1))), text)


def _markers(line: str) -> list[str]:
    return [str(ord(c) - PUA) for c in line if PUA <= ord(c) < PUA + 1000]


def _line_html(line: str, call: Callable[[str], str]) -> Markup:
    escaped = html.escape(line, quote=False)
    return Markup(re.sub("[\ue000-\ue3e7]", lambda m: call(str(ord(m.group()) - PUA)), escaped))


def wrap_hard(text: str, measure: int) -> list[str]:
    """`wrap`, then a line a long URL made too wide is cut where the measure ends."""
    out = []
    for line in wrap(text, measure):
        while cells(line) > measure + 2:
            cut = next(i for i in range(len(line), 0, -1) if cells(line[:i]) <= measure)
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def paged_layout(source: Source, *, head_with_folio: bool, calls: str, notes: str) -> Layout:
    """A5 pages of 22-ish lines, each with its running head, the notes called on it at its
    foot and its folio (in the head line, or alone at the foot with dashes)."""
    doc = source.doc
    call = CALL_STYLES[calls]
    lines: list[dict] = [{"css": "title", "html": doc.title}]
    if doc.subtitle:
        lines.append({"css": "line", "html": f"―{doc.subtitle}―"})
    for name in doc.authors:
        lines.append({"css": "line spaced", "html": name})
        if doc.affiliations.get(name):
            lines.append({"css": "line", "html": doc.affiliations[name]})
    lines.append({"css": "line", "html": ""})
    notes_text = dict(doc.notes)
    body: list[tuple[dict, list[str]]] = [(line, []) for line in lines]
    for kind, _, text in doc.blocks:
        if kind == "h":
            body.append(({"css": "line heading", "html": text}, []))
            continue
        indent = "\u3000" if kind == "p" else "\u3000\u3000"
        for piece in wrap_hard(indent + _with_markers(text), 62):
            body.append(({"css": "line", "html": _line_html(piece, call)}, _markers(piece)))
    pages, furniture = [], []
    folio = 45
    while body:
        capacity, taken, foot = 150.0, [], []
        while body:
            line, labels = body[0]
            extra = [w for label in labels for w in wrap_hard(NOTE_LABELS[notes](label)
                                                          + notes_text[label], 84)]
            cost = 6 + 4.2 * len(extra) + (5 if extra and not foot else 0)
            if cost > capacity and taken:
                break
            capacity -= cost
            taken.append(line)
            foot += extra
            body.pop(0)
        head, folio_text = _head_and_folio(doc, folio, first=not pages,
                                           head_with_folio=head_with_folio)
        furniture += [x for x in (head, folio_text) if x]
        pages.append({"head": head, "lines": taken, "foot": foot, "folio": folio_text})
        folio += 1
    options = dict(doc=doc, pages=pages, fonts=CJK_FONTS)
    return Layout("paged.html.j2", options, furniture)


def _head_and_folio(doc: Doc, folio: int, *, first: bool, head_with_folio: bool
                    ) -> tuple[str, str]:
    """Verso pages carry the journal, recto pages the title; the first page no head."""
    running = VOLUME if folio % 2 == 0 else doc.title
    if head_with_folio:
        if first:
            return str(folio), ""
        return (f"{folio}　{running}" if folio % 2 == 0 else f"{running}　{folio}"), ""
    return ("" if first else running), f"— {folio} —"


# --- printing and extracting ---------------------------------------------------------------

def print_pdf(html_path: Path, pdf_path: Path) -> None:
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", str(html_path)],
                   check=True, capture_output=True)


def page_count(pdf_path: Path) -> int:
    import pypdf
    return len(pypdf.PdfReader(pdf_path).pages)


def pdftotext(*options: str) -> Callable[[Path], str]:
    def extract(path: Path) -> str:
        return subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],
                              check=True, capture_output=True).stdout.decode("utf-8")
    return extract


def pdfminer_text(**laparams: object) -> Callable[[Path], str]:
    def extract(path: Path) -> str:
        import logging

        from pdfminer.high_level import extract_text
        from pdfminer.layout import LAParams
        logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Chromium's fonts lack a FontBBox
        return extract_text(str(path), laparams=LAParams(**laparams))
    return extract


def pypdf_text(path: Path) -> str:
    """Pages joined by a newline, as most scripts built on pypdf do: no form feed."""
    import pypdf
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages) + "\n"


def pdfjs_text(path: Path) -> str:
    if not PDFJS.exists():
        raise SystemExit(f"{PDFJS} missing: npm install pdfjs-dist@4 in .corpus-tools/")
    script = TEMPLATES / "pdfjs_textlayer.mjs"
    return subprocess.run(["node", str(script), str(path)], check=True, capture_output=True,
                          env={"PDFJS_DIST": str(PDFJS), "PATH": "/usr/bin:/bin"}
                          ).stdout.decode("utf-8")


def w3m_text(path: Path) -> str:
    return subprocess.run(["w3m", "-dump", "-cols", "80", "-T", "text/html", "-I", "UTF-8",
                           "-O", "UTF-8", str(path)], check=True, capture_output=True,
                          env={"HOME": str(path.parent), "PATH": "/usr/bin:/bin"}
                          ).stdout.decode("utf-8")


def lynx_text(path: Path) -> str:
    return subprocess.run(["lynx", "-dump", "-nolist", "-width=80", "-assume_charset=utf-8",
                           "-display_charset=utf-8", str(path)], check=True,
                          capture_output=True, env={"HOME": str(path.parent),
                                                    "PATH": "/usr/bin:/bin"}
                          ).stdout.decode("utf-8")


def html2text_text(path: Path) -> str:
    import html2text
    return html2text.html2text(path.read_text(encoding="utf-8"))


def bs4_text(path: Path) -> str:
    """What `soup.get_text()` gives: the source's own line breaks, the head's title too."""
    from bs4 import BeautifulSoup
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text()


def trafilatura_text(path: Path) -> str:
    import trafilatura
    return trafilatura.extract(path.read_text(encoding="utf-8")) + "\n"


# --- the families --------------------------------------------------------------------------

@dataclass(frozen=True)
class Family:
    name: str
    sources: Callable[[], list[Source]]
    layout: Callable[[Source], Layout]
    extract: Callable[[Path], str]
    made_by: str
    pdf: bool = True
    lossy: bool = False  # the extractor drops blocks it takes for boilerplate
    running_heads: bool = False  # Chromium's @page head (the title) + folio on every page


def _twocol(source: Source) -> Layout:
    return print_layout(source, "twocol", calls="sup", notes="plain", contents=True,
                        spaced_names=True, folio=("- ", " -"))


def _vertical(source: Source) -> Layout:
    return print_layout(source, "vertical", calls="sup-paren", notes="paren-spaced",
                        spaced_names=True, fonts=VERTICAL_FONTS)


def _single_mixed_fonts(source: Source) -> Layout:
    return print_layout(source, "single", calls="sup-paren", notes="chu", fonts=MIXED_FONTS,
                        contents=True)


def _bulletin(source: Source, title_left: bool = False) -> Layout:
    layout = print_layout(source, "bulletin", calls="sup", notes="plain", spaced_names=True,
                          title_left=title_left)
    layout.furniture.append(source.doc.label)
    return layout


FAMILIES = [
    Family("chromium-2col-pdftotext", chapter_sources, _twocol, pdftotext(),
           "A4 two columns (CSS columns), contents box, letter-spaced names, running head and "
           "folio `- 2 -` by @page; pdftotext", running_heads=True),
    Family("chromium-2col-pdftotext-layout", chapter_sources, _twocol, pdftotext("-layout"),
           "the same pages; pdftotext -layout (both columns on one line)", running_heads=True),
    Family("chromium-2col-pdfminer-noflow", chapter_sources, _twocol,
           pdfminer_text(boxes_flow=None),
           "the same pages; pdfminer.six, LAParams(boxes_flow=None)", running_heads=True),
    Family("chromium-vertical-pdftotext-raw", chapter_sources, _vertical, pdftotext("-raw"),
           "A5 vertical-rl (writing-mode), calls `(1)`, notes `( 1 )`; pdftotext -raw (the "
           "default mode interleaves the columns letter by letter)",
           running_heads=True),
    Family("chromium-vertical-pdfminer", chapter_sources, _vertical,
           pdfminer_text(detect_vertical=True),
           "the same pages; pdfminer.six, LAParams(detect_vertical=True) (pdf2txt.py -V): "
           "vertical lines, presentation forms", running_heads=True),
    Family("pdfjs-textlayer", chapter_sources, _single_mixed_fonts, pdfjs_text,
           "A5 one column, Latin and digits in DejaVu, calls `(1)`, notes `注1`; pdf.js text "
           "layer (one item a line)",
           running_heads=True),
    Family("footnotes-no-formfeed-pypdf", chapter_sources,
           lambda s: paged_layout(s, head_with_folio=True, calls="sup-paren",
                                  notes="paren-spaced"), pypdf_text,
           "A5 pages laid out line by line, notes `( 1 )` at each page's foot, folio in the "
           "running head; pypdf, pages joined by newlines"),
    Family("footnotes-nopgbrk-pdftotext", chapter_sources,
           lambda s: paged_layout(s, head_with_folio=False, calls="sup", notes="plain"),
           pdftotext("-nopgbrk"),
           "the same pages, superscript calls, folio `— 45 —` at the foot; pdftotext -nopgbrk"),
    Family("cover-sheet-pdftotext", chapter_sources, cover_layout, pdftotext(),
           "a repository cover sheet (table of `key | value`), then A4 pages with `(1)` "
           "beside the title; pdftotext", running_heads=True),
    Family("bulletin-vertical-title-pypdf", written_sources, _bulletin, pypdf_text,
           "texts written for the corpus: A5, title and section label set vertically beside "
           "a horizontal body; pypdf", running_heads=True),
    Family("bulletin-vertical-title-pdftotext", written_sources,
           lambda s: _bulletin(s, title_left=True), pdftotext(),
           "the same texts with the vertical title and label at the left of the page; "
           "pdftotext (title and label a letter a line, first)", running_heads=True),
    Family("web-nav-w3m", chapter_sources, lambda s: web_layout(s, "article"), w3m_text,
           "a web article (logo alt, navigation, breadcrumbs, date, tags, photo alt, notes, "
           "share links, footer); w3m -dump", pdf=False),
    Family("web-nav-lynx", chapter_sources, lambda s: web_layout(s, "article"), lynx_text,
           "the same page; lynx -dump -nolist", pdf=False),
    Family("web-nav-html2text", chapter_sources, lambda s: web_layout(s, "article"),
           html2text_text, "the same page; html2text (Markdown)", pdf=False),
    Family("web-article-bs4", chapter_sources, lambda s: web_layout(s, "article"), bs4_text,
           "the same page; BeautifulSoup get_text() (the head's title, date glued to it)",
           pdf=False),
    Family("web-article-trafilatura", chapter_sources, lambda s: web_layout(s, "article"),
           trafilatura_text, "the same page; trafilatura.extract (main text only)", pdf=False,
           lossy=True),
    Family("web-title-in-header-trafilatura", chapter_sources,
           lambda s: web_layout(s, "header-title"), trafilatura_text,
           "the same article with its title in the site's page header; trafilatura.extract "
           "(the title is not in the text: title_evidenced false)", pdf=False, lossy=True),
    Family("web-texts-bs4", written_sources, lambda s: web_layout(s, "article"), bs4_text,
           "the texts written for the corpus (round table with speakers' names, notice, "
           "review…) as web articles; BeautifulSoup get_text()", pdf=False),
    Family("repo-record-w3m", chapter_sources, lambda s: web_layout(s, "record"), w3m_text,
           "a repository's bare record view (download counter first, `key: value` record, "
           "file link, full text; no site header); w3m -dump", pdf=False),
    Family("repo-landing-bs4", chapter_sources, lambda s: web_layout(s, "landing"), bs4_text,
           "a repository landing page (`key: value` record, download counter, file link, "
           "full text); BeautifulSoup get_text()", pdf=False),
]


# --- the truth of a case -------------------------------------------------------------------

def truth_for(source: Source, text: str, furniture: list[str], family: Family) -> Doc:
    """The source's reading as far as the extraction holds it: a front-matter field the
    extractor dropped is not expected back (a title it dropped is not evidenced), and only
    the furniture lines it kept are listed."""
    doc = Doc(**{**source.doc.__dict__})
    have = all_letters(text)
    opening = have[:400]
    # The text without its blocks and notes: a title is not evidenced by a heading holding it.
    outside = have
    for part in [b[2] for b in doc.blocks] + [n[1] for n in doc.notes]:
        outside = outside.replace(all_letters(part), "", 1)

    def held(value: str) -> bool:  # in the text as it stands, outside the blocks
        return all_letters(value) in outside

    def in_opening(value: str) -> bool:  # letter-spaced names may come a letter a line
        found = 0
        for letter in all_letters(value):
            found = opening.find(letter, found) + 1
            if not found:
                return False
        return True

    doc.title_evidenced = held(doc.title)
    if not held(doc.subtitle):
        doc.subtitle = ""
    if not family.pdf:  # the web pages do not print a bulletin's section label
        doc.label = ""
    doc.authors = [a for a in doc.authors if in_opening(a)]
    doc.translators = [t for t in doc.translators if in_opening(t)]
    doc.affiliations = {k: v for k, v in doc.affiliations.items()
                        if k in doc.authors and held(v)}
    if family.lossy:  # the extractor keeps what it takes for the main text
        doc.blocks = [block for block in doc.blocks if all_letters(block[2]) in have]
        doc.notes = [note for note in doc.notes if all_letters(note[1]) in have]
    doc.made_by = family.made_by
    # A Markdown link's target (html2text) sits between the letters of the line it is on.
    runs = all_letters(re.sub(r"\]\([^)]*\)", "]", text))
    doc.furniture = _furniture_kept(furniture, have, runs,
                                    Counter(all_letters(_content_text(doc))))
    return doc


def _furniture_kept(candidates: list[str], have: str, runs: str, content: Counter
                    ) -> list[str]:
    """The candidates the extraction holds, each as a run of its letters (in `runs`), beyond
    the content's letters."""
    spare = Counter(have) - content
    kept = []
    for line in candidates:
        letters = all_letters(line)
        need = Counter(letters)
        if need and (letters in runs or letters in have) and not need - spare:
            kept.append(line)
            spare -= need
    return kept


def _content_text(doc: Doc) -> str:
    parts = [doc.title if doc.title_evidenced else "", doc.subtitle, doc.label,
             *doc.authors, *doc.translators, *doc.affiliations.values()]
    parts += [text for _, _, text in doc.blocks]
    parts += [f"{label} {text}" for label, text in doc.notes]
    return "\n".join(parts)


def check_letters(case: str, doc: Doc, text: str) -> list[str]:
    """The extraction's letters are exactly the truth's plus its furniture's."""
    want = Counter(all_letters(_content_text(doc) + "\n" + "\n".join(doc.furniture)))
    have = Counter(all_letters(text))
    problems = []
    if have - want:
        problems.append(f"{case}: letters not accounted for: {_sample(have - want)}")
    if want - have:
        problems.append(f"{case}: letters the extraction lacks: {_sample(want - have)}")
    return problems


def _sample(counter: Counter) -> str:
    return "".join(sorted(counter.elements()))[:80] + f" ({sum(counter.values())})"


# --- writing -------------------------------------------------------------------------------

def make_family(family: Family, work: Path) -> list[str]:
    problems = []
    folder = CORPUS / family.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    for source in family.sources():
        layout = family.layout(source)
        page = ENV.get_template(layout.template).render(**layout.options)
        stem = work / f"{family.name}-{source.name}"
        html_path = stem.with_suffix(".html")
        html_path.write_text(page, encoding="utf-8")
        furniture = list(layout.furniture) + link_targets(page)
        if family.pdf:
            # Families that share a layout share its PDF (printing is the slow part).
            pdf_path = work / f"{hashlib.sha1(page.encode()).hexdigest()[:16]}.pdf"
            if not pdf_path.exists():
                print_pdf(html_path, pdf_path)
            if family.running_heads:
                furniture += _page_furniture(family, source, layout, page_count(pdf_path))
            text = family.extract(pdf_path)
        else:
            text = family.extract(html_path)
        truth = truth_for(source, text, furniture, family)
        problems += check_letters(f"{family.name}/{source.name}", truth, text)
        (folder / f"{source.name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{source.name}.truth.json").write_text(truth.to_json() + "\n",
                                                          encoding="utf-8")
    return problems


def _page_furniture(family: Family, source: Source, layout: Layout, pages: int) -> list[str]:
    """Chromium's @page boxes: the running head and the folio on every page (a cover sheet
    has neither)."""
    out = []
    first = 2 if layout.options.get("layout") == "cover" else 1
    for number in range(first, pages + 1):
        out.append(layout.options["running_head"])
        out.append(f"{layout.options['folio_before']}{number}{layout.options['folio_after']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", help="make only this family (repeatable)")
    parser.add_argument("--keep", type=Path, help="leave the HTML and PDF files in this folder")
    args = parser.parse_args()
    chosen = [f for f in FAMILIES if not args.only or f.name in args.only]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        problems = []
        for family in chosen:
            print(f"{family.name} …", flush=True)
            problems += make_family(family, work)
    for problem in problems:
        print(problem)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
