"""File ▸ Export Document as PDF… (Ctrl+P): the open document with its highlights and notes.

Written with QPdfWriter (QtGui), so the bundle needs no QtPrintSupport. The PDF has the title,
the line under it (author, date, source), the text as read (site navigation and repeated
passages left out, as the reading pane folds them), each highlight in its colour with a
number after it when it carries a note, and the notes, numbered, at the end with their
quotes and tags.

    PdfExport(window)          # MainWindow.build_features
    print_document(detail, annotations, meta_line) -> QTextDocument   # what goes on paper
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject
from PySide6.QtGui import (QColor, QFont, QKeySequence, QPageLayout, QPageSize, QPdfWriter,
                           QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument)
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader.annotations.files import safe_filename
from reader.ui import palette
from reader.ui.export_dialog import start_folder
from reader.ui.fonts import reading_font
from reader.ui.menus import window_action
from reader.ui.textmap import BODY, build_plan
from reader.ui.views import plain_message

POINT_SIZE = 10.5
_SUPERSCRIPT = QTextCharFormat.VerticalAlignment.AlignSuperScript


def _placed(annotations, doc_key: str) -> list:
    """The document's highlights that are anchored in its text, in text order."""
    return sorted((a for a in annotations if a.doc_key == doc_key and a.cur_start is not None
                   and a.cur_end is not None and a.cur_end > a.cur_start), key=lambda a: (a.cur_start, a.cur_end))


def _write_block(cursor: QTextCursor, text: str, doc_start: int, placed: list, numbers: dict, plain: QTextCharFormat):
    """One paragraph, cut at highlight edges: highlighted pieces in their colour, a note's number after it."""
    cuts = {0, len(text)}
    for a in placed:
        for edge in (a.cur_start - doc_start, a.cur_end - doc_start):
            if 0 < edge < len(text):
                cuts.add(edge)
    edges = sorted(cuts)
    for left, right in zip(edges, edges[1:]):
        covering = [a for a in placed if a.cur_start < doc_start + right and a.cur_end > doc_start + left]
        piece = QTextCharFormat(plain)
        if covering:
            piece.setBackground(palette.fill_colour(covering[-1].colour, False))
        cursor.insertText(text[left:right], piece)
        for a in placed:
            if a.cur_end == doc_start + right and a.uuid in numbers:
                mark = QTextCharFormat(plain)
                mark.setVerticalAlignment(_SUPERSCRIPT)
                mark.setForeground(QColor("#555555"))
                cursor.insertText(f"[{numbers[a.uuid]}]", mark)


def print_document(detail, annotations, meta_line: str = "") -> QTextDocument:
    """The document as it goes on paper, with its highlights and numbered notes."""
    doc = QTextDocument()
    font = reading_font(POINT_SIZE)
    doc.setDefaultFont(font)
    placed = _placed(annotations, detail.summary.key)
    with_notes = [a for a in placed if a.note.strip() or a.tags]
    numbers = {a.uuid: i for i, a in enumerate(with_notes, 1)}
    plan = build_plan(detail.text, detail.passages, detail.summary.title, meta_line)

    cursor = QTextCursor(doc)
    plain = QTextCharFormat()
    plain.setForeground(QColor("#1D1D1F"))
    title = QTextCharFormat(plain)
    title.setFontPointSize(POINT_SIZE * 1.6)
    title.setFontWeight(QFont.Weight.DemiBold)
    muted = QTextCharFormat(plain)
    muted.setForeground(QColor("#666666"))
    muted.setFontPointSize(POINT_SIZE * 0.85)
    paragraph = QTextBlockFormat()
    paragraph.setBottomMargin(POINT_SIZE * 0.6)
    paragraph.setLineHeight(135, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)

    cursor.setBlockFormat(paragraph)
    cursor.insertText(detail.summary.title or detail.summary.file_name, title)
    if meta_line:
        cursor.insertBlock(paragraph)
        cursor.insertText(meta_line, muted)
    for block in plan.blocks:
        if block.kind != BODY or block.doc_start is None or not block.text.strip():
            continue   # the header is written above; navigation and repeats are left out, as on screen
        cursor.insertBlock(paragraph)
        _write_block(cursor, block.text, block.doc_start, placed, numbers, plain)
    if with_notes:
        heading = QTextCharFormat(title)
        heading.setFontPointSize(POINT_SIZE * 1.25)
        cursor.insertBlock(paragraph)
        cursor.insertBlock(paragraph)
        cursor.insertText("Notes", heading)
        for a in with_notes:
            cursor.insertBlock(paragraph)
            cursor.insertText(f"[{numbers[a.uuid]}] ", plain)
            quote = QTextCharFormat(plain)
            quote.setBackground(palette.fill_colour(a.colour, False))
            cursor.insertText(f"“{a.exact}”", quote)
            if a.note.strip():
                cursor.insertText(f"  {a.note.strip()}", plain)
            if a.tags:
                cursor.insertText("  " + " ".join(f"#{t}" for t in a.tags), muted)
    return doc


def write_pdf(doc: QTextDocument, path: Path, title: str) -> None:
    """Write `doc` as an A4 PDF at `path`; OSError when it cannot be written."""
    target = Path(path)
    with open(target, "wb"):   # a folder that cannot be written: say so before Qt fails silently
        pass
    writer = QPdfWriter(str(target))
    writer.setTitle(title)
    writer.setCreator("Reader")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
    doc.print_(writer)
    del writer                 # the file is complete once the writer is gone
    if target.stat().st_size == 0:
        target.unlink(missing_ok=True)
        raise OSError(f"nothing could be written to {target}")


class PdfExport(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.action = window_action(window, "Export Document as &PDF…", self.export, "actionExportPdf",
                                    (QKeySequence.StandardKey.Print,),
                                    "The open document with its highlights and notes, as a PDF")
        window.menus.add("file", "notes", self.action)

    def export(self) -> Path | None:
        window = self.window
        detail = window.current
        if detail is None:
            window.statusBar().showMessage("Open a document to export it.", 5000)
            return None
        safe = safe_filename(detail.summary.title or Path(detail.summary.file_name).stem, ".pdf", "document")
        folder = start_folder(window, "export/pdfFolder")
        chosen, _filter = QFileDialog.getSaveFileName(window, "Export Document as PDF",
                                                      str(Path(folder) / safe), "PDF (*.pdf)")
        if not chosen:
            return None
        target = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
        annotations = window.notes.annotations if window.notes is not None else []
        doc = print_document(detail, annotations, window.pane.meta_line())
        try:
            write_pdf(doc, target, detail.summary.title or detail.summary.file_name)
        except OSError as error:
            QMessageBox.critical(window, "Could not export the PDF", plain_message(
                f"The PDF could not be written to {target}:\n\n{error}"))
            return None
        window.settings.setValue("export/pdfFolder", str(target.parent))
        window.statusBar().showMessage(f"Exported “{detail.summary.title or detail.summary.file_name}” to {target}",
                                       10000)
        return target
