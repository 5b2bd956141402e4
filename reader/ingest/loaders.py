"""File loaders by suffix. Each loader turns one file's bytes into a Document.

Formats that need parsing (HTML, EPUB, PDF) register their own loader with
``@register(".html")`` and hand their extracted text to ``build_document``; their
modules are imported at the end of this one, so every process that can load files
(the spawned index workers too) has them registered.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Sequence

from reader.ingest.decode import decode_bytes, normalise_newlines
from reader.ingest.languages import tag_latin_language
from reader.ingest.marking import mark_passages
from reader.ingest.metadata import extract_metadata
from reader.ingest.model import Document, IngestError, Ruby
from reader.ingest.passages import LanguageLetters, split_passages

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILE_DESCRIPTION = "50 MB"

Loader = Callable[[Path, bytes], Document]
_LOADERS: dict[str, Loader] = {}


def register(*suffixes: str) -> Callable[[Loader], Loader]:
    """Register a loader for file suffixes (".txt"; "" for files without one)."""
    def decorate(loader: Loader) -> Loader:
        for suffix in suffixes:
            _LOADERS[suffix.lower()] = loader
        return loader
    return decorate


def supported_suffixes() -> tuple[str, ...]:
    """Suffixes (lower case, with the dot; "" for none) that load_file accepts."""
    return tuple(sorted(_LOADERS))


def load_file(path: Path | str, data: bytes | None = None) -> Document:
    """Read and ingest one file. `data` is its content when the caller already read it.

    Raises IngestError, with a message for the user, when the file cannot become a document.
    """
    path = Path(path).absolute()
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        known = ", ".join(suffix for suffix in supported_suffixes() if suffix)
        raise IngestError(f"Reader cannot open {path.suffix or 'these'} files (it reads {known}).")
    if data is None:
        data = _read(path)
    _refuse_if_too_large(len(data))
    return loader(path, data)


def _read(path: Path) -> bytes:
    try:
        _refuse_if_too_large(path.stat().st_size)    # before reading gigabytes into memory
        return path.read_bytes()
    except OSError as error:
        raise IngestError(f"Cannot read the file: {error.strerror or error}.") from error


def too_large_message(size: int) -> str:
    return f"The file is too large ({size / 1024 / 1024:.0f} MB); Reader takes files up to {MAX_FILE_DESCRIPTION}."


def _refuse_if_too_large(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise IngestError(too_large_message(size))


def build_document(path: Path | str, text: str, encoding: str, *, title: str | None = None,
                   date: str | None = None, source: str | None = None, author: str | None = None,
                   fallback_date: str | None = None, ruby: Sequence[Ruby] = (),
                   boilerplate: Sequence[tuple[int, int]] = ()) -> Document:
    """A Document from extracted text: passages, duplicate and boilerplate marks, metadata.

    Newlines are normalised to \\n; nothing else in the text changes, so offsets refer to it.

    Loaders that read metadata from the file itself (HTML meta tags, an EPUB's OPF, an
    Aozora Bunko header) pass it as `title`, `date` (ISO 8601), `source` and `author`: each
    given value wins over what the text heuristics find. `fallback_date` is used only when
    the text states no date. `ruby` offsets and `boilerplate` spans (passages inside them are
    marked as boilerplate) refer to `text`, which must then already use \\n newlines.
    """
    if (ruby or boilerplate) and "\r" in text:
        raise ValueError("ruby and boilerplate offsets need text with \\n newlines")
    text = normalise_newlines(text)
    if not text.strip():
        raise IngestError("The file is an empty document: it has no text.")
    path = Path(path).absolute()
    letters: list[LanguageLetters] = []
    passages = split_passages(text, letters)
    mark_passages(text, passages, letters)
    for start, end in boilerplate:
        for passage in passages:
            if start <= passage.start and passage.end <= end:
                passage.boilerplate = True
    tag_latin_language(text, passages, letters)
    metadata = extract_metadata(text, passages, fallback_title=path.stem, letters=letters)
    return Document(
        path=str(path),
        text=text,
        encoding=encoding,
        key=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        title=title or metadata.title,
        date=date or metadata.date or fallback_date,
        source=source or metadata.source,
        languages=metadata.languages,
        urls=metadata.urls,
        passages=passages,
        author=author or None,
        ruby=sorted(ruby, key=lambda r: (r.start, r.end)),
    )


@register(".txt", ".text", ".md", ".markdown", "")
def load_plain_text(path: Path, data: bytes) -> Document:
    text, encoding = decode_bytes(data)
    if path.suffix.lower() not in (".md", ".markdown") and is_aozora_text(text):
        return aozora_document(path, text, encoding)   # ruby and editor's notes out of the text
    return build_document(path, text, encoding)


# Formats with their own parsers register themselves when imported; the libraries they
# need (lxml, trafilatura, pdfminer.six) are imported only when a file of theirs is read.
from reader.ingest import epub as _epub, html as _html, pdf as _pdf  # noqa: E402,F401
from reader.ingest.aozora import aozora_document, is_aozora_text  # noqa: E402
