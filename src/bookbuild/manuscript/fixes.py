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
    - role: person       # one of ROLES (what `bookbuild review` writes)
      line: 3
      text: …

A `role` decision says what the line is, whatever the normaliser read: `title`, `subtitle`,
`person` (an author), `affiliation` → that front-matter field; `heading` → a heading; `body`
→ kept in the text (never furniture, never front-matter); `furniture` → removed, listed as
furniture with the evidence "editor". `role_decisions.py` applies them.

`text` is the line as it stands in the source, spaces at its ends aside; a decision whose
line no longer reads so is an error naming the fixes file, the entry and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import BookError
from ..yamlsource import load_yaml
from .lines import Line

KINDS = ("paragraph_ends_after", "paragraph_continues_after", "heading", "not_furniture",
         "role")
# What a `role` decision may make of a line.
ROLES = ("title", "subtitle", "person", "affiliation", "heading", "body", "furniture")
FRONT_MATTER_ROLES = ("title", "subtitle", "person", "affiliation")
SUFFIX = ".fixes.yaml"


@dataclass(frozen=True)
class Fixes:
    ends_after: frozenset[int] = frozenset()  # a paragraph ends after these lines
    continues_after: frozenset[int] = frozenset()  # …and does not end after these
    headings: dict[int, int] = field(default_factory=dict)  # line → level (0: as shaped)
    not_furniture: frozenset[int] = frozenset()
    source: str = ""  # the fixes file, for messages
    roles: dict[int, str] = field(default_factory=dict)  # line → one of ROLES

    def __bool__(self) -> bool:
        return bool(self.ends_after or self.continues_after or self.headings
                    or self.not_furniture or self.roles)

    def lines_with_role(self, *roles: str) -> frozenset[int]:
        return frozenset(no for no, role in self.roles.items() if role in roles)

    @property
    def kept_in_text(self) -> frozenset[int]:
        """Lines the editor said are the author's text: never furniture."""
        return self.not_furniture | self.lines_with_role("body", "heading")

    @property
    def count(self) -> int:
        headings = self.headings.keys() - self.roles.keys()  # `role: heading` is in both
        return (len(self.ends_after) + len(self.continues_after) + len(headings)
                + len(self.not_furniture) + len(self.roles))


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
    roles: dict[int, str] = {}
    for index, entry in enumerate(data, 1):
        kind, number = check_decision(entry, f"{name}: decision {index}", lines)
        if kind == "paragraph_ends_after":
            ends.add(number)
        elif kind == "paragraph_continues_after":
            continues.add(number)
        elif kind == "not_furniture":
            not_furniture.add(number)
        elif kind == "role":
            roles[number] = entry["role"]
            if entry["role"] == "heading":
                headings[number] = 0  # at the level its shape gives (2 if none)
        else:
            headings[number] = int(entry.get("level", 0))
    clash = ends & continues
    if clash:
        raise BookError(f"{name}: line {min(clash)} both ends and continues a paragraph")
    return Fixes(frozenset(ends), frozenset(continues), headings, frozenset(not_furniture),
                 name, roles)


def check_decision(entry: object, where: str, lines: list[Line]) -> tuple[str, int]:
    """(kind, line number) of one decision; raise `BookError` (naming `where`) unless it is
    well formed and its `text` still reads as its line."""
    if not isinstance(entry, dict):
        raise BookError(f"{where}: expected a mapping such as "
                        "{paragraph_ends_after: 128, text: …}")
    kinds = [k for k in entry if k in KINDS]
    allowed = ("text", "level", "line") if kinds == ["role"] else ("text", "level")
    unknown = [k for k in entry if k not in KINDS and k not in allowed]
    if len(kinds) != 1 or unknown:
        raise BookError(f"{where}: needs exactly one of {', '.join(KINDS)} (and `text`)"
                        + (f"; unknown keys: {', '.join(map(str, unknown))}"
                           if unknown else ""))
    kind = kinds[0]
    if kind == "role" and entry["role"] not in ROLES:
        raise BookError(f"{where}: role: {entry['role']!r} is not one of {', '.join(ROLES)}")
    key = "line" if kind == "role" else kind
    number = entry.get(key)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(lines):
        raise BookError(f"{where}: {key}: {number!r} is not a line of the source "
                        f"(1–{len(lines)})")
    expected = str(entry.get("text", "")).strip(" \u3000")
    actual = lines[number - 1].text
    if not expected or expected != actual:
        label = f"role: {entry['role']}, line: {number}" if kind == "role" else f"{kind}: {number}"
        raise BookError(f"{where} ({label}) expects line {number} to read "
                        f"'{expected}', but it reads '{actual}': the source has changed; "
                        "update or remove the decision")
    return kind, number


# Decisions of one group say the same thing of a line: a new one replaces the old ones.
GROUPS = (("paragraph_ends_after", "paragraph_continues_after"),
          ("role", "heading", "not_furniture"))


def decision_line(entry: dict) -> tuple[str, int] | None:
    """(group, line) a well-formed decision speaks of, else None."""
    for group in GROUPS:
        for kind in group:
            if kind in entry:
                number = entry.get("line") if kind == "role" else entry[kind]
                return (group[0], number) if isinstance(number, int) else None
    return None


def with_decision(text: str, name: str, entry: dict | None, replaces: tuple[str, int]) -> str:
    """The fixes file's `text` with every decision of `replaces` (group, line) taken out and
    `entry` (None: nothing) added at the end. The file's comments and other entries are kept
    as written: the file is cut into its top-level `- ` items, and only when that cut does
    not read back as the same list (a file in flow style) is the whole file written anew."""
    data = load_yaml(text, name).data or [] if text.strip() else []
    if not isinstance(data, list):
        raise BookError(f"{name}: expected a list of decisions")
    head, items = _top_level_items(text)
    if [_load_item(item, name) for item in items] != data:
        head, items = "", [_dump_item(item) for item in data]
    kept = [item for item in items if _speaks_of(_load_item(item, name)) != replaces]
    if entry is not None:
        kept.append(_dump_item(entry))
    body = head + "".join(item if item.endswith("\n") else item + "\n" for item in kept)
    return body


def _top_level_items(text: str) -> tuple[str, list[str]]:
    """(what precedes the first item, each item's text): an item starts at a line `- `."""
    head: list[str] = []
    items: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("- ") or line.rstrip("\n") == "-":
            items.append([line])
        elif items:
            items[-1].append(line)
        else:
            head.append(line)
    return "".join(head), ["".join(item) for item in items]


def _load_item(item: str, name: str) -> object:
    loaded = load_yaml(item, name).data
    return loaded[0] if isinstance(loaded, list) and len(loaded) == 1 else loaded


def _speaks_of(entry: object) -> tuple[str, int] | None:
    return decision_line(entry) if isinstance(entry, dict) else None


def _dump_item(entry: object) -> str:
    return yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=10_000)
