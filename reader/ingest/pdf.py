"""PDF files with a text layer (.pdf), read with pdfminer.six (pure Python, MIT).

Pages in order; on each, pdfminer's layout analysis groups characters into lines and
text boxes (vertical Japanese too: columns right to left, each top to bottom). The lines
of a box are joined into paragraphs, one a line of the Document's text: an English word
hyphenated at a line end is joined again ("Istan-" + "bul" → "Istanbul"), Japanese lines
are joined with no space, other lines with one. A short line ending a sentence, or an
indented line, starts a new paragraph. Page numbers are dropped: a number alone at the top or
bottom of a page that runs with the pages (see drop_page_numbers).

A PDF without any text (a scan without OCR) and one that needs a password are refused
with a message. Title and author come from the PDF's document information when it names
them sensibly; its creation date is used when the text states no date.
"""
from __future__ import annotations

import contextvars
import io
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from reader.ingest.loaders import build_document, register
from reader.ingest.markup import is_wide, normalise_date
from reader.ingest.model import Document, IngestError

NO_TEXT_MESSAGE = ("This PDF has no text layer (scanned?): its pages are only images, and Reader "
                   "reads text, it does not recognise it in pictures (OCR).")
PASSWORD_MESSAGE = "This PDF is encrypted with a password; Reader cannot open it. Save an unprotected copy to read it."

# Work a hostile PDF could make unbounded: inflating compressed streams (a few hundred KB
# can unpack to gigabytes) and drawing form XObjects (each drawing the previous twice
# doubles the work per level). Real documents stay far below these.
MAX_INFLATED_STREAM_BYTES = 64 * 1024 * 1024
MAX_INFLATED_DOCUMENT_BYTES = 256 * 1024 * 1024
MAX_FORM_DRAWINGS = 5_000           # per page
MAX_PAGE_TEXT_BYTES = 100_000       # text drawn on one page (a dense page holds ~10 KB)

