"""The window's library commands: import files and folders (File menu, drag and drop), remove a
document (File menu, the document list's context menu, Delete on the list), the import report.

    self.library_actions = LibraryActions(self)   # in MainWindow.__init__, once the menus exist

The actions go at the top of the File menu; the remove action is also one of the document
list's own actions (`doc_list.actions()`), which its context menu shows: other panels can add
theirs there too. The work runs through `LibraryJobs` (reader.ui.importing).
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from reader import paths
from reader.ui.importing import IMPORT, LibraryJobs
from reader.ui.models import DocIdRole

log = logging.getLogger(__name__)

IMPORT_FILTER = ("Documents (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.shtml *.epub *.pdf);;"
                 "All files (*)")
KEEP, DELETE = "keep", "delete"
_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


def local_paths(mime: QMimeData | None) -> list[Path]:
    """The local files and folders a drag carries."""
    if mime is None or not mime.hasUrls():
        return []
    found = []
    for url in mime.urls():
        if isinstance(url, QUrl) and url.isLocalFile() and url.toLocalFile():
            found.append(Path(url.toLocalFile()))
    return found


def _file_menu(window) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None and action.text().replace("&", "") == "File":
            return menu
    return None


class LibraryActions(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.jobs = LibraryJobs(window)
        self.list_menu: QMenu | None = None

        self.act_import_files = self._action("Import &Files…", self.import_files, QKeySequence.StandardKey.Open,
                                             "Add documents to the library")
        self.act_import_folder = self._action("Import F&older…", self.import_folder, "Ctrl+Shift+O",
                                              "Add every document in a folder and its subfolders")
        self.act_import_report = self._action("Import &Report…", lambda: self.jobs.show_report(), tip=
                                              "What the last import did, file by file")
        self.act_import_report.setEnabled(False)
        self.act_remove = QAction("&Remove from Library…", window)
        self.act_remove.setStatusTip("Take the selected document out of the library (the file stays)")
        self.act_remove.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")])
        self.act_remove.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # only on the list
        self.act_remove.triggered.connect(lambda: self.remove_document())
        window.doc_list.addAction(self.act_remove)

        menu = _file_menu(window)
        if menu is not None:
            first = menu.actions()[0] if menu.actions() else None
            for action in (self.act_import_files, self.act_import_folder, self.act_import_report, None,
                           self.act_remove, None):
                if action is None:
                    menu.insertSeparator(first)
                else:
                    menu.insertAction(first, action)

        window.doc_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.doc_list.customContextMenuRequested.connect(self._list_context_menu)

        window.setAcceptDrops(True)
        window.installEventFilter(self)
        for child in window.findChildren(QWidget):
            if child.acceptDrops():         # line edits, text views: take file drops before they do
                child.installEventFilter(self)

        self.jobs.jobFinished.connect(self._job_finished)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    # -- importing -----------------------------------------------------------------------------
    def _start_folder(self) -> str:
        value = self.window.settings.value("import/lastFolder", "")
        return str(value) if value and Path(str(value)).is_dir() else str(Path.home())

    def _remember_folder(self, folder: Path) -> None:
        self.window.settings.setValue("import/lastFolder", str(folder))

    def import_files(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(self.window, "Import Files", self._start_folder(),
                                                       IMPORT_FILTER)
        if chosen:
            self._remember_folder(Path(chosen[0]).parent)
            self.import_paths([Path(p) for p in chosen])

    def import_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self.window, "Import Folder", self._start_folder())
        if chosen:
            self._remember_folder(Path(chosen))
            self.import_paths([Path(chosen)])

    def import_paths(self, paths_: list[Path]) -> None:
        self.jobs.import_paths(paths_)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _DRAG_EVENTS:
            dropped = local_paths(event.mimeData())
            if dropped:
                event.setDropAction(Qt.DropAction.CopyAction)
                event.accept()
                if kind == QEvent.Type.Drop:
                    self.import_paths(dropped)
                return True
        return super().eventFilter(watched, event)

    def _job_finished(self, kind: str, report) -> None:
        if kind == IMPORT and report is not None:
            self.act_import_report.setEnabled(True)

    # -- removing ------------------------------------------------------------------------------
    def _list_context_menu(self, pos) -> None:
        view = self.window.doc_list
        index = view.indexAt(pos)
        if not index.isValid():
            return
        if view.currentIndex() != index:
            view.setCurrentIndex(index)
        if self.list_menu is None:
            self.list_menu = QMenu(view)
            self.list_menu.setObjectName("documentListMenu")
        menu = self.list_menu
        menu.clear()
        for action in view.actions():   # the list's own actions: others may add theirs
            menu.addAction(action)
        menu.popup(view.viewport().mapToGlobal(pos))

    def selected_document(self) -> int | None:
        index = self.window.doc_list.currentIndex()
        if index.isValid():
            return index.data(DocIdRole)
        current = self.window.current
        return current.summary.id if current is not None else None

    def notes_on(self, key: str) -> int:
        """How many annotations are attached to the document with this content hash."""
        path = paths.user_data_path(self.window.context.data_dir)
        if not path.exists():
            return 0
        from reader.annotations.storage import AnnotationStore

        notes = AnnotationStore.open(path)
        try:
            return sum(1 for a in notes.annotations([key]) if a.doc_key == key)
        finally:
            notes.close()

    def confirm_removal(self, title: str, notes: int) -> str | None:
        """Ask before removing: KEEP (notes kept as orphans), DELETE (notes too) or None (cancel)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Remove from Library",
                          f"Remove “{title}” from the library?", parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the title is the document's own
        box.setObjectName("removeDocument")
        info = "The file itself is not touched; import it again to bring the document back."
        if notes:
            s = "s" if notes != 1 else ""
            info += (f"\n\nIt has {notes} note{s}. Kept, they are listed with the orphaned notes (with their "
                     f"quotes) and attach again if the document comes back.")
            keep = box.addButton(f"Remove, Keep Note{s}", QMessageBox.ButtonRole.AcceptRole)
            delete = box.addButton(f"Delete Its {notes} Note{s} Too", QMessageBox.ButtonRole.DestructiveRole)
            delete.setObjectName("deleteNotes")
        else:
            keep = box.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
            delete = None
        keep.setObjectName("keepNotes")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setInformativeText(info)
        box.setDefaultButton(keep)          # never the destructive choice
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is keep:
            return KEEP
        if delete is not None and clicked is delete:
            return DELETE
        return None

    def remove_document(self, doc_id: int | None = None) -> bool:
        """Ask, then remove a document (the selected one by default). False if nothing was asked
        for or the user cancelled."""
        window = self.window
        doc_id = doc_id if doc_id is not None else self.selected_document()
        if doc_id is None:
            return False
        row = window.db.execute("SELECT key, title, file_name FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            window.statusBar().showMessage("That document is no longer in the library.", 5000)
            return False
        key, title, file_name = row
        try:
            notes = self.notes_on(key)
        except Exception as error:   # the notes file cannot be read: say so, remove nothing
            QMessageBox.warning(window, "Remove from Library", f"Your notes could not be read:\n\n{error}")
            return False
        choice = self.confirm_removal(title or file_name, notes)
        if choice is None:
            return False
        self.jobs.remove_document(doc_id, delete_notes=choice == DELETE, title=title or file_name)
        return True
