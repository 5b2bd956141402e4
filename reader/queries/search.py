"""Corpus-wide full-text search with exact results.

The FTS index (see `reader.store.fts`) narrows the passages to candidates that
contain every bigram and word of the query; each candidate is then checked
against the folded query text itself, so results are exactly the passages that
contain it. Passages marked as repeats of an earlier one are skipped, so an
article printed twice is found once.

Query syntax, kept small on purpose: words separated by spaces must all occur;
"double quotes" keep a phrase together. Nothing else is special: FTS operators,
`*`, brackets and the like are just text.

A query is bounded (MAX_QUERY_CHARS, MAX_QUERY_TERMS): a pasted page is searched
for its beginning, and the result says so in `notice`.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass
from typing import Callable

from reader.store.fts import WORD_CLASS, fold, term_match_expression


SNIPPET_CONTEXT = 40      # characters either side of the first match
MAX_TERM_TOKENS = 64      # longer terms narrow candidates by their start, then are checked in full
MAX_NARROWING_TERMS = 16  # a conjunction of some terms still holds every passage with all of them
MAX_QUERY_CHARS = 2000    # longer queries are cut here (a pasted page: its beginning is searched)
MAX_QUERY_TERMS = 50      # each term is checked against every candidate passage
MAX_RESULTS = 1_000_000   # a larger limit or offset is taken as this (SQLite integers are 64-bit)
_CANDIDATE_BATCH = 200
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD_CHAR = re.compile(WORD_CLASS)


@dataclass(frozen=True)
class SearchHit:
    doc_id: int
    doc_key: str
    file_name: str
    title: str
    passage_seq: int
    start: int                         # passage offsets in the document text
    end: int
    matches: list[tuple[int, int]]     # every match in the passage, document offsets
    snippet: str
    snippet_matches: list[tuple[int, int]]  # the matches' offsets within `snippet`
    boilerplate: bool

    def to_json(self) -> dict:
        data = asdict(self)
        data["matches"] = [list(m) for m in self.matches]
        data["snippet_matches"] = [list(m) for m in self.snippet_matches]
        return data


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[SearchHit]
    more: bool                         # further hits exist beyond `limit`
    notice: str = ""                   # what was left out of an over-long query, for the user


def bounded_terms(query: str) -> tuple[list[str], str]:
    """The terms searched for, at most MAX_QUERY_TERMS from the first MAX_QUERY_CHARS
    characters, and a notice saying what was left out ("" when nothing was)."""
    terms = parse_terms(query[:MAX_QUERY_CHARS])
    if len(terms) > MAX_QUERY_TERMS:
        return terms[:MAX_QUERY_TERMS], (f"the query is too long: only its first {MAX_QUERY_TERMS} words or "
                                         "phrases were searched for")
    if len(query) > MAX_QUERY_CHARS:
        return terms, (f"the query is too long: only its first {MAX_QUERY_CHARS:,} characters were "
                       "searched for")
    return terms, ""


def parse_terms(query: str) -> list[str]:
    """Phrases and words of a query; stray quotes are dropped, not errors."""
    terms = []
    for match in _TERM.finditer(query):
        term = match.group(1) if match.group(1) is not None else match.group(2).replace('"', "")
        if term.strip():
            terms.append(term.strip())
    return terms


@dataclass(frozen=True)
class _Term:
    """A term to find in folded text: case- and width-insensitive; Latin words at the term's
    edges match whole words. The word-edge test is done here rather than as a look-around in
    the pattern: the word class is a large character set, and compiling it into every term's
    pattern cost milliseconds a term."""
    pattern: re.Pattern[str]
    word_start: bool
    word_end: bool

    @classmethod
    def of(cls, term: str) -> "_Term":
        folded = fold(term)
        body = r"\s+".join(re.escape(part) for part in folded.split())
        return cls(re.compile(body), bool(_WORD_CHAR.match(folded[0])), bool(_WORD_CHAR.match(folded[-1])))

    def spans(self, folded: str) -> list[tuple[int, int]]:
        found, at = [], 0
        while (match := self.pattern.search(folded, at)) is not None:
            start, end = match.span()
            if self._whole(folded, start, end):
                found.append((start, end))
                at = end
            else:
                at = start + 1
        return found

    def _whole(self, folded: str, start: int, end: int) -> bool:
        if self.word_start and start > 0 and _WORD_CHAR.match(folded, start - 1):
            return False
        return not (self.word_end and end < len(folded) and _WORD_CHAR.match(folded, end))


def _match_expression(terms: list[str]) -> str | None:
    parts = [e for e in (term_match_expression(t, MAX_TERM_TOKENS) for t in terms) if e][:MAX_NARROWING_TERMS]
    return " AND ".join(f"({p})" for p in parts) if parts else None


def _find_all(terms: list[_Term], folded: str) -> list[tuple[int, int]] | None:
    spans: list[tuple[int, int]] = []
    for term in terms:
        found = term.spans(folded)
        if not found:
            return None
        spans.extend(found)
    return sorted(spans)


def _snippet(text: str, start: int, end: int, matches: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    first = matches[0][0] - start
    lo = max(0, first - SNIPPET_CONTEXT)
    hi = min(len(text), matches[0][1] - start + SNIPPET_CONTEXT * 2)
    snippet = text[lo:hi].replace("\n", " ")
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shift = start + lo - len(prefix)
    inside = [(s - shift, e - shift) for s, e in matches if s - start >= lo and e - start <= hi]
    return prefix + snippet + suffix, inside


@dataclass(frozen=True)
class SearchCounts:
    """How many passages match, in how many documents, and per document (doc id → passages)."""
    passages: int
    documents: int
    per_document: dict[int, int]


def search(db: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0,
           order: str = "relevance") -> SearchResult:
    """Passages containing every term of `query`, best first (or by `order`); never raises on user input."""
    limit, offset = max(0, min(limit, MAX_RESULTS)), max(0, min(offset, MAX_RESULTS))
    terms, notice = bounded_terms(query)
    expression = _match_expression(terms)
    if expression is None:
        return SearchResult(query, [], False, notice)
    patterns = [_Term.of(t) for t in terms]
    hits: list[SearchHit] = []
    skipped = 0
    batch_start = 0
    batch = offset + limit + 1  # candidates rarely fail the check: ask for what is needed first
    while True:
        rows = _candidates(db, expression, batch_start, batch, order)
        for row in rows:
            hit = _verify(row, patterns)
            if hit is None:
                continue
            if skipped < offset:
                skipped += 1
                continue
            if len(hits) == limit:
                return SearchResult(query, hits, True, notice)
            hits.append(hit)
        if len(rows) < batch:
            return SearchResult(query, hits, False, notice)
        batch_start += batch
        batch = max(batch, _CANDIDATE_BATCH)


def count_hits(db: sqlite3.Connection, query: str, stop: Callable[[], bool] = lambda: False) -> SearchCounts | None:
    """The true number of matching passages and documents (every candidate checked, as `search`
    does); None when `stop()` turns true on the way (a newer query supersedes this one)."""
    terms, _notice = bounded_terms(query)
    expression = _match_expression(terms)
    per_document: dict[int, int] = {}
    if expression is None:
        return SearchCounts(0, 0, per_document)
    patterns = [_Term.of(t) for t in terms]
    sql = """
        SELECT p.doc_id, substr(d.text, p.start + 1, p.end - p.start)
        FROM passages_fts f JOIN passages p ON p.id = f.rowid JOIN documents d ON d.id = p.doc_id
        WHERE passages_fts MATCH ?
    """
    for number, (doc_id, text) in enumerate(db.execute(sql, [expression])):
        if number % _CANDIDATE_BATCH == 0 and stop():
            return None
        if _find_all(patterns, fold(text)) is not None:
            per_document[doc_id] = per_document.get(doc_id, 0) + 1
    return SearchCounts(sum(per_document.values()), len(per_document), per_document)


_BY_RANK = """
    SELECT p.doc_id, d.key, d.file_name, d.title, p.seq, p.start, p.end, p.boilerplate,
           substr(d.text, p.start + 1, p.end - p.start)
    FROM (SELECT rowid, rank FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?) f
    JOIN passages p ON p.id = f.rowid
    JOIN documents d ON d.id = p.doc_id
    ORDER BY f.rank, p.doc_id, p.seq
