"""PDF files with a text layer: page order, line joining, vertical Japanese; refusals."""
from __future__ import annotations

from pathlib import Path

import pytest

from reader.ingest import IngestError, load_file
from reader.ingest.pdf import join_lines

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def assert_in_order(text: str, sentences: list[str]) -> None:
    positions = [text.find(sentence) for sentence in sentences]
    assert all(p >= 0 for p in positions), [s for s, p in zip(sentences, positions) if p < 0]
    assert positions == sorted(positions)


def test_english_pages_in_order_with_hyphenation_undone() -> None:
    doc = load_file(FIXTURES / "english.pdf")
    assert doc.text.split("\n")[0] == "Russia and Ukraine resume talks in Istanbul"
    assert_in_order(doc.text, [
        "Negotiators from Russia and Ukraine met in Istanbul on Friday for the first direct talks in three "
        "years, with Turkish officials acting as hosts.",
        "ended without an agreement on a ceasefire.",           # "with-" / "out" joined
        "Both delegations agreed to exchange one thousand prisoners of war.",   # page 2
        "European leaders called the outcome disappointing",     # "out-" / "come" joined
        "unconditional thirty-day ceasefire.",                   # a real hyphen inside a line stays
    ])
    assert "Istan-" not in doc.text and "Istan bul" not in doc.text
    assert "\n\nBoth delegations" in doc.text                    # a new page, a new block
    assert (doc.title, doc.author, doc.languages) == ("Russia and Ukraine resume talks in Istanbul", "Jane Reporter", ["en"])


def test_japanese_lines_join_without_spaces() -> None:
    doc = load_file(FIXTURES / "japanese.pdf")       # Noto Sans CJK embedded by fpdf2, lines wrapped mid-sentence
    assert_in_order(doc.text, [
        "マレーシア航空17便がウクライナで撃墜か",
        "インタファクス通信は現地時間(モスクワ標準時、UTC+4)7月17日にロシア航空当局の話として、マレーシア航空の航空機が"
        "ウクライナ東部のドネツク州内に墜落、ウクライナ内務省の話として乗客280名、乗員15名の全員が死亡したと伝えている。",
        "マレーシア航空は自社のツイッターで、アムステルダム発クアラルンプール行のマレーシア航空17便がウクライナ上空で消息を絶ったと発表している。",
        "墜落したと見られる航空機は、アムステルダムからクアラルンプールへ向かっていたボーイング777型機。",   # page 2
        "ロイターの記者は、ロシアの国境から約40㎞離れている村・グラボベで、墜落した機体の残骸と、遺体を見つけ確認したと伝えている。",
    ])
    assert doc.title == "マレーシア航空17便がウクライナで撃墜か"
    assert doc.author == "ウィキニュース"
    assert doc.date == "2014-07-18T09:30"         # the PDF's creation date: the text states none
    assert doc.languages == ["ja"]
    sentences = [doc.text[s.start:s.end] for p in doc.passages for s in p.sentences]
    assert "ロシア航空当局は17時20分にロシア領空に入る予定であったが、ロシア国境より60キロメートル離れたウクライナ領内に緊急信号を出した後に墜落したとしている。" in sentences


def test_vertical_japanese_reads_top_to_bottom_right_to_left() -> None:
    doc = load_file(FIXTURES / "vertical.pdf")       # tategaki, a standard CID font with the -V CMap
    assert doc.text.split("\n")[0] == "ウクライナ・カトリック教会、本部をキエフに移転"
    assert_in_order(doc.text, [
        "21日、ウクライナ・ギリシャ=カトリック教会が、本部をウクライナ西部のリヴィフ(リヴィウ)から首都キエフに移転した。",
        "ウクライナ東方カトリック教会は、正教会から分かれた教会で、カトリック教会に属するが、典礼は正教会と同じ形式によって"
        "行うもので、帰一教会、東方典礼教会とも呼ばれる。",
    ])
    assert doc.author is None                        # reportlab's "anonymous" is no author


def test_password_protected_pdf_is_refused_clearly() -> None:
    with pytest.raises(IngestError, match="encrypted with a password"):
        load_file(FIXTURES / "encrypted.pdf")


