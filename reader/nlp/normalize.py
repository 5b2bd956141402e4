"""Normalised values for DATE, TIME, MONEY, PERCENT and QUANTITY mentions.

``normalize_value(text, label, doc_date)`` turns the surface of a value
mention into a small plain dict (JSON-ready), or None when the surface carries
no value it can read:

* DATE     -> ``{"date": "2025-03-13"}`` (or ``"2025-03"`` / ``"2025"`` for
  partial dates); ``"approx": True`` when the date was inferred from a
  relative expression (昨年, 来月, yesterday) or is fuzzy (年末, 上旬, 頃).
* MONEY    -> ``{"amount": 6e12, "currency": "RUB"}`` (ISO 4217 code, or None
  when no currency is named), plus ``"approx": True`` after 約/超/about...
* PERCENT  -> ``{"percent": 35.0}``
* QUANTITY -> ``{"quantity": 100000.0, "unit": "人"}`` (unit may be None)
* TIME     -> ``{"time": "21:32"}`` (24-hour), plus ``"date"`` when the
  surface also names a full date.

Numbers are always floats. Full-width digits and 漢数字 are read. The function
never raises: odd input gives None.

``value_key(label, value)`` gives the short string used to group mentions of
the same value (e.g. ``"2025-03-13"``, ``"300000000000 USD"``).
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

from reader.calendar_words import (EN_REL_DAY, EN_REL_UNIT, MONTH_RE, MONTHS, REL_DAY, REL_MONTH, REL_YEAR,
                                   alternation, date_numerals, read_section, shift_month)
from reader.nlp.dates import resolve_date

__all__ = ["normalize_value", "value_key", "parse_number", "VALUE_LABELS"]

VALUE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"})

# ---------------------------------------------------------------------------
# Numbers

_BIG_UNITS = {"万": 1e4, "億": 1e8, "兆": 1e12}
_NUM_CHARS = "0-9.,〇零一二三四五六七八九壱弐参十百千万億兆"
# A run of number characters; must contain a digit or a kanji digit / 十百千.
_NUM_RUN = re.compile(rf"[{_NUM_CHARS}]+")

_EN_MULT = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "millions": 1e6,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9, "billions": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12, "t": 1e12, "trillions": 1e12,
}
_EN_MULT_RE = re.compile(r"\s*(thousand|millions?|billions?|trillions?|mln|mn|bln|bn|trn|tn|k|m|b|t)\b", re.I)
_EN_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12,
}


def _nfkc(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # NFKC leaves these alone; they are common in Japanese number spans.
    return text.replace("〜", "~").replace("～", "~").replace("−", "-").replace("‐", "-")


def _strip_commas(run: str) -> str:
    # "1,500" -> "1500"; a comma not followed by three digits is left (and then ignored).
    return re.sub(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))", "", run)


def parse_number(run: str) -> float | None:
    """Read a run of Arabic / kanji numerals with 十百千万億兆 units.

    ``"3.5兆"`` -> 3.5e12, ``"1兆2000億"`` -> 1.2e12, ``"三千億"`` -> 3e11,
    ``"二十五"`` -> 25, ``"二〇二五"`` -> 2025, ``"1,500万"`` -> 1.5e7.
    """
    run = _strip_commas(_nfkc(run)).replace(",", "")
    parts = re.split("([万億兆])", run)          # section, unit, section, unit, ..., section
    total = 0.0
    for section, unit in zip(parts[0::2], parts[1::2]):
        value = read_section(section)           # 万 alone, with nothing before it, is no number
        if value is None:
            return None
        total += value * _BIG_UNITS[unit]
    if parts[-1] or len(parts) == 1:
        value = read_section(parts[-1])
        if value is None:
            return None
        total += value
    return total


# ---------------------------------------------------------------------------
# Approximation markers

_APPROX_JA = ("約", "およそ", "凡そ", "ほぼ", "以上", "超", "近く", "余り", "あまり", "余", "強", "弱",
              "程度", "前後", "未満", "以下", "足らず", "ほど", "程", "くらい", "ぐらい", "最大", "最低",
              "少なくとも", "推定", "前後", "規模", "数")
_APPROX_EN = re.compile(
    r"\b(about|approximately|approx|around|roughly|nearly|almost|over|more than|less than|under|"
    r"some|up to|at least|at most|estimated|close to|upwards of|as much as|as many as|"
    r"just over|just under|circa|ca)\b|~|±|\+$", re.I)


def _is_approx(s: str) -> bool:
    if any(m in s for m in _APPROX_JA if m != "数"):
        return True
    return bool(_APPROX_EN.search(s))


def _vague(s: str) -> bool:
    """数十億, 何万, 数千, several/dozens of ...: no number to read."""
    return bool(re.search(r"数[十百千万億兆]|何[十百千万億兆]|[十百千万億兆]数|several|dozens|hundreds of|thousands of|millions of|billions of", s, re.I))


# ---------------------------------------------------------------------------
# Amount extraction (shared by MONEY, QUANTITY, PERCENT)

_RANGE_SEP = re.compile(r"^\s*(?:~|-|–|—|から|to|and)\s*")


def _amounts(s: str) -> list[tuple[float, int, int, bool]]:
    """(value, start, end, has_big_unit) for each number run in ``s``."""
    out = []
    for m in _NUM_RUN.finditer(s):
        run = m.group(0).strip(".,")
        if not run or not re.search(r"[0-9〇零一二三四五六七八九壱弐参十百千]", run):
            continue
        start = m.start() + m.group(0).index(run)
        end = start + len(run)
        value = parse_number(run)
        if value is None:
            continue
        big = bool(re.search(r"[万億兆]", run))
        mm = _EN_MULT_RE.match(s, end)
        if mm and not big:
            word = mm.group(1).lower()
            # single-letter multipliers only straight after the number ("$5m", "200bn")
            if len(word) > 1 or mm.start(1) == end:
                value *= _EN_MULT[word]
                end = mm.end()
                big = True
        out.append((value, start, end, big))
    return out


def _first_amount(s: str) -> tuple[float, int, int, bool] | None:
    """The first amount, with a range's shared unit applied (200~300億 -> 200億)."""
    found = _amounts(s)
    if not found:
        word = re.search(r"\b(" + "|".join(sorted(_EN_NUMBER_WORDS, key=len, reverse=True)) + r")\b", s, re.I)
        if word:
            value = float(_EN_NUMBER_WORDS[word.group(1).lower()])
            mm = _EN_MULT_RE.match(s, word.end())
            end = word.end()
            if mm and len(mm.group(1)) > 1:
                value *= _EN_MULT[mm.group(1).lower()]
                end = mm.end()
            return (value, word.start(), end, False)
        return None
    value, start, end, big = found[0]
    if not big and len(found) > 1:
        nxt = found[1]
        between = s[end:nxt[1]]
        sep = _RANGE_SEP.match(between)
        if sep and sep.end() == len(between) and nxt[3]:
            # the unit of the second number applies to the first: scale by its magnitude
            unit = _unit_scale(s[nxt[1]:nxt[2]])
            if unit:
                value *= unit
    return (value, start, end, big)


