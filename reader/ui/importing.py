"""Bringing documents into the library from the window, and taking them out.

* `LibraryJobs` makes the library's write jobs (import, remove, relink) and submits them to the
  window's one `JobRunner` (reader.ui.jobs), so they never run beside the start-up sync or
  Update Index (one writer; a request made meanwhile waits its turn), the window's Cancel and
  shutdown stop them, and `MainWindow.indexing` covers them.
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
from functools import partial
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableView, QVBoxLayout)

from reader.progress import Progress
from reader.ui import operations
from reader.ui.compat import top_up
from reader.ui.jobs import Changes, Job

log = logging.getLogger(__name__)

IMPORT, REMOVE, RELINK = "import", "remove", "relink"


# -- time left ----------------------------------------------------------------------------------

class Eta:
    """Time left in a stage, from the recent rate of files done, once a few files are done.

    The rate is measured from the first file done (the start-up, worker processes and the
    dictionary, is paid once; counted in, it made the first estimates three times too long)
    and over the last WINDOW seconds, so a slow start or a stall is soon forgotten."""

    MIN_DONE = 3          # files done in this stage before estimating
    MIN_SECONDS = 1.0     # and seconds elapsed
    WINDOW = 8.0          # seconds of recent progress the rate is taken from

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.stage = ""
        self.last_done = 0
        self.samples: list[tuple[float, int]] = []   # (time, done) since the stage's first file done

    def update(self, stage: str, done: int, total: int) -> float | None:
        """Seconds left, or None while there is too little to go on."""
        now = self.clock()
        if stage != self.stage or done < self.last_done:
            self.stage, self.samples = stage, []
            self.last_done = done
            return None
        if done > self.last_done or self.samples:
            if not self.samples:
                self.samples.append((now, done))   # the first file done: the clock starts here
            self.samples.append((now, done))
        self.last_done = done
        while len(self.samples) > 2 and self.samples[1][0] < now - self.WINDOW \
                and done - self.samples[1][1] >= self.MIN_DONE:
            self.samples.pop(0)
        if not self.samples:
            return None
        since, done_then = self.samples[0]
        progressed, elapsed = done - done_then, now - since
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


# -- the jobs -----------------------------------------------------------------------------------

class LibraryJobs(QObject):
    """Import, remove and relink as jobs on the window's runner (`window.jobs`), in the order asked."""

    progressed = Signal(str, int, int, str)
    jobFinished = Signal(str, object)     # kind, IndexReport (RemovedDocument for a removal; None if it failed)
    documentRemoved = Signal(int, str)    # doc id, content hash: for panels listing notes

    KINDS = (IMPORT, REMOVE, RELINK)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.runner = window.jobs
        self.status = window.status_area
        self.last_report = None
        self.report_dialog: ImportReportDialog | None = None
        self.show_reports = True          # pop the report up when an import refused files
        self.eta = Eta()
        self.runner.started.connect(self._started)
        self.runner.finished.connect(self._finished)

    # -- requests -------------------------------------------------------------------------------
    @property
    def pending(self) -> list[Job]:
        """Jobs of this kind waiting their turn."""
        return [j for j in self.runner.queue if j.kind in self.KINDS]

    @property
    def busy(self) -> bool:
        current = self.runner.current
        return bool(self.pending) or (current is not None and current.kind in self.KINDS)

    def import_paths(self, paths: list[Path]) -> None:
        paths = [Path(p) for p in paths if str(p)]
        if not paths:
            return
        data_dir = self.window.context.data_dir
        self._submit(Job(IMPORT, "Importing…", partial(operations.import_sources, data_dir=data_dir, sources=paths),
                         success=self._imported, failure=self._failed, changes=operations.report_changes,
                         progress=self._import_progress), "Import")

    def remove_document(self, doc_id: int, delete_notes: bool, title: str = "") -> None:
        data_dir = self.window.context.data_dir
        self._submit(Job(REMOVE, "Removing from the library…",
                         partial(operations.remove_document, data_dir=data_dir, doc_id=doc_id,
                                 delete_notes=delete_notes),
                         success=self._removed, failure=self._failed,
                         changes=lambda removed: Changes(documents=True, removed=frozenset([removed.doc_id]),
                                                         annotations=True)), "Removal")

    def _relink(self) -> None:
        """After removals: the entity totals, once the queue has nothing else (merged if waiting)."""
        data_dir = self.window.context.data_dir
        self.runner.submit(Job(RELINK, "Updating cross-references…",
                               partial(operations.relink_entities, data_dir=data_dir),
                               success=lambda _r: self.window.statusBar().showMessage("Cross-references updated.",
                                                                                      5000),
                               failure=self._failed, changes=lambda _r: Changes(entities=True),
                               progress=self._import_progress, merge_key=RELINK))

    def _submit(self, job: Job, what: str) -> None:
        if self.runner.busy:
            self.window.statusBar().showMessage(f"{what} queued: it starts when the current job ends.", 5000)
        self.runner.submit(job)

    def _failed(self, message: str) -> None:
        QMessageBox.warning(self.window, "Indexing failed", f"The index could not be updated:\n\n{message}\n\n"
                            "The documents already indexed are still available.")

    # -- progress -------------------------------------------------------------------------------
    def _started(self, job: Job) -> None:
        if job.kind in self.KINDS:
            self.eta.reset()

    def _import_progress(self, event: Progress) -> None:
        job = self.runner.current
        stage, done, total, current = event.stage, event.done, event.total, event.current
        status = self.status
        if stage == "linking":
            status.set_text("Updating cross-references…")
            status.set_detail("")
        elif job is None or job.kind != IMPORT:
            pass
        elif stage == "indexing" and total:
            left = describe_eta(self.eta.update(stage, done, total))
            status.set_text(f"Importing {done:,} of {total:,} files" + (f" · {left}" if left else ""))
            status.set_detail(current)
        elif stage == "scanning":
            status.set_text("Importing: looking for files…")
        elif stage == "entities":
            status.set_text(f"Finding names: {done:,} of {total:,} documents" if total else "Finding names…")
            status.set_detail("")
        else:
            status.set_text(f"{stage.capitalize()}: {done:,}/{total:,}" if total else f"{stage.capitalize()}…")
        status.set_progress(done, total)
        self.progressed.emit(stage, done, total, current)
        top_up()

    # -- the end --------------------------------------------------------------------------------
    def _imported(self, report) -> None:
        self.last_report = report
        self.window.statusBar().showMessage(import_summary(report), 15000)
        if self.show_reports and (report.errors or report.duplicates):
            self.show_report(report)

    def _removed(self, removed) -> None:
        notes = ""
        if removed.notes_deleted:
            notes = f"; its {removed.notes_deleted} note{'s' if removed.notes_deleted != 1 else ''} deleted"
        elif removed.notes_kept:
            notes = (f"; its {removed.notes_kept} note{'s' if removed.notes_kept != 1 else ''} kept "
                     "as orphaned notes")
        self.window.statusBar().showMessage(f"Removed “{removed.title}” from the library{notes}.", 10000)
        self.documentRemoved.emit(removed.doc_id, removed.key)
        self._relink()

    def _finished(self, job: Job) -> None:
        if job.kind not in self.KINDS:
            return
        self.jobFinished.emit(job.kind, job.result if job.error is None else None)

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
