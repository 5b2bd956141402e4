"""Who said what: the "Statements" section of a person's or organisation's card, and the
statements of the open document as a highlight layer of the reading pane.

The section is added to the cross-reference panel's entity page by `reader.ui.story`; it lists
`reader.queries.story.statements` for the entity (an organisation or country also gets its
unnamed officials': ロシアの高官), in date order, with the source. The highlight is a format layer
of the reading pane (`ReadingPane.add_format_layer`), switched by View ▸ Highlights ▸ Statements.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QAction, QColor, QTextCharFormat
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from reader.ui.models import PayloadRole, RowsModel, esc
from reader.ui.views import ResultList, column, plain_label, section_label

SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})   # who can be said to speak
MAX_STATEMENTS = 500
# Tol's colour-blind-safe teal: apart from the entity fills and the annotation colours.
UNDERLINE = {False: "#117733", True: "#44BB99"}
TINT = {False: "#E3F4EC", True: "#1E3B31"}


def statement_html(statement) -> str:
    meta = " · ".join(p for p in (statement.date, statement.title or statement.file_name) if p)
    speaker = statement.speaker.name if statement.speaker else statement.speaker_text
    written = (f" <span class='muted'>(as “{esc(statement.speaker_text)}”)</span>"
               if statement.speaker and statement.speaker_text and statement.speaker_text != speaker else "")
    return (f"<div class='title'>{esc(speaker)}{written} <span class='muted'>· {esc(statement.cue)}</span></div>"
            f"<div class='snippet'>“{esc(statement.text)}”</div>"
            f"<div class='muted'>{esc(meta)}</div>")


def statement_format(dark: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(TINT[dark]))
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
    fmt.setUnderlineColor(QColor(UNDERLINE[dark]))
    return fmt


class StatementsSection(QWidget):
    """The entity page's list of what the entity said, across documents."""

    openRequested = Signal(int, int, int)    # doc id, start, end of the statement

    def __init__(self, highlight: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("xrefStatements")
        self.label = section_label("Statements", "statementsLabel")
        self.highlight_button = QToolButton()
        self.highlight_button.setObjectName("statementsHighlight")
        self.highlight_button.setDefaultAction(highlight)
        self.highlight_button.setAutoRaise(True)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 10, 0)
        header.addWidget(self.label, 1)
        header.addWidget(self.highlight_button)
        self.empty = plain_label()
        self.empty.setObjectName("statementsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setContentsMargins(14, 0, 14, 8)
        self.model = RowsModel(statement_html, parent=self)
        self.view = ResultList("statementsList", "Statements")
        self.view.setModel(self.model)
        self.view.chosen.connect(self._chosen)
        column(self, header, self.empty, self.view)
        self.hide()

    def loading(self, name: str) -> None:
        self.model.set_rows([])
        self.label.setText("Statements")
        self.empty.setText(f"Reading what {name} said…")
        self.empty.show()
        self.show()

    def set_statements(self, name: str, statements: list) -> None:
        self.model.set_rows(statements)
        count = len(statements)
        documents = len({s.doc_id for s in statements})
        self.label.setText(f"Statements ({count}{'+' if count >= MAX_STATEMENTS else ''} in {documents} "
                           f"document{'s' if documents != 1 else ''})" if count else "Statements")
        self.empty.setText(f"No statements by {name} found: quotes and reported speech "
                           "(「…」と述べた, said, according to…) are listed here.")
        self.empty.setVisible(not count)
        self.show()

    def show_error(self, message: str) -> None:
        self.model.set_rows([])
        self.empty.setText(f"The statements could not be read: {message}")
        self.empty.show()

    def _chosen(self, index: QModelIndex) -> None:
        statement = index.data(PayloadRole)
        if statement is not None:
            self.openRequested.emit(statement.doc_id, statement.start, statement.end)


class StatementHighlights:
    """The open document's statements as a format layer of the reading pane, while switched on."""

    def __init__(self, shown_document: Callable[[], int | None]) -> None:
        self.shown_document = shown_document   # the pane's document: spans of another are never painted
        self.on = False
        self.doc_id: int | None = None
        self.spans: list[tuple[int, int]] = []

    def set_spans(self, doc_id: int, spans: list[tuple[int, int]]) -> None:
        self.doc_id, self.spans = doc_id, spans

    def __call__(self, dark: bool):
        """The pane asks for the ranges to paint (`reader.ui.reading.FormatLayer`)."""
        if not self.on or self.doc_id is None or self.doc_id != self.shown_document():
            return []
        fmt = statement_format(dark)
        return [(start, end, fmt) for start, end in self.spans]
