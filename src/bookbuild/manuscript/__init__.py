"""The normaliser: a raw manuscript (bytes) → a Markdown chapter (text) and a report.

`normalise` is pure (no disk); `normalise_files` reads sources, checks every output before
writing any, and writes atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bookbuild.model.chapter import chapter_id_for, parse_meta, split_front_matter

from ..errors import BookError
from ..fsutil import refuse_overwrite, write_atomic
from ..yamlsource import load_yaml
from .assemble import assemble
from .decode import decode
from .fixes import load_fixes
from .report import Report


@dataclass(frozen=True)
class Normalised:
    chapter_id: str
    markdown: str
    report: Report


def normalise(raw: bytes, source_name: str, fixes: tuple[str, str] | None = None
              ) -> Normalised:
    """Turn one manuscript's bytes into chapter Markdown; `source_name` names it in messages
    and gives the chapter id (its stem); `fixes` is the editor's decisions file beside the
    source as (its name, its text), see `fixes.py` and `load_fixes`."""
    decoded = decode(raw, source_name)
    report = Report(source_name, encoding=decoded.encoding)
    markdown = assemble(decoded.text, report, fixes)
    _check_contract(markdown, source_name)
    return Normalised(chapter_id_for(Path(source_name)), markdown, report)


def _check_contract(markdown: str, source_name: str) -> None:
    """The chapter must load as the renderer will load it; fail here, not in the build."""
    front, _, _ = split_front_matter(markdown, Path(source_name))
    data = load_yaml(front, source_name, first_line=2).data
    # A chapter with no title is written so (the editor gives it one); all else must load.
    parse_meta({"title": "stand-in", **data} if "title" not in data else data,
               Path(source_name))


def normalise_files(sources: list[Path], out_dir: Path, *, force: bool = False,
                    echo: Callable[[str], None] = print,
                    written: Callable[[Path, Normalised, Path], None] | None = None
                    ) -> list[Path]:
    """Normalise every source into `out_dir/<id>.md`; refuse to overwrite without `force`.
    `written(source, result, chapter)` is called after each chapter is written (the CLI
    writes the review page there: `bookbuild.review.files.write_review`)."""
    results: list[tuple[Path, Normalised]] = []
    for source in sources:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise BookError(f"{source}: cannot read: {exc.strerror}") from exc
        result = normalise(raw, str(source), load_fixes(Path(source)))
        target = Path(out_dir) / f"{result.chapter_id}.md"
        if any(target == t for t, _ in results):
            raise BookError(f"{source}: its chapter id '{result.chapter_id}' is already used "
                            "by another source; rename one of them")
        results.append((target, result))
    for target, _ in results:
        refuse_overwrite(target, force)
    for target, result in results:
        write_atomic(target, result.markdown)
        for line in result.report.lines():
            echo(line)
        echo(f"  wrote {target}")
        if written is not None:
            written(Path(result.report.source), result, target)
    return [target for target, _ in results]
