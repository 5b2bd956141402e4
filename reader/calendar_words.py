"""How dates and numbers are written, in Japanese and English: one table of each kind.

The entity values (`reader.nlp.normalize`), the timeline (`reader.nlp.dates`) and a document's
own date (`reader.ingest.metadata`) all read dates; they read them with these tables, so a
word or an era one of them knows, all of them know. It sits outside the layers (like
`reader.paths`) because ingest, the lowest, reads it too.

* Numerals: Arabic, full-width (２５日, NFKC) and kanji (二十五日, 二〇二五年, 二千二十五年).
* Japanese eras from 明治 on, with 元年 for the first year: 平成14年 is 2002, 昭和元年 1926.
* Relative words: days (本日, 昨日, 今朝, 昨夜, yesterday, tonight), weeks (先週, 来週), months
  (先月, 来月), years (昨年, 明年, 再来年); and words that count from the date the text named
  last rather than from the document's (翌日, 前日, 翌月, 翌年, 前年).
* Month and weekday names.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["KANJI_DIGITS", "read_section", "date_numerals", "western_year", "ERA_FIRST_YEAR",
           "REL_DAY", "REL_WEEK", "REL_MONTH", "REL_YEAR", "REFER_BACK", "EN_REL_DAY", "EN_REL_UNIT",
           "MONTHS", "MONTH_RE", "WEEKDAYS_JA", "WEEKDAYS_EN", "alternation", "shift_month"]


def alternation(words) -> str:
    """A regex alternation of `words`, longest first so 一昨年 is not read as 昨年."""
    return "|".join(sorted(words, key=len, reverse=True))


# -- numerals --------------------------------------------------------------------------------

KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                "六": 6, "七": 7, "八": 8, "九": 9, "壱": 1, "弐": 2, "参": 3}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_SECTION_TOKEN = re.compile("[0-9]+(?:\\.[0-9]+)?|[" + "".join(KANJI_DIGITS) + "]+|[十百千]")


def read_section(run: str) -> float | None:
    """A number below 万: Arabic (2000, 3.5), kanji digits (二〇二五) or kanji with 十百千
    (二千二十五, 二十五, 十). None when `run` is not one."""
    tokens = _SECTION_TOKEN.findall(run)
    if not tokens or "".join(tokens) != run:
        return None
    section = 0.0
    current: float | None = None
    for token in tokens:
        if token in SMALL_UNITS:          # 二十 is 2×10; 十 alone is 10
            section += (1.0 if current is None else current) * SMALL_UNITS[token]
            current = None
            continue
        if current is not None:           # two digit runs in a row (3三) are no number
            return None
        current = float(token) if token[0].isdigit() else float("".join(str(KANJI_DIGITS[c]) for c in token))
    return section + (current or 0.0)


# A whole kanji numeral run right before a calendar unit; not after 数/何 (数十年 is no year).
_KANJI_BEFORE_UNIT = re.compile("(?<![数何〇零一二三四五六七八九十百千])[〇零一二三四五六七八九十百千]+(?=[年月日時分秒])")


# -- eras ------------------------------------------------------------------------------------

ERA_FIRST_YEAR = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_ERA_ORDER = sorted(ERA_FIRST_YEAR, key=ERA_FIRST_YEAR.__getitem__)
# The last year of each era (昭和64年 is 1989, the year 平成 began); the current era is open.
_ERA_LAST_YEAR = {era: ERA_FIRST_YEAR[following] for era, following in zip(_ERA_ORDER, _ERA_ORDER[1:])}
ERA_RE = "(" + alternation(ERA_FIRST_YEAR) + r")\s*(元|\d{1,2})\s*年"


def western_year(era: str, year_of_era: str) -> int | None:
    """平成 + 14 -> 2002, 昭和 + 元 -> 1926; None for a year the era never had (昭和70年)."""
    first = ERA_FIRST_YEAR.get(era)
    if first is None:
        return None
    year = first + (0 if year_of_era == "元" else int(year_of_era) - 1)
    if year < first or year > _ERA_LAST_YEAR.get(era, first + 98):
        return None
    return year


def date_numerals(text: str) -> str:
    """`text` with every number a date is written in as Arabic digits and every era year as
    a western one: ２０２５年 -> 2025年, 三月十三日 -> 3月13日, 平成十四年 -> 2002年.
    Offsets are not kept (NFKC)."""
    text = unicodedata.normalize("NFKC", text)

    def arabic(m: re.Match) -> str:
        value = read_section(m.group(0))
        return m.group(0) if value is None else str(int(value))

    def western(m: re.Match) -> str:
        year = western_year(m.group(1), m.group(2))
        return m.group(0) if year is None else f"{year}年"

    return re.sub(ERA_RE, western, _KANJI_BEFORE_UNIT.sub(arabic, text))


# -- relative words --------------------------------------------------------------------------

# Counted from the document's date (its day, week, month or year), in units of that period.
REL_DAY = {"一昨日": -2, "おととい": -2, "昨日": -1, "きのう": -1, "昨夜": -1, "昨晩": -1,
           "今日": 0, "本日": 0, "きょう": 0, "今朝": 0, "今夜": 0, "今晩": 0,
           "明日": 1, "あす": 1, "あした": 1, "明後日": 2, "あさって": 2}
REL_WEEK = {"先々週": -2, "先週": -1, "今週": 0, "本週": 0, "来週": 1, "再来週": 2}
REL_MONTH = {"先々月": -2, "先月": -1, "今月": 0, "本月": 0, "来月": 1, "再来月": 2}
REL_YEAR = {"一昨年": -2, "おととし": -2, "昨年": -1, "去年": -1, "今年": 0, "本年": 0, "ことし": 0,
            "来年": 1, "明年": 1, "再来年": 2}
# Counted from the date the text named last (that same day, the day after it, the year
# before it): (unit, delta). Without such a date they have no value.
REFER_BACK = {"同日": ("day", 0), "その日": ("day", 0), "同月": ("month", 0), "その月": ("month", 0),
              "同年": ("year", 0), "その年": ("year", 0),
              "翌日": ("day", 1), "翌々日": ("day", 2), "前日": ("day", -1),
              "翌週": ("week", 1), "前週": ("week", -1),
              "翌月": ("month", 1), "前月": ("month", -1),
              "翌年": ("year", 1), "翌々年": ("year", 2), "前年": ("year", -1)}

EN_REL_DAY = {"the day before yesterday": -2, "yesterday": -1, "last night": -1,
              "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "tomorrow": 1, "the day after tomorrow": 2}
# last week, next month, this year: the word's offset in that unit.
EN_REL_UNIT = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}


def shift_month(y: int, mo: int, delta: int) -> tuple[int, int]:
    """(year, month) `delta` months after (y, mo)."""
    idx = y * 12 + (mo - 1) + delta
    return idx // 12, idx % 12 + 1


# -- names -----------------------------------------------------------------------------------

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
          "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
          "sept": 9, "oct": 10, "nov": 11, "dec": 12}
MONTH_RE = "(" + alternation(MONTHS) + r")\.?"      # lower case; group 1 is the name
WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
