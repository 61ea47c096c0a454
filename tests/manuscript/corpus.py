"""The normaliser's test corpus: chapters we control, laid out again as other extractions
would give them, and the score of the normaliser on each.

A `Doc` is read from a committed chapter (its front-matter and body): the ground truth. The
renderers below turn it into raw text in one layout family each (hard-wrapped with a notes
section, indented with blank lines, one paragraph per line with footnotes left where pages
ended, a report with trailing spaces, printed pages with page-foot notes and form feeds, a
web page whose opening is flattened onto one line). `scripts/make_corpus.py` writes them to
`tests/corpus/` with the PDF extractions; `score` compares a normalised chapter with its
truth; `scripts/normalise_corpus.py` prints the table.

Tables and their captions are left out of the synthetic layouts (their own tests cover
them); everything else of the chapter is laid out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
CALL = re.compile(r"\[\^([^\]]+)\]")
DEFINITION = re.compile(r"^\[\^([^\]]+)\]: ?(.*)$")


@dataclass
class Doc:
    title: str
    subtitle: str = ""
    label: str = ""
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    blocks: list[list] = field(default_factory=list)  # [kind, level, text]; kind h|p|q
    notes: list[list[str]] = field(default_factory=list)  # [label, text]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Doc:
        return cls(**json.loads(text))


def _name(person: object) -> str:
    return person["name"] if isinstance(person, dict) else str(person)


def read_chapter(markdown: str) -> Doc:
    """A chapter file (front-matter + body) as a `Doc`; tables and captions are skipped."""
    _, front, body = markdown.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    doc = Doc(title=str(meta.get("title", "")), subtitle=str(meta.get("subtitle", "")),
              label=str((meta.get("source") or {}).get("label", "")),
              authors=[_name(p) for p in meta.get("authors") or []],
              translators=[_name(p) for p in meta.get("translators") or []])
    for chunk in body.strip("\n").split("\n\n"):
        lines = chunk.split("\n")
        if all(DEFINITION.match(line) for line in lines):
            doc.notes += [list(DEFINITION.match(line).groups()) for line in lines]
        elif chunk.startswith("|") or lines[-1].startswith("{:"):
            continue  # a table or its caption
        elif chunk.startswith("#"):
            hashes, _, text = chunk.partition(" ")
            doc.blocks.append(["h", len(hashes), text])
        elif chunk.startswith("> "):
            doc.blocks.append(["q", 0, chunk[2:]])
        else:
            doc.blocks.append(["p", 0, re.sub(r"^(\d+)\\([.)])", r"\1\2", chunk)])
    return doc


# --- scoring -------------------------------------------------------------------------------

def letters(text: str) -> str:
    """Letters and digits (after NFKC), the note calls' markup removed."""
    text = unicodedata.normalize("NFKC", CALL.sub("", text))
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _diff(a: str, b: str) -> tuple[int, int]:
    """(letters of `a` missing from `b`, letters of `b` not in `a`)."""
    if a == b:
        return 0, 0
    lost = added = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            lost += i2 - i1
        if tag in ("insert", "replace"):
            added += j2 - j1
    return lost, added


def _calls(doc: Doc) -> dict[str, str]:
    """Each call's label → the 8 letters of running text before it."""
    out: dict[str, str] = {}
    seen = ""
    for _, _, text in doc.blocks:
        position = 0
        for match in CALL.finditer(text):
            seen += letters(text[position:match.start()])
            position = match.end()
            out.setdefault(match.group(1), seen[-8:])
        seen += letters(text[position:])
    return out


def _block_key(block: list) -> str:
    return re.sub(r"\s+", "", block[2]) if block[0] == "h" else block[2]


@dataclass
class Score:
    letters_lost: int
    letters_added: int
    notes_ok: int
    notes: int
    title_ok: bool
    paragraphs_exact: int
    paragraphs: int

    @property
    def whole(self) -> bool:
        return (not self.letters_lost and not self.letters_added and self.notes_ok == self.notes
                and self.title_ok and self.paragraphs_exact >= 0.95 * self.paragraphs)


def _names(names: list[str]) -> list[str]:
    return [re.sub(r"[\s\u3000]+", "", n) for n in names]


def score(truth: Doc, markdown: str) -> Score:
    got = read_chapter(markdown)
    running = _diff("".join(letters(b[2]) for b in truth.blocks),
                    "".join(letters(b[2]) for b in got.blocks))
    in_notes = _diff("".join(letters(t) for _, t in truth.notes),
                     "".join(letters(t) for _, t in got.notes))
    got_texts = {label: letters(text) for label, text in got.notes}
    got_calls = _calls(got)
    want_calls = _calls(truth)
    notes_ok = sum(1 for label, text in truth.notes
                   if got_texts.get(label) == letters(text)
                   and label in got_calls and got_calls[label] == want_calls.get(label))
    title_ok = (truth.title == got.title and truth.subtitle == got.subtitle
                and _names(truth.authors) == _names(got.authors)
                and _names(truth.translators) == _names(got.translators))
    want = Counter(_block_key(b) for b in truth.blocks)
    have = Counter(_block_key(b) for b in got.blocks)
    exact = sum((want & have).values())
    return Score(running[0] + in_notes[0], running[1] + in_notes[1], notes_ok,
                 len(truth.notes), title_ok, exact, len(truth.blocks))


# --- the corpus on disk --------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    family: str
    name: str
    raw: Path
    truth: Path

    def doc(self) -> Doc:
        return Doc.from_json(self.truth.read_text(encoding="utf-8"))


def cases() -> list[Case]:
    found = []
    for raw in sorted(CORPUS.glob("*/*.txt")):
        truth = raw.with_suffix(".truth.json")
        if not truth.exists():
            truth = raw.parent / (raw.name.split(".")[0] + ".truth.json")
        found.append(Case(raw.parent.name, raw.stem, raw, truth))
    return found
