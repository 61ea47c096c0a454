"""Write the normaliser's test corpus to tests/corpus/ (run from the project's root).

    .venv/bin/python scripts/make_corpus.py            # synthetic layouts only
    .venv/bin/python scripts/make_corpus.py --pdf      # also typeset and extract PDFs

Each case is `<family>/<chapter>.txt` (the extraction) and `<chapter>.truth.json` (what the
normaliser should give back: title block, blocks, notes), read from the committed chapters.
Synthetic families re-lay the chapters in pure Python; the `pdf-*` families typeset the
chapters with `bookbuild build` and extract them with `pdftotext` (default, -raw, -layout).
The output is deterministic: running it again gives the same files.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.manuscript.corpus import CALL, CORPUS, Doc, read_chapter  # noqa: E402

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
NO_LINE_START = "、。，．」』）)〉》】・ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ！？"
BOOK_TITLE = "ロシアと北朝鮮"


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, measure: int) -> list[str]:
    """Hard-wrap at `measure` display cells, as a typesetter would: Latin words and digit
    runs stay whole, a line never starts with closing punctuation (it hangs)."""
    tokens = re.findall(r"[A-Za-z0-9.,:/_%\-]+|.", text)
    lines, current = [], ""
    for token in tokens:
        if current and cells(current + token) > measure and token[0] not in NO_LINE_START:
            lines.append(current)
            current = token.lstrip(" ")
        else:
            current += token
    if current:
        lines.append(current)
    return lines


def wrap_indented(text: str, measure: int) -> list[str]:
    """A paragraph set with a one-character indent that extraction dropped: its first line
    is a character shorter than the others."""
    lines = wrap("\u3000" + text, measure)
    return [lines[0][1:]] + lines[1:]


def spaced_name(name: str) -> str:
    """A name as a title page justifies it: 李　　　述　森, 兵頭　慎治."""
    if len(name) == 3:
        return f"{name[0]}\u3000\u3000\u3000{name[1]}\u3000{name[2]}"
    if len(name) == 4 and all(unicodedata.name(c).startswith("CJK") for c in name):
        return f"{name[:2]}\u3000{name[2:]}"
    return name


def calls(text: str, style: str) -> str:
    """Render the chapter's `[^label]` calls as extraction shows them."""
    def one(match: re.Match[str]) -> str:
        label = match.group(1)
        if style == "superscript" and label.isdigit():
            return label.translate(SUPERSCRIPT)
        if style == "roman" or not label.isdigit():
            return label
        return " " + label
    return CALL.sub(one, text)


def renumbered(doc: Doc, style: str) -> Doc:
    """The same doc with notes labelled 1, 2, … (arabic styles) or i, ii, … (roman); "as
    printed" keeps the chapter's labels and its placeholder for a missing note text, which
    the print edition sets as that note's text."""
    from bookbuild.manuscript.notes import roman
    if style == "as printed":
        return Doc(**{**doc.__dict__})
    mapping = {}
    real = [(label, text) for label, text in doc.notes if text and not text.startswith("〔")]
    for index, (label, _) in enumerate(real, 1):
        mapping[label] = {"roman": roman(index), "arabic": str(index)}.get(style, label)
    out = Doc(**{**doc.__dict__})
    out.blocks = [[k, lv, CALL.sub(lambda m: f"[^{mapping.get(m.group(1), m.group(1))}]", t)]
                  for k, lv, t in doc.blocks]
    # A call without a note text (004's x) keeps its label; drop it from the layouts.
    out.blocks = [[k, lv, CALL.sub(lambda m: m.group(0) if m.group(1) in mapping.values()
                                   else "", t)] for k, lv, t in out.blocks]
    out.notes = [[mapping[label], text] for label, text in doc.notes if text and
                 not text.startswith("〔")]
    return out


def heading_line(block: list) -> str:
    return block[2]


# --- the families ----------------------------------------------------------------------------

