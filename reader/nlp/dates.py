"""Date expressions resolved to a calendar span with a precision, in Japanese and English.

``resolve_date("2025年3月下旬", anchor)`` -> ``ResolvedDate(first=2025-03-21, last=2025-03-31,
precision="range")``. ``anchor`` is the document's own date (its published date, else the
date it was imported); relative expressions (本日, 昨日, 先週, 今月15日, 11日, 昨年, 来月,
"on Tuesday", "last week") need it and resolve to None without it; words that count from
the date the text named before (翌日, 同年6月, 前年) need ``previous`` and are None without it.
The words, era names and numerals are read with the tables of `reader.calendar_words`,
which the entity values (`reader.nlp.normalize`) share.

Ambiguity. An expression that leaves out the year or the month (3月13日, 11日, 火曜日) is
placed in the nearest sensible period around the anchor. A day alone (11日) or a weekday:
among the previous, the same and the next month (week), the candidate closest to the anchor
wins, a past date counting half as far as a future one, because news mostly reports what has
happened (a 2025-12-02 article's 28日 is 2025-11-28, a 2025-11-24 article's 30日 is
2025-11-30). A month and day (3月13日): the anchor's year, unless that is more than half a
year ahead (then the year before) or nine months behind (then the year after). Fuzzy parts
(上旬/中旬/下旬, 末, 初め, 前半/後半, early/mid/late, end of) become ranges; decades become
ranges; centuries and bare durations (60年, 何十年) are not dates and give None.

Why not ja-timex: it reads Japanese only, returns relative words (本日, 昨日, 昨年, 先週) as
durations that still need resolving, drops 上旬/中旬/下旬 to a whole month, places 11日 always
in the anchor's month, and pins a beta of pendulum. ``bench/eval_story.py`` compares both
on the seeds' gold.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from reader.calendar_words import (EN_REL_DAY, EN_REL_UNIT, MONTH_RE, MONTHS, REFER_BACK, REL_DAY, REL_MONTH,
                                   REL_WEEK, REL_YEAR, WEEKDAYS_EN, WEEKDAYS_JA, alternation, date_numerals,
                                   shift_month)

__all__ = ["ResolvedDate", "resolve_date", "find_relative_dates", "parse_anchor", "is_relative_date"]


@dataclass(frozen=True)
class ResolvedDate:
    first: date
    last: date
    precision: str      # "day", "month", "year" or "range"
    relative: bool      # needed the anchor (本日, 昨年, 11日, last week...)

    @property
    def value(self) -> str:
        """ISO 8601: 2025-03-13, 2025-03, 2025, or an interval 2025-03-21/2025-03-31."""
        if self.precision == "day":
            return self.first.isoformat()
        if self.precision == "month":
            return self.first.isoformat()[:7]
        if self.precision == "year":
            return self.first.isoformat()[:4]
        return f"{self.first.isoformat()}/{self.last.isoformat()}"


def parse_anchor(text: str | None) -> date | None:
    """The date part of an ISO 8601 date or timestamp (a document's date), else None."""
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# -- spans of the calendar ------------------------------------------------------------------

def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _day(y: int, m: int, d: int, relative: bool = False) -> ResolvedDate | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    return ResolvedDate(day, day, "day", relative)


def _month(y: int, m: int, relative: bool = False) -> ResolvedDate | None:
    if not (1 <= m <= 12 and 1 <= y <= 9999):
        return None
    return ResolvedDate(date(y, m, 1), _month_end(y, m), "month", relative)


def _year(y: int, relative: bool = False) -> ResolvedDate | None:
    if not 1 <= y <= 9999:
        return None
    return ResolvedDate(date(y, 1, 1), date(y, 12, 31), "year", relative)


def _range(first: date, last: date, relative: bool = False) -> ResolvedDate:
    return ResolvedDate(first, last, "range", relative)


def _nearest(candidates: list[date], anchor: date) -> date:
    """The candidate nearest the anchor, a past one counting half as far as a future one."""
    def cost(day: date) -> int:
        delta = (day - anchor).days
        return -delta if delta <= 0 else 2 * delta
    return min(candidates, key=cost)


def _part_of_month(y: int, m: int, part: str, relative: bool) -> ResolvedDate | None:
    if not 1 <= m <= 12:
        return None
    end = _month_end(y, m).day
    first, last = {"early": (1, 10), "mid": (11, 20), "late": (21, end), "first": (1, 15), "second": (16, end)}[part]
    return _range(date(y, m, first), date(y, m, last), relative)


def _part_of_year(y: int, part: str, relative: bool) -> ResolvedDate:
    months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "end": (12, 12), "first": (1, 6),
              "second": (7, 12), "start": (1, 3)}[part]
    return _range(date(y, months[0], 1), _month_end(y, months[1]), relative)


