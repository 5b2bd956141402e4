"""Text from users and files is shown as written in the window's labels, never as HTML."""
from __future__ import annotations

from test_ui_support import make_window, warm_window  # noqa: F401

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

HOSTILE = "<b>bold</b><img src='https://example.invalid/x.png'>"


def labels_showing(window, text: str) -> list[QLabel]:
    return [label for label in window.findChildren(QLabel) if text in label.text()]


def test_an_html_query_is_shown_as_typed_in_the_search_summary(qtbot, warm_window):
    window = warm_window
    with qtbot.waitSignal(window.searchFinished, timeout=10_000):
        window.search_box.setText(HOSTILE)
        window.search.flush()
    shown = labels_showing(window, HOSTILE)
    assert window.results_summary in shown
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in shown)


def test_an_over_long_query_says_it_was_cut(qtbot, warm_window):
    window = warm_window
    with qtbot.waitSignal(window.searchFinished, timeout=10_000):
        window.search_box.setText(" ".join(f"w{i}" for i in range(80)))
        window.search.flush()
    assert "only its first 50 words" in window.results_summary.text()


def test_a_file_name_with_html_is_shown_as_written_while_importing(qtbot, warm_window):
    window = warm_window
    current = window.findChild(QLabel, "importCurrentFile")
    for label in (current, window.index_label, window.doc_count):
        label.setText(f"{HOSTILE}.txt")  # as the import shows the file it is reading
        assert label.textFormat() == Qt.TextFormat.PlainText
