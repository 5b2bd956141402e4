"""Following the story: the timeline of dated events, who said what, and search that finds
every spelling of a name. Reads what the indexer stored (see `reader.store.story`)."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from reader.queries.entities import get_entity
from reader.queries.search import SearchHit, SearchResult, _snippet, search
from reader.store.fts import fold

_JSON_LIST = "(SELECT value FROM json_each(?))"


@dataclass(frozen=True)
class EntityRef:
    id: str
    name: str
    label: str

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "label": self.label}


@dataclass(frozen=True)
class TimelineEvent:
    id: int
    date: str              # ISO 8601: day, month, year, or an interval for a range
    precision: str         # day, month, year or range
    date_from: str
    date_to: str
    date_text: str
    doc_id: int
    file_name: str
    title: str
    start: int             # the sentence, code points into the document text
    end: int
    date_start: int        # the date expression
    date_end: int
    text: str
    relative: bool
    anchor: str | None     # what a relative date was resolved against: "published", "text" or "imported"
    group: int             # events of several documents that report the same thing share it
    entities: list[EntityRef] = field(default_factory=list)

    @property
    def uncertain(self) -> bool:
        """Resolved without the document's published date: against the newest date its text
        writes out, or the day it was imported."""
        return self.anchor in ("text", "imported")

    def to_json(self) -> dict:
        return {"date": self.date, "precision": self.precision, "date_from": self.date_from,
                "date_to": self.date_to, "date_text": self.date_text, "doc_id": self.doc_id,
                "file_name": self.file_name, "title": self.title, "start": self.start, "end": self.end,
                "date_start": self.date_start, "date_end": self.date_end, "text": self.text,
                "entities": [e.to_json() for e in self.entities], "relative": self.relative,
                "anchor": self.anchor, "uncertain": self.uncertain, "group": self.group}


@dataclass(frozen=True)
class StatementInfo:
    id: int
    speaker: EntityRef | None     # None for an unnamed speaker (see `speaker_text` and `side`)
    speaker_text: str
    side: EntityRef | None        # an unnamed speaker's organisation or country
    text: str
    cue: str
    doc_id: int
    file_name: str
    title: str
    start: int
    end: int
    date: str | None              # the document's date

    def to_json(self) -> dict:
        speaker: dict[str, object] = {"id": self.speaker.id if self.speaker else None,
                   "name": self.speaker.name if self.speaker else self.speaker_text, "as_written": self.speaker_text}
        if self.side:
            speaker["side"] = self.side.to_json()
        return {"speaker": speaker, "text": self.text, "cue": self.cue, "doc_id": self.doc_id,
                "file_name": self.file_name, "title": self.title, "start": self.start, "end": self.end,
                "date": self.date}


def _entity_refs(db: sqlite3.Connection, ids: set[str]) -> dict[str, EntityRef]:
    if not ids:
        return {}
    rows = db.execute(f"SELECT id, name, label FROM entities WHERE id IN {_JSON_LIST}", [json.dumps(sorted(ids))])
    return {r[0]: EntityRef(*r) for r in rows}


_EVENT_COLUMNS = """e.id, e.value, e.precision, e.date_from, e.date_to, e.date_text, e.doc_id, d.file_name, d.title,
    e.sent_start, e.sent_end, e.start, e.end, e.text,
    e.relative, e.anchor, coalesce(e.group_id, e.id)"""


def timeline(db: sqlite3.Connection, entity: str | None = None, date_from: str | None = None,
             date_to: str | None = None, doc_id: int | None = None, limit: int = 200) -> list[TimelineEvent]:
    """Dated events in date order (earliest first), optionally only those naming `entity` (an id
    or any spelling), within [date_from, date_to] (ISO days or prefixes: 2025, 2025-03), or of
    one document. An event is in the window when its whole span is: a March 2025 window holds
    2025-03-13 and 2025年3月下旬, not "2025"."""
    where: list[str] = []
    params: list[str | int] = []
    # An entity's events are read from event_entities in date order (its primary key); the
    # others from the events' date index: either way the LIMIT stops the scan early.
    dated = "ee" if entity else "e"
    source = "events e"
    order = "e.date_from, e.date_to, e.doc_id, e.start"
    if entity:
        source = "event_entities ee JOIN events e ON e.id = ee.event_id"
        where.append("ee.entity_id = ?")
        params.append(get_entity(db, entity).id)
        order = "ee.date_from, ee.date_to, ee.event_id"
    if date_from:
        where.append(f"{dated}.date_from >= ?")
        params.append(_day(date_from, first=True))
    if date_to:
        last = _day(date_to, first=False)
        # date_from <= date_to: bounding date_from too lets the date index stop at the window's end
        where.append(f"{dated}.date_to <= ? AND {dated}.date_from <= ?")
        params += [last, last]
    if doc_id is not None:
        where.append("e.doc_id = ?")
        params.append(doc_id)
    sql = (f"SELECT {_EVENT_COLUMNS} FROM {source} JOIN documents d ON d.id = e.doc_id "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order} LIMIT ?")
    rows = db.execute(sql, [*params, limit]).fetchall()
    named = _event_entities(db, [r[0] for r in rows])
    return [TimelineEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                          r[13], bool(r[14]), r[15], r[16], named.get(r[0], []))
            for r in rows]


def _day(text: str, first: bool) -> str:
    """An ISO date or prefix (2025, 2025-03, 2025-03-13) as the first or last day it covers."""
    import calendar
    import re

    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*", text or "")
    if not m:
        raise ValueError(f"'{text}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (1 if first else 12)
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a date: the month must be 1 to 12.")
    last = calendar.monthrange(year, month)[1]
    day = int(m.group(3)) if m.group(3) else (1 if first else last)
    if not 1 <= day <= last:
        raise ValueError(f"'{text}' is not a date: that month has {last} days.")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _event_entities(db: sqlite3.Connection, event_ids: list[int]) -> dict[int, list[EntityRef]]:
    if not event_ids:
        return {}
    rows = db.execute(
        f"""SELECT ee.event_id, en.id, en.name, en.label FROM event_entities ee JOIN entities en ON en.id = ee.entity_id
            WHERE ee.event_id IN {_JSON_LIST} AND en.hidden = 0 ORDER BY en.mentions DESC""",
        [json.dumps(event_ids)]).fetchall()
    found: dict[int, list[EntityRef]] = {}
    for event_id, *entity in rows:
        found.setdefault(event_id, []).append(EntityRef(*entity))
    return found


def statements(db: sqlite3.Connection, speaker: str | None = None, doc_id: int | None = None,
               limit: int = 200) -> list[StatementInfo]:
    """Statements in date order (undated last): all, those of one speaker (an id or any
    spelling; an organisation or country also gets its unnamed officials'), or one document's."""
    where: list[str] = []
    params: list[str | int] = []
    if speaker:
        entity_id = get_entity(db, speaker).id
        where.append("(s.speaker_entity = ? OR (s.side_entity = ? AND s.speaker_entity IS NULL))")
        params += [entity_id, entity_id]
    if doc_id is not None:
        where.append("s.doc_id = ?")
        params.append(doc_id)
    rows = db.execute(
        f"""SELECT s.id, s.speaker_entity, s.speaker_text, s.side_entity, s.text,
                   s.cue, s.doc_id, d.file_name, d.title, s.start, s.end, d.date
            FROM statements s JOIN documents d ON d.id = s.doc_id
            {'WHERE ' + ' AND '.join(where) if where else ''}
            ORDER BY s.sort_date, s.doc_id, s.start LIMIT ?""", [*params, limit]).fetchall()
    refs = _entity_refs(db, {r[1] for r in rows if r[1]} | {r[3] for r in rows if r[3]})
    return [StatementInfo(r[0], refs.get(r[1]), r[2], refs.get(r[3]), r[4], r[5], r[6], r[7],
                          r[8], r[9], r[10], r[11][:10] if r[11] else None) for r in rows]


# -- search that knows the names ----------------------------------------------------------------

@dataclass(frozen=True)
class EntityExpansion:
    """Passages found through an entity the query names, in spellings the literal search misses."""

    entity: EntityRef
    spellings: dict[str, int]     # spelling -> passages that name the entity so (and not as queried)
    passages: int
    hits: list[SearchHit]
    more: bool

    def message(self) -> str:
        spelled = ", ".join(self.spellings)
        return (f"also {self.passages} passage{'' if self.passages == 1 else 's'} that name "
                f"{self.entity.name} as {spelled}")

    def to_json(self) -> dict:
        return {"entity": self.entity.to_json(), "spellings": self.spellings, "passages": self.passages,
                "message": self.message(), "more": self.more, "hits": [h.to_json() for h in self.hits]}


def entity_search(db: sqlite3.Connection, query: str, limit: int = 20) -> tuple[SearchResult, EntityExpansion | None]:
    """The literal search, unchanged, and, when the query is a known entity's spelling, the
    passages that name that entity in another spelling or script (Putin → プーチン)."""
    literal = search(db, query, limit=limit)
    entity = _entity_spelled(db, query)
    if entity is None:
        return literal, None
    return literal, _expansion(db, entity, query, {(h.doc_id, h.passage_seq) for h in literal.hits}, limit)


def _entity_spelled(db: sqlite3.Connection, query: str) -> EntityRef | None:
    """The named entity (not a date or amount) one of whose spellings is the whole query."""
    from reader.store.entities import VALUE_LABELS

    row = db.execute(
        f"""SELECT e.id, e.name, e.label FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
            WHERE a.alias = ? AND e.hidden = 0 AND e.label NOT IN {_JSON_LIST}
            ORDER BY e.mentions DESC LIMIT 1""",
        [query.strip().strip('"').casefold(), json.dumps(sorted(VALUE_LABELS))]).fetchone()
    return EntityRef(*row) if row else None


def _expansion(db: sqlite3.Connection, entity: EntityRef, query: str, seen: set[tuple[int, int]],
               limit: int) -> EntityExpansion:
    """Passages naming `entity` only in spellings other than the query's (folded), read from
    entity_spellings: the work grows with those passages, not with the entity's mentions."""
    wanted = fold(query.strip().strip('"'))
    spellings = [t for t, in db.execute("SELECT DISTINCT text FROM entity_spellings WHERE entity_id = ?", [entity.id])]
    queried = [t for t in spellings if fold(t) == wanted] or [query]
    others = [t for t in spellings if fold(t) != wanted]
    rows = []
    if others:
        rows = db.execute(
            f"""SELECT a.doc_id, a.passage_seq, min(a.text) FROM entity_spellings a
                WHERE a.entity_id = ? AND a.text IN ({", ".join("?" * len(others))})
                  AND NOT EXISTS (SELECT 1 FROM entity_spellings b WHERE b.entity_id = a.entity_id
                                  AND b.text IN ({", ".join("?" * len(queried))})
                                  AND b.doc_id = a.doc_id AND b.passage_seq = a.passage_seq)
                GROUP BY a.doc_id, a.passage_seq ORDER BY a.doc_id, a.passage_seq""",
            [entity.id, *others, *queried]).fetchall()
    rows = [r for r in rows if (r[0], r[1]) not in seen]      # the literal search found these already
    counts = Counter(r[2] for r in rows)
    hits = []
    for doc_id, seq, _ in rows[:limit]:
        spans = db.execute("SELECT start, end FROM mentions WHERE doc_id = ? AND passage_seq = ? AND entity_id = ? "
                           "ORDER BY start", [doc_id, seq, entity.id]).fetchall()
        hits.append(_passage_hit(db, (doc_id, seq), [tuple(x) for x in spans]))
    return EntityExpansion(entity, dict(counts.most_common()), len(rows), hits, len(rows) > limit)


def _passage_hit(db: sqlite3.Connection, key: tuple[int, int], matches: list[tuple[int, int]]) -> SearchHit:
    doc_id, seq = key
    doc_key, file_name, title, start, end, boilerplate, text = db.execute(
        """SELECT d.key, d.file_name, d.title, p.start, p.end, p.boilerplate, substr(d.text, p.start + 1, p.end - p.start)
           FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.doc_id = ? AND p.seq = ?""",
        [doc_id, seq]).fetchone()
    snippet, snippet_matches = _snippet(text, start, end, matches)
    return SearchHit(doc_id, doc_key, file_name, title, seq, start, end, matches, snippet, snippet_matches,
                     bool(boilerplate))
