"""The user's library: the index, the user data and how the index is brought up to date.

The CLI and the window both start here, so an index run always applies the
user's entity corrections and alias tables the same way.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import sqlite_utils

from reader import paths
from reader.progress import CancelToken, ProgressCallback, no_progress
from reader.store.db import open_index
from reader.store.indexer import Indexer, IndexReport
from reader.store.userdata import UserData

USER_ALIAS_FILE = "aliases.tsv"   # same format as resources/aliases.tsv, see resources/ALIASES.md


class Library:
    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = paths.data_dir(data_dir)
        self.index_path = paths.index_path(self.data_dir)
        self._db: sqlite_utils.Database | None = None
        self._user: UserData | None = None
        self.reanchored = None  # the annotations' ReanchorReport from the last update()

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = open_index(self.index_path)
        return self._db

    @property
    def user(self) -> UserData:
        if self._user is None:
            self._user = UserData(paths.user_data_path(self.data_dir))
        return self._user

    def alias_paths(self) -> list[Path]:
        """The user's own alias table, if they made one, layered over the bundled one."""
        own = self.data_dir / USER_ALIAS_FILE
        return [own] if own.exists() else []

    def corrections(self) -> list:
        from reader.nlp.canonical import Correction

        return [Correction(c.kind, c.entity, c.value) for c in self.user.corrections()]

    def indexer(self, db: sqlite_utils.Database | None = None, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None, entities: bool = True) -> Indexer:
        """An indexer over `db` (a worker thread passes its own connection) with the user's corrections."""
        return Indexer(db or self.db, progress=progress, cancel=cancel, entities=entities,
                       corrections=self.corrections() if entities else (), alias_paths=self.alias_paths())

    def update(self, sources: Sequence[Path] | None = None, **kwargs) -> IndexReport:
        """Index `sources`, or sync the bundled seeds when none are given; then re-anchor the
        user's annotations to the documents' current text (the report in `self.reanchored`)."""
        if sources:
            report = self.indexer(**kwargs).index(sources)
        else:
            report = self.indexer(**kwargs).index([paths.seeds_dir()], prune_missing=True)
        if not report.cancelled:  # a cancelled run has not seen every document: re-anchor next time
            from reader.annotations.service import reanchor_after_index

            self.reanchored = reanchor_after_index(self, kwargs.get("db"))
        return report

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        if self._user is not None:
            self._user.close()
            self._user = None
