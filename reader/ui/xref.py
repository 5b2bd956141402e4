"""The cross-reference panel: an entity across the corpus, or where a passage recurs."""
from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QStackedWidget, QToolButton, QVBoxLayout, QWidget

from reader.ui import palette
from reader.ui.entities import EntityData
from reader.ui.models import (PayloadRole, KindRole, RowsModel, cooccurrence_html, esc, kwic_html,
                              related_document_html, similar_passage_html)
from reader.ui.views import ResultList, plain_label, section_label

MAX_MENTION_DOCUMENTS = 100  # documents listed under an entity's card at first
EMPTY, ENTITY, PASSAGE = 0, 1, 2


class XrefPanel(QWidget):
    openRequested = Signal(int, int, int)   # doc id, start, end (start -1: the document's top)
    entityRequested = Signal(str)
    documentRequested = Signal(int)
    entityShown = Signal(object)            # the EntitySummary now on the card (features fill their sections)

    def __init__(self, entities: EntityData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("xrefPanel")
        self.setAccessibleName("Cross-references")
        self.entities = entities
        self.entity = None
        self.passage: tuple[int, int] | None = None
        self.doc_id: int | None = None
        self.dark = False

        self.stack = QStackedWidget()
        # Empty state
        self.hint = QLabel()
        self.hint.setObjectName("xrefHint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hint.setContentsMargins(14, 14, 14, 14)
        self.stack.addWidget(self.hint)

        # Entity page
        entity_page = QWidget()
        entity_layout = QVBoxLayout(entity_page)
        entity_layout.setContentsMargins(0, 0, 0, 0)
        entity_layout.setSpacing(0)
        self.card = QLabel()
        self.card.setObjectName("entityCard")
        self.card.setAccessibleName("Entity card")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.card.setContentsMargins(14, 12, 14, 6)
        # Features add commands under the card (`add_card_action`) and sections under the
        # mentions (`add_entity_section`); the bar takes no room until one is added.
        self.card_actions = QWidget()
        self.card_actions.setObjectName("entityCardActions")
        self.card_actions_layout = QHBoxLayout(self.card_actions)
        self.card_actions_layout.setContentsMargins(12, 0, 12, 4)
        self.card_actions_layout.addStretch(1)
        self.card_actions.hide()
        self.mentions_label = section_label("Mentions")
        self.mentions_model = RowsModel(kwic_html, parent=self)
        self.mentions_view = ResultList("xrefMentions", "Mentions by document")
        self.mentions_view.setModel(self.mentions_model)
        self.cooc_label = section_label("Appears with")
        self.cooc_model = RowsModel(cooccurrence_html, parent=self)
        self.cooc_view = ResultList("xrefCooccurring", "Entities that appear with it")
        self.cooc_view.setModel(self.cooc_model)
        entity_split = self.entity_split = QSplitter(Qt.Orientation.Vertical)
        entity_split.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(0)
        top_layout.addWidget(self.card)
        top_layout.addWidget(self.card_actions)
        top_layout.addWidget(self.mentions_label)
        top_layout.addWidget(self.mentions_view, 1)
        bottom = self.cooc_section = QWidget()   # hidden when there is nothing to list: no empty space
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(0)
        bottom_layout.addWidget(self.cooc_label)
        bottom_layout.addWidget(self.cooc_view, 1)
        entity_split.addWidget(top)
        entity_split.addWidget(bottom)
        entity_split.setStretchFactor(0, 3)
        entity_split.setStretchFactor(1, 1)
        entity_layout.addWidget(entity_split)
        self.stack.addWidget(entity_page)

        # Passage page
        passage_page = QWidget()
        passage_layout = QVBoxLayout(passage_page)
        passage_layout.setContentsMargins(0, 0, 0, 0)
        passage_layout.setSpacing(0)
        self.passage_card = QLabel()
        self.passage_card.setObjectName("passageCard")
        self.passage_card.setWordWrap(True)
        self.passage_card.setContentsMargins(14, 12, 14, 6)
        self.similar_label = section_label("Repeated or paraphrased elsewhere")
        self.similar_model = RowsModel(similar_passage_html, parent=self)
        self.similar_view = ResultList("xrefSimilar", "Similar passages")
        self.similar_view.setModel(self.similar_model)
        passage_layout.addWidget(self.passage_card)
        passage_layout.addWidget(self.similar_label)
        passage_layout.addWidget(self.similar_view, 1)
        self.stack.addWidget(passage_page)

        # Related documents (for the open document), always at the bottom.
        related = QWidget()
        related_layout = QVBoxLayout(related)
        related_layout.setContentsMargins(0, 0, 0, 0)
        related_layout.setSpacing(0)
        self.related_label = section_label("Related to this document")
        self.related_model = RowsModel(related_document_html, parent=self)
        self.related_view = ResultList("xrefRelated", "Related documents")
        self.related_view.setModel(self.related_model)
        self.related_empty = plain_label()
        self.related_empty.setContentsMargins(14, 0, 14, 8)
        self.related_empty.setWordWrap(True)
        related_layout.addWidget(self.related_label)
        related_layout.addWidget(self.related_empty)
        related_layout.addWidget(self.related_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("xrefSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(related)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.set_document(None)
        self.mentions_view.chosen.connect(self._mention_chosen)
        self.cooc_view.chosen.connect(self._cooc_chosen)
        self.related_view.chosen.connect(self._related_chosen)
        self.similar_view.chosen.connect(self._similar_chosen)
        self.show_empty()

    # -- extension points ----------------------------------------------------------------------
    def add_card_action(self, action: QAction, name: str = "") -> QToolButton:
        """A command on the entity card (a button under it); `action` gets the entity from `self.entity`."""
        button = QToolButton()
        button.setDefaultAction(action)
        if name:
            button.setObjectName(name)
        self.card_actions_layout.insertWidget(self.card_actions_layout.count() - 1, button)
        self.card_actions.show()
        return button

    def add_entity_section(self, widget: QWidget, stretch: int = 2) -> None:
        """A section of the entity page, below the others; it fills itself on `entityShown`."""
        self.entity_split.addWidget(widget)
        self.entity_split.setStretchFactor(self.entity_split.count() - 1, stretch)

    # -- states --------------------------------------------------------------------------------
    def show_empty(self) -> None:
        self.entity = None
        self.passage = None
        text = ("<p><b>Cross-references</b></p><p>Click a highlighted name, place or date in the text "
                "to see it across all documents: its mentions in context, who and what appears "
                "with it, and related documents.</p><p>Click elsewhere in a passage to find where "
                "it is repeated or paraphrased.</p>")
        self.hint.setText(text)
        self.stack.setCurrentIndex(EMPTY)

    @property
    def page(self) -> str:
        return {EMPTY: "empty", ENTITY: "entity", PASSAGE: "passage"}[self.stack.currentIndex()]

    def show_entity(self, entity_id: str) -> bool:
        summary = self.entities.entity(entity_id)
        if summary is None:
            return False
        self.entity = summary
        self.passage = None
        group = palette.group_for(summary.label)
        fill = palette.fill(group, self.dark).name()
        ink = palette.text_colour(self.dark).name()
        aliases = [a for a in summary.aliases if a != summary.name]
        alias_html = (f"<div style='margin-top:4px'>Also: {esc(', '.join(aliases[:12]))}"
                      f"{'…' if len(aliases) > 12 else ''}</div>") if aliases else ""
        self.card.setText(
            f"<div style='font-size:15pt; font-weight:600'>{esc(summary.name)}</div>"
            f"<div style='margin-top:4px'><span style='background:{fill}; color:{ink}'>&nbsp;{esc(palette.label_name(summary.label))}&nbsp;</span>"
            + (f"&nbsp;<span style='color:gray'>{esc(group.name)}</span>" if group.name != palette.label_name(summary.label) else "")
            + "</div>"
            f"{alias_html}"
            f"<div style='margin-top:6px'><b>{summary.mentions:,}</b> mention{'s' if summary.mentions != 1 else ''} in "
            f"<b>{summary.documents:,}</b> document{'s' if summary.documents != 1 else ''}</div>")
        rows, kinds = [], []
        # Laying out thousands of mention rows takes seconds; the first documents answer "where".
        for group_item in self.entities.entity_mentions(entity_id, max_documents=MAX_MENTION_DOCUMENTS):
            rows.append(group_item.document)
            kinds.append("header")
            for mention in group_item.mentions:
                rows.append(mention)
                kinds.append("mention")
        self.mentions_model.set_rows(rows, kinds)
        shown = sum(k == 'header' for k in kinds)
        self.mentions_label.setText(f"Mentions in {shown} documents" if shown >= summary.documents
                                    else f"Mentions in the first {shown} of {summary.documents:,} documents")
        cooc = self.entities.cooccurring(entity_id)
        self.cooc_model.set_rows(cooc)
        self.cooc_section.setVisible(bool(cooc))
        self.stack.setCurrentIndex(ENTITY)
        self.entityShown.emit(summary)
        return True

    def show_passage(self, doc_id: int, seq: int, text: str) -> None:
        self.passage = (doc_id, seq)
        self.entity = None
        excerpt = text if len(text) <= 160 else text[:160] + "…"
        self.passage_card.setText(f"<div style='font-weight:600'>Passage</div>"
                                  f"<div style='margin-top:4px'>{html.escape(excerpt)}</div>")
        similar = self.entities.similar_passages(doc_id, seq)
        self.similar_model.set_rows(similar)
        if similar:
            self.similar_label.setText(f"Repeated or paraphrased elsewhere ({len(similar)})")
        else:
            self.similar_label.setText("Not repeated or paraphrased elsewhere")
        self.stack.setCurrentIndex(PASSAGE)

    def set_document(self, doc_id: int | None) -> None:
        self.doc_id = doc_id
        related = self.entities.related_documents(doc_id) if doc_id is not None else []
        self.related_model.set_rows(related)
        if related:
            self.related_empty.hide()
        else:
            if doc_id is None:
                text = "Open a document to see the documents related to it."
            else:
                text = "No related documents found."
            self.related_empty.setText(text)
            self.related_empty.show()

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        if self.entity is not None:
            self.show_entity(self.entity.id)

    def refresh(self) -> None:
        """After the index changed."""
        self.entities.clear_cache()
        if self.entity is not None and not self.show_entity(self.entity.id):
            self.show_empty()
        self.set_document(self.doc_id)

    # -- clicks ------------------------------------------------------------------------------------
    def _mention_chosen(self, index: QModelIndex) -> None:
        item = index.data(PayloadRole)
        if index.data(KindRole) == "header":
            # The document: open it at its first mention.
            next_index = index.siblingAtRow(index.row() + 1)
            nxt = next_index.data(PayloadRole) if next_index.isValid() else None
            if nxt is not None and hasattr(nxt, "left"):
                self.openRequested.emit(nxt.doc_id, nxt.start, nxt.end)
            else:
                self.openRequested.emit(item.id, -1, -1)
            return
        self.openRequested.emit(item.doc_id, item.start, item.end)

    def _cooc_chosen(self, index: QModelIndex) -> None:
        self.entityRequested.emit(index.data(PayloadRole).entity.id)

    def _related_chosen(self, index: QModelIndex) -> None:
        self.documentRequested.emit(index.data(PayloadRole).document.id)

    def _similar_chosen(self, index: QModelIndex) -> None:
        item = index.data(PayloadRole)
        self.openRequested.emit(item.document.id, item.start, item.end)
