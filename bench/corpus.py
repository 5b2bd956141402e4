"""Benchmark corpora: the shared real texts, replicated to a target size.

Replicas get a last line naming the copy, so each has its own content hash and
is indexed rather than recognised as a duplicate; the text is otherwise real.
"""
from __future__ import annotations

import shutil
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def replicated_corpus(source: Path, count: int, target: Path) -> Path:
    """`count` documents in `target` made from the files of `source` (cached by count)."""
    marker = target.parent / f"{target.name}.complete-{count}"
    if marker.exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    files = sorted(p for p in source.iterdir() if p.is_file())
    for n in range(count):
        original = files[n % len(files)]
        copy = n // len(files)
        data = original.read_bytes()
        if copy:
            data += f"\n(replica {copy})\n".encode()
        (target / f"{n:05d}_{original.name}").write_bytes(data)
    marker.touch()
    return target


def wikinews_corpus(count: int) -> Path:
    """The Japanese Wikinews articles replicated to `count` documents (in the temporary folder)."""
    import tempfile

    return replicated_corpus(SHARED / "bench" / "wikinews-ja", count,
                             Path(tempfile.gettempdir()) / "reader-bench" / "wikinews")
