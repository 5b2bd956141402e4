"""The Sudachi dictionary shipped compressed, unpacked once into the user's cache folder.

The packaged app carries ``system.dic`` as xz (45 MiB instead of 193 MiB on disk; see
packaging/PLATFORMS.md). Sudachi memory-maps its dictionary, so it must exist uncompressed
somewhere: the first process that needs it unpacks it into the cache folder, checking the
SHA-256 the build recorded, and every later process (worker processes included) maps that copy.

Running from source there is no packed dictionary and nothing here is used. The manifest written
beside the packed file at build time (``<name>.dic.xz.json``) says what the unpacked file must be:
``{"sha256": ..., "size": ..., "source": ...}``.
"""
from __future__ import annotations

import hashlib
import json
import lzma
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
# Room kept free beyond the dictionary itself, so unpacking never fills a disk to the last byte.
HEADROOM = 64 << 20


class DictionaryUnavailable(RuntimeError):
    """The packed dictionary cannot be unpacked; the message says why, for the user."""


@dataclass(frozen=True)
class PackedDictionary:
    packed: Path       # the .dic.xz in the bundle
    sha256: str        # of the unpacked file
    size: int          # of the unpacked file, in bytes

    @classmethod
    def read(cls, packed: Path) -> "PackedDictionary":
        manifest = json.loads(packed.with_name(packed.name + ".json").read_text(encoding="utf-8"))
        return cls(packed, str(manifest["sha256"]), int(manifest["size"]))

    def target(self, cache: Path) -> Path:
        """Where the unpacked copy lives: one folder per dictionary build, so an update never
        maps a half-replaced file another process is still using."""
        return cache / "sudachi" / self.sha256[:16] / "system.dic"


def find_packed(resources: Path, name: str) -> Path | None:
    """The bundle's packed dictionary called `name` (``core``), if this is a bundle that has one."""
    packed = resources / "sudachi" / f"system_{name}.dic.xz"
    return packed if packed.is_file() else None


def ensure_unpacked(packed: Path, cache: Path) -> Path:
    """The path of the unpacked dictionary, unpacking it first if no good copy is in `cache`.

    Safe when several processes start at once: each writes its own temporary file and renames it
    into place only after its checksum is right, so no process ever maps a partial file."""
    info = PackedDictionary.read(packed)
    target = info.target(cache)
    if _is_complete(target, info):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _check_free_space(target.parent, info.size)
        _unpack(info, target)
    except OSError as exc:
        raise DictionaryUnavailable(
            f"Reader could not unpack its Japanese dictionary into {target.parent}: {exc.strerror or exc}. "
            f"It needs {info.size / 2**20:.0f} MB there once; free some space or set READER_CACHE_DIR "
            f"to another folder.") from exc
    _remove_other_builds(target)
    return target


def _is_complete(target: Path, info: PackedDictionary) -> bool:
    # The size is checked at every start (cheap); the checksum was checked before the rename.
    try:
        return target.stat().st_size == info.size
    except OSError:
        return False


def _check_free_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed + HEADROOM:
        raise DictionaryUnavailable(
            f"Reader needs {(needed + HEADROOM) / 2**20:.0f} MB free in {folder} to unpack its Japanese "
            f"dictionary (first start only); {free / 2**20:.0f} MB are free. Free some space or set "
            f"READER_CACHE_DIR to another folder.")


def _unpack(info: PackedDictionary, target: Path) -> None:
    fd, temporary = tempfile.mkstemp(prefix=".system.dic.", dir=target.parent)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, lzma.open(info.packed, "rb") as packed:
            while chunk := packed.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != info.sha256:
            raise DictionaryUnavailable(
                f"The packed Japanese dictionary {info.packed} is damaged (checksum mismatch); "
                f"reinstall Reader.")
        os.replace(temporary, target)
    except lzma.LZMAError as exc:
        raise DictionaryUnavailable(
            f"The packed Japanese dictionary {info.packed} is damaged ({exc}); reinstall Reader.") from exc
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _remove_other_builds(target: Path) -> None:
    """Dictionaries unpacked by older versions of Reader: 200 MB each, never used again."""
    for folder in target.parent.parent.iterdir():
        if folder != target.parent and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
