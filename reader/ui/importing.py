"""Bringing documents into the library from the window, and taking them out.

* `LibraryJobs` runs the library's write jobs (import, remove, relink) one at a time in the
  window's index-worker slot, so they never run beside the start-up sync or Update Index
  (one writer; a request made meanwhile waits its turn), the window's Cancel and shutdown
  stop them, and `MainWindow.indexing` covers them.
* While an import runs, the status bar shows files done/total, the current file and an
  estimate of the time left, with Cancel; the document list is refreshed as documents are
  committed, keeping the user's selection and scroll position.
* `ImportReportDialog`: the outcome per file (added, updated, duplicate, error with the
  reason), the counts on top, and a button copying it all as text.

Nothing here imports the ingest or NLP stack: the jobs' threads do, when they run.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout)

from reader.ui.compat import top_up
from reader.ui.models import DocIdRole
from reader.ui.views import plain_label
from reader.ui.workers import IndexWorker

log = logging.getLogger(__name__)

IMPORT, REMOVE, RELINK = "import", "remove", "relink"


# -- time left ----------------------------------------------------------------------------------

class Eta:
    """Time left in a stage, from the elapsed time and done/total, once a few files are done."""

    MIN_DONE = 3          # files done in this stage before estimating
    MIN_SECONDS = 1.0     # and seconds elapsed

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.stage = ""
        self.started = 0.0
        self.start_done = 0
        self.last_done = 0

    def update(self, stage: str, done: int, total: int) -> float | None:
        """Seconds left, or None while there is too little to go on."""
        now = self.clock()
        if stage != self.stage or done < self.last_done:
            self.stage, self.started, self.start_done = stage, now, done
        self.last_done = done
        progressed, elapsed = done - self.start_done, now - self.started
        if total <= 0 or progressed < self.MIN_DONE or elapsed < self.MIN_SECONDS:
            return None
        return max(0.0, (total - done) * elapsed / progressed)


def describe_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 10:
        return "a few seconds left"
    if seconds < 60:
        return f"about {int(seconds / 5.0 + 0.5) * 5} s left"
    minutes = int(seconds / 60.0 + 0.5)
    if minutes < 60:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60:02d} min left"


def _elide(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[:width // 2 - 1] + "…" + text[-(width // 2):]


# -- the jobs -----------------------------------------------------------------------------------

@dataclass
class JobRequest:
    kind: str
    paths: list[Path] = field(default_factory=list)    # import
    doc_id: int | None = None                           # remove
    delete_notes: bool = False                          # remove
    title: str = ""                                     # remove: for messages


class LibraryJob(IndexWorker):
    """One library write job on its own thread (an IndexWorker, so the window treats it as one)."""

    def __init__(self, request: JobRequest, index_path: Path, data_dir: Path, parent=None) -> None:
        super().__init__(index_path, list(request.paths), check_first=False, parent=parent, data_dir=data_dir)
        self.request = request
        self.removed = None      # RemovedDocument, for a removal

    def _index(self, conn):
        import sqlite_utils

        from reader.library import Library
        from reader.store.indexer import IndexReport

        library = Library(self.data_dir)
        db = sqlite_utils.Database(conn)
        try:
            kind = self.request.kind
            if kind == IMPORT:
                return library.import_sources(self.request.paths, db=db, progress=self._progress,
                                              cancel=self.cancel_token)
            if kind == REMOVE:
                self.removed = library.remove_document(self.request.doc_id, self.request.delete_notes, db=db)
                return IndexReport(removed=[self.removed.path])
            return library.relink_entities(db=db, progress=self._progress, cancel=self.cancel_token)
        finally:
            library.close()


class LibraryJobs(QObject):
    """Runs import/remove/relink jobs in the window's index-worker slot, one at a time."""

    jobStarted = Signal(str)              # kind
    progressed = Signal(str, int, int, str)
    jobFinished = Signal(str, object)     # kind, IndexReport (None if it failed)
    documentRemoved = Signal(int, str)    # doc id, content hash: for panels listing notes

    REFRESH_MS = 400                      # the list refresh while importing (longer on a big library)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.job: LibraryJob | None = None
        self.pending: list[JobRequest] = []
        self.last_report = None
        self.report_dialog: ImportReportDialog | None = None
        self.show_reports = True          # pop the report up when an import refused files
        self.eta = Eta()
        self._relink_due = False
        self._refresh = QTimer(self, singleShot=True, interval=self.REFRESH_MS)
        self._refresh.timeout.connect(self.refresh_list)
        self.current_label = plain_label()  # a file name, which may hold anything
        self.current_label.setObjectName("importCurrentFile")
        self.current_label.hide()
        layout = window.index_status.layout()
        layout.insertWidget(1, self.current_label)
        window.indexFinished.connect(lambda _report: QTimer.singleShot(0, self, self._start_next))

    # -- requests -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.job is not None or bool(self.pending) or self._relink_due

    def import_paths(self, paths: list[Path]) -> None:
        paths = [Path(p) for p in paths if str(p)]
        if paths:
            self._request(JobRequest(IMPORT, paths))

    def remove_document(self, doc_id: int, delete_notes: bool, title: str = "") -> None:
        self._request(JobRequest(REMOVE, doc_id=doc_id, delete_notes=delete_notes, title=title))

    def _request(self, request: JobRequest) -> None:
        if self.window._shut_down:
            return
        self.pending.append(request)
        if self.window.indexing:
            what = "Import" if request.kind == IMPORT else "Removal"
            self.window.statusBar().showMessage(f"{what} queued: it starts when the current indexing ends.", 5000)
        self._start_next()

    def _start_next(self) -> None:
        window = self.window
        if window._shut_down or window.indexing:
            return
        if not self.pending and self._relink_due:
            self._relink_due = False
            self.pending.append(JobRequest(RELINK))
        if not self.pending:
            return
        request = self.pending.pop(0)
        job = LibraryJob(request, window.context.index_path, window.context.data_dir, parent=window)
        job.progressed.connect(self._progress)
        job.failed.connect(window._index_failed)
        job.finished.connect(self._job_done)   # a QObject's slot: delivered on the window's thread
        self.job = job
        window.index_worker = job
        window._index_started_at = time.perf_counter()
        window._index_started()
        self.eta.reset()
        window.index_label.setText({IMPORT: "Importing…", REMOVE: "Removing from the library…",
                                    RELINK: "Updating cross-references…"}[request.kind])
        self.current_label.setVisible(request.kind == IMPORT)
        self.current_label.setText("")
        self.jobStarted.emit(request.kind)
        job.start()

    # -- progress -------------------------------------------------------------------------------
    def _progress(self, stage: str, done: int, total: int, current: str) -> None:
        window = self.window
        if self.job is None or window._shut_down:
            return
        if stage == "linking":
            window.index_label.setText("Updating cross-references…")
            self.current_label.setText("")
        elif self.job.request.kind != IMPORT:
            pass
        elif stage == "indexing" and total:
            left = describe_eta(self.eta.update(stage, done, total))
            window.index_label.setText(f"Importing {done:,} of {total:,} files" + (f" · {left}" if left else ""))
            self.current_label.setText(_elide(current))
            self.current_label.setToolTip(current)
            if done and not self._refresh.isActive():
                self._refresh.start()
        elif stage == "scanning":
            window.index_label.setText("Importing: looking for files…")
        elif stage == "entities":
            window.index_label.setText(f"Finding names: {done:,} of {total:,} documents" if total
                                       else "Finding names…")
            self.current_label.setText("")
        else:
            window.index_label.setText(f"{stage.capitalize()}: {done:,}/{total:,}" if total
                                       else f"{stage.capitalize()}…")
        if total:
            window.index_bar.setRange(0, total)
            window.index_bar.setValue(done)
        else:
            window.index_bar.setRange(0, 0)
        self.progressed.emit(stage, done, total, current)
        top_up()

    def refresh_list(self) -> None:
        """Bring the document list up to date while importing: rows of documents committed since
        are added, rows of replaced ones removed; the rows the user is looking at stay put.
        (Cheap on a large library: only ids are compared, only new summaries read.)"""
        window = self.window
        if window._shut_down:
            return
        from reader.queries.documents import document_summaries

        started = time.perf_counter()
        model = window.doc_model
        indexed = {row[0] for row in window.db.execute("SELECT id FROM documents")}
        listed = {d.id for d in model.documents}
        new, gone = indexed - listed, listed - indexed
        if new or gone:
            place = ListPlace.save(window)
            window._syncing_list = True   # a row going away must not open its neighbour
            try:
                model.apply_changes(document_summaries(window.db, sorted(new)), gone)
            finally:
                window._syncing_list = False
            if gone:
                window.history.forget(gone)
            window._update_doc_count()
            place.restore()
        top_up()
        took_ms = (time.perf_counter() - started) * 1000
        # Never spend more than a fifth of the time refreshing, on any library size.
        self._refresh.setInterval(max(self.REFRESH_MS, int(took_ms * 5)))

    # -- the end --------------------------------------------------------------------------------
    def _job_done(self) -> None:
        if self.job is not None:
            self._finished(self.job)

    def _finished(self, job: LibraryJob) -> None:
        window = self.window
        self._refresh.stop()
        if self.job is job:
            self.job = None
        self.current_label.hide()
        if window._shut_down or window.index_worker is not job:
            return
        request, report = job.request, job.report
        place = ListPlace.save(window)
        if request.kind == REMOVE and job.removed is not None:
            self._leave_removed_document(job.removed.doc_id)
        self._follow_replaced_document()
        window._index_finished()           # reloads the list, refreshes the document shown, emits indexFinished
        place.restore()
        if request.kind == IMPORT:
            self.last_report = report
            if report is not None:
                window.statusBar().showMessage(import_summary(report), 15000)
                if self.show_reports and (report.errors or report.duplicates):
                    self.show_report(report)
        elif request.kind == REMOVE and job.removed is not None:
            removed = job.removed
            notes = ""
            if removed.notes_deleted:
                notes = f"; its {removed.notes_deleted} note{'s' if removed.notes_deleted != 1 else ''} deleted"
            elif removed.notes_kept:
                notes = (f"; its {removed.notes_kept} note{'s' if removed.notes_kept != 1 else ''} kept "
                         "as orphaned notes")
            window.statusBar().showMessage(f"Removed “{removed.title}” from the library{notes}.", 10000)
            self._relink_due = True
            self.documentRemoved.emit(removed.doc_id, removed.key)
        elif request.kind == RELINK and report is not None:
            window.statusBar().showMessage("Cross-references updated.", 5000)
        self.jobFinished.emit(request.kind, report)

    def _leave_removed_document(self, doc_id: int) -> None:
        """The document shown was removed: show its neighbour in the list (the next one, else the one before)."""
        window = self.window
        if window.current is None or window.current.summary.id != doc_id:
            return
        row = window.doc_model.row_of(doc_id)
        proxy_row = window.doc_proxy.mapFromSource(window.doc_model.index(row)).row() if row is not None else -1
        for candidate in (proxy_row + 1, proxy_row - 1):
            if proxy_row >= 0 and 0 <= candidate < window.doc_proxy.rowCount():
                window.open_document(window.doc_proxy.index(candidate, 0).data(DocIdRole), record=False)
                return

    def _follow_replaced_document(self) -> None:
        """The document shown was re-imported (a new version has a new id): show the new version
        at the same place, rather than "removed from the index"."""
        window = self.window
        current = window.current
        if current is None:
            return
        if window.db.execute("SELECT 1 FROM documents WHERE id = ?", [current.summary.id]).fetchone():
            return
        row = window.db.execute("SELECT id FROM documents WHERE path = ?", [current.summary.path]).fetchone()
        if row is not None:
            location = window.current_location()
            window.open_document(row[0], location.offset if location else None, record=False, align_top=True)

    def show_report(self, report=None) -> ImportReportDialog | None:
        report = report if report is not None else self.last_report
        if report is None:
            return None
        if self.report_dialog is not None:
            self.report_dialog.close()
            self.report_dialog.deleteLater()
        self.report_dialog = ImportReportDialog(report, self.window)
        self.report_dialog.show()
        return self.report_dialog

    def shutdown(self) -> None:
        """Forget queued jobs (the window's shutdown stops the running one)."""
        self.pending.clear()
        self._relink_due = False
        self._refresh.stop()


