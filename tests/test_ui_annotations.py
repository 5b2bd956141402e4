"""Annotations in the real window (offscreen), driven as a user would: select, highlight, write a note,
close and reopen, delete and undo, filter, export, import."""
from __future__ import annotations

import json

from test_ui_support import (click_document, copy_index, data_dir, doc_id_by_file, make_window,  # noqa: F401
                             type_text, wait_idle, warm_window)

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QToolTip

DOC = "002_6c9cfde7eb9d63d6.txt"
QUOTE = "ウラジーミル・プーチン大統領がクルスクを訪問した直後の出来事"
QUOTE_2 = "米国が提案した30日間の停戦"
QUOTE_3 = "短期的な停戦は可能であるが"


def open_doc(qtbot, window, file_name: str = DOC) -> int:
    doc_id = doc_id_by_file(window, file_name)
    click_document(qtbot, window, doc_id)
    assert window.current.summary.id == doc_id
    return doc_id


def select(qtbot, window, quote: str) -> tuple[int, int]:
    """Select the first occurrence of `quote` in the pane, as a drag over it would."""
    pane = window.pane
    start = window.current.text.index(quote)
    end = start + len(quote)
    pane.scroll_to_offset(start)
    cursor = pane.textCursor()
    cursor.setPosition(pane.plan.to_pane(start))
    cursor.setPosition(pane.plan.to_pane(end), QTextCursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    window.activateWindow()
    pane.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(pane.hasFocus, timeout=2000)
    assert pane.selection_document_range() == (start, end)
    return start, end


def stored(window):
    """What the notes file holds now (read by a connection of its own, as another program would)."""
    from reader import paths
    from reader.annotations.service import Annotations
    from reader.store.userdata import UserData

    user = UserData(paths.user_data_path(window.context.data_dir))
    try:
        return Annotations(db=window.db, user=user).list_all()
    finally:
        user.close()


def painted_backgrounds(pane, start: int, end: int) -> set[str]:
    """The background colours the pane's layout formats give a document range."""
    colours = set()
    for index, ps, pe in pane.plan.pane_ranges(start, end):
        block = pane.document().findBlockByNumber(index)
        for r in block.layout().formats():
            lo, hi = block.position() + r.start, block.position() + r.start + r.length
            if lo < pe and hi > ps and r.format.hasProperty(r.format.Property.BackgroundBrush):
                colours.add(r.format.background().color().name())
    return colours


def notes_count_in_list(window, doc_id: int) -> int:
    from reader.ui.models import NotesRole

    return window.doc_model.index(window.doc_model.row_of(doc_id)).data(NotesRole)


def panel_quotes(window) -> list[str]:
    proxy = window.notes.panel.proxy
    return [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 7).exact for r in range(proxy.rowCount())]


# -- the main path ---------------------------------------------------------------------------------------


