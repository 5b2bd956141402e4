"""Annotations as W3C Web Annotation JSON (https://www.w3.org/TR/annotation-model/): backup and interop.

Export writes an AnnotationCollection whose first page embeds every annotation:

    {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
     "id": "urn:uuid:…", "created": "…Z", "modified": "…Z", "motivation": "commenting",
     "body": [{"type": "TextualBody", "purpose": "commenting", "format": "text/markdown", "value": note},
              {"type": "TextualBody", "purpose": "tagging", "value": tag}, …,
              {"type": "TextualBody", "purpose": "highlighting", "value": "yellow"}],
     "target": {"source": "urn:sha256:<content hash>",
                "selector": [{"type": "TextQuoteSelector", "exact": …, "prefix": …, "suffix": …},
                             {"type": "TextPositionSelector", "start": …, "end": …}]},
     "reader": {"fileName": …, "history": […]}}

The highlight colour is the body with purpose "highlighting"; `reader` holds what
the model has no term for (other tools ignore it). Import takes that, a list of
annotations, a single one or an AnnotationPage; `target.source` may be the content
hash URN or the document's file name. It checks everything first and then writes in
one transaction: one bad entry and nothing is imported.
"""
from __future__ import annotations

import json
import re
import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.annotations.anchoring import anchor
from reader.annotations.model import (ANCHORED, COLOURS, DEFAULT_COLOUR, ORPHANED, STATUSES, Annotation,
                                      AnnotationError, HistoryEntry, clean_tags, format_time, now_iso, parse_time,
                                      quote_selector)

if TYPE_CHECKING:
    import sqlite_utils

    from reader.library import Library
    from reader.store.userdata import UserData

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SHA256_URN = "urn:sha256:"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_READER_NAMESPACE = uuid_module.UUID("8a0d7a52-5a5e-4b8e-9c44-0f6f1c1e6b1d")


