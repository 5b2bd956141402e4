"""The window's entity queries (`reader.queries.entities`) on its connection, with a small cache.

An entity that is not there (a stale id after a relink) is an empty answer. A database error is
not: it is logged with its traceback and reported through `on_error` (the window shows it in the
status bar), so a broken query never passes for "no cross-references".
"""
from __future__ import annotations

import logging
import sqlite3
from typing import Any, Callable

from reader.queries import entities as queries

log = logging.getLogger(__name__)


class EntityData:
    """Entity queries for one connection (the UI thread's), with a cache of entity summaries."""

    def __init__(self, db: sqlite3.Connection, on_error: Callable[[str], None] | None = None) -> None:
        self.db = db
        self.on_error = on_error
        self._summaries: dict[str, Any] = {}

    def clear_cache(self) -> None:
        self._summaries.clear()

    def _call(self, function: Callable, *args, default=None, **kwargs):
        try:
            return function(self.db, *args, **kwargs)
        except LookupError:
            return default
        except sqlite3.Error as error:
            log.exception("entity query %s failed", function.__name__)
            if self.on_error is not None:
                self.on_error(f"Cross-references could not be read: {error}")
            return default

    def document_mentions(self, doc_id: int) -> list:
        return self._call(queries.document_mentions, doc_id, default=[]) or []

    def entity(self, entity_id: str):
        if entity_id not in self._summaries:
            summary = self._call(queries.get_entity, entity_id)
            if summary is None:
                return None
            self._summaries[entity_id] = summary
        return self._summaries[entity_id]

    def entity_mentions(self, entity_id: str, max_documents: int | None = None) -> list:
        return self._call(queries.entity_mentions, entity_id, max_documents=max_documents, default=[]) or []

    def cooccurring(self, entity_id: str, limit: int = 20) -> list:
        return self._call(queries.cooccurring, entity_id, limit=limit, default=[]) or []

    def related_documents(self, doc_id: int, limit: int = 10) -> list:
        return self._call(queries.related_documents, doc_id, limit=limit, default=[]) or []

    def similar_passages(self, doc_id: int, passage_seq: int, limit: int = 10) -> list:
        return self._call(queries.similar_passages, doc_id, passage_seq, limit=limit, default=[]) or []
