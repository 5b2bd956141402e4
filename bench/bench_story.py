"""What the timeline and statements cost: extraction time at index time, and query latency.

    python bench/bench_story.py [--docs 10000] [--keep] [--extract-docs 300]

1. Extraction: on --extract-docs Wikinews articles, the time to find events and statements
   (reader.store.story.find_story) against the time to analyse the same documents for the
   index with entities (reader.store.indexer.prepare), i.e. what it adds to index time.
2. Queries: builds (or, with --keep, reuses) an index of ../shared/bench/wikinews-ja
   replicated to --docs documents, with entities, in /tmp, and reports the median and p95 of
   `timeline` (all, per entity, per date window), `statements` (all, per speaker) and
   `search --entity` over a sample of entities.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_xref import _report, _timed  # noqa: E402
from corpus import SHARED, replicated_corpus  # noqa: E402

from reader.queries.entities import list_entities  # noqa: E402
from reader.queries.story import _entity_spelled, _expansion, entity_search, statements, timeline  # noqa: E402
from reader.store.db import open_index  # noqa: E402
from reader.store.entities import mention_spans  # noqa: E402
from reader.store.indexer import Indexer, prepare  # noqa: E402
from reader.store.story import find_story  # noqa: E402

VALUES = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}


def extraction_share(count: int) -> None:
    files = sorted((SHARED / "bench" / "wikinews-ja").glob("*.txt"))[:count]
    prepare(files[0], files[0].read_bytes(), with_entities=True)       # load the model first
    index_time = story_time = 0.0
    events = said = 0
    for path in files:
        data = path.read_bytes()
        started = time.perf_counter()
        prepared = prepare(path, data, with_entities=True)             # includes find_story
        index_time += time.perf_counter() - started
        doc = prepared.doc
        passages = [(p.start, p.end, p.lang, p.boilerplate, p.duplicate_of) for p in doc.passages]
        sentences = [(s.start, s.end) for p in doc.passages for s in p.sentences]
        started = time.perf_counter()
        found = find_story(doc.text, doc.date, None, passages, sentences, mention_spans(prepared.mentions))
        story_time += time.perf_counter() - started
        events += len(found[0])
        said += len(found[1])
    share = story_time / (index_time - story_time)
    print(f"extraction: {len(files)} documents, {events} events, {said} statements; analysis for the index "
          f"{index_time:.2f} s of which events and statements {story_time:.2f} s = +{share:.1%} over the rest")


def query_latency(docs: int, keep: bool, samples: int) -> None:
    tmp = Path(tempfile.gettempdir()) / "reader-bench-story"
    corpus = replicated_corpus(SHARED / "bench" / "wikinews-ja", docs, tmp / "wikinews")
    index_file = tmp / f"story-{docs}.sqlite"
    if not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{index_file}{suffix}").unlink(missing_ok=True)
    db = open_index(index_file)
    started = time.perf_counter()
    report = Indexer(db).index([corpus])
    if report.added:
        print(f"build with entities: {len(report.added)} documents in {time.perf_counter() - started:.0f} s")
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "events", "statements")}
    print(", ".join(f"{t} {n}" for t, n in counts.items()))
    rng = random.Random(7)
    named = [e for e in list_entities(db) if e.label not in VALUES]
    sample = named[:samples // 2] + rng.sample(named, min(len(named), samples // 2))
    speakers = [r[0] for r in db.execute("SELECT speaker_entity FROM statements WHERE speaker_entity IS NOT NULL "
                                         "GROUP BY speaker_entity ORDER BY count(*) DESC LIMIT ?", [samples])]
    years = [str(y) for y in range(2004, 2020)]
    _report("timeline (all, first 200)", _timed(lambda: timeline(db), [()] * 20))
    _report("timeline --entity", _timed(lambda e: timeline(db, entity=e.id), [(e,) for e in sample]))
    _report("timeline --from/--to (a year)", _timed(lambda y: timeline(db, date_from=y, date_to=y), [(y,) for y in years]))
    _report("statements (all, first 200)", _timed(lambda: statements(db), [()] * 20))
    _report("statements --speaker", _timed(lambda s: statements(db, speaker=s), [(s,) for s in speakers]))
    _report("search --entity", _timed(lambda e: entity_search(db, e.name), [(e,) for e in sample]))
    _report("  of which the other spellings",
            _timed(lambda e: _expansion(db, _entity_spelled(db, e.name), e.name, set(), 20),
                   [(e,) for e in sample if _entity_spelled(db, e.name)]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="reuse the index from an earlier run")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--extract-docs", type=int, default=300)
    args = parser.parse_args()
    extraction_share(args.extract_docs)
    query_latency(args.docs, args.keep, args.samples)


if __name__ == "__main__":
    main()
