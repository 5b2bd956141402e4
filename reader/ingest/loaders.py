"""File loaders by suffix. Each loader turns one file's bytes into a Document.

Formats that need parsing (HTML, EPUB, PDF) register their own loader with
``@register(".html")`` and hand their extracted text to ``build_document``; their
modules are imported at the end of this one, so every process that can load files
(the spawned index workers too) has them registered.
"""
from __future__ import annotations

import hashlib
import os
import stat
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
        data, _ = read_regular_file(path)
    _refuse_if_too_large(len(data))
    return loader(path, data)


def read_regular_file(path: Path | str, max_bytes: int = MAX_FILE_BYTES) -> tuple[bytes, os.stat_result]:
    """The bytes (and status) of a regular file, read only once it is known to be one and small
    enough: a device such as /dev/zero never ends, and opening a named pipe waits for a writer.
    Raises IngestError with the reason."""
    try:
        refuse_special_file(os.stat(path))                  # before opening: opening can block or act
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise IngestError(f"Cannot read the file: {error.strerror or error}.") from error
    with os.fdopen(fd, "rb") as file:
        try:
            status = os.fstat(fd)
            refuse_special_file(status)                      # (it may have been replaced meanwhile)
            _refuse_if_too_large(status.st_size, max_bytes)  # before reading gigabytes into memory
            data = file.read(max_bytes + 1)
        except OSError as error:
            raise IngestError(f"Cannot read the file: {error.strerror or error}.") from error
    _refuse_if_too_large(len(data), max_bytes)               # it grew while being read
    return data, status


def special_file_message(mode: int) -> str | None:
    """Why a file system entry of this mode is no document (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "This is a folder, not a file."
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return f"This is {kind}, not a file with contents; Reader reads only regular files."


def refuse_special_file(status: os.stat_result) -> None:
    message = special_file_message(status.st_mode)
    if message:
        raise IngestError(message)


def too_large_message(size: int, max_bytes: int = MAX_FILE_BYTES) -> str:
    limit = MAX_FILE_DESCRIPTION if max_bytes == MAX_FILE_BYTES else f"{max_bytes / 1024 / 1024:.0f} MB"
    return f"The file is too large ({size / 1024 / 1024:.0f} MB); Reader takes files up to {limit}."


def _refuse_if_too_large(size: int, max_bytes: int = MAX_FILE_BYTES) -> None:
    if size > max_bytes:
        raise IngestError(too_large_message(size, max_bytes))


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
