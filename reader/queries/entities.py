"""Cross-references: where an entity appears, what it appears with, related documents and passages."""
from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from reader.queries.documents import _SUMMARY_COLUMNS, DocumentSummary, _summary
from reader.store import sketch

KWIC_CONTEXT = 30         # characters either side of a mention
MIN_TOGETHER = 2          # co-occurrence floor: PMI over single sightings is noise
REPEAT = 0.5              # character-shingle Jaccard from which a passage repeats another
PARAPHRASE = 0.4          # content-word Jaccard from which it says the same in other words
MAX_BUCKET = 100          # sketch hashes shared by more passages are not used to find candidates
COMMON_ENTITY_SHARE = 0.05  # entities in more of the corpus than this barely tell documents apart...
COMMON_ENTITY_FLOOR = 20    # ...so related documents skip them, in corpora large enough to have such
SHARED_LOOKUPS = 2        # of the LOOKUP smallest hashes, how many two similar passages share
RELATED_POSTINGS = 2_000  # related documents read at most this many (entity, document) pairs


@dataclass(frozen=True)
class EntitySummary:
    id: str
    name: str
    label: str
    aliases: list[str]
    mentions: int
    documents: int
    # 1.0 unless spellings were joined by transliteration (Merkel/メルケル): then the lowest score
    # of those links, each {"forms": [a, b], "confidence": s}; `reader entity split` undoes one.
    confidence: float = 1.0
    links: list = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MentionInfo:
    doc_id: int
    start: int
    end: int
    text: str
    entity_id: str
    label: str
    counted: bool         # False inside repeated or boilerplate passages


@dataclass(frozen=True)
class KwicMention:
    doc_id: int
    start: int
    end: int
    left: str
    match: str
    right: str

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DocumentMentions:
    document: DocumentSummary
    mentions: list[KwicMention]

    def to_json(self) -> dict:
        return {"document": self.document.to_json(), "mentions": [m.to_json() for m in self.mentions]}


@dataclass(frozen=True)
class Cooccurrence:
    entity: EntitySummary
    score: float          # pointwise mutual information over passages
    together: int         # passages holding both

    def to_json(self) -> dict:
        return {"entity": self.entity.to_json(), "score": round(self.score, 4), "together": self.together}


@dataclass(frozen=True)
class RelatedDocument:
    document: DocumentSummary
    score: float
    shared: list[str]     # names of shared entities, rarest first
    shared_passages: int  # passages that repeat or paraphrase one another

    def to_json(self) -> dict:
        return {"document": self.document.to_json(), "score": round(self.score, 4), "shared": self.shared,
                "shared_passages": self.shared_passages}


@dataclass(frozen=True)
class SimilarPassage:
    document: DocumentSummary
    passage_seq: int
    start: int
    end: int
    similarity: float
    snippet: str
    kind: str = "repeat"   # "repeat": largely the same characters; "paraphrase": the same words, rewritten

    def to_json(self) -> dict:
        return {"document": self.document.to_json(), "passage_seq": self.passage_seq, "start": self.start,
                "end": self.end, "similarity": round(self.similarity, 3), "kind": self.kind,
                "snippet": self.snippet}


_ENTITY_COLUMNS = "id, name, label, aliases, mentions, documents, confidence, links"


# A list of any length as one parameter: SQLite builds may cap bound variables at 32,766.
_JSON_LIST = "(SELECT value FROM json_each(?))"


class EntityNotFound(LookupError):
    pass


def _entity(row: tuple) -> EntitySummary:
    return EntitySummary(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6], json.loads(row[7]))


def list_entities(db: sqlite3.Connection, label: str | None = None) -> list[EntitySummary]:
    """Visible entities with counted mentions, most mentioned first."""
    where = "hidden = 0 AND mentions > 0" + (" AND label = ?" if label else "")
    rows = db.execute(f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE {where} ORDER BY mentions DESC, name",
                      [label.upper()] if label else []).fetchall()
    return [_entity(r) for r in rows]