def _unit_scale(run: str) -> float | None:
    m = re.search(r"([万億兆])\s*$", run)
    if m:
        return _BIG_UNITS[m.group(1)]
    m = re.search(r"(thousand|millions?|billions?|trillions?|mln|mn|bln|bn|trn|tn|k|m|b|t)\s*$", run, re.I)
    if m:
        return _EN_MULT[m.group(1).lower()]
    return None


def _is_range(s: str) -> bool:
    return bool(re.search(r"[0-9〇一二三四五六七八九十百千万億兆]\s*(?:~|-|–|—|から|to)\s*[0-9〇一二三四五六七八九十]", s))


# ---------------------------------------------------------------------------
# MONEY

_CURRENCIES: list[tuple[str, str]] = [
    # specific dollars first
    (r"豪ドル|オーストラリアドル|A\$|AUD|australian dollars?", "AUD"),
    (r"カナダドル|加ドル|C\$|CAD|canadian dollars?", "CAD"),
    (r"香港ドル|HK\$|HKD|hong kong dollars?", "HKD"),
    (r"NZドル|ニュージーランドドル|NZ\$|NZD", "NZD"),
    (r"シンガポールドル|S\$|SGD", "SGD"),
    (r"台湾ドル|NT\$|TWD", "TWD"),
    (r"米ドル|ドル|US\$|USD|\$|dollars?|弗", "USD"),
    (r"ルーブル|ルーブリ|₽|RUB|rubles?|roubles?", "RUB"),
    (r"ユーロ|€|EUR|euros?", "EUR"),
    (r"日本円|円|¥|JPY|yen", "JPY"),
    (r"人民元|CNY|RMB|yuan|renminbi|(?<=[0-9〇一二三四五六七八九十百千万億兆])元", "CNY"),
    (r"英ポンド|ポンド|£|GBP|pounds? sterling|pounds?|sterling", "GBP"),
    (r"フリブナ|フリヴニャ|フリヴナ|フリヴニア|グリブナ|グリヴナ|₴|UAH|hryvnias?|hryvnia", "UAH"),
    (r"ウォン|₩|KRW|\bwon\b", "KRW"),
    (r"ルピー|₹|INR|rupees?", "INR"),
    (r"スイスフラン|CHF|swiss francs?", "CHF"),
    (r"トルコリラ|リラ|TRY|lira", "TRY"),
    (r"リヤル|SAR|riyals?", "SAR"),
    (r"ディルハム|AED|dirhams?", "AED"),
    (r"ズウォティ|ズロチ|PLN|zloty", "PLN"),
    (r"フォリント|HUF|forints?", "HUF"),
    (r"ベラルーシ・ルーブル|BYN", "BYN"),
]
_CURRENCY_RES = [(re.compile(p, re.I), code) for p, code in _CURRENCIES]


