"""Entities in the index and the cross-reference views, with the real extractor on the seeds."""
from __future__ import annotations

import pytest

from reader.queries.documents import get_document, list_documents
from reader.queries.entities import (EntityNotFound, cooccurring, document_mentions, entity_mentions, get_entity,
                                     list_entities, related_documents, similar_passages)


def _doc_id(db, prefix: str) -> int:
    return next(d.id for d in list_documents(db) if d.file_name.startswith(prefix))


def test_putin_is_one_entity_across_scripts_and_documents(seeds_index):
    putin = get_entity(seeds_index, "プーチン")
    assert putin.label == "PERSON"
    assert get_entity(seeds_index, "Putin").id == putin.id
    assert get_entity(seeds_index, "ウラジーミル・プーチン").id == putin.id
    groups = entity_mentions(seeds_index, putin.id)
    assert len(groups) >= 4
    surfaces = {m.match for g in groups for m in g.mentions}
    assert "Putin" in surfaces and "プーチン" in surfaces


@pytest.mark.parametrize("names,label", [
    (["キーウ", "キエフ", "Kiev"], "GPE"),
    (["モスクワ", "Moscow"], "GPE"),
    (["中国", "China"], "GPE"),
    (["トランプ", "ドナルド・トランプ"], "PERSON"),
    (["ウィトコフ", "Witkoff"], "PERSON"),
])
def test_spellings_link_to_one_entity(seeds_index, names, label):
    ids = {get_entity(seeds_index, n).id for n in names}
    assert len(ids) == 1
    assert get_entity(seeds_index, names[0]).label == label


def test_common_nouns_are_not_entities(seeds_index):
    for word in ["制裁", "交渉", "大統領", "停戦"]:
        with pytest.raises(EntityNotFound):
            get_entity(seeds_index, word)


def test_mentions_in_repeated_passages_do_not_count(seeds_index):
    doc = _doc_id(seeds_index, "002")
    mentions = document_mentions(seeds_index, doc)
    assert any(not m.counted for m in mentions)   # the second copy of the article is highlighted...
    putin = get_entity(seeds_index, "プーチン")
    counted = sum(len(g.mentions) for g in entity_mentions(seeds_index, putin.id))
    assert counted == putin.mentions               # ...but not counted


def test_mentions_are_grouped_by_document_in_date_order(seeds_index):
    groups = entity_mentions(seeds_index, get_entity(seeds_index, "ウクライナ").id)
    dates = [g.document.date for g in groups if g.document.date]
    assert dates == sorted(dates)
    text_of = {d.id: None for d in list_documents(seeds_index)}
    assert set(g.document.id for g in groups) <= set(text_of)
    for g in groups:
        for m in g.mentions:
            assert m.left or m.right


def test_cooccurring_entities_are_ranked_by_association(seeds_index):
    putin = get_entity(seeds_index, "プーチン")
    together = cooccurring(seeds_index, putin.id)
    assert together
    assert all(c.together >= 2 for c in together)
    assert [c.score for c in together] == sorted((c.score for c in together), reverse=True)
    assert putin.id not in {c.entity.id for c in together}


def test_related_documents_share_rare_entities(seeds_index):
    doc = _doc_id(seeds_index, "002")
    related = related_documents(seeds_index, doc)
    assert related and doc not in {r.document.id for r in related}
    assert all(r.shared or r.shared_passages for r in related)
    assert [r.score for r in related] == sorted((r.score for r in related), reverse=True)


def test_related_documents_weigh_the_rarest_entities_first_when_they_must_choose(seeds_index, monkeypatch):
    from reader.queries import entities as queries

    doc = _doc_id(seeds_index, "002")
    everything = related_documents(seeds_index, doc)
    monkeypatch.setattr(queries, "RELATED_POSTINGS", 10 ** 9)
    assert related_documents(seeds_index, doc) == everything        # the seeds are well within the budget
    monkeypatch.setattr(queries, "RELATED_POSTINGS", 1)             # room for one entity only: the rarest
    rarest = seeds_index.execute(
        "SELECT e.name FROM doc_entities de JOIN entities e ON e.id = de.entity_id WHERE de.doc_id = ? "
        "AND e.hidden = 0 AND e.label NOT IN ('DATE', 'TIME', 'MONEY', 'PERCENT', 'QUANTITY') "
        "ORDER BY e.documents, e.id LIMIT 1", [doc]).fetchone()[0]
    for related in related_documents(seeds_index, doc):
        assert related.shared in ([rarest], []) and (related.shared or related.shared_passages)


