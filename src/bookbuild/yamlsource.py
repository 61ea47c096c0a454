"""Every YAML file the book reads goes through here: one parse that keeps positions, and a
bound on alias expansion.

A YAML alias (`*name`) repeats the node its anchor (`&name`) names. Nested anchors let a
few hundred bytes stand for billions of nodes ("billion laughs"): PyYAML shares the node,
but anything that walks the result — our position index, a check, `json.dumps` — walks
every copy and runs for minutes. A book never needs more than a handful of aliases, so a
document that would expand beyond `MAX_EXPANDED_NODES` is refused, with the line of the
anchor that is repeated most.

`load_yaml` returns both the composed node tree (for `file:line:col` messages) and the
Python data built from that same tree: the text is parsed once. Where a key or an item
stands is asked here and only here (`YamlDocument.position`, `key_positions`, `line_of`),
for book.yaml, the chapters' front-matter, the bibliography and the index alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .errors import BookError, Diagnostic, Severity

# libyaml's loader is 5× faster than PyYAML's own and builds the same nodes.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The largest book file (the index, ~200 entries) expands to ~6,000 nodes.
MAX_EXPANDED_NODES = 200_000


Position = tuple[int, int]  # (line, column), both 1-based, in the file


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    node: yaml.Node | None  # None for an empty document
    first_line: int = 1  # the file line the parsed text starts at (2 for front-matter)

    @cached_property
    def positions(self) -> dict[str, Position]:
        """Every key path → where it is written; built the first time a position is asked."""
        return key_positions(self.node, self.first_line) if self.node is not None else {}

    def position(self, key_path: str) -> Position | None:
        """Where `key_path` (`page.bleed_mm`, `chapters[2]`, `title`) is written: a key's
        own position, an item's start; for an item that is not there (`chapters[9]`), its
        list's key; None if neither is in the document."""
        return self.positions.get(key_path) or self.positions.get(key_path.split("[")[0])


def line_of(node: yaml.Node, first_line: int = 1) -> int:
    """The file line (1-based) a node starts on."""
    return node.start_mark.line + first_line


def position_of(node: yaml.Node, first_line: int = 1) -> Position:
    """The file line and column (1-based) a node starts at."""
    return line_of(node, first_line), node.start_mark.column + 1


def key_positions(node: yaml.Node, first_line: int = 1, prefix: str = "") -> dict[str, Position]:
    """Each key path under `node` (`page.bleed_mm`, `chapters[2]`, `author[0].family`) → where
    it is written: a mapping's key at the key, a list's item at the item; `prefix` (the
    node's own path, "" for the document) at the node."""
    marks = {prefix: position_of(node, first_line)}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            inner = key_positions(value, first_line, path)
            inner[path] = position_of(key, first_line)  # the key, not its value
            marks.update(inner)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            marks.update(key_positions(item, first_line, f"{prefix}[{i}]"))
    return marks


def load_yaml(text: str, path: Path | str, *, first_line: int = 1,
              hint: str = "check the indentation and the ':' after each key") -> YamlDocument:
    """Parse `text` (from `path`, starting at file line `first_line`) into data and nodes.

    Raises one `BookError` at the line and column of a syntax error (with `hint`), or at the
    anchor of an alias expansion beyond the bound.
    """
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_expansion(node, path, first_line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BookError(f"{path}: not valid YAML", [Diagnostic(
            path, mark.line + first_line if mark else None,
            f"not valid YAML: {getattr(exc, 'problem', None) or exc} ({hint})", Severity.ERROR,
            mark.column + 1 if mark else None)]) from exc
    finally:
        loader.dispose()
    return YamlDocument(data, node, first_line)


def _refuse_expansion(root: yaml.Node, path: Path | str, first_line: int) -> None:
    """Count the values the document stands for, each alias as a full copy of its anchor."""
    sizes: dict[int, int] = {}
    uses: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}

    def expanded(node: yaml.Node) -> int:  # memoised: linear in the distinct nodes
        key = id(node)
        uses[key] = uses.get(key, 0) + 1
        if key not in sizes:
            nodes[key] = node
            sizes[key] = 1  # a recursive alias counts once, not forever
            sizes[key] = 1 + sum(expanded(child) for child in _children(node))
        return sizes[key]

    try:
        total = expanded(root)
    except RecursionError:
        total = MAX_EXPANDED_NODES + 1
    if total <= MAX_EXPANDED_NODES:
        return
    shared = [k for k in uses if uses[k] > 1] or [id(root)]
    worst = max(shared, key=lambda k: uses[k] * sizes.get(k, 1))
    mark = nodes.get(worst, root).start_mark
    raise BookError(f"{path}: refused", [Diagnostic(
        path, mark.line + first_line,
        f"its aliases (*name) expand the file to over {MAX_EXPANDED_NODES:,} values (this "
        "anchor is repeated most); a book file needs no such nesting: write the values out, "
        "or use fewer aliases", Severity.ERROR, mark.column + 1)])


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
