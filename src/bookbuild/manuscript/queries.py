"""Questions for the editor: apparent slips the normaliser keeps but reports.

A heading naming a country pair (日朝) that the running text never uses, while a pair
sharing one of its countries (ロ朝) is used throughout, is probably a slip.
"""

from __future__ import annotations

import re

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
                report.warn(block.line, query, "query")
    return queries
