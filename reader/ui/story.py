"""Following the story in the window: the Timeline tab, the Statements section of an entity's
card with its highlight in the text, and "Search all mentions". Registered by the main window
once its features load (`MainWindow.build_features`), through its extension points: the side
tabs, the menus, the cross-reference panel's card actions and sections, and a format layer of
the reading pane. The queries run in the panels' read thread (`reader.ui.reads`); everything
shown is read again when the library changes (`JobRunner.changed`).
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from reader.queries import story as queries
from reader.ui.jobs import Changes
from reader.ui.mentions import MAX_PASSAGES, MentionsPanel
from reader.ui.reads import ReadQueries
from reader.ui.statements import MAX_STATEMENTS, SPEAKER_LABELS, StatementHighlights, StatementsSection
from reader.ui.timeline import MAX_EVENTS, TimelinePanel

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


class StoryFeatures:
    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self.reads = ReadQueries(window.context.index_path, parent=window)
        window.closing.connect(self.reads.shutdown)
        self._build_timeline()
        self._build_statements()
        self._build_mentions()
        window.jobs.changed.connect(self._library_changed)
        window.documentOpened.connect(lambda _doc_id: self._load_highlights())
        if window.xref.entity is not None:   # a card already open when the features loaded
            self._entity_shown(window.xref.entity)

    # -- timeline ---------------------------------------------------------------------------------
    def _build_timeline(self) -> None:
        window = self.window
        self.timeline = TimelinePanel()
        panel = window.side_tabs.add_panel("timeline", self.timeline, "Timeline", "Timeline", shortcut="Ctrl+Shift+T",
                                           tip="Dated events across the documents, in date order")
        window.menus.add("view", "panels", panel.toggle)
        # Off until asked for (View ▸ Timeline, an entity card's Timeline), then as the user left it.
        panel.toggle.setChecked(window.settings.value("timeline/shown", False) in (True, "true"))
        window.closing.connect(lambda: window.settings.setValue("timeline/shown", panel.toggle.isChecked()))
        self.timeline.set_documents(window.documents())
        self.timeline.set_zoom(str(window.settings.value("timeline/zoom", "month")))
        window.closing.connect(lambda: window.settings.setValue("timeline/zoom", self.timeline.model.zoom))
        self.timeline.reloadRequested.connect(self.load_timeline)
        self.timeline.openRequested.connect(self.open_passage)
        self.act_entity_timeline = self._card_action("Timeline", "The dated events that name this entity",
                                                     self.show_entity_timeline, "entityTimeline")

    def load_timeline(self) -> None:
        entity = self.timeline.entity[0] if self.timeline.entity else None
        self.reads.request("timeline", partial(queries.timeline, entity=entity, doc_id=self.timeline.doc_id,
                                               limit=MAX_EVENTS),
                           done=self.timeline.set_events, failed=self._timeline_failed)

    def _timeline_failed(self, message: str) -> None:
        entity = self.timeline.entity
        self.window.entities.clear_cache()
        if entity is not None and self.window.entities.entity(entity[0]) is None:
            # The entity is gone (merged or hidden by a relink): show everyone's events instead.
            self.window.statusBar().showMessage(f"{entity[1]} is no longer an entity: the timeline shows all.", 8000)
            self.timeline.clear_entity()
        else:
            self.timeline.show_error(message)

    def show_entity_timeline(self) -> None:
        entity = self.window.xref.entity
        if entity is not None:
            self.timeline.set_entity(entity.id, entity.name)
            self.window.side_tabs.show_panel("timeline")

    # -- statements -------------------------------------------------------------------------------
    def _build_statements(self) -> None:
        window = self.window
        self.highlights = StatementHighlights(
            lambda: window.current.summary.id if window.current is not None else None)
        self.act_highlight = QAction("Statements in the Text", window, checkable=True)
        self.act_highlight.setStatusTip("Underline the quotes and reported statements of the open document")
        self.act_highlight.setIconText("Highlight in text")
        self.act_highlight.toggled.connect(self._highlight_toggled)
        window.menus.add("view", "highlights", self.act_highlight)
        window.pane.add_format_layer(self.highlights)
        self.statements = StatementsSection(self.act_highlight)
        self.statements.openRequested.connect(self.open_passage)
        window.xref.add_entity_section(self.statements)
        window.xref.entityShown.connect(self._entity_shown)

    def _entity_shown(self, entity) -> None:
        if entity.label not in SPEAKER_LABELS:
            self.statements.hide()
            return
        self.statements.loading(entity.name)
        self.reads.request("statements", partial(queries.statements, speaker=entity.id, limit=MAX_STATEMENTS),
                           done=partial(self.statements.set_statements, entity.name),
                           failed=self.statements.show_error)

    def _highlight_toggled(self, on: bool) -> None:
        self.highlights.on = on
        if on:
            self._load_highlights()
        else:
            self.window.pane.refresh_highlights()

    def _load_highlights(self) -> None:
        current = self.window.current
        if not self.highlights.on or current is None:
            return
        doc_id = current.summary.id
        self.reads.request("highlights", partial(queries.statements, doc_id=doc_id, limit=100_000),
                           done=partial(self._show_highlights, doc_id),
                           failed=lambda message: self.window.statusBar().showMessage(
                               f"Statements could not be read: {message}", 8000))

    def _show_highlights(self, doc_id: int, statements: list) -> None:
        self.highlights.set_spans(doc_id, [(s.start, s.end) for s in statements])
        self.window.pane.refresh_highlights()
        count = len(statements)
        self.window.statusBar().showMessage(
            f"{count} statement{'s' if count != 1 else ''} underlined in this document." if count
            else "No statements found in this document.", 5000)

    # -- search all mentions ----------------------------------------------------------------------
    def _build_mentions(self) -> None:
        window = self.window
        self.mentions = MentionsPanel()
        panel = window.side_tabs.add_panel("mentions", self.mentions, "All mentions", "All Mentions",
                                           tip="Every passage that names an entity, in any spelling")
        panel.toggle.setChecked(False)    # shown by its first search
        window.menus.add("view", "panels", panel.toggle)
        self.mentions.openRequested.connect(self._open_hit)
        self.act_search_all = self._card_action(
            "Search all mentions", "Search every passage that names this entity, whichever way it is spelled",
            self.search_all_mentions, "entitySearchAll")

    def search_all_mentions(self) -> None:
        entity = self.window.xref.entity
        if entity is None:
            return
        query = entity.name
        self.mentions.searching(query)
        self.window.side_tabs.show_panel("mentions")
        self.reads.request("mentions", lambda db: queries.entity_search(db, query, limit=MAX_PASSAGES),
                           done=lambda result: self.mentions.set_results(query, *result),
                           failed=self.mentions.show_error)

    # -- shared ---------------------------------------------------------------------------------------
    def _card_action(self, text: str, tip: str, slot, name: str) -> QAction:
        """A command under an entity's card (it acts on the card's entity)."""
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.window.xref.add_card_action(action, name)
        return action

    def open_passage(self, doc_id: int, start: int, end: int) -> None:
        """A timeline event or a statement: its passage in the reading pane, scrolled to and flashed."""
        self.window.open_document(doc_id, offset=start, flash=(start, end))

    def _open_hit(self, doc_id: int, offset: int, matches: list) -> None:
        spans = [(int(a), int(b)) for a, b in matches]
        self.window.open_document(doc_id, offset=offset, highlight=spans, flash=spans[0])

    def _library_changed(self, changes: Changes) -> None:
        if not (changes.documents or changes.entities):
            return
        if changes.documents:
            self.timeline.set_documents(self.window.documents())
        self.timeline.stale = True
        if self.timeline.isVisible():
            self.load_timeline()
        self._load_highlights()
        # The cross-reference panel re-shows its entity (entityShown): the statements follow.
