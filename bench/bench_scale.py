"""How linking and the cross-reference queries grow with the library: the curve.

    python bench/bench_scale.py [--docs 10000 20000 50000] [--samples 100] [--no-link]

The --base size is built as bench/bench_xref.py builds it (../shared/bench/wikinews-ja
replicated, entities extracted; reused when already built in the temporary folder).
Larger sizes are grown from it in SQL, by copying its documents with everything extraction
stored for them (passages, sentences, mentions, sketches) under new ids and keys: what the
replicated corpus would give, without hours of extraction. (The full-text index is not
copied; no cross-reference query reads it.)

For each size: the linking stage as the indexer runs it (a child process over the whole
index), with that child's peak RSS; then the median / p95 latency of each query as the
window asks it (an entity's mentions for its first 100 documents, co-occurring entities,
related documents, similar passages).
"""
from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import SHARED, replicated_corpus  # noqa: E402

from reader.queries.entities import (cooccurring, entity_mentions, list_entities, related_documents,  # noqa: E402
                                     similar_passages)
from reader.store import entities as entity_store  # noqa: E402
from reader.store.db import open_index  # noqa: E402
from reader.store.indexer import Indexer  # noqa: E402

MENTION_DOCUMENTS = 100      # as the window's entity card (reader/ui/xref.py)
VALUE_LABELS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}
# Tables copied per document, and their columns that point at a document or a passage.
COPIED = [("documents", "id", None), ("passages", "doc_id", "id"), ("sentences", "doc_id", None),
          ("mentions", "doc_id", None), ("passage_sketches", None, "passage_id"),
          ("passage_words", None, "passage_id")]


def _built(docs: int, folder: Path) -> Path:
    """The index of `docs` replicated articles with entities, built once."""
    index_file = folder / f"xref-{docs}.sqlite"
    db = open_index(index_file)
    try:
        if db.execute("SELECT count(*) FROM documents WHERE extracted = 1").fetchone()[0] < docs:
            corpus = replicated_corpus(SHARED / "bench" / "wikinews-ja", docs, folder / "wikinews")
            started = time.perf_counter()
            Indexer(db).index([corpus])
            print(f"built {docs} documents with entities in {time.perf_counter() - started:.0f} s")
    finally:
        db.conn.close()
    return index_file


def _grown(base: Path, docs: int, folder: Path) -> Path:
    """A copy of `base` grown to `docs` documents by copying its documents in SQL."""
    target = folder / f"scale-{docs}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source, conn = sqlite3.connect(base), sqlite3.connect(target)
    source.backup(conn)
    source.close()
    base_docs, max_doc = conn.execute("SELECT count(*), max(id) FROM documents").fetchone()
    max_passage = conn.execute("SELECT max(id) FROM passages").fetchone()[0]
    columns = {table: [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] for table, _, _ in COPIED}
    copy = 0
    while conn.execute("SELECT count(*) FROM documents").fetchone()[0] < docs:
        copy += 1
        wanted = docs - conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        shift_doc, shift_passage = copy * max_doc, copy * max_passage
        with conn:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS copied (id INTEGER PRIMARY KEY)")
            conn.execute("DELETE FROM copied")
            conn.execute("INSERT INTO copied SELECT id FROM documents WHERE id <= ? ORDER BY id LIMIT ?",
                         [max_doc, min(wanted, base_docs)])
            for table, doc_column, passage_column in COPIED:
                select = []
                for column in columns[table]:
                    if table == "documents" and column in ("key", "path"):
                        select.append(f"{column} || ' (copy {copy})'")
                    elif column == doc_column or (table == "documents" and column == "id"):
                        select.append(f"{column} + {shift_doc}")
                    elif column == passage_column or (table == "passages" and column == "id"):
                        select.append(f"{column} + {shift_passage}")
                    elif column == "id":     # rows of their own (mentions, sentences): new ids
                        select.append("NULL")
                    else:
                        select.append(column)
                if table == "documents":
                    where = "id IN (SELECT id FROM copied)"
                elif doc_column:
                    where = f"{doc_column} IN (SELECT id FROM copied)"
                else:
                    where = f"{passage_column} IN (SELECT p.id FROM passages p JOIN copied c ON c.id = p.doc_id)"
                conn.execute(f"INSERT INTO {table} ({', '.join(columns[table])}) "
                             f"SELECT {', '.join(select)} FROM {table} WHERE {where}")
    conn.execute("DELETE FROM state WHERE key = 'linked'")
    conn.commit()
    conn.close()
    return target


