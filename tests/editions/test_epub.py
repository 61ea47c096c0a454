"""The EPUB 3 edition (bookbuild.epub): package structure and metadata, notes and index
links, 縦中横, the zip's reproducibility; epubcheck on both editions of the real book, and
the vertical edition laid out in headless Chromium (lines top to bottom, right to left)."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookbuild import cache
from bookbuild.build import build_book
from bookbuild.cli import main
from bookbuild.editions.epub import (
    EpubChapter,
    chapter_xhtml,
    epub_bytes,
    katakana,
    parse_fragment,
    to_xhtml,
    upright_digits,
)
from bookbuild.errors import BookError
from bookbuild.model.config import load_config
from epubrender import (
    ACE_VERSION,
    CHROMIUM,
    EPUBCHECK_JAR,
    _chromium,
    ace,
    ace_violations,
    lines_of,
    measure,
    unzip,
)
from scratch import PROJECT
from tinybook import BOOK_YAML, CHAPTER, make_book, write

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def read_epub(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def opf(files: dict[str, bytes]) -> ET.Element:
    return ET.fromstring(files["item/standard.opf"])


def meta(package: ET.Element, prop: str) -> list[str]:
    return [m.text for m in package.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)]


def xhtml(files: dict[str, bytes], name: str) -> ET.Element:
    return ET.fromstring(files[f"item/xhtml/{name}"])


def ids_of(root: ET.Element) -> set[str]:
    return {e.get("id") for e in root.iter() if e.get("id")}


# ── pure functions ──────────────────────────────────────────────────────────────────────

def tcy(html: str) -> str:
    root = parse_fragment(html)
    upright_digits(root)
    return to_xhtml(root)


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>7月27日</p>", '<p><span class="tcy">7</span>月<span class="tcy">27</span>日</p>'),
    ("<p>2023年、1,100個、2.5%、FY23、4/23</p>", "<p>2023年、1,100個、2.5%、FY23、4/23</p>"),
    ("<p>第14期第10回</p>",
     '<p>第<span class="tcy">14</span>期第<span class="tcy">10</span>回</p>'),
    ('<p>約<a href="http://x.jp/12">http://x.jp/12</a>（12日）</p>',
     '<p>約<a href="http://x.jp/12">http://x.jp/12</a>（<span class="tcy">12</span>日）</p>'),
    ('<p lang="en">13 September</p>', '<p lang="en" xml:lang="en">13 September</p>'),
    ("<table><tr><td>12</td></tr></table>", "<table><tr><td>12</td></tr></table>"),
])
def test_one_or_two_digits_stand_upright_longer_numbers_and_latin_do_not(html, expected):
    assert tcy(html) == expected


def test_upright_digits_keep_the_text_whole():
    """No character is added or lost: search and text-to-speech see the same text."""
    html = "<p>休戦70周年（7月27日）、1950～53年<sup>12</sup>。</p>"
    root = parse_fragment(html)
    before = "".join(root.itertext())
    upright_digits(root)
    assert "".join(root.itertext()) == before


CHAPTER_HTML = (
    '<h2 id="c-s1">はじめに</h2>\n'
    '<p>露朝<span class="ix" id="ix-c-1"></span>関係は動いた'
    '<sup class="note-call"><a href="#c-note-1" id="c-call-1">1</a>'
    '<span class="note" data-label="1" id="c-note-1"><a class="note-label" href="#c-call-1">'
    '注1</a>\u3000<span class="ix" id="ix-c-2"></span>金正恩の訪露。</span></sup>。</p>\n'
    '<p>次の段落に<span class="ix" id="ix-c-3"></span>金正恩。</p>\n'
    '<p class="table-caption">表の題<span class="ix" id="ix-c-4"></span>露朝</p>\n'
    '<table><tr><td>1</td></tr></table>\n')


def converted(vertical: bool = False):
    chapter = EpubChapter(number=2, id="c", title="章", html=CHAPTER_HTML)
    return chapter_xhtml(chapter, "p-002.xhtml", vertical)


def test_a_note_leaves_its_call_for_the_chapter_end_and_links_both_ways():
    done = converted()
    body = parse_fragment(done.body)
    sup = next(body.iter("sup"))
    assert sup.text == "\u2060"  # a word joiner: the call never starts a line
    call = sup.find("a")
    assert call.get("epub:type") == "noteref" and call.get("role") == "doc-noteref"
    assert call.get("href") == "#c-note-1" and call.get("id") == "c-call-1"
    assert "注の" not in done.body and "訪露" not in done.body  # the note is not inline
    aside = next(parse_fragment(done.notes).iter("aside"))
    assert aside.get("epub:type") == "footnote" and aside.get("role") == "doc-footnote"
    assert aside.get("id") == "c-note-1"
    back = aside.find("p/a")
    assert back.text == "注1" and back.get("href") == "#c-call-1"
    assert back.get("role") == "doc-backlink"


def test_index_anchors_become_locators_to_their_paragraph_or_note():
    done = converted()
    assert 'class="ix"' not in done.body + done.notes
    first, in_note, second = (done.locators[f"ix-c-{n}"] for n in (1, 2, 3))
    assert first.chapter == 2 and first.label == "2"  # the h2 is block 1, the paragraph 2
    assert first.href == "p-002.xhtml#c-p2"
    assert in_note.label == "注1" and in_note.href == "p-002.xhtml#c-note-1"
    assert second.label == "3" and second.href == "p-002.xhtml#c-p3"
    assert 'id="c-p2"' in done.body and 'id="c-p3"' in done.body
    in_caption = done.locators["ix-c-4"]  # the caption paragraph, now the table's caption
    assert in_caption.href == "p-002.xhtml#c-p4" and '<caption class="table-caption" id="c-p4"' \
        in done.body


def test_a_table_takes_its_caption_and_a_wrapper():
    body = converted().body
    assert re.search(r'<div class="table-wrap"><table><caption class="table-caption"[^>]*>'
                     r"表の題露朝</caption>", body)
    assert "<p" not in body.split("表の題")[0].rsplit("</p>", 1)[-1]


def test_vertical_conversion_sets_digits_upright_in_text_and_notes_not_in_tables():
    done = converted(vertical=True)
    assert 'role="doc-noteref"><span class="tcy">1</span></a>' in done.body
    assert '<sup class="note-call">\u2060<a' in done.body
    assert '注<span class="tcy">1</span>' in done.notes
    assert "<td>1</td>" in done.body


def test_file_as_is_katakana():
    assert katakana("みむら みつひろ") == "ミムラ ミツヒロ"
    assert katakana("きむ・じょんうん") == "キム ジョンウン"


def test_the_zip_puts_mimetype_first_stored_and_the_rest_sorted_with_one_timestamp():
    data = epub_bytes({"item/b.xhtml": b"b", "META-INF/container.xml": b"c", "item/a": b"a"},
                      "2026-12-01T00:00:00Z")
    assert data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip"
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["mimetype", "META-INF/container.xml", "item/a",
                                           "item/b.xhtml"]
    assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
    assert {i.date_time for i in infos} == {(2026, 12, 1, 0, 0, 0)}


# ── the tiny book ───────────────────────────────────────────────────────────────────────

READING_CHAPTER = CHAPTER.replace("  - name: 山田花子\n",
                                  "  - name: 山田花子\n    reading: やまだ はなこ\n")


@pytest.fixture
def book(tmp_path) -> Path:
    return make_book(tmp_path / "book", chapter=READING_CHAPTER)


def build(root: Path, vertical: bool = False, out: Path | None = None, **kwargs):
    edition = "epub-vertical" if vertical else "epub"
    return build_book(root, edition=edition, out_path=out, **kwargs)


def test_the_package_follows_the_guide_and_carries_its_metadata(book, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write(book / "book.yaml", BOOK_YAML + "epub:\n  title_reading: しけんのほん\n")
    result = build(book)
    assert result.path == book / "build" / "book.epub"
    files = read_epub(result.path)
    assert files["mimetype"] == b"application/epub+zip"
    container = ET.fromstring(files["META-INF/container.xml"])
    assert container[0][0].get("full-path") == "item/standard.opf"
    package = opf(files)
    metadata = package.find("opf:metadata", NS)
    assert metadata.find("dc:language", NS).text == "ja"
    assert metadata.find("dc:title", NS).text == "試験の本"
    assert metadata.find("opf:meta[@refines='#title'][@property='file-as']", NS).text \
        == "シケンノホン"
    assert metadata.find("dc:date", NS).text == "2026-12-01"
    identifier = metadata.find("dc:identifier", NS).text
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier)
    assert meta(package, "dcterms:modified") == ["2026-12-01T00:00:00Z"]
    creator = metadata.find("dc:creator", NS)
    assert creator.text == "山田花子"
    refines = {m.get("property"): m.text for m in metadata.iterfind(
        f"opf:meta[@refines='#{creator.get('id')}']", NS)}
    assert refines["file-as"] == "ヤマダ ハナコ" and refines["role"] == "aut"
    for prop in ("schema:accessMode", "schema:accessibilityFeature",
                 "schema:accessibilityHazard", "schema:accessibilitySummary"):
        assert meta(package, prop), prop
    # no conformance claimed: an automatic checker is not a review against WCAG
    assert not meta(package, "dcterms:conformsTo") and not meta(package, "a11y:certifiedBy")
    # one XHTML per chapter, in the spine after the title page and contents
    spine = [i.get("idref") for i in package.iterfind("opf:spine/opf:itemref", NS)]
    assert spine[:3] == ["p-titlepage", "p-toc", "p-001"]
    assert package.find("opf:spine", NS).get("page-progression-direction") == "ltr"
    nav = ET.fromstring(files["item/navigation-documents.xhtml"])
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc")
    assert "第1章　短い章" in "".join(toc.itertext())
    chapter = xhtml(files, "p-001.xhtml")
    assert chapter.get("class") == "hltr"
    assert chapter.get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"


def test_every_creator_has_a_file_as_proposed_or_given(tmp_path):
    """Without a reading in the book, the analyser's proposal files the creator (and
    `bookbuild check` asks the editor to confirm it: tests/apparatus/test_people.py)."""
    root = make_book(tmp_path / "book", book_yaml=BOOK_YAML + "editors:\n  - 編集部\n")
    metadata = opf(read_epub(build(root).path)).find("opf:metadata", NS)
    file_as = {creator.text: metadata.find(
        f"opf:meta[@refines='#{creator.get('id')}'][@property='file-as']", NS).text
        for creator in metadata.iterfind("dc:creator", NS)}
    assert file_as == {"編集部": "ヘンシュウブ", "山田花子": "ヤマダ ハナコ"}


def test_the_identifier_is_stable_and_the_editions_differ(book, tmp_path):
    first = opf(read_epub(build(book, out=tmp_path / "a.epub").path))
    again = opf(read_epub(build(book, out=tmp_path / "b.epub").path))
    vertical = opf(read_epub(build(book, vertical=True, out=tmp_path / "c.epub").path))

    def identifier(package):
        return package.find("opf:metadata/dc:identifier", NS).text

    assert identifier(first) == identifier(again) != identifier(vertical)


def test_source_date_epoch_sets_dcterms_modified_and_the_zip_dates(book, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    result = build(book)
    files = read_epub(result.path)
    assert meta(opf(files), "dcterms:modified") == ["2023-11-14T22:13:20Z"]
    with zipfile.ZipFile(result.path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_the_vertical_edition_turns_pages_right_to_left(book):
    result = build(book, vertical=True)
    assert result.path == book / "build" / "book-vertical.epub"
    files = read_epub(result.path)
    assert opf(files).find("opf:spine", NS).get("page-progression-direction") == "rtl"
    assert xhtml(files, "p-001.xhtml").get("class") == "vrtl"
    assert b'<span class="tcy">1</span>' in files["item/xhtml/p-001.xhtml"]  # 第1章
    assert b"writing-mode: vertical-rl" in files["item/style/book.css"]


def test_two_builds_in_two_processes_are_byte_identical(book, tmp_path):
    """Different hash seeds: nothing may depend on set or dict order."""
    script = ("import sys; from bookbuild.build import build_book; "
              "build_book(sys.argv[1], edition='epub-vertical', out_path=sys.argv[2])")
    outputs = []
    for seed in ("1", "2"):
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONHASHSEED"] = seed
        out = tmp_path / f"seed{seed}.epub"
        subprocess.run([sys.executable, "-c", script, str(book), str(out)], check=True,
                       env=env, capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_the_command_line_writes_both_editions_and_reuses_them(book):
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--edition", "epub", "--root", str(book)])
    assert first.exit_code == 0, first.output
    assert "book.epub" in first.output and "documents" in first.output
    again = runner.invoke(main, ["build", "--edition", "epub", "--root", str(book)])
    assert again.exit_code == 0 and "up to date" in again.output
    vertical = runner.invoke(main, ["build", "--edition", "epub", "--vertical", "--root",
                                    str(book)])
    assert vertical.exit_code == 0, vertical.output
    assert "book-vertical.epub" in vertical.output and "up to date" not in vertical.output
    assert (book / "build" / "book.epub").is_file()
    assert (book / "build" / "book-vertical.epub").is_file()


def test_book_yaml_can_make_the_vertical_edition_the_default(book):
    write(book / "book.yaml", BOOK_YAML + "epub:\n  vertical: true\n")
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--edition", "epub", "--root", str(book)])
    assert result.exit_code == 0, result.output
    assert "book-vertical.epub" in result.output
    result = runner.invoke(main, ["build", "--edition", "epub", "--horizontal", "--root",
                                  str(book)])
    assert "book-vertical.epub" not in result.output and "book.epub" in result.output


def test_epub_settings_are_checked(book):
    write(book / "book.yaml", BOOK_YAML + "epub:\n  vertical: yes please\n")
    with pytest.raises(BookError, match="epub.vertical: expected true or false"):
        load_config(book)


def test_the_edition_and_its_direction_are_in_the_cache_digest(book):
    config = load_config(book)
    digests = {cache.inputs_digest(config, e) for e in ("print", "epub", "epub-vertical")}
    assert len(digests) == 3


# ── the real book (end to end) ──────────────────────────────────────────────────────────

@pytest.fixture(scope="session")
def real_epubs(tmp_path_factory) -> dict[str, Path]:
    """Both editions of the real book, built once per session, and unzipped."""
    out = tmp_path_factory.mktemp("epub")
    built = {}
    for edition in ("epub", "epub-vertical"):
        path = build_book(PROJECT, edition=edition, out_path=out / f"{edition}.epub").path
        built[edition] = path
        unzip(path, out / edition)
    return built


def real_files(real_epubs, edition: str) -> dict[str, bytes]:
    return read_epub(real_epubs[edition])


@pytest.mark.slow
def test_every_index_anchor_of_the_real_book_finds_its_paragraph():
    from bookbuild.book import load_book
    from bookbuild.editions.epub import gather_book

    book, _ = gather_book(load_book(PROJECT), vertical=False)
    located = set()
    for chapter in book.chapters:
        located |= set(chapter_xhtml(chapter, "x.xhtml").locators)
    assert {o.anchor_id for o in book.occurrences} == located


@pytest.mark.slow
def test_the_real_book_has_every_chapter_note_and_index_link(real_epubs):
    from bookbuild.model.chapter import load_chapter

    files = real_files(real_epubs, "epub")
    config = load_config(PROJECT)
    documents = {name.rsplit("/", 1)[1]: ET.fromstring(data) for name, data in files.items()
                 if name.startswith("item/xhtml/")}
    chapters = [f"p-{n:03d}.xhtml" for n in range(1, len(config.chapters) + 1)]
    assert set(chapters) <= set(documents)
    for name, chapter_id in zip(chapters, config.chapters, strict=True):
        document = documents[name]
        notes = [e for e in document.iter(f"{{{NS['x']}}}aside")
                 if e.get(EPUB_TYPE) == "footnote"]
        calls = [e for e in document.iter(f"{{{NS['x']}}}a") if e.get(EPUB_TYPE) == "noteref"]
        assert len(notes) == len(calls) == len(load_chapter(
            config.chapter_path(chapter_id)).calls)
        ids = ids_of(document)
        for call in calls:
            assert call.get("href")[1:] in ids
        for note in notes:
            back = note.find("x:p/x:a", NS)
            assert back.text.startswith("注") and back.get("href")[1:] in ids
    index = documents["p-index.xhtml"]
    locators = [a for a in index.iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "index-locator"]
    assert len(locators) > 100
    for link in locators:
        target, fragment = link.get("href").split("#")
        element = next(e for e in documents[target].iter() if e.get("id") == fragment)
        assert element.tag in {f"{{{NS['x']}}}{t}" for t in ("p", "h2", "h3", "h4", "li",
                                                            "tr", "aside")}
    for name in ("p-bibliography.xhtml", "p-contributors.xhtml", "p-colophon.xhtml"):
        assert name in documents
    assert "三村光弘" in "".join(documents["p-contributors.xhtml"].itertext())


def assert_epubcheck_clean(epub: Path) -> None:
    assert EPUBCHECK_JAR.is_file(), "scripts/setup.sh installs Debian's epubcheck"
    # A run of seconds: the JIT's first tier only, and the serial collector, halve its CPU
    # time (15.5 s → 6.7 s user on the real book) and change nothing it reports.
    done = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                           str(EPUBCHECK_JAR), str(epub)],
                          capture_output=True, text=True, timeout=300)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "No errors or warnings detected" in report, report
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["epub", "epub-vertical"])
def test_epubcheck_finds_no_error_and_no_warning(real_epubs, edition):
    assert_epubcheck_clean(real_epubs[edition])


@pytest.mark.slow
@pytest.mark.parametrize("vertical", [False, True])
def test_epubcheck_passes_a_book_without_bibliography_index_or_publisher(tmp_path, vertical):
    root = make_book(tmp_path / "book")  # no reading either: the analyser's file-as
    assert_epubcheck_clean(build(root, vertical=vertical).path)


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["epub", "epub-vertical"])
def test_ace_by_daisy_finds_no_violation(real_epubs, edition, tmp_path):
    """Ace by DAISY (the EPUB accessibility checker) on the real book: no violation (its
    table has empty header cells, its colophon an epub:type that needs its ARIA role), and
    the package claims no conformance that no one has checked."""
    report = ace(real_epubs[edition], tmp_path / "ace")
    assert report["earl:assertedBy"]["doap:release"]["doap:revision"] == ACE_VERSION
    assert ace_violations(report) == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    metadata = report["earl:testSubject"]["metadata"]
    assert metadata["schema:accessModeSufficient"] == "textual"
    assert "dcterms:conformsTo" not in metadata and "a11y:certifiedBy" not in metadata


def test_empty_header_cells_become_data_cells_and_the_text_stays():
    chapter = EpubChapter(1, "c", "章", "<table><thead><tr><th></th><th>2019年</th><th> </th>"
                          "</tr></thead><tbody><tr><td>回数</td><td>4</td><td>56</td></tr>"
                          "</tbody></table>")
    table = next(parse_fragment(chapter_xhtml(chapter, "t.xhtml").body).iter("table"))
    head = [cell.tag for cell in table.find("thead/tr")]
    assert head == ["td", "th", "td"]
    assert "".join(table.itertext()) == "2019年 回数456"


def test_the_colophon_has_the_aria_role_of_its_epub_type(book):
    colophon = xhtml(read_epub(build(book).path), "p-colophon.xhtml")
    section = next(e for e in colophon.iter() if e.get(EPUB_TYPE) == "colophon")
    assert section.get("role") == "doc-colophon"


@pytest.mark.slow
def test_the_vertical_index_does_not_underline_its_upright_numbers(real_epubs):
    """In Chromium: the index's locators are underlined in the horizontal edition, not in
    the vertical one, where an underline is a short bar beside each upright number."""
    script = ("<script>//<![CDATA[\nvar a = document.querySelector('a.ix-page');"
              "document.documentElement.setAttribute('data-measure', JSON.stringify("
              "[a.textContent, getComputedStyle(a).textDecorationLine]));\n//]]></script>")
    found = {}
    for edition in ("epub", "epub-vertical"):
        document = real_epubs[edition].parent / edition / "item" / "xhtml" / "p-index.xhtml"
        page = document.with_name("p-index.decoration.xhtml")
        page.write_text(document.read_text(encoding="utf-8").replace("</body>",
                                                                     script + "</body>"),
                        encoding="utf-8")
        dom = _chromium(page.as_uri(), "--window-size=600,800", "--dump-dom")
        found[edition] = json.loads(html.unescape(re.search(r'data-measure="([^"]*)"',
                                                            dom).group(1)))
    assert found["epub"][1] == "underline"
    assert found["epub-vertical"][1] == "none"


def _chapter_documents(real_epubs, edition: str) -> list[Path]:
    folder = real_epubs[edition].parent / edition / "item" / "xhtml"
    count = len(load_config(PROJECT).chapters)
    return [folder / f"p-{n:03d}.xhtml" for n in range(1, count + 1)]


@pytest.mark.slow
def test_the_vertical_edition_reads_top_to_bottom_and_right_to_left(real_epubs, tmp_path):
    """Each chapter's first screen, laid out in headless Chromium: the characters of its
    first paragraph advance downwards within a line, and each next line stands to the left
    of the one before; one or two digits are set upright (縦中横); the table stays
    horizontal. The screenshots are kept beside the test's files for a look."""
    assert CHROMIUM, "scripts/setup.sh installs Debian's chromium"
    for document in _chapter_documents(real_epubs, "epub-vertical"):
        png = tmp_path / f"{document.stem}-vertical.png"
        found = measure(document, png)
        assert found["writingMode"] == "vertical-rl", document.name
        lines = lines_of(found["chars"], vertical=True)
        assert len(lines) >= 3, document.name
        for line in lines:
            xs = [c[1] for c in line]
            assert max(xs) - min(xs) < 4, (document.name, line)  # one column
            assert all(b[2] > a[2] for a, b in zip(line, line[1:], strict=False))
        columns = [line[0][1] for line in lines]
        assert all(b < a for a, b in zip(columns, columns[1:], strict=False)), columns
        if found["tcy"]:
            assert found["tcy"][1] == "all"
        if found["tableWritingMode"]:
            assert found["tableWritingMode"] == "horizontal-tb"
            cells = found["rowCells"]
            assert all(b[0] > a[0] and b[1] == a[1] for a, b in zip(cells, cells[1:],
                                                                     strict=False))
        _assert_ink_starts_right(png)


