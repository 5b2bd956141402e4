"""The window meets damaged or unusable storage: the same one-line messages as the command line, in a
dialog, and nothing written."""
from __future__ import annotations

import hashlib

from test_storage_notes_damage import make_notes
from test_ui_annotations import QUOTE, open_doc, select
from test_ui_support import data_dir, make_window  # noqa: F401

from PySide6.QtWidgets import QMessageBox


def test_an_index_that_is_a_folder_shows_a_dialog(qtbot, monkeypatch):
    from reader.ui import app

    (data_dir() / "index.sqlite").mkdir(parents=True)
    messages = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert app.run([], str(data_dir())) == 1
    assert messages and "is a folder" in messages[0]


def test_a_note_on_a_damaged_notes_file_is_refused_in_a_dialog(qtbot, make_window, seeds_index,  # noqa: F811
                                                               monkeypatch):
    make_notes(seeds_index, data_dir())
    path = data_dir() / "user.sqlite"
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size - 4096)
        handle.write(b"\0" * 4096)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    window = make_window()
    open_doc(qtbot, window)
    select(qtbot, window, QUOTE)
    window.notes.highlight("blue")
    assert shown and shown[0][0] == "Notes not saved"
    assert "is damaged" in shown[0][1] and "reader notes salvage" in shown[0][1]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_search_on_a_damaged_index_says_so_and_the_next_update_rebuilds_it(qtbot, make_window,  # noqa: F811
                                                                             seeds_index):
    import sqlite3

    from test_ui_support import copy_index, type_text, wait_idle

    from reader.store import db as index_db

    index = copy_index(seeds_index, data_dir())
    conn = sqlite3.connect(str(index))
    conn.execute("DELETE FROM passages_fts_data WHERE id > 10")
    conn.commit()
    conn.close()
    window = make_window()
    failures = []
    window.search.failed.connect(lambda query, message: failures.append(message))
    window.search_box.setFocus()
    type_text(window.search_box, "ロシア")
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert "is damaged" in failures[0] and "run `reader index`" in failures[0]
    assert index_db.suspect(index)
    wait_idle(qtbot, window)
    window.act_update_index.trigger()   # F5
    wait_idle(qtbot, window)
    assert not index_db.suspect(index)
    assert index_db.problems(sqlite3.connect(str(index))) is None
