"""Shared helpers for the annotation and export tests: a library over a copy of the seeds index."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from conftest import SEEDS


def copy_index(seeds_index, data_dir: Path) -> Path:
    """The session's seeds index copied into `data_dir` (as if `reader index` had run there)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / "index.sqlite"
    destination = sqlite3.connect(str(target))
    try:
        seeds_index.conn.backup(destination)
    finally:
        destination.close()
    return target


def make_library(seeds_index, data_dir: Path):
    from reader.library import Library

    copy_index(seeds_index, data_dir)
    return Library(data_dir)


def document(library, file_name: str):
    """(id, key, text) of the document with this file name."""
    return library.db.execute("SELECT id, key, text FROM documents WHERE file_name = ?", [file_name]).fetchone()


def seed_names() -> list[str]:
    return sorted(p.name for p in SEEDS.iterdir())


def copy_seeds(target: Path) -> Path:
    shutil.copytree(SEEDS, target)
    return target
