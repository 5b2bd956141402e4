"""The user's corrections to a document's title, date and source (Edit Metadata in the window).

The index is a cache rebuilt from the files, so a wrong date fixed there would come back at
the next re-index: the corrections live in the user data file (`user.sqlite`, table
`document_metadata`, schema 5 of `reader.store.userdata`), keyed by the document's file path,
and are laid over the indexed summary wherever documents are listed or shown
(`apply_overrides`). A field left empty takes the indexed value again.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Protocol, TypeVar, cast

from reader.store.userdata import UserData

TABLE = "document_metadata"
# What the user may type → how it is stored (as the index stores dates).
_DATE_FORMATS = {"%Y-%m-%d": "%Y-%m-%d", "%Y-%m-%dT%H:%M": "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M": "%Y-%m-%dT%H:%M",
                 "%Y/%m/%d": "%Y-%m-%d", "%Y-%m": "%Y-%m", "%Y": "%Y"}


class MetadataError(ValueError):
    """A value the user typed cannot be stored; the message says what is expected."""


@dataclass(frozen=True)
class MetadataOverride:
    path: str
    title: str | None = None
    date: str | None = None
    source: str | None = None

    @property
    def empty(self) -> bool:
        return self.title is None and self.date is None and self.source is None


def normalise_date(text: str) -> str | None:
    """An ISO date as the index stores it ("2025-03-14" or "2025-03-14T19:27"); '' → None."""
    text = text.strip()
    if not text:
        return None
    for typed, stored in _DATE_FORMATS.items():
        try:
            return datetime.strptime(text, typed).strftime(stored)
        except ValueError:
            continue
    raise MetadataError(f"“{text}” is not a date: write it as 2025-03-14, or 2025-03-14 19:27.")


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


def metadata_overrides(user: UserData) -> dict[str, MetadataOverride]:
    """Every stored correction, by file path (none from a file older than schema 5)."""
    if not user.has_table(TABLE):
        return {}
    with user.reading() as conn:
        rows = conn.execute(f"SELECT path, title, date, source FROM {TABLE}").fetchall()
    return {row[0]: MetadataOverride(*row) for row in rows}


def set_metadata_override(user: UserData, path: str, title: str | None, date: str | None,
                          source: str | None) -> MetadataOverride:
    """Store the user's title, date and source for the document of `path` (empty: the indexed value)."""
    override = MetadataOverride(path, _clean(title), normalise_date(date or ""), _clean(source))
    with user.write() as conn:
        if override.empty:
            conn.execute(f"DELETE FROM {TABLE} WHERE path = ?", [path])
        else:
            conn.execute(
                f"INSERT INTO {TABLE} (path, title, date, source, modified) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET title = excluded.title, date = excluded.date, "
                "source = excluded.source, modified = excluded.modified",
                [path, override.title, override.date, override.source,
                 datetime.now(timezone.utc).isoformat(timespec="seconds")])
    return override


class _Summary(Protocol):
    @property
    def path(self) -> str: ...


S = TypeVar("S", bound=_Summary)   # a DocumentSummary (reader.queries.documents, a layer above)


def apply_override(summary: S, overrides: dict[str, MetadataOverride]) -> S:
    override = overrides.get(summary.path)
    if override is None:
        return summary
    changes = {name: value for name in ("title", "date", "source")
               if (value := getattr(override, name)) is not None}
    return cast(S, dataclasses.replace(cast(Any, summary), **changes))


def apply_overrides(summaries: Iterable[S], overrides: dict[str, MetadataOverride]) -> list[S]:
    return [apply_override(s, overrides) for s in summaries]
