"""Annotations as Markdown that drops into an Obsidian vault (the format is in README.md).

One file for everything or one per document; YAML front matter; per document a
heading and, in text order, each annotation: the quote as a blockquote, a block id
`^<8 hex>`, the note as written, `#tags` and `[[Entity]]` links. Orphaned notes
come last. The bytes depend only on the notes and the index: `exported` is the
newest change among the exported notes unless given, so exporting the same notes
twice gives the same file (a vault under git or a sync tool sees no change).
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from reader.annotations.files import ExportError, prepare_folder, safe_filename, write_all_atomic, write_atomic
from reader.annotations.model import Annotation, AnnotationError, format_time, now_iso, parse_time, tag_form
from reader.annotations.service import find_document, sort_in_text_order
from reader.annotations.storage import AnnotationStore, index_for, notes_for

if TYPE_CHECKING:
    import sqlite3

    from reader.library import Library
    from reader.queries.documents import DocumentSummary
    from reader.store.userdata import UserData

SINGLE_FILE_NAME = "Reader notes.md"
ORPHANS_FILE_NAME = "Orphaned notes.md"
ORPHANS_HEADING = "Orphaned notes"
# Values rather than things: no [[link]] for them.
UNLINKED_LABELS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}
CONTEXTS = ("quote", "sentence")


@dataclass(frozen=True)
class ExportOptions:
    context: str = "quote"         # "sentence": the sentence(s) around the quote, the quote ==marked==
    links: bool = True             # [[Entity]] links for the entities inside each quote
    exported: str | None = None    # the `exported` value; None: the newest change among the notes; "now"


@dataclass
class _DocumentNotes:
    summary: "DocumentSummary"
    url: str | None
    text: str
    attached: list[Annotation]
    orphans: list[Annotation]


def export_markdown(library: "Library | None" = None, docs: Sequence[int | str] | None = None, *,
                    per_document: bool = False, options: ExportOptions = ExportOptions(),
                    db: "sqlite3.Connection | None" = None, user: "UserData | AnnotationStore | None" = None) -> dict[str, str]:
    """The export as {file name: Markdown}: one file ("Reader notes.md") or one per document
    (plus "Orphaned notes.md" for notes whose document is gone). `docs`: only these documents."""
    db = index_for(library, db)
    user = notes_for(library, user)
    if options.context not in CONTEXTS:
        raise AnnotationError(f"Unknown context '{options.context}'; use one of: {', '.join(CONTEXTS)}.")
    documents, stray = _collect(db, user, docs)
    renderer = _Renderer(db, options)
    if not per_document:
        return {SINGLE_FILE_NAME: renderer.single(documents, stray)}
    files: dict[str, str] = {}
    taken: set[str] = set()
    for notes in documents:
        name = safe_filename(notes.summary.title)
        if name.casefold() in taken or name == ORPHANS_FILE_NAME:
            name = safe_filename(f"{notes.summary.title} {notes.summary.key[:8]}")
        taken.add(name.casefold())
        files[name] = renderer.document(notes)
    if stray:
        files[ORPHANS_FILE_NAME] = renderer.orphans_file(stray)
    return files


def write_export(files: dict[str, str], out: Path | None, per_document: bool = False) -> list[Path]:
    """Write the export: to stdout (single file, no `out`), to the file `out` (or into it, if it
    is a folder), or into the folder `out` (per document). Atomic per file; raises ExportError."""
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    if out is None:
        if per_document:
            raise ExportError("An export per document needs a folder: give --out FOLDER.")
        sys.stdout.flush()
        sys.stdout.buffer.write(b"".join(encoded.values()))
        sys.stdout.buffer.flush()
        return []
    out = Path(out).expanduser()
    if per_document:
        prepare_folder(out)
        targets = {out / name: data for name, data in encoded.items()}
        write_all_atomic(targets)
        return list(targets)
    if out.is_dir():
        out = out / SINGLE_FILE_NAME
    prepare_folder(out.parent)
    write_atomic(out, b"".join(encoded.values()))
    return [out]


# -- gathering ---------------------------------------------------------------------


def _collect(db, user, refs) -> tuple[list[_DocumentNotes], list[Annotation]]:
    from reader.queries.documents import get_document, list_documents

    summaries = {d.key: d for d in list_documents(db)}
    by_name: dict[str, list[str]] = defaultdict(list)
    for summary in summaries.values():
        by_name[summary.file_name].append(summary.key)
    if refs:
        chosen = [find_document(db, ref).key for ref in refs]
        wanted = {key: summaries[key] for key in dict.fromkeys(chosen)}
        annotations = user.annotations(list(wanted), [summaries[k].file_name for k in wanted])
    else:
        wanted = summaries
        annotations = user.annotations()
    attached: dict[str, list[Annotation]] = defaultdict(list)
    orphans: dict[str, list[Annotation]] = defaultdict(list)
    stray: list[Annotation] = []
    for a in annotations:
        if not a.orphaned and a.doc_key in summaries:
            if a.doc_key in wanted:
                attached[a.doc_key].append(a)
            continue
        # Orphaned, or its document is no longer indexed (not re-anchored yet): with the orphans.
        home = a.doc_key if a.doc_key in summaries else next(iter(by_name.get(a.file_name, [])), None)
        if home in wanted:
            orphans[home].append(a)
        elif home is None and not refs:
            stray.append(a)
    documents = []
    for key in sorted(set(attached) | set(orphans), key=lambda k: _document_order(summaries[k])):
        summary = summaries[key]
        detail = get_document(db, summary.id)
        documents.append(_DocumentNotes(summary, detail.urls[0] if detail.urls else None, detail.text,
                                        sort_in_text_order(attached.get(key, [])),
                                        sort_in_text_order(orphans.get(key, []))))
    stray.sort(key=lambda a: (a.file_name, a.position, a.created, a.uuid))
    return documents, stray


def _document_order(summary: "DocumentSummary") -> tuple:
    # As `reader docs`: newest first, undated last, then title; the key settles the rest.
    date = summary.date or ""
    return (summary.date is None, tuple(-ord(c) for c in date), summary.title, summary.key)


# -- rendering ---------------------------------------------------------------------


class _Renderer:
    def __init__(self, db, options: ExportOptions) -> None:
        self.db, self.options = db, options

    def single(self, documents: list[_DocumentNotes], stray: list[Annotation]) -> str:
        every = [a for d in documents for a in (*d.attached, *d.orphans)] + stray
        attached = [d for d in documents if d.attached]
        lines = _front_matter([
            ("title", "Reader notes"),
            ("exported", self._exported(every)),
            ("documents", len(attached)),
            ("annotations", len(every)),
            ("tags", _all_tags(every)),
        ])
        for notes in attached:  # a document's orphans are listed at the end, with its file name
            lines += ["", f"# {_inline(notes.summary.title)}", ""]
            lines += _metadata_list(notes)
            for a in notes.attached:
                lines += [""] + self._annotation(a, notes)
        orphaned = [(a, notes.summary.file_name) for notes in documents for a in notes.orphans]
        orphaned += [(a, a.file_name) for a in stray]
        if orphaned:
            lines += ["", f"# {ORPHANS_HEADING}", "", _ORPHANS_EXPLAINED]
            for a, file_name in orphaned:
                lines += [""] + self._orphan(a, file_name)
        if not every:
            lines += ["", "No notes yet."]
        return "\n".join(lines) + "\n"

    def document(self, notes: _DocumentNotes) -> str:
        every = [*notes.attached, *notes.orphans]
        summary = notes.summary
        lines = _front_matter([
            ("title", summary.title), ("source", summary.source), ("date", summary.date), ("url", notes.url),
            ("file", summary.file_name), ("key", summary.key), ("exported", self._exported(every)),
            ("tags", _all_tags(every)),
        ])
        lines += ["", f"# {_inline(summary.title)}"]
        for a in notes.attached:
            lines += [""] + self._annotation(a, notes)
        if notes.orphans:
            lines += ["", f"## {ORPHANS_HEADING}", "", _ORPHANS_EXPLAINED]
            for a in notes.orphans:
                lines += [""] + self._orphan(a, summary.file_name)
        return "\n".join(lines) + "\n"

    def orphans_file(self, stray: list[Annotation]) -> str:
        lines = _front_matter([("title", ORPHANS_HEADING), ("exported", self._exported(stray)),
                               ("tags", _all_tags(stray))])
        lines += ["", f"# {ORPHANS_HEADING}", "", _ORPHANS_EXPLAINED]
        for a in stray:
            lines += [""] + self._orphan(a, a.file_name)
        return "\n".join(lines) + "\n"

    def _exported(self, annotations: Iterable[Annotation]) -> str | None:
        given = self.options.exported
        if given == "now":
            return now_iso()
        if given:
            return given
        times = [a.modified for a in annotations]
        return format_time(max(parse_time(t) for t in times)) if times else None

    def _annotation(self, a: Annotation, notes: _DocumentNotes) -> list[str]:
        start, end = a.cur_start, a.cur_end
        if start is None or end is None:      # marked as placed but without its place (a damaged row)
            return self._orphan(a, notes.summary.file_name)
        if self.options.context == "sentence":
            before_start, after_end = self._sentence_bounds(notes.summary.id, start, end)
            pieces = [(notes.text[before_start:start], False), (notes.text[start:end], True),
                      (notes.text[end:after_end], False)]
        else:
            pieces = [(notes.text[start:end], False)]
        lines = _blockquote(pieces) + ["", f"^{a.block_id}"]
        lines += _note_and_tags(a)
        if self.options.links:
            names = self._entities(notes.summary.id, start, end)
            if names:
                lines += ["", " ".join(f"[[{n}]]" for n in names)]
        return lines

    def _orphan(self, a: Annotation, file_name: str) -> list[str]:
        lines = _blockquote([(a.exact, False)]) + ["", f"^{a.block_id}"]
        lines += _note_and_tags(a)
        lines += ["", f"Was in: {_code(file_name)}"]
        return lines

    def _sentence_bounds(self, doc_id: int, start: int, end: int) -> tuple[int, int]:
        row = self.db.execute("SELECT min(start), max(end) FROM sentences WHERE doc_id = ? AND start < ? AND end > ?",
                              [doc_id, end, start]).fetchone()
        if not row or row[0] is None:
            return start, end
        return min(row[0], start), max(row[1], end)

    def _entities(self, doc_id: int, start: int, end: int) -> list[str]:
        from reader.queries.entities import document_mentions

        if not hasattr(self, "_mentions"):
            self._mentions: dict[int, list] = {}
            self._names: dict[str, str] = {}
        if doc_id not in self._mentions:
            mentions = [m for m in document_mentions(self.db, doc_id)
                        if m.entity_id and m.label not in UNLINKED_LABELS]
            self._mentions[doc_id] = mentions
            missing = sorted({m.entity_id for m in mentions} - set(self._names))
            if missing:
                self._names.update(self.db.execute(
                    "SELECT id, name FROM entities WHERE id IN (SELECT value FROM json_each(?))",
                    [json.dumps(missing)]).fetchall())
        names: dict[str, None] = {}
        for m in self._mentions[doc_id]:
            if m.start < end and m.end > start and m.entity_id in self._names:
                name = _link_target(self._names[m.entity_id])
                if name:
                    names.setdefault(name, None)
        return list(names)


_ORPHANS_EXPLAINED = ("*The text these notes were made on is no longer in the document; "
                      "each is kept with the quote it was made on.*")


def _front_matter(fields: list[tuple[str, object]]) -> list[str]:
    lines = ["---"]
    for key, value in fields:
        if value is None:
            continue
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_yaml_string(v) for v in value)}]")
        elif isinstance(value, int):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {_yaml_string(str(value))}")
    lines.append("---")
    return lines


def _yaml_string(value: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes, which YAML shares, for anything unprintable)."""
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn")
                   and ord(c) <= 0xFFFF else c for c in quoted)