_CID = re.compile(r"\(cid:\d+\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_HYPHENATED = re.compile(r"[A-Za-z\u00c0-\u024f][-\u2010]$")
_SENTENCE_END = tuple(".!?。！？」』）)”\"")
_PAGE_NUMBER = re.compile(r"^[\s\-–—(（]*(?:page\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[\s\-–—)）]*$", re.IGNORECASE)
_GLYPH_GAP_EMS = 0.5             # of a character: a narrower gap between Japanese characters is no space
_SHORT_LINE = 0.8                 # of the box's widest line: a paragraph's last line
_INDENT_EMS = 0.8                 # an indented first line starts a paragraph
_JOIN_ACROSS_PAGES_CHARS = 20
# Lines closer than this many line heights are one text box (pdfminer's default is 0.5,
# which splits Japanese body text set with the usual 1.5-1.8 em leading into single lines).
_LINE_MARGIN = 1.0
_MIN_NUMBERED_PAGES = 2           # a page number runs with the pages on at least this many
_BAD_TITLES = re.compile(r"^(?:untitled|microsoft (?:word|powerpoint|excel)\b|無題)|\.(?:docx?|pdf|indd|tex|dvi|ps|txt|rtf|odt|pages|qxd)$",
                         re.IGNORECASE)


@register(".pdf")
def load_pdf(path: Path, data: bytes) -> Document:
    if not data:
        raise IngestError("The file is empty.")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("This is not a PDF file (it does not start like one), though its name ends in .pdf.")
    _install_guards()
    first_error: _Unreadable | None = None
    try:
        text, info = _read_text(data, rescan=False)
    except _Unreadable as error:
        text, info, first_error = "", {}, error
    if not text.strip():
        # A damaged cross-reference table can hide every object (and so all the text):
        # read the objects where they really are in the file before giving up.
        try:
            text, info = _read_text(data, rescan=True)
        except _Unreadable:
            pass
    if not text.strip():
        if first_error is not None:
            raise first_error
        raise IngestError(NO_TEXT_MESSAGE)
    return build_document(path, text, "pdf", title=info.get("title"), author=info.get("author"),
                          fallback_date=info.get("date"))


class _Unreadable(IngestError):
    """The PDF is damaged: worth a second reading that scans the file for its objects."""


class _OverBudget(IngestError):
    """The PDF asks for more work than any real document needs: refused, never retried."""


@dataclass
class _Budget:
    inflated: int = 0
    forms: int = 0                     # on this page
    page_text: int = 0                 # bytes of text drawn on this page
    shown: int = 0                     # text-showing operators met (with or without a usable font)
    exceeded: str | None = None        # the refusal, kept even if pdfminer swallows the exception

    def spend(self, what: str, amount: int, limit: int, message: str) -> None:
        setattr(self, what, getattr(self, what) + amount)
        if getattr(self, what) > limit:
            self.exceeded = self.exceeded or message
            raise _OverBudget(self.exceeded)


_BUDGET: contextvars.ContextVar[_Budget] = contextvars.ContextVar("pdf_budget")
_BOMB_MESSAGE = ("This PDF unpacks to more than {mb} MB of drawing instructions from a small file; "
                 "it may be damaged or built to exhaust memory (a compression bomb?).")
_FAN_OUT_MESSAGE = (f"This PDF draws the same shapes more than {MAX_FORM_DRAWINGS:,} times over on a page (nested "
                    "forms); it takes too long to read: it may be damaged or built to be slow.")
_PAGE_TEXT_MESSAGE = (f"This PDF draws more than {MAX_PAGE_TEXT_BYTES // 1000:,} KB of text on one page; it takes too "
                      "long to read: it may be damaged or built to be slow.")


FONTLESS_MESSAGE = ("This PDF's text cannot be read: its pages show text, but the fonts or resources "
                    "that text needs are missing or damaged.")


def _read_text(data: bytes, rescan: bool) -> tuple[str, dict[str, str]]:
    budget = _Budget()
    token = _BUDGET.set(budget)
    try:
        document = _open(data, rescan)
        info = _document_info(document)
        text = _join_pages(drop_page_numbers(list(_page_paragraphs(document))))
    except _OverBudget:
        raise IngestError(budget.exceeded) from None
    finally:
        _BUDGET.reset(token)
    if budget.exceeded:           # raised inside pdfminer code that caught it
        raise IngestError(budget.exceeded)
    if not text.strip() and budget.shown:
        raise _Unreadable(FONTLESS_MESSAGE)
    return text, info


def _open(data: bytes, rescan: bool = False) -> Any:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    _read_embedded_encodings()
    try:
        return (_RescannedDocument if rescan else _GuardedDocument)(PDFParser(io.BytesIO(data)))
    except IngestError:
        raise
    except RecursionError:
        raise _Unreadable("This PDF is damaged: its objects refer to each other in an endless circle.") from None
    except PDFPasswordIncorrect:
        raise IngestError(PASSWORD_MESSAGE) from None
    except PDFEncryptionError as error:
        raise IngestError(f"This PDF is encrypted in a way Reader cannot read ({error}).") from error
    except Exception as error:      # pdfminer raises many kinds on broken files (PSEOF, KeyError...)
        raise _Unreadable(f"This PDF is damaged or incomplete and cannot be read ({_describe(error)}).") from error


def _install_guards() -> None:
    """Bound what pdfminer does with hostile input (once per process): object references
    that lead in a circle resolve to nothing (pdfminer would follow them forever), streams
    inflate only up to the limits above, and form XObjects are counted as they are drawn."""
    from pdfminer import pdftypes
    from pdfminer.pdfdocument import PDFDocument, PDFNoValidXRef
    from pdfminer.pdfinterp import LITERAL_FORM, PDFPageInterpreter
    from pdfminer.pdfpage import PDFPage
    from pdfminer.psparser import literal_name

    global _GuardedDocument, _RescannedDocument, _BoundedInterpreter
    if _GuardedDocument is not None:
        return

    class GuardedDocument(PDFDocument):
        def getobj(self, objid: int) -> object:
            seen = {objid}
            obj = super().getobj(objid)
            while isinstance(obj, pdftypes.PDFObjRef):      # `6 0 obj 7 0 R`: a reference to a reference
                if obj.objid in seen:
                    return None                              # a circle: PDF null
                seen.add(obj.objid)
                obj = super().getobj(obj.objid)
            return obj

    class RescannedDocument(GuardedDocument):
        def find_xref(self, parser: Any) -> int:
            raise PDFNoValidXRef("reading the objects where they are, not where the table says")

    class BoundedInterpreter(PDFPageInterpreter):
        def do_Do(self, xobjid_arg: Any) -> None:
            xobj = pdftypes.resolve1(self.xobjmap.get(literal_name(xobjid_arg)))
            if isinstance(xobj, pdftypes.PDFStream) and xobj.get("Subtype") is LITERAL_FORM:
                _BUDGET.get().spend("forms", 1, MAX_FORM_DRAWINGS, _FAN_OUT_MESSAGE)
            super().do_Do(xobjid_arg)

        def do_TJ(self, seq: Any) -> None:      # Tj, ' and " end up here too
            budget = _BUDGET.get()
            budget.shown += 1
            drawn = sum(len(item) for item in seq if isinstance(item, bytes)) if isinstance(seq, list) else 0
            budget.spend("page_text", drawn, MAX_PAGE_TEXT_BYTES, _PAGE_TEXT_MESSAGE)
            super().do_TJ(seq)

        def process_page(self, page: Any) -> None:
            budget = _BUDGET.get()
            budget.forms = budget.page_text = 0
            super().process_page(page)

    # A page box that resolves to nothing (a reference loop) is a missing one: pdfminer's own
    # defaults (US Letter; the media box) apply, as they do to a box that is not a rectangle.
    parse_mediabox, parse_cropbox = PDFPage._parse_mediabox, PDFPage._parse_cropbox

    def guarded_mediabox(self: Any, value: Any) -> Any:
        return parse_mediabox(self, value if pdftypes.resolve1(value) is not None else None)

    def guarded_cropbox(self: Any, value: Any, mediabox: Any) -> Any:
        return parse_cropbox(self, value if pdftypes.resolve1(value) is not None else None, mediabox)

    # (setattr: patching pdfminer's methods and module globals, which its types do not foresee)
    setattr(PDFPage, "_parse_mediabox", guarded_mediabox)
    setattr(PDFPage, "_parse_cropbox", guarded_cropbox)
    setattr(pdftypes, "zlib", _BoundedZlib())
    pdftypes.decompress_corrupted = _inflate_damaged
    _GuardedDocument, _RescannedDocument, _BoundedInterpreter = GuardedDocument, RescannedDocument, BoundedInterpreter


_GuardedDocument: Any = None
_RescannedDocument: Any = None
_BoundedInterpreter: Any = None


class _BoundedZlib:
    """What pdfminer.pdftypes uses of zlib, with decompress() stopping at the budget."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)

    @staticmethod
    def decompress(data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = _inflate_some(inflater, data)
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")     # pdfminer then reads what it can
        return out


def _inflate_some(inflater: Any, data: bytes) -> bytes:
    budget = _BUDGET.get(None) or _Budget()
    room = min(MAX_INFLATED_STREAM_BYTES, MAX_INFLATED_DOCUMENT_BYTES - budget.inflated)
    out = inflater.decompress(data, room + 1)
    limit = MAX_INFLATED_STREAM_BYTES if room == MAX_INFLATED_STREAM_BYTES else MAX_INFLATED_DOCUMENT_BYTES
    budget.spend("inflated", len(out), budget.inflated + room, _BOMB_MESSAGE.format(mb=limit // 1024 // 1024))
    return out


def _inflate_damaged(data: bytes) -> bytes:
    """What inflates of a damaged stream (pdfminer's own version goes byte by byte, copying
    everything so far at each one: quadratic)."""
    inflater = zlib.decompressobj()
    pieces: list[bytes] = []
    for start in range(0, len(data), 65536):
        chunk = data[start:start + 65536]
        try:
            pieces.append(_inflate_some(inflater, chunk))
        except zlib.error:
            for byte in range(len(chunk)):     # up to the damage, within this chunk
                try:
                    pieces.append(_inflate_some(inflater, chunk[byte:byte + 1]))
                except zlib.error:
                    return b"".join(pieces)
        if inflater.eof:
            break
    return b"".join(pieces)


def _read_embedded_encodings() -> None:
    """Let pdfminer read fonts whose encoding is a CMap embedded in the file under a name it
    does not know (fpdf2 and some other writers do this): it would decode no text at all
    from them. When such a font has a ToUnicode map, its codes are read as CIDs directly,
    which is what that map is keyed by in pdfminer. Done once per process."""
    from pdfminer.cmapdb import CMap, IdentityCMap
    from pdfminer.pdffont import PDFCIDFont
    from pdfminer.pdftypes import PDFStream, resolve1

    if getattr(PDFCIDFont, "_reader_embedded_encodings", False):
        return
    original = PDFCIDFont.get_cmap_from_spec

    def get_cmap_from_spec(self: Any, spec: Any, strict: bool) -> Any:
        cmap = original(self, spec, strict)
        if type(cmap) is CMap and not cmap.code2cid and "ToUnicode" in spec:
            encoding = resolve1(spec.get("Encoding"))
            if isinstance(encoding, PDFStream):
                return IdentityCMap(WMode=int(resolve1(encoding.get("WMode")) or 0))
        return cmap

    setattr(PDFCIDFont, "get_cmap_from_spec", get_cmap_from_spec)    # (a patch of pdfminer's class)
    setattr(PDFCIDFont, "_reader_embedded_encodings", True)


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


def _page_paragraphs(document: Any) -> Iterator[_Page]:
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    resources = PDFResourceManager(caching=True)
    device = _aggregator_class()(resources, laparams=LAParams(detect_vertical=True, all_texts=True,
                                                               line_margin=_LINE_MARGIN))
    interpreter = _BoundedInterpreter(resources, device)
    number = 0
    try:
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            interpreter.process_page(page)
            yield _paragraphs(device.get_result())
    except IngestError:
        raise
    except Exception as error:
        raise _Unreadable(f"Page {number or 1} of this PDF cannot be read ({_describe(error)}).") from error


@lru_cache(maxsize=1)
def _aggregator_class() -> type:
    """pdfminer's page aggregator, aware of the writing mode of each glyph (a -V font writes
    vertically):

    - a line never mixes vertical and horizontal glyphs. pdfminer groups characters into
      lines in the order they are drawn, and with vertical detection on, the first letter of
      a horizontal word drawn right under a vertical column would join it ("W" + "orld");
    - on a page with both, each kind is put in reading order on its own (vertical columns
      right to left, horizontal text top to bottom), and the kind drawn first comes first.
      pdfminer would order the mixed boxes all as columns, right to left, so a horizontal
      heading at the top left came last."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import IndexAssigner, LTPage, LTTextBox, LTTextBoxVertical

    class WritingModePage(LTPage):
        def group_objects(self, laparams: Any, objs: Any) -> Iterator[Any]:
            run: list[Any] = []
            for obj in objs:
                if run and getattr(obj, "vertical_mode", False) != getattr(run[-1], "vertical_mode", False):
                    yield from super().group_objects(laparams, run)
                    run = []
                run.append(obj)
            if run:
                yield from super().group_objects(laparams, run)

        def analyze(self, laparams: Any) -> None:
            super().analyze(laparams)
            boxes = [obj for obj in self._objs if isinstance(obj, LTTextBox)]
            vertical: list[LTTextBox] = [box for box in boxes if isinstance(box, LTTextBoxVertical)]
            horizontal: list[LTTextBox] = [box for box in boxes if not isinstance(box, LTTextBoxVertical)]
            if not vertical or not horizontal or laparams.boxes_flow is None:
                return
            kinds = sorted((horizontal, vertical), key=lambda kind: min(map(_first_drawn, kind)))
            ordered = [box for kind in kinds for box in self._reading_order(laparams, kind)]
            self._objs = ordered + [obj for obj in self._objs if not isinstance(obj, LTTextBox)]

        def _reading_order(self, laparams: Any, boxes: list[Any]) -> list[Any]:
            if len(boxes) < 2:
                return boxes
            assigner = IndexAssigner()
            for group in self.group_textboxes(laparams, boxes):
                group.analyze(laparams)
                assigner.run(group)
            return sorted(boxes, key=lambda box: box.index)

    class WritingModeAggregator(PDFPageAggregator):
        def begin_page(self, page: Any, ctm: Any) -> None:
            super().begin_page(page, ctm)
            self.cur_item = WritingModePage(self.pageno, self.cur_item.bbox)   # (pageno: the LTPage's id)
            self.drawn = 0

        def render_char(self, matrix: Any, font: Any, *args: Any) -> float:
            advance = super().render_char(matrix, font, *args)
            char = self.cur_item._objs[-1]
            # Marks of our own on pdfminer's LTChar, read back with getattr (group_objects, _first_drawn).
            vars(char).update(vertical_mode=font.is_vertical(), draw_order=self.drawn)
            self.drawn += 1
            return advance

    return WritingModeAggregator


