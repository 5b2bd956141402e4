"""Bottom-k MinHash sketches of passages, to find repeats and close paraphrases.

Each passage of a useful length gets the K smallest of the hashes of its
character 5-grams (one hash function, bottom-k: Cohen & Kaplan). Two passages
with Jaccard similarity J share each of their smallest hashes with probability
about J, so a lookup table of each passage's few smallest hashes finds the
candidates, and the full sketches estimate J. Hashes are computed for a whole
document at once with NumPy: the per-passage Python work is a slice and a
partition.
"""
from __future__ import annotations

import hashlib
import struct
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # NumPy is for building sketches; comparing them needs none
    import numpy as np
    from numpy import ndarray   # (inside functions, `np` names the lazily imported module)

SHINGLE = 5
K = 16            # sketch size stored per passage: estimates J within about ±0.12
LOOKUP = 4        # smallest hashes indexed for finding candidates
MIN_CHARS = 40    # shorter passages (titles, labels) are not compared

@lru_cache(maxsize=1)
def _numpy():
    import numpy

    return numpy


def _shingle_hashes(text: str) -> "np.ndarray":
    """A 63-bit hash of every SHINGLE-character window of `text` (position i → window at i)."""
    np = _numpy()
    prime, mix1, mix2, shift = np.uint64(0x100000001B3), np.uint64(0xFF51AFD7ED558CCD), \
        np.uint64(0xC4CEB9FE1A85EC53), np.uint64(33)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = np.zeros(count, dtype=np.uint64)
        for offset in range(SHINGLE):
            h = h * prime + codes[offset:offset + count]
        # A finaliser (MurmurHash3's) so the order of hashes is as good as random.
        h ^= h >> shift
        h *= mix1
        h ^= h >> shift
        h *= mix2
        h ^= h >> shift
    return h >> np.uint64(1)  # fits SQLite's signed 64-bit integers


# Hashes take ~30 bytes a character while computed: a long document is hashed this many
# characters (of whole passages) at a time, so its memory stays bounded.
_HASH_CHUNK_CHARS = 1_000_000


def document_sketches(text: str, spans: list[tuple[int, int]]) -> list["np.ndarray | None"]:
    """For each (start, end) passage span: its sorted bottom-K hashes, or None if too short."""
    np = _numpy()
    sketches: list[ndarray | None] = []
    base, hashes = 0, np.zeros(0, dtype=np.uint64)
    for start, end in spans:
        if end - start < MIN_CHARS:
            sketches.append(None)
            continue
        if start < base or end - SHINGLE + 1 - base > len(hashes):
            base = start
            hashes = _shingle_hashes(text[base:max(end, min(len(text), base + _HASH_CHUNK_CHARS))])
        window = np.unique(hashes[start - base:end - SHINGLE + 1 - base])
        if len(window) > K:
            window = np.sort(np.partition(window, K)[:K])
        sketches.append(window)
    return sketches


def to_blob(sketch: "np.ndarray") -> bytes:
    return sketch.astype("<i8").tobytes()


def from_blob(blob: bytes) -> tuple[int, ...]:
    """A stored sketch as sorted ints (plain Python: queries compare a few dozen of them,
    where NumPy's per-call cost would dominate)."""
    return struct.unpack(f"<{len(blob) // 8}q", blob)


def jaccard_estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """Bottom-k estimate: of the k smallest hashes of A ∪ B, the share found in both."""
    k = min(K, len(a), len(b))
    if k == 0:
        return 0.0
    in_a, in_b = set(a), set(b)
    union_bottom = sorted(in_a | in_b)[:k]
    return sum(1 for h in union_bottom if h in in_a and h in in_b) / k


MIN_WORDS = 6     # fewer content words say too little to call two passages paraphrases


def word_sketch(words: Iterable[str]) -> "np.ndarray | None":
    """Bottom-K hashes of a passage's content words (stable across runs), or None if too few."""
    np = _numpy()
    unique = set(words)
    if len(unique) < MIN_WORDS:
        return None
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little") >> 1 for w in unique),
        dtype=np.int64, count=len(unique))
    return np.sort(hashes)[:K]