def _metadata_list(notes: _DocumentNotes) -> list[str]:
    summary = notes.summary
    lines = [f"- file: {_code(summary.file_name)}"]
    if summary.date:
        lines.append(f"- date: {_inline(summary.date)}")
    if summary.source:
        lines.append(f"- source: {_inline(summary.source)}")
    if notes.url:
        safe = not re.search(r"[\s<>]", notes.url)
        lines.append(f"- url: <{notes.url}>" if safe else f"- url: {_inline(notes.url)}")
    return lines


def _all_tags(annotations: Iterable[Annotation]) -> list[str]:
    return sorted({t for a in annotations for t in (tag_name(x) for x in a.tags) if t})


def tag_name(tag: str) -> str:
    """A tag as Obsidian takes it (tags stored before they were normalised at entry too)."""
    return tag_form(tag)


def _link_target(name: str) -> str:
    """An entity name usable inside [[…]]: no [ ] | # ^ (Obsidian's link syntax) nor line breaks."""
    return re.sub(r"\s+", " ", re.sub(r"[\[\]|#^\\]", " ", name)).strip()


def _note_and_tags(a: Annotation) -> list[str]:
    lines: list[str] = []
    if a.note.strip():
        lines += ["", *_closed_fences(a.note.strip("\n")).split("\n")]
    tags = [tag_name(t) for t in a.tags]
    if any(tags):
        lines += ["", " ".join(f"#{t}" for t in tags if t)]
    return lines


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _closed_fences(note: str) -> str:
    """The note as written, plus a closing fence if it leaves a code block open (which
    would swallow the rest of the file)."""
    open_fence = None
    for line in note.split("\n"):
        found = _FENCE.match(line)
        if not found:
            continue
        fence = found.group(1)
        if open_fence is None:
            open_fence = fence
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not line.strip()[len(fence):].strip():
            open_fence = None
    return note if open_fence is None else f"{note}\n{open_fence}"


