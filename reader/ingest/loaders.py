"""File loaders by suffix. Each loader turns one file's bytes into a Document.

Formats that need parsing (HTML, EPUB, PDF) register their own loader with
``@register(".html")`` and hand their extracted text to ``build_document``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from reader.ingest.decode import decode_bytes, normalise_newlines
from reader.ingest.marking import mark_passages
from reader.ingest.metadata import extract_metadata
from reader.ingest.model import Document, IngestError
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


def build_document(path: Path | str, text: str, encoding: str) -> Document:
    """A Document from extracted text: passages, duplicate and boilerplate marks, metadata.

    Newlines are normalised to \\n; nothing else in the text changes, so offsets refer to it.
    """
    text = normalise_newlines(text)
    if not text.strip():
        raise IngestError("The file is an empty document: it has no text.")
    path = Path(path).absolute()
    letters: list[LanguageLetters] = []
    passages = split_passages(text, letters)
    mark_passages(text, passages, letters)
    metadata = extract_metadata(text, passages, fallback_title=path.stem, letters=letters)
    return Document(
        path=str(path),
        text=text,
        encoding=encoding,
        key=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        title=metadata.title,
        date=metadata.date,
        source=metadata.source,
        languages=metadata.languages,
        urls=metadata.urls,
        passages=passages,
    )


@register(".txt", ".text", ".md", ".markdown", "")
def load_plain_text(path: Path, data: bytes) -> Document:
    text, encoding = decode_bytes(data)
    return build_document(path, text, encoding)
