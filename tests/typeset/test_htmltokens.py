"""The one tokenizer of the passes over finished HTML strings."""

from bookbuild.typeset.htmltokens import (
    characters,
    classes,
    is_end_tag,
    is_self_closing,
    tag_name,
    text_of,
    tokens,
    units,
)

HTML = '<p class="a b">露朝&amp;<!-- x > y --><br/>関係<span id="n">注</span></p>'


def test_the_tokens_give_the_html_back():
    assert "".join(tokens(HTML)) == HTML
    assert "<!-- x > y -->" in tokens(HTML)  # a comment is one token, whatever it holds


def test_a_character_reference_is_one_character():
    assert characters("露&amp;&#x4e00;朝") == ["露", "&amp;", "&#x4e00;", "朝"]
    assert list(units("<b>朝&lt;</b>")) == ["<b>", "朝", "&lt;", "</b>"]


def test_tags_are_read_by_name_kind_and_class():
    assert tag_name("<P class='x'>") == "p"
    assert tag_name("<!-- p -->") is None
    assert is_end_tag("</span>") and not is_end_tag("<span>")
    assert is_self_closing("<br />") and not is_self_closing("<br>")
    assert classes('<p class="a b">') == {"a", "b"}
    assert classes("<p>") == set()


def test_the_text_leaves_markup_out_and_reads_references():
    assert text_of(HTML) == "露朝&関係注"
