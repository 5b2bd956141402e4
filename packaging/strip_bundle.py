"""Strip debug symbols from the Linux bundle's ELF files, safely.

    python packaging/strip_bundle.py dist/Reader/_internal

Only the folder's libraries and extension modules: never the executable, whose archive is
appended to it (strip would cut it off).

PyInstaller's own strip option strips every file, and that breaks libraries that auditwheel
repaired with patchelf (numpy.libs/libscipy_openblas: "ELF load command address/offset not
page-aligned"). Here each file is stripped to a copy, the copy's loadable segments are checked
(offset and address congruent modulo the page size, as the loader requires) and it replaces the
original only if they are; otherwise the file stays as it was. Prints what it saved.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
LOAD = re.compile(r"^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+\S+\s+(0x[0-9a-f]+)",
                  re.M)


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def loadable(path: Path) -> bool:
    """Every LOAD segment has offset ≡ vaddr (mod its alignment) and the file has LOAD segments."""
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True, check=False).stdout
    segments = LOAD.findall(out)
    if not segments:
        return False
    for offset, vaddr, align in segments:
        modulus = max(PAGE, min(int(align, 16), 65536))   # the loader needs the page size at least
        if (int(offset, 16) - int(vaddr, 16)) % modulus:
            return False
    return True


def strip_file(path: Path) -> int:
    """Bytes saved (0 if the file was left alone)."""
    if path.is_symlink() or not is_elf(path) or not loadable(path):
        return 0
    before = path.stat().st_size
    with tempfile.TemporaryDirectory() as tmp:
        stripped = Path(tmp) / path.name
        result = subprocess.run(["strip", "--strip-unneeded", "-o", str(stripped), str(path)],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0 or not loadable(stripped):
            return 0
        after = stripped.stat().st_size
        if after >= before:
            return 0
        mode = path.stat().st_mode
        shutil.copyfile(stripped, path)
        os.chmod(path, mode)
    return before - after


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    if shutil.which("strip") is None or shutil.which("readelf") is None:
        print("strip_bundle: binutils (strip, readelf) not found; nothing stripped")
        return 0
    saved = 0
    files = 0
    for path in sorted(Path(argv[0]).rglob("*")):
        if path.is_file() and not path.is_symlink():
            gained = strip_file(path)
            if gained:
                files += 1
                saved += gained
    print(f"strip_bundle: {files} files stripped, {saved / 1e6:.1f} MB saved")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
