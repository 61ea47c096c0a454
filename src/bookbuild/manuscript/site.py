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
from .text import squeeze_spaces, width

METADATA_KEYS = (
    "タイトル", "題名", "論文名", "標題", "サブタイトル", "副題", "著者", "著者名", "執筆者",
    "著者所属", "所属", "発行日", "公開日", "出版日", "キーワード", "抄録", "要旨", "概要",
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
SUBTITLE_KEYS = ("サブタイトル", "副題")
AUTHOR_KEYS = ("著者", "著者名", "執筆者", "Author", "Authors")
COUNTER = re.compile(r"^(ダウンロード数|ダウンロード回数|閲覧数|アクセス数|被引用数|引用数"
                     r"|ページビュー|いいね|Downloads?|Views?)\s*[:：]?\s*[0-9０-９,，]+\s*(回|件)?$",
                     re.IGNORECASE)
FILE_LINK = re.compile(r"(PDF|pdf|ファイル|ダウンロード|本文).{0,30}[\[［(（]?\s*[0-9.,]+\s*"
                       r"[KMG]i?B\s*[\]］)）]?$|\.(pdf|PDF|docx?)$")
TAGS = re.compile(r"^(タグ|Tags?|キーワード|Keywords?|カテゴリー?|Category|分類|関連記事"
                  r"|関連リンク)\s*[:：]|^(#[^\s#]+[\s\u3000]*){2,}$", re.IGNORECASE)
BREADCRUMB = re.compile(r"^[^。>＞»›≫]{1,30}([ \u3000]*[>＞»›≫][ \u3000]*[^。>＞»›≫]{1,40}){1,8}$")
NAVIGATION_WORDS = frozenset((
    "ホーム", "トップ", "トップページ", "TOP", "HOME", "Home", "メニュー", "MENU", "Menu",
    "検索", "サイト内検索", "サイトマップ", "お問い合わせ", "お問合せ", "English", "日本語",
    "ページの先頭へ", "ページの先頭へ戻る", "ページトップへ", "このページの先頭へ", "先頭へ",
    "前のページ", "次のページ", "前へ", "次へ", "前の記事", "次の記事", "一覧へ戻る",
    "一覧に戻る", "戻る", "印刷", "印刷する", "シェア", "ツイート", "Tweet", "LINEで送る",
    "ログイン", "閉じる", "本文へスキップ", "メインコンテンツへスキップ", "Skip to content",
    "このページを印刷する", "文字サイズ", "PDF", "PDFダウンロード", "関連記事", "関連リンク",
    "おすすめ記事", "人気記事", "新着記事", "関連コンテンツ",
))
MIN_COVER_PAIRS = 3
WRAPPED_ON = "のはがをにへでとやもか、。）」』"  # no line of its own starts so
WRAP_WIDTH = 60  # half-width units: a line this long may have been wrapped by the dump
REPOSITORY_NAME = re.compile(r"(リポジトリ|リポジトリー|Repository|レポジトリ)$", re.IGNORECASE)
MENU_ITEM_MAX = 12  # characters: 研究所について, お問い合わせ
BULLETED_ITEM_MAX = 40  # a bulleted link: the title of a related article
MIN_MENU_ITEMS = 3
# Navigation a page repeats between sections, recognised anywhere in the text.
IN_TEXT_NAVIGATION = frozenset(("ページの先頭へ", "ページの先頭へ戻る", "ページトップへ",
                                "このページの先頭へ", "先頭へ戻る"))


@dataclass
class SiteFurniture:
    removed: list[tuple[Line, str]] = field(default_factory=list)  # (line, evidence)
    metadata: dict[str, str] = field(default_factory=dict)  # key → value, first of each
    key_lines: dict[str, Line] = field(default_factory=dict)  # key → its `key: value` line
    value_lines: dict[str, Line] = field(default_factory=dict)  # key → the line under `key:`

    @property
    def title(self) -> str:
        """The title the page's metadata (or its title bar) names, as evidence."""
        return next((self.metadata[k] for k in (*TITLE_KEYS, "page title")
                     if k in self.metadata), "")

    def given(self, keys: tuple[str, ...]) -> tuple[str, str]:
        """(key, value) of the first of `keys` the metadata gives, else ('', '')."""
        return next(((k, self.metadata[k]) for k in keys if k in self.metadata), ("", ""))

    @property
    def authors(self) -> str:
        return next((self.metadata[k] for k in AUTHOR_KEYS if k in self.metadata), "")


BULLET = re.compile(r"^(?:[•・●○■□◆◇▶▸►‣∙][ \u3000]*|[*+\-–][ \u3000]+)")
# html2text writes links and images as Markdown: [text](url), [![alt](src)](url).
MARKDOWN_LINK = re.compile(r"^(\[!?\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!?\[[^\]]*\]\([^)]*\))$")
PAGE_TITLE = re.compile(r"^(.+?)[ \u3000]*[|｜][ \u3000]*(.+)$")
COPYRIGHT = re.compile(r"(©|\(c\)|Copyright|All Rights Reserved|無断転載)", re.IGNORECASE)
IMAGE_ALT = re.compile(r"(ロゴ|画像|写真|イメージ|アイコン|バナー|サムネイル|logo)$"
                       r"|^(画像|写真|図)[:：]|[（(][^（）()]*撮影[^（）()]*[）)]$", re.IGNORECASE)
SHARE = re.compile(r"(で|に)(シェア|共有|送る|ツイート)(する)?$"
                   r"|^(Facebook|Twitter|X|LINE|はてな|Pocket|note)$", re.IGNORECASE)
# A label a repository or article page sets above the text (本文, 概要, 抄録 as a tab).
PAGE_LABELS = frozenset(("本文", "本文を読む", "全文", "詳細", "概要", "書誌情報", "関連情報",
                         "ファイル", "Abstract", "Full text"))


def site_evidence(text: str) -> str:
    """Why a line at a page's edge is site furniture ('' when it is not)."""
    text = BULLET.sub("", text)
    if text in NAVIGATION_WORDS:
        return "site navigation"
    if MARKDOWN_LINK.match(text):
        return "link (Markdown)"
    if COPYRIGHT.search(text) and "。" not in text and len(text) <= 80:
        return "copyright line"
    if SHARE.search(text) and len(text) <= 30:
        return "share link"
    if text in PAGE_LABELS:
        return "page label"
    if REPOSITORY_NAME.search(text) and len(text) <= 40:
        return "repository name"
    if IMAGE_ALT.search(text) and "。" not in text and len(text) <= 40:
        return "image alt text or caption"
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


def _menu_runs(lines: list[Line], edges: set[int]) -> set[int]:
    """Indices of navigation menus: three or more short lines in a row at the page's edge
    (blank lines aside), one of them a navigation word (ホーム), none a sentence's piece."""
    found: set[int] = set()
    run: list[int] = []
    for index in [*sorted(edges), -1]:
        line = lines[index] if index >= 0 else None
        if line is not None and line.blank:
            continue
        text = squeeze_spaces(BULLET.sub("", line.text)) if line is not None else ""
        limit = BULLETED_ITEM_MAX if line is not None and BULLET.match(line.text) else MENU_ITEM_MAX
        if line is not None and (not run or index == _next_filled(lines, run[-1])) and (
                0 < len(text) <= limit and not any(c in text for c in "、。")):
            run.append(index)
            continue
        if len(run) >= MIN_MENU_ITEMS and any(
                squeeze_spaces(BULLET.sub("", lines[i].text)) in NAVIGATION_WORDS for i in run):
            found.update(run)
        run = [index] if line is not None and 0 < len(text) <= MENU_ITEM_MAX and not any(
            c in text for c in "、。") else []
    return found


def _next_filled(lines: list[Line], index: int) -> int:
    return next((i for i in range(index + 1, len(lines)) if not lines[i].blank), len(lines))


def _cover_sheet(lines: list[Line], edges: set[int]) -> dict[int, str]:
    """A repository's cover sheet set as a table: a key alone on its line (タイトル, 著者,
    雑誌名) and its value on the next. {index: key} of the keys and values, when the top
    holds at least MIN_COVER_PAIRS of them."""
    filled = [i for i in sorted(edges) if not lines[i].blank and i < _first(lines)]
    pairs: dict[int, str] = {}
    keys = 0
    for position, here in enumerate(filled):
        key = squeeze_spaces(lines[here].text)
        if key not in METADATA_KEYS:
            continue
        keys += 1
        pairs[here] = key
        # its value: the next line, and the one after it where the next key follows that
        # (a long title wrapped); the last key's value is one line
        value = filled[position + 1:position + 4]
        texts = [squeeze_spaces(lines[i].text) for i in value]
        if texts and texts[0] not in METADATA_KEYS:
            pairs[value[0]] = key
            if len(texts) == 3 and texts[1] not in METADATA_KEYS and texts[2] in METADATA_KEYS:
                pairs[value[1]] = key
    return pairs if keys >= MIN_COVER_PAIRS else {}


def find_site_furniture(lines: list[Line]) -> tuple[list[Line], SiteFurniture]:
    """(the lines without the site's furniture, what was removed and what it said)."""
    found = SiteFurniture()
    edges = _edges(lines)
    menus = _menu_runs(lines, edges)
    cover = _cover_sheet(lines, edges)
    # One `key: value` line alone (著者：山田太郎 under a title) is a credit, not a record.
    record = sum(1 for i in edges
                 if METADATA.match(squeeze_spaces(BULLET.sub("", lines[i].text)))) >= 2
    kept: list[Line] = []
    waiting_key = ""  # `タイトル:` alone: its value is the next line
    for index, line in enumerate(lines):
        text = squeeze_spaces(BULLET.sub("", line.text)) if line.text else ""
        if waiting_key and text:
            found.metadata.setdefault(waiting_key, text)
            found.value_lines[waiting_key] = line
            waiting_key = ""
        evidence = site_evidence(text) if text else ""
        if evidence.startswith("repository metadata") and not record:
            evidence = ""
        if index in menus and not evidence:
            evidence = "navigation menu"
        if index in cover:
            evidence = "repository cover sheet (key, value)"
            if squeeze_spaces(line.text) != cover[index]:
                found.metadata.setdefault(cover[index], squeeze_spaces(line.text))
        page_title = PAGE_TITLE.match(text) if index in edges and index < _first(lines) else None
        if page_title and not evidence and "。" not in text:
            evidence = "page title (the browser's title bar)"
            found.metadata.setdefault("page title", page_title.group(1).strip())
        wrapped = (index and found.removed and found.removed[-1][0] is lines[index - 1]
                   and width(lines[index - 1].text) >= WRAP_WIDTH and text[:1] in WRAPPED_ON)
        if wrapped and not evidence:  # a breadcrumb wrapped by the dump: `…両国` / `の温度差`
            evidence = found.removed[-1][1] + " (its wrapped end)"
        if evidence and (index in edges or text in IN_TEXT_NAVIGATION):
            found.removed.append((line, evidence))
            metadata = METADATA.match(text)
            if metadata and metadata.group(2):
                found.metadata.setdefault(metadata.group(1), metadata.group(2).strip())
                found.key_lines[metadata.group(1)] = line
            elif metadata:
                waiting_key = metadata.group(1)
            continue
        kept.append(line)
    return kept, found


def _first(lines: list[Line]) -> int:
    """Index of the first line holding a sentence's stop (the text's start, roughly)."""
    return next((i for i, line in enumerate(lines) if "。" in line.text), len(lines))


MARKDOWN_HEADING = re.compile(r"^(#{1,6})[ \u3000]+(\S.*)$")
MIN_MARKDOWN_HEADINGS = 2


def markdown_headings(lines: list[Line]) -> tuple[list[Line], dict[int, int], str]:
    """A page converted to Markdown (html2text) marks its headings `## …`: (the lines
    without the marks, {line: level} for the headings, the text of the one `# …`, which
    names the title). Fewer than two such lines: a `#` is the author's and stays."""
    marked = [(line, m) for line in lines if (m := MARKDOWN_HEADING.match(line.text))]
    if len(marked) < MIN_MARKDOWN_HEADINGS:
        return lines, {}, ""
    levels = {line.no: len(m.group(1)) for line, m in marked}
    title = next((m.group(2) for _, m in marked if len(m.group(1)) == 1), "")
    out = [Line(line.no, MARKDOWN_HEADING.sub(r"\2", line.text), line.page)
           if line.no in levels else line for line in lines]
    return out, {no: level for no, level in levels.items() if level > 1}, title