def _currency(s: str) -> str | None:
    for rx, code in _CURRENCY_RES:
        if rx.search(s):
            return code
    return None


def _money(s: str) -> dict | None:
    if _vague(s):
        return None
    found = _first_amount(s)
    if not found:
        return None
    value = found[0]
    out: dict = {"amount": float(value), "currency": _currency(s)}
    if _is_approx(s) or _is_range(s):
        out["approx"] = True
    return out


# ---------------------------------------------------------------------------
# PERCENT

def _percent(s: str) -> dict | None:
    if _vague(s):
        return None
    m = re.search(r"([0-9〇零一二三四五六七八九十]+)割(?:([0-9〇零一二三四五六七八九])分)?(?:([0-9〇零一二三四五六七八九])厘)?", s)
    value: float | None = None
    if m:
        wari = parse_number(m.group(1))
        bu = parse_number(m.group(2)) if m.group(2) else 0.0
        rin = parse_number(m.group(3)) if m.group(3) else 0.0
        if wari is not None and bu is not None and rin is not None:
            value = wari * 10 + bu + rin / 10
    else:
        found = _first_amount(s)
        if found:
            value = found[0]
            before = s[:found[1]].rstrip()
            if before.endswith(("-", "マイナス", "minus")):
                value = -value
    if value is None:
        return None
    out: dict = {"percent": float(value)}
    if _is_approx(s) or _is_range(s):
        out["approx"] = True
    return out


# ---------------------------------------------------------------------------
# QUANTITY

_UNIT_ALIASES = {
    "日間": "日", "年間": "年", "週間": "週", "分間": "分", "秒間": "秒", "時間": "時間",
    "カ月": "か月", "ヶ月": "か月", "ヵ月": "か月", "か月": "か月", "箇月": "か月", "ケ月": "か月",
    "カ月間": "か月", "ヶ月間": "か月", "ヵ月間": "か月", "か月間": "か月", "ケ月間": "か月",
    "キロメートル": "km", "キロ": "km", "km": "km", "キロ平方メートル": "km2", "平方キロメートル": "km2",
    "平方キロ": "km2", "km2": "km2", "メートル": "m", "トン": "t", "バレル": "バレル",
    "名": "人", "人": "人", "か国": "か国", "カ国": "か国", "ヶ国": "か国", "ヵ国": "か国",
}
_UNIT_STOP = re.compile(r"(以上|以下|未満|超|近く|余り|あまり|程度|前後|規模|ほど|くらい|ぐらい|強|弱|分の|に|の|を|が|で|と|は|も|、|。|\s+(?:of|in|at|for)\b).*$")


