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
hash URN, the document's file name or a URL ending in it, as a string or an object
`{"id": …}`. It checks everything first and then writes in one transaction: one bad
entry and nothing is imported.

What another tool's annotation holds beyond Reader's own fields is kept (the
annotation's `w3c` column) and exported again unchanged: the original `id`,
`canonical`, `via`, `creator`, `rights` and any other property, the motivation
(bookmarking, describing…), the note body's `format` and `language`, bodies Reader
cannot show, further targets, the target's other properties and selectors (a
FragmentSelector refined by a TextQuoteSelector). The import report warns, per
property, about what is kept without being shown and what is left out. Exporting,
importing that and exporting again gives the same bytes.
"""
from __future__ import annotations

import json
import re
import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.annotations.anchoring import anchor
from reader.annotations.model import (ANCHORED, COLOURS, DEFAULT_COLOUR, ORPHANED, STATUSES, Annotation,
                                      AnnotationError, HistoryEntry, clean_tags, format_time, now_iso, parse_time,
                                      quote_selector, strip_uuid_urn, tag_form)
from reader.annotations.storage import AnnotationStore, index_for, notes_for

if TYPE_CHECKING:
    import sqlite3

    from reader.library import Library
    from reader.store.userdata import UserData

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SHA256_URN = "urn:sha256:"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_READER_NAMESPACE = uuid_module.UUID("8a0d7a52-5a5e-4b8e-9c44-0f6f1c1e6b1d")
_NOTE_BODY = {"purpose": "commenting", "format": "text/markdown"}   # a note body's properties by default
# The annotation properties Reader reads into fields of its own; any other is kept as it is.
_READ = {"@context", "id", "@id", "type", "@type", "created", "modified", "motivation", "body", "bodyValue",
         "target", "reader"}
MAX_DEPTH = 64            # JSON nesting an annotation may have (the spec's own need a handful)
MAX_OFFSET = 2 ** 31      # a TextPositionSelector beyond this is no offset into any document
FUTURE_SLACK_DAYS = 1     # a date later than this after now is refused (clocks differ a little)


class ImportRejected(AnnotationError):
    """The file cannot be imported; nothing was. `problems` lists every entry that failed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"Nothing imported: {shown}")


# -- export ----------------------------------------------------------------------------


def to_w3c(a: Annotation, with_context: bool = False) -> dict:
    kept = json.loads(a.w3c) if a.w3c else {}
    body: list[Any] = []
    if a.note:
        body.append({"type": "TextualBody", **kept.get("note", _NOTE_BODY), "value": a.note})
    body += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in a.tags]
    body.append({"type": "TextualBody", "purpose": "highlighting", "value": a.colour})
    body += kept.get("bodies", [])
    selectors: list[dict] = [{"type": "TextQuoteSelector", "exact": a.exact, "prefix": a.prefix, "suffix": a.suffix}]
    if a.start is not None and a.end is not None:
        selectors.append({"type": "TextPositionSelector", "start": a.start, "end": a.end})
    own_source = SHA256_URN + a.doc_key if a.doc_key else a.file_name
    target = dict(kept.get("target", {}))
    target.setdefault("source", own_source)
    target["selector"] = selectors + kept.get("selectors", [])
    extra: dict[str, Any] = {"fileName": a.file_name, "history": [h.to_json() for h in a.history]}
    if target["source"] != own_source:  # another tool's source: say which document Reader means
        extra["source"] = own_source
    data: dict[str, Any] = {"@context": CONTEXT} if with_context else {}
    data.update({
        "id": kept.get("id", f"urn:uuid:{a.uuid}"),
        "type": "Annotation",
        "created": a.created,
        "modified": a.modified,
        "motivation": kept.get("motivation", "commenting" if a.note else "highlighting"),
        "body": body,
        "target": [target, *kept["targets"]] if kept.get("targets") else target,
    })
    data.update({k: v for k, v in kept.get("properties", {}).items() if k not in data})
    data["reader"] = extra
    return data


def export_json(library: "Library | None" = None, *, user: "UserData | AnnotationStore | None" = None) -> dict:
    """Every annotation as an AnnotationCollection (deterministic: same notes, same JSON)."""
    user = notes_for(library, user)
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
    kept: str = ""             # JSON: what Reader keeps without a field of its own (Annotation.w3c)


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
    except RecursionError as error:
        raise ImportRejected([f"{path} is nested too deeply to hold annotations"]) from error


