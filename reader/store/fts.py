"""Tokens for full-text search that work for Japanese words of any length.

FTS5's trigram tokenizer cannot find 1–2 character words (停戦, 米), and a
morphological tokenizer misses words it segments differently. As Lucene's
CJKBigramAnalyzer does, we index each run of CJK text as its overlapping
bigrams, followed by the run's last character alone, and other scripts as
case-folded words. Then every character of a run starts a token, so a single
character is found by a prefix query (米*), and a longer word is the phrase of
its bigrams. A query becomes a conjunction of those phrases, prefixes and
words, which returns every passage containing the query (and a few more);
`reader.queries.search` then keeps exactly those that contain it.

Folding is one character to one character, so offsets in folded text are
offsets in the original.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Han, kana (incl. half-width), the prolonged sound mark, iteration marks, Hangul.
# Not the sound marks (U+3099-309C, ﾞﾟ) or ゠: FTS5's tokenizer takes them for separators, and
# a query token it drops would match nothing.
CJK_CLASS = (
    "\u3005\u3006\u3007\u303b\u3041-\u3098\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d"
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\U00020000-\U0003134f"
)
WORD_CLASS = rf"[^\W_{CJK_CLASS}]"  # letters and digits of non-CJK scripts, matched as words
_RUN = re.compile(rf"([{CJK_CLASS}]+)|({WORD_CLASS}+)")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        folded = ch
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded


# Full-width ASCII and half-width katakana, the width variants news text mixes.
_WIDTH_TABLE = {cp: _fold_char(chr(cp)) for cp in range(0xFF01, 0xFFA0)}
# Apostrophes as typed, typeset and transliterated all search as ' (putin's finds Putin’s).
# They are separators for the index tokens either way, so the index does not change.
_APOSTROPHES = "\u2019\u2018\u201b\u02bc\u02bb\u02bd\u02b9\u2032\u00b4\u0060\uff07"
_WIDTH_TABLE.update({ord(ch): "'" for ch in _APOSTROPHES})


def fold(text: str) -> str:
    """Width- and case-fold, keeping length: ＡＢＣ→abc, ｶ→カ, ’→'."""
    if text.isascii():
        return text.lower().replace("`", "'")
    folded = text.translate(_WIDTH_TABLE)
    lowered = folded.lower()
    if len(lowered) == len(text):
        return lowered
    # A character whose lower case is longer (İ): the same folding, one character at a time.
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in folded)


@dataclass(frozen=True)
class Run:
    text: str
    cjk: bool


def runs(folded: str) -> list[Run]:
    return [Run(m.group(0), m.group(1) is not None) for m in _RUN.finditer(folded)]


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def document_tokens(text: str) -> str:
    """The tokens FTS indexes for a passage's text, space-separated."""
    tokens: list[str] = []
    for match in _RUN.finditer(fold(text)):
        chars = match.group(0)
        if match.group(1) is not None:
            tokens.extend([chars[i:i + 2] for i in range(len(chars) - 1)])
            tokens.append(chars[-1])
        else:
            tokens.append(chars)
    return " ".join(tokens)


def term_match_expression(term: str, max_tokens: int = 64) -> str | None:
    """An FTS5 MATCH expression every passage containing `term` satisfies.

    Built only from quoted tokens, so no user text is ever parsed as FTS syntax.
    A long term is narrowed to its first `max_tokens` tokens: still satisfied by
    every passage containing the term, and the caller checks the whole term.
    Returns None when the term has no searchable characters (punctuation only).
    """
    parts: list[str] = []
    budget = max_tokens
    for run in runs(fold(term)):
        if budget <= 0:
            break
        if not run.cjk:
            parts.append(_quote(run.text))
            budget -= 1
        elif len(run.text) == 1:
            # The character may start a bigram or end a run in the text.
            parts.append(_quote(run.text) + "*")
            budget -= 1
        else:
            bigrams = [run.text[i:i + 2] for i in range(len(run.text) - 1)][:budget]
            parts.append(_quote(" ".join(bigrams)))
            budget -= len(bigrams)
    if not parts:
        return None
    return " AND ".join(parts)

