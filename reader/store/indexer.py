"""Building and updating the index from source files, incrementally.

A file whose size and modification time are unchanged is not read; one whose
bytes are unchanged is not decoded. Each document is written in its own
transaction, so readers (the window) see documents as they become ready and a
cancel keeps everything finished so far.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

import sqlite_utils

from reader.ingest import IngestError, load_file, supported_suffixes
from reader.ingest.loaders import read_regular_file, special_file_message
from reader.ingest.model import Document
from reader.progress import CancelToken, Progress, ProgressCallback, no_progress
from reader.store import entities as entity_store
from reader.store import scan, sketch, sql
from reader.store import story as story_store
from reader.store.fts import document_tokens
from reader.store.workers import Budget, analyse_all, die_with_parent

if TYPE_CHECKING:
    from reader.nlp.canonical import Correction


@dataclass
class FileError:
    path: str
    message: str


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    duplicates: list[FileError] = field(default_factory=list)  # same text as a document already indexed
    errors: list[FileError] = field(default_factory=list)
    cancelled: bool = False
    extracted: int = 0          # documents whose entities were found in this run
    entities: int | None = None  # canonical entities after linking, if linking ran

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "duplicates": [vars(d) for d in self.duplicates],
            "errors": [vars(e) for e in self.errors],
            "cancelled": self.cancelled,
            "extracted": self.extracted,
            "entities": self.entities,
        }


def _file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def delete_document(db: sqlite_utils.Database, doc_id: int) -> None:
    """Remove a document and its FTS rows (contentless FTS needs the original tokens)."""
    text = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
    for pid, start, end in db.execute("SELECT id, start, end FROM passages WHERE doc_id = ? "
                                      "AND duplicate_of IS NULL", [doc_id]).fetchall():
        db.execute("INSERT INTO passages_fts(passages_fts, rowid, tokens) VALUES ('delete', ?, ?)",
                   [pid, document_tokens(text[start:end])])
    db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
    entity_store.mark_unlinked(db)


@dataclass
class PreparedDocument:
    """A document with everything the index stores computed: CPU work, done in a worker process."""

    doc: Document
    tokens: list[str | None]          # per passage; None for repeats (not searchable)
    sketches: list[bytes | None]      # per passage; None when not compared
    mentions: list[tuple] | None      # entity mention rows, None when entities were not asked for
    words: list[bytes | None] | None  # per passage content-word sketches, with the entities
    story: tuple[list, list] | None = None  # (events, statements) rows, with the entities


@dataclass
class FileToIndex:
    path: Path
    data: bytes
    file_sha: str
    stat: os.stat_result
    known: tuple | None


def prepare(path: Path, data: bytes, with_entities: bool = False) -> PreparedDocument:
    """Decode and analyse one file. Raises IngestError for files that cannot be documents."""
    doc = load_file(path, data=data)
    mentions = words = story = None
    if with_entities:
        from reader.nlp import Extractor  # the model loads once per process

        passages = [(p.start, p.end, p.lang, p.boilerplate, p.duplicate_of) for p in doc.passages]
        mentions = entity_store.find_mentions(doc.text, doc.date, passages, Extractor())
        words = entity_store.word_sketches(doc.text, passages)
        sentences = [(s.start, s.end) for p in doc.passages for s in p.sentences]
        story = story_store.find_story(doc.text, doc.date, None, passages, sentences,
                                       entity_store.mention_spans(mentions))
    tokens = [None if p.duplicate_of is not None else document_tokens(doc.text[p.start:p.end])
              for p in doc.passages]
    sketches = [
        sketch.to_blob(s) if s is not None and not p.boilerplate and p.duplicate_of is None else None
        for p, s in zip(doc.passages, sketch.document_sketches(doc.text, [(p.start, p.end) for p in doc.passages]))
    ]
    return PreparedDocument(doc, tokens, sketches, mentions, words, story)


def _prepare_or_error(path: Path, data: bytes, with_entities: bool) -> PreparedDocument | str:
    try:
        return prepare(path, data, with_entities)
    except IngestError as error:
        return str(error)


def _insert_document(db: sqlite_utils.Database, prepared: PreparedDocument, file_sha: str,
                     stat: os.stat_result) -> int:
    doc = prepared.doc
    cursor = db.execute(
        """INSERT INTO documents (key, path, file_name, file_sha, file_size, file_mtime, encoding, title,
               date, source, author, languages, urls, chars, passage_count, text, ruby, indexed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [doc.key, doc.path, Path(doc.path).name, file_sha, stat.st_size, stat.st_mtime, doc.encoding,
         doc.title, doc.date, doc.source, doc.author, json.dumps(doc.languages, ensure_ascii=False),
         json.dumps(doc.urls, ensure_ascii=False), doc.chars, len(doc.passages), doc.text,
         json.dumps([[r.start, r.end, r.reading] for r in doc.ruby], ensure_ascii=False) if doc.ruby else None,
         datetime.now(timezone.utc).isoformat(timespec="seconds")],
    )
    doc_id = cursor.lastrowid
    assert doc_id is not None       # set by every INSERT
    db.conn.executemany(
        "INSERT INTO passages (doc_id, seq, start, end, lang, boilerplate, duplicate_of, sketch) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, seq, p.start, p.end, p.lang, int(p.boilerplate), p.duplicate_of, blob)
         for seq, (p, blob) in enumerate(zip(doc.passages, prepared.sketches))],
    )
    db.conn.executemany(
        "INSERT INTO sentences (doc_id, passage_seq, start, end, lang) VALUES (?, ?, ?, ?, ?)",
        [(doc_id, seq, s.start, s.end, s.lang) for seq, p in enumerate(doc.passages) for s in p.sentences],
    )
    passage_ids = [row[0] for row in db.execute("SELECT id FROM passages WHERE doc_id = ? ORDER BY seq", [doc_id])]
    db.conn.executemany("INSERT INTO passages_fts(rowid, tokens) VALUES (?, ?)",
                        [(pid, t) for pid, t in zip(passage_ids, prepared.tokens) if t is not None])
    db.conn.executemany(
        "INSERT INTO passage_sketches (hash, passage_id) VALUES (?, ?)",
        [(int(h), pid) for pid, blob in zip(passage_ids, prepared.sketches) if blob is not None
         for h in sketch.from_blob(blob)[:sketch.LOOKUP]],
    )
    if prepared.mentions is not None:
        assert prepared.words is not None and prepared.story is not None   # prepare() finds them together
        entity_store.write_mentions(db, doc_id, prepared.mentions, prepared.words)
        story_store.write_story(db, doc_id, *prepared.story)
    entity_store.mark_unlinked(db)
    return doc_id


