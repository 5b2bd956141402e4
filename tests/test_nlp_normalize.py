"""Value normalisation: DATE, MONEY, PERCENT, QUANTITY, TIME surfaces to plain values."""
from __future__ import annotations

import pytest

from reader.nlp.normalize import normalize_value, parse_number, value_key


@pytest.mark.parametrize("text", [
    "2025年3月13日", "2025年03月13日", "令和7年3月13日", "2025/3/13", "2025-03-13",
    "March 13, 2025", "13 March 2025", "２０２５年３月１３日", "二〇二五年三月十三日", "Mar. 13th, 2025",
    "2025年3月13日(木)",
])
def test_full_dates(text):
    assert normalize_value(text, "DATE", None) == {"date": "2025-03-13"}


@pytest.mark.parametrize("text, expected", [
    ("2025年3月", "2025-03"),
    ("2025年", "2025"),
    ("March 2025", "2025-03"),
    ("2022年2月24日以降", "2022-02-24"),
    ("2021年から2024年", "2021"),       # a range is two mentions; the first is read
    ("平成元年", "1989"),
])
def test_partial_dates(text, expected):
    assert normalize_value(text, "DATE", None)["date"] == expected


def test_month_day_takes_the_document_year():
    assert normalize_value("12月1日", "DATE", "2025-11-21") == {"date": "2025-12-01"}
    assert normalize_value("三月十三日", "DATE", "2025-01-05T10:00") == {"date": "2025-03-13"}
    assert normalize_value("March 13", "DATE", "2025-02-01") == {"date": "2025-03-13"}
    assert normalize_value("12月1日", "DATE", None) is None


def test_relative_dates_need_the_document_date():
    assert normalize_value("昨年", "DATE", "2025-06-01") == {"date": "2024", "approx": True}
    assert normalize_value("昨年", "DATE", None) is None
    assert normalize_value("来週", "DATE", "2025-06-01") is None
    assert normalize_value("昨日", "DATE", "2025-03-01") == {"date": "2025-02-28", "approx": True}
    assert normalize_value("昨年3月", "DATE", "2025-06-01") == {"date": "2024-03", "approx": True}
    assert normalize_value("last year", "DATE", "2025-06-01") == {"date": "2024", "approx": True}


def test_fuzzy_dates_are_approximate():
    assert normalize_value("2025年末", "DATE", None) == {"date": "2025", "approx": True}
    assert normalize_value("2025年3月下旬", "DATE", None) == {"date": "2025-03", "approx": True}


@pytest.mark.parametrize("text", ["10年間", "何十年", "月曜日", "", "2025年13月45日", "ロシア"])
def test_dates_without_a_value(text):
    assert normalize_value(text, "DATE", "2025-06-01") is None


@pytest.mark.parametrize("text, amount, currency, approx", [
    ("6兆ルーブル", 6e12, "RUB", False),
    ("約3000億ドル", 3e11, "USD", True),
    ("11兆円", 11e12, "JPY", False),
    ("約11兆円", 11e12, "JPY", True),
    ("$200 billion", 2e11, "USD", False),
    ("200億ドル", 2e10, "USD", False),
    ("1,500万ユーロ", 1.5e7, "EUR", False),
    ("3.5兆円", 3.5e12, "JPY", False),
    ("５０００億円", 5e11, "JPY", False),
    ("三千億円", 3e11, "JPY", False),
    ("1兆2000億円", 1.2e12, "JPY", False),
    ("100億ドル超", 1e10, "USD", True),
    ("およそ50億ドル", 5e9, "USD", True),
    ("ほぼ1兆円", 1e12, "JPY", True),
    ("1000億円以上", 1e11, "JPY", True),
    ("1兆円近く", 1e12, "JPY", True),
    ("about $5m", 5e6, "USD", True),
    ("nearly 1.5 million euros", 1.5e6, "EUR", True),
    ("over $30 billion", 3e10, "USD", True),
    ("7 trillion roubles", 7e12, "RUB", False),
    ("200~300億ドル", 2e10, "USD", True),
    ("1000元", 1000.0, "CNY", False),
])
def test_money(text, amount, currency, approx):
    value = normalize_value(text, "MONEY", None)
    assert value["amount"] == pytest.approx(amount)
    assert isinstance(value["amount"], float)
    assert value["currency"] == currency
    assert value.get("approx", False) is approx


