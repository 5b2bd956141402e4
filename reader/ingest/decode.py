"""Bytes to text, with Japanese legacy encodings handled deliberately.

Generic detectors often confuse Shift_JIS, EUC-JP and Western encodings on short
or kanji-heavy text, so the Japanese cases are decided here by strict decoding and
a plausibility score; charset-normalizer is only the last resort.
"""
from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

from reader.ingest.model import IngestError

# Magic numbers of formats people are likely to drop into a folder of articles.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, EPUB or other zipped document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),   # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Designations that only appear in ISO-2022-JP: JIS X 0208-1978/1983, JIS X 0212, JIS Roman, half-width kana.
_ISO2022_JP_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b$(D", b"\x1b(J", b"\x1b(I")
_ISO2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004")
# JIS mappings first: they are what the published files (Aozora Bunko, EUC-JP docs) were
# written against; cp932 adds the Windows/NEC extras when plain Shift_JIS cannot decode.
_SHIFT_JIS_CODECS = ("shift_jis", "cp932", "shift_jis_2004")
_EUC_JP_CODECS = ("euc_jp", "euc_jis_2004")

_SAMPLE_CHARS = 200_000          # plausibility is judged on the head of long texts
_MIN_JAPANESE_SCORE = 0.9
_MIN_WESTERN_SCORE = 0.97
_MAX_CONTROL_SHARE = 0.02

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x19\x1c-\x1f]")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")
_KANA = re.compile(r"[\u3041-\u3096\u3099-\u309f\u30a1-\u30fa\u30fc-\u30ff]")
_CJK_PUNCTUATION_AND_FULLWIDTH = re.compile(r"[\u3000-\u303f\u30fb\uff01-\uff5e\uffe0-\uffe5]")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ASCII_TEXT = re.compile(r"[\t\n\r\x20-\x7e]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Symbols in JIS X 0208 rows 1-8 and the NEC row 13 (Greek, Cyrillic, arrows, ①, box drawing...).
_JIS_SYMBOLS = re.compile(r"[\u00a7\u00a8\u00b0\u00b1\u00b4\u00b6\u00d7\u00f7\u0391-\u03c9\u0401-\u0451"
                          r"\u2010-\u2312\u2460-\u24ff\u2500-\u254b\u25a0-\u266f\u3231-\u33cd]")
# Signs of decoding with the wrong Japanese codec.
_JAPANESE_GARBAGE = re.compile(r"[\uff61-\uff9f\ue000-\uf8ff\ufffd\x80-\x9f]")
# Accented letters and the symbols English and European text really uses (not ¤ ¦ ¨ ¬ ¯ ¸...).
_WESTERN_CHARS = re.compile(r"[\u00a0\u00a1\u00a3\u00a7\u00a9\u00ab\u00ae\u00b0-\u00b3\u00b5\u00b7"
                            r"\u00bb-\u00bf\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u0160"
                            r"\u0161\u0178\u017d\u017e\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026"
                            r"\u2030\u2039\u203a\u20ac\u2122]")


@functools.cache
def _common_kanji() -> frozenset[str]:
    """The 2,965 common kanji of JIS X 0208 level 1 (EUC-JP rows 16-47)."""
    kanji = set()
    for high in range(0xB0, 0xD0):
        for low in range(0xA1, 0xFF):
            try:
                kanji.add(bytes((high, low)).decode("euc_jp"))
            except UnicodeDecodeError:
                pass
    return frozenset(kanji)


@dataclass(frozen=True)
class _Candidate:
    encoding: str
    text: str
    score: float


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file contents; returns (text with newlines normalised to \\n, encoding name).

    Raises IngestError for empty, binary or undecodable data.
    """
    if not data:
        raise IngestError("The file is empty.")
    _reject_known_binary_formats(data)
    text, encoding = _decode(data)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise IngestError("This looks like a binary file, not text: it is full of control characters.")
    return normalise_newlines(text), encoding


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> tuple[str, str]:
    with_bom = _decode_by_bom(data)
    if with_bom:
        return with_bom
    if b"\x00" in data:
        return _decode_utf16_without_bom(data)
    if _control_byte_share(data) > _MAX_CONTROL_SHARE:
        raise IngestError("This looks like a binary file, not text: it is full of control characters.")
    if any(escape in data for escape in _ISO2022_JP_ESCAPES):
        iso2022 = _first_strict_decode(data, _ISO2022_JP_CODECS)
        if iso2022:
            return iso2022.text, iso2022.encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data)


def _reject_known_binary_formats(data: bytes) -> None:
    for signature, description in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise IngestError(f"This is {description}, not a text file.")


def _decode_by_bom(data: bytes) -> tuple[str, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise IngestError(f"The file starts with a {encoding.upper()} marker but is not valid "
                                  f"{encoding.upper()} text.") from None
    return None


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str]:
    """NUL bytes are either UTF-16 (ASCII characters have a zero high byte) or binary.

    The NUL pattern is only a hint (kanji such as U+4E00 put zeros on the other side),
    so both byte orders are tried and the one that reads as text wins.
    """
    sample = data[:65536]
    little_endian_first = sample[1::2].count(0) >= sample[0::2].count(0)
    orders = ("utf-16-le", "utf-16-be") if little_endian_first else ("utf-16-be", "utf-16-le")
    if len(data) % 2 == 0:
        for encoding in orders:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_utf16_text(text):
                return text, encoding
    raise IngestError("This looks like a binary file, not text: it contains NUL bytes.")


def _looks_like_utf16_text(text: str) -> bool:
    """Misread bytes land all over the ideograph planes; real text has ASCII, kana or hangul."""
    sample = text[:_SAMPLE_CHARS]
    familiar = (len(_ASCII_TEXT.findall(sample)) + len(_KANA.findall(sample))
                + len(_HANGUL.findall(sample)) + len(_CJK_PUNCTUATION_AND_FULLWIDTH.findall(sample)))
    return familiar >= 0.3 * len(sample) and _control_share(sample) <= _MAX_CONTROL_SHARE


def _decode_legacy(data: bytes) -> tuple[str, str]:
    attempts = [_first_strict_decode(data, _SHIFT_JIS_CODECS), _first_strict_decode(data, _EUC_JP_CODECS)]
    if len(data) % 2 == 0:
        # Kana-only UTF-16 has no NUL bytes to give it away.
        attempts += [_first_strict_decode(data, ("utf-16-le",)), _first_strict_decode(data, ("utf-16-be",))]
    japanese = max((c for c in attempts if c), key=lambda c: c.score, default=None)
    plausible_japanese = japanese if japanese is not None and japanese.score >= _MIN_JAPANESE_SCORE else None
    if plausible_japanese is not None and _has_kana(plausible_japanese.text):
        return plausible_japanese.text, plausible_japanese.encoding
    western = _decode_western(data)
    if western and western.score >= _MIN_WESTERN_SCORE:
        return western.text, western.encoding
    if plausible_japanese is not None:
        return plausible_japanese.text, plausible_japanese.encoding    # kanji only ("停戦交渉"), and not Western
    damaged = _decode_damaged_japanese(data)
    if damaged:
        return damaged.text, damaged.encoding
    return _decode_with_charset_normalizer(data, japanese)


def _decode_damaged_japanese(data: bytes) -> _Candidate | None:
    """Japanese text with a few corrupt bytes (a truncated download, a bad copy) reads as
    Japanese with U+FFFD marking the damage, rather than as some other language's encoding."""
    candidates = []
    for encoding in ("cp932", "euc_jp"):
        text = data.decode(encoding, errors="replace")
        damage = text.count("\ufffd")
        if damage <= max(1, 0.005 * len(_NON_ASCII.findall(text[:_SAMPLE_CHARS]))) and _has_kana(text):
            candidates.append(_Candidate(encoding, text, japanese_plausibility(text)))
    best = max(candidates, key=lambda c: c.score, default=None)
    return best if best and best.score >= _MIN_JAPANESE_SCORE else None


def _first_strict_decode(data: bytes, encodings: tuple[str, ...]) -> _Candidate | None:
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _Candidate(encoding, text, japanese_plausibility(text))
    return None


def _decode_western(data: bytes) -> _Candidate | None:
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _Candidate(encoding, text, western_plausibility(text))
    return None


def _decode_with_charset_normalizer(data: bytes, japanese: _Candidate | None) -> tuple[str, str]:
    from charset_normalizer import from_bytes   # imported lazily: rarely needed, slow to import

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        encoding = best.encoding
        if japanese and _same_family(encoding, japanese.encoding):
            # Two independent judges agree on the Japanese codec: trust our strict decode.
            return japanese.text, japanese.encoding
        if _generic_plausibility(text, encoding) >= _MIN_WESTERN_SCORE:
            return text, encoding
    raise IngestError("Could not work out which text encoding this file uses. "
                      "Save it as UTF-8 and add it again.")


def _same_family(detected: str, ours: str) -> bool:
    families = ({"shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"},
                {"euc_jp", "euc_jis_2004", "euc_jisx0213"})
    detected = codecs.lookup(detected).name.replace("-", "_")
    ours = codecs.lookup(ours).name.replace("-", "_")
    return any(detected in family and ours in family for family in families)


def _generic_plausibility(text: str, encoding: str) -> float:
    name = codecs.lookup(encoding).name
    if any(part in name for part in ("jis", "932", "euc_jp", "2022_jp")):
        return japanese_plausibility(text)
    sample = text[:_SAMPLE_CHARS]
    bad = len(_CONTROL_CHARS.findall(sample)) + sample.count("\ufffd")
    return 1.0 - bad / max(1, len(sample))


def japanese_plausibility(text: str) -> float:
    """Share (0-1) of the non-ASCII characters that real Japanese text would contain.

    Kana, CJK punctuation, common kanji and JIS symbols count fully, rarer kanji half;
    half-width katakana, private-use, C1 and replacement characters (what a wrong
    codec produces) count against.
    """
    sample = text[:_SAMPLE_CHARS]
    non_ascii = len(_NON_ASCII.findall(sample))
    if non_ascii == 0:
        return 1.0
    kanji = _KANJI.findall(sample)
    common = _common_kanji()
    common_kanji = sum(1 for ch in kanji if ch in common)
    good = (len(_KANA.findall(sample)) + common_kanji + 0.5 * (len(kanji) - common_kanji)
            + len(_CJK_PUNCTUATION_AND_FULLWIDTH.findall(sample)) + len(_JIS_SYMBOLS.findall(sample)))
    garbage = len(_JAPANESE_GARBAGE.findall(sample))
    return max(0.0, min(1.0, good / non_ascii) - 2 * garbage / non_ascii)


def _has_kana(text: str) -> bool:
    """Japanese prose is full of kana; text without any may be another encoding's bytes."""
    sample = text[:_SAMPLE_CHARS]
    return len(_KANA.findall(sample)) >= 0.05 * len(_NON_ASCII.findall(sample)) > 0


def western_plausibility(text: str) -> float:
    """How much the non-ASCII characters look like accents and typography in Latin-script text."""
    sample = text[:_SAMPLE_CHARS]
    non_ascii = len(_NON_ASCII.findall(sample))
    if non_ascii == 0:
        return 1.0
    # Accents and curly quotes sit alone between ASCII letters; a multi-byte encoding
    # read as Western comes out as long runs of symbols.
    in_long_runs = sum(len(run) for run in _NON_ASCII_RUN.findall(sample) if len(run) >= 3)
    if non_ascii > len(_ASCII_LETTERS.findall(sample)) or in_long_runs > 0.2 * non_ascii:
        return 0.0
    return len(_WESTERN_CHARS.findall(sample)) / non_ascii


def _control_byte_share(data: bytes) -> float:
    sample = data[:65536]
    return len(_CONTROL_BYTES.findall(sample)) / len(sample)


def _control_share(text: str) -> float:
    sample = text[:_SAMPLE_CHARS]
    if not sample:
        return 0.0
    return len(_CONTROL_CHARS.findall(sample)) / len(sample)
