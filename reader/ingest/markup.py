"""Shared pieces of the HTML and EPUB loaders: decoding markup bytes, parsing it safely,
turning an element tree into reading text with ruby kept aside, and reading dates.

Parsing never touches the network or the disk: no DTDs, no external entities, and
scripts, styles and remote resources are only ever skipped, never run or fetched.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from typing import TYPE_CHECKING, Iterator

from reader.ingest.decode import decode_bytes, normalise_newlines
from reader.ingest.metadata import extract_date
from reader.ingest.model import IngestError, Ruby

if TYPE_CHECKING:
    from lxml import etree

# --- Bytes to text ---------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Labels as browsers read them (WHATWG Encoding): Shift_JIS is Windows-31J, Latin-1 is cp1252.
_CHARSET_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "csshiftjis": "cp932", "windows-31j": "cp932", "ms932": "cp932",
    "x-euc-jp": "euc_jp", "euc-jp": "euc_jp", "cseucpkdfmtjapanese": "euc_jp",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "windows-1252": "cp1252",
}


def declared_charset(data: bytes) -> str | None:
    """The Python codec a markup file declares in its head (<meta charset>, http-equiv or
    the XML declaration), if it declares a usable one."""
    head = data[:_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page read as ASCII-compatible bytes cannot really be UTF-16 (WHATWG: use UTF-8).
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def decode_markup(data: bytes) -> tuple[str, str]:
    """(text, encoding) of HTML/XHTML bytes: a BOM first, then the declared charset when the
    bytes really are in it, else Reader's own detection (Shift_JIS / EUC-JP pages often
    declare nothing). Raises IngestError for empty or binary data."""
    if not data:
        raise IngestError("The file is empty.")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return normalise_newlines(data.decode(codec)), codec.removesuffix("-sig")
            except UnicodeDecodeError:
                break
    declared = declared_charset(data)
    if declared:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass          # a wrong declaration: detect instead
        else:
            if "\x00" not in text:
                return normalise_newlines(text), declared
    return decode_bytes(data)


def without_xml_declaration(text: str) -> str:
    """lxml refuses str input that still declares an encoding."""
    return _XML_DECLARATION.sub("", text, count=1)


# --- Parsing ---------------------------------------------------------------------------

def parse_html(text: str) -> "etree._Element":
    """An lxml.html tree of a decoded page; comments and processing instructions dropped.
    Raises IngestError when the parser would lose part of the page's text (see below)."""
    import lxml.html

    # huge_tree: text nodes over 10 MB and nesting deeper than 255 levels are kept, not cut off.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  default_doctype=False, huge_tree=True)
    # (libxml2 drops what follows </html>; browsers, per HTML5, read it as part of the body)
    text = _END_OF_PAGE.sub("", without_doctype_subset(without_xml_declaration(text)))
    if not text.strip():
        raise IngestError("The file is an empty document: it has no text.")
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception as error:   # lxml raises ParserError / XMLSyntaxError / ValueError
        raise IngestError(f"Reader cannot read this HTML: {error}.") from error
    refuse_if_text_lost(text, root)
    flatten_deep_tree(root)
    return root


