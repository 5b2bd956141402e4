from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"

# Tests never touch the user's real data directory or a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory):
    """A real index built once from the seeds, for read-only tests."""
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    db = open_index(tmp_path_factory.mktemp("seeds-index") / "index.sqlite")
    report = Indexer(db).index([SEEDS], prune_missing=True)  # with entities: the real extractor
    assert not report.errors, report.errors
    return db


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A writable copy of the seeds folder."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():   # missing test data is a failure, never a silent skip
        pytest.fail(f"shared test corpus missing: {path} (the checkout's ../shared)")
    return path


@pytest.fixture
def library(seeds_index, tmp_path):
    """A Library over a copy of the seeds index in a fresh data dir (for the annotation tests)."""
    from annotations_support import make_library

    library = make_library(seeds_index, tmp_path / "data")
    yield library
    library.close()