def test_highlight_write_a_note_reopen_delete_and_undo(qtbot, make_window, seeds_index):
    from reader.ui.palette import fill_colour

    copy_index(seeds_index, data_dir())
    window = make_window()
    notes = window.notes
    doc_id = open_doc(qtbot, window)
    assert notes.panel.objectName() == "annotationsPanel"

    # H highlights the selection in the last colour (yellow at first).
    start, end = select(qtbot, window, QUOTE)
    assert notes.act_highlight.isEnabled()
    qtbot.keyClick(window.pane, Qt.Key.Key_H)
    made = stored(window)
    assert [(a.exact, a.cur_start, a.cur_end, a.colour) for a in made] == [(QUOTE, start, end, "yellow")]
    assert not window.pane.textCursor().hasSelection()
    assert fill_colour("yellow", window.pane.dark).name() in painted_backgrounds(window.pane, start, end)
    assert notes_count_in_list(window, doc_id) == 1
    assert notes.active == made[0].uuid

    # The mini-toolbar appears by a selection; its green button highlights in green.
    start2, end2 = select(qtbot, window, QUOTE_2)
    toolbar = notes.toolbar
    qtbot.waitUntil(toolbar.isVisible, timeout=2000)
    assert toolbar.objectName() == "annotationToolbar" and toolbar.editing is None
    selection_rect = window.pane.cursorRect(window.pane.textCursor())
    assert abs(toolbar.geometry().center().y() - selection_rect.center().y()) < 200   # near the selection
    qtbot.mouseClick(toolbar.colour_buttons["green"], Qt.MouseButton.LeftButton)
    assert not toolbar.isVisible()
    second = next(a for a in stored(window) if a.exact == QUOTE_2)
    assert second.colour == "green" and (second.cur_start, second.cur_end) == (start2, end2)
    assert notes.colour == "green"      # H now uses green
    assert notes_count_in_list(window, doc_id) == 2

    # N: highlight and write a Markdown note in the editor; it is saved without a Save button.
    start3, end3 = select(qtbot, window, QUOTE_3)
    qtbot.keyClick(window.pane, Qt.Key.Key_N)
    editor = notes.editor
    assert window.side_tabs.currentWidget() is notes.panel and notes.panel.isVisible()
    qtbot.waitUntil(editor.text.hasFocus, timeout=2000)
    third = next(a for a in stored(window) if a.exact == QUOTE_3)
    assert third.colour == "green" and editor.annotation.uuid == third.uuid
    type_text(editor.text, "**Why** it matters: 停戦")
    qtbot.waitUntil(lambda: next(a for a in stored(window) if a.uuid == third.uuid).note == "**Why** it matters: 停戦",
                    timeout=5000)
    qtbot.waitUntil(lambda: "Why" in editor.preview.toPlainText(), timeout=2000)
    assert "<b>Why</b>" not in editor.preview.toPlainText()
    assert "font-weight:700" in editor.preview.toHtml().replace(" ", "") or \
        "font-weight:600" in editor.preview.toHtml().replace(" ", "")
    editor.tags.setFocus()
    type_text(editor.tags, "ceasefire, analysis")
    qtbot.keyClick(editor.tags, Qt.Key.Key_Return)
    assert next(a for a in stored(window) if a.uuid == third.uuid).tags == ("ceasefire", "analysis")
    # The card in the panel shows the quote, the rendered note and the tags.
    card = notes.panel.model.card_html(next(a for a in notes.annotations if a.uuid == third.uuid))
    assert QUOTE_3 in card and "<strong>Why</strong>" in card and "#ceasefire" in card
    window.close()

    # A new window on the same data: all three are there, anchored and highlighted in the text.
    again = make_window()
    notes = again.notes
    if again.current.summary.id != doc_id:
        open_doc(qtbot, again)
    kept = {a.exact: a for a in notes.annotations}
    assert set(kept) == {QUOTE, QUOTE_2, QUOTE_3}
    assert kept[QUOTE_3].note == "**Why** it matters: 停戦" and kept[QUOTE_3].status == "anchored"
    assert fill_colour("green", again.pane.dark).name() in painted_backgrounds(again.pane, start3, end3)
    assert notes_count_in_list(again, doc_id) == 3
    assert set(panel_quotes(again)) == {QUOTE, QUOTE_2, QUOTE_3}
    assert panel_quotes(again) == [QUOTE, QUOTE_2, QUOTE_3]       # text order

    # Delete it from the panel (Delete on the list), then Ctrl+Z brings it back, Ctrl+Shift+Z again.
    notes.show_panel()
    view = notes.panel.view
    row = panel_quotes(again).index(QUOTE_3)
    view.setFocus()
    view.setCurrentIndex(notes.panel.proxy.index(row, 0))
    assert notes.active == kept[QUOTE_3].uuid
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert QUOTE_3 not in {a.exact for a in stored(again)}
    assert QUOTE_3 not in panel_quotes(again)
    assert notes_count_in_list(again, doc_id) == 2
    assert painted_backgrounds(again.pane, start3, end3).isdisjoint({fill_colour("green", again.pane.dark).name()})
    assert again.notes.act_undo.isEnabled() and "Delete" in again.notes.act_undo.text()
    assert "Highlight deleted" in again.statusBar().currentMessage()
    qtbot.keyClick(again.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "deleted" not in again.statusBar().currentMessage()     # the status bar no longer says so
    assert again.statusBar().currentMessage() == "Undone: Delete Highlight."
    back = next(a for a in stored(again) if a.exact == QUOTE_3)
    assert back == kept[QUOTE_3]                                   # exactly as it was: uuid, note, times
    assert QUOTE_3 in panel_quotes(again) and notes_count_in_list(again, doc_id) == 3
    qtbot.keyClick(again.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QUOTE_3 not in {a.exact for a in stored(again)}
    again.notes.act_undo.trigger()
    assert QUOTE_3 in {a.exact for a in stored(again)}


def test_creating_and_editing_are_undoable_too(qtbot, warm_window):
    window = warm_window
    notes = window.notes
    open_doc(qtbot, window)
    select(qtbot, window, QUOTE)
    uuid = notes.highlight("blue")
    notes.set_note(uuid, "first")
    notes.editor.sessionEnded.emit()
    notes.set_colour(uuid, "purple")
    assert [a.colour for a in stored(window)] == ["purple"]
    notes.undo()                                   # colour
    assert [(a.colour, a.note) for a in stored(window)] == [("blue", "first")]
    notes.undo()                                   # note
    assert [(a.colour, a.note) for a in stored(window)] == [("blue", "")]
    notes.undo()                                   # the highlight itself
    assert stored(window) == []
    assert not window.notes.act_undo.isEnabled()
    notes.redo()
    notes.redo()
    assert [(a.uuid, a.note) for a in stored(window)] == [(uuid, "first")]
    # Typing in one go is one undo step.
    notes.set_active(uuid)
    notes.show_panel()
    notes.editor.focus_note()
    type_text(notes.editor.text, " and more")
    notes.editor.flush()
    type_text(notes.editor.text, "!")
    notes.editor.flush()
    assert stored(window)[0].note == "first and more!"
    window.pane.setFocus()                          # leaving the editor ends the step
    notes.undo()
    assert stored(window)[0].note == "first"
    # Ctrl+Z while typing in the editor undoes the typing there, not a change to the notes.
    notes.editor.focus_note()
    qtbot.waitUntil(notes.editor.text.hasFocus, timeout=2000)
    type_text(notes.editor.text, "X")
    assert notes.editor.text.toPlainText() == "firstX"
    qtbot.keyClick(notes.editor.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert notes.editor.text.toPlainText() == "first"
    assert [a.uuid for a in stored(window)] == [uuid]


def test_filter_the_panel_by_tag_colour_text_and_scope(qtbot, warm_window):
    window = warm_window
    notes = window.notes
    open_doc(qtbot, window)
    made = {}
    for quote, colour, tags in ((QUOTE, "yellow", ["kursk"]), (QUOTE_2, "green", ["ceasefire", "us"]),
                                (QUOTE_3, "green", ["ceasefire"])):
        select(qtbot, window, quote)
        made[quote] = notes.highlight(colour)
        notes.set_tags(made[quote], tags)
    other = open_doc(qtbot, window, "000_60ad3fcb420e1d94.txt")
    select(qtbot, window, window.current.text.strip()[:12])
    elsewhere = notes.highlight("pink")
    notes.set_tags(elsewhere, ["ceasefire"])
    panel = notes.panel
    notes.show_panel()
    assert len(panel_quotes(window)) == 1                       # this document only
    panel.scope_all.click()
    assert len(panel_quotes(window)) == 4
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("ceasefire"))
    assert set(panel_quotes(window)) == {QUOTE_2, QUOTE_3, window.current.text.strip()[:12]}
    panel.colour_filter.setCurrentIndex(panel.colour_filter.findData("green"))
    assert set(panel_quotes(window)) == {QUOTE_2, QUOTE_3}
    panel.tag_filter.setCurrentIndex(0)
    panel.colour_filter.setCurrentIndex(0)
    panel.filter.setFocus()
    type_text(panel.filter, "#kur")
    assert panel_quotes(window) == [QUOTE]
    panel.filter.clear()
    type_text(panel.filter, "30日間")
    assert panel_quotes(window) == [QUOTE_2]
    assert "1 of 4" in panel.count_label.text()
    panel.filter.clear()
    # Clicking a card opens its document at the quote and flashes it.
    row = panel_quotes(window).index(QUOTE_2)
    index = panel.proxy.index(row, 0)
    panel.view.scrollTo(index)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=panel.view.visualRect(index).center())
    assert window.current.summary.id != other and window.current.summary.file_name == DOC
    assert window.pane.flashing and notes.active == made[QUOTE_2]
    assert notes.editor.annotation.uuid == made[QUOTE_2]
    # Zooming while it flashes re-renders the text: highlights stay, the flash goes on (no crash).
    from reader.ui.palette import fill_colour
    window.act_zoom_in.trigger()
    qtbot.wait(100)
    assert window.pane.flashing
    start = window.current.text.index(QUOTE_2)
    assert fill_colour("green", window.pane.dark).name() in painted_backgrounds(window.pane, start, start + len(QUOTE_2))
    qtbot.waitUntil(lambda: not window.pane.flashing, timeout=3000)


def test_click_hover_and_context_menu_on_a_highlight(qtbot, warm_window):
    window = warm_window
    notes = window.notes
    pane = window.pane
    open_doc(qtbot, window)
    start, end = select(qtbot, window, QUOTE_2)
    uuid = notes.highlight("pink")
    notes.set_note(uuid, "See the *Jeddah* readout")
    notes.set_active(None)
    window.side_tabs.setCurrentWidget(window.xref)
    pane.scroll_to_offset(start)
    qtbot.wait(20)
    middle = start + (end - start) // 2 + 2          # past the entity (米国) at the start of the quote
    point = pane.viewport_point_of_offset(middle)
    assert pane.offset_at(point) is not None and start <= pane.offset_at(point) < end
    # Hover: the rendered note.
    QApplication.sendEvent(pane.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, pane.viewport().mapToGlobal(point)))
    tip = QToolTip.text()
    assert "<em>Jeddah</em>" in tip and "Pink highlight" in tip
    QToolTip.hideText()
    # Click: selected in the panel (its tab comes forward), outlined, the toolbar offers its colours.
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: notes.active == uuid, timeout=2000)
    assert notes.panel.current_uuid() == uuid and window.side_tabs.currentWidget() is notes.panel
    assert notes.toolbar.isVisible() and notes.toolbar.editing == uuid
    notes.overlay.grab()                              # paints: a ✎ badge in the margin for the note
    assert [u for _rect, u in notes.overlay.badges] == [uuid]
    badge = notes.overlay.badges[0][0]
    assert badge.right() < pane.viewport().geometry().left()
    qtbot.mouseClick(notes.toolbar.colour_buttons["purple"], Qt.MouseButton.LeftButton)
    assert stored(window)[0].colour == "purple"
    # The context menu over it offers its actions.
    menu = QMenu()
    menu.addAction("Copy")
    pane.contextMenuAboutToShow.emit(menu, point)
    texts = [a.text() for a in menu.actions()]
    assert "Edit Note…" in texts and "Delete Highlight" in texts
    assert texts[-2:] == ["Copy", "Copy with &Citation"]
    delete = next(a for a in menu.actions() if a.text() == "Delete Highlight")
    delete.trigger()
    assert stored(window) == []
    menu.deleteLater()
    # …and over a selection, the highlight actions.
    select(qtbot, window, QUOTE)
    menu = QMenu()
    pane.contextMenuAboutToShow.emit(menu, point)
    assert notes.act_highlight in menu.actions() and notes.act_note in menu.actions()
    menu.deleteLater()


