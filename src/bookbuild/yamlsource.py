"""Every YAML file the book reads goes through here: one parse that keeps positions, and a
bound on alias expansion.

A YAML alias (`*name`) repeats the node its anchor (`&name`) names. Nested anchors let a
few hundred bytes stand for billions of nodes ("billion laughs"): PyYAML shares the node,
but anything that walks the result — our position index, a check, `json.dumps` — walks
every copy and runs for minutes. A book never needs more than a handful of aliases, so a
document that would expand beyond `MAX_EXPANDED_NODES` is refused, with the line of the
anchor that is repeated most.

`load_yaml` returns both the composed node tree (for `file:line:col` messages) and the
Python data built from that same tree: the text is parsed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import BookError, Diagnostic

# libyaml's loader is 5× faster than PyYAML's own and builds the same nodes.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The largest book file (the index, ~200 entries) expands to ~6,000 nodes.
MAX_EXPANDED_NODES = 200_000


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    node: yaml.Node | None  # None for an empty document


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
            f"not valid YAML: {getattr(exc, 'problem', None) or exc} ({hint})", "error",
            mark.column + 1 if mark else None)]) from exc
    finally:
        loader.dispose()
    return YamlDocument(data, node)


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
        "or use fewer aliases", "error", mark.column + 1)])


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
