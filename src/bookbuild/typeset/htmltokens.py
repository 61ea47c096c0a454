"""One tokenizer for the passes over finished HTML strings — the break opportunities
(breaks.py), the wide tables (widetables.py), the long notes split (notesplit.py) and the
short last lines bound (shortlines.py): comments, tags and runs of text, a character
reference counting as one character. The Japanese spacing (japanese.py) reads the same HTML
with the standard library's HTMLParser, which it needs for its entity and comment rules.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator

# A comment, a tag, or a run of text (joined, the tokens give back the HTML).
TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.S)
# One character of text: a character reference counts as one.
CHARACTER = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|\w+);|.", re.S)
# A start or end tag: (the "/" of an end tag, the name, the attributes, the "/" of "<x/>").
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*?)(/?)\s*>", re.S)
CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# One attribute of a start tag's attributes: (name, then its value quoted "", '' or bare).
ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*"""
                       r"""(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def tokens(html: str) -> list[str]:
    return TOKEN.findall(html)


def is_markup(token: str) -> bool:
    """A tag or a comment (a token of `tokens`), not text."""
    return token.startswith("<")


def characters(text: str) -> list[str]:
    return CHARACTER.findall(text)


def units(html: str) -> Iterator[str]:
    """Tags and comments whole, text one character at a time."""
    for token in tokens(html):
        if is_markup(token):
            yield token
        else:
            yield from characters(token)


def tag_name(tag: str) -> str | None:
    """The lower-case name of a start or end tag; None for a comment or a declaration."""
    parsed = TAG.fullmatch(tag)
    return parsed.group(2).lower() if parsed else None


def is_end_tag(tag: str) -> bool:
    parsed = TAG.fullmatch(tag)
    return bool(parsed and parsed.group(1))


def is_self_closing(tag: str) -> bool:
    parsed = TAG.fullmatch(tag)
    return bool(parsed and parsed.group(4))


def classes(tag: str) -> set[str]:
    """The classes of a start tag."""
    parsed = TAG.fullmatch(tag)
    found = CLASS.search(parsed.group(3)) if parsed else None
    return set(next(g for g in found.groups() if g is not None).split()) if found else set()


def text_of(fragment: str) -> str:
    """The fragment's text: tags and comments left out, character references read."""
    return htmllib.unescape("".join(t for t in tokens(fragment) if not is_markup(t)))
