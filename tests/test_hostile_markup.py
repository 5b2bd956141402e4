"""Pages and books never lose text silently: deep nesting, huge text nodes and repeated
paragraphs are read whole, or refused with the reason; one-line files and archives of many
members stay within memory proportional to their text."""
from __future__ import annotations

import random
import tracemalloc

import pytest

import hostile_files as hostile
from reader.ingest import IngestError, load_file
from reader.ingest import epub as epub_module
from reader.ingest.markup import parse_html

pytestmark = pytest.mark.timeout(300)


def words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("depth", [300, 1500])
def test_a_page_nested_deeper_than_the_parser_limit_is_read_whole(depth) -> None:
    text = load_file("/tmp/deep.html", hostile.deeply_nested_html(depth)).text
    assert text.startswith("Before the nesting") and text.endswith("late at night.")
    assert [w for w in words(text) if w.startswith("inner")] == [f"inner{i}" for i in range(40)]


def test_a_page_nested_deeper_than_any_parser_reads_is_refused_with_the_reason() -> None:
    with pytest.raises(IngestError) as refused:
        load_file("/tmp/deeper.html", hostile.deeply_nested_html(3000))
    assert "nested" in str(refused.value) and "levels deep" in str(refused.value)
    assert "navigation" not in str(refused.value)


def test_a_text_node_over_ten_megabytes_is_kept_with_what_follows() -> None:
    size = 11 * 1024 * 1024
    text = load_file("/tmp/node.html", hostile.huge_text_node_html(size)).text
    assert text.startswith("First paragraph") and text.endswith("Last paragraph after the long one.")
    assert len(text) > size


def test_identical_paragraphs_are_all_kept() -> None:
    doc = load_file("/tmp/repeats.html", hostile.repeated_paragraphs_html(100))
    assert doc.text.count("The ceasefire holds along the whole front line this week.") == 100
    assert "\U0001d001" not in doc.text


def test_an_epub_chapter_nested_three_hundred_divs_deep_is_read_whole() -> None:
    text = load_file("/tmp/deep.epub", hostile.epub_deep_chapter(300)).text
    assert text.split("\n") == ["First paragraph of the chapter.", "Deep inside the chapter.",
                                "Last paragraph of the chapter."]


def test_a_doctype_internal_subset_leaves_nothing_in_the_text() -> None:
    subset = '<!DOCTYPE html [ <!ENTITY company "Reuters"> ]>'
    book = hostile.epub({"c.xhtml": hostile.xhtml("<p>Talks&nbsp;resumed.</p>", subset)})  # (&nbsp;: read as HTML)
    assert load_file("/tmp/subset.epub", book).text == "Talks\u00a0resumed."
    page = f"{subset}<html><body><p>Talks resumed in Istanbul.</p></body></html>".encode()
    assert load_file("/tmp/subset.html", page).text == "Talks resumed in Istanbul."


def test_text_after_the_end_of_the_page_is_kept() -> None:
    page = b"<html><body><p>The talks began.</p></body></html><p>They went on after the end tag.</p>"
    assert load_file("/tmp/after.html", page).text == "The talks began.\nThey went on after the end tag."


def test_a_parser_that_loses_text_is_caught_by_comparing_with_the_source() -> None:
    """However the parser loses text, the letters it kept are compared with the source's."""
    page = "<html><body><p>" + " ".join(f"word{i}" for i in range(2000)) + "</p></body></html>"
    assert parse_html(page) is not None
    with pytest.raises(IngestError, match="cannot be read"):
        from reader.ingest.markup import refuse_if_text_lost
        refuse_if_text_lost(page, parse_html("<html><body><p>word0</p></body></html>"))


def test_an_epub_of_many_members_each_under_the_member_check_is_refused_as_a_whole() -> None:
    book = hostile.epub_many_padded_members(200, 1024 * 1024 - 100)
    assert len(book) < 1024 * 1024
    with pytest.raises(IngestError, match="as a whole.*ZIP bomb"):
        load_file("/tmp/padded.epub", book)


def _peak_while(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_one_line_text_file_takes_memory_in_proportion_to_its_text() -> None:
    from reader.store.indexer import prepare

    size = 8 * 1024 * 1024
    data = hostile.one_line_text(size)
    peak = _peak_while(lambda: prepare("/tmp/one line.txt", data))
    assert peak < 4 * size + 32 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB for {size / 1024 / 1024:.0f} MB of text"


def test_a_long_book_takes_memory_in_proportion_to_its_text() -> None:
    generator = random.Random(13)
    vocabulary = ["".join(generator.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) for _ in range(5000)]
    chapter = hostile.xhtml("<p>" + " ".join(generator.choice(vocabulary) for i in range(300_000)) + "</p>")
    book = hostile.epub({f"c{i}.xhtml": chapter for i in range(4)})
    text_size = 4 * len(chapter)
    peak = _peak_while(lambda: load_file("/tmp/long.epub", book))
    assert peak < 4 * text_size + 32 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB for {text_size / 1024 / 1024:.0f} MB"


def test_a_long_paragraph_becomes_passages_of_bounded_size() -> None:
    from reader.ingest.passages import MAX_PASSAGE_CHARS

    doc = load_file("/tmp/one line.txt", hostile.one_line_text(3 * MAX_PASSAGE_CHARS + 5))
    assert len(doc.passages) == 4 and all(p.end - p.start <= MAX_PASSAGE_CHARS for p in doc.passages)
    assert " ".join(doc.text[p.start:p.end] for p in doc.passages) == doc.text.strip()
    assert epub_module.MAX_COMPRESSION_RATIO == 100
