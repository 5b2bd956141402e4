"""An entity card's "Search all mentions": the passages that name it, in every spelling.

A tab of the right-hand column (registered by `reader.ui.story`, off until first used). It runs
`reader.queries.story.entity_search` on the entity's name: the literal search for that spelling,
then the passages that name the same entity in other spellings or scripts, which the results
announce: "also 12 passages that name Vladimir Putin as プーチン, Putin".
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QWidget

from reader.ui.models import KindRole, PayloadRole, RowsModel, esc, search_hit_html
from reader.ui.views import ResultList, column, plain_label

MAX_PASSAGES = 200     # of each kind (the literal spelling, the other spellings)


class Heading:
    """A header row of the results: the literal spelling's passages, then the others'."""

    def __init__(self, text: str) -> None:
        self.text = text


def mention_row_html(row) -> str:
    if isinstance(row, Heading):
        return f"<span class='title'>{esc(row.text)}</span>"
    return search_hit_html(row)


def summary_text(query: str, literal, expansion) -> str:
    """"4 passages for “Putin”; also 12 passages that name Vladimir Putin as プーチン"."""
    count = len(literal.hits)
    text = f"{count}{'+' if literal.more else ''} passage{'s' if count != 1 else ''} for “{query}”"
    if expansion is not None and expansion.passages:
        text += f"; {expansion.message()}"
    elif expansion is None:
        text += " (not a known name: the literal search only)"
    return text


class MentionsPanel(QWidget):
    """The results of one entity-expanded search."""

    openRequested = Signal(int, int, list)    # doc id, offset, the matches to highlight

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mentionsPanel")
        self.setAccessibleName("All mentions")
        self.summary = plain_label("Choose “Search all mentions” on a person's, place's or organisation's card.")
        self.summary.setObjectName("mentionsSummary")
        self.summary.setWordWrap(True)
        self.summary.setContentsMargins(12, 10, 12, 6)
        self.model = RowsModel(mention_row_html, parent=self)
        self.view = ResultList("mentionsResults", "Passages that name the entity")
        self.view.setModel(self.model)
        self.view.chosen.connect(self._chosen)
        column(self, self.summary, self.view)

    def searching(self, query: str) -> None:
        self.model.set_rows([])
        self.summary.setText(f"Searching every spelling of “{query}”…")

    def set_results(self, query: str, literal, expansion) -> None:
        rows: list = []
        kinds: list[str] = []
        if literal.hits:
            rows.append(Heading(f"Spelled “{query}”"))
            kinds.append("header")
            rows += literal.hits
            kinds += ["hit"] * len(literal.hits)
        if expansion is not None and expansion.hits:
            spelled = ", ".join(expansion.spellings)
            rows.append(Heading(f"Spelled {spelled}"))
            kinds.append("header")
            rows += expansion.hits
            kinds += ["hit"] * len(expansion.hits)
        self.model.set_rows(rows, kinds)
        self.summary.setText(summary_text(query, literal, expansion))

    def show_error(self, message: str) -> None:
        self.summary.setText(f"The search failed: {message}")

    def _chosen(self, index: QModelIndex) -> None:
        if index.data(KindRole) == "header":
            return
        hit = index.data(PayloadRole)
        first = hit.matches[0] if hit.matches else (hit.start, hit.end)
        self.openRequested.emit(hit.doc_id, first[0], [list(m) for m in hit.matches] or [[hit.start, hit.end]])
