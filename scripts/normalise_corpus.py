"""Normalise every case of tests/corpus/ and print the table: family × letters lost/added,
notes attached, title blocks right, paragraphs exact, cases whole.

    .venv/bin/python scripts/normalise_corpus.py [-v]

`-v` also prints one line per case. A case is whole when no letter is lost or added, every
note is attached to its call, the title block is right and ≥95 % of paragraphs are exact.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.manuscript.corpus import cases, score  # noqa: E402

from bookbuild.manuscript import normalise  # noqa: E402


def main() -> None:
    verbose = "-v" in sys.argv
    rows: dict[str, list] = defaultdict(list)
    for case in cases():
        try:
            markdown = normalise(case.raw.read_bytes(), case.raw.name).markdown
            result = score(case.doc(), markdown)
        except Exception as exc:  # noqa: BLE001 - a crash is a result of the table
            print(f"{case.family}/{case.name}: crashed: {exc}")
            continue
        rows[case.family].append(result)
        if verbose:
            print(f"{case.family}/{case.name}: {result}")
    header = (f"{'family':28} {'cases':>5} {'lost':>6} {'added':>6} {'notes':>9} "
              f"{'title':>6} {'paras exact':>12} {'whole':>6}")
    print(header)
    print("-" * len(header))
    total = [0] * 9
    for family, results in sorted(rows.items()):
        values = [len(results), sum(r.letters_lost for r in results),
                  sum(r.letters_added for r in results), sum(r.notes_ok for r in results),
                  sum(r.notes for r in results), sum(r.title_ok for r in results),
                  sum(r.paragraphs_exact for r in results), sum(r.paragraphs for r in results),
                  sum(r.whole for r in results)]
        total = [a + b for a, b in zip(total, values, strict=True)]
        print(_row(family, values))
    print("-" * len(header))
    print(_row("all", total))


def _row(name: str, v: list[int]) -> str:
    share = f"{100 * v[6] / v[7]:.1f}%" if v[7] else "-"
    return (f"{name:28} {v[0]:>5} {v[1]:>6} {v[2]:>6} {f'{v[3]}/{v[4]}':>9} "
            f"{f'{v[5]}/{v[0]}':>6} {share:>12} {f'{v[8]}/{v[0]}':>6}")


if __name__ == "__main__":
    main()