def _first_drawn(box: Any) -> int:
    return min((getattr(char, "draw_order", 0) for line in box for char in line if hasattr(char, "draw_order")),
               default=0)


@dataclass
class _Page:
    paragraphs: list[str]
    # Indexes of paragraphs that could be the page's number: a number alone in the first or
    # last text box. Whether they are is decided across pages (drop_page_numbers).
    number_candidates: list[int] = field(default_factory=list)


def _paragraphs(layout: Any) -> _Page:
    """The paragraphs of one page, in pdfminer's reading order."""
    boxes = list(_text_boxes(layout))
    page = _Page([])
    for index, box in enumerate(boxes):
        box_paragraphs = _box_paragraphs(box)
        if (index in (0, len(boxes) - 1) and len(box_paragraphs) == 1
                and _PAGE_NUMBER.match(box_paragraphs[0]) and len(boxes) > 1):
            page.number_candidates.append(len(page.paragraphs))
        page.paragraphs.extend(box_paragraphs)
    return page


def drop_page_numbers(pages: list[_Page]) -> list[list[str]]:
    """The pages' paragraphs without their page numbers. A number alone at the top or bottom
    of a page is a page number only when it runs with the pages: the same offset from the
    page's position ("3" on the 1st page, "4" on the 2nd...) on at least two pages. A table
    cell, a chart value or an axis tick at a page's edge stays."""
    offsets: dict[int, set[int]] = {}
    for position, page in enumerate(pages):
        for index in page.number_candidates:
            offsets.setdefault(_page_number(page.paragraphs[index]) - position, set()).add(position)
    running = {offset for offset, positions in offsets.items() if len(positions) >= _MIN_NUMBERED_PAGES}
    result = []
    for position, page in enumerate(pages):
        dropped = {index for index in page.number_candidates
                   if _page_number(page.paragraphs[index]) - position in running}
        result.append([paragraph for index, paragraph in enumerate(page.paragraphs) if index not in dropped])
    return result


