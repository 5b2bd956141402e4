"""Plain data that flows from ingest to the store.

Offsets are Python code-point offsets into ``Document.text``, the decoded
text with newlines normalised to ``\\n`` and nothing else changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Language tags. By script: ja, ko, other (another script); Latin-script text is "en" until
# languages.py identifies it (then an ISO 639-1 code such as "pt", or UNKNOWN).
JAPANESE = "ja"
ENGLISH = "en"
KOREAN = "ko"
OTHER = "other"
UNKNOWN = "und"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    lang: str


@dataclass
class Passage:
    """A paragraph (usually one line of scraped text) with its sentences."""

    start: int
    end: int
    lang: str
    sentences: list[Sentence] = field(default_factory=list)
    # Site chrome, navigation, foreign-language "related articles" islands...
    boilerplate: bool = False
    # Index (into Document.passages) of the earlier passage this one repeats,
    # when it is part of a repeated run of passages; None otherwise.
    duplicate_of: int | None = None


@dataclass(frozen=True)
class Ruby:
    """A ruby (furigana) reading over ``Document.text[start:end]``, its base text.

    The reading itself is not part of the text: ``漢字《かんじ》`` (Aozora Bunko) or
    ``<ruby>漢字<rt>かんじ</rt></ruby>`` (EPUB, HTML) become ``漢字`` in the text and
    ``Ruby(start, start + 2, "かんじ")`` here.
    """

    start: int
    end: int
    reading: str


@dataclass
class Document:
    path: str                 # absolute path of the source file
    text: str                 # decoded text, newlines normalised only
    encoding: str             # encoding the bytes were decoded from
    key: str                  # SHA-256 hex of ``text`` (UTF-8): the stable document key
    title: str
    date: str | None          # ISO 8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM)
    source: str | None        # site / publisher when recognisable
    languages: list[str]      # languages present, most characters first
    urls: list[str]           # URLs cited in the text
    passages: list[Passage]
    # Added with the HTML/EPUB/PDF/Aozora loaders; defaults keep older callers working.
    author: str | None = None  # byline / creator, when the file states one
    ruby: list[Ruby] = field(default_factory=list)  # readings over base text, by start

    @property
    def chars(self) -> int:
        return len(self.text)


class IngestError(Exception):
    """A file that cannot become a document: binary, undecodable, empty, too large.

    The message is shown to the user as is, so it says what is wrong in plain words.
    """
