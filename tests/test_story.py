"""Following the story through the CLI: the timeline of dated events, who said what, and
search that finds every spelling of a name, on the seeds and the shared Wikinews corpus."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from conftest import REPO, SHARED

WIKINEWS = SHARED / "bench" / "wikinews-ja"


def run(data_dir, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, READER_DATA_DIR=str(data_dir))
    result = subprocess.run([sys.executable, "-m", "reader", *args], cwd=REPO, capture_output=True, text=True,
                            encoding="utf-8", env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def run_json(data_dir, *args: str):
    return json.loads(run(data_dir, *args, "--json").stdout)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """The seeds plus two real Wikinews articles (no published date), indexed through the CLI."""
    for name in ("jawikinews_00011.txt", "jawikinews_00149.txt"):
        assert (WIKINEWS / name).is_file(), f"shared corpus missing: {WIKINEWS / name}"
    data = tmp_path_factory.mktemp("story-data")
    run(data, "index")
    run(data, "index", str(WIKINEWS / "jawikinews_00011.txt"), str(WIKINEWS / "jawikinews_00149.txt"))
    return data


def test_timeline_of_an_entity_lists_its_dated_sentences_in_date_order(indexed):
    events = run_json(indexed, "timeline", "--entity", "プーチン")
    assert events, "Putin has dated events in the seeds"
    keys = {"date", "precision", "date_text", "doc_id", "file_name", "start", "end", "text", "entities",
            "relative", "group"}
    assert all(keys <= set(e) for e in events)
    assert [e["date_from"] for e in events] == sorted(e["date_from"] for e in events)
    kursk = [e for e in events if e["date_text"] == "2024年8月"]
    assert kursk and kursk[0]["date"] == "2024-08" and kursk[0]["precision"] == "month"
    assert "クルスク訪問は2024年8月のウクライナの奇襲攻撃以来初めて" in kursk[0]["text"]
    assert any(x["name"] in ("プーチン", "ウラジーミル・プーチン") for x in kursk[0]["entities"])
    shown = run_json(indexed, "show", str(kursk[0]["doc_id"]))["text"]
    assert shown[kursk[0]["start"]:kursk[0]["end"]].strip() == kursk[0]["text"]


def test_ranges_and_relative_dates_resolve_against_the_documents_own_date(indexed):
    events = run_json(indexed, "timeline", "--limit", "1000")
    by_text = {}
    for e in events:
        by_text.setdefault((e["file_name"], e["date_text"]), e)
    late_march = by_text[("001_782aef6206ab1ebf.txt", "2025年3月下旬")]
    assert (late_march["date"], late_march["precision"]) == ("2025-03-21/2025-03-31", "range")
    # 本日 in two documents: each its own document's day, resolved against its published date.
    today_004 = by_text[("004_7ebdf0c8330a0b12.txt", "本日")]
    today_002 = by_text[("002_6c9cfde7eb9d63d6.txt", "本日")]
    assert today_004["date"] == "2025-11-24" and today_002["date"] == "2025-03-14"
    assert today_004["relative"] and today_004["anchor"] == "published" and not today_004["uncertain"]


def test_dates_of_an_undated_article_are_flagged_and_refer_back(indexed):
    events = run_json(indexed, "timeline", "--doc", "jawikinews_00011.txt")
    same_year = [e for e in events if e["date_text"] == "同年6月"]
    assert same_year and same_year[0]["date"] == "2007-06"          # the 2007年12月 mentioned before it
    intel = run_json(indexed, "timeline", "--doc", "jawikinews_00149.txt")
    assert run_json(indexed, "show", "jawikinews_00149.txt")["date"] is None
    july = [e for e in intel if e["date_text"] == "7月18日"]
    assert july and july[0]["relative"] and july[0]["uncertain"]   # no published date: the import date
    two_days = [e for e in intel if "21日" in e["date_text"]]     # 7月20・21日: one date of two days
    assert two_days and two_days[0]["precision"] == "range"
    assert [d[5:] for d in two_days[0]["date"].split("/")] == ["07-20", "07-21"]


def test_timeline_window_keeps_the_events_inside_it(indexed):
    events = run_json(indexed, "timeline", "--from", "2025-03", "--to", "2025-03")
    assert events and all("2025-03-01" <= e["date_from"] <= e["date_to"] <= "2025-03-31" for e in events)
    assert {"2025-03-13", "2025-03-21/2025-03-31"} <= {e["date"] for e in events}
    bad = run(indexed, "timeline", "--from", "March", check=False)
    assert bad.returncode == 1 and "not a date" in bad.stderr and "Traceback" not in bad.stderr


def test_statements_of_a_person_with_quote_cue_and_source(indexed):
    found = run_json(indexed, "statements", "--speaker", "プーチン")
    quote = [s for s in found if "地域の安全保障ゾーンを確立する必要がある" in s["text"]]
    assert quote and quote[0]["cue"] == "述べ" and quote[0]["file_name"] == "002_6c9cfde7eb9d63d6.txt"
    assert quote[0]["speaker"]["id"] and quote[0]["date"] == "2025-03-14"
    assert set(quote[0]) >= {"speaker", "text", "cue", "doc_id", "file_name", "start", "end", "date"}


def test_a_surname_alone_refers_back_to_the_full_name(indexed):
    found = run_json(indexed, "statements", "--doc", "002_6c9cfde7eb9d63d6.txt")
    wang = [s for s in found if "モスクワに停戦案を受け入れさせようとしている" in s["text"]]
    assert wang and wang[0]["speaker"]["name"] in ("ワン・シャオチュアン", "ワン")
    assert wang[0]["cue"] == "指摘し"


def test_an_unnamed_official_is_kept_as_written_on_the_countrys_side(indexed):
    found = run_json(indexed, "statements", "--speaker", "ロシア")
    official = [s for s in found if s["speaker"]["as_written"] == "ロシアの高官"]
    assert official and "キエフに有利に働く" in official[0]["text"]
    assert official[0]["speaker"]["id"] is None and official[0]["speaker"]["side"]["name"] == "ロシア"


def test_english_according_to_names_who_made_the_assessment(indexed):
    found = run_json(indexed, "statements", "--doc", "000_60ad3fcb420e1d94.txt")
    english = [s for s in found if s["cue"] == "according to"]
    assert english and english[0]["speaker"]["as_written"] == "the ministry’s own economists"
    assert english[0]["text"].startswith("the real challenge lies in swiftly finding a new economic role")


def test_wikinews_comment_and_continued_quotes(indexed):
    found = run_json(indexed, "statements")
    kato = [s for s in found if "多大な迷惑をかけて申し訳ない" in s["text"]]
    assert kato and "加藤新太郎" in kato[0]["speaker"]["name"]
    # 「…」と語った with no subject goes on with the last speaker (平野浩介氏).
    hirano = [s for s in found if "今年一杯には発表を行い" in s["text"]]
    assert hirano and "平野" in hirano[0]["speaker"]["name"]


def test_search_entity_finds_other_spellings_and_says_so(indexed):
    literal = run_json(indexed, "search", "Putin", "--limit", "100")
    expanded = run_json(indexed, "search", "Putin", "--entity", "--limit", "100")
    assert expanded["hits"] == literal["hits"]            # the literal search is unchanged
    extra = expanded["entity"]
    assert extra["passages"] > 0 and "プーチン" in extra["spellings"]
    assert extra["message"].startswith(f"also {extra['passages']} passage") and "as プーチン" in extra["message"]
    literal_places = {(h["doc_id"], h["passage_seq"]) for h in literal["hits"]}
    for hit in extra["hits"]:
        assert (hit["doc_id"], hit["passage_seq"]) not in literal_places
        text = run_json(indexed, "show", str(hit["doc_id"]))["text"]
        assert all("プーチン" in text[s:e] for s, e in hit["matches"])
    printed = run(indexed, "search", "Putin", "--entity").stdout
    assert "also" in printed and "as プーチン" in printed


def test_search_entity_on_a_word_that_is_no_name_is_the_literal_search(indexed):
    result = run_json(indexed, "search", "停戦", "--entity")
    assert result["entity"] is None and result["hits"] == run_json(indexed, "search", "停戦")["hits"]


# -- the resolver itself, on expressions from the seeds ----------------------------------------

@pytest.mark.parametrize("expression, anchor, value, precision", [
    ("2025年3月13日", None, "2025-03-13", "day"),
    ("2024年8月", None, "2024-08", "month"),
    ("2025年3月末", None, "2025-03-21/2025-03-31", "range"),
    ("2014年", None, "2014", "year"),
    ("本日", date(2025, 11, 24), "2025-11-24", "day"),
    ("昨日", date(2025, 11, 24), "2025-11-23", "day"),
    ("先週", date(2025, 11, 24), "2025-11-17/2025-11-23", "range"),
    ("今月15日", date(2025, 11, 24), "2025-11-15", "day"),
    ("11日", date(2025, 11, 24), "2025-11-11", "day"),
    ("28日", date(2025, 12, 2), "2025-11-28", "day"),      # the nearest sensible month: the one just past
    ("昨年", date(2025, 11, 24), "2024", "year"),
    ("来月", date(2025, 11, 24), "2025-12", "month"),
    ("Tuesday", date(2025, 11, 24), "2025-11-25", "day"),
    ("last week", date(2025, 11, 24), "2025-11-17/2025-11-23", "range"),
    ("late 2022", None, "2022-09-01/2022-12-31", "range"),
    ("12月28日", date(2025, 1, 5), "2024-12-28", "day"),
])
def test_date_expressions_resolve_with_a_precision(expression, anchor, value, precision):
    from reader.nlp.dates import resolve_date

    resolved = resolve_date(expression, anchor)
    assert (resolved.value, resolved.precision) == (value, precision)


def test_relative_dates_without_a_known_date_stay_in_their_document():
    from reader.nlp.canonical import Linker, Mention

    mentions = [Mention("a" * 64, 10, 12, "DATE", "本日"), Mention("b" * 64, 5, 7, "DATE", "本日"),
                Mention("c" * 64, 5, 7, "DATE", "今日"), Mention("d" * 64, 0, 2, "DATE", "本日")]
    _, ids = Linker().link(mentions, doc_dates={"c" * 64: "2025-11-24", "d" * 64: "2025-11-24"})
    assert ids[0] != ids[1]                       # undated: never one cross-document entity
    assert ids[2] == ids[3] == "DATE:2025-11-24"  # dated: the day itself


def test_two_documents_reporting_one_event_share_a_group(tmp_path):
    """A second article with a sentence of seed 002: the same date and entities, one event."""
    report = tmp_path / "kursk.txt"
    sentence = "ロシアの国防省は、2025年3月13日にウクライナ領内のクルスク地方でロシア軍がスズジャという重要な町を奪還したと発表した。"
    assert sentence in (REPO / "seeds" / "002_6c9cfde7eb9d63d6.txt").read_text(encoding="utf-8")
    report.write_text(f"クルスク奪還の報告\n\n2025年3月15日\n\n{sentence}\n", encoding="utf-8")
    data = tmp_path / "data"
    run(data, "index")
    run(data, "index", str(report))
    events = [e for e in run_json(data, "timeline", "--from", "2025-03-13", "--to", "2025-03-13")
              if e["text"] == sentence]
    assert {e["file_name"] for e in events} == {"kursk.txt", "002_6c9cfde7eb9d63d6.txt"}
    assert len({e["group"] for e in events}) == 1
    others = [e for e in run_json(data, "timeline", "--limit", "1000") if e["text"] != sentence]
    assert events[0]["group"] not in {e["group"] for e in others if e["file_name"] == "kursk.txt"}


def test_export_adds_a_timeline_and_a_statements_page_linking_back_to_notes(indexed, tmp_path):
    run(indexed, "notes", "add", "002_6c9cfde7eb9d63d6.txt", "299", "331", "--note", "the official's claim")
    note = run_json(indexed, "notes", "list")[0]
    out = tmp_path / "vault"
    out.mkdir()
    run(indexed, "export", "--timeline", "--statements", "ロシア", "--out", str(out))
    notes_file = (out / "Reader notes.md").read_text(encoding="utf-8")
    timeline = notes_file[notes_file.index("# Timeline"):notes_file.index("# Statements")]
    dates = [line.split("**")[1] for line in timeline.splitlines() if line.startswith("- **")]
    assert dates and dates == sorted(dates) and "2025-03-13" in dates
    assert all(line.rstrip().split(" ")[-1].startswith("^t") for line in timeline.splitlines() if line.startswith("- "))
    page = notes_file[notes_file.index("# Statements: ロシア"):]
    official = [line for line in page.splitlines() if "キエフに有利に働く" in line]
    assert official and f"[[Reader notes#^{note['uuid'][:8]}]]" in official[0] and "2025-03-14" in official[0]


def test_today_in_two_documents_is_two_date_entities(indexed):
    dates = run_json(indexed, "entities", "--type", "DATE")
    today = {e["id"] for e in dates if "本日" in e["aliases"]}
    assert {"DATE:2025-11-24", "DATE:2025-03-14"} <= today