def parse_xhtml(data: bytes) -> "etree._Element":
    """An XHTML file (from an EPUB) as XML, without DTDs or entities; pages that are not
    well-formed XML (HTML entities like &nbsp;, unclosed tags) are read as HTML instead."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        text, _ = decode_markup(data)
        return parse_html(text)
    flatten_deep_tree(root)
    return root


_END_OF_PAGE = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(r"^(\s*<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)


def without_doctype_subset(text: str) -> str:
    """An HTML parser ends <!DOCTYPE html [ <!ENTITY ...> ]> at the first '>' and reads the
    rest of the internal subset as text ("]>"): the subset goes before parsing."""
    return _DOCTYPE_SUBSET.sub(r"\1>", text, count=1)


# --- Text the parser must not lose -----------------------------------------------------------

# libxml2 stops at 2,048 levels of nesting even with huge_tree: what lies deeper is dropped.
# Trees are flattened below MAX_TREE_DEPTH levels so that the recursive steps after parsing
# (the extractor, TextBuilder) stay within Python's recursion limit.
MAX_TREE_DEPTH = 200
_UNREAD_ELEMENTS = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<!\[CDATA\[.*?\]\]>",
                              re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_LOST_SHARE = 0.05            # of the page's characters: more than this lost means the parser gave up
_LOST_SLACK = 200             # characters the two counts may differ by anyway (entities, odd markup)


def refuse_if_text_lost(source: str, root: "etree._Element") -> None:
    """Compare the letters and digits of the page's source text (outside tags, scripts,
    styles and comments) with those in the parsed tree; refuse when the parser lost text."""
    import html

    in_source = _word_chars(html.unescape(_TAG.sub(" ", _UNREAD_ELEMENTS.sub(" ", source))))
    in_tree = sum(_word_chars(piece) for piece in _tree_text(root))
    if in_tree < in_source * (1 - _LOST_SHARE) - _LOST_SLACK:
        deepest = _depth(root)
        reason = (f"it is nested {deepest:,} levels deep" if deepest >= 1000
                  else "its markup is too damaged")
        raise IngestError(f"Part of this page's text cannot be read: {reason}, and the HTML parser dropped "
                          f"{in_source - in_tree:,} of its {in_source:,} letters and digits. Reader does not add "
                          "a page with text missing.")


def _word_chars(text: str) -> int:
    return sum(map(str.isalnum, text))      # (a regular expression would list every word first)


def _tree_text(root: "etree._Element") -> Iterator[str]:
    for element in root.iter():
        if isinstance(element.tag, str) and local_name(element) not in ("script", "style") and element.text:
            yield element.text
        if element is not root and element.tail:
            yield element.tail


def _depth(root: "etree._Element") -> int:
    depths = {root: 0}
    deepest = 0
    for element in root.iter():
        parent = element.getparent()
        if parent is not None:
            depths[element] = depth = depths.get(parent, 0) + 1
            deepest = max(deepest, depth)
    return deepest


def flatten_deep_tree(root: "etree._Element") -> None:
    """A tree no deeper than MAX_TREE_DEPTH, with all its text: first wrappers (an element
    whose only content is one element) give way to what they wrap; then elements still too
    deep are merged into their ancestor at that depth (their boundaries become line breaks,
    read as a space)."""
    if _depth(root) <= MAX_TREE_DEPTH:
        return
    for element in reversed(list(root.iter())):
        parent = element.getparent()
        if (parent is not None and len(element) == 1 and not (element.text or "").strip()
                and isinstance(element.tag, str) and isinstance(element[0].tag, str)):
            child = element[0]
            child.tail = (child.tail or "") + (element.tail or "")
            parent.replace(element, child)
    if _depth(root) > MAX_TREE_DEPTH:
        _merge_below(root, MAX_TREE_DEPTH)


def _merge_below(root: "etree._Element", limit: int) -> None:
    depths = {root: 0}
    deep = []
    for element in root.iter():
        parent = element.getparent()
        if parent is None:
            continue
        depths[element] = depth = depths[parent] + 1
        if depth > limit:
            deep.append(element)
    for element in reversed(deep):          # innermost last in document order: merged first
        parent = element.getparent()
        text = "\n" + (element.text or "") if isinstance(element.tag, str) else ""
        tail = "\n" + (element.tail or "")
        index = parent.index(element)
        children = list(element)
        for offset, child in enumerate(children):
            parent.insert(index + 1 + offset, child)
        before = parent[index - 1] if index > 0 else None
        if before is None:
            parent.text = (parent.text or "") + text
        else:
            before.tail = (before.tail or "") + text
        last = children[-1] if children else None
        if last is not None:
            last.tail = (last.tail or "") + tail
        elif before is None:
            parent.text += tail
        else:
            before.tail += tail
        parent.remove(element)


def local_name(element: "etree._Element") -> str | None:
    """The element's tag without namespace, lower case; None for comments and entities."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


# --- Tree to text ----------------------------------------------------------------------

_BLOCK_TAGS = frozenset("""address article aside blockquote body caption center dd details dialog dir div dl
    dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p
    pre section summary table tbody tfoot thead tr ul""".split())
_SKIPPED_TAGS = frozenset("""head script style noscript template svg math iframe object embed button select
    option textarea input title audio video canvas map rp rt rtc""".split())
_CELL_TAGS = frozenset(("td", "th"))
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+|[^ \t\n\r\f\v]+")
_SPACE_CHARS = " \t\n\r\f\v"
# Scripts written without spaces: a source line break between them is no word space.
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u30a0-\u30ff\u3040-\u309f]")


def is_wide(char: str) -> bool:
    return bool(char) and _WIDE.match(char) is not None