def import_json(library: "Library | None", data: Any, *, db: "sqlite3.Connection | None" = None,
                user: "UserData | AnnotationStore | None" = None) -> ImportReport:
    """Import W3C annotations: validate all, anchor each in the index, write all in one transaction.

    A UUID already stored is updated only if the incoming `modified` is later (else skipped),
    so importing the same file twice changes nothing. Raises ImportRejected (nothing written)
    if any entry is malformed.
    """
    db = index_for(library, db)
    user = notes_for(library, user)
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
    _check_text(item)
    if "Annotation" not in _types(item):
        raise AnnotationError(f"type is {item.get('type')!r}, not 'Annotation'")
    warn = lambda message: warnings.append(f"{where}: {message}")  # noqa: E731
    kept: dict[str, Any] = {}
    uuid = _identity(item, kept)
    created = _time(item.get("created"), "created")
    modified = _time(item.get("modified"), "modified") or created
    dated = modified is not None
    created = created or modified or now_iso()
    modified = modified or created

    motivation = item.get("motivation")
    motivations = {m.removeprefix("oa:") for m in _as_list(motivation) if isinstance(m, str)}
    note, tags, colour = _bodies(item, motivations, kept, warn)
    if motivation is not None and motivation != ("commenting" if note else "highlighting"):
        kept["motivation"] = motivation
    target = _main_target(item, kept, warn)
    source, source_name = _source(target)
    exact, prefix, suffix, start, end = _selectors(target, kept, warn)

    reader_part = item.get("reader")
    extra: dict[str, Any] = reader_part if isinstance(reader_part, dict) else {}
    others = {k: v for k, v in item.items() if k not in _READ}
    if others:
        kept["properties"] = others
    _warn_context(item.get("@context"), warn)
    key = None
    given_name = extra.get("fileName")
    file_name = given_name if isinstance(given_name, str) else ""
    reader_source = extra.get("source") if isinstance(extra.get("source"), str) else None
    for candidate in (source, reader_source):
        if candidate and candidate.lower().startswith(SHA256_URN):
            key = candidate[len(SHA256_URN):].lower()
            if not _HEX64.fullmatch(key):
                raise AnnotationError(f"'{candidate}' is not a SHA-256 URN")
    own_source = source.lower().startswith(SHA256_URN)
    if not own_source:
        file_name = file_name or source_name
    properties = {k: v for k, v in target.items() if k != "selector" and (k != "source" or not own_source)}
    if properties:
        kept["target"] = properties
    history = []
    for entry in _as_list(extra.get("history")):
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("key", "file_name", "until")):
            history.append(HistoryEntry(entry["key"], entry["file_name"], entry["until"]))
    return _Parsed(uuid, created, modified, note, clean_tags(tags), colour or DEFAULT_COLOUR, source, key,
                   file_name, exact, prefix or "", suffix or "", start, end, tuple(history), dated,
                   _dump_kept(kept))


def _check_text(item: Any) -> None:
    """Refuse text that is not Unicode (a lone surrogate, which JSON's \\ud800 escapes can
    make) and nesting deeper than MAX_DEPTH, naming where in the entry it is."""
    pending: list[tuple[Any, str, int]] = [(item, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise AnnotationError(f"{path or 'the entry'} is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            bad = _SURROGATE.search(value)
            if bad:
                raise AnnotationError(f"{path or 'the entry'} holds \\u{ord(bad.group()):04x}, half of a UTF-16 "
                                      "pair, which is not text")
        elif isinstance(value, dict):
            for k, v in value.items():
                if _SURROGATE.search(k):
                    raise AnnotationError(f"a property name in {path or 'the entry'} is not text")
                pending.append((v, f"{path}.{k}" if path else k, depth + 1))
        elif isinstance(value, list):
            pending.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _identity(item: dict, kept: dict) -> str:
    """Reader's UUID for the annotation; another tool's id is kept to be exported again."""
    ident = item.get("id", item.get("@id"))
    if ident is None:
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=False)
        return str(uuid_module.uuid5(_READER_NAMESPACE, canonical))
    if not isinstance(ident, str) or not ident.strip():
        raise AnnotationError("id is not a string")
    try:
        return str(uuid_module.UUID(strip_uuid_urn(ident)))
    except ValueError:
        kept["id"] = ident  # another tool's IRI: the annotation keeps it
        return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, ident.strip()))