def test_a_hostile_note_renders_without_scripts_or_remote_loads(qtbot, warm_window):
    window = warm_window
    notes = window.notes
    open_doc(qtbot, window)
    select(qtbot, window, QUOTE)
    uuid = notes.highlight()
    hostile = ("<script>alert('x')</script>\n\nHello <img src=\"https://evil.example/pixel.png\" onerror=\"x()\">"
               " ![tracker](https://evil.example/t.gif) [click](javascript:alert(1)) [ok](https://example.org/)"
               "\n\n<iframe src=\"https://evil.example/\"></iframe><style>body{display:none}</style>")
    notes.set_note(uuid, hostile)
    notes.set_active(uuid)
    preview = notes.editor.preview
    assert preview.objectName() == "notePreview"
    markup = preview.toHtml()
    for bad in ("script", "alert", "evil.example", "<img", "iframe", "javascript", "display:none", "onerror"):
        assert bad not in markup, bad
    assert "Hello" in preview.toPlainText() and "tracker" in preview.toPlainText()
    assert "https://example.org/" in markup
    assert preview.blocked == []                    # nothing even asked for
    assert not preview.openExternalLinks() and not preview.openLinks()
    # Nothing remote is ever loaded, even if asked.
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument
    assert preview.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                QUrl("https://evil.example/x.png")) is None
    # Links: only http(s) go to the system browser.
    opened = []
    import PySide6.QtGui as gui
    original = gui.QDesktopServices.openUrl
    gui.QDesktopServices.openUrl = staticmethod(lambda url: opened.append(url.toString()) or True)
    try:
        preview.anchorClicked.emit(QUrl("https://example.org/"))
        preview.anchorClicked.emit(QUrl("javascript:alert(1)"))
        preview.anchorClicked.emit(QUrl("file:///etc/passwd"))
    finally:
        gui.QDesktopServices.openUrl = original
    assert opened == ["https://example.org/"]
    card = notes.panel.model.card_html(notes.by_uuid[uuid])
    for bad in ("script", "evil.example", "<img", "javascript"):
        assert bad not in card, bad


