"""Following the story in the window: the Timeline tab, the Statements section of an entity's
card with its highlight in the text, and "Search all mentions" (the real window on the seeds)."""
from __future__ import annotations

from test_ui_support import (click_document, copy_index, data_dir, doc_id_by_file, make_window,  # noqa: F401
                             mention_point, pane_slice, warm_window)

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

PUTIN_DOC = "002_6c9cfde7eb9d63d6.txt"


def _click_row(qtbot, view, index) -> None:
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def _show_timeline(qtbot, window):
    window.side_tabs.show_panel("timeline")
    panel = window.story.timeline
    qtbot.waitUntil(lambda: not panel.stale and not window.story.reads.busy("timeline"))
    return panel


def _events(panel) -> list:
    model = panel.model
    return [model.item(index) for index in model.event_rows()]


def _open_putin_card(qtbot, window) -> None:
    click_document(qtbot, window, doc_id_by_file(window, PUTIN_DOC))
    mention = next(m for m in window.pane.mentions if m.text == "プーチン" and m.counted)
    qtbot.mouseClick(window.pane.viewport(), Qt.MouseButton.LeftButton, pos=mention_point(qtbot, window, mention))
    assert window.xref.page == "entity" and "プーチン" in window.xref.entity.name


def _shown_in_pane(window, start: int, end: int) -> str:
    ranges = window.pane.plan.pane_ranges(start, end)
    assert ranges, "the passage is in the pane"
    return "".join(pane_slice(window.pane, s, e) for _i, s, e in ranges)


def test_timeline_lists_the_seeds_events_in_date_order_grouped_by_zoom(qtbot, warm_window):
    window = warm_window
    panel = _show_timeline(qtbot, window)
    assert window.side_tabs.current_key() == "timeline" and panel.view.isVisible()
    events = _events(panel)
    assert len(events) > 20, "the seeds have dozens of dated sentences"
    # Periods earliest first (a year before its months), events earliest first within each.
    keys = [p.key.split("/")[0] for p in panel.model.periods]
    assert keys == sorted(keys)
    for period in panel.model.periods:
        starts = [e.date_from for e in period.events]
        assert starts == sorted(starts) and all(s.startswith(period.key.split("/")[0]) for s in starts)
    assert f"{len(events)} dated events" in panel.summary.text()
    months = [p.label for p in panel.model.periods]
    assert any(label.startswith("March 2025") for label in months), months
    # Zoomed out to years, March 2025 folds into 2025; zoomed in, its days appear.
    panel.zoom_box.setCurrentIndex(panel.zoom_box.findData("year"))
    years = [p.key for p in panel.model.periods]
    assert "2025" in years and not any(k.startswith("2025-") for k in years)
    assert len(_events(panel)) == len(events), "zoom regroups, it drops nothing"
    panel.zoom_box.setCurrentIndex(panel.zoom_box.findData("day"))
    assert "2025-03-13" in [p.key for p in panel.model.periods]
    # A period header is visible text with its count; an event row shows its date and sentence.
    header = panel.model.index(0, 0)
    assert "event" in header.data(Qt.ItemDataRole.DisplayRole)


def test_clicking_an_event_opens_its_sentence_in_the_reading_pane(qtbot, warm_window):
    window = warm_window
    panel = _show_timeline(qtbot, window)
    model = panel.model
    index = next(i for i in model.event_rows() if model.item(i).doc_id != (window.current.summary.id
                                                                            if window.current else -1))
    event = model.item(index)
    _click_row(qtbot, panel.view, index)
    assert window.current.summary.id == event.doc_id
    assert window.pane.flashing
    assert _shown_in_pane(window, event.start, event.end) == event.text
    point = window.pane.viewport_point_of_offset(event.start)
    assert point is not None and window.pane.viewport().rect().contains(point), "scrolled to the sentence"


