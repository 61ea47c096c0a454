import re
from dataclasses import MISSING, replace
from pathlib import Path

import pytest
import yaml

from bookbuild.errors import BookError
from bookbuild.model.config import Handout, PageGeometry, declared_settings, parse_config


def make_root(tmp_path: Path, *ids: str) -> Path:
    (tmp_path / "chapters").mkdir()
    for chapter_id in ids:
        (tmp_path / "chapters" / f"{chapter_id}.md").write_text("---\ntitle: x\n---\n")
    return tmp_path


def test_valid_config_is_typed(tmp_path):
    root = make_root(tmp_path, "a", "b")
    text = "title: 本\nchapters: [a, b]\npage:\n  bleed_mm: 0\n  crop_marks: false\n"
    config = parse_config(text, root / "book.yaml", root)
    assert config.chapters == ("a", "b")
    assert config.page.bleed_mm == 0.0 and config.page.crop_marks is False
    assert config.page.width_mm == 148.0


def test_every_problem_is_reported_with_line_and_column(tmp_path):
    root = make_root(tmp_path, "a")
    text = "title: 本\nchapters:\n  - a\n  - a\n  - nope\npage:\n  bleed_mm: wide\ncolour: red\n"
    with pytest.raises(BookError) as caught:
        parse_config(text, root / "book.yaml", root)
    message = caught.value.message
    assert "book.yaml:4:5: error: chapters[1]: chapter id 'a' is listed twice" in message
    assert "book.yaml:5:5: error: chapters[2]: unknown chapter id 'nope'" in message
    assert "book.yaml:7:3: error: page.bleed_mm: expected a number" in message
    assert "book.yaml:8:1: error: colour: unknown setting" in message


def test_malformed_yaml_names_the_line(tmp_path):
    with pytest.raises(BookError) as caught:
        parse_config("title: 本\n  chapters: [a\n", tmp_path / "book.yaml", tmp_path)
    assert "book.yaml:2:" in caught.value.message


def test_the_proofs_minimum_last_line_is_typed_and_checked(tmp_path):
    root = make_root(tmp_path, "a")
    config = parse_config("title: 本\nchapters: [a]\n", root / "book.yaml", root)
    assert config.proof.min_last_line == 3 and config.proof.fix_short_last_lines is True
    config = parse_config("title: 本\nchapters: [a]\nproof:\n  min_last_line: 4\n"
                          "  fix_short_last_lines: false\n", root / "book.yaml", root)
    assert config.proof.min_last_line == 4 and config.proof.fix_short_last_lines is False
    for bad in ("0", "2.5", "three", "true"):
        with pytest.raises(BookError) as caught:
            parse_config(f"title: 本\nchapters: [a]\nproof:\n  min_last_line: {bad}\n",
                         root / "book.yaml", root)
        assert "book.yaml:4:3: error: proof.min_last_line: expected a whole number > 0" \
            in caught.value.message


def test_the_skeleton_shows_every_proof_setting():
    from dataclasses import fields

    from bookbuild.model.config import Proof
    from bookbuild.new import SKELETON

    text = (SKELETON / "book.yaml").read_text(encoding="utf-8")
    for field in fields(Proof):
        assert f"#   {field.name}: " in text, field.name


# ── each key declared once: the skeleton and README follow the declaration ──────────────

# A commented-out setting of the skeleton: `# key: value` or a list item, indented by two.
COMMENTED_SETTING = re.compile(r"^# ((?:  )*)([A-Za-z_]+:(?: .*)?|- .*)$")
README = Path(__file__).resolve().parents[2] / "README.md"


def skeleton_uncommented() -> str:
    """The skeleton book.yaml with every setting uncommented (the prose comments dropped)."""
    from bookbuild.new import SKELETON

    lines = []
    for line in (SKELETON / "book.yaml").read_text(encoding="utf-8").splitlines():
        setting = COMMENTED_SETTING.match(line)
        if setting:
            lines.append(setting[1] + setting[2])
        elif not line.startswith("#") and line.strip():
            lines.append(line.replace("{title}", "本"))
    return "\n".join(lines) + "\n"


def key_paths(data: dict, prefix: str = "") -> dict[str, object]:
    """Each key path of nested mappings → its value (a section's path → its mapping too)."""
    found: dict[str, object] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        found[path] = value
        if isinstance(value, dict):
            found.update(key_paths(value, path))
    return found


def test_every_declared_key_has_a_one_line_doc():
    for declared in declared_settings():
        assert declared.doc and "\n" not in declared.doc.strip(), declared.key


def test_the_skeleton_shows_every_declared_key_and_nothing_else():
    shown = set(key_paths(yaml.safe_load(skeleton_uncommented())))
    declared = {d.key for d in declared_settings()}
    assert shown - declared == set(), "in the skeleton, not declared"
    assert declared - shown == set(), "declared, not in the skeleton"


def test_the_skeleton_shows_each_default_and_reads_back_valid(tmp_path):
    root = make_root(tmp_path, "000-first-essay")
    text = skeleton_uncommented()
    shown = key_paths(yaml.safe_load(text))
    for declared in declared_settings():
        if declared.is_section or not declared.default or declared.default is MISSING:
            continue  # an empty default is shown by an example (editors, chapters …)
        value = shown[declared.key]
        expected = declared.default
        if isinstance(expected, tuple):
            value = tuple(value)
        assert value == expected, declared.key
    config = parse_config(text, root / "book.yaml", root)  # every key checks its own value
    assert config.page == PageGeometry() and config.handout == Handout()


def test_readme_documents_every_declared_key_and_nothing_else():
    text = README.read_text(encoding="utf-8")
    table = text.split("## book.yaml", 1)[1].split("\n\n", 2)[1]
    named: set[str] = set()
    for row in table.splitlines()[2:]:
        named.update(re.findall(r"`([a-z_]+(?:\.[a-z_*]+)?)`", row.split("|")[1]))
    declared = {d.key for d in declared_settings() if not d.is_section}
    sections = {d.key for d in declared_settings() if d.is_section}
    wildcard = {n[:-2] for n in named if n.endswith(".*")}
    assert wildcard <= sections
    covered = {k for k in declared if k.split(".")[0] in wildcard}
    explicit = {n for n in named if not n.endswith(".*")}
    assert explicit - declared == set(), "in README's table, not declared"
    assert declared - explicit - covered == set(), "declared, not in README's table"


def test_a_wrong_value_is_named_by_its_declared_check(tmp_path):
    root = make_root(tmp_path, "a")
    text = ("title: 本\nchapters: [a]\ndate: 昨日\ncolophon: [印刷所]\nfonts:\n  directories: x\n"
            "epub:\n  vertical: yes please\n  colour: red\n")
    with pytest.raises(BookError) as caught:
        parse_config(text, root / "book.yaml", root)
    said = [str(replace(d, path="book.yaml")) for d in caught.value.diagnostics]
    assert said == [
        "book.yaml:3:1: error: date: expected an ISO date YYYY-MM-DD, got '昨日'",
        "book.yaml:4:1: error: colophon: expected a list of 'label: value' lines",
        "book.yaml:6:3: error: fonts.directories: expected a list of text items ('- item' "
        "lines)",
        "book.yaml:8:3: error: epub.vertical: expected true or false",
        "book.yaml:9:3: error: epub.colour: unknown setting; known: vertical, title_reading, "
        "identifier",
    ]