class _BatchedWrites:
    """Documents written in transactions of up to BATCH_SECONDS, one savepoint each.

    A commit per document costs more than writing a short document; readers (the
    window) still see new documents within a fraction of a second.
    """

    BATCH_SECONDS = 0.25

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.started = 0.0

    @contextmanager
    def document(self) -> Iterator[None]:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")  # the batch: take the write lock before reading what to write
            self.started = time.monotonic()
        with sql.atomic(self.conn):   # inside the batch: the document's own savepoint
            yield
        if time.monotonic() - self.started >= self.BATCH_SECONDS:
            self.conn.commit()

    def flush(self) -> None:
        if self.conn.in_transaction:
            self.conn.commit()


POOL_MIN_FILES = 200    # below this, starting worker processes costs more than it saves
# Above this many mentions, entities are linked in a child process: linking loads the name
# dictionary and the spelling data (~290 MB whatever the library's size, see bench/bench_scale.py),
# which then goes back to the system rather than staying with the process that asked (the window).
LINK_IN_CHILD_MENTIONS = 100_000


def _database_file(db: sqlite_utils.Database) -> str | None:
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


def _relink_child(path: str, alias_paths: list, corrections: list, fingerprint: str, sender, parent_pid: int) -> None:
    """In a child process: link every mention of the index at `path`; sends ("ok", entities)."""
    die_with_parent(parent_pid)
    try:
        from reader.nlp.canonical import Linker
        from reader.store.db import open_index

        db = open_index(Path(path))
        try:
            linker = Linker(alias_paths=alias_paths or None, corrections=corrections)
            sender.send(("ok", entity_store.relink(db, linker, fingerprint)))
        finally:
            db.conn.close()
    except BaseException as error:   # reported by the parent
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def _analyse(files: Iterable[FileToIndex], file_count: int, with_entities: bool, budget: Budget,
             cancel: CancelToken) -> Iterator[tuple[FileToIndex, PreparedDocument | str] | None]:
    """(file, PreparedDocument or error message) for each file, as each is ready; None while waiting.

    Every document is analysed in a worker process under `budget` (see reader.store.workers):
    one worker for a small batch, one per core for a large one, while this process writes.
    """
    cores = max(1, os.cpu_count() or 1)

    def arguments(item: FileToIndex) -> tuple:
        data, item.data = item.data, b""          # the worker has its copy
        return item.path, data, with_entities

    yield from analyse_all(_prepare_or_error, files, arguments, lambda item: item.path,
                           workers=1 if file_count < POOL_MIN_FILES else cores, budget=budget, cancel=cancel)


