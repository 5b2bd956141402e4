"""The story in the Markdown export: a timeline of the annotated documents and a page of one
entity's statements, as dated bullets that point back to their source passages.

Each bullet ends with a block id of its own (^t… for events, ^s… for statements, stable across
exports), so a vault can link to it. When one of the exported notes covers the bullet's
sentence, the bullet links to that note's block ([[Reader notes#^c36275b8]]); otherwise it names
the source file and the offsets of the passage.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from reader.annotations.files import safe_filename
from reader.annotations.markdown_export import SINGLE_FILE_NAME, _front_matter, escape_text

if TYPE_CHECKING:
    from reader.annotations.model import Annotation

TIMELINE_HEADING = "Timeline"


def _block(kind: str, doc_key: str, start: int, end: int) -> str:
    digest = hashlib.sha256(f"{doc_key}:{start}:{end}".encode()).hexdigest()[:8]
    return f"^{kind}{digest}"


def _source(notes: dict[int, list["Annotation"]], note_file: str, doc_id: int, file_name: str,
            start: int, end: int) -> str:
    for a in notes.get(doc_id, []):
        if a.cur_start is not None and a.cur_end is not None and a.cur_start < end and a.cur_end > start:
            return f"[[{note_file}#^{a.block_id}]]"
    return f"`{file_name}` [{start}–{end}]"


def _doc_keys(db, doc_ids: Iterable[int]) -> dict[int, str]:
    wanted = set(doc_ids)
    return {doc_id: key for doc_id, key in db.execute("SELECT id, key FROM documents") if doc_id in wanted}


def _notes_by_document(db, annotations: list["Annotation"]) -> dict[int, list["Annotation"]]:
    """The anchored notes, by the id of the document they are on."""
    ids = {key: doc_id for doc_id, key in db.execute("SELECT id, key FROM documents")}
    notes: dict[int, list] = {}
    for a in annotations:
        if a.cur_start is not None and a.doc_key in ids:
            notes.setdefault(ids[a.doc_key], []).append(a)
    return notes


def timeline_section(db, annotations: list["Annotation"], note_file: str = SINGLE_FILE_NAME) -> str:
    """`# Timeline`: the dated events of the documents that have notes, in date order."""
    from reader.queries.story import timeline

    notes = _notes_by_document(db, annotations)
    events = sorted((e for doc_id in notes for e in timeline(db, doc_id=doc_id, limit=10_000)),
                    key=lambda e: (e.date_from, e.date_to, e.doc_id, e.start))
    keys = _doc_keys(db, notes)
    stem = Path(note_file).stem
    lines = ["", f"# {TIMELINE_HEADING}", ""]
    for e in events:
        uncertain = " (date uncertain)" if e.uncertain else ""
        lines.append(f"- **{e.date}**{uncertain} {escape_text(e.text)} — "
                     f"{_source(notes, stem, e.doc_id, e.file_name, e.start, e.end)} "
                     f"{_block('t', keys[e.doc_id], e.start, e.end)}")
    if not events:
        lines.append("No dated events in the annotated documents.")
    return "\n".join(lines) + "\n"


def statements_page(db, entity: str, annotations: list["Annotation"], note_file: str = SINGLE_FILE_NAME,
                    per_document: bool = True) -> tuple[str, str]:
    """(file name, Markdown): what `entity` said, across documents, in date order; a page of
    its own with front matter, or (`per_document` False) a section of the single notes file."""
    from reader.queries.entities import get_entity
    from reader.queries.story import statements

    who = get_entity(db, entity)
    found = statements(db, speaker=who.id, limit=100_000)
    notes = _notes_by_document(db, annotations)
    keys = _doc_keys(db, {s.doc_id for s in found})
    stem = Path(note_file).stem
    lines = _front_matter([("title", f"Statements: {who.name}"), ("entity", who.id), ("statements", len(found))]) \
        if per_document else []
    lines += ["", f"# Statements: {who.name}", ""]
    for s in found:
        speaker = "" if s.speaker and s.speaker.id == who.id else f"{s.speaker_text}: "
        lines.append(f"- **{s.date or 'undated'}** {escape_text(speaker)}「{escape_text(s.text)}」 ({s.cue}) — "
                     f"{escape_text(s.title)}, {_source(notes, stem, s.doc_id, s.file_name, s.start, s.end)} "
                     f"{_block('s', keys[s.doc_id], s.start, s.end)}")
    if not found:
        lines.append(f"No statements by {who.name} found.")
    return safe_filename(f"Statements {who.name}"), "\n".join(lines) + "\n"