"""
# Newest document first (undated last), its passages in reading order.
_BY_DATE = """
    SELECT p.doc_id, d.key, d.file_name, d.title, p.seq, p.start, p.end, p.boilerplate,
           substr(d.text, p.start + 1, p.end - p.start)
    FROM passages_fts f JOIN passages p ON p.id = f.rowid JOIN documents d ON d.id = p.doc_id
    WHERE passages_fts MATCH ?
    ORDER BY d.date IS NULL, d.date DESC, p.doc_id, p.seq LIMIT ? OFFSET ?
"""


def _candidates(db: sqlite3.Connection, expression: str, start: int, count: int,
                order: str = "relevance") -> list[tuple]:
    # By relevance: rank inside FTS first (it can stop early), then fetch the few passages' text.
    sql = _BY_DATE if order == "date" else _BY_RANK
    try:
        return db.execute(sql, [expression, count, start]).fetchall()
    except sqlite3.OperationalError as error:
        # Only our own quoted tokens reach FTS5, so this would be a bug, not bad input.
        raise RuntimeError(f"search failed for FTS expression {expression!r}: {error}") from error


def _verify(row: tuple, patterns: list[_Term]) -> SearchHit | None:
    doc_id, key, file_name, title, seq, start, end, boilerplate, text = row
    spans = _find_all(patterns, fold(text))
    if spans is None:
        return None
    matches = [(start + s, start + e) for s, e in spans]
    snippet, snippet_matches = _snippet(text, start, end, matches)
    return SearchHit(doc_id, key, file_name, title, seq, start, end, matches, snippet, snippet_matches,
                     bool(boilerplate))