# -- export and import -----------------------------------------------------------------------------------


def answer_export_dialog(qtbot, setup) -> None:
    """When the Export Notes dialog shows, let `setup(dialog)` choose options, then press Export."""

    def answer():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "exportNotesDialog":
            QTimer.singleShot(20, answer)
            return
        setup(dialog)
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def make_notes(qtbot, window) -> str:
    notes = window.notes
    open_doc(qtbot, window)
    select(qtbot, window, QUOTE)
    uuid = notes.highlight("blue")
    notes.set_note(uuid, "Timing of the **Kursk** visit.")
    notes.set_tags(uuid, ["kursk", "timeline"])
    return uuid


def test_export_markdown_through_the_dialog(qtbot, warm_window, tmp_path, monkeypatch):
    window = warm_window
    uuid = make_notes(qtbot, window)
    target = tmp_path / "vault" / "Reader notes.md"
    target.parent.mkdir()
    asked = {}

    def save_name(parent, caption, directory, filters):
        asked.update(caption=caption, directory=directory, filters=filters)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    answer_export_dialog(qtbot, lambda dialog: dialog.sentence.setChecked(True))
    assert window.notes.act_export.isEnabled()
    window.notes.act_export.trigger()
    assert asked["directory"].endswith("Reader notes.md") and "Markdown" in asked["filters"]
    text = target.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: \"Reader notes\"\n")
    assert "annotations: 1" in text and 'tags: ["kursk", "timeline"]' in text
    assert "# 停戦交渉の核心" in text
    assert f"=={QUOTE}==" in text                     # the surrounding sentence, the quote marked
    assert f"^{uuid[:8]}" in text and "Timing of the **Kursk** visit." in text and "#kursk #timeline" in text
    assert "[[" in text                               # entity links by default
    assert str(target.parent) in window.statusBar().currentMessage()
    # Per document, without links: a folder.
    folder = tmp_path / "per-doc"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    answer_export_dialog(qtbot, lambda dialog: (dialog.per_document.setChecked(True), dialog.links.setChecked(False),
                                                dialog.sentence.setChecked(False)))
    window.notes.act_export.trigger()
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["停戦交渉の核心.md"]
    body = (folder / files[0]).read_text(encoding="utf-8")
    assert f"> {QUOTE}" in body and "[[" not in body


