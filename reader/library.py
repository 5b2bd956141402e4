"""The user's library: the index, the user data and how the index is brought up to date.

The CLI and the window both start here, so an index run always applies the
user's entity corrections and alias tables the same way.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import sqlite_utils

from reader import paths
from reader.progress import CancelToken, ProgressCallback, no_progress
from reader.annotations.storage import AnnotationStore
from reader.store import sources as library_sources
from reader.store import db as index_db
from reader.store.db import open_index
from reader.store.indexer import Indexer, IndexReport
from reader.store.sql import DamagedDatabase, StorageError, atomic
from reader.store.userdata import UserData

if TYPE_CHECKING:
    from reader.annotations.model import Annotation
    from reader.annotations.service import ReanchorReport

log = logging.getLogger(__name__)

USER_ALIAS_FILE = "aliases.tsv"   # same format as resources/aliases.tsv, see resources/ALIASES.md


@dataclass(frozen=True)
class RemovedDocument:
    """What `Library.remove_document` did."""

    doc_id: int
    key: str
    path: str
    title: str
    notes_deleted: int   # annotations deleted with the document
    notes_kept: int      # annotations kept: orphaned (or re-attached to a document of the same file name)


class Library:
    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = paths.data_dir(data_dir)
        self.index_path = paths.index_path(self.data_dir)
        self._db: sqlite_utils.Database | None = None
        self._user: UserData | None = None
        self._notes: AnnotationStore | None = None
        self.reanchored: ReanchorReport | None = None  # the annotations' report from the last update()
        self.index_repaired: str | None = None   # what was wrong with a damaged index update() rebuilt

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_index(self.index_path)
        return self._db

    @property
    def user(self) -> UserData:
        if self._user is None:
            self._user = UserData(paths.user_data_path(self.data_dir))
        return self._user

    @property
    def notes(self) -> AnnotationStore:
        """The annotations in the user data file."""
        if self._notes is None:
            self._notes = AnnotationStore(self.user)
        return self._notes

    def documents(self) -> list:
        """Every document's summary with the user's corrected titles, dates and sources laid over
        it (`reader.store.doc_metadata`), newest first (undated last), then by title."""
        from reader.queries.documents import list_documents
        from reader.store.doc_metadata import apply_overrides, metadata_overrides

        docs = list_documents(self.db.conn)
        if not paths.user_data_path(self.data_dir).exists():   # listing never makes the file
            return docs
        docs = apply_overrides(docs, metadata_overrides(self.user))
        docs.sort(key=lambda d: d.title)
        docs.sort(key=lambda d: d.date or "", reverse=True)
        docs.sort(key=lambda d: d.date is None)
        return docs

    def alias_paths(self) -> list[Path]:
        """The user's own alias table, if they made one, layered over the bundled one."""
        own = self.data_dir / USER_ALIAS_FILE
        return [own] if own.exists() else []

    def corrections(self) -> list:
        from reader.nlp.canonical import Correction

        return [Correction(c.kind, c.entity, c.value) for c in self.user.corrections()]

    def indexer(self, db: sqlite_utils.Database | None = None, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None, entities: bool = True) -> Indexer:
        """An indexer over `db` (a worker thread passes its own connection) with the user's corrections."""
        return Indexer(db or self.db, progress=progress, cancel=cancel, entities=entities,
                       corrections=self.corrections() if entities else (), alias_paths=self.alias_paths())

    def update(self, sources: Sequence[Path] | None = None, check_index: bool = False, **kwargs) -> IndexReport:
        """Index `sources`, or sync the library when none are given (the bundled seeds and the
        files and folders the user imported, see `_sync`); then re-anchor the user's annotations
        to the documents' current text (the report in `self.reanchored`).

        The index is checked first when `check_index` (`reader index`: it reads every page) or
        when a query found it damaged; a damaged one is emptied, with a warning, and so rebuilt
        by this run."""
        rebuilt = self._repair_index(kwargs.get("db"), check_index)
        if sources:
            if rebuilt:
                # The damaged index was emptied: bring the whole library back, not only `sources`.
                self._sync(**kwargs)
            report = self.indexer(**kwargs).index(sources)
        else:
            report = self._sync(**kwargs)
        if not report.cancelled:  # a cancelled run has not seen every document: re-anchor next time
            from reader.annotations.service import reanchor_after_index

            worker_db = kwargs.get("db")     # (a worker thread's own index connection)
            self.reanchored = reanchor_after_index(self, worker_db.conn if worker_db is not None else None)
        return report

    def _repair_index(self, db: sqlite_utils.Database | None, always: bool) -> bool:
        """Check the index (it is a cache): a damaged one is emptied in place, or when even that
        fails and the connection is ours, its files are removed and it is made anew. True when
        it was damaged (and is now empty)."""
        if not always and not index_db.suspect(self.index_path):
            return False
        own = db is None
        db = db or self.db   # an index that cannot be opened at all (a folder, a newer one) is the caller's
        try:
            self.index_repaired = index_db.repair(db, self.index_path)
        except DamagedDatabase:
            if not own or self._db is None:
                raise
            self._db.conn.close()
            self._db = None
            index_db.remove(self.index_path)
            self.index_repaired = "the file could not be emptied in place; it was made anew"
        index_db.clear_suspect(self.index_path)
        return self.index_repaired is not None

    # -- the library's sources: imports, removals ----------------------------------------------
    def sources(self) -> library_sources.LibrarySources:
        """The files and folders the user imported, and the documents they removed."""
        if self._user is not None:
            return library_sources.read(self._user.conn)
        return library_sources.read_from(self.data_dir)

    def _sync(self, **kwargs) -> IndexReport:
        """The seeds folder (documents whose file is gone are pruned) and the imported files and
        folders (never pruned: a document stays when its file is moved away or its drive is not
        mounted); files of documents the user removed are passed over while unchanged."""
        known = self.sources()
        indexer = self.indexer(**kwargs)
        indexer.passed_over = known.passed_over()
        seeds = paths.seeds_dir()
        imported = [p for p in known.imported if p.exists()]
        report = indexer.sync([seeds, *imported], prune_roots=[seeds])
        self._remember_refused(indexer.db, report)
        if known.removed:
            library_sources.settle_removed(self.user, known.removed)
        return report

    def import_sources(self, sources: Sequence[Path], **kwargs) -> IndexReport:
        """What File ▸ Import and `reader index PATH` do: index files and folders (as `update`),
        then remember them as part of the library, so every later sync (the window's start-up)
        looks at them again, and forget earlier removals of their files (they are back).

        A cancelled import remembers only the files it finished, not the folders: the rest is
        not imported behind the user's back at the next start."""
        sources = [Path(s) for s in sources]
        report = self.update(sources, **kwargs)
        self._remember_refused(kwargs.get("db") or self.db, report)
        try:
            user = self.user
            if report.cancelled:
                finished = [*report.added, *report.updated]
                library_sources.remember_imported(user, [Path(p) for p in finished])
                library_sources.forget_removed(user, files=finished)
            else:
                existing = [s for s in sources if s.exists()]
                library_sources.remember_imported(user, existing)
                library_sources.forget_removed(user, under=existing)
        except StorageError as error:   # the documents are indexed; only the memory of them is missing
            log.warning("could not remember the imported sources: %s", error)
        return report

    @staticmethod
    def _remember_refused(db: sqlite_utils.Database, report: IndexReport) -> None:
        library_sources.remember_rejected(db.conn, [e.path for e in (*report.errors, *report.duplicates)])

    def document_notes(self, doc_id: int, db: sqlite_utils.Database | None = None) -> list["Annotation"]:
        """The annotations attached to a document (those removing it with its notes would delete)."""
        row = (db or self.db).execute("SELECT key FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None or not paths.user_data_path(self.data_dir).exists():
            return []
        return [a for a in self.notes.annotations([row[0]]) if a.doc_key == row[0]]

    def remove_document(self, doc_id: int, delete_annotations: bool,
                        db: sqlite_utils.Database | None = None) -> RemovedDocument:
        """Take a document out of the library (the file itself is left alone).

        It is deleted from the index in one transaction and remembered as removed (by path and
        file hash), so a later sync of its folder does not add it again while the file is
        unchanged; importing it explicitly brings it back. Its annotations are deleted with it
        when `delete_annotations`, else kept: re-anchoring then orphans them (listed apart,
        found again if the document returns). The entity totals are relinked by the next index
        run or `relink_entities`. `db`: a connection of the caller's thread (the window's job)."""
        from reader.queries.documents import DocumentNotFound
        from reader.store.indexer import delete_document

        db = db or self.db
        row = db.execute("SELECT key, path, file_sha, file_size, file_mtime, title FROM documents WHERE id = ?",
                         [doc_id]).fetchone()
        if row is None:
            raise DocumentNotFound(f"No document with id {doc_id}.")
        key, path, file_sha, size, mtime, title = row
        notes = self.document_notes(doc_id, db)
        library_sources.remember_removed(self.user, library_sources.RemovedFile(
            path, file_sha, key, size, mtime, title, datetime.now(timezone.utc).isoformat(timespec="seconds")))
        with atomic(db.conn):
            delete_document(db, doc_id)   # also marks the corpus for relinking
        deleted = 0
        if delete_annotations and notes:
            deleted = self.notes.delete_attached(notes, key)
        if len(notes) > deleted:
            from reader.annotations.service import reanchor_all

            self.reanchored = reanchor_all(db=db.conn, user=self.notes)
        return RemovedDocument(doc_id, key, path, title, deleted, len(notes) - deleted)

    def relink_entities(self, **kwargs) -> IndexReport:
        """Relink the corpus's entities if a change (a removal) left them stale; nothing to extract."""
        indexer = self.indexer(**kwargs)
        report = IndexReport()
        if indexer.db.execute("SELECT 1 FROM mentions LIMIT 1").fetchone() is not None:
            indexer.link_entities(report)   # a no-op when the linked fingerprint is current
        return report

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        if self._user is not None:
            self._user.close()
            self._user = self._notes = None