def hardwrap(doc: Doc, number: int) -> str:
    """000/002: 40-character lines, no blank lines, running head + decorated folio every
    page, notes after ―注―, calls ` 1。`."""
    out = [f"第 {number}章\u3000{doc.title}"]
    if doc.subtitle:
        out.append(f"―{doc.subtitle}―")
    out.append("")
    out += [spaced_name(a) for a in doc.authors]
    out += [f"（訳：{spaced_name(t)}）" for t in doc.translators]
    out.append("")
    body: list[str] = []
    for kind, _, text in doc.blocks:
        if kind == "h":
            body.append(heading_line([kind, 0, text]))
        else:
            body += wrap_indented(calls(text, "arabic"), 80)
    page = 70
    for index, line in enumerate(body):
        out.append(line)
        if index % 36 == 35:
            page += 1
            head = f"第 {number}章\u3000{doc.title}" if page % 2 == 0 else doc.title
            out += ["", "", "", head, "", f"\u0336 {page} \u0336"]
    if doc.notes:
        out += ["", "―注―"]
        for label, text in doc.notes:
            out += wrap(f"{label}\u3000{text}", 80)
    return "\n".join(out) + "\n"


def indented(doc: Doc, number: int) -> str:
    """001: paragraphs open with an ideographic space, a blank line after every line, the
    outline at the top, a footer `− 17 −` + running title."""
    out = [f" {doc.title}"]
    if doc.subtitle:
        out.append(f"―{doc.subtitle}―")
    out.append("")
    out += [spaced_name(a) for a in doc.authors]
    out += [f"（訳：{spaced_name(t)}）" for t in doc.translators]
    out.append("")
    out += [text for kind, level, text in doc.blocks if kind == "h" and level == 2]
    out.append("")
    body: list[str] = []
    for kind, _, text in doc.blocks:
        if kind == "h":
            body.append(text)
        else:
            body += wrap("\u3000" + calls(text, "arabic"), 84)
    page = 10
    head = f"{doc.title} ― {doc.subtitle}" if doc.subtitle else doc.title
    for index, line in enumerate(body):
        out += [line, ""]
        if index % 40 == 39:
            page += 1
            out += [f"− {page} −", "", head, ""]
    if doc.notes:
        out += ["注", ""]
        for label, text in doc.notes:
            out += [f"{label}　{text}", ""]
    return "\n".join(out) + "\n"


def web(doc: Doc, number: int) -> str:
    """003: one paragraph per line, superscript calls, each page's footnotes left in the
    running text where the page ended (cutting a paragraph)."""
    out = ["", "", "", doc.title, ""]
    if doc.subtitle:
        out += [f"―{doc.subtitle}―", ""]
    for author in doc.authors:
        out += [author, ""]
    out += [f"（訳：{t}）" for t in doc.translators]
    notes = dict(doc.notes)
    pending: list[str] = []
    for index, (kind, _, text) in enumerate(doc.blocks):
        line = calls(text, "superscript")
        pending += [m.group(1) for m in CALL.finditer(text) if m.group(1) in notes]
        if kind == "p" and pending and index % 6 == 5 and len(line) > 80:
            cut = 41
            block = []
            for label in pending:
                block += [f"{label.translate(SUPERSCRIPT)} {notes[label]}", ""]
            out += [line[:cut], ""] + block + [line[cut:], ""]
            pending = []
            continue
        out += [line, ""]
    for label in pending:
        out += [f"{label.translate(SUPERSCRIPT)} {notes[label]}", ""]
    return "\n".join(out) + "\n"


def report(doc: Doc, number: int) -> str:
    """004: a blank line after every line, paragraph ends marked by a trailing space, roman
    calls, a page header block every 50 lines, notes at the end."""
    out = [f" {doc.title} ", ""]
    if doc.subtitle:
        out += [f"―{doc.subtitle}― ", ""]
    out += [f"{a}  " for a in doc.authors] + [""]
    out += [f"（訳：{t}） " for t in doc.translators] + ([""] if doc.translators else [])
    body: list[str] = []
    for kind, _, text in doc.blocks:
        if kind == "h":
            body += [text + " ", " "]
        else:
            lines = wrap(calls(text, "roman"), 116)
            body += lines[:-1] + [lines[-1] + " "]
    page = 1
    for index, line in enumerate(body):
        out += [line, ""]
        if index % 50 == 49:
            page += 1
            out += [" ", "", f"{page} ", "", " ", "", "研究レポート FY2023―2号  ", "",
                    "2023/11/13 ", "", " ", "", "日本国際問題研究所 ", "", " ", ""]
    for label, text in doc.notes:
        pieces = wrap(f"{label} {text}", 118)
        out += [pieces[0]] + [x for piece in pieces[1:] for x in ("", piece)]
    return "\n".join(out) + "\n"


