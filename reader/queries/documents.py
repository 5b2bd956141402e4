"""Reading documents and passages from the index."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    key: str
    file_name: str
    path: str
    title: str
    date: str | None
    source: str | None
    languages: list[str]
    chars: int
    passages: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PassageInfo:
    seq: int
    start: int
    end: int
    lang: str
    boilerplate: bool
    duplicate_of: int | None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DocumentDetail:
    summary: DocumentSummary
    text: str
    encoding: str
    urls: list[str]
    passages: list[PassageInfo]
    sentences: list[tuple[int, int, str]]  # (start, end, lang)
    author: str | None = None
    ruby: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, reading) over the text

    def to_json(self) -> dict:
        data = self.summary.to_json()
        data.update(
            encoding=self.encoding,
            author=self.author,
            urls=self.urls,
            ruby=[list(r) for r in self.ruby],
            text=self.text,
            passages=[p.to_json() for p in self.passages],
            sentences=[{"start": s, "end": e, "lang": lang} for s, e, lang in self.sentences],
        )
        return data


class DocumentNotFound(LookupError):
    pass


_SUMMARY_COLUMNS = "id, key, file_name, path, title, date, source, languages, chars, passage_count"


def _summary(row: tuple) -> DocumentSummary:
    return DocumentSummary(row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]), row[8], row[9])


def list_documents(db: sqlite3.Connection) -> list[DocumentSummary]:
    """All documents, newest first (undated last), then by title."""
    rows = db.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM documents ORDER BY date IS NULL, date DESC, title"
    ).fetchall()
    return [_summary(r) for r in rows]


def document_summaries(db: sqlite3.Connection, ids: list[int]) -> list[DocumentSummary]:
    """The summaries of these documents (those still in the index), in the order of `list_documents`."""
    if not ids:
        return []
    rows = db.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?)) "
        "ORDER BY date IS NULL, date DESC, title", [json.dumps(list(ids))]).fetchall()
    return [_summary(r) for r in rows]


def resolve_document(db: sqlite3.Connection, ref: str | int) -> int:
    """A document id from an id, a content-hash prefix (≥ 6 hex digits) or a file name."""
    ref = str(ref).strip()
    # An id: ASCII digits within SQLite's integer range (larger numbers are no id; "²" is no digit).
    is_id = ref.isascii() and ref.isdigit() and len(ref) <= 19 and int(ref) < 2 ** 63
    if is_id and db.execute("SELECT 1 FROM documents WHERE id = ?", [int(ref)]).fetchone():
        return int(ref)
    rows = db.execute("SELECT id FROM documents WHERE file_name = ? OR path = ?", [ref, ref]).fetchall()
    if not rows and len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref.lower()):
        rows = db.execute("SELECT id FROM documents WHERE key LIKE ? || '%'", [ref.lower()]).fetchall()
    if len(rows) == 1:
        return rows[0][0]
    if len(rows) > 1:
        raise DocumentNotFound(f"'{ref}' matches {len(rows)} documents; use its id.")
    raise DocumentNotFound(f"No document '{ref}' in the index (see `reader docs`).")


def get_document(db: sqlite3.Connection, doc_id: int) -> DocumentDetail:
    row = db.execute(
        f"SELECT {_SUMMARY_COLUMNS}, text, encoding, urls, author, ruby FROM documents WHERE id = ?", [doc_id]
    ).fetchone()
    if row is None:
        raise DocumentNotFound(f"No document with id {doc_id}.")
    passages = [
        PassageInfo(seq, start, end, lang, bool(boiler), dup)
        for seq, start, end, lang, boiler, dup in db.execute(
            "SELECT seq, start, end, lang, boilerplate, duplicate_of FROM passages WHERE doc_id = ? ORDER BY seq",
            [doc_id],
        )
    ]
    sentences = db.execute(
        "SELECT start, end, lang FROM sentences WHERE doc_id = ? ORDER BY start", [doc_id]
    ).fetchall()
    return DocumentDetail(_summary(row[:10]), row[10], row[11], json.loads(row[12]), passages,
                          [tuple(s) for s in sentences], row[13], [tuple(r) for r in json.loads(row[14] or "[]")])


def document_ids(db: sqlite3.Connection) -> set[int]:
    """The ids of every document in the index (cheap: the list compares them while importing)."""
    return {row[0] for row in db.execute("SELECT id FROM documents")}


def document_id_by_key(db: sqlite3.Connection, key: str) -> int | None:
    """The document with this content hash, if it is in the index."""
    row = db.execute("SELECT id FROM documents WHERE key = ?", [key]).fetchone()
    return row[0] if row is not None else None


def document_id_by_path(db: sqlite3.Connection, path: str) -> int | None:
    """The document read from this file (a re-imported file gets a new id), if it is in the index."""
    row = db.execute("SELECT id FROM documents WHERE path = ?", [path]).fetchone()
    return row[0] if row is not None else None
