"""Furniture of the web or repository page a text was copied from.

A landing page or an article page wraps the text in things that are not the author's:
`key: value` metadata (タイトル:, 著者:, 巻:, 号:), breadcrumbs and navigation, download
counters and file links, tag and share lines. Each is recognised by its shape alone and,
except for a line that is nothing but a navigation word, only where a site puts it: above
the text's first sentence or below its last one. A removed line is listed with its
evidence; what the metadata says (the title, the authors) is kept as evidence for the
title block, never taken as the title by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import Line
from .text import squeeze_spaces

METADATA_KEYS = (
    "タイトル", "題名", "論文名", "標題", "著者", "著者名", "執筆者", "著者所属", "所属",
    "雑誌名", "誌名", "掲載誌", "収録刊行物", "書名", "シリーズ", "巻", "号", "巻号", "ページ",
    "頁", "開始ページ", "終了ページ", "出版者", "発行者", "出版社", "出版年", "発行年",
    "言語", "本文言語", "資料種別", "資料タイプ", "種別", "NII論文ID", "NCID", "ISSN",
    "ISBN", "DOI", "JaLC DOI", "URL", "URI", "識別子", "権利", "備考", "ファイル",
    "Title", "Author", "Authors", "Journal", "Volume", "Issue", "Pages", "Publisher",
    "Language", "Type", "Rights",
)
METADATA = re.compile(
    r"^(" + "|".join(re.escape(k) for k in sorted(METADATA_KEYS, key=len, reverse=True))
    + r")\s*[:：]\s*(.*)$")
TITLE_KEYS = ("タイトル", "題名", "論文名", "標題", "Title")
AUTHOR_KEYS = ("著者", "著者名", "執筆者", "Author", "Authors")
COUNTER = re.compile(r"^(ダウンロード数|ダウンロード回数|閲覧数|アクセス数|被引用数|引用数"
                     r"|ページビュー|いいね|Downloads?|Views?)\s*[:：]?\s*[0-9０-９,，]+\s*(回|件)?$",
                     re.IGNORECASE)
FILE_LINK = re.compile(r"(PDF|pdf|ファイル|ダウンロード|本文).{0,30}[\[［(（]?\s*[0-9.,]+\s*"
                       r"[KMG]i?B\s*[\]］)）]?$|\.(pdf|PDF|docx?)$")
TAGS = re.compile(r"^(タグ|Tags?|キーワード|Keywords?|カテゴリー?|Category|分類|関連記事"
                  r"|関連リンク)\s*[:：]|^(#\S+[\s\u3000]*){2,}$", re.IGNORECASE)
BREADCRUMB = re.compile(r"^[^。>＞»›≫]{1,30}([ \u3000]*[>＞»›≫][ \u3000]*[^。>＞»›≫]{1,40}){1,8}$")
NAVIGATION_WORDS = frozenset((
    "ホーム", "トップ", "トップページ", "TOP", "HOME", "Home", "メニュー", "MENU", "Menu",
    "検索", "サイト内検索", "サイトマップ", "お問い合わせ", "お問合せ", "English", "日本語",
    "ページの先頭へ", "ページの先頭へ戻る", "ページトップへ", "このページの先頭へ", "先頭へ",
    "前のページ", "次のページ", "前へ", "次へ", "前の記事", "次の記事", "一覧へ戻る",
    "一覧に戻る", "戻る", "印刷", "印刷する", "シェア", "ツイート", "Tweet", "LINEで送る",
    "ログイン", "閉じる", "本文へスキップ", "メインコンテンツへスキップ", "Skip to content",
    "このページを印刷する", "文字サイズ", "PDF", "PDFダウンロード",
))
# Navigation a page repeats between sections, recognised anywhere in the text.
IN_TEXT_NAVIGATION = frozenset(("ページの先頭へ", "ページの先頭へ戻る", "ページトップへ",
                                "このページの先頭へ", "先頭へ戻る"))


@dataclass
class SiteFurniture:
    removed: list[tuple[Line, str]] = field(default_factory=list)  # (line, evidence)
    metadata: dict[str, str] = field(default_factory=dict)  # key → value, first of each

    @property
    def title(self) -> str:
        return next((self.metadata[k] for k in TITLE_KEYS if k in self.metadata), "")

    @property
    def authors(self) -> str:
        return next((self.metadata[k] for k in AUTHOR_KEYS if k in self.metadata), "")


def site_evidence(text: str) -> str:
    """Why a line at a page's edge is site furniture ('' when it is not)."""
    if text in NAVIGATION_WORDS:
        return "site navigation"
    if METADATA.match(text):
        return "repository metadata (key: value)"
    if COUNTER.match(text):
        return "download or view counter"
    if FILE_LINK.search(text) and "。" not in text and len(text) <= 60:
        return "file link"
    if TAGS.match(text):
        return "tag line"
    if BREADCRUMB.match(text):
        return "breadcrumb"
    return ""


def _edges(lines: list[Line]) -> set[int]:
    """Indices above the first line holding a sentence's stop and below the last one."""
    stops = [i for i, line in enumerate(lines) if "。" in line.text]
    if not stops:
        return set(range(len(lines)))
    return set(range(stops[0])) | set(range(stops[-1] + 1, len(lines)))


def find_site_furniture(lines: list[Line]) -> tuple[list[Line], SiteFurniture]:
    """(the lines without the site's furniture, what was removed and what it said)."""
    found = SiteFurniture()
    edges = _edges(lines)
    kept: list[Line] = []
    for index, line in enumerate(lines):
        text = squeeze_spaces(line.text) if line.text else ""
        evidence = site_evidence(text) if text else ""
        if evidence and (index in edges or text in IN_TEXT_NAVIGATION):
            found.removed.append((line, evidence))
            metadata = METADATA.match(text)
            if metadata and metadata.group(2):
                found.metadata.setdefault(metadata.group(1), metadata.group(2).strip())
            continue
        kept.append(line)
    return kept, found
