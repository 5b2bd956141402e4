"""Item delegates: document cards, and rich-text rows for results and cross-references."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (QAbstractTextDocumentLayout, QColor, QFont, QFontMetricsF, QPainter, QPalette, QTextDocument,
                           QTextLayout, QTextOption)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.ui import palette
from reader.ui.compat import top_up
from reader.ui.models import HtmlRole, KindRole, LanguagesRole, NotesRole, PayloadRole

PAD_X, PAD_Y = 12, 8


def is_dark(pal: QPalette) -> bool:
    return pal.color(QPalette.ColorRole.Base).lightness() < 128


def muted(pal: QPalette, selected: bool = False) -> QColor:
    colour = QColor(pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
    colour.setAlphaF(0.62)
    return colour


def draw_background(painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
    opt = QStyleOptionViewItem(option)
    opt.text = ""
    opt.icon = opt.icon.__class__()
    style = opt.widget.style() if opt.widget else QApplication.style()
    style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)


class DocumentDelegate(QStyledItemDelegate):
    """A document card: title on up to two lines, then date · source, language and note badges."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        title = QFont(base)
        title.setWeight(QFont.Weight.DemiBold)
        title.setPointSizeF(base.pointSizeF() * 1.02)
        meta = QFont(base)
        meta.setPointSizeF(base.pointSizeF() * 0.88)
        badge = QFont(base)
        badge.setPointSizeF(base.pointSizeF() * 0.72)
        badge.setWeight(QFont.Weight.Bold)
        return title, meta, badge

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        title, meta, _badge = self._fonts(option)
        height = 2 * QFontMetricsF(title).lineSpacing() + QFontMetricsF(meta).lineSpacing() + 2 * PAD_Y + 3
        return QSize(200, int(height))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        draw_background(painter, option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        ink = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        title_font, meta_font, badge_font = self._fonts(option)
        rect = QRectF(option.rect).adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        # Title: two lines at most, the second elided.
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        fm = QFontMetricsF(title_font)
        layout = QTextLayout(title, title_font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(text_option)
        layout.beginLayout()
        first = layout.createLine()
        rest_start = len(title)
        if first.isValid():
            first.setLineWidth(rect.width())
            first.setPosition(QPointF(0, 0))
            rest_start = first.textStart() + first.textLength()
        layout.endLayout()
        painter.setPen(ink)
        painter.setFont(title_font)
        painter.drawText(QPointF(rect.left(), rect.top() + fm.ascent()), title[:rest_start].rstrip())
        lines = 1
        if rest_start < len(title):
            second = fm.elidedText(title[rest_start:].lstrip(), Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(QPointF(rect.left(), rect.top() + fm.lineSpacing() + fm.ascent()), second)
            lines = 2

        # Meta line and badges, right under the title.
        y = rect.top() + lines * fm.lineSpacing() + 3
        badge_fm = QFontMetricsF(badge_font)
        badges = [lang.upper() for lang in (index.data(LanguagesRole) or [])]
        notes = index.data(NotesRole) or 0
        x = rect.right()
        meta_fm = QFontMetricsF(meta_font)
        badge_h = badge_fm.height() + 2
        badge_y = y + (meta_fm.height() - badge_h) / 2
        painter.setFont(badge_font)
        labels = ([f"✎ {notes}"] if notes else []) + list(reversed(badges))
        for i, label in enumerate(labels):
            w = badge_fm.horizontalAdvance(label) + 10
            box = QRectF(x - w, badge_y, w, badge_h)
            is_note = notes and i == 0
            colour = QColor("#CC6677" if is_note else ("#88CCEE" if not is_dark(pal) else "#336677"))
            if selected:
                colour = QColor(pal.color(QPalette.ColorRole.HighlightedText))
                colour.setAlphaF(0.25)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(ink if not is_note or selected else QColor("white"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
            x -= w + 4
        doc = index.data(PayloadRole)
        meta = " · ".join(p for p in (palette.pretty_date(getattr(doc, "date", None)), getattr(doc, "source", None))
                          if p) or "undated"
        painter.setFont(meta_font)
        painter.setPen(muted(pal, selected))
        meta = meta_fm.elidedText(meta, Qt.TextElideMode.ElideRight, max(0.0, x - rect.left() - 6))
        painter.drawText(QPointF(rect.left(), y + meta_fm.ascent()), meta)

        # A hairline between cards.
        line = QColor(pal.color(QPalette.ColorRole.Text))
        line.setAlphaF(0.08)
        painter.setPen(line)
        painter.drawLine(option.rect.bottomLeft() + QPointF(PAD_X, 0).toPoint(), option.rect.bottomRight())
        painter.restore()
        top_up()


def stylesheet(pal: QPalette, selected: bool) -> str:
    dark = is_dark(pal)
    mute = muted(pal, selected)
    hit_bg = "#6B5A1E" if dark else "#FFE08A"
    hit_fg = palette.INK[dark] if not selected else pal.color(QPalette.ColorRole.Text).name()
    css = [f".muted {{ color: {mute.name(QColor.NameFormat.HexArgb)}; }}",
           f".hit {{ background-color: {hit_bg}; color: {hit_fg}; font-weight: 600; }}",
           ".title { font-weight: 600; }",
           ".snippet { margin-top: 2px; }"]
    for group in palette.GROUPS:
        css.append(f".swatch-{group.key} {{ background-color: {palette.fill(group, dark).name()}; }}")
    return "\n".join(css)


def cached_document(cache: dict, option: QStyleOptionViewItem, index: QModelIndex, width: float, selected: bool,
                    style: Callable[[QPalette, bool], str], make: Callable[[], QTextDocument] = QTextDocument,
                    ) -> QTextDocument:
    """A row's rich text laid out at `width`, kept: painting and sizing ask for it many times."""
    markup = index.data(HtmlRole) or ""
    key = (markup, int(width), selected, option.palette.color(QPalette.ColorRole.Base).name())
    doc = cache.get(key)
    if doc is None:
        if len(cache) > 400:
            cache.clear()
        doc = make()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setDefaultStyleSheet(style(option.palette, selected))
        doc.setHtml(markup)
        doc.setTextWidth(width)
        cache[key] = doc
    return doc


def draw_document(painter: QPainter, doc: QTextDocument, option: QStyleOptionViewItem, selected: bool) -> None:
    """A row's laid-out rich text at the painter's origin, in the (selected) text colour, clipped to the row."""
    context = QAbstractTextDocumentLayout.PaintContext()
    context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
    context.clip = QRectF(0, 0, option.rect.width(), option.rect.height())
    doc.documentLayout().draw(painter, context)


class HtmlDelegate(QStyledItemDelegate):
    """Rows rendered from `HtmlRole` rich text; "header" rows get a quiet band."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._cache: dict[tuple, QTextDocument] = {}

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex, width: float, selected: bool) -> QTextDocument:
        return cached_document(self._cache, option, index, width, selected, stylesheet)

    def _width(self, option: QStyleOptionViewItem) -> float:
        widget = option.widget
        width = option.rect.width()
        if widget is not None and hasattr(widget, "viewport"):
            width = widget.viewport().width()
        return max(80.0, width - 2 * PAD_X)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        self.initStyleOption(option, index)
        doc = self._document(option, index, self._width(option), False)
        pad = PAD_Y if index.data(KindRole) != "header" else PAD_Y + 2
        top_up()   # a list lays out every row at once: thousands of calls for a frequent entity
        return QSize(int(self._width(option)), int(doc.size().height()) + 2 * pad)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        header = index.data(KindRole) == "header"
        if header:
            band = QColor(option.palette.color(QPalette.ColorRole.Text))
            band.setAlphaF(0.05)
            painter.fillRect(option.rect, band)
        draw_background(painter, option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        doc = self._document(option, index, option.rect.width() - 2 * PAD_X, selected)
        painter.translate(option.rect.left() + PAD_X, option.rect.top() + PAD_Y + (2 if header else 0))
        draw_document(painter, doc, option, selected)
        painter.restore()
        top_up()