class Indexer:
    """Brings the index in line with a set of source files."""

    def __init__(self, db: sqlite_utils.Database, progress: ProgressCallback = no_progress,
                 cancel: CancelToken | None = None, entities: bool = True,
                 corrections: Sequence["Correction"] = (), alias_paths: Sequence[Path] = (),
                 budget: Budget | None = None) -> None:
        self.db = db
        self.progress = progress
        self.cancel = cancel or CancelToken()
        self.entities = entities          # False: text and search only (benchmarks, tests of ingest)
        self.corrections = list(corrections)
        self.alias_paths = list(alias_paths)
        self._writes = _BatchedWrites(db.conn)
        self.budget = budget or Budget.from_environment()    # per document, see reader.store.workers
        # Files to pass over while their bytes are unchanged (path -> SHA-256 of the bytes): the
        # documents the user removed from the library (Library.update sets it; see reader.store.sources).
        self.passed_over: dict[str, str] = {}

    def index(self, paths: Iterable[Path], prune_missing: bool = False) -> IndexReport:
        """Index files and folders. With `prune_missing`, documents whose file under one of
        `paths` no longer exists are removed (the default library stays in sync with its folder)."""
        paths = [Path(p) for p in paths]
        return self.sync(paths, prune_roots=paths if prune_missing else ())

    def sync(self, paths: Iterable[Path], prune_roots: Iterable[Path] = ()) -> IndexReport:
        """Index files and folders; documents whose file no longer exists are removed only under
        the folders in `prune_roots` (the seeds), never under the others (the user's imports)."""
        paths = [Path(p) for p in paths]
        prune_roots = [Path(p) for p in prune_roots]
        report = IndexReport()
        self.progress(Progress("scanning", 0, 0))
        known = {row[0]: row for row in self.db.execute(
            "SELECT path, id, file_size, file_mtime, file_sha, key FROM documents")}
        todo = scan.plan(paths, {path: (row[2], row[3]) for path, row in known.items()}, prune_roots,
                         special_message=special_file_message, suffixes=supported_suffixes())
        report.errors.extend(FileError(p.path, p.reason) for p in todo.passed_over)
        report.unchanged += len(todo.unchanged)
        try:
            self._index_files([Path(p) for p in todo.to_read], known, report)
        finally:
            self._writes.flush()
        if not report.cancelled:
            self._prune(todo.removed, known, report)
        if self.entities and not report.cancelled:
            self.update_entities(report)
        return report

    def update_entities(self, report: IndexReport | None = None) -> IndexReport:
        """Find entities in documents that lack them, then relink if anything changed."""
        report = report or IndexReport()
        self._extract_entities(report)
        if not report.cancelled:
            self._link_entities(report)
        return report

    def link_entities(self, report: IndexReport | None = None) -> IndexReport:
        """Relink the corpus's entities if a change (a removal, new corrections) left them stale;
        a no-op when the linked fingerprint is current."""
        report = report or IndexReport()
        self._link_entities(report)
        return report

    def _extract_entities(self, report: IndexReport) -> None:
        pending = [row[0] for row in self.db.execute("SELECT id FROM documents WHERE extracted = 0 ORDER BY id")]
        if not pending:
            return
        from reader.nlp import Extractor  # loads the dictionary and model: only when there is work

        extractor = Extractor()
        for done, doc_id in enumerate(pending):
            self.progress(Progress("entities", done, len(pending)))
            if self.cancel.cancelled:
                report.cancelled = True
                return
            entity_store.extract_document(self.db, doc_id, extractor)
            report.extracted += 1
        self.progress(Progress("entities", len(pending), len(pending)))

    def _link_entities(self, report: IndexReport) -> None:
        fingerprint = entity_store.corrections_fingerprint(self.corrections, self.alias_paths)
        # Any change to the documents cleared the stored fingerprint (mark_unlinked), in its own
        # transaction, so a cancelled or crashed run is relinked next time.
        if entity_store.linked_fingerprint(self.db) == fingerprint:
            return
        self.progress(Progress("linking", 0, 1))
        path = _database_file(self.db)
        if path and self.db.execute("SELECT count(*) FROM mentions").fetchone()[0] >= LINK_IN_CHILD_MENTIONS:
            entities = self._relink_in_child(path, fingerprint)
            if entities is None:
                report.cancelled = True
                return
            report.entities = entities
        else:
            from reader.nlp.canonical import Linker

            linker = Linker(alias_paths=self.alias_paths or None, corrections=self.corrections)
            report.entities = entity_store.relink(self.db, linker, fingerprint)
        self.progress(Progress("linking", 1, 1))

    def _relink_in_child(self, path: str, fingerprint: str) -> int | None:
        """Link the corpus in a child process (see LINK_IN_CHILD_MENTIONS); None if cancelled
        (the child is stopped; it writes its result in one transaction at the end, so a stop
        before that changes nothing and one during it is rolled back)."""
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_relink_child, name="reader-link", daemon=True,
                                args=(path, list(self.alias_paths), list(self.corrections), fingerprint, sender,
                                      os.getpid()))
        child.start()
        sender.close()
        try:
            while not receiver.poll(0.1):
                if self.cancel.cancelled:
                    return None
                if not child.is_alive() and not receiver.poll(0):
                    raise RuntimeError(f"Linking the entities stopped unexpectedly (exit code {child.exitcode}).")
            try:
                status, value = receiver.recv()
            except EOFError:   # the child ended without a word (killed, or could not start)
                child.join()
                raise RuntimeError(f"Linking the entities stopped unexpectedly (exit code {child.exitcode}).") \
                    from None
            if status != "ok":
                raise RuntimeError(f"Linking the entities failed: {value}")
            return value
        finally:
            receiver.close()
            if child.is_alive() and self.cancel.cancelled:
                child.terminate()
            child.join()

    def _index_files(self, files: list[Path], known: dict, report: IndexReport) -> None:
        """Read files in order; analyse the changed ones in worker processes; store each as it is ready."""
        done = 0

        def changed_files() -> Iterator[FileToIndex]:
            nonlocal done
            for path in files:
                self.progress(Progress("indexing", done, len(files), path.name))
                if self.cancel.cancelled:
                    report.cancelled = True
                    return
                item = self._read_if_changed(path, known.get(str(path)), report)
                if item is None:
                    done += 1
                else:
                    yield item

        for outcome in _analyse(changed_files(), len(files), self.entities, self.budget, self.cancel):
            if outcome is None:          # waiting on the workers: what is finished is committed
                self._writes.flush()
                continue
            item, prepared = outcome
            if isinstance(prepared, str):
                report.errors.append(FileError(str(item.path), prepared))
            else:
                self._store(prepared, item, report)
            done += 1
        if self.cancel.cancelled:
            report.cancelled = True
        else:
            self.progress(Progress("indexing", len(files), len(files)))

    def _read_if_changed(self, path: Path, known: tuple | None, report: IndexReport) -> FileToIndex | None:
        """The bytes of a file the plan found new or changed, if it needs indexing; None (and
        counted) if its bytes are unchanged, or unreadable."""
        try:
            data, stat = read_regular_file(path)
        except OSError as error:
            report.errors.append(FileError(str(path), f"Cannot read the file: {error.strerror or error}."))
            return None
        except IngestError as error:
            report.errors.append(FileError(str(path), str(error)))
            return None
        file_sha = _file_sha(data)
        if not known and self.passed_over.get(str(path)) == file_sha:
            return None   # removed by the user, and unchanged since
        if known and known[4] == file_sha:
            with self._writes.document():
                self.db.execute("UPDATE documents SET file_mtime = ? WHERE id = ?", [stat.st_mtime, known[1]])
            report.unchanged += 1
            return None
        return FileToIndex(path, data, file_sha, stat, known)

    def _store(self, prepared: PreparedDocument, item: FileToIndex, report: IndexReport) -> None:
        doc, known = prepared.doc, item.known
        try:
            with self._writes.document():
                # Checked inside the write transaction: another Reader may have just added it.
                twin = self.db.execute("SELECT path, id FROM documents WHERE key = ?", [doc.key]).fetchone()
                if twin and twin[0] == doc.path and (not known or twin[1] != known[1]):
                    report.unchanged += 1  # that other Reader has just indexed this very file, as it is now
                    return
                if twin and (not known or twin[0] != doc.path):
                    if known:  # the file now holds another document's text: its old version goes
                        delete_document(self.db, known[1])
                        report.removed.append(doc.path)
                    report.duplicates.append(FileError(doc.path, f"Same text as {twin[0]}; not indexed twice."))
                    return
                if known:
                    delete_document(self.db, known[1])
                _insert_document(self.db, prepared, item.file_sha, item.stat)
        except sqlite3.IntegrityError:
            report.errors.append(FileError(doc.path, "Another Reader indexed this file at the same moment; "
                                                     "it is in the library."))
            return
        (report.updated if known else report.added).append(doc.path)

    def _prune(self, removed: list[str], known: dict, report: IndexReport) -> None:
        for path in removed:
            with sql.atomic(self.db.conn):
                delete_document(self.db, known[path][1])
            report.removed.append(path)
