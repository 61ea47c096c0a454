"""The print edition laid out in parts (editions/parts.py, editions/join.py).

The reference is the same book laid out as one document (`write_pdf_book`): the parts'
book must read, link and look the same, and a change must lay out only what it changes.
"""

from __future__ import annotations

import concurrent.futures
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.editions import PRINT, BuildOptions
from bookbuild.editions import workers as workers_module
from bookbuild.editions.layouts import LaidOutPart, Part, PartCache
from bookbuild.editions.parts import (
    FOLIO_CHUNK,
    at_book_pages,
    first_folios,
    folio_parts,
    link_across_parts,
    page_kinds,
)
from bookbuild.editions.workers import worker_count
from bookbuild.errors import Diagnostic
from bookbuild.typeset.document import Setting
from readback import letters, page_texts
from tinybook import make_book


def same_glyphs(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Noto CJK draws — (U+2014) and ― (U+2015) with one glyph, and a PDF maps a glyph to
    one character: the book laid out whole reads both as the one it met first, the book in
    parts as each part met it (there, what the manuscript says). Compared as one."""
    return tuple(text.replace("―", "—") for text in texts)


def laid_out(name: str, pages: int, folios: tuple[bool, ...] | None = None) -> LaidOutPart:
    return LaidOutPart(name, b"%PDF", pages, {}, folios or (True,) * pages, ())


# --- pure functions ----------------------------------------------------------------------


def test_links_to_other_parts_are_marked_and_links_inside_kept():
    html = '<p id="here"><a href="#here">a</a><a href="#ch-002">b</a><a href="x.html">c</a>'
    assert link_across_parts(html) == ('<p id="here"><a href="#here">a</a>'
                                       '<a href="bookbuild-part:ch-002">b</a>'
                                       '<a href="x.html">c</a>')


def test_each_part_opens_on_a_right_hand_page():
    parts = [laid_out("opening", 4), laid_out("a", 7), laid_out("b", 2), laid_out("c", 3)]
    assert first_folios(parts) == [1, 5, 13, 15, 19]  # and the next part's
    assert all(start % 2 == 1 for start in first_folios(parts))


def test_a_blank_page_follows_a_part_that_ends_on_the_right():
    parts = [laid_out("opening", 3, (False, False, False)), laid_out("a", 2, (False, True)),
             laid_out("b", 1)]
    assert page_kinds(parts) == ["plain", "plain", "plain", "blank", "plain", "folio",
                                 "folio", "blank"]


def test_folio_documents_start_on_right_hand_pages_and_skip_pages_without_folios():
    kinds = ["plain"] * FOLIO_CHUNK + ["folio", "blank"] + ["folio"] * (FOLIO_CHUNK - 2) \
        + ["plain"] * 3
    documents = folio_parts(kinds)
    assert [d.name for d in documents] == [f"folios:{FOLIO_CHUNK + 1}"]
    assert FOLIO_CHUNK % 2 == 0 and documents[0].first_folio == FOLIO_CHUNK + 1
    assert documents[0].html.count("blank-page") == 1
    assert documents[0].html.count('class="folio-page"') == FOLIO_CHUNK - 1


def test_warnings_name_the_books_pages_not_the_parts():
    warning = Diagnostic("chapters/a.md", 12, "the chapter's last page (3) holds a single "
                         "line; loose line on page 2, 0.5 em")
    moved = at_book_pages(warning, 21)
    assert moved.message == ("the chapter's last page (23) holds a single line; loose "
                             "line on page 22, 0.5 em")
    assert (moved.path, moved.line) == ("chapters/a.md", 12)


def test_the_cache_keys_by_content_and_refuses_a_changed_file(tmp_path):
    settings = {"book": Setting((), tmp_path, (tmp_path,))}
    cache = PartCache(tmp_path / "parts", "env")
    part = Part("chapter:a", "<p>一</p>")
    key = cache.key(part, settings)
    assert key == PartCache(tmp_path / "other", "env").key(part, settings)
    assert key != cache.key(Part("chapter:a", "<p>二</p>"), settings)
    assert key != PartCache(tmp_path / "parts", "env2").key(part, settings)
    assert key != cache.key(Part("chapter:a", "<p>一</p>", first_folio=3), settings)
    assert cache.get(key) is None
    cache.put(key, laid_out("chapter:a", 2))
    assert cache.get(key).pages == 2
    (tmp_path / "parts" / f"{key}.pdf").write_bytes(b"%PDF changed")
    assert PartCache(tmp_path / "parts", "env").get(key) is None  # the next build's
    assert PartCache(tmp_path / "parts", "env", reuse=False).get(key) is None


def test_workers_are_as_asked_else_one_per_core_and_no_more_than_the_chapters(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert worker_count(None, 5) == 4
    assert worker_count(None, 2) == 2
    assert worker_count(None, 1) == 1  # laid out in the build's own process
    assert worker_count(None, 0) == 1
    assert worker_count(3, 1) == 3  # --jobs is obeyed
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert worker_count(None, 5) == 1


class PoolsStarted:
    """Stands for the workers' pool and the join's process: counts those started and runs
    what is submitted here."""

    started: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        self.started.append(type(self).__name__)

    def submit(self, function, *args, **kwargs):
        from concurrent.futures import Future

        future: Future = Future()
        future.set_result(function(*args, **kwargs))
        return future

    def shutdown(self, **kwargs) -> None:
        pass


class FreshStarted(PoolsStarted):
    """Stands for a fresh process (fresh.FreshProcess): runs each call here as it is
    submitted, and returns the function that gives its result."""

    def submit(self, function, *args, **kwargs):
        return super().submit(function, *args, **kwargs).result

    def call(self, function, *args, **kwargs):
        return self.submit(function, *args, **kwargs)()

    def close(self, **kwargs) -> None:
        pass


def test_a_rebuild_lays_a_single_part_out_here_and_starts_workers_for_more(
        tmp_path, monkeypatch):
    from bookbuild.editions import layouts

    monkeypatch.setattr(PoolsStarted, "started", [])
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", PoolsStarted)
    monkeypatch.setattr(workers_module, "FreshProcess", FreshStarted)
    here: list[str] = []
    monkeypatch.setattr(layouts, "lay_out_part",
                        lambda part, settings: here.append(part.name) or laid_out(part.name, 1))
    settings = {"book": Setting((), tmp_path, (tmp_path,))}

    def build(cache: PartCache, *names: str) -> None:
        with workers_module.Workers(2, frozenset({"weasyprint"})) as workers, \
                layouts.Layouts(settings, cache, workers, echo=lambda _: None) as parts:
            parts.lay_out([Part(name, f"<p>{name}</p>") for name in names])
            workers.start_join()

    first = PartCache(tmp_path / "parts", "env")
    build(first, "chapter:a", "chapter:b")
    assert PoolsStarted.started == ["PoolsStarted", "FreshStarted"]  # a first build: both
    PoolsStarted.started.clear()
    build(PartCache(tmp_path / "parts", "env"), "chapter:a", "chapter:c")  # a rebuild
    assert PoolsStarted.started == [] and here[-1] == "chapter:c"  # one part: laid out here
    build(PartCache(tmp_path / "parts", "env"), "chapter:d", "chapter:e")
    assert len(PoolsStarted.started) == 2  # two parts at once: the workers start for them
    PoolsStarted.started.clear()
    with workers_module.Workers(2, frozenset({"weasyprint"})) as workers, \
            layouts.Layouts(settings, PartCache(tmp_path / "parts", "env"), workers,
                            echo=lambda _: None) as parts:
        parts.lay_out([Part("chapter:f", "<p>f</p>")])  # a chapter grew, laid out here,
        workers.start_join()
        parts.lay_out([Part(name, f"<p>{name}</p>") for name in ("opening", "index")])
    assert PoolsStarted.started == [] and sorted(here[-2:]) == ["index", "opening"]  # here too
    build(PartCache(tmp_path / "parts", "env", reuse=False), "chapter:a")  # --no-cache
    assert len(PoolsStarted.started) == 2


def test_each_part_goes_to_a_process_as_soon_as_it_is_made(tmp_path, monkeypatch):
    """A first build's workers get each part as the caller makes it; a rebuild's one
    process its first changed part, and the workers, started then, the others."""
    from bookbuild.editions import layouts

    events: list[str] = []

    class Pool(PoolsStarted):
        def submit(self, function, *args):
            if args:  # not the start's empty task
                events.append(f"worker: {args[0].name}")
            return super().submit(function, *args)

    class Fresh(FreshStarted):
        def submit(self, function, part, settings):
            events.append(f"fresh: {part.name}")
            return super().submit(function, part, settings)

    monkeypatch.setattr(PoolsStarted, "started", [])
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(workers_module, "FreshProcess", Fresh)
    monkeypatch.setattr(layouts, "lay_out_part", lambda part, settings: laid_out(part.name, 1))
    settings = {"book": Setting((), tmp_path, (tmp_path,))}

    def made(*names: str):
        for name in names:
            events.append(f"made {name}")
            yield Part(name, f"<p>{name}</p>")

    def build(start, *names: str) -> list[str]:
        events.clear()
        with workers_module.Workers(2, frozenset({"weasyprint"})) as workers, \
                layouts.Layouts(settings, PartCache(tmp_path / "parts", "env"), workers,
                                echo=lambda _: None) as parts:
            getattr(workers, start)()
            waiting = parts.submit(made(*names))
            events.append("submitted")
            assert [part.name for part in waiting()] == list(names)
        return events

    assert build("start", "chapter:a", "chapter:b") == [
        "made chapter:a", "worker: chapter:a", "made chapter:b", "worker: chapter:b",
        "submitted"]
    assert build("start_one", "chapter:a", "chapter:c", "chapter:d") == [
        "made chapter:a", "made chapter:c", "fresh: chapter:c", "made chapter:d",
        "worker: chapter:d", "submitted"]  # a unchanged; c to the one process at once


@pytest.mark.slow
def test_a_build_starts_its_workers_before_it_loads_the_book(tmp_path, monkeypatch):
    """The workers import WeasyPrint while the book is read and checked: a first build's
    pool of workers, and its join's process once the chapters are laid out; a rebuild's
    one fresh process, which lays the edited chapter out and joins the book, unless the
    build's own process has WeasyPrint imported (a watching build's)."""
    from bookbuild import check

    events: list[str] = []

    class Pool(PoolsStarted):
        def __init__(self, *args, **kwargs) -> None:
            events.append("pool")

        def submit(self, function, *args, **kwargs):
            events.append(f"in a worker: {function.__name__}")
            return super().submit(function, *args, **kwargs)

    class Fresh(FreshStarted):
        def __init__(self, *args, **kwargs) -> None:
            events.append("fresh process")

        def submit(self, function, *args, **kwargs):
            events.append(f"in the fresh process: {function.__name__}")
            return super().submit(function, *args, **kwargs)

    load_to_check = check.load_to_check
    monkeypatch.setattr(check, "load_to_check",
                        lambda *a, **k: events.append("book loaded") or load_to_check(*a, **k))
    warnings = check.BookCheck.warnings
    monkeypatch.setattr(check.BookCheck, "warnings",
                        lambda self: events.append("book checked") or warnings(self))
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(workers_module, "FreshProcess", Fresh)
    monkeypatch.setattr("bookbuild.editions.workers.weasyprint_imported", lambda: False)
    root = make_book(tmp_path / "book")
    build(root, tmp_path / "book.pdf", jobs=2)
    assert events[:4] == ["pool", "in a worker: _nothing", "book loaded",
                          "in a worker: lay_out_part"]  # laid out before the check ends
    assert events.index("book checked") < events.index("fresh process")  # before the join
    assert events.count("in a worker: lay_out_part") == 3 + 3  # opening, chapter, back; again
    assert events.index("fresh process") > events.index("in a worker: lay_out_part")
    assert events[-1] == "in the fresh process: join_parts"
    events.clear()
    chapter = root / "chapters" / "one.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("これは", "校正で一文を加えた。これは"), encoding="utf-8")
    build(root, tmp_path / "book.pdf", jobs=2)  # a rebuild: one process, before the book
    assert events == ["fresh process", "book loaded", "in the fresh process: lay_out_part",
                      "book checked", "in the fresh process: join_parts"]
    events.clear()
    monkeypatch.setattr("bookbuild.editions.workers.weasyprint_imported", lambda: True)
    chapter.write_text(text, encoding="utf-8")
    build(root, tmp_path / "book.pdf", jobs=2)  # `build --watch`: WeasyPrint is here
    assert events == ["book loaded", "book checked"]  # laid out and joined here, after


@pytest.mark.slow
def test_the_command_line_starts_a_rebuilds_process_before_it_asks_the_cache(
        tmp_path, monkeypatch):
    """`bookbuild build`: a rebuild's fresh process imports WeasyPrint while the output
    cache hashes the book's files; when nothing changed it is killed at once. A first
    build starts no process that early (its workers fork once the book is read)."""
    from click.testing import CliRunner

    from bookbuild import build as build_module
    from bookbuild.cli import main

    events: list[str] = []

    class Fresh(FreshStarted):
        def __init__(self, *args, **kwargs) -> None:
            events.append("fresh process")

        def close(self, *, kill: bool = False) -> None:
            events.append("killed" if kill else "ended")

    up_to_date = build_module.up_to_date
    monkeypatch.setattr(build_module, "up_to_date",
                        lambda *a, **k: events.append("cache asked") or up_to_date(*a, **k))
    monkeypatch.setattr(workers_module, "FreshProcess", Fresh)
    monkeypatch.setattr(workers_module, "weasyprint_imported", lambda: False)
    root = make_book(tmp_path / "book")

    def build(*args: str) -> list[str]:
        events.clear()
        result = CliRunner().invoke(main, ["build", "--root", str(root), "--jobs", "2",
                                           *args])
        assert result.exit_code == 0, result.output
        return events

    assert build()[0] == "cache asked"  # a first build: its workers start later
    assert build() == ["fresh process", "cache asked", "killed"]  # nothing changed
    chapter = root / "chapters" / "one.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "これは", "校正で一文を加えた。これは"), encoding="utf-8")
    assert build() == ["fresh process", "cache asked", "ended"]  # laid out and joined there


def test_a_failed_build_does_not_wait_for_its_fresh_process(monkeypatch):
    """Bad input found while the book loads: the rebuild's process, still importing
    WeasyPrint, is killed, not waited for (the error comes at once); so is one that no
    call was sent to (the book was up to date); a build that used it lets it end at the
    end of its input."""
    import signal

    from bookbuild.errors import BookError

    with pytest.raises(BookError), workers_module.Workers(2, frozenset({"weasyprint"})) as workers:
        workers.start_one()
        raise BookError("chapters/one.md:3: not valid YAML")
    assert workers.apart is not None
    assert workers.apart.process.returncode == -signal.SIGKILL
    with workers_module.Workers(2, frozenset({"weasyprint"})) as workers:
        workers.start_one()  # the command line's, before it found the book up to date
    assert workers.apart is not None
    assert workers.apart.process.returncode == -signal.SIGKILL
    with workers_module.Workers(2, frozenset({"weasyprint"})) as workers:
        workers.start_one()
        assert workers.run_apart(sorted, [2, 1]) == [1, 2]
    assert workers.apart is not None and workers.apart.process.returncode == 0


def test_a_failed_first_build_ends_its_workers_and_what_they_were_given():
    """The book's check runs while the workers lay the parts out: when it fails, the
    workers are ended, not waited for (the error came 6 s late without this)."""
    import signal
    import time

    from bookbuild.errors import BookError

    with pytest.raises(BookError), workers_module.Workers(2, frozenset()) as workers:
        workers.start()
        workers.submit(time.sleep, 60)  # a part being laid out
        raise BookError("chapters/one.md:8:1: error: note [^1] is defined twice")
    # (the pool's own thread reaps them too: read their exit codes, do not join them)
    deadline = time.monotonic() + 30
    while (any(process.exitcode is None for process in workers.pool_processes)
           and time.monotonic() < deadline):
        time.sleep(0.05)
    assert [process.exitcode for process in workers.pool_processes] == [-signal.SIGTERM] * 2


def test_the_cache_forgets_parts_the_last_build_did_not_use(tmp_path):
    settings = {"book": Setting((), tmp_path, (tmp_path,))}
    cache = PartCache(tmp_path / "parts", "env")
    old, new = (cache.key(Part("chapter:a", html), settings) for html in ("old", "new"))
    cache.put(old, laid_out("chapter:a", 2))
    cache.put(new, laid_out("chapter:a", 2))
    cache.used = {new}
    cache.prune()
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == [f"{new}.json",
                                                                       f"{new}.pdf"]


# --- the book, built ----------------------------------------------------------------------


def build(root: Path, out: Path, *, jobs: int | None = None, reuse: bool = True):
    from bookbuild.build import build_book

    return build_book(root, edition=PRINT, out_path=out,
                      options=BuildOptions(jobs=jobs, reuse_parts=reuse))


def reading(pdf: Path) -> dict:
    """What a reader follows: each named destination's page, each link's target page,
    the outline (level, title, page)."""
    import pikepdf

    document = pikepdf.open(pdf)
    number = {page.obj.objgen: n for n, page in enumerate(document.pages, start=1)}
    names = document.Root.Names.Dests.Names
    destinations = {str(names[i]): number[names[i + 1][0].objgen]
                    for i in range(0, len(names), 2)}
    links = [(n, destinations[str(a.Dest)]) for n, page in enumerate(document.pages, 1)
             for a in page.obj.get("/Annots", []) if "/Dest" in a]
    outline = []

    def walk(item, level):
        while item is not None:
            outline.append((level, str(item.Title), number[item.Dest[0].objgen]))
            walk(item.get("/First"), level + 1)
            item = item.get("/Next")

    walk(document.Root.Outlines.First, 0)
    return {"destinations": destinations, "links": links, "outline": outline}


def grow_first_chapter(root: Path, paragraphs: int) -> None:
    path = sorted((root / "chapters").glob("001-*.md"))[0]
    text = path.read_text(encoding="utf-8")
    added = "".join(f"\n\n校正で加えた段落{n}。" + "本文の続きである。" * 30
                    for n in range(paragraphs))
    path.write_text(text.rstrip("\n") + added + "\n", encoding="utf-8")


def change_a_sentence(root: Path) -> str:
    path = sorted((root / "chapters").glob("002-*.md"))[0]
    text = path.read_text(encoding="utf-8")
    at = text.index("。\n", text.index("\n---\n", 4) + 200)
    path.write_text(text[:at] + "。校正で一文を加えた" + text[at:], encoding="utf-8")
    return path.stem


@pytest.fixture
def book(built_project, print_laid_out_whole):
    """A copy of the project built in parts (and laid out as one document, for reference):
    the session's, shared with the end-to-end tests (conftest.py). Tests copy it to change
    it."""
    root, parts = built_project
    return root, parts, print_laid_out_whole[0]


@pytest.mark.slow
def test_the_book_in_parts_reads_and_links_as_the_book_laid_out_whole(book):
    root, parts, reference = book
    assert parts.pages == reference.pages
    assert parts.chapter_pages == reference.chapter_pages
    assert same_glyphs(page_texts(parts.path)) == same_glyphs(page_texts(reference.path))
    assert reading(parts.path) == reading(reference.path)
    assert len(reading(parts.path)["links"]) > 100  # contents, index, notes


@pytest.mark.slow
def test_the_book_in_parts_looks_like_the_book_laid_out_whole(book, tmp_path):
    """Every page, rendered: heads, folios, blank pages, crop marks."""
    import subprocess

    from PIL import Image, ImageChops

    _, parts, reference = book
    for name, pdf in (("parts", parts.path), ("whole", reference.path)):
        subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf),
                        str(tmp_path / name)], check=True)
    differing = [path.name for path in sorted(tmp_path.glob("whole-*.png"))
                 if ImageChops.difference(Image.open(path), Image.open(
                     tmp_path / path.name.replace("whole", "parts"))).getbbox()]
    assert len(list(tmp_path.glob("parts-*.png"))) == parts.pages
    assert differing == []


@pytest.mark.slow
def test_each_font_is_embedded_once_and_the_file_stays_small(book):
    import pikepdf

    _, parts, reference = book
    programs = {}
    for page in pikepdf.open(parts.path).pages:
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
            programs.setdefault(str(descriptor.FontName).split("+")[-1], set()).add(
                stream.objgen)
    assert len(programs) >= 3  # serif, sans, bold: all seen
    assert all(len(streams) == 1 for streams in programs.values())
    assert parts.path.stat().st_size <= 1.10 * reference.path.stat().st_size


@pytest.mark.slow
def test_a_rebuild_lays_out_only_the_changed_chapter_and_the_index(book, tmp_path):
    root, parts, _ = book
    scratch = tmp_path / "book"
    shutil.copytree(root, scratch)
    same = build(scratch, scratch / "build" / "book.pdf", jobs=2)
    assert same.laid_out == ()
    assert same.path.read_bytes() == parts.path.read_bytes()  # byte for byte
    changed = change_a_sentence(scratch)
    again = build(scratch, scratch / "build" / "book.pdf", jobs=2)
    assert again.pages == parts.pages
    assert set(again.laid_out) <= {f"chapter:{changed}", "index"}
    assert f"chapter:{changed}" in again.laid_out
    assert letters("校正で一文を加えた") in letters("".join(page_texts(again.path)))


@pytest.mark.slow
def test_a_chapter_that_grows_moves_the_folios_contents_and_index_after_it(book, tmp_path):
    """The grown book, built on the session book's cached parts by two workers, against the
    same book built from nothing by one worker: the same bytes. (The book in parts equals the
    book laid out whole: the tests above; this one holds the cache and the workers to it.)"""
    root, parts, _ = book
    scratch = tmp_path / "book"
    shutil.copytree(root, scratch)
    grow_first_chapter(scratch, 12)
    grown = build(scratch, scratch / "build" / "book.pdf", jobs=2)
    assert grown.pages > parts.pages
    # Chapters after the first were not laid out again: only their folios moved.
    assert not [name for name in grown.laid_out
                if name.startswith("chapter:") and "001-" not in name]
    reference = build(scratch, tmp_path / "one.pdf", jobs=1, reuse=False)
    assert len(reference.laid_out) > len(grown.laid_out)
    assert grown.chapter_pages == reference.chapter_pages
    assert grown.path.read_bytes() == reference.path.read_bytes()
    contents = next(t for t in page_texts(grown.path) if "目次" in t)
    order = list(grown.chapter_pages)
    after = next(later for name, later in zip(order, order[1:], strict=False)
                 if name.startswith("001-"))
    moved_to = grown.chapter_pages[after][0]
    assert moved_to > parts.chapter_pages[after][0]
    assert re.search(rf"…\s*{moved_to}\b", contents)


@pytest.mark.slow
def test_a_script_without_a_main_guard_builds_in_parts(tmp_path):
    """The join's own process does not run the caller's script again (multiprocessing's
    spawn did: the build died with BrokenProcessPool)."""
    root = make_book(tmp_path / "book")
    script = tmp_path / "build_it.py"
    script.write_text("from bookbuild.build import build_book\n"
                      "from bookbuild.outputs import BuildOptions\n\n"
                      f"build_book({str(root)!r}, out_path={str(tmp_path / 'out.pdf')!r},\n"
                      "           options=BuildOptions(jobs=2))\n"
                      "print('built')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "built\n"  # once: the script ran in no other process
    assert (tmp_path / "out.pdf").stat().st_size > 0


def _book_with_metadata(xmp: bytes, content: bytes):
    import pikepdf

    book = pikepdf.new()
    book.add_blank_page()
    book.pages[0].obj.Contents = book.make_stream(content)
    book.Root.Metadata = book.make_stream(xmp, pikepdf.Dictionary(
        Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML))
    return book


def test_the_pdf_x_document_id_follows_the_book_not_chance():
    """WeasyPrint's PDF/X-4 XMP names the document by a random uuid4: the join derives it
    from the pages and the rest of the metadata instead."""
    import uuid

    from bookbuild.editions.join import with_stable_document_id

    def xmp(document_id: uuid.UUID) -> bytes:
        return (b"<x:xmpmeta><xmpMM:DocumentID>xmp.did:" + str(document_id).encode() +
                b"</xmpMM:DocumentID><dc:title>T</dc:title></x:xmpmeta>")

    ids = []
    for content in (b"BT (a) Tj ET", b"BT (a) Tj ET", b"BT (b) Tj ET"):
        book = _book_with_metadata(xmp(uuid.uuid4()), content)
        with_stable_document_id(book)
        data = book.Root.Metadata.read_bytes()
        assert data.startswith(b"<x:xmpmeta><xmpMM:DocumentID>xmp.did:")
        assert data.endswith(b"</xmpMM:DocumentID><dc:title>T</dc:title></x:xmpmeta>")
        ids.append(data.split(b"xmp.did:")[1][:36])
    assert ids[0] == ids[1] != ids[2]
    untouched = _book_with_metadata(b"<x:xmpmeta/>", b"")
    with_stable_document_id(untouched)
    assert untouched.Root.Metadata.read_bytes() == b"<x:xmpmeta/>"