def import_summary(report) -> str:
    counts = report_counts(report)
    if report.cancelled:
        done = counts["added"] + counts["updated"]
        return f"Import cancelled: {done} document{'s' if done != 1 else ''} imported before that are kept."
    text = f"Imported: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged"
    problems = []
    if counts["duplicates"]:
        problems.append(f"{counts['duplicates']} duplicate{'s' if counts['duplicates'] != 1 else ''}")
    if counts["errors"]:
        problems.append(f"{counts['errors']} not imported")
    if problems:
        text += "; " + ", ".join(problems) + " (File ▸ Import Report…)"
    return text + "."


# -- keeping the list where the user left it -----------------------------------------------------

class ListPlace:
    """The document at the top of the list's viewport and its position, to restore after rows
    are inserted above it (a list at the very top stays at the top)."""

    def __init__(self, window, doc_id: int | None, top: int) -> None:
        self.window, self.doc_id, self.top = window, doc_id, top

    @classmethod
    def save(cls, window) -> "ListPlace":
        view = window.doc_list
        if view.verticalScrollBar().value() <= 0:
            return cls(window, None, 0)
        index = view.indexAt(QPoint(4, 1))
        if not index.isValid():
            return cls(window, None, 0)
        return cls(window, index.data(DocIdRole), view.visualRect(index).top())

    def restore(self) -> None:
        if self.doc_id is None:
            return
        window = self.window
        row = window.doc_model.row_of(self.doc_id)
        if row is None:
            return
        index = window.doc_proxy.mapFromSource(window.doc_model.index(row))
        if not index.isValid():
            return
        view = window.doc_list
        view.doItemsLayout()
        bar = view.verticalScrollBar()
        bar.setValue(bar.value() + view.visualRect(index).top() - self.top)


