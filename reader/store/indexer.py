"""Building and updating the index from source files, incrementally.

A file whose size and modification time are unchanged is not read; one whose
bytes are unchanged is not decoded. Each document is written in its own
transaction, so readers (the window) see documents as they become ready and a
cancel keeps everything finished so far.
"""
from __future__ import annotations

import hashlib
import json
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
from reader.ingest.model import Document
from reader.progress import CancelToken, Progress, ProgressCallback, no_progress
from reader.store import entities as entity_store
from reader.store import sketch
from reader.store.fts import document_tokens

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


def collect_files(paths: Iterable[Path], errors: list[FileError]) -> list[Path]:
    """Supported files under `paths`, recursively, sorted; hidden files and symlinked folders are skipped."""
    suffixes = supported_suffixes()
    found: set[Path] = set()
    for root in paths:
        if root.is_file():
            found.add(root.resolve())
        elif root.is_dir():
            for folder, dirs, names in os.walk(root, onerror=lambda e: errors.append(FileError(str(e.filename), str(e.strerror)))):
                dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, .cache and the like
                for name in names:
                    if name.startswith("."):
                        continue
                    candidate = Path(folder, name)
                    if candidate.suffix.lower() in suffixes and candidate.is_file():
                        found.add(candidate.resolve())
        else:
            errors.append(FileError(str(root), "No such file or folder."))
    return sorted(found)


def _file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _delete_document(db: sqlite_utils.Database, doc_id: int) -> None:
    """Remove a document and its FTS rows (contentless FTS needs the original tokens)."""
    text = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
    for pid, start, end in db.execute("SELECT id, start, end FROM passages WHERE doc_id = ? "
                                      "AND duplicate_of IS NULL", [doc_id]).fetchall():
        db.execute("INSERT INTO passages_fts(passages_fts, rowid, tokens) VALUES ('delete', ?, ?)",
                   [pid, document_tokens(text[start:end])])
    db.execute("DELETE FROM documents WHERE id = ?", [doc_id])


