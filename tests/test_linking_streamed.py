"""Linking reads the index a batch of documents at a time: the result must not depend on it."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from reader.nlp.canonical import Linker, Mention
from reader.queries.entities import entity_mentions
from reader.store import entities as entity_store
from reader.store.db import open_index
from reader.store.indexer import Indexer

VALUES = entity_store.VALUE_LABELS


def _copy_of(seeds_index, tmp_path):
    """A writable copy of the seeds index (the session's one is shared)."""
    target = open_index(tmp_path / "index.sqlite")
    target.conn.close()
    conn = sqlite3.connect(tmp_path / "index.sqlite")
    seeds_index.conn.backup(conn)
    conn.close()
    return open_index(tmp_path / "index.sqlite")


def _linked_at_once(db) -> tuple[dict[int, str], dict[str, tuple]]:
    """Every mention linked in one list, in memory: mention id -> entity id, and the entities."""
    keys, dates = {}, {}
    for doc_id, key, date in db.execute("SELECT id, key, date FROM documents"):
        keys[doc_id], dates[key] = key, date
    rows = db.execute("SELECT id, doc_id, start, end, label, text FROM mentions ORDER BY doc_id, start").fetchall()
    entities, ids = Linker().link([Mention(keys[r[1]], r[2], r[3], r[4], r[5]) for r in rows], doc_dates=dates)
    return ({r[0]: entity_id for r, entity_id in zip(rows, ids)},
            {e.id: (e.name, e.label, e.aliases, e.confidence, e.links) for e in entities})


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_linking_in_batches_gives_what_linking_everything_at_once_gives(seeds_index, tmp_path, monkeypatch, batch):
    db = _copy_of(seeds_index, tmp_path)
    expected_ids, expected_entities = _linked_at_once(db)
    assert len(expected_entities) > 50        # the seeds name many people, places and organisations
    monkeypatch.setattr(entity_store.StoredMentions, "BATCH_DOCUMENTS", batch)
    with db.conn:
        db.execute("UPDATE mentions SET entity_id = NULL")
    entity_store.relink(db, Linker(), "test")
    assert dict(db.execute("SELECT id, entity_id FROM mentions").fetchall()) == expected_ids
    stored = {r[0]: (r[1], r[2], json.loads(r[3]), r[4], json.loads(r[5]))
              for r in db.execute("SELECT id, name, label, aliases, confidence, links FROM entities")}
    assert stored == expected_entities


def test_derived_tables_count_what_the_mentions_say(seeds_index, tmp_path):
    """Per-document counts, passages and co-occurrences, recounted here from the mentions."""
    db = _copy_of(seeds_index, tmp_path)
    entity_store.relink(db, Linker(), "test")
    counted = db.execute("SELECT doc_id, passage_seq, entity_id FROM mentions WHERE counted = 1").fetchall()
    labels = dict(db.execute("SELECT id, label FROM entities").fetchall())
    per_doc = Counter((doc, entity) for doc, _seq, entity in counted)
    assert {(d, e): n for d, e, n in db.execute("SELECT doc_id, entity_id, count FROM doc_entities")} == per_doc
    passages: dict[str, set] = defaultdict(set)
    in_passage: dict[tuple, set] = defaultdict(set)
    for doc, seq, entity in counted:
        passages[entity].add((doc, seq))
        if labels[entity] not in VALUES:
            in_passage[(doc, seq)].add(entity)
    for entity, mentions, documents, together in db.execute(
            "SELECT id, mentions, documents, passages FROM entities"):
        assert mentions == sum(n for (_d, e), n in per_doc.items() if e == entity)
        assert documents == len({d for d, _s in passages[entity]})
        assert together == len(passages[entity])
    pairs: Counter = Counter()
    for members in in_passage.values():
        for a, b in combinations(sorted(members), 2):
            pairs[(a, b)] += 1
            pairs[(b, a)] += 1
    assert pairs and dict(((a, b), n) for a, b, n in db.execute("SELECT a, b, together FROM cooccurrences")) == pairs


def _document(db, folder, name: str, text: str, names: list[str]) -> None:
    """A document with these people's names marked where the text has them (as extraction stores them)."""
    (folder / name).write_text(text, encoding="utf-8")
    Indexer(db, entities=False).index([folder / name])
    doc_id = db.execute("SELECT id FROM documents WHERE file_name = ?", [name]).fetchone()[0]
    passages = db.execute("SELECT start, end FROM passages WHERE doc_id = ? ORDER BY seq", [doc_id]).fetchall()
    rows, at = [], 0
    for surface in names:
        start = text.index(surface, at)
        at = start + len(surface)
        seq = next(n for n, (s, e) in enumerate(passages) if s <= start < e)
        rows.append((seq, start, at, surface, "PERSON", None, 1))
    with db.conn:
        entity_store.write_mentions(db, doc_id, rows, [None] * len(passages))


@pytest.mark.parametrize("batch", [1, 500])
def test_a_surname_names_the_full_name_of_its_own_document(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(entity_store.StoredMentions, "BATCH_DOCUMENTS", batch)
    folder = tmp_path / "docs"
    folder.mkdir()
    db = open_index(tmp_path / "index.sqlite")
    _document(db, folder, "a.txt", "ジョナサン・ハーグリーブス氏が来日した。\n\nハーグリーブス氏は会見で語った。\n",
              ["ジョナサン・ハーグリーブス", "ハーグリーブス"])
    _document(db, folder, "b.txt", "エドガー・ハーグリーブス教授の講演があった。\n\nハーグリーブス教授は経済を論じた。\n",
              ["エドガー・ハーグリーブス", "ハーグリーブス"])
    _document(db, folder, "c.txt", "ハーグリーブス氏からのコメントはなかった。\n", ["ハーグリーブス"])
    entity_store.relink(db, Linker(), "test")

    def entity_in(file_name: str, text: str) -> str:
        return db.execute("SELECT m.entity_id FROM mentions m JOIN documents d ON d.id = m.doc_id "
                          "WHERE d.file_name = ? AND m.text = ?", [file_name, text]).fetchone()[0]

    jonathan, edgar = entity_in("a.txt", "ジョナサン・ハーグリーブス"), entity_in("b.txt", "エドガー・ハーグリーブス")
    assert jonathan != edgar                                  # two people who share a surname
    assert entity_in("a.txt", "ハーグリーブス") == jonathan     # each document's surname: its own full name
    assert entity_in("b.txt", "ハーグリーブス") == edgar
    assert entity_in("c.txt", "ハーグリーブス") not in (jonathan, edgar)   # which one? not said: neither
    kwic = entity_mentions(db, jonathan)
    assert [group.document.title for group in kwic] and all(
        m.match in ("ジョナサン・ハーグリーブス", "ハーグリーブス") for group in kwic for m in group.mentions)
    assert {group.document.file_name for group in kwic} == {"a.txt"}


def test_a_document_removed_while_linking_runs_is_not_overwritten_and_linking_runs_again(seeds_index, tmp_path):
    """Linking reads a snapshot without the write lock; another Reader may remove a document meanwhile."""
    from reader.store import sql
    from reader.store.indexer import delete_document

    db = _copy_of(seeds_index, tmp_path)
    removed = db.execute("SELECT id FROM documents ORDER BY id LIMIT 1").fetchone()[0]

    class LinkerWhileAnotherReaderWrites(Linker):
        def link_source(self, source):
            found = super().link_source(source)
            other = open_index(tmp_path / "index.sqlite")
            with sql.atomic(other.conn):
                delete_document(other, removed)
            other.conn.close()
            return found

    with db.conn:
        entity_store.mark_unlinked(db)
    entity_store.relink(db, LinkerWhileAnotherReaderWrites(), "test")
    assert entity_store.linked_fingerprint(db) is None          # not marked linked: the next run links
    assert db.execute("SELECT count(*) FROM doc_entities WHERE doc_id = ?", [removed]).fetchone()[0] == 0
    report = Indexer(db).update_entities()
    assert report.entities and entity_store.linked_fingerprint(db) is not None
    assert db.execute("SELECT count(*) FROM mentions WHERE entity_id IS NULL").fetchone()[0] == 0
