"""The normaliser on text read back by real extractors: the real-extractor families of
tests/corpus/ (made by scripts/make_real_corpus.py; their truths carry `made_by`).

For every case: (a) no letter is lost or added: the input's letters are the chapter file's
(body, notes, front-matter) plus the furniture the truth lists; (b) no wrong title is given
without a query (a title the text does not hold must be asked for, not guessed).

Cases that fail today are listed in KNOWN_FAILING with the failure class of issue 19 that
makes them fail; each is a strict xfail, so a fix that makes one pass fails the test until
its line is removed. The extractions are committed: nothing here lays out or extracts.
Print the whole table with `scripts/normalise_corpus.py`.
"""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from bookbuild.manuscript import normalise

from .corpus import Case, all_letters, cases, score

REAL = [case for case in cases() if case.doc().made_by]

# Why each fails today, by issue 19's class. ":letters": letters lost or added; ":title": a
# wrong title (or none) and no query.
VERTICAL_HEAD = ("6: a vertical running head, one short line a column, is listed as furniture "
                 "while the same letters stay in the title and the text")

FOLIO_IN_NOTE = ("5: the next page's folio is read into the note above it, and a note's "
                 "label comes twice")

KNOWN_FAILING: dict[str, str] = {
    "cover-sheet-pdftotext/004:letters": FOLIO_IN_NOTE,
    "chromium-vertical-pdfminer/003:letters": VERTICAL_HEAD,
}

CHECKS = ("letters", "title")


def _mark(case: Case, check: str, request: pytest.FixtureRequest) -> None:
    reason = KNOWN_FAILING.get(f"{case.family}/{case.name}:{check}")
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def _ids(case: Case) -> str:
    return f"{case.family}/{case.name}"


@functools.cache  # each case is normalised once for both checks
def _score(case: Case):
    raw = case.raw.read_bytes()
    markdown = normalise(raw, case.raw.name).markdown
    return score(case.doc(), markdown, raw.decode("utf-8"))


def test_the_real_corpus_is_large_and_varied() -> None:
    assert len(REAL) >= 60
    assert len({case.family for case in REAL}) >= 8


def test_the_failing_list_names_real_cases() -> None:
    known = {f"{_ids(case)}:{check}" for case in REAL for check in CHECKS}
    assert set(KNOWN_FAILING) <= known


@pytest.mark.parametrize("case", REAL, ids=_ids)
def test_each_truth_accounts_for_its_extraction(case: Case) -> None:
    """The corpus itself: the extraction's letters are its truth's and furniture's."""
    doc = case.doc()
    parts = [doc.title if doc.title_evidenced else "", doc.subtitle, doc.label, *doc.authors,
             *doc.translators, *doc.affiliations.values(), *doc.furniture]
    parts += [text for _, _, text in doc.blocks] + [f"{k} {t}" for k, t in doc.notes]
    want = Counter(all_letters("\n".join(parts)))
    assert Counter(all_letters(case.raw.read_text(encoding="utf-8"))) == want


@pytest.mark.parametrize("case", REAL, ids=_ids)
def test_no_letter_is_lost_or_added(case: Case, request: pytest.FixtureRequest) -> None:
    _mark(case, "letters", request)
    result = _score(case)
    assert (result.letters_lost, result.letters_added) == (0, 0), result


@pytest.mark.parametrize("case", REAL, ids=_ids)
def test_no_wrong_title_without_a_query(case: Case, request: pytest.FixtureRequest) -> None:
    _mark(case, "title", request)
    assert _score(case).title != "wrong"
