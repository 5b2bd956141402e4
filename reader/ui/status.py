"""The window's status area for background work: what runs, how far it is, the current file, Cancel.

`MainWindow` builds one and puts it in the status bar; it follows the window's `JobRunner`
(shown while a job runs, hidden when the queue is empty). A feature whose job reports more
than stages and counts (the import: files, time left) sets the text itself from the job's
`progress` callback with `set_text`, `set_detail` and `set_progress`.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from reader.progress import Progress
from reader.ui.jobs import Job, JobRunner
from reader.ui.views import plain_label


def elide(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[:width // 2 - 1] + "…" + text[-(width // 2):]


# Stages whose counts are not documents (linking is one step over the whole library: "0/1").
UNCOUNTED_STAGES = {"linking": "Linking entities across documents", "scanning": "Looking for files"}


def stage_text(event: Progress) -> str:
    """The generic text for a stage: "Indexing: 3/10 documents", "Linking entities across documents…"."""
    if event.stage in UNCOUNTED_STAGES:
        return f"{UNCOUNTED_STAGES[event.stage]}…"
    stage = event.stage.capitalize()
    return f"{stage}: {event.done}/{event.total} documents" if event.total else f"{stage}…"


def stage_total(event: Progress) -> int:
    """The total to show a bar against; 0 (busy) for a stage that is not counted in documents."""
    return 0 if event.stage in UNCOUNTED_STAGES else event.total


class StatusArea(QWidget):
    cancelRequested = Signal()

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobStatus")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        self.label = plain_label()   # stages and file names are shown as written
        self.label.setObjectName("jobLabel")
        self.detail = plain_label()  # a file name, which may hold anything
        self.detail.setObjectName("importCurrentFile")
        self.detail.hide()
        self.bar = QProgressBar()
        self.bar.setObjectName("indexProgressBar")
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.setObjectName("indexCancel")
        self.cancel.clicked.connect(self.cancelRequested)
        for widget in (self.label, self.detail, self.bar, self.cancel):
            layout.addWidget(widget)
        self.hide()
        jobs.started.connect(self._job_started)
        jobs.progressed.connect(self._job_progressed)
        jobs.idle.connect(self.hide)

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def set_detail(self, text: str) -> None:
        """A second, lighter line of detail (the current file); empty hides it."""
        self.detail.setText(elide(text))
        self.detail.setToolTip(text)
        self.detail.setVisible(bool(text))

    def set_progress(self, done: int, total: int) -> None:
        """`total` 0: busy without a known end."""
        self.bar.setRange(0, max(total, 0))
        if total:
            self.bar.setValue(done)

    def _job_started(self, job: Job) -> None:
        self.set_text(job.label)
        self.set_detail("")
        self.set_progress(0, 0)
        self.show()

    def _job_progressed(self, job: Job, event: Progress) -> None:
        if job.progress is None:   # the job's own callback says more
            self.set_text(stage_text(event))
            self.set_progress(event.done, stage_total(event))
