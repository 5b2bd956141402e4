"""Writing export files: names safe on Windows, macOS and Linux, and atomic replacement.

The rename that makes a write atomic would replace whatever is at the path, so the target is
checked first: a symbolic link is followed (its target is written, the link stays), anything
but a regular file or a new name (a device such as /dev/full, a pipe, a socket) is refused,
and the new file keeps the old one's permissions (a new file gets the umask's default, as
any program's would).
"""
from __future__ import annotations

import os
import re
import stat
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
    path, mode = writable_target(path)
    temporary = _write_temporary(path.parent, data, mode)
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
        for given, data in files.items():
            path, mode = writable_target(given)
            written.append((_write_temporary(path.parent, data, mode), path))
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


def writable_target(path: Path) -> tuple[Path, int]:
    """The file to replace for `path` (a symbolic link's target) and the permissions the new
    file gets; raises ExportError for anything that is not a regular file or a new name."""
    path = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        status = path.stat()
    except FileNotFoundError:
        return path, 0o666 & ~_umask()
    except OSError as error:
        raise ExportError(_message(path, error)) from error
    if stat.S_ISDIR(status.st_mode):
        raise ExportError(f"Cannot write {path}: it is a folder. Nothing was written.")
    if not stat.S_ISREG(status.st_mode):
        raise ExportError(f"Cannot write {path}: it is not a regular file (a device, a pipe or a socket); "
                          "give the name of a file. Nothing was written.")
    return path, stat.S_IMODE(status.st_mode)


def _umask() -> int:
    """The process's umask: from /proc on Linux, else by setting it and straight back (which
    another thread creating a file at that instant could notice)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def _write_temporary(folder: Path, data: bytes, mode: int) -> Path:
    try:
        descriptor, name = tempfile.mkstemp(prefix=".reader-export-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise ExportError(_message(folder, error, writing_in=True)) from error
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if os.name == "posix":  # mkstemp makes it 0600; the file gets the mode it should have
                os.fchmod(handle.fileno(), mode)
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
