"""Questions for the editor: apparent slips the normaliser keeps but reports.

- A heading naming a country pair (日朝) that the running text never uses, while a pair
  sharing one of its countries (ロ朝) is used throughout, is probably a slip.
- A kanji outside JIS X 0213 (务, a simplified Chinese form) is probably an input slip,
  and the book's fonts may not have it.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import Severity
from .lines import Line
from .report import Report
from .structure import Block
from .text import squeeze_spaces

# One-character country abbreviations used in pairs (日米, 露朝, ロ朝 …).
COUNTRY_CHARS = "日米中韓朝露ロ英仏独印台"
PAIR = re.compile(rf"[{COUNTRY_CHARS}]{{2}}")
# The alternative must be this common in the text for the heading's pair to look wrong.
MIN_ALTERNATIVE_USES = 3


def heading_queries(headings: list[Block], body: str, report: Report) -> list[str]:
    queries: list[str] = []
    for block in headings:
        heading = squeeze_spaces(block.lines[0].text)
        for pair in PAIR.findall(heading):
            if pair[0] == pair[1] or body.count(pair):
                continue
            alternatives = {m: body.count(m) for m in set(PAIR.findall(body))
                            if (m[0] in pair or m[1] in pair) and m != pair}
            best = max(alternatives, key=lambda m: alternatives[m], default="")
            if best and alternatives[best] >= MIN_ALTERNATIVE_USES:
                query = (f"heading '{heading}' (line {block.line}) says {pair}, which the text "
                         f"never uses; the text says {best} ({alternatives[best]} times): slip?")
                queries.append(query)
                report.warn(block.line, query, Severity.QUERY)
    return queries


def character_queries(lines: list[Line], report: Report) -> list[str]:
    queries: list[str] = []
    for line in lines:
        for char in dict.fromkeys(line.text):
            if not unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH"):
                continue
            try:
                char.encode("shift_jis_2004")
            except UnicodeEncodeError:
                query = (f"line {line.no}: {char} (U+{ord(char):04X}) is not a Japanese (JIS X "
                         "0213) kanji, perhaps a Chinese form typed by mistake; kept as written")
                queries.append(query)
                report.warn(line.no, query, Severity.QUERY)
    return queries
