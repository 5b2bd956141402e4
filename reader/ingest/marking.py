"""Mark, never delete: repeated blocks and site chrome are flagged on the passages.

The reader still shows everything; search and analysis can leave flagged passages out.
The rules are about the shape of lines (length, script, position, common UI words),
not about any particular site.
"""
from __future__ import annotations

import re
from collections import Counter

from reader.ingest.model import JAPANESE, KOREAN, OTHER, Passage
from reader.ingest.passages import LanguageLetters, language_letters

# --- Duplicates ------------------------------------------------------------------------

_LONG_REPEAT_CHARS = 80      # a repeated paragraph this long is a copy, not a coincidence
_MIN_RUN_CHARS = 20          # two repeated speaker labels ("ミミ", "ギン") are not a copied block
_HEADING_ECHO_WINDOW = 6     # a headline printed twice at the top of a page


def mark_passages(text: str, passages: list[Passage], letters: list[LanguageLetters] | None = None) -> None:
    """Flag duplicates and boilerplate in place. `letters` as from split_passages (else counted)."""
    mark_duplicates(text, passages)
    mark_boilerplate(text, passages, letters)


def mark_duplicates(text: str, passages: list[Passage]) -> None:
    """Set duplicate_of on passages that repeat earlier ones as part of a copied block."""
    normalised = [" ".join(text[p.start:p.end].split()) for p in passages]
    first_seen: dict[str, int] = {}
    earlier: list[int | None] = []
    for index, key in enumerate(normalised):
        original = first_seen.setdefault(key, index)
        earlier.append(original if original != index else None)

    def repeats_pair(first: int, second: int) -> bool:
        """Passages first, first+1 repeat an earlier pair of consecutive passages."""
        if first < 0 or second >= len(passages):
            return False
        source, second_source = earlier[first], earlier[second]
        if source is None or second_source is None:
            return False
        source_next = source + 1
        return (source_next < second and normalised[source_next] == normalised[second]
                and len(normalised[first]) + len(normalised[second]) >= _MIN_RUN_CHARS)

    for index, first_index in enumerate(earlier):
        if first_index is None:
            continue
        heading_echo = index < _HEADING_ECHO_WINDOW and first_index < 3
        if (len(normalised[index]) >= _LONG_REPEAT_CHARS or heading_echo
                or repeats_pair(index, index + 1) or repeats_pair(index - 1, index)):
            passages[index].duplicate_of = first_index


# --- Boilerplate: single lines ---------------------------------------------------------

