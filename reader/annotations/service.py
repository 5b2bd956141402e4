"""The annotations API the window and the `reader notes` commands call.

Every change is saved the moment it is made, in its own transaction in the user
data file (never in the index). `delete` returns the whole record and `restore`
puts it back exactly, so the window's undo stack needs nothing else.

    notes = Annotations(library)
    a = notes.create(doc_id, start, end, note="**why** this matters", tags=["sanctions"], colour="blue")
    notes.update(a.uuid, note="…")              # note, tags and/or colour
    record = notes.delete(a.uuid); notes.restore(record)
    notes.list_for_document(doc_id)             # text order; orphans of that file included
    reanchor_all(library)                       # after an index run (Library.update does it)
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from reader.annotations.anchoring import anchor
from reader.annotations.model import (ANCHORED, CHANGED, DEFAULT_COLOUR, MOVED, ORPHANED, STATUSES, Annotation,
                                      AnnotationError, AnnotationNotFound, HistoryEntry, check_colour, check_range,
                                      clean_note, clean_tags, later_than, new_uuid, normalise_uuid, now_iso,
                                      quote_selector)
from reader.annotations.storage import AnnotationStore, index_for, notes_for, store_of

if TYPE_CHECKING:
    import sqlite3

    from reader.library import Library
    from reader.store.userdata import UserData

_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class DocumentText:
    id: int
    key: str
    file_name: str
    text: str


def find_document(db: "sqlite3.Connection", ref: int | str) -> DocumentText:
    """A document by id, content hash (full or a prefix of 6+), file name or path."""
    from reader.queries.documents import resolve_document

    if isinstance(ref, str) and _KEY.fullmatch(ref.strip().lower()):
        row = db.execute("SELECT id, key, file_name, text FROM documents WHERE key = ?",
                         [ref.strip().lower()]).fetchone()
    else:
        row = db.execute("SELECT id, key, file_name, text FROM documents WHERE id = ?",
                         [resolve_document(db, ref)]).fetchone()
    if row is None:
        from reader.queries.documents import DocumentNotFound

        raise DocumentNotFound(f"No document '{ref}' in the index (see `reader docs`).")
    return DocumentText(*row)


class Annotations:
    """Annotations over a library (or an index connection and a user data file)."""

    def __init__(self, library: "Library | None" = None, *, db: "sqlite3.Connection | None" = None,
                 user: "UserData | AnnotationStore | None" = None) -> None:
        if library is None and (db is None or user is None):
            raise TypeError("Annotations needs a library, or both db and user.")
        self._library, self._db = library, db
        self._user = store_of(user) if user is not None else None

    @property
    def db(self) -> "sqlite3.Connection":
        return index_for(self._library, self._db)

    @property
    def user(self) -> AnnotationStore:
        """The annotations in the user data file."""
        return notes_for(self._library, self._user)

    # -- reading -------------------------------------------------------------

    def get(self, uuid: str) -> Annotation:
        found = self.user.annotation(normalise_uuid(uuid))
        if found is None:
            raise AnnotationNotFound(f"No annotation {uuid}.")
        return found

    def find(self, ref: str) -> Annotation:
        """An annotation by UUID or a unique prefix of it (e.g. the 8-character block id)."""
        ref = ref.strip().lower().removeprefix("urn:uuid:").removeprefix("^")
        if len(ref) == 36:
            return self.get(ref)
        if len(ref) < 4:
            raise AnnotationNotFound(f"'{ref}' is too short to name an annotation (give 4+ characters of its id).")
        matches = [a for a in self.user.annotations() if a.uuid.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AnnotationNotFound(f"'{ref}' matches {len(matches)} annotations; give more of the id.")
        raise AnnotationNotFound(f"No annotation '{ref}' (see `reader notes list`).")

    def list_all(self) -> list[Annotation]:
        """Every annotation, by document then text order."""
        return self.user.annotations()

    def list_for_document(self, doc: int | str) -> list[Annotation]:
        """A document's annotations in text order: those attached to it (anchored, moved or
        changed), then the orphans that belonged to a file of that name."""
        document = find_document(self.db, doc)
        found = [a for a in self.user.annotations([document.key], [document.file_name])
                 if a.doc_key == document.key or a.orphaned]
        return sort_in_text_order(found)

    def orphans(self) -> list[Annotation]:
        return [a for a in self.user.annotations() if a.orphaned]

    def counts_by_document(self) -> dict[int, int]:
        """Document id → how many annotations are attached to it (for the documents list)."""
        ids = dict(self.db.execute("SELECT key, id FROM documents").fetchall())
        counts: Counter[int] = Counter()
        for a in self.user.annotations():
            if not a.orphaned and a.doc_key in ids:
                counts[ids[a.doc_key]] += 1
        return dict(counts)

    # -- changes (each saved at once) -------------------------------------------

    def create(self, doc: int | str, start: int, end: int, *, note: str | None = "", tags: Iterable[str] = (),
               colour: str = DEFAULT_COLOUR) -> Annotation:
        """Highlight text[start:end] of a document (code-point offsets into its indexed text)."""
        document = find_document(self.db, doc)
        check_range(document.text, start, end)
        exact, prefix, suffix = quote_selector(document.text, start, end)
        moment = now_iso()
        record = Annotation(
            uuid=new_uuid(), doc_key=document.key, file_name=document.file_name, colour=check_colour(colour),
            note=clean_note(note), tags=clean_tags(tags), created=moment, modified=moment, exact=exact,
            prefix=prefix, suffix=suffix, start=start, end=end, status=ANCHORED, cur_start=start, cur_end=end)
        return self.user.add_annotation(record)

    def update(self, uuid: str, *, note: str | None = None, tags: Iterable[str] | None = None,
               colour: str | None = None) -> Annotation:
        """Change the note, tags and/or colour (None: leave as is); `modified` moves on."""
        changes: dict = {}
        if note is not None:
            changes["note"] = clean_note(note)
        if tags is not None:
            changes["tags"] = clean_tags(tags)
        if colour is not None:
            changes["colour"] = check_colour(colour)

        def change(current: Annotation) -> Annotation:
            changed = current.with_changes(**changes)
            return changed if changed == current else changed.with_changes(modified=later_than(current.modified))

        return self.user.edit_annotation(normalise_uuid(uuid), change)

    def set_range(self, uuid: str, start: int, end: int, doc: int | str | None = None) -> Annotation:
        """Highlight other text (e.g. re-attach an orphan by hand): new selectors from the
        document's current text; `doc` defaults to the document it is attached to."""
        uuid = normalise_uuid(uuid)
        current = self.get(uuid)
        document = find_document(self.db, doc if doc is not None else current.doc_key)
        check_range(document.text, start, end)
        exact, prefix, suffix = quote_selector(document.text, start, end)

        def change(stored: Annotation) -> Annotation:
            history = stored.history
            if document.key != stored.doc_key:
                history += (HistoryEntry(stored.doc_key, stored.file_name, now_iso()),)
            return stored.with_changes(
                doc_key=document.key, file_name=document.file_name, exact=exact, prefix=prefix, suffix=suffix,
                start=start, end=end, status=ANCHORED, cur_start=start, cur_end=end, history=history,
                modified=later_than(stored.modified))

        return self.user.edit_annotation(uuid, change)

    def delete(self, uuid: str) -> Annotation:
        """Remove an annotation; returns the full record for `restore` (undo)."""
        return self.user.delete_annotation(normalise_uuid(uuid))

    def restore(self, record: Annotation) -> Annotation:
        """Put a deleted annotation back exactly as it was (same UUID, times, place)."""
        return self.user.add_annotation(record)

    def reanchor(self) -> "ReanchorReport":
        return reanchor_all(db=self.db, user=self.user)


