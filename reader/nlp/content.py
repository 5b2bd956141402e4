"""Content words of a passage: what two paraphrases of one statement share.

Character shingles find copied passages; a rewritten one shares its words, not
its characters. Sudachi's normalised forms unify spelling variants (引き揚げ /
引揚げ, キエフ-like variants) and inflections, so two passages that say the same
thing in other words still share most of their nouns and verbs.
"""
from __future__ import annotations

import re
from functools import lru_cache

from reader.nlp import sudachi

# Parts of speech that carry content; bound forms (する, ある, こと) and numbers don't.
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞"})
_BOUND_POS = frozenset({"非自立可能", "数詞", "代名詞", "助数詞可能"})
_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_ENGLISH_STOP = frozenset("""
a about above after again against all also an and any are as at be been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers him his
how i if in into is it its itself just me more most my no nor not now of off on once only or other our out over
own same she should so some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your said says say
""".split())
_MAX_CHUNK = 4000  # Sudachi refuses inputs over ~49 KB of UTF-8

@lru_cache(maxsize=4096)
def _is_content(pos_id: int) -> bool:
    pos = sudachi.dictionary().pos_of(pos_id)
    return pos[0] in _CONTENT_POS and pos[1] not in _BOUND_POS


def content_words(text: str, lang: str) -> set[str]:
    """The set of content words of a passage (Japanese via Sudachi; English by word list)."""
    if lang == "en":
        return {w.lower().removesuffix("'s") for w in _ENGLISH_WORD.findall(text)} - _ENGLISH_STOP
    if lang != "ja":
        return set()
    tokenizer = sudachi.tokenizer("C", frozenset({"pos", "normalized_form"}))
    words: set[str] = set()
    for start in range(0, len(text), _MAX_CHUNK):
        for m in tokenizer.tokenize(text[start:start + _MAX_CHUNK]):
            if _is_content(m.part_of_speech_id()):
                words.add(m.normalized_form())
    return words
