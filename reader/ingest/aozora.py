"""Aozora Bunko plain text (青空文庫 .txt): clean reading text with the ruby kept aside.

An Aozora Bunko file is a title block (title, subtitle, author, translator), the
explanation of its markup between two dashed lines (【テキスト中に現れる記号について】),
the work, and a bibliographic footer starting with 底本：. In the work:

- ``漢字《かんじ》`` is ruby over the run of same-kind characters before ``《``, and
  ``｜ある文字列《よみ》`` marks where the base starts;
- ``［＃…］`` is an editor's note (indentation, emphasis, headings, page breaks), and
  ``※［＃「火＋習」、第3水準1-87-45］`` stands for a character that Shift_JIS lacks.

The Document's text is the reading text: the title block, the work and the footer, with
ruby readings and notes removed (a line that held only notes goes too), characters given
by a JIS X 0213 code or a Unicode code point put in the place of their ※, and the
markup explanation dropped. The readings are ``Document.ruby`` (offsets into that text),
the footer's passages are marked as boilerplate, and the title block gives the title and
author (the source is found in the footer's aozora.gr.jp credit, as for any text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reader.ingest.model import Document, Ruby

_DASHES = re.compile(r"^-{20,}[ \t]*$")
_EXPLANATION_HEADINGS = ("【テキスト中に現れる記号について】", "［表記について］", "《》：ルビ")
_FOOTER_START = re.compile(r"^底本[：:]", re.MULTILINE)
_HEADER_SEARCH_LINES = 40
_FOOTER_SEARCH_CHARS = 8000
_MAX_TITLE_LINES = 4

# ※［＃…］ (a character described by a note), ［＃…］ (a note), ｜ (ruby base start), 《…》 (ruby)
_TOKEN = re.compile(r"※［＃(?P<gaiji>[^］\n]*)］|［＃(?P<note>[^］\n]*)］|(?P<bar>｜)|《(?P<reading>[^》\n]*)》")
_JIS_X_0213 = re.compile(r"(?<![\d-])([12])-(\d{1,2})-(\d{1,2})(?![\d-])")
_CODE_POINT = re.compile(r"U\+([0-9A-Fa-f]{4,6})")

# Kinds of characters an unmarked ruby base is a run of.
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f々〆〇ヶ仝〻※]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u00c0-\u024f'’.-]")
_KINDS = (_KANJI, _KATAKANA, _HIRAGANA, _ALPHANUMERIC)


@dataclass
class AozoraWork:
    text: str                       # the reading text
    ruby: list[Ruby] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    body_start: int = 0             # the work itself is text[body_start:body_end]
    body_end: int = 0               # where the 底本 footer starts (len(text) without one)


def is_aozora_text(text: str) -> bool:
    """Whether decoded plain text follows Aozora Bunko's conventions: the markup explanation
    block at the top, or the 底本： footer together with ruby, notes or the 青空文庫 credit."""
    head = text[:4000]
    if any(heading in head for heading in _EXPLANATION_HEADINGS[:2]) and "\n---" in head:
        return True
    tail = text[-_FOOTER_SEARCH_CHARS:]
    if not _FOOTER_START.search(tail):
        return False
    return "青空文庫" in tail or ("《" in text and "》" in text) or "［＃" in text


def aozora_document(path: Path | str, text: str, encoding: str) -> Document:
    from reader.ingest.loaders import build_document

    work = parse_aozora(text)
    boilerplate = [(work.body_end, len(work.text))] if work.body_end < len(work.text) else []
    # The source stays the heuristics' (the aozora.gr.jp credit in the footer).
    return build_document(path, work.text, encoding, title=work.title, author=work.author,
                          ruby=work.ruby, boilerplate=boilerplate)


def parse_aozora(text: str) -> AozoraWork:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    title_lines, body_from = _title_block(lines)
    footer_from = _footer_line(lines, body_from)

    out = _Cleaner()
    cleaned_title = [out.clean_line(line) for line in title_lines]
    for line in cleaned_title:
        out.write_line(line)
    if title_lines:
        out.write_line("")
    body_start = out.length
    body = lines[body_from:footer_from]
    while body and not body[0].strip():
        body = body[1:]
    for line in body:
        out.line(line)
    body_end = out.length
    footer = lines[footer_from:]
    for line in footer:
        out.line(line)
    clean = "".join(out.parts).rstrip("\n") + "\n"
    title, author = _title_and_author([line for line in cleaned_title if line.strip()])
    return AozoraWork(text=clean, ruby=out.ruby, title=title, author=author, body_start=body_start,
                      body_end=min(body_end, len(clean)))


def _title_block(lines: list[str]) -> tuple[list[str], int]:
    """(title lines, index of the first line of the work) without the markup explanation:
    between two dashed lines after the title block, or (older files) from ［表記について］
    after the title block down to a dashed line."""
    first_dash = next((i for i, line in enumerate(lines[:_HEADER_SEARCH_LINES]) if _DASHES.match(line)), None)
    if first_dash is not None:
        second_dash = next((i for i in range(first_dash + 1, min(len(lines), first_dash + 80))
                            if _DASHES.match(lines[i])), None)
        block = "\n".join(lines[first_dash:second_dash or first_dash])
        bounds: tuple[int, int] | None = None      # (end of the title, start of the body)
        if second_dash is not None and any(heading in block for heading in _EXPLANATION_HEADINGS):
            bounds = first_dash, second_dash + 1
        else:
            older = next((i for i, line in enumerate(lines[:first_dash]) if line.strip() == "［表記について］"), None)
            if older is not None:
                bounds = older, first_dash + 1
        if bounds is not None:
            title_end, body_from = bounds
            title = [line for line in lines[:title_end] if line.strip()]
            if len(title) <= _MAX_TITLE_LINES:     # else not a title block: keep those lines as text
                return title, body_from
    # No explanation block (texts without ruby): a short first block is the title block.
    blank = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    if 1 <= blank <= _MAX_TITLE_LINES:
        return lines[:blank], blank
    return [], 0


def _footer_line(lines: list[str], body_from: int) -> int:
    """Index of the 底本： line that starts the footer (len(lines) when there is none)."""
    chars = 0
    for index in range(len(lines) - 1, body_from - 1, -1):
        chars += len(lines[index]) + 1
        if chars > _FOOTER_SEARCH_CHARS * 2:
            break
        if lines[index].startswith(("底本：", "底本:")):
            footer = index
            # The earliest 底本 line of the same footer block.
            while footer - 1 >= body_from and lines[footer - 1].strip() and not lines[footer - 1].startswith("［＃"):
                if lines[footer - 1].startswith(("底本", "初出")):
                    footer -= 1
                else:
                    break
            return footer
    return len(lines)


def _title_and_author(lines: list[str]) -> tuple[str | None, str | None]:
    """Title block lines → (title with its subtitle, author). A translator's line (…訳)
    follows the author's."""
    if not lines:
        return None, None
    if len(lines) == 1:
        return lines[0].strip(), None
    names = lines[1:]
    author_index = len(names) - 1
    if len(names) >= 2 and names[-1].rstrip().endswith("訳"):
        author_index -= 1
    author = names[author_index].strip()
    title = " ".join(line.strip() for line in [lines[0], *names[:author_index]])
    return title, author or None


