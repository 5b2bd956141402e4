"""Dates as a reader sees them: era years, kanji and full-width numerals, and relative words
(本日, 明年, yesterday) resolved against the document's own date, the same way by the timeline
(`reader.nlp.dates`), the entity values (`reader.nlp.normalize`) and the document's date."""
from __future__ import annotations

from datetime import date

import pytest

from reader.calendar_words import EN_REL_DAY, REFER_BACK, REL_DAY, REL_MONTH, REL_WEEK, REL_YEAR
from reader.nlp.dates import find_relative_dates, is_relative_date, resolve_date
from reader.nlp.normalize import normalize_value

ARTICLE_DAY = date(2025, 11, 24)          # a Monday


@pytest.mark.parametrize("expression, value", [
    ("平成14年", "2002"), ("平成十四年", "2002"), ("昭和元年", "1926"), ("大正元年", "1912"),
    ("明治45年", "1912"), ("明治元年", "1868"), ("昭和64年1月7日", "1989-01-07"), ("平成31年4月30日", "2019-04-30"),
    ("令和元年5月1日", "2019-05-01"), ("令和７年３月１３日", "2025-03-13"), ("平成元年", "1989"),
])
def test_every_era_from_meiji_gives_the_western_year(expression, value):
    assert resolve_date(expression, None).value == value
    assert normalize_value(expression, "DATE", None)["date"] == value


@pytest.mark.parametrize("expression", ["昭和70年", "大正20年", "平成40年"])
def test_a_year_an_era_never_had_is_no_date(expression):
    assert resolve_date(expression, ARTICLE_DAY) is None
    assert normalize_value(expression, "DATE", "2025-11-24") is None


@pytest.mark.parametrize("expression, value", [
    ("二〇二五年", "2025"), ("二千二十五年三月", "2025-03"), ("二〇二五年三月十三日", "2025-03-13"),
    ("２０２５年３月１３日", "2025-03-13"), ("二十五日", "2025-11-25"), ("２５日", "2025-11-25"),
    ("十一月二十日", "2025-11-20"),
])
def test_kanji_and_full_width_numerals(expression, value):
    assert resolve_date(expression, ARTICLE_DAY).value == value
    assert normalize_value(expression, "DATE", "2025-11-24")["date"] == value


def test_vague_counts_are_not_years():
    for expression in ("数十年", "何百年", "数千年"):
        assert resolve_date(expression, ARTICLE_DAY) is None
        assert normalize_value(expression, "DATE", "2025-11-24") is None


@pytest.mark.parametrize("expression, value", [
    ("明年", "2026"), ("来年", "2026"), ("再来年", "2027"), ("昨年", "2024"), ("一昨年", "2023"),
    ("おととし", "2023"), ("今年", "2025"), ("明年3月", "2026-03"),
    ("先月", "2025-10"), ("来月", "2025-12"), ("再来月", "2026-01"), ("先々月", "2025-09"),
    ("本日", "2025-11-24"), ("今日", "2025-11-24"), ("今朝", "2025-11-24"), ("今夜", "2025-11-24"),
    ("昨夜", "2025-11-23"), ("昨日", "2025-11-23"), ("一昨日", "2025-11-22"), ("明日", "2025-11-25"),
    ("yesterday", "2025-11-23"), ("Yesterday", "2025-11-23"), ("today", "2025-11-24"),
    ("last night", "2025-11-23"), ("tomorrow", "2025-11-25"), ("the day before yesterday", "2025-11-22"),
    ("next month", "2025-12"), ("last month", "2025-10"), ("next year", "2026"), ("last year", "2024"),
])
def test_relative_words_resolve_against_the_article_date(expression, value):
    """The timeline and the entity value agree on every relative word."""
    assert resolve_date(expression, ARTICLE_DAY).value == value
    assert normalize_value(expression, "DATE", "2025-11-24")["date"] == value


@pytest.mark.parametrize("expression, value", [
    ("先週", "2025-11-17/2025-11-23"), ("来週", "2025-12-01/2025-12-07"), ("last week", "2025-11-17/2025-11-23"),
    ("next week", "2025-12-01/2025-12-07"), ("先週の火曜日", "2025-11-18"), ("next Friday", "2025-12-05"),
])
def test_weeks_are_ranges_on_the_timeline(expression, value):
    assert resolve_date(expression, ARTICLE_DAY).value == value


@pytest.mark.parametrize("word", sorted({*REL_DAY, *REL_WEEK, *REL_MONTH, *REL_YEAR, *EN_REL_DAY, *REFER_BACK}))
def test_a_relative_word_in_an_undated_document_is_not_given_a_date(word):
    assert resolve_date(word, None) is None
    assert normalize_value(word, "DATE", None) is None
    assert is_relative_date(word)                 # so it stays its own document's entity


