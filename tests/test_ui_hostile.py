"""In the window, a file that takes minutes to read does not hold back a cancel: the import
ends at once, the worker reading it is killed, and what was finished is kept."""
from __future__ import annotations

import multiprocessing

import pytest

from test_ui_support import make_window, warm_window  # noqa: F401

from PySide6.QtCore import Qt

import hostile_files as hostile

pytestmark = pytest.mark.timeout(300)


def test_cancelling_while_a_file_hangs_ends_the_import_at_once(qtbot, warm_window, tmp_path):
    folder = tmp_path / "to-import"
    folder.mkdir()
    (folder / "000 slow.pdf").write_bytes(hostile.pdf_xobject_fan_out(11, "slow " * 9, pages=60))  # minutes
    for number in range(5):
        (folder / f"article {number}.txt").write_text(f"The talks went on, round {number}.", encoding="utf-8")
    window = warm_window
    jobs = window.library_actions.jobs
    before = window.doc_model.rowCount()

    window.library_actions.import_paths([folder])
    # A small import has one worker: the slow file, first in order, is what it is reading.
    qtbot.waitUntil(lambda: window.indexing and "of 6 files" in window.index_label.text(), timeout=60_000)
    with qtbot.waitSignal(jobs.jobFinished, timeout=30_000) as finished:
        qtbot.mouseClick(window.index_cancel, Qt.MouseButton.LeftButton)
    report = finished.args[1]
    assert report.cancelled and not any(path.endswith("slow.pdf") for path in report.added)
    assert window.doc_model.rowCount() == before + len(report.added)
    assert not window.indexing and multiprocessing.active_children() == []
