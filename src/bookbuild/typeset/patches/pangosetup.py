"""A patch of WeasyPrint 70's text layout for speed: what every Pango layout is set up with,
made once per font configuration instead of once per layout. Nothing it sets changes.

WeasyPrint makes a Pango layout for every piece of text it measures: each text box of each
line, at least once, and again when the line is justified (2,000 to 4,000 layouts for a
chapter of eleven pages). `Layout.setup` (`text/line_break.py`) made each one from scratch:
a new Pango context (font map, base direction, language), a new font description from the
style's font properties, the OpenType features string from the style's font-variant
properties. Measured on chapter 002 (11 pages, 2,544 set-ups in a render of 1.47 s of CPU):
0.089 s of set-up, 0.039 s with this cache, 3.4 % of the render saved
(benchmarks/PROFILE-chapters.md). `install()` replaces `Layout.setup` with the same steps,
taking from a cache kept on the document's FontConfiguration:

* the Pango context, by (direction, language): a context only holds those settings and the
  font map, and a layout keeps a reference to the context it was made with; nothing in
  WeasyPrint changes a context once a layout has it;
* the font description, by the properties `get_font_description` reads: Pango copies the
  description into the layout (`pango_layout_set_font_description`), so one description
  serves every layout;
* the features string, by the properties `font_features` reads.

The layout itself, its attribute list (the justification patch changes a layout's own list)
and the text-decoration metrics are still made per layout. A font face added to the
configuration (`@font-face`) empties its cache: contexts made before it are not reused.

Pinned like the other patches: `install()` refuses a WeasyPrint whose `Layout.setup`,
`get_font_description` or `font_features` differ from the ones this was written against.
"""

from __future__ import annotations

from typing import Any

from bookbuild.typeset.patches.guard import require_tested

EXPECTED_SOURCES = {
    "text.line_break.Layout.setup": "fb227a55094f41d4",
    "text.fonts.get_font_description": "85734b8947b9bf64",
    "text.fonts.font_features": "e35741064c068852",
    "text.fonts.FontConfiguration.add_font_face": "e4fcfcc36ed8c310",
}

# Where the caches live on a FontConfiguration (one per rendered document).
_CACHE = "_bookbuild_pango_setup"
# The style properties get_font_description and font_features read, in their order.
_DESCRIPTION_KEYS = ("font_family", "font_style", "font_stretch", "font_weight", "font_size",
                     "font_variant_caps", "font_variation_settings")
_FEATURE_KEYS = ("font_kerning", "font_variant_ligatures", "font_variant_position",
                 "font_variant_caps", "font_variant_numeric", "font_variant_alternates",
                 "font_variant_east_asian", "font_feature_settings")

_MISSING = object()
_installed = False


def installed() -> bool:
    return _installed


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint.text import fonts, line_break

    require_tested("pangosetup", EXPECTED_SOURCES)
    original_setup = line_break.Layout.setup
    original_add_font_face = fonts.FontConfiguration.add_font_face

    def setup(self, style):
        _setup(self, style, line_break, fonts)

    def add_font_face(self, rule_descriptors, url_fetcher):
        self.__dict__.pop(_CACHE, None)  # the font map changes: set layouts up afresh
        return original_add_font_face(self, rule_descriptors, url_fetcher)

    setup.__wrapped_original__ = original_setup  # type: ignore[attr-defined]
    add_font_face.__wrapped_original__ = original_add_font_face  # type: ignore[attr-defined]
    line_break.Layout.setup = setup
    fonts.FontConfiguration.add_font_face = add_font_face
    _installed = True


def _caches(font_config) -> dict[str, dict]:
    caches = font_config.__dict__.get(_CACHE)
    if caches is None:
        caches = font_config.__dict__[_CACHE] = {"context": {}, "description": {},
                                                  "features": {}}
    return caches


def _cached(cache: dict, key: Any, make):
    """`cache[key]`, made by `make()` the first time; made every time if `key` cannot be
    hashed (a computed value that is a list)."""
    try:
        found = cache.get(key, _MISSING)
    except TypeError:
        return make()
    if found is _MISSING:
        found = cache[key] = make()
    return found


def _setup(layout, style, line_break, fonts) -> None:
    """WeasyPrint 70's `Layout.setup`, step for step, with the cached parts (module doc)."""
    ffi, pango, gobject = line_break.ffi, line_break.pango, line_break.gobject
    layout.style = style
    layout.first_line_direction = 0

    if style["font_language_override"] != "normal":
        lang = line_break.LST_TO_ISO.get(style["font_language_override"].lower(),
                                         style["font_language_override"])
    elif style["lang"]:
        lang = style["lang"]
    else:
        lang = None
    caches = _caches(style.font_config)

    def make_context():
        pango_context = ffi.gc(pango.pango_font_map_create_context(style.font_config.font_map),
                               gobject.g_object_unref)
        pango.pango_context_set_round_glyph_positions(pango_context, False)
        pango.pango_context_set_base_dir(pango_context,
                                         line_break.PANGO_DIRECTION[style["direction"]])
        if lang:
            lang_p, _ = line_break.unicode_to_char_p(lang)
            language = pango.pango_language_from_string(lang_p)
            pango.pango_context_set_language(pango_context, language)
        else:
            language = pango.pango_language_get_default()
        return pango_context, language

    pango_context, layout.language = _cached(caches["context"], (style["direction"], lang),
                                             make_context)
    font_description = _cached(caches["description"],
                               tuple(style[key] for key in _DESCRIPTION_KEYS),
                               lambda: fonts.get_font_description(style))
    layout.layout = ffi.gc(pango.pango_layout_new(pango_context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(layout.layout, False)
    pango.pango_layout_set_font_description(layout.layout, font_description)

    if style["text_decoration_line"] != "none":
        metrics = ffi.gc(pango.pango_context_get_metrics(pango_context, font_description,
                                                         layout.language),
                         pango.pango_font_metrics_unref)
        layout.ascent = line_break.FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics)
        layout.underline_position = line_break.FROM_UNITS * (
            pango.pango_font_metrics_get_underline_position(metrics))
        layout.strikethrough_position = line_break.FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_position(metrics))
        layout.underline_thickness = line_break.FROM_UNITS * (
            pango.pango_font_metrics_get_underline_thickness(metrics))
        layout.strikethrough_thickness = line_break.FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_thickness(metrics))
    else:
        layout.ascent = None
        layout.underline_position = None
        layout.strikethrough_position = None

    values = tuple(style[key] for key in _FEATURE_KEYS)
    features = _cached(caches["features"], values, lambda: _features_string(fonts, values))
    if features:
        cached_attrs = style.font_config.font_features
        attr = cached_attrs.get(features)
        if attr is None:  # WeasyPrint's own cache of feature attributes, as it fills it
            attr = cached_attrs[features] = pango.pango_attr_font_features_new(features)
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(layout.layout, attr_list)


def _features_string(fonts, values: tuple) -> bytes:
    """`font_features(...)` joined as `Layout.setup` passes it to Pango; b"" for none."""
    features = fonts.font_features(*values)
    return ",".join(f"{key} {value}" for key, value in features.items()).encode()