@pytest.mark.slow
@pytest.mark.parametrize("vertical", [False, True])
def test_a_note_call_never_starts_a_line(tmp_path, vertical):
    """A paragraph five characters long before the call, in a box five characters wide:
    the call follows the fifth character onto the next line instead of opening it."""
    chapter = EpubChapter(1, "c", "章", '<p>あいうえお<sup class="note-call"><a href="#c-note-1" '
                          'id="c-call-1">1</a><span class="note" id="c-note-1"><a '
                          'class="note-label" href="#c-call-1">注1</a>\u3000注。</span></sup>'
                          "。かきく</p>")
    done = chapter_xhtml(chapter, "t.xhtml", vertical)
    mode = "vertical-rl" if vertical else "horizontal-tb"
    size = "height" if vertical else "width"
    page = tmp_path / "t.xhtml"
    page.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops" '
        'xml:lang="ja" lang="ja"><head><title>t</title><style>'
        f"html{{writing-mode:{mode}}} p{{{size}:5em;font-size:20px;line-break:strict;"
        "margin:0}} sup{font-size:0.65em}</style></head><body>" + done.body +
        "<script>//<![CDATA[\nvar a = document.querySelector('sup a').getBoundingClientRect();"
        "var p = document.querySelector('p').getBoundingClientRect();"
        "document.documentElement.setAttribute('data-measure', JSON.stringify("
        "[a.x - p.x, a.y - p.y, p.right - a.right]));\n//]]></script></body></html>",
        encoding="utf-8")
    dom = _chromium(page.as_uri(), "--window-size=400,400", "--dump-dom")
    left, top, from_right = json.loads(html.unescape(re.search(r'data-measure="([^"]*)"',
                                                             dom).group(1)))
    if vertical:  # second line, below the fifth character
        assert top > 19 and from_right > 20
    else:
        assert left > 19 and top > 20


