"""Dated events and statements in the index: found per document at index time, tied to the
corpus's entities when the mentions are linked.

An event is a sentence carrying a date expression resolved to a calendar span; a statement
is a quote or reported clause with its speaker (see `reader.nlp.dates` and
`reader.nlp.statements`). Both are stored with offsets into the document text. Which
entities an event names, who a statement's speaker is as an entity, and which events of
different documents report the same thing (the same date, mostly the same entities) depend
on linking the whole corpus, so they are rebuilt by `link_story` after each relink.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    import sqlite_utils

DATE_LABELS = frozenset({"DATE"})
GROUP_OVERLAP = 0.5        # Jaccard of two events' named entities from which they report one event
UNDATED = "~"              # sorts after every ISO date: statements of undated documents come last
DATELINE_CHARS = 300       # a date stamp in the document's first characters is its own date, not an event


def anchor_of(doc_date: str | None, imported: str | None, written: Sequence[date] = ()) -> tuple[date | None, str | None]:
    """The date relative expressions are resolved against, and where it came from: the
    document's published date ("published"); else the newest full date the text itself
    writes out, up to the import day ("text": an undated news article cites its sources with
    their dates); else the day it was imported ("imported"). The last two are uncertain."""
    from reader.nlp.dates import parse_anchor

    published = parse_anchor(doc_date)
    if published:
        return published, "published"
    imported_day = parse_anchor(imported or datetime.now(timezone.utc).date().isoformat())
    newest = max((d for d in written if imported_day is None or d <= imported_day), default=None)
    if newest is not None:
        return newest, "text"
    return imported_day, "imported" if imported_day else None


def _sentence_of(sentences: Sequence[tuple[int, int]], starts: list[int], offset: int) -> tuple[int, int] | None:
    i = bisect_right(starts, offset) - 1
    if i >= 0 and sentences[i][0] <= offset < sentences[i][1]:
        return sentences[i]
    return None


def _date_spans(text: str, passages, mentions: Sequence[tuple]) -> list[tuple[int, int]]:
    """DATE mentions from the tagger, plus relative expressions it did not mark."""
    from reader.nlp.dates import find_relative_dates

    spans = {_widened(text, m[0], m[1]) for m in mentions if m[2] in DATE_LABELS}
    for start, end, lang, boilerplate, duplicate_of in passages:
        if boilerplate or duplicate_of is not None:
            continue
        for s, e in find_relative_dates(text[start:end], lang):
            s, e = s + start, e + start
            overlapping = {span for span in spans if not (e <= span[0] or s >= span[1])}
            # 同年6月 where the tagger marked 6月: the longer reading wins
            spans -= overlapping
            spans.add((min([s, *(a for a, _ in overlapping)]), max([e, *(b for _, b in overlapping)])))
    return sorted(spans)


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_KANA_PREDICATE = re.compile(r"[\u3040-\u309f]")   # hiragana: a Japanese sentence with a predicate has some
_DURATION_AFTER = re.compile(r"(?:間|以内|停戦|当たり|あたり|分の|ぶり|連続)")
_PART_BEFORE = re.compile(r"(?:early|mid|late|the end of|end of|the beginning of|beginning of|the start of|"
                          r"start of|the middle of|middle of)[\s-]*$", re.I)
_PART_AFTER = re.compile(r"(?:の)?(?:上旬|中旬|下旬|末|初め|初頭|前半|後半|半ば)")


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """A tagged date with the part of it the tagger left out: "late" 2022, 2025年"末"."""
    before = _PART_BEFORE.search(text, max(0, start - 20), start)
    if before:
        start = before.start()
    after = _PART_AFTER.match(text, end)
    return start, after.end() if after else end


def find_story(text: str, doc_date: str | None, imported: str | None, passages: Sequence[tuple],
               sentences: Sequence[tuple[int, int]], mentions: Sequence[tuple]) -> tuple[list[tuple], list[tuple]]:
    """Event and statement rows of one document. Pure CPU: runs in index workers.

    `passages` are (start, end, lang, boilerplate, duplicate_of); `mentions` (start, end,
    label, text) as the tagger found them. Events: (sent_start, sent_end, start, end,
    date_text, date_from, date_to, precision, value, relative, anchor). Statements: (start,
    end, sent_start, sent_end, cue, speaker_text, speaker_start, speaker_end, side_start,
    side_end)."""
    from reader.nlp.dates import resolve_date
    from reader.nlp.statements import find_statements

    spans = _date_spans(text, passages, mentions)
    written = [r.first for r in (resolve_date(text[s:e], None) for s, e in spans) if r and r.precision == "day"]
    anchor, anchor_kind = anchor_of(doc_date, imported, written)
    readable = [(s, e, lang) for s, e, lang, boilerplate, dup in passages if not boilerplate and dup is None]
    sentences = sorted(sentences)
    starts = [s[0] for s in sentences]
    events = []
    previous, previous_end = None, 0   # the last date resolved: what 同日, 同年6月 and 翌日 refer back to
    for start, end in spans:
        sentence = _sentence_of(sentences, starts, start)
        if sentence is None or not any(s <= start < e for s, e, _ in readable):
            continue
        if _DURATION_AFTER.match(text, end):
            continue          # 30日停戦, 1日当たり: a length of time, not a date
        resolved = _day_in_a_list(text, start, end, previous, previous_end) or \
            resolve_date(text[start:end], anchor, previous)
        if resolved is None or _is_dateline(text, sentence, start, end, resolved, anchor):
            continue
        previous, previous_end = resolved, end
        events.append((sentence[0], sentence[1], start, end, text[start:end], resolved.first.isoformat(),
                       resolved.last.isoformat(), resolved.precision, resolved.value, int(resolved.relative),
                       anchor_kind if resolved.relative else None))
    statements = [(s.start, s.end, s.sentence_start, s.sentence_end, s.cue, s.speaker_text, s.speaker_start,
                   s.speaker_end, s.side_start, s.side_end)
                  for s in find_statements(text, readable, [m[:4] for m in mentions])]
    return events, statements


_LIST_GAP = re.compile(r"[\d\s・、，,〜～\-–日]*(?:から|および|及び|と|や)?[\s・、，,〜～\-–]*")


def _day_in_a_list(text: str, start: int, end: int, previous, previous_end: int):
    """21日 in 7月20・21日 or 3月5日から7日: a day in the month of the date just before it."""
    from reader.nlp.dates import ResolvedDate

    if previous is None or previous.precision not in ("day", "month") or not re.fullmatch(r"\d{1,2}日", text[start:end]):
        return None
    gap = _LIST_GAP.fullmatch(text, previous_end, start)
    if gap is None or start - previous_end > 12:
        return None
    try:
        day = previous.first.replace(day=int(text[start:end - 1]))
    except ValueError:
        return None
    return ResolvedDate(day, day, "day", previous.relative)


def _is_dateline(text: str, sentence: tuple[int, int], start: int, end: int, resolved, anchor) -> bool:
    """The document's own date stamp (a header's 2025年05月10日 21:32), or a line that is
    little more than a date: not an event."""
    words = text[sentence[0]:sentence[1]].strip()
    if len(words) - (end - start) < 8 and not resolved.relative:
        return True
    rest = text[sentence[0]:start] + text[end:sentence[1]]
    if _JAPANESE.search(words) and not _KANA_PREDICATE.search(rest):
        return True       # 日刊スポーツ、2008年9月21日。: a source cited with its date, a heading
    return start < DATELINE_CHARS and not resolved.relative and resolved.precision == "day" \
        and resolved.first == anchor


def write_story(db: "sqlite_utils.Database", doc_id: int, events: Iterable[tuple], statements: Iterable[tuple]) -> None:
    """Replace a document's events and statements (in the caller's transaction)."""
    db.execute("DELETE FROM events WHERE doc_id = ?", [doc_id])
    db.execute("DELETE FROM statements WHERE doc_id = ?", [doc_id])
    # The sentence and statement texts are stored too (on one line), so the queries never read
    # the documents' whole texts.
    text, doc_date = db.execute("SELECT text, date FROM documents WHERE id = ?", [doc_id]).fetchone()
    db.conn.executemany(
        "INSERT INTO events (doc_id, sent_start, sent_end, start, end, date_text, date_from, date_to, precision, "
        "value, relative, anchor, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, *e, _one_line(text[e[0]:e[1]])) for e in events])
    db.conn.executemany(
        "INSERT INTO statements (doc_id, start, end, sent_start, sent_end, cue, speaker_text, speaker_start, "
        "speaker_end, side_start, side_end, sort_date, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, *s, (doc_date or UNDATED)[:10], _one_line(text[s[0]:s[1]])) for s in statements])


def _one_line(text: str) -> str:
    return " ".join(text.split())


def link_story(db: "sqlite_utils.Database", value_labels: frozenset[str]) -> None:
    """After linking (in its transaction): the entities each event names, each statement's
    speaker and side as entities, and the groups of events that report one event."""
    db.execute("DELETE FROM event_entities")
    labels = ",".join("?" * len(value_labels))
    db.execute(
        f"""INSERT OR IGNORE INTO event_entities (event_id, entity_id, date_from, date_to)
            SELECT e.id, m.entity_id, e.date_from, e.date_to FROM events e JOIN mentions m
              ON m.doc_id = e.doc_id AND m.start >= e.sent_start AND m.start < e.sent_end
            WHERE m.entity_id IS NOT NULL AND m.label NOT IN ({labels})""", list(value_labels))
    for column, start, end in (("speaker_entity", "speaker_start", "speaker_end"),
                               ("side_entity", "side_start", "side_end")):
        db.execute(f"""UPDATE statements SET {column} = (
                         SELECT m.entity_id FROM mentions m WHERE m.doc_id = statements.doc_id
                           AND m.start = statements.{start} AND m.end = statements.{end})""")
    _group_events(db)
    # Which passages name an entity in which spelling: what `search --entity` reads.
    db.execute("DELETE FROM entity_spellings")
    db.execute(
        f"""INSERT OR IGNORE INTO entity_spellings (entity_id, text, doc_id, passage_seq)
            SELECT m.entity_id, m.text, m.doc_id, m.passage_seq FROM mentions m
            JOIN passages p ON p.doc_id = m.doc_id AND p.seq = m.passage_seq
            WHERE m.entity_id IS NOT NULL AND p.duplicate_of IS NULL AND m.label NOT IN ({labels})""",
        list(value_labels))


def _group_events(db: "sqlite_utils.Database") -> None:
    """Events of different documents with the same date and mostly the same entities are one
    event reported by several sources: they share the group id of the earliest."""
    db.execute("UPDATE events SET group_id = id")
    updates = []
    for value, members in _events_by_value(db):
        groups: list[tuple[int, set[str], set[int]]] = []   # (group id, entities, documents)
        for event_id, doc_id, entities in members:
            if not entities:
                continue
            for group_id, group_entities, docs in groups:
                shared = entities & group_entities
                needed = 1 if len(value) == 10 else 2      # coarser dates need more agreement
                if doc_id not in docs and len(shared) >= needed and \
                        len(shared) / len(entities | group_entities) >= GROUP_OVERLAP:
                    updates.append((group_id, event_id))
                    docs.add(doc_id)
                    break
            else:
                groups.append((event_id, set(entities), {doc_id}))
    db.conn.executemany("UPDATE events SET group_id = ? WHERE id = ?", updates)


def _events_by_value(db: "sqlite_utils.Database"):
    """(value, [(event id, doc id, entity ids)]) per date value, one value at a time."""
    rows = db.execute("""SELECT e.value, e.id, e.doc_id, ee.entity_id FROM events e
                         LEFT JOIN event_entities ee ON ee.event_id = e.id ORDER BY e.value, e.id""")
    current = None
    members: dict[int, tuple[int, set[str]]] = {}
    for value, event_id, doc_id, entity_id in rows:
        if value != current:
            if members:
                yield current, [(eid, doc, ents) for eid, (doc, ents) in members.items()]
            current, members = value, {}
        doc_and_entities = members.setdefault(event_id, (doc_id, set()))
        if entity_id is not None:
            doc_and_entities[1].add(entity_id)
    if members:
        yield current, [(eid, doc, ents) for eid, (doc, ents) in members.items()]


def extract_story(db: "sqlite_utils.Database", doc_id: int, mentions: Sequence[tuple]) -> tuple[list, list]:
    """Events and statements of a stored document (the indexer's in-process path)."""
    text, doc_date, imported = db.execute("SELECT text, date, indexed_at FROM documents WHERE id = ?",
                                          [doc_id]).fetchone()
    passages = db.execute("SELECT start, end, lang, boilerplate, duplicate_of FROM passages WHERE doc_id = ? "
                          "ORDER BY seq", [doc_id]).fetchall()
    sentences = db.execute("SELECT start, end FROM sentences WHERE doc_id = ? ORDER BY start", [doc_id]).fetchall()
    return find_story(text, doc_date, imported, passages, sentences, mentions)