# -- Japanese ---------------------------------------------------------------------------------

def _normalise(text: str) -> str:
    return date_numerals(text).strip()


_JA_PART = [(re.compile(r"^(?:の)?上旬"), "early"), (re.compile(r"^(?:の)?(?:中旬|半ば)"), "mid"),
            (re.compile(r"^(?:の)?(?:下旬|末|終わり)"), "late"), (re.compile(r"^(?:の)?(?:初め|初旬|はじめ)"), "early"),
            (re.compile(r"^(?:の)?前半"), "first"), (re.compile(r"^(?:の)?後半"), "second")]
_JA_YEAR_PART = [(re.compile(r"^(?:の)?(?:末|暮れ|終わり)"), "end"), (re.compile(r"^(?:の)?(?:初め|初頭|はじめ|明け)"), "start"),
                 (re.compile(r"^(?:の)?前半"), "first"), (re.compile(r"^(?:の)?後半"), "second"),
                 (re.compile(r"^(?:の)?半ば"), "mid")]
def _week(anchor: date, delta: int) -> ResolvedDate:
    monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=delta)
    return _range(monday, monday + timedelta(days=6), True)


def _weekday(anchor: date, weekday: int) -> ResolvedDate:
    offset = weekday - anchor.weekday()
    day = _nearest([anchor + timedelta(days=offset + k) for k in (-7, 0, 7)], anchor)
    return ResolvedDate(day, day, "day", True)


def _year_near(month: int, day: int, anchor: date) -> int:
    """The year of a month and day written without one: the anchor's, unless that puts it more
    than half a year after the anchor (then the year before: a January article's 12月28日) or
    more than nine months before it (then the year after: a late-December article's 1月3日)."""
    try:
        delta = (date(anchor.year, month, min(day, 28)) - anchor).days
    except ValueError:
        return anchor.year
    if delta > 183:
        return anchor.year - 1
    if delta < -275:
        return anchor.year + 1
    return anchor.year


def _month_day_near(month: int, day: int, anchor: date) -> ResolvedDate | None:
    """3月13日 without a year."""
    if not 1 <= month <= 12:
        return None
    return _day(_year_near(month, day, anchor), month, day, True)


def _month_near(month: int, anchor: date) -> ResolvedDate | None:
    """3月 without a year."""
    if not 1 <= month <= 12:
        return None
    return _month(_year_near(month, 15, anchor), month, True)


def _day_near(day: int, anchor: date) -> ResolvedDate | None:
    """11日 alone: the nearest sensible month around the anchor."""
    candidates = []
    for delta in (-1, 0, 1):
        y, m = shift_month(anchor.year, anchor.month, delta)
        if day <= calendar.monthrange(y, m)[1]:
            candidates.append(date(y, m, day))
    if not candidates:
        return None
    best = _nearest(candidates, anchor)
    return ResolvedDate(best, best, "day", True)


def _with_part(base: ResolvedDate, rest: str, parts, year_level: bool) -> ResolvedDate:
    for pattern, part in parts:
        if pattern.match(rest):
            if year_level:
                return _part_of_year(base.first.year, part, base.relative)
            return _part_of_month(base.first.year, base.first.month, part, base.relative) or base
    return base