def test_an_unwritable_export_target_says_so_and_writes_nothing(qtbot, warm_window, tmp_path, monkeypatch):
    window = warm_window
    make_notes(qtbot, window)
    out = tmp_path / "out"
    out.mkdir()
    blocker = out / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    target = blocker / "notes" / "Reader notes.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    answer_export_dialog(qtbot, lambda dialog: None)
    window.notes.act_export.trigger()
    assert shown and shown[0][0] == "Could not export notes" and str(target) in shown[0][1]
    assert sorted(p.name for p in out.iterdir()) == ["not-a-folder"]
    assert blocker.read_text() == "a file where the folder should be"


def test_w3c_json_export_and_import_with_a_report(qtbot, make_window, seeds_index, tmp_path, monkeypatch):
    copy_index(seeds_index, data_dir())
    window = make_window()
    uuid = make_notes(qtbot, window)
    out = tmp_path / "backup.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(out), ""))
    window.notes.act_export_json.trigger()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 1
    assert data["first"]["items"][0]["id"] == f"urn:uuid:{uuid}"
    window.close()

    # Into a fresh data folder: the import report says what happened to each note.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    copy_index(seeds_index, fresh)
    other = make_window(fresh)
    assert other.notes.annotations == []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(out), ""))
    other.notes.act_import_json.trigger()
    box = other.notes.import_box
    assert box.objectName() == "notesImportReport" and box.isVisible()
    assert "1 added" in box.text() and "1 anchored" in box.text()
    assert "added" in box.detailedText() and uuid in box.detailedText()
    box.close()
    assert [a.uuid for a in other.notes.annotations] == [uuid]
    assert panel_quotes(other) == [QUOTE] or other.current.summary.file_name != DOC
    # A broken file: nothing imported, and the report says why.
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(bad), ""))
    other.notes.act_import_json.trigger()
    assert "could not be imported" in other.notes.import_box.text()
    assert "not JSON" in other.notes.import_box.detailedText()
    other.notes.import_box.close()
    assert [a.uuid for a in other.notes.annotations] == [uuid]