def sort_in_text_order(annotations: Iterable[Annotation]) -> list[Annotation]:
    return sorted(annotations, key=lambda a: (a.orphaned, a.position, a.cur_end or 0, a.created, a.uuid))


# -- re-anchoring ------------------------------------------------------------------


@dataclass(frozen=True)
class ReanchorItem:
    uuid: str
    file_name: str
    before: str           # status before this pass
    status: str
    doc_key: str
    previous_key: str     # the document key before (== doc_key unless it moved to a new version)
    start: int | None
    end: int | None

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ReanchorReport:
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})  # after the pass
    changed: list[ReanchorItem] = field(default_factory=list)  # annotations whose place or status changed
    error: str | None = None

    @property
    def orphaned(self) -> int:
        return self.counts.get(ORPHANED, 0)

    def to_json(self) -> dict:
        return {"total": self.total, "counts": dict(self.counts), "changed": [c.to_json() for c in self.changed],
                "error": self.error}


_RANK = {ANCHORED: 0, MOVED: 1, CHANGED: 2}


def reanchor_all(library: "Library | None" = None, *, db: "sqlite3.Connection | None" = None,
                 user: "UserData | AnnotationStore | None" = None) -> ReanchorReport:
    """Attach every annotation to the current text of its document.

    An annotation whose document (content hash) is still in the index stays as it is.
    Otherwise it is looked for in the document now indexed under the same file name
    (the file was edited); once found there it moves to that document's key, the old
    one kept in its history. Not found: orphaned, never deleted, and tried again on the
    next run. All changes are stored in one transaction.
    """
    db = index_for(library, db)
    store = notes_for(library, user)
    report = ReanchorReport()
    documents: dict[str, tuple[int, str]] = {}
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc_id, key, file_name in db.execute("SELECT id, key, file_name FROM documents ORDER BY id"):
        documents[key] = (doc_id, file_name)
        by_name[file_name].append((doc_id, key))
    texts: dict[int, str] = {}

    def text_of(doc_id: int) -> str:
        if doc_id not in texts:
            texts[doc_id] = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
        return texts[doc_id]

    updates = []
    counts: Counter[str] = Counter()
    for a in store.annotations():
        placed = _reanchored(a, documents, by_name, text_of)
        counts[placed.status] += 1
        if placed != a:
            updates.append(placed)
            report.changed.append(ReanchorItem(a.uuid, placed.file_name, a.status, placed.status, placed.doc_key,
                                               a.doc_key, placed.cur_start, placed.cur_end))
    store.set_anchors(updates)
    report.total = sum(counts.values())
    report.counts.update(counts)
    return report


