"""The editor's decisions that the text alone cannot make, kept beside the source.

`chapters/sources/<name>.fixes.yaml` is a list of decisions, each naming a line of the
source by number and quoting its text (so that a decision never silently lands on another
line when the source changes):

    - paragraph_ends_after: 128
      text: の対話を促すという規定路線以外にロシアが取り得る外交方針はないという結論になる。
    - paragraph_continues_after: 40
      text: …
    - heading: 57        # optional: level: 3
      text: …
    - not_furniture: 211
      text: …

`text` is the line as it stands in the source, spaces at its ends aside; a decision whose
line no longer reads so is an error naming the fixes file, the entry and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BookError
from ..yamlsource import load_yaml
from .lines import Line

KINDS = ("paragraph_ends_after", "paragraph_continues_after", "heading", "not_furniture")
SUFFIX = ".fixes.yaml"


@dataclass(frozen=True)
class Fixes:
    ends_after: frozenset[int] = frozenset()  # a paragraph ends after these lines
    continues_after: frozenset[int] = frozenset()  # …and does not end after these
    headings: dict[int, int] = field(default_factory=dict)  # line → level (0: as shaped)
    not_furniture: frozenset[int] = frozenset()
    source: str = ""  # the fixes file, for messages

    def __bool__(self) -> bool:
        return bool(self.ends_after or self.continues_after or self.headings
                    or self.not_furniture)


NO_FIXES = Fixes()


def fixes_path(source: Path) -> Path:
    """Where the decisions for `source` live: beside it, `<stem>.fixes.yaml`."""
    return source.with_name(source.stem + SUFFIX)


def load_fixes(source: Path) -> tuple[str, str] | None:
    """(path, text) of the fixes file beside `source`, or None when there is none."""
    path = fixes_path(Path(source))
    if not path.exists():
        return None
    try:
        return str(path), path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BookError(f"{path}: cannot read: {exc}") from exc


def parse_fixes(name: str, text: str, lines: list[Line]) -> Fixes:
    """Read and check the decisions against the source's lines; raise `BookError` on any
    entry that is malformed or no longer matches its line."""
    data = load_yaml(text, name).data or []  # bounded aliases, errors at their line
    if not isinstance(data, list):
        raise BookError(f"{name}: expected a list of decisions")
    ends, continues, not_furniture = set(), set(), set()
    headings: dict[int, int] = {}
    for index, entry in enumerate(data, 1):
        where = f"{name}: decision {index}"
        if not isinstance(entry, dict):
            raise BookError(f"{where}: expected a mapping such as "
                            "{paragraph_ends_after: 128, text: …}")
        kinds = [k for k in entry if k in KINDS]
        unknown = [k for k in entry if k not in KINDS and k not in ("text", "level")]
        if len(kinds) != 1 or unknown:
            raise BookError(f"{where}: needs exactly one of {', '.join(KINDS)} (and `text`)"
                            + (f"; unknown keys: {', '.join(map(str, unknown))}"
                               if unknown else ""))
        kind = kinds[0]
        number = entry[kind]
        if not isinstance(number, int) or not 1 <= number <= len(lines):
            raise BookError(f"{where}: {kind}: {number!r} is not a line of the source "
                            f"(1–{len(lines)})")
        expected = str(entry.get("text", "")).strip(" \u3000")
        actual = lines[number - 1].text
        if not expected or expected != actual:
            raise BookError(f"{where} ({kind}: {number}) expects line {number} to read "
                            f"'{expected}', but it reads '{actual}': the source has changed; "
                            "update or remove the decision")
        if kind == "paragraph_ends_after":
            ends.add(number)
        elif kind == "paragraph_continues_after":
            continues.add(number)
        elif kind == "not_furniture":
            not_furniture.add(number)
        else:
            headings[number] = int(entry.get("level", 0))
    clash = ends & continues
    if clash:
        raise BookError(f"{name}: line {min(clash)} both ends and continues a paragraph")
    return Fixes(frozenset(ends), frozenset(continues), headings, frozenset(not_furniture),
                 name)
