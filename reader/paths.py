"""Where things live: bundled resources and seeds, and the user's data directory.

One function answers for both a source checkout and a frozen (PyInstaller)
bundle, so no other module needs to know which it is running as.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Reader"
DATA_DIR_ENV = "READER_DATA_DIR"
CACHE_DIR_ENV = "READER_CACHE_DIR"
INDEX_FILE = "index.sqlite"
USER_DATA_FILE = "user.sqlite"


def bundle_root() -> Path:
    """The folder holding `resources/` and `seeds/`: the bundle when frozen, else the repo."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return bundle_root().joinpath("resources", *parts)


def seeds_dir() -> Path:
    return bundle_root() / "seeds"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The user data directory: `--data-dir`, else $READER_DATA_DIR, else the platform's."""
    chosen = override or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Files Reader can make again (the unpacked dictionary): $READER_CACHE_DIR, else the platform's
    user cache folder (e.g. ~/.cache/Reader). Created on first use."""
    chosen = os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def index_path(data: Path) -> Path:
    """The disposable index, rebuilt from sources whenever needed."""
    return data / INDEX_FILE


def user_data_path(data: Path) -> Path:
    """The user's own data (annotations, entity corrections): never touched by a rebuild."""
    return data / USER_DATA_FILE