# How the foot of the page labels its notes, one style per chapter.
FOOT_LABELS = (lambda n: f"注{n}", lambda n: f"*{n}", lambda n: f"{n})",
               lambda n: n.translate(SUPERSCRIPT), lambda n: f"注 {n}")


def pages(doc: Doc, number: int) -> str:
    """A printed book read back: running heads alternating book title (verso) and chapter
    title (recto), the folio, notes at the foot of each page labelled `注1`, `*1`, `1)`, `¹`
    or `注 1` (one style per chapter), form feeds."""
    first = [f"第{number}章", "", doc.title]
    if doc.subtitle:
        first.append(f"― {doc.subtitle} ―")
    first += list(doc.authors) + [f"（訳：{t}）" for t in doc.translators] + [""]
    notes = dict(doc.notes)
    body: list[tuple[str, list[str]]] = []  # (line, labels called on it)
    for kind, _, text in doc.blocks:
        if kind == "h":
            body.append((text, []))
            continue
        for line in wrap_indented(calls(text, "arabic"), 70):
            labels = [m for m in re.findall(r" (\d+)", line) if m in notes]
            body.append((line, labels))
    out_pages: list[str] = []
    folio = 5
    index = 0
    while index < len(body):
        lines = first if folio == 5 else [BOOK_TITLE if folio % 2 == 0 else doc.title, ""]
        chunk = body[index:index + 28]
        index += 28
        page_lines = [line for line, _ in chunk]
        foot = [FOOT_LABELS[number % len(FOOT_LABELS)](label) + " " + notes[label]
                for _, labels in chunk for label in labels
                if label in notes]
        if foot:
            page_lines += [""] + [w for note in foot for w in wrap(note, 76)]
        out_pages.append("\n".join(lines + page_lines + ["", str(folio), ""]))
        folio += 1
    return "\f".join(out_pages) + "\f"


def pages_copied(doc: Doc, number: int) -> str:
    """The same printed pages copied from a PDF viewer: no form feeds left, a blank line
    where a page ended, folios decorated `— 5 —`."""
    text = pages(doc, number).replace("\f", "\n\n")
    return re.sub(r"(?m)^(\d{1,3})$", r"— \1 —", text)


def pages_heads_only(doc: Doc, number: int) -> str:
    """Printed pages copied without their folios: nothing but the running heads (verso and
    recto) shows where a page began."""
    text = pages(doc, number).replace("\f", "\n")
    return re.sub(r"(?m)^\d{1,3}\n", "", text)


def flat(doc: Doc, number: int) -> str:
    """A web page's extraction: the whole opening on one line (folio, title, subtitle,
    author, translator, outline, first paragraphs, spaces where the PDF wrapped); the rest
    one paragraph per line; notes after 注."""
    head = ["17", doc.title]
    if doc.subtitle:
        head.append(f"―{doc.subtitle}―")
    head += [spaced_name(a).replace("\u3000", " ") for a in doc.authors]
    head += [f"(訳:{spaced_name(t).replace(chr(0x3000), ' ')})" for t in doc.translators]
    head += [text for kind, level, text in doc.blocks if kind == "h" and level == 2]

    opening = 0
    rest: list[str] = []
    for kind, _, text in doc.blocks:
        if kind != "h" and opening < 2:
            head.append("\u3000" + " ".join(wrap(calls(text, "arabic"), 80)))
            opening += 1
            continue
        if opening < 2 and kind == "h":
            head.append(text)
            continue
        rest.append(text if kind == "h" else "\u3000" + calls(text, "arabic"))
    out = [" ".join(head)] + rest
    if doc.notes:
        out += ["注"] + [f"{label} {text}" for label, text in doc.notes]
    return "\n".join(out) + "\n"


FAMILIES = {
    "hardwrap-notes-section": (hardwrap, "arabic"),
    "indented-blank-lines": (indented, "arabic"),
    "web-footnotes-midtext": (web, "arabic"),
    "report-trailing-space": (report, "roman"),
    "pages-footnotes-formfeed": (pages, "arabic"),
    "pages-footnotes-no-formfeed": (pages_copied, "arabic"),
    "pages-running-heads-only": (pages_heads_only, "arabic"),
    "web-flattened-opening": (flat, "arabic"),
}


def chapters() -> list[tuple[str, Doc]]:
    out = []
    for path in sorted((ROOT / "chapters").glob("*.md")):
        out.append((path.stem[:3], read_chapter(path.read_text(encoding="utf-8"))))
    return out


