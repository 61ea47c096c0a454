"""The book as one model: one loader, every file read once, the same checks before every
output, YAML with bounded aliases, the default theme and `bookbuild new`."""

from __future__ import annotations

import ast
import builtins
import io
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookbuild.book import load_book
from bookbuild.cli import main
from bookbuild.editions import EDITIONS, book_editions
from bookbuild.model.config import load_config
from bookbuild.project import THEME_DIR, style_path
from scratch import PROJECT, copy_project, one_chapter_book
from tinybook import BOOK_YAML, CHAPTER, make_book, write

SRC = PROJECT / "src" / "bookbuild"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


# ── one loader ──────────────────────────────────────────────────────────────────────────

def test_load_book_gathers_config_chapters_citations_and_index():
    book = load_book(PROJECT)
    assert [c.id for c in book.chapters] == list(book.config.chapters)
    assert book.citations is not None and book.citations.bibliography.works
    assert book.index is not None and book.index.entries
    assert book.errors == []


def test_load_book_keeps_going_and_says_what_it_left_out(tmp_path):
    book = make_book(tmp_path / "b", chapter="no front-matter here\n")
    loaded = load_book(book)
    assert loaded.chapters == ()
    [error] = loaded.errors
    assert str(error.path).endswith("chapters/one.md") and error.line == 1


class ReadCounter:
    """Counts the files below `root` that are opened for reading, by path."""

    def __init__(self, root: Path) -> None:
        self.root, self.reads = root.resolve(), Counter()

    def __enter__(self):
        self.saved = builtins.open, io.open
        original = builtins.open

        def counting_open(file, mode="r", *args, **kwargs):
            if isinstance(file, str | Path) and "r" in mode and "+" not in mode:
                path = Path(file).resolve()
                if path.is_relative_to(self.root):
                    self.reads[path.relative_to(self.root).as_posix()] += 1
            return original(file, mode, *args, **kwargs)

        builtins.open = io.open = counting_open
        return self

    def __exit__(self, *exc) -> None:
        builtins.open, io.open = self.saved


def test_check_reads_each_file_once(tmp_path):
    book = copy_project(tmp_path / "book")
    with ReadCounter(book) as counter:
        result = invoke("check", "--root", str(book))
    assert result.exit_code == 0, result.output
    assert counter.reads["book.yaml"] == 1
    assert counter.reads["chapters/bibliography.yaml"] == 1
    assert counter.reads["chapters/index.yaml"] == 1
    chapters = [k for k in counter.reads if k.startswith("chapters/0")]
    assert len(chapters) == 5 and {counter.reads[k] for k in chapters} == {1}


