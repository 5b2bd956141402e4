"""What the storage checks cost: the index check every `Library.update` runs (SQLite's quick check
and the full-text index's integrity check), and the notes file's quick check before its first
write, with reading every note.

    python bench/bench_storage.py [--docs 2000] [--notes 20000]

Uses ../shared/bench/wikinews-ja replicated to --docs documents (in /tmp, never in the project).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import wikinews_corpus  # noqa: E402

from reader.annotations.model import Annotation, now_iso  # noqa: E402
from reader.annotations.storage import AnnotationStore  # noqa: E402
from reader.store import db as index_db  # noqa: E402
from reader.store import sql  # noqa: E402
from reader.store.indexer import Indexer  # noqa: E402


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--notes", type=int, default=20_000)
    args = parser.parse_args()

    corpus = wikinews_corpus(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        index_file = Path(tmp) / "index.sqlite"
        db = index_db.open_index(index_file)
        Indexer(db, entities=False).index([corpus])
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = index_file.stat().st_size / 1e6
        seconds, found = timed(lambda: index_db.problems(db.conn))
        print(f"index: {args.docs} documents, {size:.0f} MB; check before each update: {seconds:.2f} s "
              f"({'sound' if found is None else found})")
        db.conn.close()

        store = AnnotationStore.open(Path(tmp) / "user.sqlite")
        moment = now_iso()
        store.merge_annotations([Annotation(f"00000000-0000-4000-8000-{i:012d}", "0" * 64, f"f{i % 500}.txt",
                                            "yellow", f"note {i} " + "理由" * 40, ("tag",), moment, moment,
                                            "exact text", "prefix", "suffix", i, i + 10, "anchored", i, i + 10)
                                 for i in range(args.notes)])
        store.close()
        size = (Path(tmp) / "user.sqlite").stat().st_size / 1e6
        store = AnnotationStore.open(Path(tmp) / "user.sqlite")
        seconds, result = timed(lambda: sql.quick_check(store.conn))
        print(f"notes: {args.notes} annotations, {size:.0f} MB; quick check before the first write: "
              f"{seconds:.2f} s ({result})")
        seconds, notes = timed(store.annotations)
        print(f"notes: reading all {len(notes)} (checked row by row): {seconds:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