def _bodies(item: dict, motivations: set[str], kept: dict, warn) -> tuple[str, list[str], str | None]:
    """The note, the tags and the colour. A body without a purpose serves the annotation's
    motivation (tagging: a tag). The first textual note is the note, its format and language
    kept; bodies Reader cannot show are kept as they are and exported again."""
    note, tags, colour = "", [], None
    default_purpose = "tagging" if "tagging" in motivations else None
    plain = "bodyValue" in item and "body" not in item
    for number, body in enumerate(_as_list(item.get("body", item.get("bodyValue"))), 1):
        if isinstance(body, str) and plain:
            body = {"value": body}
        elif isinstance(body, str) or (isinstance(body, dict) and "TextualBody" not in _types(body)
                                       and "value" not in body):
            kind = "a link" if isinstance(body, str) else f"of type {body.get('type')!r}"
            warn(f"body {number} ({kind}) is kept and exported again, but Reader does not show it")
            kept.setdefault("bodies", []).append(body)
            continue
        if not isinstance(body, dict):
            raise AnnotationError("a body is neither an object nor a link")
        value = body.get("value")
        if not isinstance(value, str):
            raise AnnotationError("a TextualBody's value is not text")
        purposes = {p.removeprefix("oa:") for p in _as_list(body.get("purpose")) if isinstance(p, str)}
        purposes = purposes or ({default_purpose} if default_purpose else set())
        others = sorted(k for k in body if k not in ("type", "purpose", "value"))
        if "tagging" in purposes:
            tags.append(value)
            if tag_form(value) != value:
                warn(f"body {number}: the tag {value!r} is stored as {tag_form(value)!r} (Reader's tag form)")
            if others:
                warn(f"body {number}: a tag keeps only its text; {', '.join(others)} left out")
        elif "highlighting" in purposes and value.strip().lower() in COLOURS:
            colour = value.strip().lower()
        elif "highlighting" in purposes:
            warn(f"body {number}: unknown colour {value!r}, {DEFAULT_COLOUR} used")
        elif not note:
            note = value
            properties = {k: v for k, v in body.items() if k not in ("type", "value")}
            if properties != _NOTE_BODY:
                kept["note"] = properties
        else:
            warn(f"body {number} is a second note: kept and exported again, but Reader shows only the first")
            kept.setdefault("bodies", []).append(body)
    return note, tags, colour


def _readable_selector(selector: Any) -> bool:
    """A TextQuote or TextPosition selector, itself or in its refinedBy chain."""
    depth = 0
    while isinstance(selector, dict) and depth <= MAX_DEPTH:
        if _types(selector) & {"TextQuoteSelector", "TextPositionSelector"}:
            return True
        selector, depth = selector.get("refinedBy"), depth + 1
    return False


def _main_target(item: dict, kept: dict, warn) -> dict:
    """The target Reader highlights: the first with a text selector; the others are kept."""
    targets = _as_list(item.get("target"))
    if not targets:
        raise AnnotationError("no target")
    main = next((t for t in targets if isinstance(t, dict)
                 and any(_readable_selector(s) for s in _as_list(t.get("selector")))), None)
    if main is None:
        if any(isinstance(t, dict) and t.get("selector") for t in targets):
            raise AnnotationError("no target has a TextQuoteSelector or TextPositionSelector (directly or in "
                                  "refinedBy): Reader highlights text, not images or whole pages")
        raise AnnotationError("the target has no selector (a whole document cannot be highlighted)")
    if len(targets) > 1:
        others = [t for t in targets if t is not main]
        kept["targets"] = others
        warn(f"{len(others)} more target{'s' if len(others) > 1 else ''} kept and exported again; Reader "
             f"highlights only target {targets.index(main) + 1}")
    return main


def _source(target: dict) -> tuple[str, str]:
    """The target's source IRI (a string or an object's id) and the file name it ends in."""
    source = target.get("source")
    if isinstance(source, dict):
        source = source.get("id", source.get("@id"))
    if not isinstance(source, str) or not source.strip():
        raise AnnotationError("the target has no source")
    source = source.strip()
    name = re.split(r"[\\/]", source.removeprefix("file://").split("#")[0].split("?")[0])[-1] or source
    return source, name


