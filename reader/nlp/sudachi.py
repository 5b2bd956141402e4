"""One Sudachi dictionary per process, shared by everything that tokenises.

The dictionary is a 200 MB memory-mapped file: each `Dictionary` object maps it
again, and every mapping's touched pages count in the process's memory, so the
extractor, the paraphrase sketches and the linker share this one.
"""
from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary  # heavy: only when text is analysed

    return Dictionary(dict="core")


def dictionary():
    with _lock:
        return _dictionary()


_local = threading.local()


def tokenizer(mode: str = "C", fields: frozenset[str] | None = None):
    """A tokenizer over the shared dictionary, one per thread and mode (they are not thread-safe)."""
    key = (mode, fields)
    cache = getattr(_local, "tokenizers", None)
    if cache is None:
        cache = _local.tokenizers = {}
    if key not in cache:
        kwargs = {"mode": mode}
        if fields is not None:
            kwargs["fields"] = set(fields)
        cache[key] = dictionary().tokenizer(**kwargs)
    return cache[key]
