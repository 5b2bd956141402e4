"""A document's outline (table of contents), read from its text.

The index keeps the text exactly as the file has it, without markup, so headings are found
in the text itself:

* **Markdown** (.md, .markdown): ATX headings (`# Title` … `###### Title`, outside fenced code)
  and Setext headings (a line underlined with `===` or `---`), at their level.
* **EPUB**: the loader writes one paragraph a line and a blank line between chapters, so each
  chapter's first line is its title (when it is short enough to be one).
* **Any text** (Aozora Bunko works, plain text, EPUB sub-sections): a short line of its own that
  reads as a heading: 第一章 / 第3部 / 第十二話 …, 序章, 終章, はじめに, あとがき, プロローグ,
  "Chapter 4", "Part II", "Prologue", or a section number alone (一, 二, （三）, (4), IV).

Lines in boilerplate passages are never headings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

MAX_HEADING_CHARS = 40          # a longer line is a paragraph, not a title
_SENTENCE_END = tuple("。．.!?！？、，,」』）)") + (":", "：")
_SENTENCE_STOP = ("。", "！", "？", "!", "?")   # a numbered sentence is no heading: （三）　子曰く…。
_KANJI_NUMBER = "一二三四五六七八九十百千〇零壱弐参"
_NUMBER = rf"[0-9０-９{_KANJI_NUMBER}]+"
_ROMAN = r"(?=[IVXLC])(?:C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_HEADING_PATTERNS = [
    re.compile(rf"^第{_NUMBER}[部編章節話回幕巻篇](?:[\s　:：・.．、]|$)"),
    re.compile(r"^(?:序章|終章|序|跋|序文|はじめに|まえがき|前書き|あとがき|後書き|おわりに|プロローグ|エピローグ|目次)(?:[\s　]|$)"),
    re.compile(rf"^(?:chapter|part|book|section|act)\s+(?:{_NUMBER}|{_ROMAN}|[a-z]+)\b", re.IGNORECASE),
    re.compile(r"^(?:prologue|epilogue|introduction|preface|foreword|afterword|conclusion)$", re.IGNORECASE),
    # A section number alone: 一, （三）, (4). A bare Arabic number is left out: a PDF's page number.
    re.compile(rf"^[（(]?[{_KANJI_NUMBER}]+[)）]?$"),
    re.compile(r"^[（(][0-9０-９]+[)）]$"),
    # A section number and its title, set apart by an ideographic space: 一　根本的用意とは何か
    re.compile(rf"^[（(]?(?:[{_KANJI_NUMBER}]+|[0-9０-９]+)[)）]?　\S"),
    re.compile(rf"^{_ROMAN}\.?$"),
]
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class OutlineEntry:
    level: int        # 1 = top
    title: str
    start: int        # offset of the heading's line in the document's text


def _lines(text: str):
    """(start offset, line) for every line of the text."""
    position = 0
    for line in text.split("\n"):
        yield position, line
        position += len(line) + 1


def reads_as_heading(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > MAX_HEADING_CHARS or line.endswith(_SENTENCE_STOP):
        return False
    return any(p.match(line) for p in _HEADING_PATTERNS)


def _markdown_outline(text: str) -> list[OutlineEntry]:
    entries: list[OutlineEntry] = []
    fenced = False
    previous: tuple[int, str] | None = None
    for start, line in _lines(text):
        if _FENCE.match(line):
            fenced, previous = not fenced, None
            continue
        if fenced:
            continue
        atx = _ATX.match(line)
        if atx:
            entries.append(OutlineEntry(len(atx.group(1)), atx.group(2).strip(), start))
            previous = None
            continue
        setext = _SETEXT.match(line)
        if setext and previous is not None and previous[1].strip():
            entries.append(OutlineEntry(1 if setext.group(1)[0] == "=" else 2, previous[1].strip(), previous[0]))
            previous = None
            continue
        previous = (start, line)
    return entries


def _text_outline(text: str, boilerplate: list[tuple[int, int]], chapters: bool) -> list[OutlineEntry]:
    """Heading-like lines; with `chapters` (EPUB), also each chapter's first line."""
    entries: list[OutlineEntry] = []
    after_blank = True        # the text's first line starts the first chapter
    for start, line in _lines(text):
        stripped = line.strip()
        if not stripped:
            after_blank = True
            continue
        first_of_chapter, after_blank = after_blank, False
        if any(b_start <= start < b_end for b_start, b_end in boilerplate):
            continue
        chapter_title = (chapters and first_of_chapter and len(stripped) <= MAX_HEADING_CHARS
                         and not stripped.endswith(_SENTENCE_END))
        if chapter_title or reads_as_heading(stripped):
            entries.append(OutlineEntry(1, stripped, start))
    return entries


def document_outline(detail) -> list[OutlineEntry]:
    """The outline of a `DocumentDetail`: its headings in text order (the title line left out)."""
    suffix = PurePath(detail.summary.path).suffix.lower()
    if suffix in (".md", ".markdown"):
        entries = _markdown_outline(detail.text)
    else:
        boilerplate = [(p.start, p.end) for p in detail.passages if p.boilerplate]
        entries = _text_outline(detail.text, boilerplate, chapters=suffix == ".epub")
    title = (detail.summary.title or "").strip()
    if entries and entries[0].title == title and entries[0].start < MAX_HEADING_CHARS * 4:
        entries = entries[1:]    # the document's own title, shown above the text already
    return entries