def _reanchored(a: Annotation, documents: dict, by_name: dict, text_of) -> Annotation:
    own = documents.get(a.doc_key)
    if own is not None and not a.orphaned and a.cur_start is not None:
        # Same key, same text: it is where it was. Only the file may have been renamed.
        return a if own[1] == a.file_name else a.with_changes(file_name=own[1])
    if own is not None:
        candidates = [(own[0], a.doc_key, own[1])]
    else:
        candidates = [(doc_id, key, a.file_name) for doc_id, key in by_name.get(a.file_name, [])]
    hint = a.cur_start if a.cur_start is not None else a.start
    best = None
    for doc_id, key, file_name in candidates:
        found = anchor(text_of(doc_id), a.exact, a.prefix, a.suffix, a.start, a.end, hint=hint)
        if found.found:
            rank = (_RANK[found.status], -(found.quote_score + found.context_score))
            if best is None or rank < best[0]:
                best = (rank, found, key, file_name)
    if best is None:
        return a.with_changes(status=ORPHANED, cur_start=None, cur_end=None)
    _, found, key, file_name = best
    history = a.history
    if key != a.doc_key:
        history += (HistoryEntry(a.doc_key, a.file_name, now_iso()),)
    return a.with_changes(doc_key=key, file_name=file_name, status=found.status, cur_start=found.start,
                          cur_end=found.end, history=history)


def reanchor_after_index(library: "Library | Path", db: "sqlite3.Connection | None" = None) -> ReanchorReport | None:
    """What Library.update calls when an index run ends (`library` may also be the data folder).

    With `db` (a worker thread's own index connection) the user data gets its own connection
    too, closed afterwards: safe to call from the thread that ran the indexer. None when there
    is no user data file yet (so no annotations)."""
    from reader import paths
    from reader.store.sql import StorageError

    data_dir = library if isinstance(library, Path) else library.data_dir
    path = paths.user_data_path(data_dir)
    if not path.exists():
        return None
    try:
        if db is None:
            if isinstance(library, Path):
                raise TypeError("reanchor_after_index needs db when given a data folder")
            return reanchor_all(library)
        store = AnnotationStore.open(path)
        try:
            return reanchor_all(db=db, user=store)
        finally:
            store.close()
    except (StorageError, AnnotationError) as error:
        return ReanchorReport(error=str(error))


__all__ = ["Annotations", "DocumentText", "ReanchorItem", "ReanchorReport", "find_document", "reanchor_after_index",
           "reanchor_all", "sort_in_text_order"]