# -- the report dialog ---------------------------------------------------------------------------

RESULT_ERROR, RESULT_DUPLICATE, RESULT_UPDATED, RESULT_ADDED = "Not imported", "Duplicate", "Updated", "Added"


def report_counts(report) -> dict[str, int]:
    return {"added": len(report.added), "updated": len(report.updated), "unchanged": report.unchanged,
            "duplicates": len(report.duplicates), "errors": len(report.errors)}


def report_rows(report) -> list[tuple[str, str, str]]:
    """(path, result, reason) per file: problems first, then what was updated and added."""
    rows = [(e.path, RESULT_ERROR, e.message) for e in report.errors]
    rows += [(d.path, RESULT_DUPLICATE, d.message) for d in report.duplicates]
    rows += [(p, RESULT_UPDATED, "") for p in report.updated]
    rows += [(p, RESULT_ADDED, "") for p in report.added]
    return rows


def report_text(report) -> str:
    """The report as plain text (tab-separated rows), for the clipboard."""
    counts = report_counts(report)
    lines = [", ".join(f"{n} {name}" for name, n in counts.items())]
    if report.cancelled:
        lines.append("The import was cancelled; documents imported before that are kept.")
    lines.append("")
    lines.append("File\tResult\tReason")
    lines += ["\t".join(row) for row in report_rows(report)]
    return "\n".join(lines) + "\n"


