"""Paragraphs, sentences and language tags, with offsets into the document text."""
from __future__ import annotations

from pathlib import Path

import pytest

from reader.ingest import load_file
from reader.ingest.model import ENGLISH, JAPANESE, KOREAN, OTHER
from reader.ingest.passages import language_of, script_counts, split_passages

REPO = Path(__file__).parents[1]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
WIKINEWS = REPO / ".." / "shared" / "bench" / "wikinews-ja"


def seed_text(prefix: str) -> str:
    return next((REPO / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return [text[p.start:p.end] for p in split_passages(text)]


def sentences(text: str) -> list[str]:
    return [text[s.start:s.end] for p in split_passages(text) for s in p.sentences]


# --- Offsets -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name[:3])
def test_passages_and_sentences_are_ordered_trimmed_spans_of_the_text(path: Path) -> None:
    doc = load_file(path)
    previous_end = 0
    for passage in doc.passages:
        content = doc.text[passage.start:passage.end]
        assert passage.start >= previous_end and content and content == content.strip()
        assert passage.sentences and passage.sentences[0].start == passage.start
        assert passage.sentences[-1].end == passage.end
        for before, after in zip(passage.sentences, passage.sentences[1:]):
            assert before.end <= after.start
            assert doc.text[before.end:after.start].strip() == ""     # nothing falls between sentences
        for sentence in passage.sentences:
            piece = doc.text[sentence.start:sentence.end]
            assert piece and piece == piece.strip()
        previous_end = passage.end


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name[:3])
def test_every_non_blank_line_belongs_to_a_passage(path: Path) -> None:
    doc = load_file(path)
    covered = "".join(doc.text[p.start:p.end] + "\n" for p in doc.passages)
    assert sorted(covered.split()) == sorted(doc.text.split())


def test_indentation_with_ideographic_spaces_is_outside_the_passage() -> None:
    text = seed_text("001")
    first = next(p for p in paragraphs(text) if p.startswith("ドナルド・トランプ大統領"))
    assert text[text.index(first) - 1] == " "


# --- Paragraphs ----------------------------------------------------------------------------

def test_each_line_of_scraped_japanese_is_a_paragraph() -> None:
    found = paragraphs(seed_text("002"))
    assert found[:3] == ["停戦交渉の核心 ― 2025年03月14日 19:27", "【桃源寸評】",
                         "トランプの交渉テクニックの本質は、脅迫乃至恐喝であるようだ。"]
    assert len(found) == len([line for line in seed_text("002").split("\n") if line.strip()])


def test_hard_wrapped_english_lines_join_into_one_paragraph() -> None:
    found = paragraphs(seed_text("004"))
    lead = next(p for p in found if p.startswith("After days of shuttle diplomacy"))
    assert lead.endswith("amid a deteriorating front line")
    assert "Witkoff in Moscow: Is Kiev still at the table or on the menu?" in found   # its headline stays apart


def test_japanese_headline_lines_are_not_joined() -> None:
    found = paragraphs(seed_text("004"))
    assert found[1:4] == ["モスクワのウィトコフ:キーウは", "交渉の席に居るのか、それとも", "食卓に載せられるのか"]


def test_japanese_line_broken_after_a_comma_continues() -> None:
    assert paragraphs("ロシアは提案を検討した後、\n回答すると述べた。\n次の段落。") == [
        "ロシアは提案を検討した後、\n回答すると述べた。", "次の段落。"]


def test_short_english_lines_and_list_items_stay_apart() -> None:
    text = "Analysis\nConflict+\nRelated Info+\n\n- first point of the list without a full stop\n- second point\n"
    assert paragraphs(text) == ["Analysis", "Conflict+", "Related Info+",
                                "- first point of the list without a full stop", "- second point"]


def test_decimal_torn_across_a_blank_line_is_mended() -> None:
    found = paragraphs(seed_text("000"))
    torn = next(p for p in found if "record mid-year budget deficit of 3." in p)
    assert "3.\n\n7 trillion roubles ($45.8 billion)" in torn
    assert not any(p.startswith("7 trillion roubles") for p in found)


# --- Sentences -----------------------------------------------------------------------------

def test_japanese_sentences_end_at_full_stops_and_exclamations() -> None:
    assert sentences("Norrisさん、こんばんは!ミミです。本日もお届けします!?まさか！本当？ええ．") == [
        "Norrisさん、こんばんは!", "ミミです。", "本日もお届けします!?", "まさか！", "本当？", "ええ．"]


def test_quotations_in_brackets_do_not_end_the_sentence() -> None:
    text = "彼は「停戦は無理だ。まだ早い！」と述べた。ロシアは（詳細を検討した。）と回答。"
    assert sentences(text) == ["彼は「停戦は無理だ。まだ早い！」と述べた。", "ロシアは（詳細を検討した。）と回答。"]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert sentences("「もう限界だ。」\u3000ギンが言った。") == ["「もう限界だ。」", "ギンが言った。"]
    assert sentences('停戦だ。」と言って去った。次だ。') == ['停戦だ。」', 'と言って去った。', '次だ。']


def test_an_unclosed_bracket_does_not_swallow_the_paragraph() -> None:
    assert sentences("「平和プ。ロシアは冷静だ。米国は警告した。") == ["「平和プ。", "ロシアは冷静だ。", "米国は警告した。"]


def test_english_sentences_respect_abbreviations_decimals_and_quotes() -> None:
    text = ('Mr. Witkoff met U.S. officials and Dr. Kim at 3 p.m. on Friday. The deficit is $3.7 billion, '
            'about 2.5 per cent of GDP. "We are close." He left! Was it over? No. 5 is next.')
    assert sentences(text) == [
        "Mr. Witkoff met U.S. officials and Dr. Kim at 3 p.m. on Friday.",
        "The deficit is $3.7 billion, about 2.5 per cent of GDP.",
        '"We are close."', "He left!", "Was it over?", "No. 5 is next."]


def test_dotted_names_and_numbered_headings_in_japanese_are_not_cut() -> None:
    assert sentences("J.D.バンス上院議員は発言した。1.米国の交渉姿勢の変化") == [
        "J.D.バンス上院議員は発言した。", "1.米国の交渉姿勢の変化"]


def test_list_numbers_do_not_make_sentences_of_their_own() -> None:
    assert sentences("1. 制裁と関税の乱用がもたらす「信認の摩耗」") == ["1. 制裁と関税の乱用がもたらす「信認の摩耗」"]
    assert sentences("2. Sanctions backfire. They hurt allies.") == ["2. Sanctions backfire.", "They hurt allies."]


def test_urls_are_not_cut_at_their_dots_or_question_marks() -> None:
    url = "https://open.substack.com/pub/korybko/p/x?utm_source=post&r=2gkj"
    assert sentences(f"出典は {url} です。") == [f"出典は {url} です。"]


# --- Languages -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, lang", [
    ("ロシアは提案を検討した。", JAPANESE),
    ("比較分析", JAPANESE),
    ("Microsoft Designerで作成", JAPANESE),          # Japanese grammar around an English name
    ("Why Russia has come to the table", ENGLISH),
    ("The NATO summit in 東京 was short.", ENGLISH),
    ("남아공 베커스달 총기 난사", KOREAN),
    ("Москва и Киев", OTHER),
    ("--:-- 2025 ($45.8)", OTHER),
    ("https://www.globaltimes.cn/page/202503/1330088.shtml", OTHER),   # a URL is not English
])
def test_language_by_script(text: str, lang: str) -> None:
    assert language_of(script_counts(text)) == lang


def test_passage_and_sentence_languages_in_a_mixed_seed() -> None:
    doc = load_file(next(path for path in SEEDS if path.name.startswith("000")))
    by_text = {doc.text[p.start:p.end]: p for p in doc.passages}
    assert by_text["ロシアが交渉の場に出てきた理由"].lang == JAPANESE
    assert by_text["Why Russia has come to the table"].lang == ENGLISH
    korean = load_file(next(path for path in SEEDS if path.name.startswith("003")))
    assert any(p.lang == KOREAN for p in korean.passages)


def test_wikinews_one_sentence_per_line() -> None:
    if not WIKINEWS.is_dir():
        pytest.skip("shared bench corpus not available")
    for path in sorted(WIKINEWS.glob("*.txt"))[:30]:
        doc = load_file(path)
        body = [p for p in doc.passages[1:] if doc.text[p.start:p.end].endswith("。")]
        single = sum(len(p.sentences) == 1 for p in body)
        assert single >= 0.9 * len(body), path.name
