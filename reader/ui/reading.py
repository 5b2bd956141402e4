"""The reading pane: one document, typeset for reading, with entity highlights.

Performance notes: the text goes in with one `setPlainText`, block formats with a
handful of cursor operations, and entity highlights as per-block layout formats
(`QTextLayout.setFormats`, as QSyntaxHighlighter does), so toggling an entity type
never rebuilds the text. Search and find matches and the "flash" are extra
selections. Repeated passages are always in the document, hidden while folded,
so the offset mapping (`reader.ui.textmap`) never changes with folding.
"""
from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QVariantAnimation, Signal
from PySide6.QtGui import (QColor, QFont, QFontInfo, QGuiApplication, QPalette, QTextBlockFormat, QTextCharFormat,
                           QTextCursor, QTextDocument, QTextLayout)
from PySide6.QtWidgets import QFrame, QMenu, QTextBrowser, QTextEdit, QToolTip, QWidget

from reader.ui import palette
from reader.ui.compat import top_up
from reader.ui.fonts import reading_font
from reader.ui.textmap import (BOILERPLATE, DUPLICATE, META, PLACEHOLDER, TITLE, RenderPlan, build_plan)

ZOOM_STEP = 1.1
ZOOM_MIN, ZOOM_MAX = -5, 10
MIN_SIDE_MARGIN = 28


@dataclass(frozen=True)
class Typography:
    """How the text is set; the user's choice in Preferences (reader.ui.preferences)."""

    family: str = ""            # "" = the reading families chosen by reader.ui.fonts
    point_size: float = 12.5    # at zoom 0
    line_height: int = 150      # percent of the font's line
    measure_em: int = 40        # maximum line length, in ems



@dataclass(frozen=True)
class Location:
    """A place in the corpus: a document and an offset into its text."""

    doc_id: int
    offset: int = 0


# A format layer: callable(dark) -> [(document start, document end, QTextCharFormat)]
FormatLayer = Callable[[bool], Iterable[tuple[int, int, QTextCharFormat]]]