class _ReportModel(QAbstractTableModel):
    HEADERS = ("File", "Result", "Reason")

    def __init__(self, rows: list[tuple[str, str, str]], parent=None) -> None:
        super().__init__(parent)
        self.rows = rows

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        path, result, reason = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (Path(path).name or path, result, reason)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (path, result, reason)[column] or None
        if role == Qt.ItemDataRole.UserRole:
            return path
        return None


class ImportReportDialog(QDialog):
    """What an import did, file by file."""

    def __init__(self, report, parent=None) -> None:
        super().__init__(parent)
        self.report = report
        self.setObjectName("importReport")
        self.setWindowTitle("Import Report")
        self.setAccessibleName("Import report")
        counts = report_counts(report)
        summary = (f"<b>{counts['added']}</b> added · <b>{counts['updated']}</b> updated · "
                   f"<b>{counts['unchanged']}</b> unchanged · <b>{counts['duplicates']}</b> "
                   f"duplicate{'s' if counts['duplicates'] != 1 else ''} · <b>{counts['errors']}</b> "
                   f"error{'s' if counts['errors'] != 1 else ''}")
        if report.cancelled:
            summary += "<br>The import was cancelled; the documents imported before that are kept."
        if report.errors or report.duplicates:
            summary += ("<br><span style='font-size:small'>Files not imported left the library as it was; "
                        "a duplicate has the same text as a document already in the library.</span>")
        self.summary = QLabel(summary)
        self.summary.setObjectName("importReportSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = _ReportModel(report_rows(report), self)
        self.table = QTableView()
        self.table.setObjectName("importReportTable")
        self.table.setAccessibleName("Files")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy to Clipboard")
        self.copy_button.setObjectName("copyImportReport")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)

    def text(self) -> str:
        return report_text(self.report)

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copy_button.setText("Copied")
