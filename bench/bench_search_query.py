"""Time of `reader.queries.search.search` for over-long queries of distinct Latin words
(the seeds indexed into a temporary folder). Prints seconds per query size; under a minute.

    PYTHONPATH=. python bench/bench_search_query.py
"""
from __future__ import annotations

import random
import string
import tempfile
import time
from pathlib import Path

from reader.queries.search import search
from reader.store.db import open_index
from reader.store.indexer import Indexer

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def distinct_words(size: int, rng: random.Random) -> str:
    words: set[str] = set()
    total = 0
    while total < size:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9)))
        if word not in words:
            words.add(word)
            total += len(word) + 1
    return " ".join(words)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = open_index(Path(folder) / "index.sqlite")
        Indexer(db, entities=False).index([SEEDS])
        rng = random.Random(1)
        print(f"{'query bytes':>12} {'seconds':>8}  notice")
        for size in (1_000, 20_000, 120_000, 1_000_000):
            query = distinct_words(size, rng)
            start = time.perf_counter()
            result = search(db, query)
            print(f"{len(query):>12,} {time.perf_counter() - start:8.4f}  {result.notice or '-'}")


if __name__ == "__main__":
    main()
