"""Watched folders: what the start-up re-scan added, and a way to stop watching a folder.

Every file and folder the user imported is looked at again at each start (and on F5). When
that finds new documents, a button in the status bar says how many ("602 new documents in
watched folders"); it opens File ▸ Watched Folders…, which lists the new files under each
folder and every watched folder, each of which can be let go (`forget_imported`: its
documents stay in the library; its new files are no longer picked up).
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QToolButton, QVBoxLayout)

from reader.store import sources as library_sources
from reader.ui.jobs import Job
from reader.ui.views import section_label

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

SHOWN_FILES = 500     # new files listed per dialog (the count says how many in all)
PathRole = Qt.ItemDataRole.UserRole + 20


def forget_sources(_context, data_dir: Path, folders: list[Path]) -> list[Path]:
    """The job: stop watching `folders` (in the worker thread, on a connection of its own)."""
    from reader.library import Library

    library = Library(data_dir)
    try:
        library_sources.forget_imported(library.user, folders)
    finally:
        library.close()
    return folders


def new_in_watched(added: list[str], watched: list[Path]) -> dict[Path, list[str]]:
    """The added files that lie under a watched folder (not the bundled seeds), by folder."""
    found: dict[Path, list[str]] = {}
    for name in added:
        path = Path(name)
        root = next((w for w in watched if path == w or path.is_relative_to(w)), None)
        if root is not None:
            found.setdefault(root, []).append(name)
    return found


class WatchedFoldersDialog(QDialog):
    def __init__(self, feature: "WatchedFolders") -> None:
        super().__init__(feature.window)
        self.feature = feature
        self.setObjectName("watchedFolders")
        self.setWindowTitle("Watched Folders")
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        self.new_label = section_label("New at the last scan", "watchedNewLabel")
        self.new_list = QListWidget()
        self.new_list.setObjectName("watchedNewFiles")
        self.new_list.setAccessibleName("New files found in watched folders")
        layout.addWidget(self.new_label)
        layout.addWidget(self.new_list, 2)
        layout.addWidget(section_label("Watched folders and files", "watchedSourcesLabel"))
        explain = QLabel("Reader looks at these again at every start and on Update Index (F5). "
                         "Stop watching one to leave its new files out; its documents stay in the library.")
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.sources = QListWidget()
        self.sources.setObjectName("watchedSources")
        self.sources.setAccessibleName("Watched folders and files")
        layout.addWidget(self.sources, 1)
        self.stop = QPushButton("Stop Watching")
        self.stop.setObjectName("stopWatching")
        self.stop.clicked.connect(self._stop_selected)
        self.sources.currentRowChanged.connect(lambda row: self.stop.setEnabled(row >= 0))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.stop, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        new = self.feature.last_new
        total = sum(len(files) for files in new.values())
        self.new_label.setText(f"New at the last scan: {total:,} document{'s' if total != 1 else ''}")
        self.new_list.clear()
        shown = 0
        for folder, files in new.items():
            header = QListWidgetItem(f"{folder}  —  {len(files):,} new")
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            self.new_list.addItem(header)
            for name in files[:max(0, SHOWN_FILES - shown)]:
                item = QListWidgetItem("    " + str(Path(name).relative_to(folder) if Path(name) != folder else name))
                item.setToolTip(name)
                self.new_list.addItem(item)
                shown += 1
        if not total:
            self.new_list.addItem("Nothing new.")
        self.sources.clear()
        for source in self.feature.watched():
            item = QListWidgetItem(str(source))
            item.setData(PathRole, str(source))
            self.sources.addItem(item)
        self.stop.setEnabled(self.sources.currentRow() >= 0)

    def _stop_selected(self) -> None:
        item = self.sources.currentItem()
        if item is not None:
            self.feature.stop_watching(Path(item.data(PathRole)))


class WatchedFolders:
    """File ▸ Watched Folders…, and the status bar's notice after a scan that found new files."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.last_new: dict[Path, list[str]] = {}
        self.dialog: WatchedFoldersDialog | None = None
        self.action = QAction("&Watched Folders…", window)
        self.action.setObjectName("watchedFoldersAction")
        self.action.setStatusTip("The folders Reader looks at again at every start, and what they added")
        self.action.triggered.connect(self.show_dialog)
        window.addAction(self.action)
        window.menus.add("file", "import", self.action)
        self.notice = QToolButton()
        self.notice.setObjectName("watchedNotice")
        self.notice.setAutoRaise(True)
        self.notice.clicked.connect(self.show_dialog)
        self.notice.hide()
        window.statusBar().addWidget(self.notice)
        window.indexFinished.connect(self._scanned)

    def watched(self) -> list[Path]:
        return list(library_sources.read_from(self.window.context.data_dir).imported)

    def _scanned(self, report) -> None:
        if report is None:
            return
        new = new_in_watched(list(report.added), self.watched())
        if not new:
            return
        self.last_new = new
        total = sum(len(files) for files in new.values())
        folders = len(new)
        self.notice.setText(f"{total:,} new document{'s' if total != 1 else ''} in "
                            f"{folders} watched folder{'s' if folders != 1 else ''} · Show…")
        self.notice.setToolTip("Show what was added, or stop watching a folder")
        self.notice.show()
        if self.dialog is not None:
            self.dialog.refresh()

    def show_dialog(self) -> None:
        self.notice.hide()
        if self.dialog is None:
            self.dialog = WatchedFoldersDialog(self)
        else:
            self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()

    def stop_watching(self, folder: Path) -> None:
        window = self.window
        window.jobs.submit(Job("forget", "Stop watching…",
                               partial(forget_sources, data_dir=window.context.data_dir, folders=[folder]),
                               success=self._forgotten, failure=self._failed))

    def _forgotten(self, folders: list[Path]) -> None:
        for folder in folders:
            self.last_new.pop(folder, None)
        names = ", ".join(str(f) for f in folders)
        self.window.statusBar().showMessage(f"No longer watching {names}; its documents stay in the library.", 8000)
        if self.dialog is not None:
            self.dialog.refresh()

    def _failed(self, message: str) -> None:
        self.window.statusBar().showMessage(f"Could not stop watching: {message}", 10000)
