"""Writing export files: names safe on Windows, macOS and Linux, and atomic replacement."""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

MAX_NAME_CHARS = 100      # code points, extension included
MAX_NAME_BYTES = 240      # UTF-8; most file systems allow 255 bytes per name
_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")}


class ExportError(Exception):
    """The export could not be written; the message is one line saying why."""


def safe_filename(title: str, extension: str = ".md", fallback: str = "Untitled") -> str:
    """`title` as a file name any common system accepts: no \\ / : * ? " < > |, no control or
    format characters, no trailing dots or spaces, no reserved device names (CON, NUL, COM1…),
    at most 100 code points and 240 UTF-8 bytes with the extension. NFC, so macOS and the
    others agree on the name."""
    name = unicodedata.normalize("NFC", title or "")
    name = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else
                   "" if unicodedata.category(c) in ("Cf", "Cs", "Co", "Cn") else c for c in name)
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        name = fallback
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = "_" + name
    limit_chars = MAX_NAME_CHARS - len(extension)
    limit_bytes = MAX_NAME_BYTES - len(extension.encode("utf-8"))
    name = name[:limit_chars]
    while len(name.encode("utf-8")) > limit_bytes:
        name = name[:-1]
    name = name.rstrip(" .") or fallback
    return name + extension


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once: a temporary file in the same folder, flushed
    to disk, then renamed over it. On failure nothing is left behind and the old file stays."""
    temporary = _write_temporary(path.parent, data)
    try:
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ExportError(_message(path, error)) from error
    _sync_folder(path.parent)


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write several files: all temporary files first (any failure removes them and leaves the
    old files as they were), then each renamed over its target."""
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            written.append((_write_temporary(path.parent, data), path))
        for temporary, path in written:
            try:
                os.replace(temporary, path)
            except OSError as error:
                raise ExportError(_message(path, error, complete=False)) from error
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
    for folder in {p.parent for p in files}:
        _sync_folder(folder)


def _write_temporary(folder: Path, data: bytes) -> Path:
    try:
        descriptor, name = tempfile.mkstemp(prefix=".reader-export-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise ExportError(_message(folder, error, writing_in=True)) from error
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ExportError(_message(folder, error, writing_in=True)) from error
    return temporary


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(_message(folder, error, writing_in=True)) from error
    if not folder.is_dir():
        raise ExportError(f"Cannot write into {folder}: it is not a folder.")


def _message(path: Path, error: OSError, writing_in: bool = False, complete: bool = True) -> str:
    reason = error.strerror or str(error)
    outcome = "Nothing was written." if complete else "Files before it were replaced; the others are as they were."
    return f"Cannot write {'into ' if writing_in else ''}{path}: {reason}. {outcome}"
