"""The renderer reads only the project's own folders: `ProjectFetcher` refuses the network
and every other file, and the content of a file outside the project never reaches the PDF.

The build tests plant a unique marker in files outside the book (a stylesheet that prints
it, an SVG that draws it) and reference them every way an editor could: CSS `@import` and
`url()`, a Markdown image, an attribute list's `style`, pasted `<img>` and `<link>`. A
control build with WeasyPrint's own fetcher shows the marker does reach the PDF without the
protection, so the test can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild.build import build_book
from bookbuild.typeset import engine as render
from bookbuild.typeset.engine import ProjectFetcher, RefusedFetch
from readback import page_texts
from tinybook import CHAPTER, make_book, write

CSS_MARKER = "OUTSIDECSSMARKER"
SVG_MARKER = "OUTSIDESVGMARKER"


@pytest.fixture
def project(tmp_path) -> Path:
    root = make_book(tmp_path / "book")
    write(root / "styles" / "local.css", "p { color: black }")
    return root


@pytest.fixture
def fetcher(project) -> ProjectFetcher:
    return ProjectFetcher((project / "styles", project / "chapters"))


# ── the fetcher alone ───────────────────────────────────────────────────────────────────

def test_serves_a_file_in_styles(project, fetcher):
    fetched = fetcher((project / "styles" / "local.css").as_uri())
    assert fetched.read() == b"p { color: black }"
    assert fetched.content_type == "text/css"


@pytest.mark.parametrize("url", ["http://example.com/a.css", "https://example.com/a.png",
                                 "ftp://example.com/a", "//example.com/a.css"])
def test_refuses_the_network(fetcher, url):
    with pytest.raises(RefusedFetch, match="no network"):
        fetcher(url)


def test_refuses_a_file_outside_the_project(fetcher, tmp_path):
    secret = write(tmp_path / "secret.txt", "secret")
    with pytest.raises(RefusedFetch, match="outside the project"):
        fetcher(secret.as_uri())


def test_refuses_a_project_file_outside_the_allowed_folders(project, fetcher):
    with pytest.raises(RefusedFetch, match="outside the project"):
        fetcher((project / "book.yaml").as_uri())


def test_refuses_dot_dot_out_of_styles(project, fetcher):
    with pytest.raises(RefusedFetch, match="outside the project"):
        fetcher(f"file://{project}/styles/../book.yaml")


def test_refuses_a_symlink_in_styles_that_points_outside(project, fetcher, tmp_path):
    secret = write(tmp_path / "secret.css", "secret")
    (project / "styles" / "linked.css").symlink_to(secret)
    with pytest.raises(RefusedFetch, match="outside the project"):
        fetcher((project / "styles" / "linked.css").as_uri())


def test_data_urls_are_served(fetcher):
    assert fetcher("data:text/plain,hello").read() == b"hello"


# ── whole builds ────────────────────────────────────────────────────────────────────────

def plant_outside_references(project: Path, outside: Path) -> None:
    """Reference files outside the project from the styles and the chapter, every way."""
    outside.mkdir()
    css = write(outside / "secret.css", f'body::after {{ content: "{CSS_MARKER}" }}')
    svg = write(outside / "secret.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="300" '
                f'height="40"><text x="0" y="30" font-size="20">{SVG_MARKER}</text></svg>')
    book_css = project / "styles" / "book.css"
    write(book_css, f"@import url({css.as_uri()});\n" + book_css.read_text(encoding="utf-8")
          + f"\nh2 {{ background: url({svg}) }}\n")
    write(project / "chapters" / "one.md", CHAPTER + f"""
![図]({svg.as_uri()})

![図]({svg})

背景付きの段落。
{{: style="background: url({svg.as_uri()})" }}

<img src="{svg.as_uri()}"> <link rel="stylesheet" href="{css.as_uri()}">
""")


def pdf_text(path: Path) -> str:
    return "".join(page_texts(path))


@pytest.mark.slow
def test_no_outside_content_reaches_the_pdf(project, tmp_path):
    plant_outside_references(project, tmp_path / "outside")
    result = build_book(project, out_path=tmp_path / "book.pdf")
    text = pdf_text(result.path)
    assert CSS_MARKER not in text
    assert SVG_MARKER not in text
    assert "背景付きの段落" in text  # the chapter itself was set
    refusals = [w for w in result.warnings if "refused" in w.message]
    assert refusals, "the check should report the refused references as warnings"


@pytest.mark.slow
def test_control_without_the_fetcher_the_marker_would_be_printed(project, tmp_path,
                                                                 monkeypatch):
    from weasyprint.urls import URLFetcher

    plant_outside_references(project, tmp_path / "outside")
    monkeypatch.setattr(render, "ProjectFetcher", lambda allowed: URLFetcher())
    result = build_book(project, out_path=tmp_path / "book.pdf")
    text = pdf_text(result.path)
    assert CSS_MARKER in text
    assert SVG_MARKER in text


@pytest.mark.slow
def test_an_image_under_chapters_is_printed(project, tmp_path):
    marker = "INSIDESVGMARKER"
    write(project / "chapters" / "figure.svg", '<svg xmlns="http://www.w3.org/2000/svg" '
          f'width="300" height="40"><text x="0" y="30" font-size="20">{marker}</text></svg>')
    write(project / "chapters" / "one.md", CHAPTER + "\n![図](chapters/figure.svg)\n")
    result = build_book(project, out_path=tmp_path / "book.pdf")
    assert marker in pdf_text(result.path)
    assert not [w for w in result.warnings if "refused" in w.message]


@pytest.mark.slow
def test_html_in_front_matter_is_printed_as_text(project, tmp_path):
    plant_outside_references(project, tmp_path / "outside")
    svg = tmp_path / "outside" / "secret.svg"
    chapter = (project / "chapters" / "one.md").read_text(encoding="utf-8")
    write(project / "chapters" / "one.md", chapter.replace(
        "title: 短い章", f"title: '<img src=\"{svg.as_uri()}\">短い章<script>x</script>'", 1))
    result = build_book(project, out_path=tmp_path / "book.pdf")
    text = pdf_text(result.path)
    assert SVG_MARKER not in text
    assert "<script>" in text.replace(" ", "")  # shown, not interpreted
