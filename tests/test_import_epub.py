"""EPUB books: spine order, ruby, metadata; damaged archives, ZIP bombs, DRM, hostile XML."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from conftest import shared_path
from reader.ingest import IngestError, load_file
from reader.ingest import epub as epub_module

FIXTURES = Path(__file__).parent / "fixtures" / "import"
BOOK = FIXTURES / "aozora_ruby.epub"     # 太宰治「猿ヶ島」 from Aozora Bunko, in three chapters

# One sentence from each chapter, in reading order (the files and the manifest are in reverse).
CHAPTER_SENTENCES = [
    "はるばると海を越えて、この島に着いたときの私の憂愁を思い給え。",
    "ものの半里も歩いたろうか。私は、再びもとの出発点に立っていた。",
]


def test_chapters_come_in_spine_order() -> None:
    doc = load_file(BOOK)
    headings = [line for line in doc.text.split("\n") if line in ("一", "二", "三")]
    assert headings == ["一", "二", "三"]
    positions = [doc.text.find(s) for s in CHAPTER_SENTENCES] + [doc.text.index("\n三\n")]
    assert -1 not in positions and positions == sorted(positions)
    assert "目次" not in doc.text                        # the navigation document is not reading matter
    assert "writing-mode" not in doc.text and "猿ヶ島\n" not in doc.text[:5]   # no CSS, no <title>


def test_chapters_are_separated_by_a_blank_line() -> None:
    doc = load_file(BOOK)
    assert "\n\n二\n" in doc.text and "\n\n三\n" in doc.text


def test_metadata_comes_from_the_package_document() -> None:
    doc = load_file(BOOK)
    assert (doc.title, doc.author, doc.date, doc.source) == ("猿ヶ島", "太宰治", "1935-09-01", "青空文庫")
    assert doc.encoding == "utf-8" and doc.languages == ["ja"]


def test_ruby_readings_are_metadata_not_text() -> None:
    doc = load_file(BOOK)
    assert doc.ruby, "the book has ruby"
    assert "（こうばい）" not in doc.text and "こうばい" not in doc.text
    assert "裸の大きい岩が急な勾配を作って" in doc.text
    gradient = next(r for r in doc.ruby if r.reading == "こうばい")
    assert doc.text[gradient.start:gradient.end] == "勾配"
    assert all(0 <= r.start < r.end <= len(doc.text) for r in doc.ruby)


def test_ruby_matches_the_aozora_source() -> None:
    """The book was made from the Aozora Bunko file: the same readings over the same bases."""
    source = load_file(shared_path("bench", "aozora", "000035_1579_ruby_19976.txt"))
    book = load_file(BOOK)
    source_ruby = [(source.text[r.start:r.end], r.reading) for r in source.ruby if r.start > len("猿ヶ島\n太宰治\n")]
    assert [(book.text[r.start:r.end], r.reading) for r in book.ruby] == source_ruby


# --- Hostile and damaged books -------------------------------------------------------------

def zip_bytes(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def minimal_epub(chapter_body: str, extra: dict[str, bytes | str] | None = None) -> bytes:
    return zip_bytes({
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": ("<?xml version='1.0'?><container xmlns='urn:oasis:names:tc:opendocument:xmlns:container'"
                                   " version='1.0'><rootfiles><rootfile full-path='book.opf'/></rootfiles></container>"),
        "book.opf": ("<?xml version='1.0'?><package xmlns='http://www.idpf.org/2007/opf' version='3.0'>"
                     "<metadata xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>試験</dc:title></metadata>"
                     "<manifest><item id='c' href='c%201.xhtml' media-type='application/xhtml+xml'/></manifest>"
                     "<spine><itemref idref='c'/></spine></package>"),
        "c 1.xhtml": chapter_body,
        **(extra or {}),
    })


def test_minimal_book_with_escaped_href() -> None:
    body = ("<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body>"
            "<p>停戦交渉が<ruby><rb>再</rb><rt>さい</rt><rb>開</rb><rt>かい</rt></ruby>された。</p></body></html>")
    doc = load_file("/tmp/book.epub", minimal_epub(body))
    assert doc.text == "停戦交渉が再開された。"
    assert [(doc.text[r.start:r.end], r.reading) for r in doc.ruby] == [("再", "さい"), ("開", "かい")]


def test_chapter_with_html_entities_is_read_as_html() -> None:
    body = "<html><body><p>キーウ&nbsp;と&nbsp;モスクワ<br>二行目</p></body></html>"
    doc = load_file("/tmp/book.epub", minimal_epub(body))
    assert doc.text.split("\n")[:2] == ["キーウ\u00a0と\u00a0モスクワ", "二行目"]


def test_external_entities_are_not_resolved() -> None:
    body = ("<?xml version='1.0'?><!DOCTYPE html [<!ENTITY secret SYSTEM 'file:///etc/passwd'>]>"
            "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>本文です。&secret;</p></body></html>")
    try:
        doc = load_file("/tmp/book.epub", minimal_epub(body))
    except IngestError:
        return
    assert "root:" not in doc.text


def test_truncated_book_is_reported() -> None:
    data = BOOK.read_bytes()
    with pytest.raises(IngestError, match="damaged or incomplete"):
        load_file("/tmp/cut.epub", data[: len(data) // 2])


def test_corrupt_member_is_reported() -> None:
    data = bytearray(BOOK.read_bytes())
    start = data.index(b"part02.xhtml") + 40           # inside that member's compressed bytes
    data[start:start + 200] = bytes(200)
    with pytest.raises(IngestError, match="damaged"):
        load_file("/tmp/corrupt.epub", bytes(data))


def test_highly_compressed_member_is_refused_as_a_zip_bomb() -> None:
    bomb = minimal_epub("<html><body><p>x</p></body></html>", {"filler.xhtml": bytes(20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(IngestError, match="ZIP bomb"):
        load_file("/tmp/bomb.epub", bomb)


def test_archive_unpacking_past_the_limit_is_refused(monkeypatch) -> None:
    # Many plausible members that add up: a lower limit keeps the test small.
    monkeypatch.setattr(epub_module, "MAX_UNPACKED_BYTES", 3 * 1024 * 1024)
    members = {f"c{i}.xhtml": ("<p>" + "停戦交渉と和平案。" * 40_000 + "</p>").encode("utf-8")[:1024 * 1024]
               for i in range(4)}
    with pytest.raises(IngestError, match="would unpack to"):
        load_file("/tmp/big.epub", minimal_epub("<html><body><p>x</p></body></html>", members))


def test_real_size_zip_bomb_is_refused_before_unpacking() -> None:
    """210 MB of zeros in 3 members (about 200 KB packed): refused by the total, from the directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("mimetype", "application/epub+zip")
        chunk = bytes(1024 * 1024)
        for index in range(3):
            with archive.open(f"OEBPS/c{index}.xhtml", "w", force_zip64=True) as member:
                for _ in range(70):
                    member.write(chunk)
    with pytest.raises(IngestError, match="would unpack to 210 MB"):
        load_file("/tmp/bomb.epub", buffer.getvalue())


