"""Title, date, source, cited URLs and languages of a document, read from its text."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from reader.ingest.marking import is_date_stamp, site_header_name
from reader.ingest.model import Passage
from reader.ingest.passages import LanguageLetters, language_letters
from reader.calendar_words import ERA_FIRST_YEAR, MONTHS, alternation, western_year

_HEAD_LINES = 15
_HEAD_CHARS = 800
_BODY_PARAGRAPH_CHARS = 40        # a dateline stands above the first paragraph of the body
_TITLE_SEARCH_PASSAGES = 8
_MAX_TITLE_CHARS = 120
_MIN_LANGUAGE_SHARE = 0.02
_MIN_LANGUAGE_LETTERS = 200


@dataclass(frozen=True)
class Metadata:
    title: str
    date: str | None
    source: str | None
    urls: list[str]
    languages: list[str]


def extract_metadata(text: str, passages: list[Passage], fallback_title: str = "",
                     letters: list[LanguageLetters] | None = None) -> Metadata:
    """Read metadata from marked passages (chrome and repeats are already flagged).
    `letters` as from split_passages (else counted)."""
    urls = extract_urls(text)
    return Metadata(
        title=extract_title(text, passages) or fallback_title,
        date=extract_date(text, passages),
        source=extract_source(text),
        urls=urls,
        languages=document_languages(passages, letters or language_letters(text, passages)),
    )


# --- Dates -----------------------------------------------------------------------------

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_MONTH = r"(?P<month_name>" + alternation(MONTHS) + r")\.?"
_ERA = "(?P<era>" + alternation(ERA_FIRST_YEAR) + ")"
# Time after a date: "21:32", "T10:00", "(土) 21:32", "午後11時32分".
# Same line only: a time on the next line belongs to something else.
_TIME = (r"(?:[ \t\u3000]*[(（][月火水木金土日](?:曜日?)?[)）])?"
         r"(?:(?:[ \t\u3000]*|T)(?P<ampm>午前|午後)?[ \t\u3000]*(?P<hour>\d{1,2})[ \t\u3000]*(?:[:：]|時)"
         r"[ \t\u3000]*(?P<minute>\d{2})(?!\d))?")
_DATE_PATTERNS = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"(?<!\d)(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日" + _TIME,
    _ERA + r"\s*(?P<era_year>\d{1,2}|元)\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日" + _TIME,
    r"(?<![\d.])(?P<year>\d{4})(?P<separator>[-/.])(?P<month>\d{1,2})(?P=separator)(?P<day>\d{1,2})(?![\d.]\d)" + _TIME,
    r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b" + _TIME,
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b" + _TIME,
)]
# Cheap tests for whether each pattern can match at all: most heads hold no English month.
_MONTH_HINT = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
_DATE_HINTS = [re.compile(r"\d{4}\s*年"), re.compile(_ERA), re.compile(r"\d{4}[-/.]\d"),
               _MONTH_HINT, _MONTH_HINT]


def extract_date(text: str, passages: list[Passage] | None = None) -> str | None:
    """The date of the article near the top, as YYYY-MM-DD or YYYY-MM-DDTHH:MM.

    With the marked passages: the article's own dateline (a line that is only a date, above
    the first paragraph of the body) if there is one, else the first date in the article's text; dates in boilerplate (a
    "related news" list of dated headlines) are not the article's. Without: the first date."""
    head = "\n".join(text[:_HEAD_CHARS].split("\n")[:_HEAD_LINES])
    if passages is None:
        stamp = find_date_stamp(head)
        return _iso_date(stamp) if stamp else None
    head_passages = [head[p.start:p.end] for p in passages if p.start < len(head)]
    article = [content for p, content in zip(passages, head_passages) if not p.boilerplate]
    body_start = next((index for index, (p, content) in enumerate(zip(passages, head_passages))
                       if not p.boilerplate and len(content) >= _BODY_PARAGRAPH_CHARS), len(head_passages))
    datelines = [content for content in head_passages[:body_start] if is_date_stamp(content)]
    for content in datelines + article:
        stamp = find_date_stamp(content)
        if stamp:
            return _iso_date(stamp)
    return None


_FULL_WIDTH_DIGIT = re.compile("[０-９]")


