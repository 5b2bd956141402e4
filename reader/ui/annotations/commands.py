"""The annotation changes as undo commands: Edit ▸ Undo / Redo take back creating, editing and deleting.

Each command calls the core through the controller (`AnnotationsController.run`), which shows
the result; a change the core refuses makes the command obsolete (nothing to undo).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from reader.annotations.model import Annotation

if TYPE_CHECKING:
    from reader.ui.annotations.controller import AnnotationsController

class AnnotationCommand(QUndoCommand):
    """A change to one annotation; `redo` and `undo` call the core, then the window refreshes."""

    def __init__(self, controller: "AnnotationsController", text: str) -> None:
        super().__init__(text)
        self.controller = controller
        self.uuid: str | None = None

    def redo(self) -> None:
        self.controller.run(self._redo, self)

    def undo(self) -> None:
        self.controller.run(self._undo, self)

    def _redo(self, notes) -> None:
        raise NotImplementedError

    def _undo(self, notes) -> None:
        raise NotImplementedError


class CreateCommand(AnnotationCommand):
    def __init__(self, controller, doc_id: int, start: int, end: int, colour: str) -> None:
        super().__init__(controller, "Highlight")
        self.doc_id, self.start, self.end, self.colour = doc_id, start, end, colour
        self.record: Annotation | None = None

    def _redo(self, notes) -> None:
        if self.record is None:
            self.record = notes.create(self.doc_id, self.start, self.end, colour=self.colour)
            self.uuid = self.controller.last_created = self.record.uuid
        else:
            notes.restore(self.record)

    def _undo(self, notes) -> None:
        self.record = notes.delete(self.uuid)   # as it is now, so redo brings back the same


class DeleteCommand(AnnotationCommand):
    def __init__(self, controller, uuid: str) -> None:
        super().__init__(controller, "Delete Highlight")
        self.uuid = uuid
        self.record: Annotation | None = None

    def _redo(self, notes) -> None:
        self.record = notes.delete(self.uuid)

    def _undo(self, notes) -> None:
        notes.restore(self.record)


_FIELD_TEXT = {"note": "Edit Note", "tags": "Edit Tags", "colour": "Change Colour"}
_NOTE_MERGE_ID = 4201


class EditCommand(AnnotationCommand):
    """A new note, tags or colour. Typing in one note in one go is one step (merged)."""

    def __init__(self, controller, uuid: str, field: str, before, after, session: int = 0) -> None:
        super().__init__(controller, _FIELD_TEXT[field])
        self.uuid, self.field, self.before, self.after, self.session = uuid, field, before, after, session

    def _redo(self, notes) -> None:
        notes.update(self.uuid, **{self.field: self.after})

    def _undo(self, notes) -> None:
        notes.update(self.uuid, **{self.field: self.before})

    def id(self) -> int:
        return _NOTE_MERGE_ID if self.field == "note" else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, EditCommand) and other.field == "note" and other.uuid == self.uuid
                and other.session == self.session):
            return False
        self.after = other.after
        return True