def _insert_document(db: sqlite_utils.Database, doc: Document, file_sha: str, stat: os.stat_result) -> int:
    cursor = db.execute(
        """INSERT INTO documents (key, path, file_name, file_sha, file_size, file_mtime, encoding, title,
               date, source, languages, urls, chars, passage_count, text, indexed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [doc.key, doc.path, Path(doc.path).name, file_sha, stat.st_size, stat.st_mtime, doc.encoding,
         doc.title, doc.date, doc.source, json.dumps(doc.languages, ensure_ascii=False),
         json.dumps(doc.urls, ensure_ascii=False), doc.chars, len(doc.passages), doc.text,
         datetime.now(timezone.utc).isoformat(timespec="seconds")],
    )
    doc_id = cursor.lastrowid
    passage_rows = []
    sentence_rows = []
    fts_rows = []
    sketches = sketch.document_sketches(doc.text, [(p.start, p.end) for p in doc.passages])
    for seq, (passage, passage_sketch) in enumerate(zip(doc.passages, sketches)):
        comparable = passage_sketch is not None and not passage.boilerplate and passage.duplicate_of is None
        passage_rows.append((doc_id, seq, passage.start, passage.end, passage.lang, int(passage.boilerplate),
                             passage.duplicate_of, sketch.to_blob(passage_sketch) if comparable else None))
        sentence_rows.extend((doc_id, seq, s.start, s.end, s.lang) for s in passage.sentences)
    db.conn.executemany(
        "INSERT INTO passages (doc_id, seq, start, end, lang, boilerplate, duplicate_of, sketch) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        passage_rows,
    )
    db.conn.executemany(
        "INSERT INTO sentences (doc_id, passage_seq, start, end, lang) VALUES (?, ?, ?, ?, ?)", sentence_rows
    )
    lookup_rows = []
    for pid, start, end, duplicate_of, blob in db.execute(
            "SELECT id, start, end, duplicate_of, sketch FROM passages WHERE doc_id = ? ORDER BY seq", [doc_id]):
        if duplicate_of is None:
            fts_rows.append((pid, document_tokens(doc.text[start:end])))
        if blob is not None:
            lookup_rows.extend((int(h), pid) for h in sketch.from_blob(blob)[:sketch.LOOKUP])
    db.conn.executemany("INSERT INTO passages_fts(rowid, tokens) VALUES (?, ?)", fts_rows)
    db.conn.executemany("INSERT INTO passage_sketches (hash, passage_id) VALUES (?, ?)", lookup_rows)
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
            self.conn.execute("BEGIN")
            self.started = time.monotonic()
        self.conn.execute("SAVEPOINT document")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO document")
            self.conn.execute("RELEASE document")
            raise
        self.conn.execute("RELEASE document")
        if time.monotonic() - self.started >= self.BATCH_SECONDS:
            self.conn.commit()

    def flush(self) -> None:
        if self.conn.in_transaction:
            self.conn.commit()


class Indexer:
    """Brings the index in line with a set of source files."""

    def __init__(self, db: sqlite_utils.Database, progress: ProgressCallback = no_progress,
                 cancel: CancelToken | None = None, entities: bool = True,
                 corrections: Sequence["Correction"] = (), alias_paths: Sequence[Path] = ()) -> None:
        self.db = db
        self.progress = progress
        self.cancel = cancel or CancelToken()
        self.entities = entities          # False: text and search only (benchmarks, tests of ingest)
        self.corrections = list(corrections)
        self.alias_paths = list(alias_paths)
        self._writes = _BatchedWrites(db.conn)

    def index(self, paths: Iterable[Path], prune_missing: bool = False) -> IndexReport:
        """Index files and folders. With `prune_missing`, documents whose file under one of
        `paths` no longer exists are removed (the default library stays in sync with its folder)."""
        paths = [Path(p) for p in paths]
        report = IndexReport()
        self.progress(Progress("scanning", 0, 0))
        files = collect_files(paths, report.errors)
        known = {row[0]: row for row in self.db.execute(
            "SELECT path, id, file_size, file_mtime, file_sha, key FROM documents")}
        try:
            for done, path in enumerate(files):
                self.progress(Progress("indexing", done, len(files), path.name))
                if self.cancel.cancelled:
                    report.cancelled = True
                    break
                self._index_file(path, known.get(str(path)), report)
            else:
                self.progress(Progress("indexing", len(files), len(files)))
        finally:
            self._writes.flush()
        if prune_missing and not report.cancelled:
            self._prune(paths, known, report)
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
        changed = report.extracted or report.removed or report.updated
        if not changed and entity_store.linked_fingerprint(self.db) == fingerprint:
            return
        from reader.nlp.canonical import Linker

        self.progress(Progress("linking", 0, 1))
        linker = Linker(alias_paths=self.alias_paths or None, corrections=self.corrections)
        report.entities = entity_store.relink(self.db, linker, fingerprint)
        self.progress(Progress("linking", 1, 1))

    def _index_file(self, path: Path, known: tuple | None, report: IndexReport) -> None:
        try:
            stat = path.stat()
            if known and known[2] == stat.st_size and known[3] == stat.st_mtime:
                report.unchanged += 1
                return
            data = path.read_bytes()
        except OSError as error:
            report.errors.append(FileError(str(path), f"Cannot read the file: {error.strerror or error}."))
            return
        file_sha = _file_sha(data)
        if known and known[4] == file_sha:
            with self._writes.document():
                self.db.execute("UPDATE documents SET file_mtime = ? WHERE id = ?", [stat.st_mtime, known[1]])
            report.unchanged += 1
            return
        try:
            doc = load_file(path, data=data)
        except IngestError as error:
            report.errors.append(FileError(str(path), str(error)))
            return
        self._store(doc, file_sha, stat, known, report)

    def _store(self, doc: Document, file_sha: str, stat: os.stat_result, known: tuple | None,
               report: IndexReport) -> None:
        twin = self.db.execute("SELECT path FROM documents WHERE key = ?", [doc.key]).fetchone()
        if twin and (not known or twin[0] != doc.path):
            report.duplicates.append(FileError(doc.path, f"Same text as {twin[0]}; not indexed twice."))
            return
        with self._writes.document():
            if known:
                _delete_document(self.db, known[1])
            _insert_document(self.db, doc, file_sha, stat)
        (report.updated if known else report.added).append(doc.path)

    def _prune(self, roots: list[Path], known: dict, report: IndexReport) -> None:
        resolved_roots = [r.resolve() for r in roots if r.is_dir()]
        for path_str, row in known.items():
            path = Path(path_str)
            under_root = any(path.is_relative_to(root) for root in resolved_roots)
            if under_root and not path.exists():
                with self.db.conn:
                    _delete_document(self.db, row[1])
                report.removed.append(path_str)