def _quantity(s: str) -> dict | None:
    if _vague(s):
        return None
    found = _first_amount(s)
    if not found:
        return None
    value, _start, end, _big = found
    rest = s[end:]
    rest = re.sub(r"^\s*(?:~|-|から)\s*[0-9.,〇一二三四五六七八九十百千万億兆]+", "", rest)  # range tail
    rest = re.sub(r"^[余超強弱]", "", rest)
    rest = _UNIT_STOP.sub("", rest).strip(" 　.,")
    unit: str | None = rest or None
    if unit:
        unit = _UNIT_ALIASES.get(unit, unit)
        if re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", unit):
            unit = unit.lower()
        if len(unit) > 20:
            unit = unit[:20]
    out: dict = {"quantity": float(value), "unit": unit}
    if _is_approx(s) or _is_range(s):
        out["approx"] = True
    return out


# ---------------------------------------------------------------------------
# DATE

_FUZZY_DATE = re.compile(r"末|初め|初頭|年初|上旬|中旬|下旬|頃|ごろ|半ば|前半|後半|年度|ころ|\b(early|mid|late|end of|beginning of|around|circa|about)\b", re.I)


def _parse_doc_date(doc_date: str | None) -> tuple[int | None, int | None, int | None]:
    if not doc_date:
        return (None, None, None)
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", str(doc_date))
    if not m:
        return (None, None, None)
    year, month, day = (int(g) if g else None for g in m.groups())
    return (year, month, day)


def _fmt_date(y: int, mo: int | None = None, d: int | None = None) -> str | None:
    if not (1 <= y <= 9999):
        return None
    if mo is None:
        return f"{y:04d}"
    if not 1 <= mo <= 12:
        return None
    if d is None:
        return f"{y:04d}-{mo:02d}"
    try:
        _dt.date(y, mo, d)
    except ValueError:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_REL_YEAR_RE = re.compile("(" + alternation(REL_YEAR) + ")")
_REL_MONTH_RE = re.compile("(" + alternation(REL_MONTH) + ")")
_REL_DAY_RE = re.compile("(" + alternation(REL_DAY) + ")")
_EN_REL_DAY_RE = re.compile(r"\b(" + alternation(EN_REL_DAY) + r")\b")
_EN_REL_PERIOD_RE = re.compile(r"\b(" + alternation(EN_REL_UNIT) + r")\s+(year|month|week)\b")


def _days_after(dy: int | None, dm: int | None, dd: int | None, delta: int) -> _dt.date | None:
    """The document's day moved by `delta` days (本日, 昨日, yesterday); None when the
    document has no full date: a relative day is never guessed."""
    if dy is None or dm is None or dd is None:
        return None
    return _dt.date(dy, dm, dd) + _dt.timedelta(days=delta)


