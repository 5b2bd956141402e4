"""Search returns exactly the passages that contain the query, for Japanese of any length and English."""
from __future__ import annotations

import re

import pytest

from reader.queries.documents import get_document, list_documents
from reader.queries.search import search


def _passages(db):
    """(doc id, seq, text) of every searchable passage: repeats of earlier passages excluded."""
    for summary in list_documents(db):
        detail = get_document(db, summary.id)
        for p in detail.passages:
            if p.duplicate_of is None:
                yield summary.id, p.seq, detail.text[p.start:p.end]


def _brute_force(db, contains) -> set[tuple[int, int]]:
    return {(doc, seq) for doc, seq, text in _passages(db) if contains(text)}


def _found(db, query) -> set[tuple[int, int]]:
    result = search(db, query, limit=10_000)
    assert not result.more
    return {(h.doc_id, h.passage_seq) for h in result.hits}


JAPANESE_QUERIES = ["米", "露", "停戦", "制裁", "交渉", "和平", "ロシア", "プーチン", "ウクライナ", "クルスク",
                    "トランプ大統領", "30日間", "停戦合意", "の", "ー", "国防省", "キーウ", "キエフ"]


@pytest.mark.parametrize("query", JAPANESE_QUERIES)
def test_japanese_query_finds_exactly_the_passages_containing_it(seeds_index, query):
    expected = _brute_force(seeds_index, lambda text: query in text)
    assert _found(seeds_index, query) == expected


ENGLISH_QUERIES = ["Putin", "putin", "TRUMP", "the", "Ukraine", "peace", "Kremlin", "Witkoff", "NATO"]


@pytest.mark.parametrize("query", ENGLISH_QUERIES)
def test_english_query_matches_whole_words_case_insensitively(seeds_index, query):
    # A word ends at anything but a Latin letter or digit: "NATOの" holds the word NATO.
    word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(query)}(?![A-Za-z0-9])", re.IGNORECASE)
    expected = _brute_force(seeds_index, lambda text: word.search(text) is not None)
    assert _found(seeds_index, query) == expected


def test_some_queries_find_something(seeds_index):
    # Guards the parametrised tests above against all agreeing on "nothing".
    for query in ["停戦", "米", "プーチン", "Putin", "制裁"]:
        assert search(seeds_index, query).hits, query


def test_several_words_must_all_occur(seeds_index):
    expected = _brute_force(seeds_index, lambda t: "停戦" in t and "ロシア" in t)
    assert expected
    assert _found(seeds_index, "停戦 ロシア") == expected
    assert _found(seeds_index, "停戦　ロシア") == expected  # ideographic space separates too


def test_quoted_phrase_is_kept_together(seeds_index):
    phrase = re.compile(r"(?<![A-Za-z0-9])peace\s+proposals(?![A-Za-z0-9])", re.I)
    expected = _brute_force(seeds_index, lambda t: phrase.search(t) is not None)
    assert expected
    assert _found(seeds_index, '"peace proposals"') == expected
    # Unquoted, the words may be apart; quoted, they must be together.
    assert _found(seeds_index, '"proposals peace"') == set()
    assert _found(seeds_index, "proposals peace") == expected


def test_full_width_and_half_width_forms_match(seeds_index):
    assert _found(seeds_index, "ＮＡＴＯ") == _found(seeds_index, "NATO")


def test_hit_carries_offsets_and_highlighted_snippet(seeds_index):
    hit = search(seeds_index, "停戦").hits[0]
    text = get_document(seeds_index, hit.doc_id).text
    for start, end in hit.matches:
        assert text[start:end] == "停戦"
        assert hit.start <= start < end <= hit.end
    for start, end in hit.snippet_matches:
        assert hit.snippet[start:end] == "停戦"
    assert hit.snippet_matches


def test_repeated_article_is_found_once(seeds_index):
    # Seed 002 prints its article twice; search must not count it double.
    dup_doc = next(d for d in list_documents(seeds_index) if d.file_name.startswith("002"))
    detail = get_document(seeds_index, dup_doc.id)
    repeated = [p for p in detail.passages if p.duplicate_of is not None]
    assert repeated
    hits = search(seeds_index, "停戦", limit=10_000).hits
    assert not any(h.doc_id == dup_doc.id and h.passage_seq in {p.seq for p in repeated} for h in hits)


HOSTILE = [
    '"', '""', "'", "*", "**", "-", "^", ":", "(", ")", "((停戦", "停戦)", "NEAR", "NEAR(停戦 ロシア, 5)",
    "停戦 AND", "OR OR OR", "NOT 停戦", 'grams:"x"', "unigrams:米", "停戦*", "{grams}: x", "a:b:c", "\\",
    "'; DROP TABLE documents; --", "\x00", "😀", "停戦😀", "🇺🇦", "\u200b", "   ", "", "%", "_", "ー" * 3,
    "停" * 10_000, "peace " * 2_000, "x" * 10_000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: repr(q[:20]))
def test_hostile_query_never_raises_and_stays_exact(seeds_index, query):
    result = search(seeds_index, query, limit=50)
    for hit in result.hits:
        passage = get_document(seeds_index, hit.doc_id).text[hit.start:hit.end]
        assert hit.matches, query
        assert all(hit.start <= s < e <= hit.end for s, e in hit.matches)
        assert passage
    assert search(seeds_index, "停戦").hits  # the index is intact afterwards


def test_operators_are_plain_text(seeds_index):
    # "NOT 停戦" means the word NOT and 停戦, not "passages without 停戦".
    assert _found(seeds_index, "NOT 停戦") == _brute_force(
        seeds_index, lambda t: "停戦" in t and re.search(r"(?<![A-Za-z0-9])NOT(?![A-Za-z0-9])", t, re.I) is not None)


def test_limit_and_more(seeds_index):
    everything = search(seeds_index, "ロシア", limit=10_000).hits
    first = search(seeds_index, "ロシア", limit=3)
    assert len(first.hits) == 3 and first.more
    assert [h.passage_seq for h in first.hits] == [h.passage_seq for h in everything[:3]]
    assert len(everything) > 3


def test_folding_does_not_depend_on_other_characters_in_the_passage(tmp_path):
    """A passage with İ (whose lower case is two characters) folds like any other."""
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    (tmp_path / "a.txt").write_text("Talks in İstanbul: ＡＢＣ and ①.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Talks in Ankara: ＡＢＣ and ①.\n", encoding="utf-8")
    db = open_index(tmp_path / "index.sqlite")
    Indexer(db, entities=False).index([tmp_path])
    for query in ["abc", "ＡＢＣ", "①", "talks"]:
        assert len(search(db, query).hits) == 2, query


def test_sound_marks_in_a_query_do_not_hide_results(tmp_path):
    """FTS5 drops ゛ ゜ ゠ as separators; a query holding one must still find the passage."""
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    (tmp_path / "a.txt").write_text("停戦の記号゛と゠がある。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("停戦だけの段落。\n", encoding="utf-8")
    db = open_index(tmp_path / "index.sqlite")
    Indexer(db, entities=False).index([tmp_path])
    for query in ["停戦 ゛", "停戦 ゠", "号゛と"]:
        hits = search(db, query).hits
        assert [h.file_name for h in hits] == ["a.txt"], query
