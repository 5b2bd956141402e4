"""Tokens for full-text search that work for Japanese words of any length.

FTS5's trigram tokenizer cannot find 1–2 character words (停戦, 米), and a
morphological tokenizer misses words it segments differently. Like Lucene's
CJKBigramAnalyzer with unigrams on, we index CJK text as overlapping bigrams
(one column) and single characters (another column), and other scripts as
case-folded words. A query becomes a conjunction of the bigram phrases and
words it contains, which returns every passage containing the query (and a
few more); `reader.queries.search` then keeps exactly those that contain it.

Folding is one character to one character, so offsets in folded text are
offsets in the original.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Han, kana (incl. half-width), the prolonged sound mark, iteration marks, Hangul.
_CJK_CLASS = (
    "\u3005\u3006\u3007\u303b\u3041-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\U00020000-\U0003134f"
)
_RUN = re.compile(rf"([{_CJK_CLASS}]+)|([^\W_{_CJK_CLASS}]+)")
_CJK_CHAR = re.compile(rf"[{_CJK_CLASS}]")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        folded = ch
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded


def fold(text: str) -> str:
    """Width- and case-fold, keeping length: ＡＢＣ→abc, ｶ→カ."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


@dataclass(frozen=True)
class Run:
    text: str
    cjk: bool


def runs(folded: str) -> list[Run]:
    return [Run(m.group(0), m.group(1) is not None) for m in _RUN.finditer(folded)]


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def document_tokens(text: str) -> tuple[str, str]:
    """(bigram column, unigram column) for a passage's text."""
    grams: list[str] = []
    unigrams: list[str] = []
    for run in runs(fold(text)):
        if not run.cjk:
            grams.append(run.text)
            continue
        chars = run.text
        unigrams.extend(chars)
        if len(chars) == 1:
            grams.append(chars)
        else:
            grams.extend(chars[i:i + 2] for i in range(len(chars) - 1))
    return " ".join(grams), " ".join(unigrams)


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
            parts.append("grams:" + _quote(run.text))
            budget -= 1
        elif len(run.text) == 1:
            # A lone character may sit inside a longer run in the text.
            parts.append("unigrams:" + _quote(run.text))
            budget -= 1
        else:
            bigrams = [run.text[i:i + 2] for i in range(len(run.text) - 1)][:budget]
            parts.append("grams:" + _quote(" ".join(bigrams)))
            budget -= len(bigrams)
    if not parts:
        return None
    return " AND ".join(parts)


def has_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None
