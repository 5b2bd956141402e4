"""Entity mentions in the index, and the corpus-wide tables derived from them.

Extraction is per document (slow, incremental); linking mentions to canonical
entities needs the whole corpus (a surname links to a full name used in another
document), and is redone after any change, in one transaction. It reads the
distinct surfaces (counted in SQL) and then the documents a batch at a time, so
its memory does not grow with the library; the derived tables (entities,
aliases, per-document counts, co-occurrences) are computed by SQLite.
"""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections import defaultdict
from typing import TYPE_CHECKING, Iterator

import sqlite_utils

from reader.store import sketch, sql, story

if TYPE_CHECKING:  # the NLP is imported only when there is work for it
    from reader.nlp.canonical import Correction, Linker

log = logging.getLogger(__name__)

# Values (dates, amounts) are cross-referenced but not ranked as co-occurring "entities".
VALUE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"})
_VALUE_LABELS_SQL = "(" + ", ".join(f"'{label}'" for label in sorted(VALUE_LABELS)) + ")"


def _passage_of(spans: list[tuple[int, int]], start: int) -> int:
    """Index of the passage containing offset `start` (passages are sorted, disjoint)."""
    lo, hi = 0, len(spans) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if spans[mid][0] <= start:
            lo = mid
        else:
            hi = mid - 1
    return lo


def find_mentions(text: str, doc_date: str | None, passages: list[tuple[int, int, str, bool, int | None]],
                  extractor) -> list[tuple]:
    """Mentions in a document as rows (passage_seq, start, end, text, label, value JSON, counted).

    `passages` are (start, end, lang, boilerplate, duplicate_of). Pure CPU: runs in index workers.
    """
    from reader.nlp.normalize import normalize_value

    found = extractor.extract_passages(text, [(start, end, lang) for start, end, lang, _, _ in passages])
    spans = [(p[0], p[1]) for p in passages]
    rows = []
    for span in found:
        seq = _passage_of(spans, span.start)
        counted = not passages[seq][3] and passages[seq][4] is None
        value = normalize_value(span.text, span.label, doc_date) if span.label in VALUE_LABELS else None
        rows.append((seq, span.start, span.end, span.text, span.label,
                     json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None, int(counted)))
    return rows


def mention_spans(rows: list[tuple]) -> list[tuple]:
    """(start, end, label, text) of mention rows as `find_mentions` makes them."""
    return [(row[1], row[2], row[4], row[3]) for row in rows]


def word_sketches(text: str, passages: list[tuple[int, int, str, bool, int | None]]) -> list[bytes | None]:
    """Per passage, the content-word sketch that finds paraphrases (None when not compared)."""
    from reader.nlp.content import content_words

    blobs: list[bytes | None] = []
    for start, end, lang, boilerplate, duplicate_of in passages:
        found = None
        if not boilerplate and duplicate_of is None and end - start >= sketch.MIN_CHARS:
            found = sketch.word_sketch(content_words(text[start:end], lang))
        blobs.append(sketch.to_blob(found) if found is not None else None)
    return blobs


