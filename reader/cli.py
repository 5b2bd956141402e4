"""The `reader` command: the same core the window uses, for terminals and scripts.

Every subcommand takes `--data-dir` and `--json`; JSON output is stable and
documented in the README.
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable

from reader import __version__, paths
from reader.progress import Progress


def _print_json(data: object) -> None:
    out = getattr(sys.stdout, "raw_stream", sys.stdout)  # JSON escapes control characters itself
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


# Characters that move the cursor, recolour or reorder what a terminal shows: C0/C1 controls,
# DEL, the bidirectional controls, line/paragraph separators, and lone surrogates (undecodable
# bytes in a file name). Text from files and users is shown with these written as \x1b, \u202e…
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
_UNSAFE_IN_NAME = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")


def _escape_char(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character but newline and tab written out as an escape."""
    return _UNSAFE.sub(_escape_char, text)


def one_line(text: str | None) -> str:
    """A name or title for one line of output: newlines and tabs escaped too."""
    return _UNSAFE_IN_NAME.sub(_escape_char, text or "")


class SafeTerminal:
    """A text stream that escapes control characters in everything written to it, so a file
    name or title cannot send escape sequences to the terminal. `raw_stream` is the stream
    itself, for JSON and for the search highlight's own escape codes."""

    def __init__(self, stream) -> None:
        self.raw_stream = stream

    def write(self, text: str) -> int:
        return self.raw_stream.write(terminal_safe(text))

    def __getattr__(self, name: str):
        return getattr(self.raw_stream, name)


class TerminalProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.stream = getattr(sys.stderr, "raw_stream", sys.stderr)  # its own \r must reach the terminal
        self.enabled = self.stream.isatty()

    def __call__(self, event: Progress) -> None:
        if not self.enabled or not event.total:
            return
        width = 30
        filled = int(width * event.done / event.total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{event.stage:<10} [{bar}] {event.done}/{event.total} {one_line(event.current)[:40]:<40}")
        if event.done == event.total:
            self.stream.write("\n")
        self.stream.flush()


def _library(args: argparse.Namespace):
    from reader.library import Library

    return Library(args.data_dir)


def _open_index(args: argparse.Namespace):
    return _library(args).db


def cmd_index(args: argparse.Namespace) -> int:
    library = _library(args)
    run = library.import_sources if args.paths else library.update   # imported paths are remembered
    report = run([Path(p) for p in args.paths], progress=TerminalProgress(), entities=not args.no_entities,
                 check_index=True)   # `reader index` is where a damaged index gets rebuilt
    if args.json:
        _print_json(report.to_json())
    else:
        print(f"{len(report.added)} added, {len(report.updated)} updated, {report.unchanged} unchanged, "
              f"{len(report.removed)} removed, {len(report.duplicates)} duplicates, {len(report.errors)} errors"
              + (f"; {report.entities} entities" if report.entities is not None else ""))
        for item in report.duplicates:
            print(f"  duplicate: {one_line(item.path)}: {one_line(item.message)}")
        for item in report.errors:
            print(f"  error: {one_line(item.path)}: {one_line(item.message)}")
        notes = library.reanchored  # annotations found again in edited documents (None: no notes file)
        if notes is not None and (notes.changed or notes.error):
            print(f"notes: {notes.error}" if notes.error else
                  f"notes: {len(notes.changed)} re-anchored; " + ", ".join(f"{n} {s}" for s, n in notes.counts.items())
                  + (" (see `reader notes list`)" if notes.orphaned else ""))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    docs = _library(args).documents()   # with the titles and dates corrected in the window
    if args.json:
        _print_json([d.to_json() for d in docs])
        return 0
    for d in docs:
        print(f"{d.id:>4}  {d.date or '':<16}  {','.join(d.languages):<8} {d.chars:>7}  {one_line(d.file_name)}  "
              f"{one_line(d.title)}")
        if d.source:
            print(f"{'':>6}source: {one_line(d.source)}")
    if not docs:
        print("The index is empty: run `reader index` first.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from reader.queries.documents import get_document, resolve_document

    db = _open_index(args)
    detail = get_document(db, resolve_document(db, args.doc))
    if args.json:
        _print_json(detail.to_json())
    else:
        sys.stdout.write(detail.text)
        if not detail.text.endswith("\n"):
            sys.stdout.write("\n")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from reader.queries.search import search

    if args.entity:
        from reader.cli_story import search_entity

        return search_entity(args, _print_hits)
    result = search(_open_index(args), args.query, limit=args.limit)
    if args.json:
        _print_json({"query": result.query, "more": result.more, "hits": [h.to_json() for h in result.hits]})
        return 0
    _print_hits(result)
    return 0


def _print_hits(result) -> None:
    out = getattr(sys.stdout, "raw_stream", sys.stdout)  # our bold escape codes, the text's escaped
    bold, plain = ("\033[1m", "\033[0m") if out.isatty() else ("【", "】")
    for hit in result.hits:
        snippet, last = "", 0
        for s, e in hit.snippet_matches:
            snippet += one_line(hit.snippet[last:s]) + bold + one_line(hit.snippet[s:e]) + plain
            last = e
        snippet += one_line(hit.snippet[last:])
        out.write(f"{one_line(hit.file_name)} [{hit.start}:{hit.end}] {one_line(hit.title)}\n    {snippet}\n")
    count = len(result.hits)
    if result.notice:
        print(f"note: {result.notice}", file=sys.stderr)
    print(f"{count} result{'' if count == 1 else 's'}{' (more with --limit)' if result.more else ''}")


def cmd_entities(args: argparse.Namespace) -> int:
    from reader.queries.entities import entity_documents, list_entities

    db = _open_index(args)
    entities = list_entities(db, args.type)
    files = entity_documents(db)
    if args.json:
        _print_json([dict(e.to_json(), files=files.get(e.id, [])) for e in entities])
        return 0
    for e in entities:
        aliases = ", ".join(a for a in e.aliases if a != e.name)[:60]
        sure = f"  [linked by spelling, {e.confidence:.0%} sure]" if e.links else ""
        print(f"{e.label:<12} {e.mentions:>5} × in {e.documents:>3} docs  {e.name}" + (f"  ({aliases})" if aliases else "")
              + sure)
    return 0


def cmd_xref(args: argparse.Namespace) -> int:
    from reader.queries.entities import (cooccurring, entity_mentions, entity_passages_repeated, get_entity,
                                         related_to_entity)

    db = _open_index(args)
    entity = get_entity(db, args.entity)
    mentions = entity_mentions(db, entity.id)
    together = cooccurring(db, entity.id, limit=args.limit)
    related = related_to_entity(db, entity.id, limit=args.limit)
    repeated = entity_passages_repeated(db, entity.id, limit=args.limit)
    if args.json:
        _print_json({"entity": entity.to_json(), "mentions": [m.to_json() for m in mentions],
                     "cooccurring": [c.to_json() for c in together],
                     "related_documents": [r.to_json() for r in related],
                     "repeated_passages": [{"doc_id": d, "passage_seq": seq, "similar": [m.to_json() for m in sim]}
                                           for d, seq, sim in repeated]})
        return 0
    print(f"{entity.name} [{entity.label}]  {entity.mentions} mentions in {entity.documents} documents")
    print(f"  also written: {', '.join(entity.aliases)}")
    for link in entity.links:
        a, b = link["forms"]
        print(f"  linked by spelling: {a} = {b} ({link['confidence']:.0%} sure; "
              f"undo: reader entity split \"{entity.id}\" \"{b}\")")
    for group in mentions:
        print(f"\n{group.document.date or '':<16} {one_line(group.document.title)}")
        for m in group.mentions:
            print(f"    …{m.left}【{m.match}】{m.right}…")
    if together:
        print("\nappears with: " + ", ".join(f"{c.entity.name} ({c.together})" for c in together))
    if related:
        print("\nrelated documents:")
        for r in related:
            print(f"    {one_line(r.document.title)}")
    if repeated:
        print("\npassages repeated elsewhere:")
        for doc_id, seq, similar in repeated:
            print(f"    document {doc_id} passage {seq} ≈ " +
                  ", ".join(f"{one_line(m.document.file_name)}#{m.passage_seq} ({m.similarity:.0%})"
                            for m in similar))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from reader.ingest import load_file
    from reader.nlp import Extractor
    from reader.nlp.canonical import Linker, Mention
    from reader.nlp.normalize import normalize_value

    doc = load_file(Path(args.file))
    spans = Extractor().extract_passages(doc.text, [(p.start, p.end, p.lang) for p in doc.passages])
    library = _library(args)
    linker = Linker(alias_paths=library.alias_paths() or None, corrections=library.corrections())
    _, ids = linker.link([Mention(doc.key, s.start, s.end, s.label, s.text) for s in spans])
    rows = [{"start": s.start, "end": s.end, "label": s.label, "text": s.text, "entity": entity_id,
             "value": normalize_value(s.text, s.label, doc.date)} for s, entity_id in zip(spans, ids)]
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        value = f"  = {row['value']}" if row["value"] else ""
        print(f"{row['start']:>7}-{row['end']:<7} {row['label']:<12} {row['text']}  → {row['entity']}{value}")
    return 0


def cmd_entity(args: argparse.Namespace) -> int:
    from reader.queries.entities import get_entity

    library = _library(args)
    db = library.db
    entity = get_entity(db, args.entity)
    value = getattr(args, "value", None)
    if args.action == "merge":
        value = get_entity(db, args.value).id
    elif args.action == "retype":
        value = args.value.upper()      # (the parser requires a value for retype)
    stored = library.user.add_correction(args.action, entity.id, value)
    report = library.indexer(progress=TerminalProgress()).update_entities()
    if args.json:
        _print_json({"correction": vars(stored), "entities": report.entities})
    else:
        print(f"{args.action}: {entity.name} ({entity.id})" + (f" ← {value}" if value else "") +
              f"; saved with your data, {report.entities} entities now")
    return 0


def _fail(error: Exception) -> int:
    print(f"reader: {error}", file=sys.stderr)
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    from reader.annotations.files import ExportError
    from reader.annotations.markdown_export import ExportOptions, check_exported, export_markdown, write_export
    from reader.annotations.model import AnnotationError

    try:
        options = ExportOptions(context=args.context, links=not args.no_links, exported=check_exported(args.exported))
        files = export_markdown(_library(args), args.doc, per_document=args.per_document, options=options)
        if args.timeline or args.statements:
            from reader.cli_story import add_story_to_export

            add_story_to_export(_library(args), files, args)
        written = write_export(files, Path(args.out) if args.out else None, per_document=args.per_document)
    except (ExportError, AnnotationError) as error:
        return _fail(error)
    if args.out and args.json:
        _print_json({"files": [str(p) for p in written]})
    elif args.out:
        print(f"{len(written)} file{'' if len(written) == 1 else 's'} written: " + ", ".join(str(p) for p in written))
    return 0


def _note_line(a) -> str:
    place = f"[{a.cur_start}-{a.cur_end}]" if a.cur_start is not None else "[orphaned]"
    quote = one_line(" ".join(a.exact.split()))
    note = one_line(" ".join(a.note.split()))
    tags = one_line(" ".join(f"#{t}" for t in a.tags))
    return (f"{a.block_id}  {a.status:<8} {a.colour:<6} {one_line(a.file_name)} {place} «{quote[:40]}{'…' if len(quote) > 40 else ''}»"
            + (f"  {note[:60]}{'…' if len(note) > 60 else ''}" if note else "") + (f"  {tags}" if tags else ""))


def _warn_skipped(library) -> None:
    """Notes that could not be read (bad rows, damaged pages): said on stderr, the rest still shown."""
    skipped = library.notes.skipped
    for line in skipped[:10]:
        print(f"reader: warning: {line}", file=sys.stderr)
    if skipped:
        more = f" ({len(skipped) - 10} more)" if len(skipped) > 10 else ""
        print(f"reader: warning: {len(skipped)} stored notes could not be read{more}; `reader notes salvage` "
              "copies every readable note into a fresh file.", file=sys.stderr)


def _salvage(args: argparse.Namespace, library) -> int:
    from reader.annotations.storage import salvage

    library.close()   # the file is replaced: nothing may hold it open
    report = salvage(paths.user_data_path(library.data_dir))
    if args.json:
        _print_json(report.to_json())
    else:
        print(f"{report.notes} notes copied into a fresh {paths.USER_DATA_FILE}"
              + "".join(f", {n} {table.replace('_', ' ')}" for table, n in report.other.items() if n)
              + f"; the old file is kept as {Path(report.damaged_copy).name}.")
        for line in report.skipped:
            print(f"  not readable: {line}")
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    from reader.annotations.files import ExportError, write_atomic
    from reader.annotations.model import AnnotationError
    from reader.annotations.service import Annotations, reanchor_all
    from reader.annotations import w3c

    library = _library(args)
    notes = Annotations(library)
    try:
        if args.notes_action == "list":
            found = notes.list_for_document(args.doc) if args.doc else notes.list_all()
            if args.json:
                _print_json([a.to_json() for a in found])
            else:
                for a in found:
                    print(_note_line(a))
                if not found and not library.notes.skipped:
                    print("No notes yet.")
            _warn_skipped(library)
        elif args.notes_action == "add":
            made = notes.create(args.doc, args.start, args.end, note=args.note, tags=args.tag or (),
                                colour=args.color)
            if args.json:
                _print_json(made.to_json())
            else:
                print(f"added {made.uuid}: {_note_line(made)}")
        elif args.notes_action == "delete":
            removed = notes.delete(notes.find(args.annotation).uuid)
            if args.json:
                _print_json(removed.to_json())
            else:
                print(f"deleted {removed.uuid}")
        elif args.notes_action == "reanchor":
            report = reanchor_all(library)
            if args.json:
                _print_json(report.to_json())
            else:
                print(", ".join(f"{n} {s}" for s, n in report.counts.items()) + f"; {len(report.changed)} changed")
        elif args.notes_action == "export-json":
            text = w3c.dumps(w3c.export_json(library))
            _warn_skipped(library)
            if args.out:
                out = Path(args.out).expanduser()
                write_atomic(out / "Reader notes.json" if out.is_dir() else out, text.encode("utf-8"))
            else:
                sys.stdout.flush()
                sys.stdout.buffer.write(text.encode("utf-8"))
                sys.stdout.buffer.flush()
        elif args.notes_action == "salvage":
            return _salvage(args, library)
        elif args.notes_action == "import":
            imported = w3c.import_json(library, w3c.read_json_file(Path(args.file)))
            if args.json:
                _print_json(imported.to_json())
            else:
                actions, statuses = imported.actions, imported.statuses
                print(f"{actions['added']} added, {actions['updated']} updated, {actions['skipped']} skipped "
                      f"(already there and not older); " + ", ".join(f"{n} {s}" for s, n in statuses.items()))
                for warning in imported.warnings:
                    print(f"  warning: {warning}", file=sys.stderr)
    except (AnnotationError, ExportError) as error:
        return _fail(error)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from reader.queries.documents import resolve_document

    library = _library(args)
    removed = library.remove_document(resolve_document(library.db, args.doc), delete_annotations=args.delete_notes)
    library.relink_entities(progress=TerminalProgress())
    if args.json:
        _print_json(asdict(removed))
    else:
        notes = (f"{removed.notes_deleted} notes deleted" if args.delete_notes
                 else f"{removed.notes_kept} notes kept as orphans")
        print(f"Removed {one_line(removed.title)} ({one_line(removed.path)}) from the library; {notes}. The file itself is untouched.")
    return 0


def _positive(text: str) -> int:
    """A count of results: 1 to a million (SQLite and memory have limits; nobody reads more)."""
    from reader.queries.search import MAX_RESULTS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {one_line(text)!r}") from None
    if not 1 <= value <= MAX_RESULTS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_RESULTS:,}, not {value}")
    return value


def _common_options(top_level: bool) -> argparse.ArgumentParser:
    """--data-dir and --json, accepted before the command or after it. After it, they default
    to "not given" (SUPPRESS), so a subcommand never overwrites what was given before it."""
    common = argparse.ArgumentParser(add_help=False)
    unset: dict[str, Any] = {} if top_level else {"default": argparse.SUPPRESS}
    common.add_argument("--data-dir", help=f"where the index and your notes live (default: ${paths.DATA_DIR_ENV} "
                                           "or the platform's user data folder); before or after the command",
                        **unset)
    common.add_argument("--json", action="store_true", help="print stable JSON for scripts; before or after the "
                                                            "command", **unset)
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options(top_level=False)
    parser = argparse.ArgumentParser(prog="reader", description="Reader: a reading room for following a story "
                                     "across many articles. With no command, opens the window. --data-dir and "
                                     "--json may come before or after the command.",
                                     parents=[_common_options(top_level=True)])
    parser.add_argument("--version", action="version", version=f"Reader {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation end to end (index the bundled documents in a temporary "
                             "folder, open the window, search, annotate, export; offscreen if there is no "
                             "display) and exit")
    parser.add_argument("--measure-startup", action="store_true", help=argparse.SUPPRESS)  # bench/bench_bundle.py
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        command.set_defaults(handler=handler)
        return command

    index = add("index", cmd_index, "build or update the index from the bundled seeds or from files/folders")
    index.add_argument("paths", nargs="*", help="files or folders (recursive); default: the bundled seeds")
    index.add_argument("--no-entities", action="store_true", help="text and search only; find entities later")
    add("docs", cmd_docs, "list the documents in the index")
    show = add("show", cmd_show, "print a document's text (with --json: passages and offsets too)")
    show.add_argument("doc", help="document id, file name or content-hash prefix")
    search = add("search", cmd_search, "search all documents")
    search.add_argument("query", help='words (all must occur); "quoted phrase" kept together')
    search.add_argument("--limit", type=_positive, default=20, help="at most this many results (default 20)")
    search.add_argument("--entity", action="store_true", help="when the query is a known name, also the passages "
                        "naming that entity in any other spelling or script (Putin → プーチン)")
    remove = add("remove", cmd_remove, "take a document out of the library (the file is left alone); "
                                       "a later sync of its folder does not add it back")
    remove.add_argument("doc", help="document id, file name or content-hash prefix")
    remove.add_argument("--delete-notes", action="store_true",
                        help="also delete its annotations (by default they are kept, as orphans)")
    entities = add("entities", cmd_entities, "list canonical entities (people, places, organisations, dates...)")
    entities.add_argument("--type", help="only this type, e.g. PERSON, GPE, ORG, DATE")
    xref = add("xref", cmd_xref, "where an entity appears, what it appears with, related documents")
    xref.add_argument("entity", help="entity id or any name it is written as")
    xref.add_argument("--limit", type=_positive, default=10)
    from reader.cli_story import add_story_commands

    add_story_commands(add, _positive)
    extract = add("extract", cmd_extract, "the entities in any text file, without indexing it")
    extract.add_argument("file")
    entity = add("entity", cmd_entity, "correct an entity; kept with your data across re-indexing")
    actions = entity.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text, value_help in [
        ("rename", "give an entity another display name", "the new name"),
        ("retype", "change an entity's type", "the new type, e.g. ORG"),
        ("merge", "merge another entity into this one", "the other entity (id or name)"),
        ("split", "split a spelling off into an entity of its own", "the spelling to split off"),
        ("hide", "hide a false entity", None),
    ]:
        action = actions.add_parser(name, help=help_text, description=help_text, parents=[common])
        action.add_argument("entity", help="entity id or any name it is written as")
        if value_help:
            action.add_argument("value", help=value_help)
    export = add("export", cmd_export, "export your notes as Markdown (YAML front matter, #tags, [[entity]] "
                 "links, ^block ids: ready for an Obsidian vault); see README 'Export format'")
    export.add_argument("--doc", action="append", metavar="DOC",
                        help="only this document (id, file name or content-hash prefix); repeat for more")
    export.add_argument("--out", metavar="PATH", help="the file to write (a folder with --per-document); "
                        "default: one file to standard output")
    layout = export.add_mutually_exclusive_group()
    layout.add_argument("--single-file", dest="per_document", action="store_false", help="one file (default)")
    layout.add_argument("--per-document", dest="per_document", action="store_true",
                        help="one file per document in the folder --out")
    export.set_defaults(per_document=False)
    export.add_argument("--context", choices=["quote", "sentence"], default="quote",
                        help="quote only (default), or the sentence around it with the quote ==marked==")
    export.add_argument("--no-links", action="store_true", help="no [[entity]] links")
    export.add_argument("--timeline", action="store_true", help="add a timeline of the annotated documents' "
                        "dated events (a '# Timeline' section; Timeline.md with --per-document)")
    export.add_argument("--statements", metavar="ENTITY", help="add a page of what ENTITY said, in date order, "
                        "with references back to the source passages")
    export.add_argument("--exported", metavar="WHEN", help="the 'exported' date written (ISO 8601, or 'now'); "
                        "default: the newest change among the notes, so the same notes give the same bytes")
    notes = add("notes", cmd_notes, "your annotations: list, add, delete, re-anchor, W3C JSON export and import")
    notes_actions = notes.add_subparsers(dest="notes_action", metavar="ACTION", required=True)
    notes_list = notes_actions.add_parser("list", help="list annotations", description="list annotations "
                                          "(with --json: uuid, doc_key, file_name, quote, note, tags, colour, "
                                          "created, modified, status, start, end)", parents=[common])
    notes_list.add_argument("--doc", help="only this document's (id, file name or content-hash prefix)")
    notes_add = notes_actions.add_parser("add", help="highlight text[START:END] of a document",
                                         description="highlight text[START:END] of a document (code points, "
                                         "as `reader show DOC --json`)", parents=[common])
    notes_add.add_argument("doc", help="document id, file name or content-hash prefix")
    notes_add.add_argument("start", type=int)
    notes_add.add_argument("end", type=int)
    notes_add.add_argument("--note", default="", help="a note, in Markdown")
    notes_add.add_argument("--tag", action="append", metavar="TAG", help="a tag; repeat for more")
    notes_add.add_argument("--color", "--colour", dest="color", default="yellow",
                           choices=["yellow", "green", "blue", "pink", "purple"])
    notes_delete = notes_actions.add_parser("delete", help="delete an annotation", description="delete an "
                                            "annotation", parents=[common])
    notes_delete.add_argument("annotation", help="its UUID or a unique prefix (e.g. the 8-character block id)")
    notes_actions.add_parser("reanchor", help="attach annotations to the documents' current text",
                             description="attach annotations to the documents' current text (`reader index` "
                             "does this too)", parents=[common])
    notes_export = notes_actions.add_parser("export-json", help="all annotations as W3C Web Annotation JSON",
                                            description="all annotations as a W3C Web Annotation "
                                            "AnnotationCollection (backup and interop)", parents=[common])
    notes_export.add_argument("--out", metavar="PATH", help="the file to write (default: standard output)")
    notes_import = notes_actions.add_parser("import", help="import W3C Web Annotation JSON (all or nothing)",
                                            description="import W3C Web Annotation JSON: all or nothing; a "
                                            "known UUID is updated only if newer", parents=[common])
    notes_import.add_argument("file", help="a JSON file: an AnnotationCollection, a page or a list of annotations")
    notes_actions.add_parser("salvage", help="copy every readable note of a damaged notes file into a fresh one",
                             description="copy every annotation, entity correction and library source that can "
                             "still be read from your notes file into a fresh file, which takes its place; the old "
                             "file is kept beside it as user.sqlite.damaged-<time>. Close the window first.",
                             parents=[common])
    return parser


# Arguments that are text Reader stores or looks up (not paths on disk, which may be any bytes).
_TEXT_ARGUMENTS = {"doc": "DOC", "query": "QUERY", "note": "--note", "tag": "--tag", "entity": "ENTITY",
                   "value": "VALUE", "annotation": "ID", "type": "--type", "exported": "--exported"}


def _undecodable_argument(args: argparse.Namespace) -> str | None:
    """The name of a text argument that was not valid UTF-8 (Python keeps such bytes as lone
    surrogates, which cannot be stored or searched), or None."""
    for name, shown in _TEXT_ARGUMENTS.items():
        value = getattr(args, name, None)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and re.search("[\ud800-\udfff]", text):
                return shown
    return None
def _storage_problem(args: argparse.Namespace, error: sqlite3.Error):
    """The known storage error behind a raw SQLite error, naming the file it is about: the one
    that fails SQLite's check when the error says 'damaged', else the index (most commands')."""
    from reader.store import db, sql
    from reader.store.userdata import SALVAGE_HINT

    data = paths.data_dir(args.data_dir)
    index = db.index_place(paths.index_path(data))
    notes = sql.Place("Your notes file", paths.user_data_path(data), SALVAGE_HINT)
    place = index
    if sql.is_damaged(error):
        place = next((p for p in (index, notes) if _fails_check(p.path)), index)
        if place is index:
            db.mark_suspect(index.path)   # the next update checks and rebuilds it
    return sql.known_error(error, place)


def _fails_check(path: Path) -> bool:
    from reader.store import sql

    if not path.is_file():
        return False
    try:
        conn = sql.connect_readonly(path)
    except sqlite3.Error:
        return True
    try:
        return sql.quick_check(conn) != "ok"
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    bad = _undecodable_argument(args)
    if bad:
        parser.error(f"{bad} is not valid UTF-8 text; give it in UTF-8 (check the terminal's encoding)")
    if args.command is None:
        if args.self_test or args.measure_startup:
            from reader import selftest

            return selftest.main(args.data_dir) if args.self_test else selftest.measure_startup(args.data_dir)
        from reader.ui.app import run  # Qt only here: the other commands never import it

        return run([], args.data_dir)
    from reader.ingest.model import IngestError
    from reader.nlp.packed_dictionary import DictionaryUnavailable
    from reader.queries.documents import DocumentNotFound
    from reader.queries.entities import EntityNotFound
    from reader.store.sql import StorageError

    sys.stdout, sys.stderr = SafeTerminal(sys.stdout), SafeTerminal(sys.stderr)
    try:
        return args.handler(args)
    except BrokenPipeError:  # `reader ... | head`
        sys.stderr.close()
        return 0
    except (DocumentNotFound, EntityNotFound, StorageError, IngestError, DictionaryUnavailable) as error:
        print(f"reader: {error}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        known = _storage_problem(args, error)
        if known is None:
            raise   # a bug in Reader, not a state of the user's files
        print(f"reader: {known}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130
    finally:
        sys.stdout, sys.stderr = sys.stdout.raw_stream, sys.stderr.raw_stream
