"""File ▸ Export Document as PDF…: the document with its highlights and notes (QPdfWriter)."""
from __future__ import annotations

import unicodedata

from pdfminer.high_level import extract_text
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog

from reader.ui import palette
from reader.ui.pdf_export import print_document
from test_ui_support import warm_window, make_window  # noqa: F401 (fixtures)


def _body_range(window, length: int, skip: int = 0):
    """A stretch of body text in the open document."""
    passages = [p for p in window.current.passages if not p.boilerplate and p.duplicate_of is None
                and p.end - p.start > length]
    passage = passages[1 + skip]
    return passage.start, passage.start + length


def test_export_pdf_with_highlights_and_notes(qtbot, warm_window, tmp_path, monkeypatch):
    window = warm_window
    detail = window.current
    notes = window.notes.service(create=True)
    start, end = _body_range(window, 12)
    noted = notes.create(detail.summary.id, start, end, note="Check this claim", tags=["ceasefire"], colour="green")
    start2, end2 = _body_range(window, 8, skip=1)
    notes.create(detail.summary.id, start2, end2, colour="pink")       # a highlight without a note
    window.notes.refresh(force=True)

    target = tmp_path / "out" / "document.pdf"
    target.parent.mkdir()
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kw: asked.append(args) or (str(target.with_suffix("")), "PDF (*.pdf)"))
    assert window.pdf_export.action in window.menus["file"].actions()
    window.pdf_export.action.trigger()
    assert asked and target.exists()
    assert "Exported" in window.statusBar().currentMessage()

    # PDF text breaks lines where the page does and uses ligatures (ﬁ) and radical forms (⾷).
    squeeze = lambda s: unicodedata.normalize("NFKC", "".join(s.split()))   # noqa: E731
    text = squeeze(extract_text(str(target)))
    assert squeeze(detail.summary.title) in text
    assert squeeze(noted.exact) + "[1]" in text
    assert "Notes[1]" in text and "Checkthisclaim#ceasefire" in text
    assert "[2]" not in text                 # only highlights with a note are numbered

    paper = print_document(detail, window.notes.annotations, window.pane.meta_line())
    body = paper.findBlockByNumber(2).position()     # after the title and the line under it
    found = paper.find(noted.exact, body)
    assert not found.isNull()
    inside = QTextCursor(paper)
    inside.setPosition(found.selectionStart() + 1)
    assert inside.charFormat().background().color() == palette.fill_colour("green", False)
    pink = paper.find(detail.text[start2:end2], body)
    inside.setPosition(pink.selectionStart() + 1)
    assert inside.charFormat().background().color() == palette.fill_colour("pink", False)


def test_an_unwritable_target_says_so(qtbot, warm_window, tmp_path, monkeypatch):
    window = warm_window
    shown = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kw: (str(tmp_path / "missing-folder" / "x.pdf"), "PDF (*.pdf)"))
    from PySide6.QtWidgets import QMessageBox
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    assert window.pdf_export.export() is None
    assert shown and "could not be written" in shown[0]
