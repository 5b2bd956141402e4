"""End-to-end import: the Wikinews and Aozora Bunko corpora into a fresh index, entities included.

    python bench/bench_import.py [--no-entities] [--formats-only]

Imports ../shared/bench/wikinews-ja (1,835 articles) and ../shared/bench/aozora (100 works,
Aozora Bunko markup) in one run, as `reader index FOLDER...` does, into a temporary data
folder: documents/s and characters/s end to end and by stage (reading and analysis in
worker processes; entity extraction; linking), peak memory of this process and of its
workers, and the size of the index. Then the cost of each file format's loader on the
test fixtures (HTML with trafilatura, EPUB, PDF with pdfminer.six, Aozora text).
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import SHARED  # noqa: E402

from reader.ingest import load_file  # noqa: E402
from reader.progress import Progress  # noqa: E402
from reader.store.db import open_index  # noqa: E402
from reader.store.indexer import Indexer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FOLDERS = [SHARED / "bench" / "wikinews-ja", SHARED / "bench" / "aozora"]
FIXTURES = REPO / "tests" / "fixtures" / "import"


class StageClock:
    """Wall time of each indexer stage, from its progress reports."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.last: dict[str, float] = {}

    def __call__(self, progress: Progress) -> None:
        now = time.perf_counter()
        self.started.setdefault(progress.stage, now)
        self.last[progress.stage] = now

    def seconds(self, stage: str) -> float:
        return self.last.get(stage, 0.0) - self.started.get(stage, 0.0)


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024          # kB on Linux


def import_corpora(entities: bool) -> None:
    for folder in FOLDERS:
        if not folder.is_dir():
            sys.exit(f"missing corpus: {folder}")
    files = [p for folder in FOLDERS for p in folder.iterdir() if p.is_file()]
    raw_bytes = sum(p.stat().st_size for p in files)
    with tempfile.TemporaryDirectory(prefix="reader-bench-import-") as data_dir:
        index_file = Path(data_dir) / "index.sqlite"
        clock = StageClock()
        db = open_index(index_file)
        started = time.perf_counter()
        report = Indexer(db, progress=clock, entities=entities).index(FOLDERS)
        elapsed = time.perf_counter() - started
        docs, chars = db.execute("SELECT count(*), sum(chars) FROM documents").fetchone()
        passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
        mentions = db.execute("SELECT count(*) FROM mentions").fetchone()[0] if entities else 0
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        index_bytes = sum(p.stat().st_size for p in Path(data_dir).glob("index.sqlite*"))

    print(f"files: {len(files)} ({raw_bytes / 1e6:.1f} MB)  documents: {docs}  passages: {passages}"
          f"  characters: {chars / 1e6:.2f} M")
    print(f"errors: {len(report.errors)}  duplicates: {len(report.duplicates)}"
          + (f"  entity mentions: {mentions}  canonical entities: {report.entities}" if entities else ""))
    for error in report.errors[:5] + report.duplicates[:5]:
        print(f"  {Path(error.path).name}: {error.message}")
    print(f"end to end: {elapsed:.1f} s  {docs / elapsed:.1f} documents/s  {chars / elapsed / 1e3:.1f} k characters/s")
    for stage in ("scanning", "indexing", "entities", "linking"):
        seconds = clock.seconds(stage)
        if stage in clock.started:
            rate = f"  {docs / seconds:.1f} documents/s  {chars / seconds / 1e3:.1f} k characters/s" if seconds > 0.5 else ""
            print(f"  {stage}: {seconds:.1f} s{rate}")
    print(f"peak RSS: this process {peak_rss_mb(resource.RUSAGE_SELF):.0f} MB, "
          f"largest worker process {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    print(f"index size: {index_bytes / 1e6:.1f} MB ({index_bytes / raw_bytes:.2f} x the source files)")


def format_costs(repeat: int = 5) -> None:
    """Milliseconds per file of each loader (decode, extract, passages, metadata)."""
    samples = [FIXTURES / name for name in ("news_ja.html", "news_sjis.html", "news_en.html", "aozora_ruby.epub",
                                            "english.pdf", "japanese.pdf", "vertical.pdf")]
    samples += [SHARED / "bench" / "encodings" / "original" / "euc-jp__w3m__doc-jp_MANUAL.html",
                SHARED / "bench" / "aozora" / "000283_4338_ruby_14021.txt"]
    print("\nloader cost per file (after a first, warming load):")
    for path in samples:
        if not path.exists():
            continue
        data = path.read_bytes()
        doc = load_file(path, data)
        started = time.perf_counter()
        for _ in range(repeat):
            load_file(path, data)
        ms = (time.perf_counter() - started) / repeat * 1000
        print(f"  {path.name:40s} {len(data) / 1024:7.1f} KB  {doc.chars:7d} chars  {ms:8.1f} ms"
              f"  {doc.chars / ms:8.1f} k chars/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-entities", action="store_true", help="text and search only")
    parser.add_argument("--formats-only", action="store_true", help="only the per-format loader costs")
    args = parser.parse_args()
    if not args.formats_only:
        import_corpora(entities=not args.no_entities)
    format_costs()


if __name__ == "__main__":
    main()