@pytest.mark.parametrize("expression, value", [
    ("翌日", "2024-03-14"), ("前日", "2024-03-12"), ("翌年", "2025"), ("前年", "2023"), ("前年3月", "2023-03"),
    ("翌月", "2024-04"), ("前月15日", "2024-02-15"), ("同年末", "2024-12-01/2024-12-31"), ("同日", "2024-03-13"),
    ("翌週", "2024-03-18/2024-03-24"),
])
def test_words_that_count_from_the_date_named_before(expression, value):
    previous = resolve_date("2024年3月13日", None)
    assert resolve_date(expression, ARTICLE_DAY, previous).value == value
    assert resolve_date(expression, ARTICLE_DAY) is None      # nothing named before: not guessed


def test_comparisons_with_the_year_before_are_not_dates():
    text = "輸出は前年比で3割増えた。前日比でも上がった。翌年、制度が始まった。"
    found = [text[s:e] for s, e in find_relative_dates(text, "ja")]
    assert found == ["翌年"]


def test_the_timeline_finds_relative_words_the_tagger_may_pass_over():
    text = "今朝、首相は明年の予算について語った。昨夜の攻撃は再来年の計画に響く。"
    assert [text[s:e] for s, e in find_relative_dates(text, "ja")] == ["今朝", "明年", "昨夜", "再来年"]
    english = "Delegates met yesterday and last night; talks resume the day after tomorrow."
    assert [english[s:e] for s, e in find_relative_dates(english, "en")] == \
        ["yesterday", "last night", "the day after tomorrow"]


@pytest.mark.parametrize("dateline, day", [
    ("平成14年3月5日", "2002-03-05"), ("昭和64年1月7日", "1989-01-07"), ("令和元年5月1日", "2019-05-01"),
    ("大正元年8月1日", "1912-08-01"),
])
def test_an_era_dateline_gives_the_document_its_date(dateline, day):
    from reader.ingest.metadata import find_date_stamp, _iso_date

    assert _iso_date(find_date_stamp(f"記事\n{dateline}\n本文")) == day


def test_today_in_two_documents_is_two_dates_and_undated_ones_stay_apart():
    from reader.nlp.canonical import Linker, Mention

    a, b, c, d = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)
    mentions = [Mention(a, 0, 2, "DATE", "本日"), Mention(b, 0, 2, "DATE", "本日"),
                Mention(c, 0, 9, "DATE", "yesterday"), Mention(c, 20, 22, "DATE", "明年"),
                Mention(d, 0, 2, "DATE", "明年"), Mention(a, 5, 7, "DATE", "翌年"), Mention(b, 5, 7, "DATE", "翌年")]
    _, ids = Linker().link(mentions, doc_dates={a: "2025-11-24", b: "2025-03-14", c: "2025-11-24"})
    assert ids[:4] == ["DATE:2025-11-24", "DATE:2025-03-14", "DATE:2025-11-23", "DATE:2026"]
    assert ids[4] != ids[3] and not ids[4][5].isdigit()     # undated 明年: no year, that document's own
    assert ids[5] != ids[6]                                  # 翌年 follows its own document's dates


def test_an_indexed_library_resolves_each_article_against_its_own_date(tmp_path):
    """Three articles through the real indexer: an English one and a Japanese one with a
    dateline, and an undated Japanese one."""
    from reader.queries.entities import list_entities
    from reader.queries.story import timeline
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "geneva.txt").write_text(
        "Talks resume in Geneva\n\nNovember 24, 2025\n\n"
        "Ukrainian and American delegates met in Geneva yesterday to discuss the peace plan.\n", encoding="utf-8")
    (folder / "budget.txt").write_text(
        "予算案の閣議決定\n\n令和7年11月24日\n\n政府は本日、明年の防衛予算案を閣議決定した。"
        "平成14年に始まった制度は昨年見直された。\n", encoding="utf-8")
    (folder / "undated.txt").write_text(
        "会見の記録\n\n政府は本日、明年の計画を発表した。外務省は昨年の交渉について説明した。\n", encoding="utf-8")
    db = open_index(tmp_path / "index.sqlite")
    assert not Indexer(db).index([folder]).errors

    events = {(e.file_name, e.date_text): e for e in timeline(db, limit=100)}
    assert events[("geneva.txt", "yesterday")].date == "2025-11-23"
    assert events[("geneva.txt", "yesterday")].anchor == "published"     # the dateline is the article's date
    assert events[("budget.txt", "本日")].date == "2025-11-24"
    assert events[("budget.txt", "本日")].anchor == "published"
    assert events[("budget.txt", "明年")].date == "2026"
    assert events[("budget.txt", "平成14年")].date == "2002"
    assert events[("undated.txt", "本日")].uncertain        # the timeline says it only guessed

    dates = list_entities(db, "DATE")
    today = {e.id for e in dates if "本日" in e.aliases}
    assert "DATE:2025-11-24" in today and len(today) == 2   # one entity per document, never shared
    undated_today = (today - {"DATE:2025-11-24"}).pop()
    assert not undated_today[len("DATE:"):][0].isdigit()     # the undated one is given no date
    last_year = {e.id for e in dates if "昨年" in e.aliases}
    assert "DATE:2024" in last_year and len(last_year) == 2
