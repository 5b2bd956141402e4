"""Which language a document's Latin-script text is in: English, Portuguese, Italian...

Passages are first tagged by script (passages.py): kana and kanji are Japanese, hangul is
Korean, and Latin letters are provisionally English. Once the chrome is marked, the Latin
text of the article (chrome and repeats left out) is identified as a whole with py3langid
(langid.py's Naive Bayes model over 97 languages, BSD, 4.5 MB with numpy), and its
passages and sentences are re-tagged:

- English as the likeliest language: left "en";
- another language identified with confidence: its ISO 639-1 code ("pt", "it", "de"...);
- another language, but not confidently: UNKNOWN ("und"), rather than a guess;
- too little Latin text to tell (names and acronyms in a Japanese article): left "en".

Passages tagged other than "ja" or "en" get no entity extraction (its rules are Japanese
and English) and no content-word sketch; search does not depend on the tag.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import TYPE_CHECKING

from reader.ingest.model import ENGLISH, UNKNOWN, Passage

if TYPE_CHECKING:
    from reader.ingest.passages import LanguageLetters

MIN_LETTERS = 120           # below this langid's answers are not reliable
_MIN_CONFIDENCE = 0.9       # of langid's normalised probability
_SAMPLE_CHARS = 5_000       # the language of an article is clear long before its end


def tag_latin_language(text: str, passages: list[Passage], letters: list["LanguageLetters"]) -> None:
    """Re-tag the Latin-script ("en") passages, sentences and letter counts in place."""
    latin = [index for index, passage in enumerate(passages)
             if ENGLISH in letters[index] and not passage.boilerplate and passage.duplicate_of is None]
    if sum(letters[index][ENGLISH] for index in latin) < MIN_LETTERS:
        return
    language = identify(_latin_sample(text, [passages[index] for index in latin]))
    if language == ENGLISH:
        return
    for index, passage in enumerate(passages):
        if passage.lang == ENGLISH:
            passage.lang = language
        passage.sentences = [dataclasses.replace(s, lang=language) if s.lang == ENGLISH else s
                             for s in passage.sentences]
        if ENGLISH in letters[index]:
            letters[index][language] = letters[index].get(language, 0) + letters[index].pop(ENGLISH)


def _latin_sample(text: str, passages: list[Passage]) -> str:
    pieces: list[str] = []
    size = 0
    for passage in passages:
        for sentence in passage.sentences:
            if sentence.lang == ENGLISH and size < _SAMPLE_CHARS:
                pieces.append(text[sentence.start:sentence.end])
                size += sentence.end - sentence.start
    return "\n".join(pieces)


def identify(sample: str) -> str:
    """ISO 639-1 code of a Latin-script text: English when it is the likeliest, another
    language only when the model is confident, else UNKNOWN."""
    language, confidence = _identifier().classify(sample)
    return language if language == ENGLISH or confidence >= _MIN_CONFIDENCE else UNKNOWN


@lru_cache(maxsize=1)
def _identifier():
    """The model, loaded once per process (about 0.8 s) and only for documents with Latin text."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
