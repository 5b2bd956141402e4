"""Index build throughput, search latency vs a brute-force scan, index size.

    python bench/bench_index.py [--docs 10000]

Uses ../shared/bench/wikinews-ja replicated to --docs documents (in /tmp, never
in the project). Entity extraction is not part of this build.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import wikinews_corpus  # noqa: E402

from reader.queries.search import search  # noqa: E402
from reader.store.db import open_index  # noqa: E402
from reader.store.indexer import Indexer  # noqa: E402

QUERIES = {
    "1 char ja": ["米", "露", "株", "雨", "党"],
    "2 chars ja": ["停戦", "制裁", "選挙", "地震", "首相"],
    "3 chars ja": ["大統領", "裁判所", "国連軍", "新幹線", "サッカー"],
    "English": ["NHK", "Google", "Apple", "NASA", "FIFA"],
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    corpus = wikinews_corpus(args.docs)
    raw_bytes = sum(p.stat().st_size for p in corpus.iterdir() if p.suffix == ".txt")
    with tempfile.TemporaryDirectory() as tmp:
        index_file = Path(tmp) / "index.sqlite"
        db = open_index(index_file)
        started = time.perf_counter()
        report = Indexer(db, entities=False).index([corpus])
        elapsed = time.perf_counter() - started
        chars = db.execute("SELECT sum(chars) FROM documents").fetchone()[0]
        docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = index_file.stat().st_size
        print(f"documents: {docs} ({len(report.errors)} errors, {len(report.duplicates)} duplicates)")
        print(f"index build: {elapsed:.1f} s, {chars / elapsed / 1e6:.2f} M chars/s, "
              f"{raw_bytes / elapsed / 1e6:.2f} MB/s (UTF-8), {docs / elapsed:.0f} docs/s")
        print(f"index size: {size / 1e6:.1f} MB = {size / raw_bytes:.2f} x raw text ({raw_bytes / 1e6:.1f} MB)")

        passages = [row[0] for row in db.execute(
            "SELECT substr(d.text, p.start + 1, p.end - p.start) FROM passages p JOIN documents d "
            "ON d.id = p.doc_id WHERE p.duplicate_of IS NULL")]
        print(f"passages: {len(passages)}")
        print("scan = brute force over the same passage texts: held in Python (str in / regex), "
              "and in SQLite (instr over the stored text)")
        print(f"{'queries':<12} {'median ms':>10} {'p95 ms':>8} {'py scan ms':>11} {'speed-up':>9} "
              f"{'sql scan ms':>12} {'speed-up':>9}")
        for group, queries in QUERIES.items():
            ours, scan, sql_scan = [], [], []
            for query in queries:
                t = time.perf_counter()
                db.execute("SELECT count(*) FROM passages p JOIN documents d ON d.id = p.doc_id "
                           "WHERE p.duplicate_of IS NULL AND instr(substr(d.text, p.start + 1, p.end - p.start), ?)",
                           [query]).fetchone()
                sql_scan.append((time.perf_counter() - t) * 1000)
                word = re.compile(rf"\b{re.escape(query)}\b", re.I) if query.isascii() else None
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    hits = search(db, query, limit=20).hits
                    ours.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                found = [p for p in passages if (word.search(p) if word else query in p)]
                scan.append((time.perf_counter() - t) * 1000)
                assert bool(found) == bool(hits), query
            median = statistics.median(ours)
            print(f"{group:<12} {median:>10.2f} {_percentile(ours, 0.95):>8.2f} "
                  f"{statistics.median(scan):>11.1f} {statistics.median(scan) / median:>8.0f}x "
                  f"{statistics.median(sql_scan):>12.1f} {statistics.median(sql_scan) / median:>8.0f}x")


if __name__ == "__main__":
    main()