class TextBuilder:
    """Collects reading text from markup: one paragraph per line, whitespace collapsed as a
    browser would (but no space where a source line break falls between Japanese
    characters), ruby readings kept aside with offsets into the text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._chunks: list[str] = []
        self.length = 0
        self.last = ""
        self.pending_break = ""           # "\n" (paragraph) or "\n\n" (chapter) before the next text
        self.pending_space: str | None = None   # " " or "\n" (whitespace that held a line break)
        self.ruby: list[Ruby] = []
        self._capture: list[list[tuple[int, int]]] = []

    # Structure
    def paragraph(self) -> None:
        if self.length and not self.pending_break:
            self.pending_break = "\n"

    def section(self) -> None:
        if self.length:
            self.pending_break = "\n\n"

    # Text
    def add_text(self, text: str) -> None:
        for match in _SPACE_RUN.finditer(text):
            piece = match.group()
            if piece[0] in _SPACE_CHARS:
                newline = "\n" in piece or "\r" in piece
                self.pending_space = "\n" if newline or self.pending_space == "\n" else " "
            else:
                self._emit(piece)

    def _emit(self, piece: str) -> None:
        if self.length:
            if self.pending_break:
                self._write(self.pending_break)
            elif self.pending_space == " " or (self.pending_space == "\n" and not is_wide(self.last)
                                               and not is_wide(piece[0])):
                self._write(" ")
        self.pending_break, self.pending_space = "", None
        start = self.length
        self._write(piece)
        if self._capture:
            self._capture[-1].append((start, self.length))

    def _write(self, piece: str) -> None:
        self.parts.append(piece)
        if len(self.parts) >= 8192:     # (a string per word and space: joined as it goes, memory stays near the text's)
            self._chunks.append("".join(self.parts))
            self.parts.clear()
        self.length += len(piece)
        self.last = piece[-1]

    def text(self) -> str:
        return "".join(self._chunks) + "".join(self.parts)

    # Elements
    def add_element(self, element: "etree._Element") -> None:
        """The text of an element and its descendants (not its tail)."""
        tag = local_name(element)
        if tag is None or tag in _SKIPPED_TAGS:
            return
        if tag == "br":
            self.paragraph()
            return
        if tag == "ruby":
            self._add_ruby(element)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.paragraph()
        elif tag in _CELL_TAGS:
            self.pending_space = self.pending_space or " "
        if tag == "pre":
            self._add_preformatted(element)
        else:
            self._add_children(element)
        if block:
            self.paragraph()
        elif tag in _CELL_TAGS:
            self.pending_space = self.pending_space or " "

    def _add_children(self, element: "etree._Element") -> None:
        if element.text:
            self.add_text(element.text)
        for child in element:
            self.add_element(child)
            if child.tail:
                self.add_text(child.tail)

    def _add_preformatted(self, element: "etree._Element") -> None:
        for index, line in enumerate("".join(element.itertext()).split("\n")):
            if index:
                self.paragraph()
            self.add_text(line)

    def _add_ruby(self, element: "etree._Element") -> None:
        """<ruby>base<rp>(</rp><rt>reading</rt><rp>)</rp>...</ruby>: each <rt> reads the base
        text since the previous one (group and mono ruby alike); <rp> and <rtc> are dropped."""
        spans: list[tuple[int, int]] = []
        self._capture.append(spans)
        try:
            if element.text:
                self.add_text(element.text)
            for child in element:
                tag = local_name(child)
                if tag == "rt":
                    reading = " ".join("".join(child.itertext()).split())
                    if spans and reading:
                        self.ruby.append(Ruby(spans[0][0], spans[-1][1], reading))
                    spans.clear()
                elif tag not in ("rp", "rtc"):
                    self.add_element(child)     # <rb> and inline markup: base text
                if child.tail:
                    self.add_text(child.tail)
        finally:
            self._capture.pop()


_SOURCE_BREAK = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")
_PREFORMATTED = ("pre", "textarea", "listing", "plaintext", "xmp")


def collapse_source_breaks(root: "etree._Element") -> None:
    """Line breaks in the page's source as a browser shows them: a space, or nothing between
    Japanese characters. (Extractors keep them, which would cut sentences into lines.)"""
    keep = {e for tag in _PREFORMATTED for p in root.iter(tag) for e in p.iter()}   # (holds the proxies)
    for element in root.iter():
        if element not in keep:
            element.text = _collapse_breaks(element.text)
        parent = element.getparent()
        if parent is None or parent not in keep:
            element.tail = _collapse_breaks(element.tail)


def _collapse_breaks(text: str | None) -> str | None:
    if not text or "\n" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if before and after and (is_wide(before) or is_wide(after)) else " "

    return _SOURCE_BREAK.sub(replace, text)


def element_text(element: "etree._Element") -> str:
    """Plain one-line text of an element (for titles and names); ruby readings left out."""
    builder = TextBuilder()
    builder._add_children(element)
    return " ".join(builder.text().split())


# --- Dates -----------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2}))?")
_PDF_DATE = re.compile(r"^\s*D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?")


def normalise_date(value: str | None) -> str | None:
    """A stated date as Reader stores dates: YYYY-MM-DD or YYYY-MM-DDTHH:MM (the time as
    stated, its zone dropped). Accepts ISO 8601, PDF "D:YYYYMMDDHHmm…" and dates in words
    ("2025年3月14日", "March 14, 2025"); None when nothing valid is there."""
    if not value:
        return None
    match = _PDF_DATE.match(value) or _ISO_DATE.match(value)
    if match:
        year = int(match.group(1))      # both patterns require the year
        month, day, hour, minute = (int(g) if g else None for g in match.groups()[1:])
        try:
            date = dt.date(year, month or 1, day or 1)
        except ValueError:
            return None
        if not 1900 <= year <= 2100:
            return None
        if hour is None or minute is None or hour > 23 or minute > 59:
            return date.isoformat()
        return f"{date.isoformat()}T{hour:02d}:{minute:02d}"
    return extract_date(value)          # the text heuristics' own reading of a date in words


# Ruby through an extractor that knows nothing of it: each base is wrapped in markers (the
# extractor drops unprintable characters, so these are printable letters and symbols from
# scripts news never uses: a Byzantine musical symbol opens, a Tangut character closes and
# numbers the reading), and the markers are taken out of the extracted text again.
_RUBY_OPEN = "\U0001d000"
_RUBY_INDEX_BASE = 0x17000
_RUBY_INDEX_COUNT = 0x187F7 - 0x17000
_MARKED_BASE = re.compile("\U0001d000([^\U0001d000\U00017000-\U000187f7]*)([\U00017000-\U000187f7])")
_STRAY_MARKS = re.compile("[\U0001d000\U00017000-\U000187f7]")


def ruby_marker(index: int) -> str:
    return chr(_RUBY_INDEX_BASE + index)


def mark_ruby_in_tree(root: "etree._Element") -> list[str]:
    """Replace each <ruby> in an lxml.html tree by its base text between markers; returns
    the readings, by marker index. Pages without ruby are left as they are."""
    readings: list[str] = []
    rubies = list(root.iter("ruby"))
    if not rubies:
        return readings
    if any(_STRAY_MARKS.search(text) for text in root.itertext()):
        for ruby in rubies:                  # the page uses the markers' scripts: readings just go
            for reading in [e for e in ruby.iter() if local_name(e) in ("rt", "rp")]:
                reading.drop_tree()
        return readings
    for ruby in rubies:
        builder = TextBuilder()
        builder.add_element(ruby)
        base = builder.text()
        parts, previous = [], 0
        for item in builder.ruby:
            if len(readings) >= _RUBY_INDEX_COUNT:
                break
            if item.start > previous:
                parts.append(base[previous:item.start])
            parts.append(_RUBY_OPEN + base[item.start:item.end] + ruby_marker(len(readings)))
            readings.append(item.reading)
            previous = item.end
        parts.append(base[previous:])
        tail = ruby.tail
        parent = ruby.getparent()
        if parent is None:
            continue
        replacement = "".join(parts) + (tail or "")
        previous_sibling = ruby.getprevious()
        if previous_sibling is not None:
            previous_sibling.tail = (previous_sibling.tail or "") + replacement
        else:
            parent.text = (parent.text or "") + replacement
        parent.remove(ruby)
    return readings


def unmark_ruby(text: str, readings: list[str]) -> tuple[str, list[Ruby]]:
    """Text without the markers, and the ruby they delimited, with offsets into that text."""
    if not readings:
        return text, []
    pieces: list[str] = []
    ruby: list[Ruby] = []
    length = previous = 0
    for match in _MARKED_BASE.finditer(text):
        before = _STRAY_MARKS.sub("", text[previous:match.start()])
        pieces.append(before)
        length += len(before)
        base = match.group(1)
        index = ord(match.group(2)) - _RUBY_INDEX_BASE
        if base.strip() and index < len(readings):
            ruby.append(Ruby(length, length + len(base), readings[index]))
        pieces.append(base)
        length += len(base)
        previous = match.end()
    pieces.append(_STRAY_MARKS.sub("", text[previous:]))
    return "".join(pieces), ruby


def strip_ruby_marks(text: str) -> str:
    return _STRAY_MARKS.sub("", text)
