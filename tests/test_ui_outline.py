"""Long texts in the window: the Outline tab, the reading progress, the place remembered per
document, and the author under the title."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from test_outline import AOZORA
from test_ui_support import click_document, data_dir, doc_id_by_file, make_window  # noqa: F401 (fixture)

SECTION = "Delegations met again and talked about the ceasefire line for many hours. " * 6


def _guide() -> str:
    parts = ["# Peace talks: a reading guide", ""]
    for title in ("Istanbul", "Geneva round", "Riyadh", "Prisoner exchange"):
        parts += [f"## {title}", ""]
        for n in range(1, 25):   # distinct paragraphs: identical ones would fold as a copied article
            parts += [f"{title}, day {n}. {SECTION}", ""]
    return "\n".join(parts)


@pytest.fixture
def long_texts(make_window, tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "guide.md").write_text(_guide(), encoding="utf-8")
    (folder / "kiroku.txt").write_text(AOZORA, encoding="utf-8")
    window = make_window(data_dir(), sources=[folder])
    window.resize(1200, 700)
    return window


def _click_heading(qtbot, window, title: str) -> None:
    panel = window.reading_aids.panel
    row = panel.titles().index(title)
    item = panel.list.item(row)
    panel.list.scrollToItem(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualItemRect(item).center())


def _top_line(window) -> str:
    text = window.current.text
    top = window.pane.top_offset()
    return text[top:text.find("\n", top)]


def test_outline_tab_lists_headings_and_jumps_to_them(qtbot, long_texts):
    window = long_texts
    assert "Outline" in [a.text().replace("&", "") for a in window.menus["view"].actions()]
    click_document(qtbot, window, doc_id_by_file(window, "guide.md"))
    window.side_tabs.show_panel("outline")
    panel = window.reading_aids.panel
    assert panel.titles() == ["Istanbul", "Geneva round", "Riyadh", "Prisoner exchange"]
    assert window.reading_aids.progress.text() == "0 %"

    _click_heading(qtbot, window, "Riyadh")
    assert _top_line(window) == "## Riyadh"
    assert panel.list.currentItem().text().strip() == "Riyadh"      # the section being read is marked
    percent = int(window.reading_aids.progress.text().rstrip(" %"))
    assert 40 < percent < 90

    window.pane.verticalScrollBar().setValue(window.pane.verticalScrollBar().maximum())
    assert window.reading_aids.progress.text() == "100 %"
    assert panel.list.currentItem().text().strip() == "Prisoner exchange"

    click_document(qtbot, window, doc_id_by_file(window, "kiroku.txt"))
    assert panel.titles() == ["第一章　交渉の始まり", "第二章　停戦", "一", "あとがき"]


def test_the_place_read_is_remembered_per_document(qtbot, long_texts, make_window):
    window = long_texts
    guide, other = doc_id_by_file(window, "guide.md"), doc_id_by_file(window, "kiroku.txt")
    click_document(qtbot, window, guide)
    _click_heading(qtbot, window, "Geneva round")
    click_document(qtbot, window, other)
    click_document(qtbot, window, guide)
    assert _top_line(window) == "## Geneva round"
    window.close()

    again = make_window(data_dir())   # the last document read was the guide: opened where it was
    click_document(qtbot, again, doc_id_by_file(again, "kiroku.txt"))
    assert again.pane.top_offset() in (0, None) or _top_line(again) != "## Geneva round"
    click_document(qtbot, again, doc_id_by_file(again, "guide.md"))
    assert _top_line(again) == "## Geneva round"


def test_the_author_is_under_the_title(qtbot, long_texts):
    window = long_texts
    click_document(qtbot, window, doc_id_by_file(window, "kiroku.txt"))
    lines = window.pane.document().toPlainText().split("\n")
    assert lines[0] == "停戦の記録"
    assert lines[1].startswith("記録者")
