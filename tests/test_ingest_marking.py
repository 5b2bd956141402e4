"""Repeated blocks and site chrome are marked (never removed), and real text is left alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from reader.ingest import build_document, load_file
from reader.ingest.model import Document, KOREAN
from reader.ingest.passages import script_counts

REPO = Path(__file__).parents[1]
WIKINEWS = REPO / ".." / "shared" / "bench" / "wikinews-ja"
AOZORA = REPO / ".." / "shared" / "bench" / "aozora"


def seed(prefix: str) -> Document:
    return load_file(next((REPO / "seeds").glob(f"{prefix}_*.txt")))


def document(text: str) -> Document:
    return build_document("/tmp/article.txt", text, "utf-8")


def passage_texts(doc: Document, *, boilerplate: bool | None = None, duplicate: bool | None = None) -> list[str]:
    return [doc.text[p.start:p.end] for p in doc.passages
            if (boilerplate is None or p.boilerplate == boilerplate)
            and (duplicate is None or (p.duplicate_of is not None) == duplicate)]


def japanese_chars(text: str) -> int:
    counts = script_counts(text)
    return counts.kana + counts.kanji


# --- Duplicates ----------------------------------------------------------------------------

def test_second_copy_of_the_article_in_seed_002_is_marked() -> None:
    doc = seed("002")
    half = len(doc.text) // 2
    second_half_chars = sum(max(0, p.end - max(p.start, half)) for p in doc.passages)
    duplicate_chars = sum(max(0, p.end - max(p.start, half)) for p in doc.passages if p.duplicate_of is not None)
    assert duplicate_chars >= 0.9 * second_half_chars
    for passage in doc.passages:
        if passage.duplicate_of is not None:
            original = doc.passages[passage.duplicate_of]
            assert doc.text[original.start:original.end] == doc.text[passage.start:passage.end]
            assert original.duplicate_of is None and original.start < half
    # The first copy is the one kept.
    assert not any(p.duplicate_of is not None for p in doc.passages if p.end <= half)


def test_no_duplicates_in_seeds_without_repeated_blocks() -> None:
    assert passage_texts(seed("001"), duplicate=True) == []
    assert passage_texts(seed("004"), duplicate=True) == []
    # 003 prints its headline twice at the top (under the site header and above the lead);
    # marking the second print is right. Its short Korean headlines repeat too, but alone.
    assert passage_texts(seed("003"), duplicate=True) == ["ウクライナ紛争、水面下の米露交渉の深層:地政学的圧力と未来への示唆"]


def test_repeated_headline_is_marked_but_speaker_labels_are_not() -> None:
    doc = seed("000")
    assert passage_texts(doc, duplicate=True) == ["ロシアが交渉の場に出てきた理由"]
    labels = [p for p in doc.passages if doc.text[p.start:p.end] in ("ミミ", "ギン")]
    assert len(labels) > 30 and all(p.duplicate_of is None and not p.boilerplate for p in labels)


def test_a_single_long_repeated_paragraph_is_a_duplicate_but_a_short_one_is_not() -> None:
    long_paragraph = "ロシアは、米国からの30日間の停戦提案に関する詳細を検討した後、返答するとしている。" * 2
    text = f"見出し\n{long_paragraph}\n別の話。\n以上。\n中略。\n{long_paragraph}\n以上。\n"
    doc = document(text)
    marked = [p for p in doc.passages if p.duplicate_of is not None]
    assert [doc.text[p.start:p.end] for p in marked] == [long_paragraph]
    assert marked[0].duplicate_of == 1


# --- Boilerplate ---------------------------------------------------------------------------

def test_korean_related_articles_block_in_seed_003_is_boilerplate() -> None:
    doc = seed("003")
    korean = [p for p in doc.passages if p.lang == KOREAN]
    assert len(korean) >= 10 and all(p.boilerplate for p in korean)
    assert all(p.boilerplate for p in doc.passages if doc.text[p.start:p.end] == "PoliticsKR")
    # The site header and lone labels at the top are chrome too.
    assert {"Liabooks Home|PRISM News", "Politics", "Source"} <= set(passage_texts(doc, boilerplate=True))


def test_chrome_lines_in_seed_000_are_boilerplate() -> None:
    marked = passage_texts(seed("000"), boilerplate=True)
    assert marked.count("--:--") == 2
    for chrome in ["2025-11-21Business", "Read original at News Source", "Conflict+", "Future+", "Related Podcasts"]:
        assert chrome in marked


def test_english_article_in_seed_000_is_not_boilerplate() -> None:
    doc = seed("000")
    english = [p for p in doc.passages if p.lang == "en" and p.end - p.start > 100]
    assert len(english) > 10 and not any(p.boilerplate for p in english)
    assert "Why Russia has come to the table" in passage_texts(doc, boilerplate=False)


def test_english_original_and_citations_are_kept() -> None:
    kept = passage_texts(seed("004"), boilerplate=False)
    assert "Witkoff in Moscow: Is Kiev still at the table or on the menu?" in kept
    assert "エントランへ" in passage_texts(seed("004"), boilerplate=True)
    cited = passage_texts(seed("001"), boilerplate=False)
    assert any(text.startswith("The US Is Toughening Its Negotiating Stance") for text in cited)
    assert passage_texts(seed("001"), boilerplate=True) == ["コメント", "トラックバック"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_real_japanese_text_is_not_marked_as_boilerplate(prefix: str) -> None:
    doc = seed(prefix)
    total = japanese_chars(doc.text)
    marked = sum(japanese_chars(doc.text[p.start:p.end]) for p in doc.passages if p.boilerplate)
    assert marked < 0.02 * total


def test_generic_chrome_rules() -> None:
    doc = document("Home\n\n米露交渉の行方\n\nシェア\n2025年5月10日 21:32\n本文はここにある。\n"
                   "© 2025 Example Media. All rights reserved.\n続きを読む\n* * *\nもう一段落ある。\n")
    assert passage_texts(doc, boilerplate=True) == [
        "Home", "シェア", "2025年5月10日 21:32", "© 2025 Example Media. All rights reserved.", "続きを読む", "* * *"]


def test_a_short_real_heading_is_not_chrome() -> None:
    doc = document("未来へ\n\n序章\n本文はここにある。\n「…………」\n沈黙が続いた。\n")
    assert passage_texts(doc, boilerplate=True) == []


def test_sources_related_news_and_external_links_are_link_lists() -> None:
    """Wikinews ends articles with 関連ニュース, 出典 and 外部リンク lists: not the article's text
    (they stay in the document, marked)."""
    article = "米露交渉が再開された。" * 20
    text = (article + "\n\n関連ニュース\n2016年8月16日(火):台風13号の影響で広島でも1人死亡\n"
            "\n出典\nUS envoy lands in Moscow for talks as Putin visits Kursk\n"
            "Reuters analysis of the talks in Geneva, second day\n"
            "\n外部リンク\n気象庁 台風情報\n")
    doc = document(text)
    assert passage_texts(doc, boilerplate=False) == [article]


def test_a_related_articles_box_above_the_article_ends_at_its_first_sentence() -> None:
    text = ("関連記事\n米露首脳が電話会談\n停戦案の骨子が判明\n"
            "ロシアとウクライナの代表団が協議した。\n"
            "出典\n朝日新聞社、2025年3月14日。\n『停戦交渉が再開』。\n")
    doc = document(text)
    assert passage_texts(doc, boilerplate=False) == ["ロシアとウクライナの代表団が協議した。"]


def test_corpora_have_little_boilerplate() -> None:
    if not WIKINEWS.is_dir() or not AOZORA.is_dir():
        pytest.skip("shared bench corpus not available")
    for folder in (WIKINEWS, AOZORA):
        docs = [load_file(path) for path in sorted(folder.glob("*.txt"))[:60]]
        marked = sum(p.end - p.start for doc in docs for p in doc.passages if p.boilerplate)
        assert marked < 0.02 * sum(doc.chars for doc in docs), folder.name