def test_entity_card_timeline_shows_its_dated_events_and_the_document_filter_narrows(qtbot, warm_window):
    window = warm_window
    _open_putin_card(qtbot, window)
    putin = window.xref.entity
    button = window.xref.card_actions.findChild(QToolButton, "entityTimeline")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = window.story.timeline
    assert window.side_tabs.current_key() == "timeline"
    qtbot.waitUntil(lambda: not window.story.reads.busy("timeline") and not panel.stale)
    events = _events(panel)
    assert events, "Putin is named in dated sentences of the seeds"
    assert all(putin.id in {e.id for e in event.entities} for event in events)
    assert panel.entity_chip.isVisible() and putin.name in panel.entity_chip.text()
    assert putin.name in panel.summary.text()
    # Clearing the entity brings every event back; a document narrows them to that document.
    qtbot.mouseClick(panel.entity_chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.story.reads.busy("timeline") and len(_events(panel)) > len(events))
    doc_id = doc_id_by_file(window, PUTIN_DOC)
    panel.document_box.setCurrentIndex(panel.document_box.findData(doc_id))
    qtbot.waitUntil(lambda: not window.story.reads.busy("timeline") and not panel.stale)
    narrowed = _events(panel)
    assert narrowed and {e.doc_id for e in narrowed} == {doc_id}


def test_a_relative_date_in_an_undated_document_is_marked_uncertain(qtbot, make_window, tmp_path):
    folder = tmp_path / "undated"
    folder.mkdir()
    (folder / "undated.txt").write_text("モスクワでの協議\n\n昨日、プーチン大統領はモスクワで米国の特使と会談した。\n", "utf-8")
    window = make_window(sources=[folder])
    panel = _show_timeline(qtbot, window)
    events = _events(panel)
    assert [e.date_text for e in events] == ["昨日"]
    row = panel.model.event_rows()[0]
    shown = row.data(Qt.ItemDataRole.DisplayRole)
    assert "uncertain" in shown and "imported" in shown
    assert "may be off" in row.data(Qt.ItemDataRole.ToolTipRole)


def test_statements_section_lists_what_putin_said_and_opens_the_passage(qtbot, warm_window):
    window = warm_window
    _open_putin_card(qtbot, window)
    section = window.story.statements
    qtbot.waitUntil(lambda: not window.story.reads.busy("statements"))
    assert section.isVisible()
    rows = section.model.rows
    assert len(rows) >= 2, "Putin is quoted in the seeds"
    assert all(s.speaker is not None and s.speaker.id == window.xref.entity.id for s in rows)
    dates = [s.date or "9999" for s in rows]
    assert dates == sorted(dates), "in date order"
    assert section.label.text().startswith(f"Statements ({len(rows)}")
    first = section.model.index(0)
    assert rows[0].file_name in first.data(Qt.ItemDataRole.DisplayRole) or \
        (rows[0].title or "") in first.data(Qt.ItemDataRole.DisplayRole), "each statement names its source"
    _click_row(qtbot, section.view, first)
    statement = rows[0]
    assert window.current.summary.id == statement.doc_id
    assert _shown_in_pane(window, statement.start, statement.end) == statement.text


def test_highlighting_the_documents_statements_is_a_toggle(qtbot, warm_window):
    window = warm_window
    click_document(qtbot, window, doc_id_by_file(window, PUTIN_DOC))
    before = window.pane.highlighted_count()
    action = window.story.act_highlight
    assert action in window.menus["view"].actions(), "View ▸ Statements in the Text"
    action.setChecked(True)
    qtbot.waitUntil(lambda: not window.story.reads.busy("highlights") and window.pane.highlighted_count() > before)
    spans = window.story.highlights.spans
    assert len(spans) >= 5, "the Putin article quotes many people"
    assert "statement" in window.statusBar().currentMessage()
    action.setChecked(False)
    assert window.pane.highlighted_count() == before
    # Another document gets its own statements, never the previous one's.
    action.setChecked(True)
    other = doc_id_by_file(window, "000_60ad3fcb420e1d94.txt")
    click_document(qtbot, window, other)
    qtbot.waitUntil(lambda: window.story.highlights.doc_id == other)
    text = window.current.text
    assert all(0 <= s < e <= len(text) for s, e in window.story.highlights.spans)


def test_search_all_mentions_finds_every_spelling_and_says_so(qtbot, warm_window):
    window = warm_window
    _open_putin_card(qtbot, window)
    putin = window.xref.entity
    button = window.xref.card_actions.findChild(QToolButton, "entitySearchAll")
    assert button is not None and button.isVisible() and button.text() == "Search all mentions"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = window.story.mentions
    assert window.side_tabs.current_key() == "mentions" and panel.isVisible()
    qtbot.waitUntil(lambda: not window.story.reads.busy("mentions"))
    summary = panel.summary.text()
    assert f"that name {putin.name} as" in summary and "also" in summary
    hits = [row for row, kind in zip(panel.model.rows, panel.model.kinds) if kind == "hit"]
    spelled = {window.current.text[a:b] for h in hits if h.doc_id == window.current.summary.id for a, b in h.matches}
    assert spelled, "the open document's passages are among them"
    english = [h for h in hits if "Putin" in h.snippet]
    assert english, "the English spelling is found from the Japanese card"
    index = panel.model.index(panel.model.rows.index(english[0]))
    _click_row(qtbot, panel.view, index)
    assert window.current.summary.id == english[0].doc_id
    start, end = english[0].matches[0]
    assert _shown_in_pane(window, start, end) == "Putin"