# -- other Readers, index runs ---------------------------------------------------------------------------


def test_notes_made_in_another_reader_appear_when_the_window_is_activated(qtbot, warm_window):
    from reader import paths
    from reader.annotations.service import Annotations
    from reader.store.userdata import UserData

    window = warm_window
    doc_id = open_doc(qtbot, window)
    start = window.current.text.index(QUOTE)
    user = UserData(paths.user_data_path(window.context.data_dir))   # the other Reader
    try:
        made = Annotations(db=window.db, user=user).create(doc_id, start, start + len(QUOTE), note="from elsewhere",
                                                           colour="purple")
    finally:
        user.close()
    assert window.notes.annotations == []
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert [a.uuid for a in window.notes.annotations] == [made.uuid]
    assert notes_count_in_list(window, doc_id) == 1
    from reader.ui.palette import fill_colour
    assert fill_colour("purple", window.pane.dark).name() in painted_backgrounds(window.pane, start, start + len(QUOTE))


def test_an_index_run_moves_highlights_with_edited_text(qtbot, make_window, seeds_copy):
    window = make_window(sources=[seeds_copy])
    notes = window.notes
    doc_id = open_doc(qtbot, window)
    start, end = select(qtbot, window, QUOTE)
    uuid = notes.highlight("yellow")
    select(qtbot, window, QUOTE_3)
    lost = notes.highlight("blue")
    notes.set_note(lost, "kept even when its text goes")
    path = seeds_copy / DOC
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("【概要】", "【概要】\n追記：ここに一文を加えた。\n", 1).replace(QUOTE_3, "（削除）"),
                    encoding="utf-8")
    window.act_update_index.trigger()
    wait_idle(qtbot, window)
    moved = notes.by_uuid[uuid]
    assert moved.status == "moved" and moved.cur_start > start
    new_id = open_doc(qtbot, window)               # the edited file is a new version of the document
    assert window.current.summary.key == moved.doc_key
    assert window.current.text[moved.cur_start:moved.cur_end] == QUOTE
    from reader.ui.palette import fill_colour
    assert fill_colour("yellow", window.pane.dark).name() in painted_backgrounds(window.pane, moved.cur_start,
                                                                                 moved.cur_end)
    assert "moved" in notes.panel.model.card_html(moved)
    assert notes_count_in_list(window, new_id) == 1             # the orphan is not counted
    assert new_id == doc_id or doc_id not in {d.id for d in window.doc_model.documents}
    # The orphan is listed (last) with its quote and note, and says where it was.
    orphan = notes.by_uuid[lost]
    assert orphan.status == "orphaned" and orphan.note == "kept even when its text goes"
    notes.show_panel()
    assert panel_quotes(window) == [QUOTE, QUOTE_3]
    card = notes.panel.model.card_html(orphan)
    assert QUOTE_3 in card and "orphaned" in card and DOC in card and "kept even when its text goes" in card
    notes.jump_to(lost)
    assert "no longer in" in window.statusBar().currentMessage()
    assert window.current.summary.file_name == DOC


