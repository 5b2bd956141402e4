"""The start-up re-scan of imported folders says what it added; a folder can be let go."""
from __future__ import annotations

from pathlib import Path

from test_ui_support import INDEX_TIMEOUT_MS, copy_index, data_dir, make_window, wait_idle  # noqa: F401

from PySide6.QtCore import Qt

ARTICLE = ("停戦交渉の{n}回目の会合が開かれた。\n\n両国の代表団は捕虜交換について協議し、次回の日程を確認した。"
           "関係者によると、議論は建設的だったという。\n")


def write_articles(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(names):
        (folder / name).write_text(ARTICLE.format(n=f"{name}-{n}"), encoding="utf-8")


def test_new_files_in_a_watched_folder_are_shown_and_the_folder_can_be_let_go(qtbot, make_window, seeds_index,
                                                                              tmp_path):
    from reader.library import Library

    copy_index(seeds_index, data_dir())
    folder = (tmp_path / "watched").resolve()
    write_articles(folder, ["a.txt"])
    library = Library(data_dir())
    try:
        library.import_sources([folder])      # imported once: the folder is watched from now on
    finally:
        library.close()
    write_articles(folder / "later", ["b.txt", "c.txt"])   # arrived while Reader was closed

    window = make_window()
    notice = window.watched.notice
    assert notice.isVisible()
    assert notice.text().startswith("2 new documents in 1 watched folder")
    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton)
    dialog = window.watched.dialog
    assert dialog is not None and dialog.isVisible() and not notice.isVisible()
    listed = [dialog.new_list.item(i).text().strip() for i in range(dialog.new_list.count())]
    assert listed[0].startswith(str(folder)) and "2 new" in listed[0]
    assert sorted(listed[1:]) == [str(Path("later") / "b.txt"), str(Path("later") / "c.txt")]
    assert [dialog.sources.item(i).text() for i in range(dialog.sources.count())] == [str(folder)]

    # Stop watching it: its documents stay, its new files are no longer picked up.
    dialog.sources.setCurrentRow(0)
    with qtbot.waitSignal(window.jobs.finished, timeout=INDEX_TIMEOUT_MS):
        qtbot.mouseClick(dialog.stop, Qt.MouseButton.LeftButton)
    assert dialog.sources.count() == 0
    assert "No longer watching" in window.statusBar().currentMessage()
    names = {d.file_name for d in window.doc_model.documents}
    assert {"a.txt", "b.txt", "c.txt"} <= names
    write_articles(folder, ["d.txt"])
    window.act_update_index.trigger()
    wait_idle(qtbot, window)
    assert "d.txt" not in {d.file_name for d in window.doc_model.documents}
    # File ▸ Watched Folders… opens the same dialog.
    assert window.watched.action in window.menus["file"].actions()