def _page_number(paragraph: str) -> int:
    """The number of a page-number candidate (one that _PAGE_NUMBER matched, so it has digits)."""
    digits = re.search(r"\d+", paragraph)
    if digits is None:
        raise ValueError(f"not a page number: {paragraph!r}")
    return int(digits.group())


def _text_boxes(container: Any) -> Iterator[Any]:
    from pdfminer.layout import LTFigure, LTTextBox

    for item in container:
        if isinstance(item, LTTextBox):
            yield item
        elif isinstance(item, LTFigure):
            yield from _text_boxes(item)


def _box_paragraphs(box: Any) -> list[str]:
    from pdfminer.layout import LTTextBoxVertical, LTTextLine

    vertical = isinstance(box, LTTextBoxVertical)
    lines = [line for line in box if isinstance(line, LTTextLine)]
    entries = []
    for line in lines:
        text = _CONTROL.sub("", _CID.sub("", _line_text(line, vertical))).strip()
        if text:
            extent = line.height if vertical else line.width
            indent = (box.y1 - line.y1) if vertical else (line.x0 - box.x0)
            size = min(line.width, line.height) if vertical else line.height
            entries.append((text, extent, indent, size))
    if not entries:
        return []
    widest = max(extent for _, extent, _, _ in entries)
    paragraphs: list[str] = []
    current = ""
    for index, (text, extent, indent, size) in enumerate(entries):
        starts_paragraph = index > 0 and (
            (current.endswith(_SENTENCE_END) and entries[index - 1][1] < _SHORT_LINE * widest)
            or (indent > _INDENT_EMS * size and entries[index - 1][2] <= _INDENT_EMS * size
                and current.endswith(_SENTENCE_END)))
        if starts_paragraph:
            paragraphs.append(current)
            current = text
        else:
            current = join_lines(current, text) if current else text
    paragraphs.append(current)
    return paragraphs


