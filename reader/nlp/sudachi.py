"""One Sudachi dictionary per process, shared by everything that tokenises.

The dictionary is a 200 MB memory-mapped file: each `Dictionary` object maps it
again, and every mapping's touched pages count in the process's memory, so the
extractor, the paraphrase sketches and the linker share this one.

Which system dictionary (``sudachidict_core`` or ``sudachidict_small``) is
chosen here and nowhere else: ``DICT``, overridden by the environment variable
``READER_SUDACHI_DICT`` (``core`` or ``small``). The NER model in
resources/ner/ is trained over one dictionary's tokens and must match it
(bench/train_ner.py tokenises through this module, so it follows the setting).

The packaged app ships the dictionary compressed; `system_dictionary()` unpacks it once into
the user's cache folder (reader/nlp/packed_dictionary.py) and Sudachi maps that copy.
"""
from __future__ import annotations

import os
import threading
from functools import lru_cache

DICT = "core"                       # the shipped dictionary: "core" or "small"
DICT_ENV = "READER_SUDACHI_DICT"    # overrides DICT (for training/scoring the other one)
DICTS = ("core", "small")

_lock = threading.Lock()


def dict_name() -> str:
    """The system dictionary in use: ``core`` or ``small``."""
    name = os.environ.get(DICT_ENV, "").strip().lower() or DICT
    if name not in DICTS:
        raise ValueError(f"{DICT_ENV}={name!r}: expected one of {', '.join(DICTS)}")
    return name


def system_dictionary() -> str:
    """What to hand Sudachi as ``dict``: the absolute path of the unpacked copy of the bundle's
    packed dictionary, or, from source, the name of the installed ``sudachidict_*`` package."""
    from reader import paths
    from reader.nlp import packed_dictionary

    packed = packed_dictionary.find_packed(paths.resource_path(), dict_name())
    if packed is None:
        return dict_name()
    try:
        cache = paths.cache_dir()
    except OSError as exc:
        raise packed_dictionary.DictionaryUnavailable(
            f"Reader cannot create its cache folder ({exc}); set READER_CACHE_DIR to a writable folder.") from exc
    return str(packed_dictionary.ensure_unpacked(packed, cache))


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary  # heavy: only when text is analysed

    return Dictionary(dict=system_dictionary())


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
        kwargs: dict[str, object] = {"mode": mode}
        if fields is not None:
            kwargs["fields"] = set(fields)
        cache[key] = dictionary().tokenizer(**kwargs)
    return cache[key]