def find_date_stamp(text: str) -> re.Match[str] | None:
    """The first valid date (with its time) in the text; offsets are the text's."""
    if _FULL_WIDTH_DIGIT.search(text):
        text = text.translate(_FULL_WIDTH_DIGITS)    # same length: offsets still hold
    matches = [match for pattern, hint in zip(_DATE_PATTERNS, _DATE_HINTS) if hint.search(text)
               for match in pattern.finditer(text) if _iso_date(match)]
    return min(matches, key=lambda match: match.start()) if matches else None


def _iso_date(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    year = western_year(parts["era"], parts["era_year"]) if parts.get("era") else int(parts["year"])
    if year is None:
        return None       # 昭和70年: a year the era never had
    month = MONTHS[parts["month_name"].lower()] if parts.get("month_name") else int(parts["month"])
    try:
        date = dt.date(year, month, int(parts["day"]))
    except ValueError:
        return None
    if not 1900 <= year <= 2100:
        return None
    if parts.get("hour") is None:
        return date.isoformat()
    hour, minute = int(parts["hour"]), int(parts["minute"])
    if parts.get("ampm") == "午後" and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return date.isoformat()
    return f"{date.isoformat()}T{hour:02d}:{minute:02d}"


# --- Title -----------------------------------------------------------------------------

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+|\s+#+\s*$")
_TITLE_SEPARATORS = " \t\u3000-―—–|｜:：/／·・"
# Line ends that leave a Japanese headline unfinished: particles and commas ("キーウは" / "それとも").
_UNFINISHED_JAPANESE = re.compile(r"[はがをにへとでもの、，]$|それとも$|および$|及び$")
_TITLE_CONTINUATION_CHARS = 40


def extract_title(text: str, passages: list[Passage]) -> str:
    """The headline: the first passage near the top that is not chrome or a repeat,
    without its date stamp, Markdown marks or site name."""
    candidates = [index for index, passage in enumerate(passages[:_TITLE_SEARCH_PASSAGES])
                  if not passage.boilerplate and passage.duplicate_of is None]
    for index in candidates:
        title = _clean_title(_one_line(text[passages[index].start:passages[index].end]))
        if title:
            return _shorten(_with_continuation(text, passages, index, title))
    return _shorten(_clean_title(text[passages[0].start:passages[0].end])) if passages else ""


def _one_line(paragraph: str) -> str:
    """A wrapped paragraph on one line: English lines joined by a space, Japanese ones directly."""
    lines = paragraph.split("\n")
    joined = lines[0]
    for line in lines[1:]:
        joined += line if _WIDE_CHAR.match(joined[-1:]) else " " + line
    return joined


_WIDE_CHAR = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_STAMP_TAIL = re.compile(r"[\s\-―—–|｜:：/／()（）]*(?:JST|UTC|GMT)?[\s)）]*")


def _clean_title(line: str) -> str:
    line = _MARKDOWN_HEADING.sub("", line.strip())
    parts = re.split(r"\s+[|｜]\s+", line)
    if len(parts) > 1:
        line = parts[0]       # "Headline | Site name"
    stamp = find_date_stamp(line)
    if stamp:
        after = line[stamp.end():]
        stamp_ends_line = _STAMP_TAIL.fullmatch(after) is not None
        # "2025年3月14日 停戦交渉" has a leading stamp; "2025年3月14日の停戦交渉" does not.
        stamp_opens_line = not line[:stamp.start()].strip(_TITLE_SEPARATORS) and after[:1] in _TITLE_SEPARATORS
        if stamp_ends_line or stamp_opens_line:
            line = line[:stamp.start()] + after
    return line.strip(_TITLE_SEPARATORS)


def _with_continuation(text: str, passages: list[Passage], index: int, title: str) -> str:
    """A headline broken over lines after a particle continues on the next line."""
    while _UNFINISHED_JAPANESE.search(title) and index + 1 < len(passages):
        following = passages[index + 1]
        same_block = text[passages[index].end:following.start].count("\n") == 1
        line = text[following.start:following.end]
        if not same_block or len(line) > _TITLE_CONTINUATION_CHARS or line.endswith("。"):
            break
        title, index = title + line, index + 1
    return title


def _shorten(title: str) -> str:
    if len(title) <= _MAX_TITLE_CHARS:
        return title
    first_sentence = re.match(r".+?(?:[。！？]|[.!?](?=\s|$))", title)
    if first_sentence and len(first_sentence.group()) <= _MAX_TITLE_CHARS:
        return first_sentence.group()
    return title[:_MAX_TITLE_CHARS - 1].rstrip() + "…"


# --- URLs and source -------------------------------------------------------------------

_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_URL_TRAILING_PUNCTUATION = ".,;:!?'\"]"
_CITATIONS_HEADING = re.compile(
    r"^\s*[【\[(（]?\s*(?:引用|参照|底本|出典|参考|ソース|元記事|原文|情報源|"
    r"sources?\b|references?\b|citations?\b|original article\b)", re.IGNORECASE | re.MULTILINE)
_SOURCE_LINE = re.compile(
    r"^\s*(?:read (?:the )?original (?:at|on)|originally published (?:at|on|by)|source\s*[:：]|"
    r"出典\s*[:：]|引用元\s*[:：]|元記事\s*[:：]|情報源\s*[:：]|ソース\s*[:：])\s*(?P<name>.+?)\s*$",
    re.IGNORECASE | re.MULTILINE)
_HEADLINE_WITH_SITE = re.compile(r".{4,}?\s+[|｜]\s+(?P<site>[^|｜]{2,30})")
_PLACEHOLDER_SOURCES = frozenset({"news source", "source", "original", "link", "here", "news"})
# A newspaper or agency name on a line of its own ("日本経済新聞", "The Japan Times");
# particles would make it a headline instead ("今日のニュース").
_MEDIA_NAME = re.compile(
    r"^[ \t\u3000]*(?P<name>[^\sのをがはにで]{1,12}(?:新聞|通信|通信社|ニュース|日報|放送|タイムズ|新報)|"
    r"(?:The )?(?:[A-Z][\w&.'-]* ){0,3}(?:News|Times|Post|Journal|Herald|Tribune|Gazette|Daily|Press|Agency))"
    r"[ \t\u3000]*$", re.MULTILINE)


def extract_urls(text: str) -> list[str]:
    """Every http(s) URL in the text, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        seen.setdefault(_trim_url(match.group()), None)
    return list(seen)


def _trim_url(url: str) -> str:
    url = url.rstrip(_URL_TRAILING_PUNCTUATION)
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(_URL_TRAILING_PUNCTUATION)
    return url


def extract_source(text: str) -> str | None:
    """The site or publisher, when the text names it: a site header line or a
    "Headline | Site" line at the top, a "Source: …" / "Read original at …" line,
    a newspaper name near the top, or the host of the first URL among the cited sources."""
    head_lines = text[:_HEAD_CHARS].split("\n")[:_HEAD_LINES]
    for line in head_lines[:3]:
        headline_with_site = _HEADLINE_WITH_SITE.fullmatch(line.strip())
        name = site_header_name(line) or (headline_with_site and headline_with_site.group("site"))
        if name:
            return name
    for match in _SOURCE_LINE.finditer(text):
        name = _source_name(match.group("name"))
        if name:
            return name
    media = _MEDIA_NAME.search("\n".join(head_lines))
    if media:
        return media.group("name")
    citations = _CITATIONS_HEADING.search(text)
    if citations:
        cited = _URL.search(text, citations.start())
        if cited:
            return _host(cited.group())
    return None


def _source_name(name: str) -> str | None:
    url = _URL.search(name)
    if url:
        return _host(url.group())
    name = name.strip(" .。")
    if name.lower() in _PLACEHOLDER_SOURCES or len(name) > 60:
        return None
    return name


def _host(url: str) -> str | None:
    host = urlsplit(_trim_url(url)).hostname
    return host.removeprefix("www.") if host else None


# --- Languages -------------------------------------------------------------------------

def document_languages(passages: list[Passage], letters: list[LanguageLetters]) -> list[str]:
    """Languages of the article text (chrome and repeats left out), most letters first,
    only those with a meaningful share."""
    content = [index for index, p in enumerate(passages) if not p.boilerplate and p.duplicate_of is None]
    totals: Counter[str] = Counter()
    for index in content or range(len(passages)):
        totals.update(letters[index])
    total = sum(totals.values())
    return [lang for lang, count in totals.most_common()
            if count > 0 and (count > _MIN_LANGUAGE_SHARE * total or count > _MIN_LANGUAGE_LETTERS)]