def test_the_timeline_follows_the_library_when_a_document_is_added(qtbot, make_window, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    # A dateline, then prose: a document's own date stamp is not an event.
    (folder / "a.txt").write_text("停戦協議\n\n2025年3月14日\n\nロシア軍はクルスク地方で攻勢を続けている。\n\n"
                                  "2025年3月13日、プーチン大統領はクルスクを訪問した。\n", "utf-8")
    window = make_window(sources=[folder])
    panel = _show_timeline(qtbot, window)
    assert [e.date_from for e in _events(panel)] == ["2025-03-13"]
    assert panel.document_box.count() == 2, "All documents, and the one document"
    (folder / "b.txt").write_text("米露会談\n\n2025年5月2日\n\n中露関係は深まっている。\n\n"
                                  "2025年4月末、プーチン氏と習近平氏がモスクワで会談した。\n", "utf-8")
    window.act_update_index.trigger()
    qtbot.waitUntil(lambda: not window.indexing and len(_events(panel)) == 2)
    assert [e.date_text for e in _events(panel)] == ["2025年3月13日", "2025年4月末"]
    assert panel.document_box.count() == 3
    assert "2 dated events" in panel.summary.text()


def test_an_event_reported_by_two_documents_names_the_other_source(qtbot, make_window, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, title, opening in (("a.txt", "クルスク訪問", "ロシア軍は攻勢を続けている。"),
                                 ("b.txt", "大統領の前線視察", "前線では激しい戦闘が続く。")):
        (folder / name).write_text(f"{title}\n\n2025年3月14日\n\n{opening}\n\n"
                                   "2025年3月13日、プーチン大統領はクルスクを訪問した。\n", "utf-8")
    window = make_window(sources=[folder])
    panel = _show_timeline(qtbot, window)
    rows = panel.model.event_rows()
    assert len(rows) == 2
    shown = {panel.model.item(i).title: i.data(Qt.ItemDataRole.DisplayRole) for i in rows}
    assert "Also reported in 1 other document: 大統領の前線視察" in shown["クルスク訪問"]
    assert "Also reported in 1 other document: クルスク訪問" in shown["大統領の前線視察"]


def test_the_timeline_keeps_its_zoom_across_sessions(qtbot, make_window, seeds_index):
    copy_index(seeds_index, data_dir())
    window = make_window()
    panel = _show_timeline(qtbot, window)
    panel.zoom_box.setCurrentIndex(panel.zoom_box.findData("year"))
    window.close()
    again = make_window()
    assert again.story.timeline.zoom_box.currentData() == "year"
    assert _show_timeline(qtbot, again).model.zoom == "year"


def test_a_timeline_entity_that_is_gone_falls_back_to_every_event(qtbot, warm_window):
    window = warm_window
    panel = _show_timeline(qtbot, window)
    everything = len(_events(panel))
    panel.set_entity("PERSON:No Such Person", "No Such Person")   # e.g. merged away by a relink
    qtbot.waitUntil(lambda: not window.story.reads.busy("timeline") and not panel.entity_chip.isVisible())
    qtbot.waitUntil(lambda: not window.story.reads.busy("timeline") and not panel.stale)
    assert len(_events(panel)) == everything
    assert "no longer an entity" in window.statusBar().currentMessage()


def test_the_timeline_tab_opens_from_the_view_menu_and_stays_open(qtbot, make_window, seeds_index):
    copy_index(seeds_index, data_dir())
    window = make_window()
    tabs = window.side_tabs
    toggle = tabs.panels["timeline"].toggle
    assert toggle in window.menus["view"].actions() and toggle.shortcut().toString() == "Ctrl+Shift+T"
    assert not tabs.isTabVisible(tabs.indexOf(window.story.timeline)), "off until asked for"
    toggle.trigger()
    assert tabs.current_key() == "timeline" and window.story.timeline.isVisible()
    window.close()
    again = make_window()
    assert again.side_tabs.isTabVisible(again.side_tabs.indexOf(again.story.timeline))
