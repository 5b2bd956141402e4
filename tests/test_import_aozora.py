"""Aozora Bunko text: clean reading text, ruby kept aside, header and footer handled."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEEDS, shared_path
from reader.ingest import build_document, load_file
from reader.ingest.aozora import gaiji_character, is_aozora_text, parse_aozora

MARKUP = ("《", "》", "［＃", "｜", "【テキスト中に現れる記号について】", "-------")


def test_rashomon_in_shift_jis() -> None:
    doc = load_file(shared_path("bench", "encodings", "original", "shift_jis__aozora__127_ruby_150.txt"))
    assert doc.encoding == "shift_jis"
    assert (doc.title, doc.author, doc.source) == ("羅生門", "芥川龍之介", "aozora.gr.jp")
    assert doc.text.startswith("羅生門\n芥川龍之介\n\n\u3000ある日の暮方の事である。一人の下人が、羅生門の下で雨やみを待っていた。\n")
    for mark in MARKUP:
        assert mark not in doc.text, mark
    assert "下人《げにん》" not in doc.text and "げにん" not in doc.text
    first = doc.ruby[0]
    assert (doc.text[first.start:first.end], first.reading) == ("下人", "げにん")
    # The story ends before the bibliographic footer, which is kept but marked as boilerplate.
    end = doc.text.index("下人の行方は、誰も知らない。")
    footer = doc.text.index("底本：「芥川龍之介全集1」")
    assert end < footer
    for passage in doc.passages:
        assert passage.boilerplate == (passage.start >= footer), doc.text[passage.start:passage.end]


def test_shift_jis_original_and_utf8_twin_read_the_same() -> None:
    for name in ("shift_jis__aozora__42_ruby_154.txt", "shift_jis__aozora__624_ruby_5668.txt",
                 "shift_jis__aozora__691_txt.txt"):
        original = load_file(shared_path("bench", "encodings", "original", name))
        twin = load_file(shared_path("bench", "encodings", "utf8", name))
        assert (original.text, original.ruby, original.title, original.author) == (
            twin.text, twin.ruby, twin.title, twin.author)
    sangetsuki = load_file(shared_path("bench", "encodings", "utf8", "shift_jis__aozora__624_ruby_5668.txt"))
    assert (sangetsuki.title, sangetsuki.author) == ("山月記", "中島敦")
    assert "隴西の李徴は博学才穎、天宝の末年、若くして名を虎榜に連ね、ついで江南尉に補せられたが、" in sangetsuki.text


def test_every_bench_work_is_clean_and_its_ruby_points_at_base_text() -> None:
    folder = shared_path("bench", "aozora")
    works = sorted(folder.glob("*.txt"))
    assert len(works) == 100
    for path in works:
        raw = path.read_text(encoding="utf-8")
        doc = load_file(path)
        for mark in ("《", "》", "［＃", "【テキスト中に現れる記号について】"):
            assert mark not in doc.text, (path.name, mark)
        first_line = raw.lstrip("\ufeff").split("\n")[0].strip()
        first_line = first_line.split("《")[0]            # (a title can carry ruby itself)
        assert doc.title and doc.title.startswith(first_line), path.name
        for ruby in doc.ruby:
            base = doc.text[ruby.start:ruby.end]
            assert base and "\n" not in base and ruby.reading, (path.name, ruby)
            assert f"{base}《{ruby.reading}》" in raw or f"｜{base}《{ruby.reading}》" in raw or "※" in raw, (path.name, base)
        # Every 《》 outside the markup explanation and editor's notes became ruby.
        expected = raw.count("《") - sum(note.count("《") for note in _notes(raw)) - _explanation_ruby(raw)
        assert len(doc.ruby) == expected, path.name


def _notes(raw: str) -> list[str]:
    import re
    return re.findall(r"［＃[^］\n]*］", raw)


def _explanation_ruby(raw: str) -> int:
    """《 in the markup explanation: between the first two dashed lines, or above the first."""
    first = raw.find("-" * 20)
    if "【テキスト中に現れる記号について】" in raw[:3000]:
        head = raw[:raw.find("-" * 20, raw.find("\n", first))]
    elif "［表記について］" in raw[:3000]:
        head = raw[raw.find("［表記について］"):first]
    else:
        head = ""
    return head.count("《") - sum(note.count("《") for note in _notes(head))


def test_title_block_with_subtitle_and_translator() -> None:
    text = ("ラプンツェル\nグリム\n中島孤島訳\n\n" + "-" * 55 + "\n【テキスト中に現れる記号について】\n\n《》：ルビ\n"
            "（例）魔法使《まほうつかい》\n" + "-" * 55 + "\n\n\u3000昔々、ある所に夫婦《ふうふ》がありました。\n\n\n"
            "底本：「世界童話集」\n入力：某\n青空文庫作成ファイル：\n")
    work = parse_aozora(text)
    assert (work.title, work.author) == ("ラプンツェル", "グリム")         # the translator's line follows
    subtitle = parse_aozora("大菩薩峠\n白骨の巻\n中里介山\n\n" + text[text.index("-"):])
    assert (subtitle.title, subtitle.author) == ("大菩薩峠 白骨の巻", "中里介山")


def test_ruby_notes_and_gaiji_in_a_line() -> None:
    text = ("小説総論\n二葉亭四迷\n\n" + "-" * 55 + "\n【テキスト中に現れる記号について】\n" + "-" * 55 + "\n\n"
            "［＃ここから８字下げ］\n"
            "易らざる者は以て当《あて》にすべし、常ならざる者｜豈《あに》当《あて》にならんや。\n"
            "［＃ここで字下げ終わり］\n"
            "二二※［＃小書き片仮名ン、237-11］が四、※［＃「てへん＋劣」、U+6318、12-3］る、※［＃ローマ数字1、1-13-21］章。\n"
            "［＃改ページ］\n"
            "夫の米《べー》リンスキー［＃ここから割り注］魯国の批評家［＃ここで割り注終わり］が\n"
            "を一｜本《ぽん》宛《ずつ》持《も》って来て、カタカナ《かたかな》も。\n"
            "\n\n底本：「平凡」講談社\n入力：長住由生\n")
    doc = build_document("/tmp/a.txt", text, "utf-8")        # as a plain text: unchanged
    assert "《" in doc.text
    work = parse_aozora(text)
    assert work.text == ("小説総論\n二葉亭四迷\n\n"
                         "易らざる者は以て当にすべし、常ならざる者豈当にならんや。\n"
                         "二二※が四、挘る、Ⅰ章。\n"
                         "夫の米リンスキー魯国の批評家が\n"
                         "を一本宛持って来て、カタカナも。\n"
                         "\n\n底本：「平凡」講談社\n入力：長住由生\n")
    assert [(work.text[r.start:r.end], r.reading) for r in work.ruby] == [
        ("当", "あて"), ("豈", "あに"), ("当", "あて"), ("米", "べー"),
        ("本", "ぽん"), ("宛", "ずつ"), ("持", "も"), ("カタカナ", "かたかな")]
    assert work.text[work.body_end:].startswith("底本：")


def test_gaiji_codes() -> None:
    assert gaiji_character("「火＋稻のつくり」、第3水準1-87-45") == "\u712b"
    assert gaiji_character("「てへん＋劣」、U+6318、ページ数-行数") == "\u6318"
    assert gaiji_character("二の字点、1-2-22") == "〻"
    assert gaiji_character("「廴＋囘」、第4水準2-12-11") is not None
    assert gaiji_character("小書き片仮名ン、237-11") is None        # a page and line, no code
    assert gaiji_character("もんがまえに真の正字。読みは「タン」") is None


def test_plain_text_with_double_angle_brackets_is_not_aozora(tmp_path) -> None:
    news = "ロシアの《特別軍事作戦》について、外務省は声明を出した。\n底本となった報告書は未公開。\n"
    assert not is_aozora_text(news)
    assert load_file(tmp_path / "news.txt", news.encode()).text == news


def test_seeds_are_not_aozora() -> None:
    for seed in sorted(SEEDS.iterdir()):
        assert not is_aozora_text(seed.read_text(encoding="utf-8-sig")), seed.name


def test_markdown_keeps_its_text(tmp_path) -> None:
    raw = shared_path("bench", "encodings", "utf8", "shift_jis__aozora__127_ruby_150.txt").read_text(encoding="utf-8")
    doc = load_file(tmp_path / "rashomon.md", raw.encode("utf-8"))
    assert "下人《げにん》" in doc.text and not doc.ruby


@pytest.mark.parametrize("name", ["000081_460_ruby.txt", "000148_798_txt.txt"])
def test_older_layouts(name) -> None:
    """Files with a different explanation block (CR line ends) and a text version without ruby."""
    raw = shared_path("bench", "aozora", name).read_bytes().decode("utf-8")
    doc = load_file(Path("/tmp") / name, raw.encode("utf-8"))
    assert "［表記について］" not in doc.text and "●ルビは「《ルビ》」の形式で処理した。" not in doc.text
    assert "《" not in doc.text and "底本" in doc.text