# A few cases saved as other tools save them: legacy encodings, CRLF, a BOM.
ENCODINGS = {
    ("indented-blank-lines", "000"): ("cp932", "\r\n"),
    ("indented-blank-lines", "002"): ("euc_jis_2004", "\n"),
    ("report-trailing-space", "001"): ("utf-8-sig", "\r\n"),
}


def write_case(family: str, name: str, raw: str, truth: Doc) -> None:
    folder = CORPUS / family
    folder.mkdir(parents=True, exist_ok=True)
    encoding, newline = ENCODINGS.get((family, name), ("utf-8", "\n"))
    (folder / f"{name}.txt").write_bytes(raw.replace("\n", newline).encode(encoding))
    (folder / f"{name}.truth.json").write_text(truth.to_json() + "\n", encoding="utf-8")


def synthetic() -> None:
    for family, (render, style) in FAMILIES.items():
        for number, (name, doc) in enumerate(chapters(), 1):
            truth = renumbered(doc, style)
            write_case(family, name, render(truth, number), truth)


# --- PDF extractions -----------------------------------------------------------------------

def _strip_tables(markdown: str) -> str:
    blocks = markdown.split("\n\n")
    return "\n\n".join(b for b in blocks if not b.startswith("|")
                       and not b.split("\n")[-1].startswith("{:"))


# The print edition as configured, and a variant on a wider B5 page (another measure, other
# page breaks, other line breaks), read back in pdftotext's default mode only.
PDF_VARIANTS = (
    ("pdf", {}, ("default", "raw", "layout")),
    ("pdf-b5", {"width_mm": 182, "height_mm": 257, "chars_per_line": 42,
                "lines_per_page": 36, "font_size_pt": 10, "line_pitch_pt": 17},
     ("default",)),
)


def pdf() -> None:
    """Typeset the chapters (tables left out) with the project's own build and read the
    PDF back with pdftotext; each chapter's pages become one case."""
    import yaml
    docs = dict(chapters())
    for family, page, modes in PDF_VARIANTS:
        with tempfile.TemporaryDirectory() as tmp:
            book = Path(tmp)
            shutil.copytree(ROOT / "styles", book / "styles")
            (book / "chapters").mkdir()
            for path in sorted((ROOT / "chapters").glob("*.md")):
                (book / "chapters" / path.name).write_text(
                    _strip_tables(path.read_text(encoding="utf-8")), encoding="utf-8")
            for name in ("bibliography.yaml", "index.yaml"):
                shutil.copy(ROOT / "chapters" / name, book / "chapters" / name)
            config = yaml.safe_load((ROOT / "book.yaml").read_text(encoding="utf-8"))
            config["page"].update(page)
            (book / "book.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                            encoding="utf-8")
            out = book / "book.pdf"
            subprocess.run([str(ROOT / ".venv" / "bin" / "bookbuild"), "build", "--root",
                            str(book), "--out", str(out), "--no-cache"], check=True)
            for mode in modes:
                args = ["pdftotext"] + ([f"-{mode}"] if mode != "default" else []) + [
                    str(out), "-"]
                text = subprocess.run(args, check=True, capture_output=True).stdout.decode()
                for name, raw in split_chapters(text, book).items():
                    write_case(f"{family}-{mode}", name, raw,
                               renumbered(docs[name], "as printed"))


def split_chapters(text: str, book: Path) -> dict[str, str]:
    """The pages of each chapter: from its opening page (`第N章` first) to the next one or
    to the back matter."""
    import yaml
    order = yaml.safe_load((book / "book.yaml").read_text(encoding="utf-8"))["chapters"]
    leaves = text.split("\f")
    starts = [i for i, page in enumerate(leaves)
              if re.match(r"^\s*第\s*\d+\s*章\s*$", page.strip().split("\n")[0])]
    back = next(i for i, page in enumerate(leaves) if i > starts[-1]
                and page.strip().split("\n")[0].strip() in ("参考文献", "執筆者紹介", "索引"))
    out = {}
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else back
        out[order[k][:3]] = "\f".join(leaves[start:end]) + "\f"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdf", action="store_true", help="also typeset and extract PDFs")
    args = parser.parse_args()
    synthetic()
    if args.pdf:
        pdf()


if __name__ == "__main__":
    main()