def _line_text(line: Any, vertical: bool) -> str:
    """The text of a line, without the spaces pdfminer inserts for the small gaps of
    letter-spaced or justified Japanese ("一メー トル"): a space it inserted between two
    wide characters less than half a character apart is no space in the text. A space
    character in the PDF, and a gap of half a character or more, stay."""
    from pdfminer.layout import LTAnno

    items = list(line)
    kept = [item.get_text() for index, item in enumerate(items)
            if not (isinstance(item, LTAnno) and item.get_text() == " " and _glyph_gap(items, index, vertical))]
    return "".join(kept)


def _glyph_gap(items: list[Any], index: int, vertical: bool) -> bool:
    from pdfminer.layout import LTChar

    if index == 0 or index + 1 >= len(items):
        return False
    before, after = items[index - 1], items[index + 1]
    if not (isinstance(before, LTChar) and isinstance(after, LTChar)
            and is_wide(before.get_text()[-1:]) and is_wide(after.get_text()[:1])):
        return False
    gap = (before.y0 - after.y1) if vertical else (after.x0 - before.x1)
    return gap < _GLYPH_GAP_EMS * max(before.width, before.height)


def join_lines(previous: str, line: str) -> str:
    """Two lines of one paragraph as one: de-hyphenated English, Japanese without a space."""
    previous, line = previous.rstrip(), line.lstrip()
    if not previous or not line:
        return previous + line
    if previous.endswith("\u00ad"):                       # soft hyphen
        return previous[:-1] + line
    if _HYPHENATED.search(previous):
        # "Istan-" + "bul": a word broken at the line end; "pro-" + "Russian" and
        # "semi-" + "automatically": a real hyphen.
        if line[0].islower() and not _real_hyphen(previous[:-1], line):
            return previous[:-1] + line
        return previous + line
    if is_wide(previous[-1]) or is_wide(line[0]):
        return previous + line
    return previous + " " + line


