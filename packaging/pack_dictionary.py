"""Compress the Sudachi system dictionary for the bundle (run by build.sh with the build venv's Python).

    python packaging/pack_dictionary.py OUT_DIR [--dict core]

writes OUT_DIR/sudachi/system_core.dic.xz and its manifest system_core.dic.xz.json ({sha256, size,
source}) that reader/nlp/packed_dictionary.py checks when it unpacks the file on first use. The
dictionary is 193 MiB and xz makes it 45 MiB; compressing takes ~1.5 min of one core, so the result
is kept and reused while the installed dictionary is unchanged (same package version and size; not
the file's time, which every fresh build venv changes).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.metadata
import json
import lzma
import os
import sys
from pathlib import Path

CHUNK = 1 << 20
PRESET = 6   # -9 saves 2 % more and takes twice as long; decompression speed is the same


def installed_dictionary(name: str) -> tuple[Path, str]:
    module = importlib.import_module(f"sudachidict_{name}")
    path = Path(module.__file__).parent / "resources" / "system.dic"
    version = importlib.metadata.version(f"sudachidict-{name}")
    return path, f"sudachidict_{name} {version}"


def pack(source: Path, label: str, out_dir: Path, name: str) -> Path:
    packed = out_dir / "sudachi" / f"system_{name}.dic.xz"
    manifest_path = packed.with_name(packed.name + ".json")
    stat = source.stat()
    stamp = {"source": label, "source_size": stat.st_size}
    if packed.is_file() and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if all(manifest.get(key) == value for key, value in stamp.items()):
            print(f"pack_dictionary: {packed} is up to date")
            return packed
    packed.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    partial = packed.with_name(packed.name + ".part")
    with source.open("rb") as src, lzma.open(partial, "wb", preset=PRESET) as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    os.replace(partial, packed)
    manifest = {"sha256": digest.hexdigest(), "size": stat.st_size, **stamp}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"pack_dictionary: {source} ({stat.st_size / 2**20:.1f} MiB) → {packed} "
          f"({packed.stat().st_size / 2**20:.1f} MiB)")
    return packed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--dict", default="core", choices=("core", "small", "full"))
    args = parser.parse_args(argv)
    source, label = installed_dictionary(args.dict)
    pack(source, label, args.out_dir, args.dict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
