"""The index schema. Bump VERSION on any change: older indexes are rebuilt, unless UPGRADES
says how to bring them up to date in place (for changes that re-extraction would not change)."""
from __future__ import annotations

import sqlite3

VERSION = 7  # 2: documents.author and .ruby; 3: search folding, document ids never reused;
             # 4: apostrophes (ʼ ’…) fold to '; 5: entities.confidence and .links (cross-script spelling links);
             # 6: events and statements (reader.store.story); PDF/HTML text, dates and language tags read anew
             # 7: doc_entities.doc_order (WITHOUT ROWID), sketch lookups read only their index

_TABLES = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- a removed document's id is not given to another
    key TEXT NOT NULL UNIQUE,          -- SHA-256 of the decoded text
    path TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    file_sha TEXT NOT NULL,            -- SHA-256 of the file's bytes: skip decoding unchanged files
    file_size INTEGER NOT NULL,
    file_mtime REAL NOT NULL,
    encoding TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    source TEXT,
    author TEXT,
    languages TEXT NOT NULL,           -- JSON list
    urls TEXT NOT NULL,                -- JSON list
    chars INTEGER NOT NULL,
    passage_count INTEGER NOT NULL,
    text TEXT NOT NULL,
    ruby TEXT,                         -- JSON [[start, end, reading]] of ruby over the text, if any
    indexed_at TEXT NOT NULL,
    extracted INTEGER NOT NULL DEFAULT 0  -- entity mentions stored
);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    lang TEXT NOT NULL,
    boilerplate INTEGER NOT NULL DEFAULT 0,
    duplicate_of INTEGER,              -- seq of the earlier passage this one repeats
    sketch BLOB,                       -- bottom-k MinHash of characters (reader.store.sketch), NULL if too short
    words BLOB,                        -- bottom-k MinHash of content words, set with the entities
    UNIQUE (doc_id, seq)
);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    passage_seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    lang TEXT NOT NULL
);
CREATE INDEX sentences_doc ON sentences(doc_id, start);
-- Entity mentions found in each document; entity ids are assigned by linking the whole corpus.
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    passage_seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    value TEXT,                        -- JSON: normalised date / amount / percentage
    counted INTEGER NOT NULL,          -- 0 inside repeated or boilerplate passages
    entity_id TEXT
);
CREATE INDEX mentions_doc ON mentions(doc_id, start);
CREATE INDEX mentions_entity ON mentions(entity_id, doc_id);
-- Derived from mentions by linking; rebuilt whole after any change (it is fast).
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    aliases TEXT NOT NULL,             -- JSON list of surface forms seen
    hidden INTEGER NOT NULL DEFAULT 0,
    mentions INTEGER NOT NULL,         -- counted mentions
    documents INTEGER NOT NULL,
    passages INTEGER NOT NULL,
    confidence REAL NOT NULL DEFAULT 1,  -- lowest score of the spelling links joining it (1: none)
    links TEXT NOT NULL DEFAULT '[]'     -- JSON [{"forms": [a, b], "confidence": s}] joined by spelling
);
CREATE INDEX entities_label ON entities(label, mentions);
CREATE TABLE entity_aliases (alias TEXT NOT NULL, entity_id TEXT NOT NULL);
CREATE INDEX entity_aliases_alias ON entity_aliases(alias);
-- WITHOUT ROWID: an entity's rows, counts included, are read together
CREATE TABLE doc_entities (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    doc_order INTEGER NOT NULL DEFAULT 0,  -- the document's place by date, then title (set when linked)
    PRIMARY KEY (entity_id, doc_id)
) WITHOUT ROWID;
CREATE INDEX doc_entities_doc ON doc_entities(doc_id);
-- An entity's first documents by date without sorting all of them.
CREATE INDEX doc_entities_order ON doc_entities(entity_id, doc_order);
CREATE TABLE cooccurrences (
    a TEXT NOT NULL, b TEXT NOT NULL, together INTEGER NOT NULL,  -- passages holding both
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
-- Bottom-k MinHash sketches of passages, for finding repeats and paraphrases.
CREATE TABLE passage_sketches (
    hash INTEGER NOT NULL,
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE
);
-- (hash, passage_id): lookups by hash read the index only
CREATE INDEX passage_sketches_hash ON passage_sketches(hash, passage_id);
CREATE INDEX passage_sketches_passage ON passage_sketches(passage_id);
CREATE TABLE passage_words (
    hash INTEGER NOT NULL,
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE
);
CREATE INDEX passage_words_hash ON passage_words(hash, passage_id);
CREATE INDEX passage_words_passage ON passage_words(passage_id);
-- Dated events and statements found at index time (reader.store.story); the *_entity
-- columns, event_entities and group_id are filled when the corpus is linked.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sent_start INTEGER NOT NULL,       -- the sentence that carries the date
    sent_end INTEGER NOT NULL,
    start INTEGER NOT NULL,            -- the date expression
    end INTEGER NOT NULL,
    date_text TEXT NOT NULL,
    date_from TEXT NOT NULL,           -- ISO day: the span the expression means
    date_to TEXT NOT NULL,
    precision TEXT NOT NULL,           -- day, month, year or range
    value TEXT NOT NULL,               -- ISO 8601: 2025-03-13, 2025-03, 2025, 2025-03-21/2025-03-31
    relative INTEGER NOT NULL,         -- resolved against the document's date
    anchor TEXT,                       -- for relative ones: 'published', or 'text'/'imported' (uncertain)
    group_id INTEGER,                  -- the first event of those reporting the same thing
    text TEXT NOT NULL                 -- the sentence, on one line
);
-- The timeline's order, so a LIMIT stops early.
CREATE INDEX events_date ON events(date_from, date_to, doc_id, start);
CREATE INDEX events_doc ON events(doc_id, start);
CREATE INDEX events_group ON events(group_id);
-- Columns in primary-key order: SQLite 3.40's quick_check reports "NULL value" in a WITHOUT ROWID
-- table's NOT NULL column declared before the key's columns, and a false "damaged" rebuilds the index.
CREATE TABLE event_entities (
    entity_id TEXT NOT NULL,
    date_from TEXT NOT NULL,           -- the event's, so an entity's timeline is read in date order
    date_to TEXT NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, date_from, date_to, event_id)
) WITHOUT ROWID;
CREATE INDEX event_entities_event ON event_entities(event_id);
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,            -- the quoted part or the reported clause
    end INTEGER NOT NULL,
    sent_start INTEGER NOT NULL,
    sent_end INTEGER NOT NULL,
    cue TEXT NOT NULL,
    speaker_text TEXT NOT NULL,        -- as written (ロシアの高官) or the name referred back to
    speaker_start INTEGER,             -- the mention naming the speaker
    speaker_end INTEGER,
    side_start INTEGER,                -- an unnamed speaker's organisation or country
    side_end INTEGER,
    speaker_entity TEXT,
    side_entity TEXT,
    sort_date TEXT NOT NULL,           -- the document's date ('~' when it has none: undated last)
    text TEXT NOT NULL                 -- the statement, on one line
);
CREATE INDEX statements_date ON statements(sort_date, doc_id, start);
CREATE INDEX statements_doc ON statements(doc_id, start);
CREATE INDEX statements_speaker ON statements(speaker_entity, sort_date, doc_id, start);
CREATE INDEX statements_side ON statements(side_entity, sort_date, doc_id, start);
-- Passages (not repeats) naming an entity, by spelling; rebuilt with the links.
CREATE TABLE entity_spellings (
    entity_id TEXT NOT NULL,
    text TEXT NOT NULL,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    passage_seq INTEGER NOT NULL,
    PRIMARY KEY (entity_id, text, doc_id, passage_seq)
) WITHOUT ROWID;
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT);
-- Contentless: the text lives in `documents`; tokens are recomputed to delete.
-- Passages that repeat an earlier one are not indexed: search finds them once.
CREATE VIRTUAL TABLE passages_fts USING fts5(tokens, content='', tokenize='unicode61');
"""


# version -> statements that bring an index of that version to the next one, keeping its documents.
UPGRADES: dict[int, tuple[str, ...]] = {
    6: ("DROP TABLE doc_entities",      # derived: filled again by linking
        "CREATE TABLE doc_entities (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, "
        "entity_id TEXT NOT NULL, count INTEGER NOT NULL, doc_order INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (entity_id, doc_id)) WITHOUT ROWID",
        "CREATE INDEX doc_entities_doc ON doc_entities(doc_id)",
        "CREATE INDEX doc_entities_order ON doc_entities(entity_id, doc_order)",
        "DROP INDEX passage_sketches_hash",
        "CREATE INDEX passage_sketches_hash ON passage_sketches(hash, passage_id)",
        "DROP INDEX passage_words_hash",
        "CREATE INDEX passage_words_hash ON passage_words(hash, passage_id)",
        "DELETE FROM state WHERE key = 'linked'"),   # doc_order is set by linking
}


def upgrade(conn: sqlite3.Connection, version: int) -> bool:
    """Bring an index of `version` up to VERSION in place, inside the caller's transaction;
    False (nothing changed) when some step is unknown: it must be rebuilt."""
    if any(v not in UPGRADES for v in range(version, VERSION)):
        return False
    conn.execute("SAVEPOINT upgrade")
    try:
        for v in range(version, VERSION):
            for statement in UPGRADES[v]:
                conn.execute(statement)
    except sqlite3.OperationalError:   # not the schema its version says (a column already there)
        conn.execute("ROLLBACK TO upgrade")
        conn.execute("RELEASE upgrade")
        return False
    conn.execute("RELEASE upgrade")
    conn.execute(f"PRAGMA user_version = {VERSION}")
    return True


def table_names() -> list[str]:
    """The tables `create` makes (not the full-text index's own shadow tables)."""
    import re

    return re.findall(r"CREATE (?:VIRTUAL )?TABLE (\w+)", _TABLES)


def create(conn: sqlite3.Connection) -> None:
    """Create the tables, inside the caller's transaction (so two processes can't both do it)."""
    for statement in _TABLES.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {VERSION}")


def drop_all(conn: sqlite3.Connection) -> None:
    """Remove every table and index, inside the caller's transaction (foreign keys off)."""
    virtual = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
    for name in virtual:  # takes its shadow tables with it
        conn.execute(f'DROP TABLE "{name}"')
    for name, in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%'").fetchall():
        conn.execute(f'DROP TABLE "{name}"')