# Document text is shown literally: characters that would make it Markdown (or Obsidian)
# syntax are escaped. `<` and entity-like `&` become character references, which every
# renderer reads; the rest get a backslash (CommonMark escapes any ASCII punctuation).
_SPECIAL = re.compile(r"([\\`*_\[\]#|$^])")
_DOUBLED = re.compile(r"([=~%])(?=\1)")          # ==highlight==, ~~strike~~, %%comment%%
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(>|[+\-](?=\s|$)|\d+[.)](?=\s|$))")


def escape_text(text: str) -> str:
    text = _ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")
    return _DOUBLED.sub(lambda m: m.group(1) + "\\", _SPECIAL.sub(r"\\\1", text))


def _escape_line_start(line: str) -> str:
    found = _LINE_START.match(line)
    if not found:
        return line
    marker = found.group(1)
    escaped = "\\" + marker if marker in "+->" else marker[:-1] + "\\" + marker[-1]
    return escaped + line[len(marker):]


def _code(text: str) -> str:
    """A code span (shown as is), with enough backticks around it."""
    text = re.sub(r"\s+", " ", text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


def _inline(text: str) -> str:
    return escape_text(re.sub(r"\s*\n\s*", " ", text))


def _blockquote(pieces: list[tuple[str, bool]]) -> list[str]:
    """Document text as a blockquote, shown literally (Markdown characters escaped);
    marked pieces as ==highlights==."""
    lines: list[list[tuple[str, bool]]] = [[]]
    for text, marked in pieces:
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append((part, marked))
    rendered = []
    for line in lines:
        out, first = "", True
        for text, marked in line:
            if first:
                text = text.lstrip(" \t")
                if not text:
                    continue
            escaped = escape_text(text)
            if first:
                escaped = _escape_line_start(escaped)
                first = False
            if marked and escaped.strip():
                core = escaped.strip(" \t")
                lead = escaped[:len(escaped) - len(escaped.lstrip(" \t"))]
                trail = escaped[len(escaped.rstrip(" \t")):]
                escaped = f"{lead}=={core}=={trail}"
            out += escaped
        rendered.append(out.rstrip(" \t"))
    while rendered and not rendered[0]:
        rendered.pop(0)
    while rendered and not rendered[-1]:
        rendered.pop()
    return [f"> {line}" if line else ">" for line in rendered] or [">"]


def check_exported(value: str | None) -> str | None:
    """Validate an --exported value: 'now' or an ISO 8601 date or date-time."""
    if value is None or value == "now":
        return value
    try:
        parse_time(value)
    except ValueError as error:
        raise AnnotationError(f"--exported '{value}' is not an ISO 8601 date or time (or 'now').") from error
    return value


__all__ = ["ExportError", "ExportOptions", "SINGLE_FILE_NAME", "check_exported", "export_markdown", "tag_name",
           "write_export"]