_CHROME_WORDS = frozenset(word.strip().lower() for word in """
    share|source|sources|comment|comments|trackback|trackbacks|tweet|print|email|e-mail|menu|home|
    top|next|previous|prev|back|news|latest|related|related articles|related posts|related stories|related podcasts|
    related info|read more|more|advertisement|ad|ads|sponsored|login|log in|sign in|sign up|subscribe|
    tags|tag|categories|category|share this|share this article|back to top|page top|skip to content|
    コメント|コメントする|トラックバック|シェア|ツイート|いいね|印刷|ホーム|トップ|トップへ|
    ページトップ|ページの先頭へ|次へ|前へ|次の記事|前の記事|戻る|関連記事|関連ニュース|関連リンク|
    広告|スポンサーリンク|ニュース|最新記事|もっと見る|続きを読む|本文|目次|メニュー|タグ|カテゴリー|
    관련 기사|관련기사|공유|댓글|광고|더보기
""".split("|") if word.strip())
_CHROME_PREFIX = re.compile(
    r"(read (the )?(original|more|full)|continue reading|click here|share (this|on)|follow us|"
    r"続きを読む|元記事を読む|記事を読む|この記事をシェア|この記事を共有)", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|copyright|all rights reserved|無断転載", re.IGNORECASE)
_MENU_ITEM_END = ("+", "＋", "›", "»", "▶", "▼", "＞", ">")
_NAV_LINK = re.compile(r"(?:[\u30a0-\u30ff]+|.*(?:トップ|ホーム|一覧|目次|ページ|記事))へ(?:戻る)?|.*に戻る")
_LETTER = re.compile(r"[^\W\d_]")
# A line that is only a date and/or time stamp, possibly glued to one category word.
_DATE_STAMP = re.compile(
    r"\s*[\d０-９]{2,4}\s*[年/.\-]\s*[\d０-９]{1,2}\s*[月/.\-]\s*[\d０-９]{1,2}\s*日?"
    r"(?:\s*[(（]?[月火水木金土日](?:曜日?)?[)）]?)?(?:\s*(?:午前|午後)?\s*\d{1,2}\s*[:：時]\s*\d{1,2}分?)?"
    r"\s*(?:[A-Za-z]{1,20}|(?:公開|作成|修正|更新|配信|掲載|閲覧|発行|投稿|現在|時点)?[。.)）]*)\s*")
_CAPITALISED_WORDS = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?[A-Z]{0,3}")
_MAX_CHROME_CHARS = 60


def is_date_stamp(line: str) -> bool:
    """A line that is only a date (and time): a dateline "2006年8月8日(火)", "【2025年3月14日】"."""
    return _DATE_STAMP.fullmatch(line.strip().strip("【】[]")) is not None


def looks_like_chrome(line: str, main_language: str = JAPANESE, first: bool = False) -> bool:
    """Navigation, share buttons, stamps and labels: lines that carry no article text.

    `first` says the line opens the document, where a lone "back to the entrance"
    link is chrome; elsewhere such a short line could be a real heading.
    """
    line = line.strip()
    if not _LETTER.search(line):
        return not line.startswith(("「", "『"))     # "--:--", "* * *"; but 「…………」 is a silence
    if _COPYRIGHT.search(line) and len(line) <= 200:
        return True
    if len(line) > _MAX_CHROME_CHARS:
        return False
    bare = line.strip(" \t:：・|｜-–—*•#[]【】()（）").lower()
    if bare in _CHROME_WORDS or _CHROME_PREFIX.match(bare):
        return True
    if line.endswith(_MENU_ITEM_END) and len(line) <= 30:
        return True
    if is_date_stamp(line):
        return True
    if first and len(line) <= 12 and _NAV_LINK.fullmatch(line):
        return True
    if is_site_header(line):
        return True
    # A lone English label ("Politics", "Analysis") in a Japanese or Korean page is a category tag.
    return main_language in (JAPANESE, KOREAN) and _CAPITALISED_WORDS.fullmatch(line) is not None


_SITE_SEPARATOR = re.compile(r"\s*[|｜]\s*")
_HOME_WORDS = re.compile(r"\b(home|top)\b|ホーム|トップ", re.IGNORECASE)


def is_site_header(line: str) -> bool:
    """"Liabooks Home|PRISM News": a site's name beside its home link, as pages print above
    articles. ("Talks stall | Reuters" is a headline with its site, not a header.)"""
    parts = [part for part in _SITE_SEPARATOR.split(line.strip()) if part]
    if len(parts) < 2 or any(len(part) > 30 for part in parts):
        return False
    return any(_HOME_WORDS.search(part) for part in parts)


def site_header_name(line: str) -> str | None:
    """The site named by a site header line: its last part that is not "Home"/"Top"."""
    if not is_site_header(line):
        return None
    parts = [part for part in _SITE_SEPARATOR.split(line.strip()) if part and not _HOME_WORDS.fullmatch(part)]
    names = [_HOME_WORDS.sub("", part).strip() for part in parts]
    names = [name for name in names if name]
    return names[-1] if names else None


# --- Boilerplate: runs at the edges ----------------------------------------------------

_CLOSING_MENU_MIN_LINES = 3
_CLOSING_MENU_LINE_CHARS = 30
_ISLAND_MAX_SHARE = 0.25       # a "related articles" block in another language is a small part
_ISLAND_MIN_PASSAGES = 2
_TEXT_WEIGHT = {JAPANESE: 3, KOREAN: 3}   # a kana/hangul character carries about three letters' text
_URL_MARK = re.compile(r"https?://|www\.")
_SENTENCE_END = re.compile(r"[。！？.!?]\s*[」』”\"')）]*$")


def mark_boilerplate(text: str, passages: list[Passage], letters: list[LanguageLetters] | None = None) -> None:
    contents = [text[p.start:p.end] for p in passages]
    weights = [_weighted_letters(counts) for counts in (letters or language_letters(text, passages))]
    main_language = _main_language(passages, weights)
    for index, (passage, content) in enumerate(zip(passages, contents)):
        if looks_like_chrome(content, main_language, first=index == 0 and _stands_alone(text, passage)):
            passage.boilerplate = True
    _mark_link_lists(passages, contents)
    _mark_closing_menu(passages, contents)
    for order in (range(len(passages)), range(len(passages) - 1, -1, -1)):
        _mark_language_island(passages, contents, weights, main_language, order)


# Headings of the link lists wikis and news sites end articles with; the short lines after
# one, up to the next paragraph of prose, are its items.
_LINK_LIST_HEADING = re.compile(
    r"(?:関連ニュース|関連記事|関連項目|関連リンク|出典|情報源|外部リンク|参考文献|脚注|"
    r"related (?:news|articles|stories|links)|external links|references|see also|further reading)",
    re.IGNORECASE)
_LINK_LIST_ITEM_CHARS = 120
# "2016年8月16日(火):台風13号の影響で…": an item of a dated "related news" list.
_DATED_LINK = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*[(（][月火水木金土日][)）]\s*[:：]")
# "鉄道2011年鉄道関連ニュース整備新幹線の…": a box of headlines under its label, flattened into one line.
_LINK_BOX = re.compile(r"^[^。、，,\s(（「『]{0,20}(?:関連ニュース|関連記事)(?![をがはにでとのも、])")


def _mark_link_lists(passages: list[Passage], contents: list[str]) -> None:
    """Related-news lists, sources and external links: a heading and its items, dated
    headline lists and flattened headline boxes are marked (cited sources stay in the text)."""
    in_list = False
    for passage, content in zip(passages, contents):
        bare = content.strip(" \t\u3000:：・|｜-–—*•#=[]【】()（）■◆●")
        if _LINK_LIST_HEADING.fullmatch(bare):
            passage.boilerplate, in_list = True, True
            continue
        if in_list and len(content) <= _LINK_LIST_ITEM_CHARS and not _is_japanese_prose(content):
            passage.boilerplate = True
            continue
        in_list = False
        dated_links = _DATED_LINK.findall(content)
        if len(dated_links) >= 2 or (dated_links and _DATED_LINK.match(content)) or _LINK_BOX.match(content):
            passage.boilerplate = True


_CITATION_MARKS = re.compile(r"[『』「」《》]|https?://|\d{4}年|\d{4}[-/.]\d")


def _is_japanese_prose(line: str) -> bool:
    """A sentence of the article ("代表団が協議した。"), which ends a link list: not a cited
    title (『…』), a publisher with its date ("朝日新聞社、2011年12月3日。") or a URL."""
    return line.endswith("。") and _CITATION_MARKS.search(line) is None


def _weighted_letters(letters: LanguageLetters) -> int:
    return sum(count * _TEXT_WEIGHT.get(lang, 1) for lang, count in letters.items())


def _main_language(passages: list[Passage], weights: list[int]) -> str:
    totals: Counter[str] = Counter()
    for passage, weight in zip(passages, weights):
        totals[passage.lang] += weight
    return totals.most_common(1)[0][0] if totals else OTHER


_BLANK_LINE_FOLLOWS = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*(\n|$)|[ \t\u3000\n]*$")


def _stands_alone(text: str, passage: Passage) -> bool:
    """Followed by a blank line: a link line, not the first line of a title."""
    return _BLANK_LINE_FOLLOWS.match(text, passage.end) is not None


def _mark_closing_menu(passages: list[Passage], contents: list[str]) -> None:
    """A run of short unpunctuated lines at the bottom, mostly chrome, is a menu
    ("Conflict+", "Background+", "Related Podcasts"). Not applied at the top, where
    short unpunctuated lines are usually the headline."""
    run = []
    for index in range(len(passages) - 1, -1, -1):
        content = contents[index]
        if len(content) > _CLOSING_MENU_LINE_CHARS or _SENTENCE_END.search(content):
            break
        run.append(index)
    chrome = sum(passages[index].boilerplate for index in run)
    if len(run) >= _CLOSING_MENU_MIN_LINES and 3 * chrome >= 2 * len(run):
        for index in run:
            passages[index].boilerplate = True


# Japanese punctuation counts: a citation list "Reuters、2005年9月21日。" is formatted in Japanese.
_MAIN_SCRIPT = {JAPANESE: re.compile(r"[\u3001-\u30ff\u3400-\u9fff\uff01-\uff5e]"),
                KOREAN: re.compile(r"[\uac00-\ud7a3]")}


def _shares_main_script(content: str, main_language: str) -> bool:
    script = _MAIN_SCRIPT.get(main_language)
    return script is not None and script.search(content) is not None


def _mark_language_island(passages: list[Passage], contents: list[str], weights: list[int],
                          main_language: str, order: range) -> None:
    """Passages in another language at the top or bottom that make up a small share of the
    document: a "related articles" list from a sister site, say. Cited sources are kept:
    a URL stops the island."""
    island: list[int] = []
    real = 0
    for index in order:
        passage = passages[index]
        if _URL_MARK.search(contents[index]):
            break
        if passage.boilerplate or passage.lang == OTHER:
            island.append(index)
            continue
        if passage.lang == main_language or _shares_main_script(contents[index], main_language):
            break       # "Reuters、2005年9月21日。" is a citation in a Japanese list, not an island
        island.append(index)
        real += 1
    island_weight = sum(weights[index] for index in island if not passages[index].boilerplate)
    total_weight = sum(weights) or 1
    if real >= _ISLAND_MIN_PASSAGES and island_weight <= _ISLAND_MAX_SHARE * total_weight:
        for index in island:
            passages[index].boilerplate = True