def test_a_copied_passage_is_found_in_the_other_document(tmp_path, seeds_copy):
    """A passage that another article copies (with small edits) is found as a repeat."""
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    source = (seeds_copy / "002_6c9cfde7eb9d63d6.txt").read_text(encoding="utf-8").splitlines()
    quoted = next(line for line in source if "30日間の停戦" in line and len(line) > 80)
    (seeds_copy / "quoting.txt").write_text(
        "別の記事\n\n記事は次のように伝えた。\n\n" + quoted.replace("米国", "アメリカ") + "\n", encoding="utf-8")
    db = open_index(tmp_path / "index.sqlite")
    Indexer(db).index([seeds_copy])
    quoting = _doc_id(db, "quoting")
    seq = next(p.seq for p in get_document(db, quoting).passages if p.end - p.start > 60)
    found = similar_passages(db, quoting, seq)
    assert any(s.document.file_name.startswith("002") and s.kind == "repeat" for s in found)


def test_every_entity_listed_has_counted_mentions(seeds_index):
    entities = list_entities(seeds_index)
    assert len(entities) > 50
    assert all(e.mentions > 0 for e in entities)
    people = list_entities(seeds_index, "PERSON")
    assert people and all(e.label == "PERSON" for e in people)


def test_user_merge_survives_a_full_reindex(tmp_path, seeds_copy):
    from reader.library import Library

    library = Library(tmp_path / "data")
    library.update([seeds_copy])
    trump = get_entity(library.db, "トランプ")
    witkoff = get_entity(library.db, "ウィトコフ")
    library.user.add_correction("merge", trump.id, witkoff.id)
    library.indexer().update_entities()
    assert get_entity(library.db, "ウィトコフ").id == get_entity(library.db, "トランプ").id
    library.close()
    (tmp_path / "data" / "index.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / "data" / f"index.sqlite{suffix}").unlink(missing_ok=True)
    library = Library(tmp_path / "data")
    library.update([seeds_copy])
    assert get_entity(library.db, "ウィトコフ").id == get_entity(library.db, "トランプ").id


def test_hide_and_rename(tmp_path, seeds_copy):
    from reader.library import Library

    library = Library(tmp_path / "data")
    library.update([seeds_copy])
    moscow = get_entity(library.db, "モスクワ")
    library.user.add_correction("rename", moscow.id, "Moscow (city)")
    library.user.add_correction("hide", get_entity(library.db, "中国").id)
    library.indexer().update_entities()
    assert get_entity(library.db, "モスクワ").name == "Moscow (city)"
    shown = {e.name for e in list_entities(library.db)}
    assert "Moscow (city)" in shown
    assert not any(e.id == get_entity(library.db, "China").id for e in list_entities(library.db))


def test_mentions_can_be_limited_to_the_first_documents(seeds_index):
    putin = get_entity(seeds_index, "プーチン")
    everything = entity_mentions(seeds_index, putin.id)
    first_two = entity_mentions(seeds_index, putin.id, max_documents=2)
    assert [g.document.id for g in first_two] == [g.document.id for g in everything[:2]]
    assert first_two[0].mentions == everything[0].mentions


def test_shared_passage_counts_agree_with_the_similar_passages_view(seeds_index):
    """Related documents count exactly the passages the passage view would show as repeats or paraphrases."""
    for doc in list_documents(seeds_index):
        expected: dict[int, set[int]] = {}
        for passage in get_document(seeds_index, doc.id).passages:
            for match in similar_passages(seeds_index, doc.id, passage.seq, limit=1000):
                expected.setdefault(match.document.id, set()).add(match.passage_seq)
        counted = {r.document.id: r.shared_passages for r in related_documents(seeds_index, doc.id, limit=100)}
        for other, count in counted.items():
            assert count == len(expected.get(other, ())), (doc.file_name, other)
