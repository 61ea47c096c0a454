"""A tiny book with one raw manuscript in its sources, normalised (chapter, review page and
record written), for the tests of the review page and of `bookbuild review`."""

from __future__ import annotations

from pathlib import Path

NAME = "essay"
# Title, subtitle, author; two headings; a note call on lines 8 and 13 (the notes at the
# end); a page number (line 16) between blank lines; 务 (a Chinese form: a query, line 13).
ESSAY = """\
ロシアの外交戦略
─新しい時代の模索─

山田　花子

はじめに
ロシアの外交は、冷戦が終わってから大きく変わった。その変化は東アジアにも及び、
北朝鮮との関係にも表れている 1。
ここでは、その変化の理由を考える。

1．変化の背景
まず、経済の問題がある。ロシアは極東の開発を急いでおり、周辺の国々との協力を
必要としている。これは务めて重要な点である 2。


− 2 −


次に、安全保障の問題がある。ロシアは朝鮮半島の安定を望んでいる。

注
1 山田花子『ロシアと東アジア』東京出版、2020年、12頁。
2 同上、34頁。
"""
LINES = ESSAY.split("\n")


def line(number: int) -> str:
    """The text of the essay's line `number` (1-based), as a decision quotes it."""
    return LINES[number - 1].strip(" \u3000")


def make_review_book(root: Path) -> Path:
    """`bookbuild new` at `root`, the essay in its sources, normalised as `bookbuild
    normalise` does (with the review page). Returns `root`."""
    from bookbuild.manuscript import normalise_files
    from bookbuild.new import new_book
    from bookbuild.review.files import write_review

    new_book(root, title="試験の本")
    source = root / "chapters" / "sources" / f"{NAME}.txt"
    source.write_text(ESSAY, encoding="utf-8")
    normalise_files([source], root / "chapters", echo=lambda _: None,
                    written=lambda source, result, chapter: write_review(root, source, result,
                                                                         chapter))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its content: what a refused request must not change."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