class ImportRejected(AnnotationError):
    """The file cannot be imported; nothing was. `problems` lists every entry that failed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"Nothing imported: {shown}")


# -- export ----------------------------------------------------------------------------


def to_w3c(a: Annotation, with_context: bool = False) -> dict:
    body: list[dict] = []
    if a.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "format": "text/markdown", "value": a.note})
    body += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in a.tags]
    body.append({"type": "TextualBody", "purpose": "highlighting", "value": a.colour})
    selectors: list[dict] = [{"type": "TextQuoteSelector", "exact": a.exact, "prefix": a.prefix, "suffix": a.suffix}]
    if a.start is not None and a.end is not None:
        selectors.append({"type": "TextPositionSelector", "start": a.start, "end": a.end})
    data: dict[str, Any] = {"@context": CONTEXT} if with_context else {}
    data.update({
        "id": f"urn:uuid:{a.uuid}",
        "type": "Annotation",
        "created": a.created,
        "modified": a.modified,
        "motivation": "commenting" if a.note else "highlighting",
        "body": body,
        "target": {"source": SHA256_URN + a.doc_key if a.doc_key else a.file_name, "selector": selectors},
        "reader": {"fileName": a.file_name, "history": [h.to_json() for h in a.history]},
    })
    return data


def export_json(library: "Library | None" = None, *, user: "UserData | None" = None) -> dict:
    """Every annotation as an AnnotationCollection (deterministic: same notes, same JSON)."""
    user = user if user is not None else library.user
    annotations = sorted(user.annotations(), key=lambda a: (a.file_name, a.doc_key, a.position, a.created, a.uuid))
    collection_id = uuid_module.uuid5(_READER_NAMESPACE, ",".join(sorted(a.uuid for a in annotations)))
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:{collection_id}",
        "type": "AnnotationCollection",
        "label": "Reader notes",
        "total": len(annotations),
        "first": {
            "id": f"urn:uuid:{collection_id}#page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": [to_w3c(a) for a in annotations],
        },
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportItem:
    uuid: str
    action: str          # added, updated, skipped (already there, not older)
    status: str          # anchored, moved, changed, orphaned
    file_name: str
    doc_key: str
    start: int | None
    end: int | None

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ImportReport:
    items: list[ImportItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def actions(self) -> dict[str, int]:
        counts = Counter(i.action for i in self.items)
        return {a: counts.get(a, 0) for a in ("added", "updated", "skipped")}

    @property
    def statuses(self) -> dict[str, int]:
        counts = Counter(i.status for i in self.items if i.action != "skipped")
        return {s: counts.get(s, 0) for s in STATUSES}

    def to_json(self, with_items: bool = True) -> dict:
        data = {"total": len(self.items), "actions": self.actions, "statuses": self.statuses,
                "warnings": self.warnings}
        if with_items:
            data["annotations"] = [i.to_json() for i in self.items]
        return data


@dataclass
class _Parsed:
    uuid: str
    created: str
    modified: str
    note: str
    tags: tuple[str, ...]
    colour: str
    source: str
    key: str | None            # from urn:sha256:
    file_name: str             # from the source, or reader.fileName
    exact: str | None
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    history: tuple[HistoryEntry, ...]
    dated: bool = True         # False: no created/modified given (never newer than a stored copy)


MAX_NOTES_FILE_BYTES = 512 * 1024 * 1024


def read_json_file(path: Path) -> Any:
    from reader.ingest.loaders import read_regular_file
    from reader.ingest.model import IngestError

    try:
        raw, _ = read_regular_file(path, MAX_NOTES_FILE_BYTES)   # not /dev/zero, a pipe, or gigabytes
    except IngestError as error:
        raise ImportRejected([f"{path}: {error}"]) from error
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportRejected([f"{path} is not UTF-8 text"]) from error
    except json.JSONDecodeError as error:
        raise ImportRejected([f"{path} is not JSON ({error.msg} at line {error.lineno}, column {error.colno})"]) from error


def import_json(library: "Library | None", data: Any, *, db: "sqlite_utils.Database | None" = None,
                user: "UserData | None" = None) -> ImportReport:
    """Import W3C annotations: validate all, anchor each in the index, write all in one transaction.

    A UUID already stored is updated only if the incoming `modified` is later (else skipped),
    so importing the same file twice changes nothing. Raises ImportRejected (nothing written)
    if any entry is malformed.
    """
    db = db if db is not None else library.db
    user = user if user is not None else library.user
    report = ImportReport()
    items = _items(data)
    parsed: list[_Parsed] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"entry {index + 1}"
        try:
            entry = _parse(item, report.warnings, where)
        except AnnotationError as error:
            problems.append(f"{where}: {error}")
            continue
        if entry.uuid in seen:
            problems.append(f"{where}: the same id as entry {seen[entry.uuid] + 1} ({entry.uuid})")
            continue
        seen[entry.uuid] = index
        parsed.append(entry)
    if problems:
        raise ImportRejected(problems)

    documents = _Documents(db)
    records = []
    for index, entry in enumerate(parsed):
        if not entry.dated:  # undated (another tool's): a stored copy is never older than it
            stored = user.annotation(entry.uuid)
            if stored is not None:
                entry.created, entry.modified = stored.created, stored.modified
        try:
            records.append(_anchored_record(entry, documents))
        except AnnotationError as error:
            problems.append(f"entry {index + 1}: {error}")
    if problems:
        raise ImportRejected(problems)
    actions = user.merge_annotations(records)
    for record, action in zip(records, actions):
        stored = record if action != "skipped" else (user.annotation(record.uuid) or record)
        report.items.append(ImportItem(record.uuid, action, stored.status, stored.file_name, stored.doc_key,
                                       stored.cur_start, stored.cur_end))
    return report


def _items(data: Any) -> list:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise ImportRejected(["the file holds neither annotations nor a collection of them"])
    kinds = _types(data)
    if "AnnotationCollection" in kinds:
        first = data.get("first")
        if first is None:
            if data.get("total", 0) == 0:
                return []
            raise ImportRejected(["the collection has no embedded first page"])
        if isinstance(first, str):
            raise ImportRejected(["the collection's pages are links, not embedded; only embedded pages can be read"])
        if not isinstance(first, dict) or not isinstance(first.get("items"), list):
            raise ImportRejected(["the collection's first page has no list of items"])
        if first.get("next"):
            raise ImportRejected(["the collection has further pages; export it as one page"])
        return first["items"]
    if "AnnotationPage" in kinds:
        if not isinstance(data.get("items"), list):
            raise ImportRejected(["the page has no list of items"])
        return data["items"]
    if "Annotation" in kinds:
        return [data]
    raise ImportRejected([f"unexpected type {data.get('type')!r}: expected Annotation, AnnotationPage or "
                          "AnnotationCollection"])


def _types(data: dict) -> set[str]:
    kind = data.get("type", data.get("@type"))
    if isinstance(kind, str):
        return {kind.removeprefix("oa:")}
    if isinstance(kind, list):
        return {k.removeprefix("oa:") for k in kind if isinstance(k, str)}
    return set()


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _parse(item: Any, warnings: list[str], where: str) -> _Parsed:
    if not isinstance(item, dict):
        raise AnnotationError("not a JSON object")
    if "Annotation" not in _types(item):
        raise AnnotationError(f"type is {item.get('type')!r}, not 'Annotation'")
    ident = item.get("id", item.get("@id"))
    if ident is None:
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=False)
        uuid = str(uuid_module.uuid5(_READER_NAMESPACE, canonical))
    elif not isinstance(ident, str) or not ident.strip():
        raise AnnotationError("id is not a string")
    else:
        try:
            uuid = str(uuid_module.UUID(ident.strip().removeprefix("urn:uuid:")))
        except ValueError:
            uuid = str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, ident.strip()))  # another tool's IRI
    created = _time(item.get("created"), "created")
    modified = _time(item.get("modified"), "modified") or created
    dated = modified is not None
    created = created or modified or now_iso()
    modified = modified or created

    notes, tags, colour = [], [], None
    for body in _as_list(item.get("body", item.get("bodyValue"))):
        if isinstance(body, str):
            if "bodyValue" in item and "body" not in item:
                notes.append(body)
            else:
                warnings.append(f"{where}: a body that is a link ({body[:60]}) was left out")
            continue
        if not isinstance(body, dict):
            raise AnnotationError("a body is neither an object nor a link")
        purposes = {p for p in _as_list(body.get("purpose")) if isinstance(p, str)}
        if "TextualBody" not in _types(body) and "value" not in body:
            warnings.append(f"{where}: a body of type {body.get('type')!r} was left out")
            continue
        value = body.get("value")
        if not isinstance(value, str):
            raise AnnotationError("a TextualBody's value is not text")
        if "tagging" in purposes:
            tags.append(value)
        elif "highlighting" in purposes:
            if value.strip().lower() in COLOURS:
                colour = value.strip().lower()
            else:
                warnings.append(f"{where}: unknown colour {value!r}, {DEFAULT_COLOUR} used")
        else:
            notes.append(value)

    targets = _as_list(item.get("target"))
    if not targets:
        raise AnnotationError("no target")
    target = next((t for t in targets if isinstance(t, dict) and t.get("selector")), targets[0])
    if isinstance(target, str) or not isinstance(target, dict):
        raise AnnotationError("the target has no selector (a whole document cannot be highlighted)")
    source = target.get("source")
    if not isinstance(source, str) or not source.strip():
        raise AnnotationError("the target has no source")
    source = source.strip()
    exact = prefix = suffix = None
    start = end = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            raise AnnotationError("a selector is not an object")
        kinds = _types(selector)
        if "TextQuoteSelector" in kinds and exact is None:
            exact, prefix, suffix = selector.get("exact"), selector.get("prefix", ""), selector.get("suffix", "")
            if not isinstance(exact, str) or not exact:
                raise AnnotationError("a TextQuoteSelector without its exact text")
            if not isinstance(prefix, str) or not isinstance(suffix, str):
                raise AnnotationError("a TextQuoteSelector's prefix or suffix is not text")
        elif "TextPositionSelector" in kinds and start is None:
            start, end = selector.get("start"), selector.get("end")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)) or not 0 <= start < end:
                raise AnnotationError(f"a TextPositionSelector with bad offsets ({start!r}, {end!r})")
    if exact is None and start is None:
        raise AnnotationError("no TextQuoteSelector or TextPositionSelector")
    if exact is not None and start is not None and end - start != len(exact):
        warnings.append(f"{where}: the position selector's length differs from the quote's; the quote wins")
        start = end = None

    extra = item.get("reader") if isinstance(item.get("reader"), dict) else {}
    key = None
    file_name = extra.get("fileName") if isinstance(extra.get("fileName"), str) else ""
    if source.lower().startswith(SHA256_URN):
        key = source[len(SHA256_URN):].lower()
        if not _HEX64.fullmatch(key):
            raise AnnotationError(f"'{source}' is not a SHA-256 URN")
    else:
        file_name = re.split(r"[\\/]", source.removeprefix("file://"))[-1] or source
    history = []
    for entry in _as_list(extra.get("history")):
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("key", "file_name", "until")):
            history.append(HistoryEntry(entry["key"], entry["file_name"], entry["until"]))
    return _Parsed(uuid, created, modified, "\n\n".join(n for n in notes if n), clean_tags(tags),
                   colour or DEFAULT_COLOUR, source, key, file_name, exact, prefix or "", suffix or "", start, end,
                   tuple(history), dated)


def _time(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AnnotationError(f"{name} is not a date-time string")
    try:
        return format_time(parse_time(value))
    except ValueError as error:
        raise AnnotationError(f"{name} '{value}' is not an ISO 8601 date-time") from error


class _Documents:
    def __init__(self, db) -> None:
        self.db = db
        self.by_key: dict[str, tuple[int, str]] = {}
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        for doc_id, key, file_name in db.execute("SELECT id, key, file_name FROM documents ORDER BY id"):
            self.by_key[key] = (doc_id, file_name)
            self.by_name.setdefault(file_name, []).append((doc_id, key))
        self._texts: dict[int, str] = {}

    def text(self, doc_id: int) -> str:
        if doc_id not in self._texts:
            self._texts[doc_id] = self.db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
        return self._texts[doc_id]

    def candidates(self, key: str | None, file_name: str) -> list[tuple[int, str, str]]:
        if key and key in self.by_key:
            doc_id, name = self.by_key[key]
            return [(doc_id, key, name)]
        return [(doc_id, k, file_name) for doc_id, k in self.by_name.get(file_name, [])]


_RANK = {"anchored": 0, "moved": 1, "changed": 2}


def _anchored_record(entry: _Parsed, documents: _Documents) -> Annotation:
    exact, prefix, suffix, start, end = entry.exact, entry.prefix, entry.suffix, entry.start, entry.end
    best = None
    for doc_id, key, file_name in documents.candidates(entry.key, entry.file_name):
        text = documents.text(doc_id)
        if exact is None:  # a position alone: the quote is what is there
            if end > len(text):
                continue
            quote = quote_selector(text, start, end)
            found_exact, found_prefix, found_suffix = quote
            result = anchor(text, found_exact, found_prefix, found_suffix, start, end)
        else:
            found_exact, found_prefix, found_suffix = exact, prefix, suffix
            result = anchor(text, exact, prefix, suffix, start, end)
        if result.found:
            rank = (_RANK[result.status], -(result.quote_score + result.context_score))
            if best is None or rank < best[0]:
                best = (rank, result, key, file_name, found_exact, found_prefix, found_suffix)
    key = entry.key or ""
    file_name = entry.file_name
    history = entry.history
    if best is None:
        if exact is None:
            raise AnnotationError(f"only a position is given and no document '{entry.source}' is in the index "
                                  "to take the quote from")
        return Annotation(entry.uuid, key, file_name, entry.colour, entry.note, entry.tags, entry.created,
                          entry.modified, exact, prefix, suffix, start, end, ORPHANED, None, None, history)
    _, result, found_key, found_name, exact, prefix, suffix = best
    if key and found_key != key:
        history += (HistoryEntry(key, file_name, now_iso()),)
    if start is None:  # no position selector: where it was found is where it was made
        start, end = result.start, result.end
        status = ANCHORED if exact == documents.text(documents.by_key[found_key][0])[start:end] else result.status
    else:
        status = result.status
    return Annotation(entry.uuid, found_key, found_name, entry.colour, entry.note, entry.tags, entry.created,
                      entry.modified, exact, prefix, suffix, start, end, status, result.start, result.end, history)