def _date(s: str, doc_date: str | None) -> dict | None:
    s = date_numerals(s)
    dy, dm, dd = _parse_doc_date(doc_date)
    fuzzy = bool(_FUZZY_DATE.search(s))

    def done(y: int | None, mo: int | None = None, d: int | None = None, approx: bool = False) -> dict | None:
        if y is None:
            return None
        value = _fmt_date(y, mo, d)
        if value is None:
            return None
        out: dict = {"date": value}
        if approx or fuzzy:
            out["approx"] = True
        return out

    # ISO-like numeric dates: 2025-03-13, 2025/3/13, 2025.3.13
    m = re.search(r"(?<!\d)(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?!\d)", s)
    if m:
        return done(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    # 2025年3月13日 / 2025年3月 / 2025年
    m = re.search(r"(?<!\d)(\d{4})\s*年(?!間)(?:\s*(\d{1,2})\s*月(?!間)(?:\s*(\d{1,2})\s*日(?!間))?)?", s)
    if m:
        return done(int(m.group(1)), int(m.group(2)) if m.group(2) else None,
                    int(m.group(3)) if m.group(3) else None)
    # two-digit year with a month: 25年3月
    m = re.search(r"(?<!\d)(\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", s)
    if m:
        yy = int(m.group(1))
        pivot = ((dy or 2025) % 100) + 10
        year = 2000 + yy if yy <= pivot else 1900 + yy
        return done(year, int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    # relative year, possibly with a month/day: 昨年3月, 今年12月1日, 昨年末
    m = _REL_YEAR_RE.search(s)
    if m:
        if dy is None:
            return None
        delta = REL_YEAR[m.group(1)]
        mm = re.match(r"\s*(\d{1,2})\s*月(?!間)(?:\s*(\d{1,2})\s*日)?", s[m.end():])
        if mm:
            return done(dy + delta, int(mm.group(1)), int(mm.group(2)) if mm.group(2) else None,
                        approx=delta != 0)
        return done(dy + delta, approx=True)
    m = _REL_MONTH_RE.search(s)
    if m:
        if dy is None or dm is None:
            return None
        y, mo = shift_month(dy, dm, REL_MONTH[m.group(1)])
        mm = re.match(r"\s*(\d{1,2})\s*日", s[m.end():])
        return done(y, mo, int(mm.group(1)) if mm else None, approx=True)
    m = _REL_DAY_RE.search(s)
    if m:
        day = _days_after(dy, dm, dd, REL_DAY[m.group(1)])
        return None if day is None else done(day.year, day.month, day.day, approx=True)
    # 3月13日 / 3月 with the document's year
    m = re.search(r"(?<!\d)(\d{1,2})\s*月(?!間)(?:\s*(\d{1,2})\s*日(?!間))?", s)
    if m:
        if dy is None:
            return None
        return done(dy, int(m.group(1)), int(m.group(2)) if m.group(2) else None)
    # 11日 alone: the month the timeline places it in, around the document's day
    if re.search(r"(?<![\d年月])\d{1,2}\s*日", s):
        anchor = _days_after(dy, dm, dd, 0)
        resolved = resolve_date(s, anchor) if anchor else None
        if resolved is None or resolved.precision != "day":
            return None
        return done(resolved.first.year, resolved.first.month, resolved.first.day, approx=True)
    # English
    low = s.lower()
    m = _EN_REL_DAY_RE.search(low)
    if m:
        day = _days_after(dy, dm, dd, EN_REL_DAY[m.group(1)])
        return None if day is None else done(day.year, day.month, day.day, approx=True)
    m = _EN_REL_PERIOD_RE.search(low)
    if m:      # a week has no value of its own here (the timeline gives it a range)
        delta, unit = EN_REL_UNIT[m.group(1)], m.group(2)
        if unit == "year" and dy is not None:
            return done(dy + delta, approx=True)
        if unit == "month" and dy is not None and dm is not None:
            return done(*shift_month(dy, dm, delta), approx=True)
        return None
    m = re.search(rf"\b{MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}}))?", low)
    if m:
        month_day_year = int(m.group(3)) if m.group(3) else dy
        return done(month_day_year, MONTHS[m.group(1)], int(m.group(2))) if month_day_year else None
    m = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_RE}(?:,?\s*(\d{{4}}))?", low)
    if m:
        day_month_year = int(m.group(3)) if m.group(3) else dy
        return done(day_month_year, MONTHS[m.group(2)], int(m.group(1))) if day_month_year else None
    m = re.search(rf"\b{MONTH_RE}(?:\s+of)?,?\s+(\d{{4}})\b", low)
    if m:
        return done(int(m.group(2)), MONTHS[m.group(1)])
    m = re.search(r"(?<![\d.])((?:1[89]|20|21)\d{2})(?![\d.])(?!\s*(?:年間|years?\b))", low)
    if m and not re.search(r"\d\s*(?:日|月)", s):
        return done(int(m.group(1)))
    m = re.fullmatch(rf"\s*(?:in\s+)?{MONTH_RE}\s*", low)
    if m and dy is not None:
        return done(dy, MONTHS[m.group(1)])
    return None


# ---------------------------------------------------------------------------
# TIME

def _time(s: str, doc_date: str | None) -> dict | None:
    if s.strip() in ("一時", "一時的"):   # いちじ, "for a while", not one o'clock
        return None
    s = date_numerals(s)
    low = s.lower()
    hour: int | None = None
    minute = 0
    if "正午" in s or re.search(r"\bnoon\b", low):
        hour = 12
    elif re.search(r"\bmidnight\b", low) or re.search(r"午前零時|深夜零時", s):
        hour = 0
    m = re.search(r"(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分|(半))?", s)
    if hour is None and m:
        hour = int(m.group(1))
        minute = int(m.group(2)) if m.group(2) else (30 if m.group(3) else 0)
        before = s[:m.start()]
        if re.search(r"午後|pm", before, re.I) and hour < 12:
            hour += 12
        elif re.search(r"夜|夕方|夕|晩", before) and not re.search(r"深夜|未明", before) and 4 <= hour < 12:
            hour += 12
        elif re.search(r"午前|深夜|未明", before) and hour == 12:
            hour = 0
    if hour is None:
        m = re.search(r"(?<!\d)(\d{1,2})[:.](\d{2})(?::\d{2})?\s*(a\.?m\.?|p\.?m\.?)?", low)
        if m:
            hour, minute = int(m.group(1)), int(m.group(2))
            ampm = (m.group(3) or "").replace(".", "")
            if ampm == "pm" and hour < 12:
                hour += 12
            elif ampm == "am" and hour == 12:
                hour = 0
        else:
            m = re.search(r"(?<!\d)(\d{1,2})\s*(a\.?m\.?|p\.?m\.?|o'clock)", low)
            if m:
                hour = int(m.group(1))
                ampm = m.group(2).replace(".", "")
                if ampm == "pm" and hour < 12:
                    hour += 12
                elif ampm == "am" and hour == 12:
                    hour = 0
    if hour is None or not (0 <= hour <= 24) or not (0 <= minute < 60) or (hour == 24 and minute):
        return None
    out: dict = {"time": f"{hour:02d}:{minute:02d}"}
    d = _date(re.sub(r"\d{1,2}\s*時.*$", "", s), None) if re.search(r"\d{4}\s*[年/-]", s) else None
    if d and len(d["date"]) == 10:
        out["date"] = d["date"]
    if _is_approx(s) or re.search(r"頃|ごろ", s):
        out["approx"] = True
    return out


# ---------------------------------------------------------------------------

def normalize_value(text: str, label: str, doc_date: str | None = None) -> dict | None:
    """The normalised value of a DATE/TIME/MONEY/PERCENT/QUANTITY surface, else None."""
    try:
        if not isinstance(text, str) or not text.strip() or len(text) > 200:
            return None
        s = _nfkc(text).strip()
        if label == "DATE":
            return _date(s, doc_date)
        if label == "MONEY":
            return _money(s)
        if label == "PERCENT":
            return _percent(s)
        if label == "QUANTITY":
            return _quantity(s)
        if label == "TIME":
            return _time(s, doc_date)
    except Exception:  # never raise on odd input
        return None
    return None


def _num(x: float) -> str:
    return f"{x:.15g}"


def value_key(label: str, value: dict | None) -> str | None:
    """A short, stable key for grouping equal values: "2025-03-13", "300000000000 USD", "35%"."""
    if not value:
        return None
    try:
        if label == "DATE":
            return value["date"]
        if label == "TIME":
            return (value["date"] + "T" if value.get("date") else "") + value["time"]
        if label == "MONEY":
            return f"{_num(value['amount'])} {value.get('currency') or '?'}"
        if label == "PERCENT":
            return f"{_num(value['percent'])}%"
        if label == "QUANTITY":
            unit = value.get("unit")
            return f"{_num(value['quantity'])} {unit}" if unit else _num(value["quantity"])
    except (KeyError, TypeError, ValueError):
        return None
    return None
