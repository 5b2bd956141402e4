"""First launch: documents appear while the index is still being built; the stages say what they count."""
from __future__ import annotations

from pathlib import Path

from test_ui_support import INDEX_TIMEOUT_MS, make_window  # noqa: F401

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


def test_documents_appear_before_the_names_are_found_and_linking_is_not_counted_as_documents(qtbot, make_window):
    window = make_window(wait=False)
    seen = []   # what the user sees at each step, after the window has handled it

    def record(_job, event) -> None:
        dialog = window.index_dialog.labelText() if window.index_dialog is not None else ""
        seen.append((event.stage, window.doc_list.model().rowCount(), window.status_area.label.text(), dialog))

    window.jobs.progressed.connect(record)
    with qtbot.waitSignal(window.indexFinished, timeout=INDEX_TIMEOUT_MS):
        pass
    later = [rows for stage, rows, _s, _d in seen if stage in ("entities", "linking")]
    assert later and all(rows == len(SEEDS) for rows in later)   # listed while the names are still being found
    linking = [(status, dialog) for stage, _r, status, dialog in seen if stage == "linking"]
    assert linking
    for status, dialog in linking:
        assert "0/1" not in status and "1/1" not in status and "0/1" not in dialog
        assert status.startswith("Linking entities across documents")