def test_h_and_n_only_act_in_the_reading_pane(qtbot, warm_window):
    window = warm_window
    open_doc(qtbot, window)
    select(qtbot, window, QUOTE)
    window.doc_list.setFocus()
    qtbot.waitUntil(window.doc_list.hasFocus, timeout=2000)
    qtbot.keyClick(window.doc_list, Qt.Key.Key_H)
    qtbot.keyClick(window.doc_list, Qt.Key.Key_N)
    assert window.notes.annotations == [] and stored(window) == []
    window.search_box.setFocus()
    type_text(window.search_box, "hn")
    assert window.search_box.text() == "hn" and window.notes.annotations == []


def test_the_menus_hold_the_annotation_commands(warm_window):
    window = warm_window
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert list(menus) == ["File", "Edit", "View", "Go", "Help"]
    texts = lambda menu: [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]  # noqa: E731
    file_items = texts(menus["File"])
    assert {"Export Notes…", "Export Notes as W3C JSON…", "Import Notes (W3C JSON)…"} <= set(file_items)
    assert file_items[-1] == "Quit"
    edit_items = texts(menus["Edit"])
    assert edit_items[:2] == ["Undo", "Redo"] and "Highlight Selection" in edit_items
    assert "Notes" in texts(menus["View"])
    notes = window.notes
    notes.act_show_notes.setChecked(False)
    assert not window.side_tabs.isTabVisible(window.side_tabs.indexOf(notes.panel))
    for panel in window.side_tabs.panels.values():   # the cross-references and any other panel (outline)
        panel.toggle.setChecked(False)
    assert not window.side_tabs.isVisible()
    notes.act_show_notes.setChecked(True)
    assert window.side_tabs.isVisible() and window.side_tabs.currentWidget() is notes.panel
    window.act_show_xref.setChecked(True)
    assert window.side_tabs.currentWidget() is window.xref
    # Clicking an entity brings the cross-references forward.
    notes.show_panel()
    if window.pane.mentions:
        window.pane.entityActivated.emit(window.pane.mentions[0].entity_id)
        assert window.side_tabs.currentWidget() is window.xref


def test_a_notes_file_from_a_newer_reader_is_left_alone(qtbot, make_window, seeds_index):
    import sqlite3

    from reader import paths

    copy_index(seeds_index, data_dir())
    user_file = paths.user_data_path(data_dir())
    conn = sqlite3.connect(user_file)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    window = make_window()
    assert window.notes.annotations == [] and window.notes.error and "newer version" in window.notes.error
    assert not window.notes.act_highlight.isEnabled()
    assert "newer version" in window.notes.panel.empty.text() and window.notes.panel.list_stack.currentWidget() is \
        window.notes.panel.empty
    assert sqlite3.connect(user_file).execute("PRAGMA user_version").fetchone()[0] == 99


def test_a_note_written_while_another_program_holds_the_notes_file_is_refused_not_waited_for(qtbot, warm_window):
    import sqlite3

    from reader import paths

    window = warm_window
    open_doc(qtbot, window)
    select(qtbot, window, QUOTE)
    first = window.notes.highlight("green")
    assert first is not None
    other = sqlite3.connect(str(paths.user_data_path(window.context.data_dir)), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")            # another Reader in the middle of a long write
        select(qtbot, window, QUOTE_2)
        assert window.notes.highlight("blue") is None
        assert "busy" in window.statusBar().currentMessage()
        assert window.notes.undo_stack.count() == 1    # the refused change left nothing to undo
    finally:
        other.execute("ROLLBACK")
        other.close()
    select(qtbot, window, QUOTE_2)
    assert window.notes.highlight("blue") is not None   # free again: it works
    assert {a.exact for a in stored(window)} == {QUOTE, QUOTE_2}


def test_a_tag_typed_with_a_space_is_shown_as_it_is_kept(qtbot, warm_window):
    window = warm_window
    uuid = make_notes(qtbot, window)
    notes = window.notes
    notes.set_active(uuid)
    notes.show_panel()
    editor = notes.editor
    editor.tags.setFocus()
    editor.tags.selectAll()
    type_text(editor.tags, "russia economy, #Kursk  visit")
    qtbot.keyClick(editor.tags, Qt.Key.Key_Return)
    assert editor.tags.text() == "russia-economy, Kursk-visit"
    assert next(a for a in stored(window) if a.uuid == uuid).tags == ("russia-economy", "Kursk-visit")
    card = notes.panel.model.card_html(next(a for a in notes.annotations if a.uuid == uuid))
    assert "#russia-economy" in card and "#russia economy" not in card