def _link(index_file: Path) -> str:
    """Relink the whole index as the indexer does (it links in a child process); its figures.
    Run in a process of its own, so the child's peak RSS is this size's, not an earlier one's."""
    done = subprocess.run([sys.executable, __file__, "--link-only", str(index_file)], check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


def _link_here(index_file: Path) -> str:
    db = open_index(index_file)
    try:
        with db.conn:
            entity_store.mark_unlinked(db)
        started = time.perf_counter()
        report = Indexer(db).update_entities()
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        mentions = db.execute("SELECT count(*) FROM mentions").fetchone()[0]
    finally:
        db.conn.close()
    return (f"{mentions:,} mentions -> {report.entities:,} entities in {elapsed:.1f} s; "
            f"linking child peak RSS {peak / 1024:.0f} MB")


def _timed(fn, samples) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per call. On a shared machine a call that waits for a core
    shows in the wall clock only: the CPU time is the query's own cost."""
    wall, cpu = [], []
    for sample in samples:
        started, started_cpu = time.perf_counter(), time.process_time()
        fn(*sample)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _figures(times: tuple[list[float], list[float]]) -> tuple[float, float, float, float]:
    """(median, p95) of the wall clock, then of the CPU time."""
    out = []
    for values in times:
        ordered = sorted(values)
        out += [statistics.median(values), ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))]]
    return tuple(out)


def _queries(index_file: Path, samples: int) -> dict[str, tuple[float, ...]]:
    db = open_index(index_file)
    try:
        rng = random.Random(7)
        named = [e.id for e in list_entities(db) if e.label not in VALUE_LABELS]
        # frequent entities are the slow case and the ones people click: half from the top
        sample_entities = [(e,) for e in named[:samples // 2] + rng.sample(named, min(len(named), samples // 2))]
        doc_ids = [(r[0],) for r in db.execute("SELECT id FROM documents")]
        passages = db.execute("SELECT doc_id, seq FROM passages WHERE sketch IS NOT NULL OR words IS NOT NULL "
                              "ORDER BY random() LIMIT ?", [samples]).fetchall()
        return {
            "entity -> mentions (KWIC)": _figures(_timed(
                lambda e: entity_mentions(db, e, max_documents=MENTION_DOCUMENTS), sample_entities)),
            "entity -> co-occurring": _figures(_timed(lambda e: cooccurring(db, e), sample_entities)),
            "document -> related": _figures(_timed(lambda d: related_documents(db, d),
                                                   rng.sample(doc_ids, min(samples, len(doc_ids))))),
            "passage -> similar": _figures(_timed(lambda d, s: similar_passages(db, d, s), passages)),
        }
    finally:
        db.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 20_000, 50_000])
    parser.add_argument("--base", type=int, default=10_000, help="documents built (and extracted) for real")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--no-link", action="store_true", help="time the queries only (indexes already linked)")
    parser.add_argument("--link-only", type=Path, help=argparse.SUPPRESS)   # one size's linking (see _link)
    args = parser.parse_args()
    if args.link_only:
        print(_link_here(args.link_only))
        return

    folder = Path(tempfile.gettempdir()) / "reader-bench"
    folder.mkdir(parents=True, exist_ok=True)
    sizes = sorted(args.docs)
    base = _built(args.base, folder)
    curve: dict[int, dict[str, tuple[float, ...]]] = {}
    for docs in sizes:
        index_file = folder / f"scale-{docs}.sqlite"
        if not (args.no_link and index_file.exists()):
            index_file = _grown(base, docs, folder)
        if not args.no_link:
            print(f"{docs:>6} documents: linking {_link(index_file)}", flush=True)
        curve[docs] = _queries(index_file, args.samples)
        for name, (median, p95, cpu_median, cpu_p95) in curve[docs].items():
            print(f"{docs:>6} documents: {name:<27} median {median:6.2f} ms   p95 {p95:6.2f} ms   "
                  f"(CPU: median {cpu_median:6.2f} ms, p95 {cpu_p95:6.2f} ms)", flush=True)
    print("\np95 in ms, wall clock / CPU" + "".join(f"{docs:>16}" for docs in sizes))
    for name in curve[sizes[0]]:
        print(f"{name:<27}" + "".join(f"{curve[docs][name][1]:8.2f} /{curve[docs][name][3]:6.2f}" for docs in sizes))


if __name__ == "__main__":
    main()