def write_mentions(db: sqlite_utils.Database, doc_id: int, rows: list[tuple], words: list[bytes | None]) -> None:
    """Replace a document's mentions and word sketches (in the caller's transaction); mark it extracted."""
    db.execute("DELETE FROM mentions WHERE doc_id = ?", [doc_id])
    db.conn.executemany(
        "INSERT INTO mentions (doc_id, passage_seq, start, end, text, label, value, counted) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(doc_id, *row) for row in rows])
    passage_ids = [r[0] for r in db.execute("SELECT id FROM passages WHERE doc_id = ? ORDER BY seq", [doc_id])]
    db.execute("DELETE FROM passage_words WHERE passage_id IN (SELECT id FROM passages WHERE doc_id = ?)", [doc_id])
    db.conn.executemany("UPDATE passages SET words = ? WHERE id = ?", list(zip(words, passage_ids)))
    db.conn.executemany(
        "INSERT INTO passage_words (hash, passage_id) VALUES (?, ?)",
        [(int(h), pid) for pid, blob in zip(passage_ids, words) if blob is not None
         for h in sketch.from_blob(blob)[:sketch.LOOKUP]])
    db.execute("UPDATE documents SET extracted = 1 WHERE id = ?", [doc_id])
    mark_unlinked(db)


def extract_document(db: sqlite_utils.Database, doc_id: int, extractor) -> None:
    """Find a stored document's entities and store them, in one transaction."""
    text, doc_date = db.execute("SELECT text, date FROM documents WHERE id = ?", [doc_id]).fetchone()
    passages = db.execute("SELECT start, end, lang, boilerplate, duplicate_of FROM passages "
                          "WHERE doc_id = ? ORDER BY seq", [doc_id]).fetchall()
    rows = find_mentions(text, doc_date, passages, extractor)
    words = word_sketches(text, passages)
    events, statements = story.extract_story(db, doc_id, mention_spans(rows))
    with sql.atomic(db.conn):
        write_mentions(db, doc_id, rows, words)
        story.write_story(db, doc_id, events, statements)


def corrections_fingerprint(corrections: list["Correction"], alias_paths: list) -> str:
    """Changes when the user's corrections or alias tables change, so linking is redone."""
    from dataclasses import astuple
    from pathlib import Path

    state = {
        "corrections": [astuple(c) for c in corrections],
        "aliases": [[str(p), Path(p).stat().st_mtime if Path(p).exists() else None] for p in alias_paths],
    }
    return hashlib.sha256(json.dumps(state, ensure_ascii=False, default=str).encode()).hexdigest()


def mark_unlinked(db: sqlite_utils.Database) -> None:
    """The corpus changed (in the caller's transaction): linking must run again, even if this
    run is cancelled or crashes before it gets there."""
    db.execute("DELETE FROM state WHERE key IN ('linked', 'linking')")


def linked_fingerprint(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT value FROM state WHERE key = 'linked'").fetchone()
    return row[0] if row else None


class StoredMentions:
    """The index's mentions as the linker reads them (:class:`reader.nlp.canonical.MentionSource`):
    the distinct surfaces counted in SQL, and the documents a batch at a time, so linking holds
    one batch of mentions, never the corpus."""

    BATCH_DOCUMENTS = 500

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def surfaces(self) -> Iterator[tuple[str, str, int, int]]:
        # the first mention in (document, offset) order: doc_id * 2^32 + start keeps that order
        yield from self.db.execute(
            "SELECT text, label, count(*), min(doc_id * 4294967296 + start) FROM mentions GROUP BY text, label")

    def documents(self) -> Iterator[tuple[str, str | None, list[tuple]]]:
        """(key, date, [(position, text, label, mention id)]) per document, in id order."""
        position, after = 0, -1
        while True:
            docs = self.db.execute("SELECT id, key, date FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                                   [after, self.BATCH_DOCUMENTS]).fetchall()
            if not docs:
                return
            after = docs[-1][0]
            rows: dict[int, list[tuple]] = defaultdict(list)
            for doc_id, text, label, mention_id in self.db.execute(
                    "SELECT doc_id, text, label, id FROM mentions WHERE doc_id BETWEEN ? AND ? "
                    "ORDER BY doc_id, start", [docs[0][0], after]):
                rows[doc_id].append((position, text, label, mention_id))
                position += 1
            for doc_id, key, date in docs:
                yield key, date, rows.pop(doc_id, [])


def relink(db: sqlite_utils.Database, linker: "Linker", fingerprint: str) -> int:
    """Link every mention in the corpus and rebuild the derived tables. Returns the entity count.

    Memory is bounded by the distinct surfaces and a batch of documents (see StoredMentions);
    the derived tables are computed by SQLite, which spills to disk what does not fit its cache.
    The linking itself reads one snapshot of the index, without holding the write lock (another
    Reader may write meanwhile); its result is written in one short transaction, unless the
    documents changed in between: then the index stays marked unlinked for the next run."""
    token = secrets.token_hex(8)
    with sql.atomic(db.conn):   # a change to the documents from now on removes it (mark_unlinked)
        db.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('linking', ?)", [token])
    mentions = StoredMentions(db)
    db.execute("DROP TABLE IF EXISTS temp.linked")
    db.execute("CREATE TEMP TABLE linked (mention_id INTEGER PRIMARY KEY, entity_id TEXT NOT NULL)")
    try:
        db.conn.execute("BEGIN")     # one snapshot for both readings of the mentions
        try:
            entities, linked = linker.link_source(mentions)
            for key, date, rows in mentions.documents():
                db.conn.executemany("INSERT INTO temp.linked VALUES (?, ?)",
                                    [(row[3], entity_id) for row, entity_id
                                     in zip(rows, linked.entity_ids(key, date, rows))])
        finally:
            db.conn.commit()         # (writes only the connection's own temporary table)
        with sql.atomic(db.conn):
            if db.execute("SELECT value FROM state WHERE key = 'linking'").fetchone() != (token,):
                log.info("The library changed while its entities were linked; they are linked again next time.")
                return len(entities)
            # only the mentions whose entity changed are written: relinking after a small change is cheap
            db.execute("UPDATE mentions SET entity_id = l.entity_id FROM temp.linked AS l "
                       "WHERE l.mention_id = mentions.id AND mentions.entity_id IS NOT l.entity_id")
            _rebuild_derived(db, entities)
            story.link_story(db, VALUE_LABELS)
            db.execute("DELETE FROM state WHERE key = 'linking'")
            db.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('linked', ?)", [fingerprint])
            db.execute("INSERT OR REPLACE INTO state (key, value) SELECT 'counted_passages', count(*) FROM passages "
                       "WHERE duplicate_of IS NULL AND boilerplate = 0")
            db.execute("INSERT OR REPLACE INTO state (key, value) SELECT 'linked_documents', count(*) FROM documents")
    finally:
        db.execute("DROP TABLE IF EXISTS temp.linked")
    return len(entities)


def _rebuild_derived(db: sqlite_utils.Database, entities: list) -> None:
    """Entities, their aliases, per-document counts and co-occurrences, from the linked mentions."""
    for table in ("entities", "entity_aliases", "doc_entities", "cooccurrences"):
        db.execute(f"DELETE FROM {table}")
    db.conn.executemany(
        "INSERT INTO entities (id, name, label, aliases, hidden, mentions, documents, passages, confidence, links) "
        "VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, ?)",
        [(e.id, e.name, e.label, json.dumps(e.aliases, ensure_ascii=False), int(e.hidden), e.confidence,
          json.dumps(e.links, ensure_ascii=False)) for e in entities])
    db.conn.executemany("INSERT INTO entity_aliases VALUES (?, ?)",
                        [(alias.casefold(), e.id) for e in entities for alias in {e.name, *e.aliases}])
    # doc_order: the documents by date, then title, so an entity's first ones are read in order
    db.execute("DROP TABLE IF EXISTS temp.document_order")
    db.execute("CREATE TEMP TABLE document_order (id INTEGER PRIMARY KEY, doc_order INTEGER NOT NULL)")
    db.execute("INSERT INTO temp.document_order SELECT id, row_number() OVER "
               "(ORDER BY date IS NULL, date, title, id) FROM documents")
    db.execute("INSERT INTO doc_entities (doc_id, entity_id, count, doc_order) "
               "SELECT m.doc_id, m.entity_id, count(*), o.doc_order FROM mentions m "
               "JOIN temp.document_order o ON o.id = m.doc_id "
               "WHERE m.counted = 1 AND m.entity_id IN (SELECT id FROM entities) GROUP BY m.entity_id, m.doc_id")
    db.execute("DROP TABLE temp.document_order")
    db.execute("DROP TABLE IF EXISTS temp.entity_passages")
    db.execute("CREATE TEMP TABLE entity_passages AS SELECT DISTINCT m.entity_id, m.doc_id, m.passage_seq, "
               f"e.label NOT IN {_VALUE_LABELS_SQL} AS named "
               "FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.counted = 1")
    db.execute("UPDATE entities SET mentions = c.mentions, documents = c.documents FROM "
               "(SELECT entity_id, sum(count) AS mentions, count(*) AS documents FROM doc_entities "
               "GROUP BY entity_id) AS c WHERE c.entity_id = entities.id")
    db.execute("UPDATE entities SET passages = c.passages FROM (SELECT entity_id, count(*) AS passages "
               "FROM temp.entity_passages GROUP BY entity_id) AS c WHERE c.entity_id = entities.id")
    # Named entities (not values) counted in the same passage, each pair both ways.
    db.execute("CREATE INDEX temp.entity_passages_at ON entity_passages(doc_id, passage_seq) WHERE named")
    db.execute("INSERT INTO cooccurrences (a, b, together) "
               "SELECT a.entity_id, b.entity_id, count(*) FROM temp.entity_passages a "
               "JOIN temp.entity_passages b ON b.doc_id = a.doc_id AND b.passage_seq = a.passage_seq "
               "AND b.named AND b.entity_id != a.entity_id "
               "WHERE a.named GROUP BY a.entity_id, b.entity_id")
    db.execute("DROP TABLE temp.entity_passages")