def test_drm_protected_book_is_refused() -> None:
    encryption = ("<?xml version='1.0'?><encryption xmlns='urn:oasis:names:tc:opendocument:xmlns:container' "
                  "xmlns:enc='http://www.w3.org/2001/04/xmlenc#'><enc:EncryptedData>"
                  "<enc:EncryptionMethod Algorithm='http://www.w3.org/2001/04/xmlenc#aes128-cbc'/>"
                  "<enc:CipherData><enc:CipherReference URI='c%201.xhtml'/></enc:CipherData>"
                  "</enc:EncryptedData></encryption>")
    book = minimal_epub("\x8f\x00binary", {"META-INF/encryption.xml": encryption})
    with pytest.raises(IngestError, match="DRM"):
        load_file("/tmp/drm.epub", book)


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    ("ただのテキストファイル".encode(), "not a ZIP archive"),
    (zip_bytes({"readme.txt": "no package"}), "no package document"),
])
def test_files_that_are_not_books(data, message) -> None:
    with pytest.raises(IngestError, match=message):
        load_file("/tmp/not.epub", data)


def _without_utf8_name_flags(data: bytes) -> bytes:
    """The archive as Info-ZIP's `zip` writes it: UTF-8 names, but no UTF-8 flag (bit 11)."""
    out = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = out.find(signature)
        while start >= 0:
            flags = int.from_bytes(out[start + flag_offset:start + flag_offset + 2], "little") & ~0x800
            out[start + flag_offset:start + flag_offset + 2] = flags.to_bytes(2, "little")
            start = out.find(signature, start + 4)
    return bytes(out)


def test_utf8_member_names_without_the_utf8_flag_are_found() -> None:
    opf = ("<?xml version='1.0'?><package xmlns='http://www.idpf.org/2007/opf' version='3.0'><metadata/>"
           "<manifest><item id='cover' href='表紙.xhtml' media-type='application/xhtml+xml'/>"
           "<item id='c' href='本文.xhtml' media-type='application/xhtml+xml'/></manifest>"
           "<spine><itemref idref='cover'/><itemref idref='c'/></spine></package>")
    data = _without_utf8_name_flags(zip_bytes({
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": ("<?xml version='1.0'?><container xmlns='urn:oasis:names:tc:opendocument:xmlns:container'"
                                   " version='1.0'><rootfiles><rootfile full-path='book.opf'/></rootfiles></container>"),
        "book.opf": opf,
        "表紙.xhtml": "<html><body><p>表紙の文です。</p></body></html>",
        "本文.xhtml": "<html><body><p>本文です。</p></body></html>",
    }))
    assert not any(info.flag_bits & 0x800 for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    doc = load_file("/tmp/book.epub", data)
    assert doc.text == "表紙の文です。\n\n本文です。"