def _ja(s: str, anchor: date | None) -> ResolvedDate | None:
    # 2025-03-13, 2025/3/13, 2025.3.13
    m = re.search(r"(?<!\d)(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?!\d)", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return _day(y, mo, int(m.group(3))) if m.group(3) else _month(y, mo)
    # 1960年代
    m = re.search(r"(?<!\d)(\d{3})0\s*年代", s)
    if m:
        first = int(m.group(1)) * 10
        return _range(date(first, 1, 1), date(first + 9, 12, 31))
    # 2025年3月13日 / 2025年3月(下旬) / 2025年(末)
    m = re.search(r"(?<!\d)(\d{4})\s*年(?!間|代)(?:度)?(?:\s*(\d{1,2})\s*月(?!間)(?:\s*(\d{1,2})\s*日(?!間))?)?", s)
    if m:
        y = int(m.group(1))
        if m.group(3):
            return _day(y, int(m.group(2)), int(m.group(3)))
        if m.group(2):
            base = _month(y, int(m.group(2)))
            return base and _with_part(base, s[m.end():], _JA_PART, False)
        base = _year(y)
        return base and _with_part(base, s[m.end():], _JA_YEAR_PART, True)
    if anchor is None:
        return None
    return _ja_relative(s, anchor)


def _in_year(y: int, rest: str) -> ResolvedDate | None:
    """A year named by a word (昨年, 同年, 翌年) with what follows it: 3月, 3月13日, 末."""
    m = re.match(r"(?:の)?\s*(\d{1,2})\s*月(?!間)(?:\s*(\d{1,2})\s*日)?", rest)
    if m:
        if m.group(2):
            return _day(y, int(m.group(1)), int(m.group(2)), True)
        base = _month(y, int(m.group(1)), True)
        return base and _with_part(base, rest[m.end():], _JA_PART, False)
    year = _year(y, True)
    return year and _with_part(year, rest, _JA_YEAR_PART, True)


def _in_month(y: int, mo: int, rest: str) -> ResolvedDate | None:
    """A month named by a word (先月, 同月, 翌月) with what follows it: 15日, 下旬."""
    m = re.match(r"(?:の)?\s*(\d{1,2})\s*日", rest)
    if m:
        return _day(y, mo, int(m.group(1)), True)
    month = _month(y, mo, True)
    return month and _with_part(month, rest, _JA_PART, False)


def _in_week(day_in_week: date, delta: int, rest: str) -> ResolvedDate:
    """A week named by a word (先週, 翌週) `delta` weeks from the one of `day_in_week`, with
    the weekday that may follow it (先週の火曜日)."""
    week = _week(day_in_week, delta)
    m = re.match(r"(?:の)?\s*([月火水木金土日])曜", rest)
    if m:
        day = week.first + timedelta(days=WEEKDAYS_JA.index(m.group(1)))
        return ResolvedDate(day, day, "day", True)
    return week


_REL_YEAR_RE = re.compile(f"({alternation(REL_YEAR)})")
_REL_MONTH_RE = re.compile(f"({alternation(REL_MONTH)})")
_REL_WEEK_RE = re.compile(f"({alternation(REL_WEEK)})")
_REL_DAY_RE = re.compile(f"({alternation(REL_DAY)})")


def _ja_relative(s: str, anchor: date) -> ResolvedDate | None:
    m = _REL_YEAR_RE.search(s)
    if m:
        return _in_year(anchor.year + REL_YEAR[m.group(1)], s[m.end():])
    m = _REL_MONTH_RE.search(s)
    if m:
        return _in_month(*shift_month(anchor.year, anchor.month, REL_MONTH[m.group(1)]), s[m.end():])
    m = _REL_WEEK_RE.search(s)
    if m:
        return _in_week(anchor, REL_WEEK[m.group(1)], s[m.end():])
    m = _REL_DAY_RE.search(s)
    if m:
        day = anchor + timedelta(days=REL_DAY[m.group(1)])
        return ResolvedDate(day, day, "day", True)
    # 3月13日, 3月(下旬), 11日, 火曜日: the nearest sensible period
    m = re.search(r"(?<!\d)(\d{1,2})\s*月(?!間)(?:\s*(\d{1,2})\s*日(?!間))?", s)
    if m:
        if m.group(2):
            return _month_day_near(int(m.group(1)), int(m.group(2)), anchor)
        base = _month_near(int(m.group(1)), anchor)
        return base and _with_part(base, s[m.end():], _JA_PART, False)
    m = re.search(r"(?<![\d年月])(\d{1,2})\s*日(?!間|本|付)", s)
    if m:
        return _day_near(int(m.group(1)), anchor)
    m = re.search(r"([月火水木金土日])曜(?:日)?", s)
    if m:
        return _weekday(anchor, WEEKDAYS_JA.index(m.group(1)))
    return None


# -- English ----------------------------------------------------------------------------------

_EN_PART = {"early": "early", "beginning of": "start", "start of": "start", "mid": "mid", "middle of": "mid",
            "late": "late", "end of": "end", "the end of": "end", "first half of": "first", "second half of": "second"}
_EN_PART_RE = r"(?:(" + alternation(_EN_PART) + r")[\s-]+)?"


def _en(s: str, anchor: date | None) -> ResolvedDate | None:
    low = s.lower()
    part = None
    m = re.search(_EN_PART_RE + MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4}))?", low)
    if m:
        return _en_day(int(m.group(4)) if m.group(4) else None, MONTHS[m.group(2)], int(m.group(3)), anchor)
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + MONTH_RE + r"(?:,?\s*(\d{4}))?", low)
    if m:
        return _en_day(int(m.group(3)) if m.group(3) else None, MONTHS[m.group(2)], int(m.group(1)), anchor)
    m = re.search(_EN_PART_RE + MONTH_RE + r"(?:\s+of)?,?\s+(\d{4})\b", low)
    if m:
        base = _month(int(m.group(3)), MONTHS[m.group(2)])
        part = _EN_PART.get(m.group(1) or "")
        if base and part:
            return _part_of_month(base.first.year, base.first.month, _month_part(part), False)
        return base
    m = re.search(r"\b(?:the\s+)?(\d{3})0s\b", low)
    if m:
        first = int(m.group(1)) * 10
        return _range(date(first, 1, 1), date(first + 9, 12, 31))
    m = re.search(_EN_PART_RE + r"(?<![\d.])((?:1[5-9]|20|21)\d{2})(?![\d.])", low)
    if m:
        part = _EN_PART.get(m.group(1) or "")
        return _part_of_year(int(m.group(2)), part, False) if part else _year(int(m.group(2)))
    if anchor is None:
        return None
    return _en_relative(low, anchor)


