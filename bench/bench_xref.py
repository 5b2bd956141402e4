"""Cross-reference query latency on a large index, entities included.

    python bench/bench_xref.py [--docs 10000] [--keep]

Builds (or, with --keep, reuses) an index of ../shared/bench/wikinews-ja
replicated to --docs documents, with entity extraction, in /tmp; reports the
build and the median / p95 latency of each cross-reference query over a sample
of entities, documents and passages.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import SHARED, replicated_corpus  # noqa: E402

from reader.queries.entities import (cooccurring, entity_mentions, list_entities, related_documents,  # noqa: E402
                                     similar_passages)
from reader.store.db import open_index  # noqa: E402
from reader.store.indexer import Indexer  # noqa: E402


def _timed(fn, samples) -> list[float]:
    times = []
    for sample in samples:
        t = time.perf_counter()
        fn(*sample)
        times.append((time.perf_counter() - t) * 1000)
    return times


def _report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))]
    print(f"{name:<28} median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   n={len(times)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="reuse the index from an earlier run")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    tmp = Path(tempfile.gettempdir()) / "reader-bench"
    corpus = replicated_corpus(SHARED / "bench" / "wikinews-ja", args.docs, tmp / "wikinews")
    index_file = tmp / f"xref-{args.docs}.sqlite"
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{index_file}{suffix}").unlink(missing_ok=True)
    db = open_index(index_file)
    started = time.perf_counter()
    report = Indexer(db).index([corpus])
    elapsed = time.perf_counter() - started
    chars = db.execute("SELECT sum(chars) FROM documents").fetchone()[0]
    if report.added:
        rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"build with entities: {len(report.added)} documents in {elapsed:.1f} s = "
              f"{chars / elapsed:,.0f} chars/s; peak RSS main {rss_self:.0f} MB, largest worker {rss_children:.0f} MB")
    mentions, entities = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("mentions", "entities"))
    print(f"documents {db.execute('SELECT count(*) FROM documents').fetchone()[0]}, mentions {mentions}, "
          f"entities {entities}")

    rng = random.Random(7)
    named = [e.id for e in list_entities(db) if e.label not in {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}]
    # Frequent entities are the slow case and the ones people click: sample half from the top.
    sample_entities = named[:args.samples // 2] + rng.sample(named, min(len(named), args.samples // 2))
    doc_ids = [r[0] for r in db.execute("SELECT id FROM documents")]
    passages = db.execute("SELECT doc_id, seq FROM passages WHERE sketch IS NOT NULL OR words IS NOT NULL").fetchall()
    _report("entity -> mentions (KWIC)", _timed(lambda e: entity_mentions(db, e), [(e,) for e in sample_entities]))
    _report("entity -> co-occurring", _timed(lambda e: cooccurring(db, e), [(e,) for e in sample_entities]))
    _report("document -> related", _timed(lambda d: related_documents(db, d),
                                          [(d,) for d in rng.sample(doc_ids, args.samples)]))
    _report("passage -> similar", _timed(lambda d, s: similar_passages(db, d, s),
                                         rng.sample(passages, args.samples)))


if __name__ == "__main__":
    main()