class _Cleaner:
    """Writes clean lines, keeping the ruby with offsets into what it wrote."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.ruby: list[Ruby] = []

    def write_line(self, line: str) -> None:
        self.parts.append(line + "\n")
        self.length += len(line) + 1

    def line(self, raw: str) -> None:
        clean = self.clean_line(raw, self.length)
        if not clean.strip() and raw.strip():
            return          # the line held only notes: it goes, with its line break
        self.write_line(clean)

    def clean_line(self, raw: str, offset: int = 0) -> str:
        """A line without notes and ruby readings; ruby recorded at `offset` + position."""
        if "［＃" not in raw and "《" not in raw and "｜" not in raw:
            return raw
        out = ""
        bar: int | None = None
        floor = 0               # an unmarked base does not reach back into the previous one
        position = 0
        for match in _TOKEN.finditer(raw):
            out += raw[position:match.start()]
            position = match.end()
            if match.group("gaiji") is not None:
                out += gaiji_character(match.group("gaiji")) or "※"
            elif match.group("bar"):
                bar = len(out)
            elif match.group("reading") is not None:
                reading = _clean_reading(match.group("reading"))
                start = bar if bar is not None else _base_start(out, floor)
                if start < len(out) and reading:
                    self.ruby.append(Ruby(offset + start, offset + len(out), reading))
                bar, floor = None, len(out)
            # notes: dropped
        out += raw[position:]
        return out


def _clean_reading(reading: str) -> str:
    reading = _TOKEN.sub(lambda m: (gaiji_character(m.group("gaiji")) or "※") if m.group("gaiji") is not None
                         else "", reading)
    return reading.strip()


def _base_start(text: str, floor: int = 0) -> int:
    """Start of the ruby base before the end of `text` (not before `floor`): the run of
    characters of the same kind (kanji, katakana, hiragana, letters and digits) as the last one."""
    if len(text) <= floor:
        return len(text)
    kind = next((pattern for pattern in _KINDS if pattern.match(text[-1])), None)
    if kind is None:
        return len(text) - 1
    start = len(text) - 1
    while start > floor and kind.match(text[start - 1]):
        start -= 1
    return start


def gaiji_character(note: str) -> str | None:
    """The character an Aozora gaiji note describes by its JIS X 0213 code ("第3水準1-14-41",
    "1-13-21") or Unicode code point ("U+6318"), if it gives one."""
    code_point = _CODE_POINT.search(note)
    if code_point:
        try:
            return chr(int(code_point.group(1), 16))
        except (ValueError, OverflowError):
            return None
    jis = _JIS_X_0213.search(note)
    if jis:
        plane, row, cell = (int(group) for group in jis.groups())
        if not (1 <= row <= 94 and 1 <= cell <= 94):
            return None
        encoded = bytes((0xA0 + row, 0xA0 + cell))
        if plane == 2:
            encoded = b"\x8f" + encoded
        try:
            return encoded.decode("euc_jis_2004")
        except UnicodeDecodeError:
            return None
    return None
