"""Entity mentions in the index, and the corpus-wide tables derived from them.

Extraction is per document (slow, incremental); linking mentions to canonical
entities needs the whole corpus (a surname links to a full name used in another
document), and is fast, so it is redone whole after any change: the derived
tables (entities, aliases, per-document counts, co-occurrences) are rebuilt in
one transaction.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from itertools import combinations
from typing import TYPE_CHECKING

import sqlite_utils

from reader.store import sketch, sql, story

if TYPE_CHECKING:  # the NLP is imported only when there is work for it
    from reader.nlp.canonical import Correction, Linker

# Values (dates, amounts) are cross-referenced but not ranked as co-occurring "entities".
VALUE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"})


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
    db.execute("DELETE FROM state WHERE key = 'linked'")


def linked_fingerprint(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT value FROM state WHERE key = 'linked'").fetchone()
    return row[0] if row else None


def relink(db: sqlite_utils.Database, linker: "Linker", fingerprint: str) -> int:
    """Link every mention in the corpus and rebuild the derived tables. Returns the entity count."""
    from reader.nlp.canonical import Mention

    keys, doc_dates = {}, {}
    for doc_id, key, date in db.execute("SELECT id, key, date FROM documents"):
        keys[doc_id] = key
        doc_dates[key] = date
    labels: dict[str, str] = {}
    # Rows: (mention id, doc id, passage seq, counted); a corpus has hundreds of thousands,
    # so document keys and labels are shared objects, not a copy per mention.
    rows, mentions = [], []
    for mention_id, doc_id, start, end, label, text, seq, counted in db.execute(
            "SELECT id, doc_id, start, end, label, text, passage_seq, counted FROM mentions ORDER BY doc_id, start"):
        rows.append((mention_id, doc_id, seq, counted))
        mentions.append(Mention(keys[doc_id], start, end, labels.setdefault(label, label), text))
    entities, ids = linker.link(mentions, doc_dates=doc_dates)
    del mentions
    with sql.atomic(db.conn):
        db.conn.executemany("UPDATE mentions SET entity_id = ? WHERE id = ?", [(e, r[0]) for e, r in zip(ids, rows)])
        _rebuild_derived(db, entities, rows, ids)
        story.link_story(db, VALUE_LABELS)
        db.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('linked', ?)", [fingerprint])
        db.execute("INSERT OR REPLACE INTO state (key, value) SELECT 'counted_passages', count(*) FROM passages "
                   "WHERE duplicate_of IS NULL AND boilerplate = 0")
    return len(entities)


def _rebuild_derived(db: sqlite_utils.Database, entities: list, rows: list[tuple], ids: list[str]) -> None:
    for table in ("entities", "entity_aliases", "doc_entities", "cooccurrences"):
        db.execute(f"DELETE FROM {table}")
    counted = [(entity_id, r) for entity_id, r in zip(ids, rows) if r[3]]
    mention_count = Counter(entity_id for entity_id, _ in counted)
    per_doc = Counter((r[1], entity_id) for entity_id, r in counted)
    passages_of: dict[str, set] = defaultdict(set)
    entities_in_passage: dict[tuple[int, int], set] = defaultdict(set)
    labels = {e.id: e.label for e in entities}
    for entity_id, r in counted:
        passages_of[entity_id].add((r[1], r[2]))
        if labels.get(entity_id) not in VALUE_LABELS:
            entities_in_passage[(r[1], r[2])].add(entity_id)
    known = set()
    entity_rows: list[tuple] = []
    alias_rows: list[tuple] = []
    for e in entities:
        known.add(e.id)
        documents = len({doc for doc, _ in passages_of[e.id]})
        entity_rows.append((e.id, e.name, e.label, json.dumps(e.aliases, ensure_ascii=False), int(e.hidden),
                            mention_count[e.id], documents, len(passages_of[e.id]), e.confidence,
                            json.dumps(e.links, ensure_ascii=False)))
        alias_rows.extend((alias.casefold(), e.id) for alias in {e.name, *e.aliases})
    db.conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entity_rows)
    db.conn.executemany("INSERT INTO entity_aliases VALUES (?, ?)", alias_rows)
    db.conn.executemany("INSERT INTO doc_entities VALUES (?, ?, ?)",
                        [(doc, eid, n) for (doc, eid), n in per_doc.items() if eid in known])
    pairs: Counter = Counter()
    for members in entities_in_passage.values():
        for a, b in combinations(sorted(members), 2):
            pairs[(a, b)] += 1
    db.conn.executemany("INSERT INTO cooccurrences VALUES (?, ?, ?)",
                        [(a, b, n) for (a, b), n in pairs.items()] + [(b, a, n) for (a, b), n in pairs.items()])
