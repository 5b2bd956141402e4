"""How a document's text is laid out in the reading pane, and the mapping between
document offsets and pane positions.

This is the one place that knows both coordinate systems:

* document offsets: Python code-point offsets into `DocumentDetail.text`, as the
  core uses for passages, mentions, search hits (and, later, annotations);
* pane positions: `QTextDocument` positions, in UTF-16 code units, over the text
  the pane shows: a header, then one block per passage line, plus one
  placeholder block before each run of repeated passages.

Every block of the pane is one line of `RenderPlan.text` (no block contains a
newline), so block number i is `RenderPlan.blocks[i]`. Repeated passages are
always present in the pane (hidden while folded), so the mapping never changes
when a fold opens or closes.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

# Block kinds
TITLE = "title"
META = "meta"
BODY = "body"
BOILERPLATE = "boilerplate"
DUPLICATE = "duplicate"
PLACEHOLDER = "placeholder"

_SEPARATORS = {"\u2029": " ", "\u2028": " ", "\x0b": " ", "\x0c": " ", "\x1c": " ", "\x1d": " ", "\x1e": " ",
               "\x85": " "}
_SEPARATOR_TABLE = str.maketrans(_SEPARATORS)


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class Block:
    """One line of the pane."""

    kind: str
    text: str                     # as shown (same length as the source slice)
    pane_start: int               # UTF-16 position of the block in the pane
    doc_start: int | None = None  # document offsets of the text, None for header/placeholder
    doc_end: int | None = None
    passage_seq: int | None = None
    run: int | None = None        # fold run (repeated passages and their placeholder)
    astral: tuple[int, ...] = ()  # code-point indices (in `text`) of characters outside the BMP

    @property
    def mapped(self) -> bool:
        return self.doc_start is not None

    @property
    def pane_length(self) -> int:
        return len(self.text) + len(self.astral)

    def to_pane(self, doc_offset: int) -> int:
        """Pane position of a document offset inside (or at the end of) this block."""
        rel = min(max(doc_offset - self.doc_start, 0), len(self.text))
        return self.pane_start + rel + bisect.bisect_left(self.astral, rel)

    def to_document(self, pane_pos: int) -> int:
        """Document offset of a pane position inside (or at the end of) this block."""
        units = min(max(pane_pos - self.pane_start, 0), self.pane_length)
        if not self.astral:
            return self.doc_start + units
        rel = units
        for k, index in enumerate(self.astral):
            if index + k < units:  # this astral character (2 units) lies before the position
                rel -= 1
            else:
                break
        return self.doc_start + min(rel, len(self.text))


@dataclass
class FoldRun:
    run: int
    placeholder: int            # block index of the placeholder
    blocks: list[int]           # block indices of the repeated passages
    passages: list[int]         # their passage seqs
    repeats: list[int]          # the seqs they repeat


@dataclass
class RenderPlan:
    blocks: list[Block] = field(default_factory=list)
    runs: list[FoldRun] = field(default_factory=list)
    body_start: int = 0         # index of the first body block

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._pane_starts = [b.pane_start for b in self.blocks]
        self._mapped = [i for i, b in enumerate(self.blocks) if b.mapped]
        self._doc_starts = [self.blocks[i].doc_start for i in self._mapped]

    # -- lookups -----------------------------------------------------------------------------
    def block_at_pane(self, pane_pos: int) -> int:
        """Index of the block containing a pane position (the separator belongs to the left)."""
        return max(0, bisect.bisect_right(self._pane_starts, pane_pos) - 1)

    def block_at_document(self, doc_offset: int) -> int | None:
        """Index of the mapped block containing a document offset, or the next one when the
        offset falls in a gap the pane does not show (blank lines); None past the end."""
        k = bisect.bisect_right(self._doc_starts, doc_offset) - 1
        if k >= 0:
            block = self.blocks[self._mapped[k]]
            if doc_offset < block.doc_end or (doc_offset == block.doc_end and k == len(self._mapped) - 1):
                return self._mapped[k]
        if k + 1 < len(self._mapped):
            return self._mapped[k + 1]
        return self._mapped[-1] if self._mapped else None

    def to_pane(self, doc_offset: int) -> int | None:
        index = self.block_at_document(doc_offset)
        if index is None:
            return None
        block = self.blocks[index]
        return block.to_pane(max(doc_offset, block.doc_start))

    def to_document(self, pane_pos: int) -> int | None:
        """The document offset at a pane position; None in the header or a placeholder."""
        block = self.blocks[self.block_at_pane(pane_pos)]
        return block.to_document(pane_pos) if block.mapped else None

    def pane_ranges(self, doc_start: int, doc_end: int) -> list[tuple[int, int, int]]:
        """(block index, pane start, pane end) pieces of a document range, block by block."""
        if doc_end <= doc_start or not self._mapped:
            return []
        pieces = []
        k = max(0, bisect.bisect_right(self._doc_starts, doc_start) - 1)
        while k < len(self._mapped):
            index = self._mapped[k]
            block = self.blocks[index]
            if block.doc_start >= doc_end:
                break
            lo, hi = max(doc_start, block.doc_start), min(doc_end, block.doc_end)
            if lo < hi:
                pieces.append((index, block.to_pane(lo), block.to_pane(hi)))
            k += 1
        return pieces

    def document_range(self, pane_start: int, pane_end: int) -> tuple[int, int] | None:
        """The document range covered by a pane selection (header and placeholders excluded):
        the one place a selection becomes document offsets (for annotations)."""
        if pane_end < pane_start:
            pane_start, pane_end = pane_end, pane_start
        first = last = None
        for index in range(self.block_at_pane(pane_start), self.block_at_pane(pane_end) + 1):
            block = self.blocks[index]
            if not block.mapped:
                continue
            lo = block.to_document(max(pane_start, block.pane_start))
            hi = block.to_document(min(pane_end, block.pane_start + block.pane_length))
            if hi <= lo and not (pane_start == pane_end):
                continue
            first = lo if first is None else first
            last = hi
        if first is None or last is None or last < first:
            return None
        return first, last

    def run_of_block(self, index: int) -> FoldRun | None:
        run = self.blocks[index].run
        return self.runs[run] if run is not None else None


def build_plan(text: str, passages: list, title: str = "", meta: str = "") -> RenderPlan:
    """Lay out a document: header, then passages line by line (gaps' non-blank lines too)."""
    blocks: list[Block] = []
    runs: list[FoldRun] = []
    pane = 0

    def add(kind: str, shown: str, doc_start: int | None = None, seq: int | None = None,
            run: int | None = None) -> int:
        nonlocal pane
        shown = shown.translate(_SEPARATOR_TABLE)
        astral = tuple(i for i, ch in enumerate(shown) if ord(ch) > 0xFFFF) if not shown.isascii() else ()
        block = Block(kind, shown, pane, doc_start, None if doc_start is None else doc_start + len(shown), seq, run,
                      astral)
        blocks.append(block)
        pane += block.pane_length + 1
        return len(blocks) - 1

    if title:
        add(TITLE, title.replace("\n", " "))
    if meta:
        add(META, meta.replace("\n", " "))
    body_start = len(blocks)

    def add_lines(start: int, end: int, kind: str, seq: int | None, run: int | None = None) -> list[int]:
        added = []
        pos = start
        while pos < end:
            newline = text.find("\n", pos, end)
            line_end = end if newline < 0 else newline
            line = text[pos:line_end]
            stripped = line.strip()
            if stripped:
                lead = len(line) - len(line.lstrip())
                added.append(add(kind, stripped, pos + lead, seq, run))
            pos = line_end + 1
        return added

    ordered = sorted(passages, key=lambda p: p.start)
    cursor = 0
    current_run: FoldRun | None = None
    for passage in ordered:
        if passage.start > cursor and add_lines(cursor, passage.start, BODY, None):
            current_run = None   # text between two repeats ends the fold; blank lines do not
        start, end = max(passage.start, cursor), passage.end
        if end <= start:
            continue
        if passage.duplicate_of is not None:
            if current_run is None:
                current_run = FoldRun(len(runs), -1, [], [], [])
                runs.append(current_run)
                current_run.placeholder = add(PLACEHOLDER, "", run=current_run.run)
            added = add_lines(start, end, DUPLICATE, passage.seq, current_run.run)
            current_run.blocks.extend(added)
            current_run.passages.append(passage.seq)
            current_run.repeats.append(passage.duplicate_of)
        else:
            current_run = None
            add_lines(start, end, BOILERPLATE if passage.boilerplate else BODY, passage.seq)
        cursor = end
    if cursor < len(text):
        add_lines(cursor, len(text), BODY, None)

    # Placeholder text, now that each run's size is known; fix up pane positions after it.
    if runs:
        for run in runs:
            count = len(run.passages)
            label = ("⤷ Repeated passage (shown above) — click to show" if count == 1 else
                     f"⤷ Article repeated: {count} paragraphs, shown above — click to show")
            blocks[run.placeholder].text = label
        pane = 0
        for block in blocks:
            block.pane_start = pane
            pane += block.pane_length + 1
    plan = RenderPlan(blocks, runs, body_start)
    return plan