@pytest.mark.slow
def test_a_build_and_an_offprint_read_each_file_once(tmp_path):
    # One chapter is enough to pass every kind of file through the build (and the real
    # bibliography and index with it): the whole book took 24 s of layout to say the same.
    book = one_chapter_book(tmp_path / "book", "")
    with ReadCounter(book) as counter:
        result = invoke("build", "--root", str(book), "--out", str(tmp_path / "b.pdf"))
    assert result.exit_code == 0, result.output
    assert counter.reads, "nothing counted: the counter is not in the read path"
    twice = {path: n for path, n in counter.reads.items() if n > 1}
    assert twice == {}
    for name in ("book.yaml", "chapters/index.yaml", "chapters/bibliography.yaml",
                 "styles/base.css", "styles/book.css"):
        assert counter.reads[name] == 1, name
    # An offprint after it: its checks and its book (up to date) share one reading too; the
    # PDF the build wrote is read again, to be cut.
    chapter_id = load_config(book).chapters[0]
    with ReadCounter(book) as counter:
        result = invoke("offprint", chapter_id, "--root", str(book),
                        "--out", str(tmp_path / "offprints"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "offprints" / f"{chapter_id}.pdf").is_file()
    assert counter.reads["book.yaml"] == 1
    assert {path: n for path, n in counter.reads.items()
            if n > 1 and not path.startswith("build/")} == {}


def test_handout_runs_the_same_checks_as_build(tmp_path):
    twice = CHAPTER + "\n[^1]: もう一つの本文。\n"
    book = make_book(tmp_path / "b", chapter=twice)
    for command in ("handout", "offprint"):
        result = invoke(command, "one", "--root", str(book), "--out", str(tmp_path / "out"))
        assert result.exit_code == 1, command
        assert "note [^1] is defined twice" in result.output
    assert not (tmp_path / "out").exists()


# ── YAML ────────────────────────────────────────────────────────────────────────────────

LAUGHS = "".join([
    'lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
    *(f"lol{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10))])


@pytest.mark.parametrize("where", ["book.yaml", "front-matter", "bibliography", "index"])
def test_billion_laughs_are_refused_at_their_line(tmp_path, where):
    book = make_book(tmp_path / "b")
    if where == "book.yaml":
        write(book / "book.yaml", BOOK_YAML + LAUGHS)
        path, first = "book.yaml", len(BOOK_YAML.splitlines()) + 1
    elif where == "front-matter":
        write(book / "chapters" / "one.md", CHAPTER.replace("---\n", "---\n" + LAUGHS, 1))
        path, first = "chapters/one.md", 2
    else:
        name = f"chapters/{where}.yaml"
        write(book / name, LAUGHS if where == "index" else "references: []\n" + LAUGHS)
        write(book / "book.yaml", BOOK_YAML.replace(f'{where}: ""', f"{where}: {name}"))
        path, first = name, 1 if where == "index" else 2
    started = time.perf_counter()
    result = invoke("check", "--root", str(book))
    assert time.perf_counter() - started < 30  # minutes and gigabytes before the bound
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "aliases" in line]
    assert line.startswith(f"{path}:")
    assert int(line.split(":")[1]) in range(first, first + 10)


# ── editions, theme, package ────────────────────────────────────────────────────────────

def test_build_offers_the_declared_whole_book_editions():
    result = invoke("build", "--help")
    for name in book_editions():
        assert name in result.output
    assert {"handout", "offprint"} <= set(EDITIONS) - set(book_editions())


def test_a_book_style_overrides_the_default_file_by_file(tmp_path):
    book = tmp_path / "b"
    (book / "styles").mkdir(parents=True)
    write(book / "styles" / "book.css", "/* mine */")
    assert style_path(book, "book.css") == book / "styles" / "book.css"
    assert style_path(book, "base.css") == THEME_DIR / "base.css"


@pytest.mark.slow
def test_a_css_warning_names_the_sheet_line_and_column(tmp_path):
    book = make_book(tmp_path / "b")
    write(book / "styles" / "custom.css", "p {\n  colr: red;\n}\n")
    result = invoke("build", "--root", str(book), "--out", str(tmp_path / "b.pdf"))
    assert result.exit_code == 0, result.output
    assert any(line.startswith("styles/custom.css:2:3: warning:") and "colr" in line
               for line in result.output.splitlines()), result.output


@pytest.mark.slow
def test_a_book_without_styles_builds_with_the_default_theme(tmp_path):
    book = make_book(tmp_path / "b")
    shutil.rmtree(book / "styles")
    result = invoke("build", "--root", str(book), "--out", str(tmp_path / "b.pdf"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_styles_copy_refuses_to_overwrite_without_force(tmp_path):
    book = make_book(tmp_path / "b")
    result = invoke("styles", "--copy", "--root", str(book))
    assert result.exit_code == 1 and "--force" in result.output
    assert invoke("styles", "--copy", "--force", "--root", str(book)).exit_code == 0


def _imports(path: Path) -> set[str]:
    """Every bookbuild module `path` imports, at any depth (deferred imports included)."""
    module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            if base.startswith("bookbuild"):
                found.add(base)
                found |= {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("bookbuild")}
    return found


def _import_graph(unit_of=lambda name: name) -> dict[str, set[str]]:
    """Who imports whom among the package's modules, deferred imports included; with
    `unit_of`, between the units the modules belong to (edges inside a unit left out)."""
    modules = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(
        ".__init__"): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {unit_of(m) for m in _imports(path) if m in modules}
        graph.setdefault(unit_of(name), set()).update(targets - {unit_of(name)})
    return graph


def _assert_no_circle(graph: dict[str, set[str]]) -> None:
    state: dict[str, int] = {}  # 1: on the current trail, 2: done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph.get(name, ())):
            assert state.get(target) != 1, " → ".join(trail + [name, target])
            if target not in state:
                visit(target, trail + [name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_no_import_circle_between_modules_deferred_imports_included():
    # A package's __init__ is imported with any of its modules; the layer rule is between
    # modules, so edges to a package mean its __init__ only.
    _assert_no_circle(_import_graph())


def test_no_import_circle_between_units_deferred_imports_included():
    """The layers: a sub-package (editions, typeset, …) or a top-level module (cache,
    check, …) is one unit, and no unit imports one that imports it back, not even inside
    a function: bookbuild.build sits above editions/ and the cache, which never call up."""
    _assert_no_circle(_import_graph(lambda name: ".".join(name.split(".")[:2])))


def test_every_module_says_what_it_owns():
    for path in SRC.rglob("*.py"):
        if path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip():
            continue
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


MAX_MODULE_LINES = 500


def test_no_module_is_over_500_lines():
    """A module that grows past this does several jobs: split it into a package by job
    (apparatus/index/, editions/epub/, typeset/preflight/ are the models)."""
    sizes = {str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
             for path in SRC.rglob("*.py")}
    assert len(sizes) > 50  # the package was found
    assert not {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}

# ── a second book ───────────────────────────────────────────────────────────────────────

def test_new_makes_a_book_folder_and_nothing_else(tmp_path):
    result = invoke("new", str(tmp_path / "mine"), "--title", "私の本")
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(tmp_path / "mine").as_posix()
                  for p in (tmp_path / "mine").rglob("*"))
    assert made == ["book.yaml", "chapters", "chapters/bibliography.yaml",
                    "chapters/index.yaml", "chapters/sources"]
    assert "title: \"私の本\"" in (tmp_path / "mine" / "book.yaml").read_text(encoding="utf-8")
    again = invoke("new", str(tmp_path / "mine"))
    assert again.exit_code == 1 and "already holds a book" in again.output


@pytest.mark.slow
def test_install_new_normalise_build_in_a_fresh_environment(tmp_path):
    """The package as `pip install .` makes it (a wheel, so the theme must really be package
    data), in a fresh venv (the dependencies seen through this one's site-packages, so
    nothing is downloaded), then the README's walk-through."""
    source = tmp_path / "source"
    # Not .tools/ (setup.sh's 500 MB of Node packages) nor the tools' caches: what a wheel
    # is built from is the package's source.
    shutil.copytree(PROJECT, source, ignore=shutil.ignore_patterns(
        ".venv", "build", ".git", "*.egg-info", "__pycache__", ".pytest_cache", "tests",
        ".tools", ".hypothesis", ".mypy_cache", ".ruff_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True)
    venv = tmp_path / "venv"
    # Without a pip of its own (ensurepip takes 4 s): this one's installs into it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    here = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(here) + "\n", encoding="utf-8")
    [wheel] = (tmp_path / "dist").glob("bookbuild-*.whl")
    # pip --python: run for the new environment (as its own pip would), not for this one,
    # whose checkout's editable install it would first uninstall.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True)
    # `python -m bookbuild`: the console script's first line names the interpreter that
    # installed it (this one), and this one finds the checkout's source first.
    command = [str(venv / "bin" / "python"), "-m", "bookbuild"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*args: str, cwd: Path = tmp_path) -> None:
        done = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    run("new", "mybook", "--title", "試しの本")
    book = tmp_path / "mybook"
    source = book / "chapters" / "sources" / "essay.txt"
    shutil.copy(PROJECT / "chapters" / "sources" / "002_8fde553add317366.txt", source)
    run("normalise", "chapters/sources/essay.txt", cwd=book)
    assert 'data-role="title"' in (book / "build" / "review" / "essay.html").read_text("utf-8")
    run("build", cwd=book)
    pdf = book / "build" / "book.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "試しの本" in text and "露朝接近の基本構図" in text
    assert not (book / "styles").exists()  # the default theme came from the package
    where = subprocess.run([*command[:1], "-c", "import bookbuild; print(bookbuild.__file__)"],
                           env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv))  # the installed wheel, not the checkout


@pytest.mark.parametrize(("template", "said"), [
    ("{% if chapters %}\n<p>\n", "styles/book.html.j2:1: error: template: Unexpected end"),
    ("<p>{{ nothing.here }}</p>\n", "book.html.j2:1: error: template: 'nothing' is undefined"),
])
def test_a_broken_template_of_the_book_is_an_error_at_its_line(tmp_path, template, said):
    book = make_book(tmp_path / "b")
    write(book / "styles" / "book.html.j2", template)
    result = invoke("build", "--root", str(book), "--out", str(tmp_path / "b.pdf"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert said in result.output
    assert not (tmp_path / "b.pdf").exists()
    write(book / "styles" / "handout.html.j2", template)
    handout = invoke("handout", "one", "--root", str(book), "--out", str(tmp_path / "h"))
    assert handout.exit_code == 1 and "handout.html.j2:1: error: template" in handout.output