def _assert_ink_starts_right(png: Path) -> None:
    """The screenshot is not blank and its ink begins at the right edge (vertical-rl)."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    dark = [x for x in range(width) if any(image.getpixel((x, y)) < 128
                                           for y in range(0, height, 4))]
    assert dark, f"{png}: blank"
    assert max(dark) > width * 0.9, f"{png}: the text does not start at the right edge"


@pytest.mark.slow
def test_the_horizontal_edition_reads_left_to_right_and_top_to_bottom(real_epubs, tmp_path):
    document = _chapter_documents(real_epubs, "epub")[0]
    png = tmp_path / f"{document.stem}-horizontal.png"
    found = measure(document, png)
    assert found["writingMode"] == "horizontal-tb"
    lines = lines_of(found["chars"], vertical=False)
    assert len(lines) >= 3
    for line in lines:
        assert all(b[1] > a[1] for a, b in zip(line, line[1:], strict=False))
    rows = [line[0][2] for line in lines]
    assert all(b > a for a, b in zip(rows, rows[1:], strict=False))
    assert png.stat().st_size > 0


def test_vertical_is_refused_for_the_screen_edition(book):
    # The print edition has a vertical edition too (Vivliostyle); the screen edition has not.
    result = CliRunner().invoke(main, ["build", "--edition", "screen", "--vertical",
                                       "--root", str(book)])
    assert result.exit_code != 0 and "--edition print and epub only" in result.output


def test_watch_rebuilds_the_epub_when_a_chapter_changes(book):
    from bookbuild.cli import _build_once
    from bookbuild.watch import watch

    chapter = book / "chapters" / "one.md"
    target = book / "build" / "book-vertical.epub"
    lines, texts = [], []

    def rebuild():
        _build_once("epub", None, False, book, False, True)
        texts.append(read_epub(target)["item/xhtml/p-001.xhtml"].decode())
        if len(texts) == 1:  # the editor saves the chapter after the first build
            chapter.write_text(chapter.read_text(encoding="utf-8").replace(
                "短い試験用の章", "直した章"), encoding="utf-8")

    watch(book, rebuild, lines.append, interval=0.01, rounds=3)
    assert len(texts) == 2, lines
    assert "短い試験用の章" in texts[0] and "直した章" in texts[1]