@pytest.mark.parametrize("text", ["数十億ドル", "巨額", "", "ドル"])
def test_money_without_a_number(text):
    assert normalize_value(text, "MONEY", None) is None


@pytest.mark.parametrize("text, percent", [
    ("35%", 35.0), ("３５％", 35.0), ("35パーセント", 35.0), ("二割", 20.0), ("3割5分", 35.0),
    ("35 percent", 35.0), ("14.5 per cent", 14.5), ("三十五パーセント", 35.0), ("-3.5%", -3.5),
])
def test_percent(text, percent):
    assert normalize_value(text, "PERCENT", None)["percent"] == pytest.approx(percent)


def test_percent_approx():
    assert normalize_value("約22%", "PERCENT", None) == {"percent": 22.0, "approx": True}


@pytest.mark.parametrize("text, quantity, unit", [
    ("10万人", 100000, "人"),
    ("30日間", 30, "日"),
    ("3カ月", 3, "か月"),
    ("50万バレル", 500000, "バレル"),
    ("100,000 troops", 100000, "troops"),
    ("2,300 tonnes", 2300, "tonnes"),
    ("1000キロ", 1000, "km"),
])
def test_quantity(text, quantity, unit):
    assert normalize_value(text, "QUANTITY", None) == {"quantity": quantity, "unit": unit}


def test_quantity_approx():
    assert normalize_value("約5000人以上", "QUANTITY", None) == {"quantity": 5000.0, "unit": "人", "approx": True}


@pytest.mark.parametrize("text, time", [
    ("21時32分", "21:32"), ("午後9時", "21:00"), ("夜10時14分", "22:14"), ("午前10時半", "10:30"),
    ("二十一時三十二分", "21:32"), ("21:32", "21:32"), ("9:30 p.m.", "21:30"), ("9 pm", "21:00"), ("正午", "12:00"),
])
def test_time(text, time):
    assert normalize_value(text, "TIME", None)["time"] == time


def test_time_with_a_date_and_non_times():
    assert normalize_value("2025年3月13日午後9時", "TIME", None) == {"time": "21:00", "date": "2025-03-13"}
    assert normalize_value("一時", "TIME", None) is None      # いちじ: "for a while"
    assert normalize_value("今夜", "TIME", None) is None


@pytest.mark.parametrize("label", ["PERSON", "GPE", "ORG", "CARDINAL", "", "NONSENSE"])
def test_other_labels_have_no_value(label):
    assert normalize_value("2025年3月13日", label, None) is None


@pytest.mark.parametrize("text", [None, 42, "\x00\x01", "%%%", "年月日", "兆兆円", "1.2.3.4ドル", "9" * 500, "億"])
@pytest.mark.parametrize("label", ["DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"])
def test_never_raises(text, label):
    value = normalize_value(text, label, "not a date")
    assert value is None or isinstance(value, dict)


def test_parse_number():
    assert parse_number("3.5兆") == 3.5e12
    assert parse_number("二十五") == 25
    assert parse_number("二〇二五") == 2025
    assert parse_number("2万5千") == 25000
    assert parse_number("1,500万") == 1.5e7
    assert parse_number("abc") is None


def test_value_keys_group_equal_values():
    key = lambda text, label: value_key(label, normalize_value(text, label, "2025-11-21"))  # noqa: E731
    assert key("2025年3月13日", "DATE") == key("March 13, 2025", "DATE") == "2025-03-13"
    assert key("約3000億ドル", "MONEY") == key("3000億ドル", "MONEY") == "300000000000 USD"
    assert key("35%", "PERCENT") == key("35パーセント", "PERCENT") == "35%"
    assert key("10万人", "QUANTITY") == "100000 人"
    assert key("21時32分", "TIME") == "21:32"
    assert value_key("DATE", None) is None