def get_entity(db: sqlite3.Connection, ref: str) -> EntitySummary:
    """An entity by id, or by any name or surface form seen (case-insensitive)."""
    row = db.execute(f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id = ?", [ref]).fetchone()
    if row is None:
        row = db.execute(
            f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE id IN "
            "(SELECT entity_id FROM entity_aliases WHERE alias = ?) ORDER BY hidden, mentions DESC LIMIT 1",
            [ref.strip().casefold()]).fetchone()
    if row is None:
        raise EntityNotFound(f"No entity '{ref}' in the index (see `reader entities`).")
    return _entity(row)


def document_mentions(db: sqlite3.Connection, doc_id: int) -> list[MentionInfo]:
    """A document's mentions in text order, for highlighting (hidden entities left out)."""
    rows = db.execute(
        "SELECT m.doc_id, m.start, m.end, m.text, m.entity_id, coalesce(e.label, m.label), m.counted "
        "FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id "
        "WHERE m.doc_id = ? AND coalesce(e.hidden, 0) = 0 ORDER BY m.start", [doc_id]).fetchall()
    return [MentionInfo(r[0], r[1], r[2], r[3], r[4] or "", r[5], bool(r[6])) for r in rows]


def _documents(db: sqlite3.Connection, ids: list[int]) -> dict[int, DocumentSummary]:
    if not ids:
        return {}
    return {r[0]: _summary(r) for r in db.execute(
        f"SELECT {_SUMMARY_COLUMNS} FROM documents WHERE id IN {_JSON_LIST}", [json.dumps(ids)])}


def _by_date(docs: dict[int, DocumentSummary]) -> list[int]:
    return sorted(docs, key=lambda d: (docs[d].date is None, docs[d].date or "", docs[d].title))


def entity_mentions(db: sqlite3.Connection, entity_id: str,
                    max_documents: int | None = None) -> list[DocumentMentions]:
    """Every counted mention of an entity with its context, grouped by document, documents by
    date; with `max_documents`, only that many documents (the earliest), for a quick first view."""
    doc_filter = ""
    params: list[str | int] = [entity_id]
    if max_documents is not None:   # the first documents by date: read in doc_order, not sorted here
        first = [r[0] for r in db.execute("SELECT doc_id FROM doc_entities WHERE entity_id = ? ORDER BY doc_order "
                                          "LIMIT ?", [entity_id, max_documents])]
        doc_filter = f" AND m.doc_id IN {_JSON_LIST}"
        params.append(json.dumps(first))
    rows = db.execute(
        "SELECT m.doc_id, m.start, m.end, "
        f"substr(d.text, max(1, m.start + 1 - {KWIC_CONTEXT}), min(m.start, {KWIC_CONTEXT})), "
        "substr(d.text, m.start + 1, m.end - m.start), "
        f"substr(d.text, m.end + 1, {KWIC_CONTEXT}) "
        "FROM mentions m JOIN documents d ON d.id = m.doc_id "
        f"WHERE m.entity_id = ? AND m.counted = 1{doc_filter} ORDER BY m.doc_id, m.start", params).fetchall()
    grouped: dict[int, list[KwicMention]] = defaultdict(list)
    for doc_id, start, end, left, match, right in rows:
        grouped[doc_id].append(KwicMention(doc_id, start, end, _one_line(left), match, _one_line(right)))
    docs = _documents(db, list(grouped))
    return [DocumentMentions(docs[d], grouped[d]) for d in _by_date(docs)]


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def cooccurring(db: sqlite3.Connection, entity_id: str, limit: int = 20) -> list[Cooccurrence]:
    """Entities found in the same passages, ranked by PMI (with a floor, so rare pairs don't win by chance)."""
    total = _counted_passages(db)
    own = db.execute("SELECT passages FROM entities WHERE id = ?", [entity_id]).fetchone()
    if not own or not own[0] or not total:
        return []
    # PMI grows with together / passages (the rest is the same for every row): ranked in SQL, so
    # only the rows shown are read into Python, however many entities it appears with
    rows = db.execute(
        f"SELECT c.together, e.passages, {', '.join('e.' + c for c in _ENTITY_COLUMNS.split(', '))} "
        "FROM cooccurrences c JOIN entities e ON e.id = c.b "
        "WHERE c.a = ? AND c.together >= ? AND e.hidden = 0 "
        "ORDER BY CAST(c.together AS REAL) / e.passages DESC, c.together DESC, e.name LIMIT ?",
        [entity_id, MIN_TOGETHER, limit]).fetchall()
    return [Cooccurrence(_entity(tuple(entity)), math.log((together * total) / (own[0] * passages)), together)
            for together, passages, *entity in rows]


def _counted_passages(db: sqlite3.Connection) -> int:
    """Passages that count (not repeats, not boilerplate): stored when entities were linked."""
    return _state_count(db, "counted_passages")


def _state_count(db: sqlite3.Connection, key: str) -> int:
    """A count stored when entities were linked (what the entities' own counts are relative to); 0 if none."""
    row = db.execute("SELECT value FROM state WHERE key = ?", [key]).fetchone()
    return int(row[0]) if row else 0


def related_documents(db: sqlite3.Connection, doc_id: int, limit: int = 10) -> list[RelatedDocument]:
    """Documents sharing this one's entities (weighted by rarity, tf-idf-like) and passages."""
    total = _state_count(db, "linked_documents") or db.execute("SELECT count(*) FROM documents").fetchone()[0]
    # Its entities, rarest first, as long as their documents stay within RELATED_POSTINGS: the
    # commoner ones, which tell documents apart least, are left out first as the library grows.
    mine: dict[str, tuple[int, str, float]] = {}   # entity -> (count here, name, rarity weight)
    postings = 0
    for entity_id, count, name, documents in db.execute(
            "SELECT de.entity_id, de.count, e.name, e.documents FROM doc_entities de "
            "JOIN entities e ON e.id = de.entity_id WHERE de.doc_id = ? AND e.hidden = 0 AND e.documents <= ? "
            "AND e.label NOT IN ('DATE', 'TIME', 'MONEY', 'PERCENT', 'QUANTITY') ORDER BY e.documents, e.id",
            [doc_id, max(COMMON_ENTITY_FLOOR, total * COMMON_ENTITY_SHARE)]):
        if mine and postings + documents > RELATED_POSTINGS:
            break
        mine[entity_id] = (count, name, math.log(1 + total / documents))
        postings += documents
    scores: dict[int, float] = defaultdict(float)
    shared: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for entity_id, other, other_count in db.execute(
            f"SELECT entity_id, doc_id, count FROM doc_entities WHERE entity_id IN {_JSON_LIST} AND doc_id != ?",
            [json.dumps(list(mine)), doc_id]):
        mine_count, name, idf = mine[entity_id]
        scores[other] += idf * math.sqrt(min(mine_count, other_count))
        shared[other].append((idf, name))
    overlap = _shared_passages(db, doc_id)
    for other, count in overlap.items():
        scores[other] += 2.0 * count  # a repeated passage is strong evidence of a related story
    best = sorted(scores, key=lambda d: -scores[d])[:limit]
    docs = _documents(db, best)
    return [RelatedDocument(docs[d], scores[d], [n for _, n in sorted(shared[d], reverse=True)][:8],
                            overlap.get(d, 0)) for d in best]


def _selective(db: sqlite3.Connection, table: str, hashes: list[int]) -> list[int]:
    """The hashes shared by few passages. A hash in thousands of passages (a very common
    word or phrase that happens to hash low) finds no useful candidates, only work."""
    if not hashes:
        return []
    # counted up to MAX_BUCKET + 1 only: a common hash costs no more than a selective one
    counts = dict(db.execute(
        f"SELECT j.value, (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE hash = j.value "
        f"LIMIT {MAX_BUCKET + 1})) FROM json_each(?) AS j", [json.dumps(hashes)]).fetchall())
    return [h for h in hashes if counts.get(h, 0) <= MAX_BUCKET]


def _shared_passages(db: sqlite3.Connection, doc_id: int) -> dict[int, int]:
    """Per other document: how many of its passages repeat or paraphrase one of this document's.

    Pairs sharing SHARED_LOOKUPS of their few smallest hashes are candidates; their full
    sketches then decide, as in similar_passages (common words can share small hashes)."""
    candidates: set[tuple[int, int]] = set()
    for table in ("passage_sketches", "passage_words"):
        own: dict[int, set[int]] = defaultdict(set)
        for h, pid in db.execute(f"SELECT s.hash, s.passage_id FROM {table} s JOIN passages p "
                                 "ON p.id = s.passage_id WHERE p.doc_id = ?", [doc_id]):
            own[h].add(pid)
        useful = _selective(db, table, list(own))
        if not useful:
            continue
        shared: Counter = Counter()
        mine_all = set().union(*own.values())
        for h, other in _postings(db, table, useful):
            if other not in mine_all:
                for mine in own[h]:
                    shared[(mine, other)] += 1
        candidates.update(pair for pair, count in shared.items() if count >= SHARED_LOOKUPS)
    if not candidates:
        return {}
    ids = sorted({p for pair in candidates for p in pair})
    rows = {r[0]: r[1:] for r in db.execute(
        f"SELECT id, doc_id, sketch, words FROM passages WHERE id IN {_JSON_LIST}", [json.dumps(ids)])}
    matched: dict[int, set[int]] = defaultdict(set)
    for mine, theirs in candidates:
        _, own_chars, own_words = rows[mine]
        other_doc, chars, words = rows[theirs]
        if (_similarity(_blob(own_chars), chars) >= REPEAT
                or _similarity(_blob(own_words), words) >= PARAPHRASE):
            matched[other_doc].add(theirs)
    return {d: len(found) for d, found in matched.items()}


def _blob(blob: bytes | None) -> tuple[int, ...] | None:
    return sketch.from_blob(blob) if blob else None


def _candidates(db: sqlite3.Connection, table: str, own: tuple[int, ...] | None, doc_id: int) -> set[int]:
    if own is None:
        return set()
    lookup = _selective(db, table, [int(h) for h in own[:sketch.LOOKUP]])
    if not lookup:
        return set()
    own_passages = {r[0] for r in db.execute("SELECT id FROM passages WHERE doc_id = ?", [doc_id])}
    return {passage for _h, passage in _postings(db, table, lookup)} - own_passages


def _postings(db: sqlite3.Connection, table: str, hashes: list[int]) -> list[tuple[int, int]]:
    """(hash, passage id) of the passages holding these hashes: read from the (hash, passage_id)
    index alone, without visiting the passages (their rows carry the sketches)."""
    return db.execute(f"SELECT hash, passage_id FROM {table} WHERE hash IN {_JSON_LIST}",
                      [json.dumps(hashes)]).fetchall()


def _similarity(own: tuple[int, ...] | None, blob: bytes | None) -> float:
    if own is None or blob is None:
        return 0.0
    return sketch.jaccard_estimate(own, sketch.from_blob(blob))


def similar_passages(db: sqlite3.Connection, doc_id: int, passage_seq: int, limit: int = 10) -> list[SimilarPassage]:
    """Passages in other documents that repeat (same characters) or paraphrase (same words) this one."""
    row = db.execute("SELECT sketch, words FROM passages WHERE doc_id = ? AND seq = ?",
                     [doc_id, passage_seq]).fetchone()
    if row is None:
        return []
    chars, words = _blob(row[0]), _blob(row[1])
    ids = _candidates(db, "passage_sketches", chars, doc_id) | _candidates(db, "passage_words", words, doc_id)
    if not ids:
        return []
    scored = []
    for pid, other_doc, seq, start, end, char_blob, word_blob in db.execute(
            "SELECT id, doc_id, seq, start, end, sketch, words FROM passages "
            f"WHERE id IN {_JSON_LIST}", [json.dumps(sorted(ids))]):
        repeat = _similarity(chars, char_blob)
        paraphrase = _similarity(words, word_blob)
        if repeat >= REPEAT:
            scored.append((repeat, "repeat", other_doc, seq, start, end))
        elif paraphrase >= PARAPHRASE:
            scored.append((paraphrase, "paraphrase", other_doc, seq, start, end))
    scored.sort(key=lambda s: (s[1] != "repeat", -s[0], s[2], s[3]))
    scored = scored[:limit]
    docs = _documents(db, list({s[2] for s in scored}))
    return [SimilarPassage(docs[d], seq, start, end, similarity, _passage_snippet(db, d, start, end), kind)
            for similarity, kind, d, seq, start, end in scored]


def _passage_snippet(db: sqlite3.Connection, doc_id: int, start: int, end: int) -> str:
    text = db.execute("SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
                      [start + 1, min(end - start, 160), doc_id]).fetchone()[0]
    return _one_line(text)


def entity_documents(db: sqlite3.Connection) -> dict[str, list[str]]:
    """File names of the documents each entity is counted in."""
    files: dict[str, list[str]] = defaultdict(list)
    for entity_id, file_name in db.execute(
            "SELECT de.entity_id, d.file_name FROM doc_entities de JOIN documents d ON d.id = de.doc_id "
            "ORDER BY d.file_name"):
        files[entity_id].append(file_name)
    return files


def related_to_entity(db: sqlite3.Connection, entity_id: str, limit: int = 10) -> list[RelatedDocument]:
    """The documents where an entity matters most: its mentions relative to the document's length."""
    rows = db.execute(
        "SELECT de.doc_id, de.count, d.chars FROM doc_entities de JOIN documents d ON d.id = de.doc_id "
        "WHERE de.entity_id = ?", [entity_id]).fetchall()
    scored = sorted(((count * 1000 / max(chars, 1), doc_id) for doc_id, count, chars in rows), reverse=True)[:limit]
    docs = _documents(db, [d for _, d in scored])
    return [RelatedDocument(docs[d], score, [], 0) for score, d in scored]


def entity_passages_repeated(db: sqlite3.Connection, entity_id: str, limit: int = 10) -> list[tuple[int, int, list[SimilarPassage]]]:
    """Passages mentioning an entity that other documents repeat or paraphrase: (doc, seq, matches)."""
    found = []
    for doc_id, seq in db.execute(
            "SELECT DISTINCT m.doc_id, m.passage_seq FROM mentions m JOIN passages p "
            "ON p.doc_id = m.doc_id AND p.seq = m.passage_seq "
            "WHERE m.entity_id = ? AND m.counted = 1 AND (p.sketch IS NOT NULL OR p.words IS NOT NULL) "
            "ORDER BY m.doc_id, m.passage_seq",
            [entity_id]).fetchall():
        similar = similar_passages(db, doc_id, seq, limit=5)
        if similar:
            found.append((doc_id, seq, similar))
            if len(found) == limit:
                break
    return found