_WORD_BEFORE = re.compile(r"[A-Za-z\u00c0-\u024f]+$")
_WORD_AFTER = re.compile(r"^[A-Za-z\u00c0-\u024f]+")


def _real_hyphen(before: str, after: str) -> bool:
    """Whether "semi-" at a line end and "automatically" on the next are a hyphenated word:
    joined they are not an English word, but each part is (or the hyphenated whole is). A
    word broken only to fit the line ("negotia-tions", "Istan-bul", "Zapo-rizhzhia") joins."""
    first, second = _WORD_BEFORE.search(before), _WORD_AFTER.search(after)
    if first is None or second is None:
        return False
    first_word, second_word = first.group().lower(), second.group().lower()
    words = _english_words()
    if first_word + second_word in words:
        return False
    return f"{first_word}-{second_word}" in words or (first_word in words and second_word in words)


@lru_cache(maxsize=1)
def _english_words() -> Any:
    """English words with their frequencies (pyspellchecker's list, 160,000 words, built
    from OpenSubtitles and SCOWL); loaded once, the first time a line ends in a hyphen."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency


def _join_pages(pages: list[list[str]]) -> str:
    """Pages separated by a blank line, except where a paragraph runs on to the next page."""
    paragraphs: list[str] = []
    breaks: list[str] = []
    for page in pages:
        for index, paragraph in enumerate(page):
            if index == 0 and paragraphs and _runs_on(paragraphs[-1], paragraph):
                paragraphs[-1] = join_lines(paragraphs[-1], paragraph)
                continue
            if paragraphs:
                breaks.append("\n\n" if index == 0 else "\n")
            paragraphs.append(paragraph)
    out = paragraphs[:1]
    for separator, paragraph in zip(breaks, paragraphs[1:]):
        out.append(separator)
        out.append(paragraph)
    return "".join(out)


def _runs_on(previous: str, following: str) -> bool:
    if previous.endswith(_SENTENCE_END) or not following:
        return False
    if _HYPHENATED.search(previous) or following[0].islower():
        return previous[-1:].isalnum() or previous.endswith(("-", ","))
    return is_wide(previous[-1]) and is_wide(following[0]) and len(previous) >= _JOIN_ACROSS_PAGES_CHARS


def _document_info(document: Any) -> dict[str, str]:
    """Title, author and date (ISO) from the PDF's Info dictionary, where usable."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    result: dict[str, str] = {}
    for info in getattr(document, "info", None) or []:
        try:
            info = resolve1(info)
            for key, field in (("Title", "title"), ("Author", "author"), ("CreationDate", "date")):
                value = resolve1(info.get(key)) if isinstance(info, dict) else None
                if isinstance(value, bytes):
                    value = decode_text(value)
                if isinstance(value, str) and value.strip() and field not in result:
                    result[field] = " ".join(_CONTROL.sub("", value).split())
        except Exception:      # a broken Info dictionary is no reason to refuse the text
            continue
    if result.get("author", "").lower() in ("anonymous", "unknown", "user", "admin", "author"):
        del result["author"]
    if "title" in result and _BAD_TITLES.search(result["title"]):
        del result["title"]
    if "date" in result:
        date = normalise_date(result.pop("date"))
        if date:
            result["date"] = date
    return result