def _selectors(target: dict, kept: dict, warn) -> tuple[str | None, str, str, int | None, int | None]:
    """The quote (exact, prefix, suffix) and position (start, end) of the target's selectors,
    taken directly or from a refinedBy; other selectors are kept to be exported again.
    At least one of the quote and the position is there."""
    quote: tuple[str, str, str] | None = None
    position: tuple[int, int] | None = None
    others = []
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            raise AnnotationError("a selector is not an object")
        chain: list[dict] = []
        node: Any = selector
        while isinstance(node, dict) and len(chain) <= MAX_DEPTH:
            chain.append(node)
            node = node.get("refinedBy")
        own = len(chain) == 1 and not (selector.keys() - {"type", "exact", "prefix", "suffix", "start", "end"})
        for node in chain:
            kinds = _types(node)
            if "TextQuoteSelector" in kinds and quote is None:
                quote = _quote(node)
            elif "TextPositionSelector" in kinds and position is None:
                position = _position(node)
            elif _types(node) & {"TextQuoteSelector", "TextPositionSelector"}:
                own = False  # a second one: kept as it is
        if not own:
            others.append(selector)
    if quote is None and position is None:
        raise AnnotationError("no TextQuoteSelector or TextPositionSelector")
    if quote is not None and position is not None and position[1] - position[0] != len(quote[0]):
        warn("the position selector's length differs from the quote's; the quote wins")
        position = None
    if others:
        kept["selectors"] = others
    exact, prefix, suffix = quote if quote is not None else (None, "", "")
    start, end = position if position is not None else (None, None)
    return exact, prefix, suffix, start, end


def _quote(selector: dict) -> tuple[str, str, str]:
    exact, prefix, suffix = selector.get("exact"), selector.get("prefix", ""), selector.get("suffix", "")
    if not isinstance(exact, str) or not exact:
        raise AnnotationError("a TextQuoteSelector without its exact text")
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise AnnotationError("a TextQuoteSelector's prefix or suffix is not text")
    return exact, prefix, suffix


def _position(selector: dict) -> tuple[int, int]:
    start, end = selector.get("start"), selector.get("end")
    if (not isinstance(start, int) or isinstance(start, bool) or not isinstance(end, int) or isinstance(end, bool)
            or not 0 <= start < end <= MAX_OFFSET):
        shown = [v if not isinstance(v, int) or abs(v) <= MAX_OFFSET else f"{str(v)[:12]}…" for v in (start, end)]
        raise AnnotationError(f"a TextPositionSelector with bad offsets ({shown[0]!r}, {shown[1]!r})")
    return start, end


def _warn_context(context: Any, warn) -> None:
    extra = [c for c in _as_list(context) if c != CONTEXT]
    if extra:
        warn("@context entries other than the Web Annotation context are left out")


def _dump_kept(kept: dict) -> str:
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":")) if kept else ""


def _time(value: Any, name: str) -> str | None:
    """An ISO 8601 date-time as UTC with milliseconds; refused if it is not one, if it has no
    UTC form (0001-01-01T00:00+05:00) or if it is in the future (it would stop the note from
    ever being edited later, as edits must be newer)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise AnnotationError(f"{name} is not a date-time string")
    try:
        moment = parse_time(value)
        text = format_time(moment)
    except ValueError as error:
        raise AnnotationError(f"{name} '{value[:40]}' is not an ISO 8601 date-time") from error
    except OverflowError as error:
        raise AnnotationError(f"{name} '{value}' is outside the years 1 to 9999 once in UTC") from error
    latest = datetime.now(timezone.utc) + timedelta(days=FUTURE_SLACK_DAYS)
    if moment > latest:
        raise AnnotationError(f"{name} '{value}' is in the future")
    return text



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
            if start is None or end is None or end > len(text):   # (_selectors gives one or the other)
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
                          entry.modified, exact, prefix, suffix, start, end, ORPHANED, None, None, history, entry.kept)
    _, result, found_key, found_name, exact, prefix, suffix = best
    if key and found_key != key:
        history += (HistoryEntry(key, file_name, now_iso()),)
    if start is None:  # no position selector: where it was found is where it was made
        start, end = result.start, result.end
        status = ANCHORED if exact == documents.text(documents.by_key[found_key][0])[start:end] else result.status
    else:
        status = result.status
    return Annotation(entry.uuid, found_key, found_name, entry.colour, entry.note, entry.tags, entry.created,
                      entry.modified, exact, prefix, suffix, start, end, status, result.start, result.end, history,
                      entry.kept)