def _month_part(part: str) -> str:
    return {"start": "early", "end": "late"}.get(part, part)


def _en_day(year: int | None, month: int, day: int, anchor: date | None) -> ResolvedDate | None:
    if year is not None:
        return _day(year, month, day)
    return _month_day_near(month, day, anchor) if anchor else None


def _en_relative(low: str, anchor: date) -> ResolvedDate | None:
    m = re.search(r"\b(" + alternation(EN_REL_DAY) + r")\b", low)
    if m:
        day = anchor + timedelta(days=EN_REL_DAY[m.group(1)])
        return ResolvedDate(day, day, "day", True)
    m = re.search(r"\b(" + alternation(EN_REL_UNIT) + r")\s+(week|month|year|weekend)\b", low)
    if m:
        delta = EN_REL_UNIT[m.group(1)]
        unit = m.group(2)
        if unit == "year":
            return _year(anchor.year + delta, True)
        if unit == "month":
            return _month(*shift_month(anchor.year, anchor.month, delta), True)
        week = _week(anchor, delta)
        if unit == "weekend":
            return _range(week.first + timedelta(days=5), week.last, True)
        return week
    m = re.search(r"\b(" + alternation(EN_REL_UNIT) + r")\s+(" + alternation(WEEKDAYS_EN) + r")\b", low)
    if m:
        week = _week(anchor, EN_REL_UNIT[m.group(1)])
        day = week.first + timedelta(days=WEEKDAYS_EN.index(m.group(2)))
        return ResolvedDate(day, day, "day", True)
    m = re.search(r"\b(" + alternation(WEEKDAYS_EN) + r")\b", low)
    if m:
        return _weekday(anchor, WEEKDAYS_EN.index(m.group(1)))
    m = re.search(_EN_PART_RE + r"\b(?:in\s+)?" + MONTH_RE + r"\s*$", low)
    if m and (m.group(1) or len(m.group(2)) > 3 or low.strip().endswith(m.group(2))):
        base = _month_near(MONTHS[m.group(2)], anchor)
        part = _EN_PART.get(m.group(1) or "")
        if base and part:
            return _part_of_month(base.first.year, base.first.month, _month_part(part), True)
        return base
    return None


# -- the entry points -------------------------------------------------------------------------

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


# 翌日, 同年6月, 前年末: counted from the date named last. 前年比 and 前日比 compare, they name no date.
_REFER_BACK_RE = re.compile("^(" + alternation(REFER_BACK) + ")(?!比)")


def _refer_back(s: str, previous: ResolvedDate) -> ResolvedDate | None:
    """同日, 同月, 同年6月, 翌日, 前日, 翌年, 前月: relative to the date the text mentioned last.
    A day or a week needs that date to be a day; a month, a month or a day."""
    m = _REFER_BACK_RE.match(s)
    if not m:
        return None
    unit, delta = REFER_BACK[m.group(1)]
    rest, last = s[m.end():], previous.first
    if unit == "year":
        return _in_year(last.year + delta, rest)
    if unit == "month":
        return _in_month(*shift_month(last.year, last.month, delta), rest) if previous.precision in ("day", "month") else None
    if previous.precision != "day":
        return None
    if unit == "week":
        return _in_week(last, delta, rest)
    moved = last + timedelta(days=delta)
    return ResolvedDate(moved, moved, "day", True)


