"""A tolerant adapter over `reader.queries.entities`.

The window must work with whatever entity data exists, including none: when the
module is missing, or the index has no entity tables yet, every call returns an
empty answer instead of raising, and `available` says so.
"""
from __future__ import annotations

import importlib
import logging
import sqlite3
from typing import Any

log = logging.getLogger(__name__)

_MODULE = "reader.queries.entities"


def load_entities_module() -> Any | None:
    try:
        return importlib.import_module(_MODULE)
    except ImportError:
        return None


class EntityData:
    """Entity queries for one connection, with a small cache of entity summaries."""

    def __init__(self, db, module: Any | None = None) -> None:
        self.db = db
        self.module = module if module is not None else load_entities_module()
        self._summaries: dict[str, Any] = {}

    @property
    def available(self) -> bool:
        return self.module is not None

    def clear_cache(self) -> None:
        self._summaries.clear()

    def _call(self, name: str, *args, default=None, **kwargs):
        if self.module is None:
            return default
        function = getattr(self.module, name, None)
        if function is None:
            return default
        try:
            return function(self.db, *args, **kwargs)
        except LookupError:
            return default
        except sqlite3.Error as error:  # an index without entity tables yet
            log.debug("entity query %s failed: %s", name, error)
            return default

    def document_mentions(self, doc_id: int) -> list:
        return self._call("document_mentions", doc_id, default=[]) or []

    def entity(self, entity_id: str):
        if entity_id not in self._summaries:
            summary = self._call("get_entity", entity_id)
            if summary is None:
                return None
            self._summaries[entity_id] = summary
        return self._summaries[entity_id]

    def entity_mentions(self, entity_id: str, max_documents: int | None = None) -> list:
        return self._call("entity_mentions", entity_id, max_documents=max_documents, default=[]) or []

    def cooccurring(self, entity_id: str, limit: int = 20) -> list:
        return self._call("cooccurring", entity_id, limit=limit, default=[]) or []

    def related_documents(self, doc_id: int, limit: int = 10) -> list:
        return self._call("related_documents", doc_id, limit=limit, default=[]) or []

    def similar_passages(self, doc_id: int, passage_seq: int, limit: int = 10) -> list:
        return self._call("similar_passages", doc_id, passage_seq, limit=limit, default=[]) or []
