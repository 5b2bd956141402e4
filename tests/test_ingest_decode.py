"""Decoding files into text, and loading files into documents."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.ingest import IngestError, build_document, decode_bytes, load_file, supported_suffixes
from reader.ingest import loaders

REPO = Path(__file__).parents[1]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
ENCODINGS_BENCH = REPO / ".." / "shared" / "bench" / "encodings"
ORIGINALS = sorted((ENCODINGS_BENCH / "original").glob("*")) if ENCODINGS_BENCH.is_dir() else []

SHIFT_JIS_FAMILY = {"shift_jis", "cp932", "shift_jis_2004"}
EUC_JP_FAMILY = {"euc_jp", "euc_jis_2004"}
ISO2022_JP_FAMILY = {"iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004"}


def newlines_normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def representable(text: str, encoding: str) -> str:
    """The characters of `text` that survive a round trip through `encoding`."""
    return "".join(ch for ch in text if ch.encode(encoding, "ignore").decode(encoding, "ignore") == ch)


# --- Published Japanese files --------------------------------------------------------------

@pytest.mark.parametrize("original", ORIGINALS, ids=lambda path: path.name)
def test_published_japanese_files_decode_to_their_utf8_twins(original: Path) -> None:
    twin = ENCODINGS_BENCH / "utf8" / original.name
    text, encoding = decode_bytes(original.read_bytes())
    assert text == newlines_normalised(twin.read_text(encoding="utf-8"))
    expected_family = SHIFT_JIS_FAMILY if original.name.startswith("shift_jis") else EUC_JP_FAMILY
    assert encoding in expected_family


def test_published_files_are_present_or_skipped() -> None:
    if not ORIGINALS:
        pytest.skip("shared bench corpus not available")
    assert len(ORIGINALS) == 7


# --- Round trips of the seeds --------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name[:3])
@pytest.mark.parametrize("encoding, family", [
    ("utf-8", {"utf-8"}),
    ("utf-8-sig", {"utf-8-sig"}),
    ("utf-16", {"utf-16"}),
    ("utf-16-le", {"utf-16-le"}),
    ("utf-16-be", {"utf-16-be"}),
    ("cp932", SHIFT_JIS_FAMILY),
    ("euc_jp", EUC_JP_FAMILY),
    ("iso2022_jp", ISO2022_JP_FAMILY),
])
def test_seeds_round_trip_through_common_encodings(seed: Path, encoding: str, family: set[str]) -> None:
    original = representable(seed.read_text(encoding="utf-8"), encoding)
    text, detected = decode_bytes(original.encode(encoding))
    assert text == original
    assert detected in family


def test_korean_seed_survives_iso2022_jp_2() -> None:
    seed = next(path for path in SEEDS if path.name.startswith("003"))
    original = representable(seed.read_text(encoding="utf-8"), "iso2022_jp_2")
    assert "관련 기사" in original
    assert decode_bytes(original.encode("iso2022_jp_2"))[0] == original


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp", "iso2022_jp", "utf-16-le"])
def test_short_japanese_is_not_mistaken_for_another_encoding(encoding: str) -> None:
    for phrase in ["ロシアの財政赤字", "停戦交渉", "露国", "キーウ", "こんにちは"]:
        assert decode_bytes(phrase.encode(encoding))[0] == phrase


def test_windows_only_characters_fall_back_to_cp932() -> None:
    text = "①停戦合意㈱髙島屋の声明"       # NEC and IBM extensions: not in plain Shift_JIS
    assert decode_bytes(text.encode("cp932")) == (text, "cp932")


def test_wave_dash_follows_the_jis_mapping_like_the_published_twins() -> None:
    assert decode_bytes("3月〜5月の交渉".encode("shift_jis"))[0] == "3月〜5月の交渉"


def test_japanese_with_a_corrupt_byte_still_reads_as_japanese() -> None:
    text = "ロシアは、米国からの30日間の停戦提案に関する詳細を検討した後、返答するとしている。" * 5
    encoded = text.encode("cp932")
    damaged = encoded[:40] + b"\x81 " + encoded[40:]       # a lead byte cut off from its pair
    decoded, encoding = decode_bytes(damaged)
    assert encoding in SHIFT_JIS_FAMILY
    assert decoded.count("\ufffd") == 1 and decoded.replace("\ufffd ", "") == text


def test_english_windows_1252_with_curly_quotes_and_accents() -> None:
    text = "“Café talks” — it’s a naïve plan, said the envoy’s aide."
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")


def test_utf8_bom_is_removed_and_nothing_else_changes() -> None:
    text = "\u3000 ロシアは、ｶﾀｶﾅ①と全角ＡＢＣを含む。 \n  indented\t\n"
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")


def test_newlines_are_normalised_after_decoding() -> None:
    text, _ = decode_bytes("一行目\r\n二行目\r三行目\n".encode("utf-16"))
    assert text == "一行目\n二行目\n三行目\n"


# --- Refusals ------------------------------------------------------------------------------

def test_empty_file_is_refused() -> None:
    with pytest.raises(IngestError, match="empty"):
        decode_bytes(b"")


def test_png_image_is_refused_in_plain_words() -> None:
    noise = random.Random(1).randbytes(2000)
    with pytest.raises(IngestError, match="PNG image"):
        decode_bytes(b"\x89PNG\r\n\x1a\n" + noise)


def test_random_bytes_are_refused_as_binary() -> None:
    noise = random.Random(2).randbytes(4000)
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(noise)
    without_nul = bytes(byte for byte in noise if byte)
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(without_nul)


def test_text_with_a_stray_nul_is_refused_not_misread_as_utf16() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(b"Plain English text\x00 with a NUL in it.\n")


# --- Loading files -------------------------------------------------------------------------

def test_supported_suffixes_include_plain_text_and_markdown() -> None:
    assert {".txt", ".md", ".text", ""} <= set(supported_suffixes())


def test_load_file_builds_a_document_with_offsets_into_its_text(tmp_path: Path) -> None:
    path = tmp_path / "Article.TXT"
    path.write_bytes("停戦交渉の核心\r\n\r\nロシアは提案を検討した。".encode("cp932"))
    document = load_file(path)
    assert document.path == str(path.absolute())
    assert document.encoding in SHIFT_JIS_FAMILY
    assert document.text == "停戦交渉の核心\n\nロシアは提案を検討した。"
    assert document.title == "停戦交渉の核心"
    assert [document.text[p.start:p.end] for p in document.passages] == ["停戦交渉の核心", "ロシアは提案を検討した。"]


def test_load_file_uses_bytes_the_caller_already_read(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# On disk\n", encoding="utf-8")
    assert load_file(path, data="# In memory\n".encode("utf-8")).title == "In memory"


def test_same_text_in_different_encodings_has_the_same_key(tmp_path: Path) -> None:
    text = "ロシアは提案を検討した。\n"
    keys = set()
    for encoding in ["utf-8", "cp932", "euc_jp", "utf-16"]:
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        keys.add(load_file(path).key)
    assert len(keys) == 1


def test_whitespace_only_file_is_an_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\u3000\n\t\n", encoding="utf-8")
    with pytest.raises(IngestError, match="empty document"):
        load_file(path)
    with pytest.raises(IngestError, match="empty document"):
        build_document(path, "\n\n", "utf-8")


def test_files_over_the_size_limit_are_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(loaders.MAX_FILE_BYTES + 1)     # sparse: nothing is written
    with pytest.raises(IngestError, match="50 MB"):
        load_file(path)
    with pytest.raises(IngestError, match="50 MB"):
        load_file(tmp_path / "other.txt", data=b"a" * (loaders.MAX_FILE_BYTES + 1))


def test_unsupported_and_missing_files_raise_ingest_errors(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"\.docx"):
        load_file(tmp_path / "report.docx", data=b"PK\x03\x04")
    with pytest.raises(IngestError, match="Cannot read"):
        load_file(tmp_path / "missing.txt")


def test_a_new_loader_can_be_registered_for_a_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders, "_LOADERS", dict(loaders._LOADERS))

    @loaders.register(".fake")
    def load_fake(path: Path, data: bytes) -> object:
        return build_document(path, data.decode("ascii").upper(), "ascii")

    assert ".fake" in supported_suffixes()
    assert load_file(tmp_path / "x.fake", data=b"headline\n\nbody text.").title == "HEADLINE"