def resolve_date(text: str, anchor: date | None, previous: ResolvedDate | None = None) -> ResolvedDate | None:
    """The calendar span `text` (one date expression) means, or None. Never raises.
    `previous`: the date the text mentioned last, which 同日, 同年6月 and 翌日 refer back to."""
    if not isinstance(text, str) or not text.strip() or len(text) > 80:
        return None
    s = _normalise(text)
    if _REFER_BACK_RE.match(s):
        return _refer_back(s, previous) if previous is not None else None   # not guessed
    if re.search(r"世紀|何|数[十百]年|\d+\s*(?:年|カ月|ヶ月|か月|日)間|\d+\s*日(?:間|当たり|あたり)", s):
        return None       # centuries, vague spans and durations are not dates
    try:
        if not _JAPANESE.search(s):
            return _en(s, anchor)
        days = _DAY_RANGE.search(s)
        if days:
            return _ja_day_range(s, days, anchor)
        return _ja(s, anchor)
    except (ValueError, OverflowError):
        return None


# 7月20・21日, 2025年3月13日〜14日, 3月13～14日: two days of one month (the tagger marks them as one date).
_DAY_RANGE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*[・、～〜~\-–]\s*(\d{1,2})\s*日")


def _ja_day_range(s: str, days: re.Match, anchor: date | None) -> ResolvedDate | None:
    """The first day resolved as any date is (a year written or taken from the anchor), the
    last in the same month."""
    first = _ja(s[:days.start(3)].rstrip("・、～〜~-– ") + ("" if "日" in s[days.start(2):days.start(3)] else "日"),
                anchor)
    if first is None or first.precision != "day":
        return None
    last_day = int(days.group(3))
    if not first.first.day < last_day <= _month_end(first.first.year, first.first.month).day:
        return first
    return _range(first.first, first.first.replace(day=last_day), first.relative)


def is_relative_date(text: str) -> bool:
    """Whether a date expression's meaning depends on the day it was written (本日, 昨年, 11日,
    today) or on the date named before it (翌日, 同年): such a mention belongs to its own document."""
    s = _normalise(text or "")
    if _REFER_BACK_RE.match(s):
        return True
    if re.search(r"(?<!\d)\d{4}\s*(?:年|[-/.]\d)", s) or re.search(r"\b(?:1[5-9]|20|21)\d{2}\b", s):
        return False
    return resolve_date(text, date(2000, 6, 15)) is not None and resolve_date(text, None) is None


# Relative expressions a named-entity tagger tends not to mark as DATE; found directly so the
# timeline has them. A Japanese word must not sit inside a longer word (今日的, 先週末 is kept)
# nor be a comparison (前年比). その日 and その年 are too often no date to be looked for.
_RELATIVE_WORDS = alternation([*REL_DAY, *REL_WEEK, *REL_MONTH, *REL_YEAR,
                               *(word for word in REFER_BACK if not word.startswith("その"))])
_FIND_JA = re.compile(
    r"(?:" + _RELATIVE_WORDS + r")(?:の?\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|の?\s*\d{1,2}\s*日|の?[月火水木金土日]曜日?"
    r"|の?(?:上旬|中旬|下旬|末|初め|前半|後半))?(?![的比])"
    r"|(?<![\d年月日.,／/])\d{1,2}日(?![間本当付])")   # 16日以降: a day alone, if the tagger passed it over
_EN_UNIT_WORD = r"(?:" + alternation(EN_REL_UNIT) + r")\s+"
_FIND_EN = re.compile(
    r"\b(?:(?:on\s+|" + _EN_UNIT_WORD + r")(?:" + alternation(WEEKDAYS_EN) + r")|"
    + _EN_UNIT_WORD + r"(?:week|month|year|weekend)|" + alternation(EN_REL_DAY) + r")\b",
    re.I)


def find_relative_dates(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of relative date expressions in `text` (Japanese or English)."""
    pattern = _FIND_EN if lang == "en" else _FIND_JA
    found = []
    for m in pattern.finditer(text):
        start = m.start()
        if lang == "en" and text[start:start + 3].lower() == "on ":
            start += 3
        found.append((start, m.end()))
    return found
