"""Normalise every case of tests/corpus/ and print the table: family × cases, letters lost and
added, notes linked to their calls, title (right / wrong without a query / none, with a
query / wrong, with a query), people right, paragraphs exact, cases whole.

    PYTHONPATH=src .venv/bin/python scripts/normalise_corpus.py [-v] [FAMILY-PREFIX ...]

`-v` also prints one line per case; prefixes keep only the families that start with one.
Letters: for the synthetic families (`scripts/make_corpus.py`), the truth's running text and
notes against the chapter's; for the real-extractor families (`scripts/make_real_corpus.py`,
marked `*`), every letter of the input against the whole chapter file (front-matter included)
and the furniture listed in the truth. A case is whole when no letter is lost or added, every
note is linked to its call, the title and people are right and ≥95 % of paragraphs exact.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.manuscript.corpus import Case, Score, cases, letter_difference, score  # noqa: E402

from bookbuild.manuscript import normalise  # noqa: E402

COLUMNS = (f"{'family':36} {'cases':>5} {'lost':>6} {'added':>6} {'notes':>9} "
           f"{'title ok/wrong/none+q/wrong+q':>29} {'people':>7} {'paras exact':>12} {'whole':>6}")


def score_case(case: Case) -> Score:
    raw = case.raw.read_bytes()
    markdown = normalise(raw, case.raw.name).markdown
    return score(case.doc(), markdown, raw.decode("utf-8", errors="replace"))


def _sample(case: Case, which: int) -> str:
    raw = case.raw.read_bytes()
    markdown = normalise(raw, case.raw.name).markdown
    found = letter_difference(raw.decode("utf-8", errors="replace"), markdown,
                              case.doc().furniture)[which]
    return found[:60] + ("…" if len(found) > 60 else "")


def main() -> None:
    verbose = "-v" in sys.argv
    prefixes = [a for a in sys.argv[1:] if not a.startswith("-")]
    rows: dict[str, list[Score]] = defaultdict(list)
    real: set[str] = set()
    for case in cases():
        if prefixes and not case.family.startswith(tuple(prefixes)):
            continue
        if case.doc().made_by:
            real.add(case.family)
        try:
            result = score_case(case)
        except Exception as exc:  # noqa: BLE001 - a crash is a result of the table
            print(f"{case.family}/{case.name}: crashed: {type(exc).__name__}: {exc}")
            rows[case.family].append(None)
            continue
        rows[case.family].append(result)
        if verbose:
            print(f"{case.family}/{case.name}: {result}")
            if case.doc().made_by and (result.letters_lost or result.letters_added):
                print(f"    lost {_sample(case, 0)!r} added {_sample(case, 1)!r}")
    print(COLUMNS)
    print("-" * len(COLUMNS))
    for group in (sorted(f for f in rows if f not in real), sorted(real)):
        for family in group:
            print(_row(family + (" *" if family in real else ""), rows[family]))
        if group:
            print("-" * len(COLUMNS))
    print(_row("all", [r for results in rows.values() for r in results]))


def _row(name: str, results: list[Score | None]) -> str:
    """One line of the table; a case that crashed counts as a case and as nothing else."""
    done = [r for r in results if r is not None]
    paragraphs = sum(r.paragraphs for r in done)
    share = f"{100 * sum(r.paragraphs_exact for r in done) / paragraphs:.1f}%" if paragraphs \
        else "-"
    titles = "/".join(str(sum(r.title == verdict for r in done))
                      for verdict in ("right", "wrong", "asked-none", "asked-wrong"))
    crashed = len(results) - len(done)
    return (f"{name:36} {len(results):>5} {sum(r.letters_lost for r in done):>6} "
            f"{sum(r.letters_added for r in done):>6} "
            f"{f'{sum(r.notes_ok for r in done)}/{sum(r.notes for r in done)}':>9} "
            f"{titles:>29} {f'{sum(r.people_ok for r in done)}/{len(results)}':>7} "
            f"{share:>12} {f'{sum(r.whole for r in done)}/{len(results)}':>6}"
            + (f"  ({crashed} crashed)" if crashed else ""))


if __name__ == "__main__":
    main()