def test_pdf_with_only_an_owner_password_is_read() -> None:
    doc = load_file(FIXTURES / "owner_password_only.pdf")     # encrypted, but opens without a password
    assert "Only an owner password." in doc.text
    assert "Negotiators from Russia and Ukraine met in Istanbul" in doc.text


def test_scanned_pdf_is_reported_not_imported_empty() -> None:
    with pytest.raises(IngestError, match=r"no text layer \(scanned\?\)"):
        load_file(FIXTURES / "scanned.pdf")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_reported(cut) -> None:
    data = (FIXTURES / "english.pdf").read_bytes()
    with pytest.raises(IngestError, match="damaged or incomplete"):
        load_file("/tmp/cut.pdf", data[: int(len(data) * cut)])


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    ("これはPDFではない。".encode(), "not a PDF"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 4, "damaged or incomplete"),
])
def test_files_that_are_not_pdfs(data, message) -> None:
    with pytest.raises(IngestError, match=message):
        load_file("/tmp/bad.pdf", data)


@pytest.mark.parametrize("previous,line,joined", [
    ("met in Istan-", "bul on Friday", "met in Istanbul on Friday"),
    ("the pro-", "Russian side", "the pro-Russian side"),          # a capital after the hyphen: a real hyphen
    ("talks in", "Geneva", "talks in Geneva"),
    ("ロシア航空", "当局の話として", "ロシア航空当局の話として"),
    ("米国の", "NATO大使", "米国のNATO大使"),
    ("1,000 people, a", "day", "1,000 people, a day"),
    ("co\u00ad", "operation", "cooperation"),                      # soft hyphen
    ("built semi-", "automatically", "built semi-automatically"),   # "semiautomatically" is no word
    ("a long-", "term deal", "a long-term deal"),
    ("the negotia-", "tions resumed", "the negotiations resumed"),
    ("near Zapo-", "rizhzhia", "near Zaporizhzhia"),               # unknown to the word list: joined
])
def test_join_lines(previous, line, joined) -> None:
    assert join_lines(previous, line) == joined


def test_gaps_between_japanese_glyphs_are_no_spaces() -> None:
    """Justified or letter-spaced Japanese (the Official Gazette) is set with small gaps between
    glyphs: no spaces in the text, so a search for 一メートル finds it. A blank of a whole
    character after an item number stays a space."""
    doc = load_file(FIXTURES / "spaced_japanese.pdf")
    assert "「一メートル」に改め" in doc.text
    assert "第一条の二第四項第三号中「一・五メートル」を" in doc.text
    assert doc.text.split("\n")[1:] == ["一 歩行者は、進行することができること。",
                                        "二 普通自転車は、横断歩道において直進をすることができること。"]


def test_only_numbers_that_run_with_the_pages_are_dropped_as_page_numbers() -> None:
    doc = load_file(FIXTURES / "numbered.pdf")
    lines = doc.text.split("\n")
    assert "400" in lines and "13" in lines          # a chart value and a table cell at a page's edge stay
    assert not {"2", "3", "4"} & set(lines)          # the page numbers 2, 3 and 4 go
    assert_in_order(doc.text, ["by each side, semi-automatically compiled", "after every exchange.\n400", "13\nThe exchanges were agreed", "Monitors from",
                               "next round of talks."])


def test_page_mixing_writing_modes_keeps_words_whole_and_in_order() -> None:
    """Like pdfminer's simple3.pdf: horizontal words and vertical (-V font) columns on one page."""
    doc = load_file(FIXTURES / "mixed_writing.pdf")
    assert doc.text.split("\n") == ["Ceasefire", "Istanbul", "ロシアとウクライナの代表団が協議した", "捕虜の交換で合意した",
                                    "停戦交渉"]


def test_search_finds_a_word_set_with_glyph_gaps(tmp_path) -> None:
    from reader.queries.search import search
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    (tmp_path / "gazette.pdf").write_bytes((FIXTURES / "spaced_japanese.pdf").read_bytes())
    db = open_index(tmp_path / "index.sqlite")
    Indexer(db, entities=False).index([tmp_path])
    assert [hit.file_name for hit in search(db, "一メートル").hits] == ["gazette.pdf"]
