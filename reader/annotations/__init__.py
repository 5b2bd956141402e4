"""Annotations: highlights with Markdown notes and tags, kept in the user's data file.

The window and the `reader` command use the same API:

- `Annotations(library)` (reader.annotations.service): create, update, delete,
  restore, list_for_document, list_all, orphans, reanchor.
- `reanchor_all(library)`: after an index run, attach every annotation to the
  current text of its document (Library.update calls it).
- `render_note_html(markdown)` (reader.annotations.render): a note as safe HTML.
- `export_markdown` (reader.annotations.markdown_export) and the W3C JSON
  `export_json` / `import_json` (reader.annotations.w3c).

Their persistence is `reader.annotations.storage` (over `reader.store.userdata`,
which knows nothing of annotations). This module imports only the model; the rest
load on first use.
"""
from __future__ import annotations

from reader.annotations.model import (ANCHORED, CHANGED, COLOURS, DEFAULT_COLOUR, MOVED, ORPHANED, STATUSES,
                                      Annotation, AnnotationError, AnnotationNotFound, HistoryEntry)

_LAZY = {
    "Annotations": "reader.annotations.service",
    "ReanchorReport": "reader.annotations.service",
    "reanchor_all": "reader.annotations.service",
    "anchor": "reader.annotations.anchoring",
    "Anchor": "reader.annotations.anchoring",
    "render_note_html": "reader.annotations.render",
    "export_markdown": "reader.annotations.markdown_export",
    "write_export": "reader.annotations.markdown_export",
    "export_json": "reader.annotations.w3c",
    "import_json": "reader.annotations.w3c",
}

__all__ = ["ANCHORED", "CHANGED", "COLOURS", "DEFAULT_COLOUR", "MOVED", "ORPHANED", "STATUSES", "Annotation",
           "AnnotationError", "AnnotationNotFound", "HistoryEntry", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'reader.annotations' has no attribute {name!r}")
