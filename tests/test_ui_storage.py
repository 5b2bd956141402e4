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
