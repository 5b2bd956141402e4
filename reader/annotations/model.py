"""An annotation: a highlight on a document's text, with an optional Markdown note and tags.

The selectors follow the W3C Web Annotation model: a TextQuoteSelector (the exact
text with 32 characters of context either side) and a TextPositionSelector
(code-point offsets into the document's text as stored in the index). They are
kept as made; where the annotation sits now (after the document changed) is kept
apart in `status`, `cur_start` and `cur_end`.
"""
from __future__ import annotations

import json
import re
import unicodedata
import uuid as uuid_module
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone

COLOURS = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOUR = "yellow"
CONTEXT_CHARS = 32

ANCHORED = "anchored"   # at the offsets where it was made, with its text and context
MOVED = "moved"         # its exact text, found elsewhere (text was inserted or removed before it)
CHANGED = "changed"     # its text was edited a little; found by approximate matching
ORPHANED = "orphaned"   # not found: kept, with its quote and note, until its text comes back
STATUSES = (ANCHORED, MOVED, CHANGED, ORPHANED)


class AnnotationError(ValueError):
    """A request the annotations cannot carry out; the message says why."""


class AnnotationNotFound(AnnotationError, LookupError):
    pass


def now_iso() -> str:
    return format_time(datetime.now(timezone.utc))


def format_time(moment: datetime) -> str:
    """UTC, ISO 8601 with milliseconds and a Z: `2025-11-24T09:30:00.000Z`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """An ISO 8601 date-time (a date alone is midnight UTC; no zone means UTC)."""
    moment = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def later_than(previous: str | None) -> str:
    """Now, or a millisecond after `previous` if the clock says otherwise: `modified` always grows."""
    now = datetime.now(timezone.utc)
    if previous:
        try:
            floor = parse_time(previous)
            floor += timedelta(milliseconds=1)
        except ValueError:
            floor = None
        except OverflowError:  # the last millisecond of 9999 (an old import): it cannot grow, keep it
            pass
        if floor is not None and now < floor:
            now = floor
    return format_time(now)


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def normalise_uuid(value: str) -> str:
    """The canonical lowercase form (of `urn:uuid:…` too, in any case); raises AnnotationError
    if it is not a UUID."""
    try:
        return str(uuid_module.UUID(strip_uuid_urn(value)))
    except (ValueError, AttributeError) as error:
        raise AnnotationError(f"'{value}' is not a UUID.") from error


def strip_uuid_urn(value: str) -> str:
    """`urn:uuid:X` (the scheme and namespace in any case, as RFC 8141 allows) → `X`."""
    value = value.strip()
    return value[9:] if value[:9].lower() == "urn:uuid:" else value


def check_colour(colour: str | None) -> str:
    colour = (colour or DEFAULT_COLOUR).strip().lower()
    if colour not in COLOURS:
        raise AnnotationError(f"Unknown colour '{colour}'; use one of: {', '.join(COLOURS)}.")
    return colour


def tag_form(tag: str) -> str:
    """A tag as it is stored, shown and exported (Obsidian's form): no leading '#', spaces and
    other punctuation → one hyphen, only letters, digits, marks, _ - and /. "russia economy"
    → "russia-economy". Tags are put in this form once, when entered or imported."""
    name = re.sub(r"\s+", "-", tag.strip().lstrip("#").strip())
    name = "".join(c if c.isalnum() or c in "_-/" or unicodedata.category(c) in ("Mn", "Mc") else "-"
                   for c in name)
    return re.sub(r"-{2,}", "-", name).strip("-/")


def clean_tags(tags) -> tuple[str, ...]:
    """Tags in their stored form (tag_form), without empties or repeats, in the order given."""
    if isinstance(tags, str):
        tags = [tags]
    seen: dict[str, None] = {}
    for tag in tags or ():
        if not isinstance(tag, str):
            raise AnnotationError(f"A tag must be text, not {tag!r}.")
        tag = tag_form(tag)
        if tag and tag not in seen:
            seen[tag] = None
    return tuple(seen)


def clean_note(note: str | None) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise AnnotationError("A note must be text.")
    return note.replace("\r\n", "\n").replace("\r", "\n")


def quote_selector(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(exact, prefix, suffix) for text[start:end], with up to CONTEXT_CHARS of context."""
    return text[start:end], text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]


def check_range(text: str, start: int, end: int) -> None:
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise AnnotationError("Offsets must be whole numbers.")
    if not 0 <= start < end <= len(text):
        raise AnnotationError(f"The range {start}-{end} is not inside the document (0-{len(text)}) "
                              "or is empty.")


@dataclass(frozen=True)
class HistoryEntry:
    """A document version the annotation was attached to before (the file was edited)."""
    key: str
    file_name: str
    until: str          # when the annotation moved on to the next version

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Annotation:
    uuid: str
    doc_key: str                  # SHA-256 of the document text it is attached to now
    file_name: str
    colour: str
    note: str                     # Markdown, "" for none
    tags: tuple[str, ...]
    created: str                  # UTC ISO 8601
    modified: str                 # changes to note, tags, colour or range; not re-anchoring
    exact: str                    # TextQuoteSelector, as made
    prefix: str
    suffix: str
    start: int | None             # TextPositionSelector, as made (None: imported without one)
    end: int | None
    status: str = ANCHORED
    cur_start: int | None = None  # where it is now; None when orphaned
    cur_end: int | None = None
    history: tuple[HistoryEntry, ...] = field(default=())
    w3c: str = ""                 # JSON: what imported W3C data held that Reader has no field for
                                  # (original id, canonical, via, creator, other targets…), exported again

    @property
    def block_id(self) -> str:
        """A stable short id (the UUID's first 8 hex digits), e.g. for Obsidian block references."""
        return self.uuid[:8]

    @property
    def orphaned(self) -> bool:
        return self.status == ORPHANED

    @property
    def position(self) -> int:
        """Where it sorts in its document: the current start, else where it was made."""
        if self.cur_start is not None:
            return self.cur_start
        return self.start if self.start is not None else 0

    def with_changes(self, **changes) -> "Annotation":
        return replace(self, **changes)

    # -- storage -----------------------------------------------------------

    COLUMNS = ("uuid", "doc_key", "file_name", "colour", "note", "tags", "created", "modified", "exact",
               "prefix", "suffix", "start", "end", "status", "cur_start", "cur_end", "history", "w3c")

    def to_row(self) -> tuple:
        return (self.uuid, self.doc_key, self.file_name, self.colour, self.note, _dump(list(self.tags)),
                self.created, self.modified, self.exact, self.prefix, self.suffix, self.start, self.end,
                self.status, self.cur_start, self.cur_end, _dump([h.to_json() for h in self.history]), self.w3c)

    @classmethod
    def from_row(cls, row) -> "Annotation":
        values = dict(zip(cls.COLUMNS, row))
        values["tags"] = tuple(json.loads(values["tags"]))
        values["history"] = tuple(HistoryEntry(**h) for h in json.loads(values["history"]))
        return cls(**values)

    def to_json(self) -> dict:
        """The stable JSON of `reader notes list --json`; `start`/`end` are where it is now."""
        return {
            "uuid": self.uuid, "doc_key": self.doc_key, "file_name": self.file_name,
            "quote": self.exact, "note": self.note, "tags": list(self.tags), "colour": self.colour,
            "created": self.created, "modified": self.modified, "status": self.status,
            "start": self.cur_start, "end": self.cur_end,
            "selector": {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix,
                         "start": self.start, "end": self.end},
            "history": [h.to_json() for h in self.history],
        }


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
