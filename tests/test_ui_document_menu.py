"""The document list's context menu, Edit Metadata, Open Recent and the cross-references'
empty co-occurrence section, driven through the real window."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialogButtonBox

from test_ui_support import data_dir, list_point, warm_window, make_window  # noqa: F401 (fixtures)


class UrlRecorder(QObject):
    """Receives the file: URLs Reader asks the system to open (Qt's own hook for the desktop)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url)


def _context_menu(window, doc_id: int) -> list[str]:
    window.doc_list.customContextMenuRequested.emit(list_point(window, doc_id))
    menu = window.list_menu
    texts = [a.text().replace("&", "") for a in menu.actions()]
    menu.hide()
    return texts


def _document(window, index: int = 0):
    return window.doc_model.documents[index]


def test_context_menu_offers_the_document_commands(qtbot, warm_window):
    window = warm_window
    doc = _document(window, 2)
    texts = _context_menu(window, doc.id)
    assert texts == ["Open File", "Show in Folder", "Edit Metadata…", "Export This Document's Notes…", "",
                     "Remove from Library…"]
    assert window.selected_document() == doc.id

    recorder = UrlRecorder()
    QDesktopServices.setUrlHandler("file", recorder, "handle")
    try:
        window.document_commands.act_open_file.trigger()
        window.document_commands.act_show_folder.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [Path(u.toLocalFile()) for u in recorder.urls] == [Path(doc.path), Path(doc.path).parent]


def test_edit_metadata_corrects_the_date_and_survives_a_restart(qtbot, warm_window, make_window):
    window = warm_window
    doc = _document(window, 1)
    _context_menu(window, doc.id)
    window.document_commands.act_edit_metadata.trigger()
    dialog = window.document_commands.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.title.text() == doc.title

    dialog.date.setText("next Tuesday")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "not a date" in dialog.error.text()   # stays open, nothing lost

    dialog.title.setText("Corrected title")
    dialog.date.setText("2001-02-03")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    row = window.doc_model.row_of(doc.id)
    shown = window.doc_model.documents[row]
    assert (shown.title, shown.date, shown.source) == ("Corrected title", "2001-02-03", doc.source)
    pane_text = window.pane.document().toPlainText()
    assert pane_text.startswith("Corrected title") and "2001-02-03" in pane_text
    assert window.windowTitle().startswith("Corrected title")
    window.close()

    again = make_window(data_dir())
    shown = next(d for d in again.doc_model.documents if d.path == doc.path)
    assert (shown.title, shown.date) == ("Corrected title", "2001-02-03")


def test_open_recent_lists_the_documents_read_before(qtbot, warm_window):
    window = warm_window
    first, second = _document(window, 3), _document(window, 4)
    window.open_document(first.id)
    window.open_document(second.id)
    menu = window.document_commands.recent_menu
    assert menu in [a.menu() for a in window.menus["file"].actions() if a.menu()]
    menu.aboutToShow.emit()
    actions = [a for a in menu.actions() if a.isEnabled()]
    titles = [a.text() for a in actions]
    assert any(first.title.replace("&", "&&") in t for t in titles)
    assert not any(second.title.replace("&", "&&") in t for t in titles)   # the one open now is not listed
    actions[0].trigger()
    assert window.current.summary.id == first.id


def test_an_entity_with_no_companions_shows_no_empty_section(qtbot, warm_window):
    window = warm_window
    entities = window.entities
    lonely = companion = None
    for doc in window.doc_model.documents:
        for mention in entities.document_mentions(doc.id):
            if entities.entity(mention.entity_id) is None:
                continue
            if entities.cooccurring(mention.entity_id):
                companion = companion or mention.entity_id
            else:
                lonely = lonely or mention.entity_id
        if lonely and companion:
            break
    assert lonely and companion, "the seeds have entities with and without companions"
    window.show_entity(companion)
    assert window.xref.cooc_section.isVisible()
    window.show_entity(lonely)
    assert not window.xref.cooc_section.isVisible()
    assert window.xref.mentions_view.isVisible()


def test_export_this_documents_notes_starts_on_that_document(qtbot, warm_window):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from reader.queries.documents import get_document

    window = warm_window
    doc = _document(window, 2)
    passage = next(p for p in get_document(window.db, doc.id).passages if not p.boilerplate and p.end - p.start > 10)
    window.notes.service(create=True).create(doc.id, passage.start, passage.start + 5, note="n")
    window.notes.refresh(force=True)
    _context_menu(window, doc.id)
    seen = []

    def answer():
        dialog = QApplication.activeModalWidget()
        seen.append((dialog.objectName(), dialog.this_document.isChecked(), dialog.this_document.text()))
        dialog.reject()

    QTimer.singleShot(0, answer)
    window.document_commands.act_export_notes.trigger()
    assert seen and seen[0][0] == "exportNotesDialog" and seen[0][1]
    assert doc.title in seen[0][2]
    assert window.current.summary.id == doc.id
