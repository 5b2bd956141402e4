"""`reader timeline`, `reader statements` and `reader search --entity`: following the story
from the terminal (see reader.queries.story)."""
from __future__ import annotations

import argparse
import sys
from typing import Callable


def _print_json(data: object) -> None:
    from reader.cli import _print_json as print_json   # past the terminal escaping, as every command's JSON

    print_json(data)


def _db(args: argparse.Namespace):
    from reader.cli import _library

    return _library(args).db.conn


def _fail(message: str) -> int:
    print(f"reader: {message}", file=sys.stderr)
    return 1


def _limited(found: list, args: argparse.Namespace) -> tuple[list | None, bool]:
    """The first --limit of `found` (asked for one more) and whether there are more; with
    --json, prints them and gives None."""
    more = len(found) > args.limit
    found = found[:args.limit]
    if args.json:
        _print_json([item.to_json() for item in found])
        return None, more
    return found, more


def _print_count(found: list, noun: str, more: bool) -> None:
    print(f"{len(found)} {noun}{'' if len(found) == 1 else 's'}{' (more with --limit)' if more else ''}")


def cmd_timeline(args: argparse.Namespace) -> int:
    from reader.queries.documents import resolve_document
    from reader.queries.story import timeline

    db = _db(args)
    doc_id = resolve_document(db, args.doc) if args.doc else None
    try:
        events = timeline(db, entity=args.entity, date_from=args.date_from, date_to=args.date_to, doc_id=doc_id,
                          limit=args.limit + 1)
    except ValueError as error:
        return _fail(str(error))
    shown, more = _limited(events, args)
    if shown is None:
        return 0
    for e in shown:
        flag = " (date uncertain: resolved against the import date)" if e.uncertain else ""
        print(f"{e.date:<23} {e.precision:<5} «{e.date_text}»  {e.file_name} [{e.start}:{e.end}]{flag}")
        print(f"    {e.text[:160]}")
        if e.entities:
            print("    " + ", ".join(x.name for x in e.entities[:8]))
    _print_count(shown, "event", more)
    return 0


def cmd_statements(args: argparse.Namespace) -> int:
    from reader.queries.documents import resolve_document
    from reader.queries.story import statements

    db = _db(args)
    doc_id = resolve_document(db, args.doc) if args.doc else None
    found, more = _limited(statements(db, speaker=args.speaker, doc_id=doc_id, limit=args.limit + 1), args)
    if found is None:
        return 0
    for s in found:
        who = s.speaker.name if s.speaker else s.speaker_text + (f" ({s.side.name})" if s.side else "")
        print(f"{s.date or '':<10}  {who} [{s.cue}]  {s.file_name} [{s.start}:{s.end}]")
        print(f"    {s.text[:200]}")
    _print_count(found, "statement", more)
    return 0


def search_entity(args: argparse.Namespace, print_hits: Callable) -> int:
    """`reader search QUERY --entity`: the literal results, then the passages naming the same
    entity in other spellings, saying so."""
    from reader.queries.story import entity_search

    literal, expansion = entity_search(_db(args), args.query, limit=args.limit)
    if args.json:
        _print_json({"query": literal.query, "more": literal.more, "hits": [h.to_json() for h in literal.hits],
                     "entity": expansion.to_json() if expansion else None})
        return 0
    print_hits(literal)
    if expansion is None:
        print(f"'{args.query}' is not a name Reader knows; only the literal search was run.")
    elif expansion.passages:
        print(f"\n{expansion.message()}:")
        print_hits(SearchLike(expansion.hits, expansion.more))
    else:
        print(f"\nno other passages name {expansion.entity.name} in another spelling.")
    return 0


class SearchLike:
    """The shape of a SearchResult, for printing an expansion's hits the same way."""

    def __init__(self, hits: list, more: bool) -> None:
        self.hits, self.more = hits, more
        self.notice = ""    # the literal search already said whether the query was cut


def add_story_to_export(library, files: dict[str, str], args: argparse.Namespace) -> None:
    """`reader export --timeline / --statements ENTITY`: the story's pages beside the notes."""
    from reader.annotations.markdown_export import SINGLE_FILE_NAME
    from reader.annotations.service import Annotations
    from reader.annotations.story_export import TIMELINE_HEADING, statements_page, timeline_section

    notes = Annotations(library).list_all()
    if args.doc:
        keys = {a.doc_key for doc in args.doc for a in Annotations(library).list_for_document(doc)}
        notes = [a for a in notes if a.doc_key in keys]
    if args.timeline:
        if args.per_document:
            files[f"{TIMELINE_HEADING}.md"] = f"# {TIMELINE_HEADING}\n" + timeline_section(library.db, notes)
        else:
            files[SINGLE_FILE_NAME] += timeline_section(library.db, notes)
    if args.statements:
        name, page = statements_page(library.db, args.statements, notes, per_document=args.per_document)
        if args.per_document:
            files[name] = page
        else:
            files[SINGLE_FILE_NAME] += page


def add_story_commands(add: Callable[..., argparse.ArgumentParser], positive: Callable[[str], int]) -> None:
    timeline = add("timeline", cmd_timeline, "dated events across the documents, in date order")
    timeline.add_argument("--entity", help="only events naming this entity (id or any spelling)")
    timeline.add_argument("--from", dest="date_from", metavar="DATE", help="from this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    timeline.add_argument("--to", dest="date_to", metavar="DATE", help="up to this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    timeline.add_argument("--doc", help="only this document (id, file name or content-hash prefix)")
    timeline.add_argument("--limit", type=positive, default=200, help="at most this many events (default 200)")
    statements = add("statements", cmd_statements, "who said what: quotes and reported statements with speakers")
    statements.add_argument("--speaker", help="only this speaker (id or any spelling); an organisation or "
                            "country also gets its unnamed officials' statements")
    statements.add_argument("--doc", help="only this document (id, file name or content-hash prefix)")
    statements.add_argument("--limit", type=positive, default=200, help="at most this many (default 200)")
