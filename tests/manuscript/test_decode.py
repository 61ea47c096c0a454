"""Encodings and line ends: the same manuscript gives the same bytes of Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bookbuild.errors import BookError
from bookbuild.manuscript import normalise
from bookbuild.manuscript.decode import decode
from bookbuild.manuscript.fixes import load_fixes

from .conftest import SOURCES, source_path

LEGACY = ("cp932", "shift_jis", "euc_jp", "euc_jis_2004")


def _variants(text: str) -> dict[str, bytes]:
    variants = {
        "utf-8-bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "tabs": re.sub(r"(?m)^ +", "\t", text).encode("utf-8"),
        "bom-crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
    }
    for encoding in LEGACY:
        try:
            encoded = text.encode(encoding)
        except UnicodeEncodeError:
            continue  # the manuscript holds a character this encoding cannot hold
        if encoded.decode(encoding) == text:
            variants[encoding] = encoded
            variants[encoding + "-crlf"] = text.replace("\n", "\r\n").encode(encoding)
    return variants


def test_every_representable_encoding_gives_identical_markdown(source: Path) -> None:
    raw = source.read_bytes()
    reference = normalise(raw, source.name).markdown
    for name, variant in _variants(raw.decode("utf-8")).items():
        assert normalise(variant, source.name).markdown == reference, name


def test_legacy_encodings_are_exercised_on_real_manuscripts() -> None:
    """Guard for the test above: at least these manuscripts exist in a legacy encoding."""
    covered = {(p.name[:3], name) for p in SOURCES
               for name in _variants(p.read_text(encoding="utf-8")) if name in LEGACY}
    assert {("002", "cp932"), ("002", "euc_jis_2004"), ("001", "euc_jis_2004")} <= covered


SAMPLE = ("第 7章　ロシアの対北朝鮮認識\n\n兵頭　慎治\n\n"
          "はじめに\n核実験は 2016年 9月で 5回に及ぶ 1。\n")


@pytest.mark.parametrize("encoding", ["cp932", "shift_jis", "euc_jp", "utf-8"])
def test_plain_japanese_is_decoded_in_each_encoding(encoding: str) -> None:
    decoded = decode(SAMPLE.encode(encoding), "sample.txt")
    assert decoded.text == SAMPLE


def test_undecodable_input_names_the_byte_offset() -> None:
    good = "はじめに\n本文".encode()
    raw = good + b"\xff\xff\xff" + "続き".encode()
    with pytest.raises(BookError) as error:
        decode(raw, "broken.txt")
    message = error.value.message
    assert "broken.txt" in message
    assert f"byte {len(good)} (0xff)" in message


def test_offset_counts_the_bom() -> None:
    raw = b"\xef\xbb\xbf" + "本文".encode() + b"\xff\xff\xff"
    with pytest.raises(BookError, match=r"byte 9 \(0xff\)"):
        decode(raw, "bom.txt")


@pytest.mark.parametrize("prefix", ["000", "002", "004"])
@pytest.mark.parametrize("suffix", [" \t", "  ", "\t"])
def test_whitespace_ending_every_line_changes_nothing(prefix: str, suffix: str) -> None:
    """Uniform trailing whitespace carries no information (004's own trailing spaces,
    which mark paragraph ends on some lines only, still do)."""
    source = source_path(prefix)
    raw = source.read_bytes()
    padded = b"\n".join(line + suffix.encode() for line in raw.split(b"\n"))
    fixes = load_fixes(source)
    assert (normalise(padded, source.name, fixes).markdown
            == normalise(raw, source.name, fixes).markdown)


def test_a_shift_jis_copy_whose_minus_signs_come_back_full_width_loses_no_page_number() -> None:
    """CP932 reads back − (U+2212) as － (U+FF0D): 001's footer `− 17 −` must still be a
    page number, and the body must not change."""
    source = source_path("001")
    raw = source.read_bytes()
    legacy = raw.decode("utf-8").encode("cp932")
    assert "－ 17 －" in legacy.decode("cp932")
    before, after = normalise(raw, source.name), normalise(legacy, source.name)
    # The text's own − (1950−60年代) comes back as － too: that is the encoding's doing.
    body = lambda markdown: markdown.split("\n---\n", 1)[1].replace("－", "−")  # noqa: E731
    assert body(after.markdown) == body(before.markdown)
    assert after.report.page_numbers == before.report.page_numbers