class ReadingPane(QTextBrowser):
    """Read-only text view of one `DocumentDetail`."""

    entityActivated = Signal(str)            # entity id, on click
    passageActivated = Signal(int, int)      # doc id, passage seq: click in a passage with no entity
    similarRequested = Signal(int, int)      # doc id, passage seq: context menu
    zoomChanged = Signal(int)
    documentShown = Signal(int)              # doc id
    groupCountsChanged = Signal(dict)        # group key -> mentions in this document
    contextMenuAboutToShow = Signal(object, QPoint)  # the QMenu, the viewport point: add items (annotations)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingPane")
        self.setAccessibleName("Reading pane")
        self.setAccessibleDescription("The text of the open document")
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.setAutoFillBackground(True)

        self.detail = None
        self.plan: RenderPlan | None = None
        self.mentions: list = []
        self._mention_starts: list[int] = []
        self._mention_ends_max: list[int] = []
        self.enabled_groups: set[str] = {g.key for g in palette.GROUPS}
        self.dark = False
        self.zoom = 0
        self._wheel_delta = 0
        self.typography = Typography()
        self.expanded_runs: set[int] = set()
        self.entity_lookup: Callable[[str], object | None] = lambda _id: None
        # Format layers over the entities (annotations: `add_format_layer`), painted after the entity
        # formats, so where they overlap their background wins and the entity keeps its underline.
        self._format_layers: list[FormatLayer] = []
        self._formatted_blocks: set[int] = set()
        self._layers: dict[str, list[QTextEdit.ExtraSelection]] = {}
        self._press_pos: QPoint | None = None
        self._flash_ranges: list[tuple[int, int]] = []
        self._flash = QVariantAnimation(self)
        self._flash.setDuration(1400)
        self._flash.setStartValue(1.0)
        self._flash.setEndValue(0.0)
        self._flash.valueChanged.connect(self._paint_flash)
        self._flash.finished.connect(lambda: self.set_layer("flash", []))
        self._own_document: QTextDocument | None = None
        self._apply_surface()
        self._show_empty("No document open.")

    # -- appearance ---------------------------------------------------------------------------
    def base_font(self) -> QFont:
        return reading_font(self.typography.point_size * (ZOOM_STEP ** self.zoom), self.typography.family)

    def set_typography(self, typography: Typography) -> None:
        if typography == self.typography:
            return
        self.typography = typography
        self._update_margins()
        self._rerender()

    def _apply_surface(self) -> None:
        pal = self.palette()
        paper, ink = QColor(palette.PAPER[self.dark]), QColor(palette.INK[self.dark])
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
            pal.setColor(role, paper)
        pal.setColor(QPalette.ColorRole.Text, ink)
        self.setPalette(pal)
        self.viewport().setPalette(pal)

    def set_dark(self, dark: bool) -> None:
        if dark == self.dark:
            return
        self.dark = dark
        self._apply_surface()
        self._rerender()

    def set_zoom(self, zoom: int) -> None:
        zoom = max(ZOOM_MIN, min(ZOOM_MAX, zoom))
        if zoom == self.zoom:
            return
        self.zoom = zoom
        self._rerender()
        self.zoomChanged.emit(zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom + 1)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom - 1)

    def zoom_reset(self) -> None:
        self.set_zoom(0)

    def wheelEvent(self, event) -> None:
        """Ctrl+wheel zooms as Ctrl+= does (the reading font, the place kept), one step a notch;
        QTextEdit's own wheel zoom would scale the document's font and lose both."""
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
            return
        event.accept()
        self._wheel_delta += event.angleDelta().y()
        steps = int(self._wheel_delta / 120)   # 120: one notch; touchpads send smaller deltas
        if steps:
            self._wheel_delta -= steps * 120
            self.set_zoom(self.zoom + steps)

    def _rerender(self) -> None:
        if self.detail is None:
            return
        offset = self.top_offset()
        self._render()
        if offset is not None:
            self.scroll_to_offset(offset, align_top=True)

    def resizeEvent(self, event) -> None:
        # Keep a comfortable measure, centred, and the same text at the top as lines rewrap.
        anchor = None
        if self.plan is not None and self.verticalScrollBar().value() > 0 and event.oldSize().isValid():
            anchor = self.top_offset()
        self._update_margins()
        super().resizeEvent(event)
        if anchor is not None:
            self.scroll_to_offset(anchor, align_top=True)

    def _update_margins(self) -> None:
        font = self.document().defaultFont()
        em = QFontInfo(font).pixelSize() or 16
        measure = self.typography.measure_em * em + 2 * self.document().documentMargin()
        side = max(MIN_SIDE_MARGIN, int((self.width() - self.verticalScrollBar().sizeHint().width() - measure) / 2))
        self.setViewportMargins(side, 0, side, 0)

    # -- showing a document --------------------------------------------------------------------
    def _show_empty(self, message: str) -> None:
        doc = QTextDocument(self)
        doc.setDefaultFont(self.base_font())
        doc.setDocumentMargin(24)
        doc.setHtml(f"<p style='color:{palette.MUTED_INK[self.dark]}'>{html.escape(message)}</p>")
        self._swap_document(doc)

    def show_message(self, message: str) -> None:
        self.detail = None
        self.plan = None
        self.mentions = []
        self._mention_starts = []
        self._layers.clear()
        self.setExtraSelections([])
        self._show_empty(message)
        self.groupCountsChanged.emit({})

    def show_document(self, detail, mentions: Iterable = (), entity_lookup=None) -> None:
        """Show a document (a `DocumentDetail`) with its mentions (`MentionInfo`, any order)."""
        self.detail = detail
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self._mention_starts = [m.start for m in self.mentions]
        running = []
        high = -1
        for m in self.mentions:
            high = max(high, m.end)
            running.append(high)
        self._mention_ends_max = running
        if entity_lookup is not None:
            self.entity_lookup = entity_lookup
        self.expanded_runs = set()
        self._layers.clear()
        self._flash.stop()
        self._render()
        self.verticalScrollBar().setValue(0)
        self.documentShown.emit(detail.summary.id)
        counts: dict[str, int] = {}
        for m in self.mentions:
            key = palette.group_for(m.label).key
            counts[key] = counts.get(key, 0) + 1
        self.groupCountsChanged.emit(counts)

    def meta_line(self) -> str:
        """The line under the title: author, date, source, languages, size, file."""
        s = self.detail.summary
        parts = [p for p in (self.detail.author, palette.pretty_date(s.date), s.source) if p]
        if s.languages:
            parts.append(" / ".join(lang.upper() for lang in s.languages))
        parts.append(f"{s.chars:,} characters")
        parts.append(s.file_name)
        return "  ·  ".join(parts)

    def _render(self) -> None:
        detail = self.detail
        self.plan = build_plan(detail.text, detail.passages, detail.summary.title, self.meta_line())
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        font = self.base_font()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(8)
        doc.setPlainText(self.plan.text)
        em = QFontInfo(font).pixelSize() or 16
        muted = QColor(palette.MUTED_INK[self.dark])

        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        body = QTextBlockFormat()
        body.setLineHeight(self.typography.line_height, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        body.setBottomMargin(em * 0.75)
        body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.setBlockFormat(body)
        ink = QTextCharFormat()
        ink.setForeground(QColor(palette.INK[self.dark]))
        cursor.setCharFormat(ink)

        def format_block(index: int, block_format: QTextBlockFormat | None, char_format: QTextCharFormat | None):
            block = doc.findBlockByNumber(index)
            c = QTextCursor(block)
            if block_format is not None:
                c.setBlockFormat(block_format)
            if char_format is not None:
                c.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
                c.mergeCharFormat(char_format)
            return block

        title_block = QTextBlockFormat(body)
        title_block.setLineHeight(135, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        title_block.setBottomMargin(em * 0.4)
        title_char = QTextCharFormat()
        title_char.setFontPointSize(font.pointSizeF() * 1.55)
        title_char.setFontWeight(QFont.Weight.DemiBold)
        meta_block = QTextBlockFormat(body)
        meta_block.setBottomMargin(em * 1.6)
        meta_char = QTextCharFormat()
        meta_char.setFontPointSize(font.pointSizeF() * 0.82)
        meta_char.setForeground(muted)
        boiler_char = QTextCharFormat()
        boiler_char.setForeground(muted)
        boiler_char.setFontPointSize(font.pointSizeF() * 0.9)
        boiler_block = QTextBlockFormat(body)
        boiler_block.setBottomMargin(em * 0.4)
        placeholder_block = QTextBlockFormat(body)
        placeholder_block.setBackground(QColor("#2A2B2F" if self.dark else "#F0EEE8"))
        placeholder_block.setLineHeight(150, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        placeholder_block.setLeftMargin(em * 0.5)
        placeholder_char = QTextCharFormat()
        placeholder_char.setForeground(muted)
        placeholder_char.setFontItalic(True)
        placeholder_char.setFontPointSize(font.pointSizeF() * 0.85)
        duplicate_block = QTextBlockFormat(body)
        duplicate_block.setLeftMargin(em * 0.5)
        duplicate_block.setBackground(QColor("#25262A" if self.dark else "#F5F3EE"))

        for index, block in enumerate(self.plan.blocks):
            if index % 500 == 499:
                top_up()
            kind = block.kind
            if kind == TITLE:
                format_block(index, title_block, title_char)
            elif kind == META:
                format_block(index, meta_block, meta_char)
            elif kind == BOILERPLATE:
                format_block(index, boiler_block, boiler_char)
            elif kind == PLACEHOLDER:
                format_block(index, placeholder_block, placeholder_char)
            elif kind == DUPLICATE:
                format_block(index, duplicate_block, None).setVisible(block.run in self.expanded_runs)
        cursor.endEditBlock()
        for run in self.plan.runs:
            if run.run in self.expanded_runs:
                self._set_placeholder_text(doc, run, expanded=True)
        self._formatted_blocks = set()
        top_up()
        self._swap_document(doc)
        self._apply_entity_formats()
        self._rebase_layers(doc)
        self._refresh_layers()

    def _swap_document(self, doc: QTextDocument) -> None:
        old = self._own_document
        self.setDocument(doc)
        self._own_document = doc
        if old is not None and old is not doc:
            old.deleteLater()
        self._update_margins()

    # -- entity highlights ---------------------------------------------------------------------
    def set_group_enabled(self, key: str, enabled: bool) -> None:
        if enabled == (key in self.enabled_groups):
            return
        if enabled:
            self.enabled_groups.add(key)
        else:
            self.enabled_groups.discard(key)
        self._apply_entity_formats()

    def set_enabled_groups(self, keys: Iterable[str]) -> None:
        self.enabled_groups = set(keys)
        self._apply_entity_formats()

    def _apply_entity_formats(self) -> None:
        if self.plan is None:
            return
        doc = self.document()
        per_block: dict[int, list] = {}
        formats: dict[tuple[str, bool], QTextCharFormat] = {}
        blocks = self.plan.blocks
        for m in self.mentions:
            group = palette.group_for(m.label)
            if group.key not in self.enabled_groups:
                continue
            fmt = formats.get((group.key, m.counted))
            if fmt is None:
                fmt = formats[(group.key, m.counted)] = palette.char_format(group, self.dark, m.counted)
            for index, start, end in self.plan.pane_ranges(m.start, m.end):
                r = QTextLayout.FormatRange()
                r.start = start - blocks[index].pane_start
                r.length = end - start
                r.format = fmt
                per_block.setdefault(index, []).append(r)
        for start, end, fmt in (r for layer in self._format_layers for r in layer(self.dark)):
            for index, ps, pe in self.plan.pane_ranges(start, end):
                r = QTextLayout.FormatRange()
                r.start = ps - blocks[index].pane_start
                r.length = pe - ps
                r.format = fmt
                per_block.setdefault(index, []).append(r)
        touched = self._formatted_blocks | set(per_block)
        if not touched:
            return
        for n, index in enumerate(touched):
            block = doc.findBlockByNumber(index)
            block.layout().setFormats(per_block.get(index, []))
            if n % 500 == 499:
                top_up()
        self._formatted_blocks = set(per_block)
        lo, hi = min(touched), max(touched)
        first, last = doc.findBlockByNumber(lo), doc.findBlockByNumber(hi)
        doc.markContentsDirty(first.position(), last.position() + last.length() - first.position())
        top_up()

    def add_format_layer(self, layer: FormatLayer) -> None:
        """Highlights of another feature (the annotations), over the entity formats."""
        self._format_layers.append(layer)
        self.refresh_highlights()

    def remove_format_layer(self, layer: FormatLayer) -> None:
        if layer in self._format_layers:
            self._format_layers.remove(layer)

    def refresh_highlights(self) -> None:
        """Repaint entity and extra (annotation) highlights without rebuilding the text."""
        self._apply_entity_formats()

    def highlighted_count(self) -> int:
        """How many highlight ranges the pane currently paints (for tests and the legend)."""
        doc = self.document()
        return sum(len(doc.findBlockByNumber(i).layout().formats()) for i in self._formatted_blocks)

    def mention_at_offset(self, offset: int):
        """The innermost mention covering a document offset."""
        k = bisect.bisect_right(self._mention_starts, offset) - 1
        best = None
        while k >= 0:
            if self._mention_ends_max[k] <= offset:
                break
            m = self.mentions[k]
            if m.start <= offset < m.end and palette.group_for(m.label).key in self.enabled_groups:
                if best is None or (m.end - m.start) < (best.end - best.start):
                    best = m
            k -= 1
        return best

    # -- coordinates -----------------------------------------------------------------------------
    def _cursor_at(self, viewport_point: QPoint) -> QTextCursor:
        """cursorForPosition, made reliable: on a freshly laid-out document the first hit test
        can land past the lazily laid-out part; check it against the block's rectangle."""
        cursor = self.cursorForPosition(viewport_point)
        rect = self.document().documentLayout().blockBoundingRect(cursor.block())
        y = viewport_point.y() + self.verticalScrollBar().value()
        if not (rect.top() - 4 <= y <= rect.bottom() + 4):
            cursor = self.cursorForPosition(viewport_point)
        return cursor

    def pane_position_at(self, viewport_point: QPoint) -> int | None:
        """The pane position under a viewport point, or None if the point is not over text."""
        cursor = self._cursor_at(viewport_point)
        pos = cursor.position()
        block = cursor.block()
        if not block.isValid() or not block.isVisible():
            return None
        layout = block.layout()
        rect = self.document().documentLayout().blockBoundingRect(block)
        offset_y = self.verticalScrollBar().value()
        point = viewport_point + QPoint(self.horizontalScrollBar().value(), offset_y)
        if not rect.contains(point):
            return None
        # cursorForPosition returns the nearest gap; prefer the character under the point.
        rel = pos - block.position()
        line = layout.lineForTextPosition(rel)
        if line.isValid():
            x = point.x() - rect.left()
            if x < line.cursorToX(rel)[0] and rel > 0:
                pos -= 1
            if x > line.x() + line.naturalTextWidth():
                return None
        return pos

    def offset_at(self, viewport_point: QPoint) -> int | None:
        pos = self.pane_position_at(viewport_point)
        if pos is None or self.plan is None:
            return None
        return self.plan.to_document(pos)

    def mention_at(self, viewport_point: QPoint):
        offset = self.offset_at(viewport_point)
        return None if offset is None else self.mention_at_offset(offset)

    def block_index_at(self, viewport_point: QPoint) -> int | None:
        pos = self.pane_position_at(viewport_point)
        return None if pos is None or self.plan is None else self.plan.block_at_pane(pos)

    def selection_document_range(self) -> tuple[int, int] | None:
        """The selected text as document offsets (the hook for annotations)."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self.plan is None:
            return None
        return self.plan.document_range(cursor.selectionStart(), cursor.selectionEnd())

    def top_offset(self) -> int | None:
        """The document offset of the first text visible at the top of the pane.

        Read from the layout, not by hit-testing: Qt's hit test can land on a folded (hidden) block,
        which would put the place read inside a run the reader never saw."""
        if self.plan is None:
            return None
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        layout = self.document().documentLayout()
        last_text: int | None = None   # the scroll range can lag a relayout: past the end means the end
        block = self.document().begin()
        while block.isValid():
            rect = layout.blockBoundingRect(block) if block.isVisible() else None
            if rect is not None and rect.bottom() > top:
                if rect.top() > bottom:
                    break
                offset = self.plan.to_document(self._first_line_start_below(block, top - rect.top()))
                if offset is not None:
                    return offset
            elif rect is not None:   # above the top: its last line is the text nearest the end so far
                offset = self.plan.to_document(self._first_line_start_below(block, rect.height() - 1))
                last_text = last_text if offset is None else offset
            block = block.next()
        else:
            if last_text is not None:
                return last_text
        return 0 if top == 0 else None

    @staticmethod
    def _first_line_start_below(block, y: float) -> int:
        """The pane position starting the first line of a block that reaches below y (block coordinates)."""
        text_layout = block.layout()
        for i in range(text_layout.lineCount()):
            line = text_layout.lineAt(i)
            if line.y() + line.height() > y:
                return block.position() + line.textStart()
        return block.position()

    def viewport_point_of_offset(self, offset: int) -> QPoint | None:
        if self.plan is None:
            return None
        pos = self.plan.to_pane(offset)
        if pos is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(pos)
        return self.cursorRect(cursor).center()

    # -- folding -------------------------------------------------------------------------------
    def _set_placeholder_text(self, doc: QTextDocument, run, expanded: bool) -> None:
        # Same length either way keeps the mapping fixed: pad the shorter label.
        block = doc.findBlockByNumber(run.placeholder)
        original = self.plan.blocks[run.placeholder].text
        label = original.replace("⤷", "⤵").replace("click to show", "click to fold") if expanded else original
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        fmt = cursor.charFormat()
        cursor.insertText(label, fmt)

    def set_run_expanded(self, run_index: int, expanded: bool) -> None:
        if self.plan is None or run_index >= len(self.plan.runs):
            return
        if expanded == (run_index in self.expanded_runs):
            return
        run = self.plan.runs[run_index]
        doc = self.document()
        (self.expanded_runs.add if expanded else self.expanded_runs.discard)(run_index)
        for index in run.blocks:
            doc.findBlockByNumber(index).setVisible(expanded)
        self._set_placeholder_text(doc, run, expanded)
        first = doc.findBlockByNumber(run.placeholder)
        last = doc.findBlockByNumber(run.blocks[-1] if run.blocks else run.placeholder)
        doc.markContentsDirty(first.position(), last.position() + last.length() - first.position())
        self.viewport().update()

    def toggle_run(self, run_index: int) -> None:
        self.set_run_expanded(run_index, run_index not in self.expanded_runs)

    def _reveal(self, offset: int) -> None:
        """Unfold the repeated run holding a document offset, if any."""
        index = self.plan.block_at_document(offset) if self.plan else None
        if index is not None:
            run = self.plan.run_of_block(index)
            if run is not None and index != run.placeholder:
                self.set_run_expanded(run.run, True)

    # -- scrolling, layers, flash ---------------------------------------------------------------
    def scroll_to_offset(self, offset: int, align_top: bool = False) -> None:
        if self.plan is None:
            return
        self._reveal(offset)
        pos = self.plan.to_pane(offset)
        if pos is None:
            return
        first = next((b for b in self.plan.blocks if b.mapped), None)
        if align_top and first is not None and offset <= first.doc_start:
            self.verticalScrollBar().setValue(0)   # the start of the text: with its title above it
            return
        doc = self.document()
        block = doc.findBlock(pos)
        rect = doc.documentLayout().blockBoundingRect(block)
        line = block.layout().lineForTextPosition(pos - block.position())
        y = rect.top() + (line.y() if line.isValid() else 0)
        if align_top:
            target = y
        else:
            target = y - self.viewport().height() / 3
        self.verticalScrollBar().setValue(int(max(0, target)))

    def set_layer(self, name: str, ranges: list[tuple[int, int]], colour: QColor | None = None,
                  current: int | None = None, current_colour: QColor | None = None) -> None:
        """Extra-selection highlights of document ranges, by layer ("search", "find", "flash")."""
        selections = []
        if self.plan is not None and ranges:
            doc = self.document()
            for i, (start, end) in enumerate(ranges):
                fmt = QTextCharFormat()
                fmt.setBackground(current_colour if (i == current and current_colour) else colour)
                if self.dark:
                    fmt.setForeground(QColor(palette.INK[True]))
                else:
                    fmt.setForeground(QColor("#111111"))
                for _index, ps, pe in self.plan.pane_ranges(start, end):
                    sel = QTextEdit.ExtraSelection()
                    cursor = QTextCursor(doc)
                    cursor.setPosition(ps)
                    cursor.setPosition(pe, QTextCursor.MoveMode.KeepAnchor)
                    sel.cursor = cursor
                    sel.format = fmt
                    selections.append(sel)
        self._layers[name] = selections
        self._refresh_layers()
        top_up()

    def _rebase_layers(self, doc: QTextDocument) -> None:
        """Move the layers' selections onto a re-rendered document (zoom, scheme: same text, same
        positions); left on the old one, which is being deleted, they would crash the next repaint."""
        for name, selections in self._layers.items():
            rebased = []
            for old in selections:
                if old.cursor.isNull() or old.cursor.document() is doc:
                    rebased.append(old)
                    continue
                sel = QTextEdit.ExtraSelection()
                cursor = QTextCursor(doc)
                cursor.setPosition(min(old.cursor.anchor(), doc.characterCount() - 1))
                cursor.setPosition(min(old.cursor.position(), doc.characterCount() - 1),
                                   QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cursor
                sel.format = old.format
                rebased.append(sel)
            self._layers[name] = rebased

    def _refresh_layers(self) -> None:
        merged = []
        for name in ("search", "find", "flash"):
            merged.extend(self._layers.get(name, []))
        self.setExtraSelections(merged)

    def flash(self, start: int, end: int) -> None:
        """Briefly highlight a document range (after jumping to a mention or result)."""
        self._flash.stop()
        self._flash_ranges = [(start, max(end, start + 1))]
        self._paint_flash(1.0)
        self._flash.start()

    def _paint_flash(self, value) -> None:
        colour = QColor(palette.FLASH[self.dark])
        colour.setAlphaF(max(0.0, min(1.0, float(value))))
        self.set_layer("flash", self._flash_ranges, colour)

    @property
    def flashing(self) -> bool:
        return self._flash.state() == QVariantAnimation.State.Running

    def createMimeDataFromSelection(self):
        """Copy and drag give the document's own text, not the title, meta line or fold bars."""
        from reader.ui.clipboard import selected_document_text

        text = selected_document_text(self)
        if text is None:
            return super().createMimeDataFromSelection()
        data = QMimeData()   # plain text: the widget's own data would bring the hidden and screen-only text
        data.setText(text)
        return data

    # -- find in document -----------------------------------------------------------------------
    def find_all(self, query: str) -> list[tuple[int, int]]:
        """Case-insensitive matches of `query` in the shown text, as document ranges."""
        if not query or self.detail is None or self.plan is None:
            return []
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        found = []
        for m in pattern.finditer(self.detail.text):
            if self.plan.pane_ranges(m.start(), m.end()):
                found.append((m.start(), m.end()))
        return found

    # -- events ---------------------------------------------------------------------------------
    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event.pos(), event.globalPos())
            return True
        return super().viewportEvent(event)

    def tooltip_text(self, mention) -> str:
        group = palette.group_for(mention.label)
        summary = self.entity_lookup(mention.entity_id)
        name = getattr(summary, "name", None) or mention.text
        lines = [f"<b>{html.escape(name)}</b>"]
        kind = palette.label_name(mention.label)
        lines.append(f"{html.escape(kind)} <span style='color:gray'>({html.escape(group.name)})</span>")
        if summary is not None:
            lines.append(f"{summary.mentions:,} mention{'s' if summary.mentions != 1 else ''} in "
                         f"{summary.documents:,} document{'s' if summary.documents != 1 else ''}")
        if not mention.counted:
            lines.append("<i>in a repeated or boilerplate passage: not counted</i>")
        lines.append("<span style='color:gray'>Click to see it across the corpus</span>")
        return "<br>".join(lines)

    def _show_tooltip(self, pos: QPoint, global_pos: QPoint) -> None:
        mention = self.mention_at(pos)
        if mention is None:
            index = self.block_index_at(pos)
            if index is not None and self.plan.blocks[index].kind == PLACEHOLDER:
                QToolTip.showText(global_pos, "Click to show or fold the repeated text", self.viewport())
                return
            QToolTip.hideText()
            return
        QToolTip.showText(global_pos, self.tooltip_text(mention), self.viewport())

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            point = event.position().toPoint()
            clickable = self.mention_at(point) is not None
            if not clickable:
                index = self.block_index_at(point)
                clickable = index is not None and self.plan.blocks[index].kind == PLACEHOLDER
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.IBeamCursor)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        point = event.position().toPoint()
        moved = (point - self._press_pos).manhattanLength() > QGuiApplication.styleHints().startDragDistance()
        self._press_pos = None
        if moved or self.textCursor().hasSelection():
            return
        self.activate_at(point)

    def activate_at(self, point: QPoint) -> None:
        """What a click does: open an entity, unfold a repeat, or pick a passage."""
        if self.plan is None:
            return
        index = self.block_index_at(point)
        if index is None:
            return
        block = self.plan.blocks[index]
        if block.kind == PLACEHOLDER:
            self.toggle_run(block.run)
            return
        mention = self.mention_at(point)
        if mention is not None:
            self.entityActivated.emit(mention.entity_id)
        elif block.passage_seq is not None:
            self.passageActivated.emit(self.detail.summary.id, block.passage_seq)

    def mention_at_cursor(self):
        """The entity at the text cursor (moved with the arrow keys), or just before it."""
        if self.plan is None:
            return None
        cursor = self.textCursor()
        offset = self.plan.to_document(cursor.selectionStart() if cursor.hasSelection() else cursor.position())
        if offset is None:
            return None
        return self.mention_at_offset(offset) or (self.mention_at_offset(offset - 1) if offset else None)

    def keyPressEvent(self, event) -> None:
        # Enter or Space on an entity opens its cross-references, as a click does; elsewhere
        # the keys keep their usual meaning.
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            mention = self.mention_at_cursor()
            if mention is not None:
                self.entityActivated.emit(mention.entity_id)
                event.accept()
                return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        menu: QMenu = self.createStandardContextMenu(event.pos())
        index = self.block_index_at(event.pos())
        mention = self.mention_at(event.pos())
        if mention is not None:
            menu.addSeparator()
            name = getattr(self.entity_lookup(mention.entity_id), "name", mention.text)
            menu.addAction(f"Show “{name}” across the corpus",
                           lambda eid=mention.entity_id: self.entityActivated.emit(eid))
        if index is not None and self.plan.blocks[index].passage_seq is not None:
            seq = self.plan.blocks[index].passage_seq
            menu.addSeparator()
            menu.addAction("Find similar passages elsewhere",
                           lambda: self.similarRequested.emit(self.detail.summary.id, seq))
        self.contextMenuAboutToShow.emit(menu, event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()
