"""Copy gives the document's own text; a repeated article folds into one bar."""
from __future__ import annotations

from test_ui_support import click_document, doc_id_by_file, make_window, warm_window  # noqa: F401

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from reader.ui.textmap import PLACEHOLDER

REPEATED = "002_6c9cfde7eb9d63d6.txt"   # 停戦交渉の核心: the article is printed twice


def open_repeated(qtbot, window):
    click_document(qtbot, window, doc_id_by_file(window, REPEATED))
    assert "停戦交渉の核心" in window.current.summary.title
    return window.pane


def bars(pane) -> list[str]:
    return [b.text for b in pane.plan.blocks if b.kind == PLACEHOLDER]


def test_select_all_and_copy_gives_the_documents_own_text_only(qtbot, warm_window):
    window = warm_window
    pane = open_repeated(qtbot, window)
    QGuiApplication.clipboard().clear()
    pane.setFocus()
    QTest.keyClick(pane, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(pane, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    text = window.current.text
    assert "⤷" not in copied and "click to show" not in copied
    assert len(copied) <= len(text) and copied in text
    assert copied.strip() == text.strip()   # the whole document, repeats included, as written


def test_copy_with_citation_names_title_source_date_and_url(qtbot, warm_window):
    window = warm_window
    pane = open_repeated(qtbot, window)
    detail = window.current
    first = next(b for b in pane.plan.blocks if b.kind == "body")
    cursor = pane.textCursor()
    cursor.setPosition(first.pane_start)
    cursor.setPosition(first.pane_start + len(first.text), cursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    assert "Copy with &Citation" in [a.text() for a in window.menus["edit"].actions()]
    window.act_copy_cited.trigger()
    copied = QGuiApplication.clipboard().text()
    quote, source_line = copied.split("\n— ")
    assert quote == f"“{first.text}”"
    assert detail.summary.title in source_line
    for known in (detail.summary.source, (detail.summary.date or "")[:10], *(detail.urls[:1])):
        assert known in source_line


def test_a_repeated_article_is_one_bar(qtbot, warm_window):
    window = warm_window
    pane = open_repeated(qtbot, window)
    shown = bars(pane)
    repeats = [p for p in window.current.passages if p.duplicate_of is not None]
    assert len(repeats) > 20
    assert len(shown) == 1
    assert shown[0].startswith(f"⤷ Article repeated: {len(repeats)} paragraphs, shown above")
    # One click unfolds the whole article; another folds it.
    run = pane.plan.runs[0]
    pane.toggle_run(run.run)
    assert all(pane.document().findBlockByNumber(i).isVisible() for i in run.blocks)
    pane.toggle_run(run.run)
    assert not any(pane.document().findBlockByNumber(i).isVisible() for i in run.blocks)
