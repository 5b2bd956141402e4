"""The packaged app's compressed Sudachi dictionary: unpacked once, checked, never half-written."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
from pathlib import Path

import pytest

from reader import paths
from reader.nlp import packed_dictionary, sudachi
from reader.nlp.packed_dictionary import DictionaryUnavailable, ensure_unpacked, find_packed

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "packaging"))
import pack_dictionary  # noqa: E402  (the build step that makes the packed file)


def _packed(tmp_path: Path, payload: bytes) -> Path:
    """A packed dictionary as packaging/pack_dictionary.py writes it, from a small payload."""
    source = tmp_path / "src" / "system.dic"
    source.parent.mkdir()
    source.write_bytes(payload)
    return pack_dictionary.pack(source, "test 1.0", tmp_path / "bundle" / "resources", "core")


def test_unpacks_the_exact_bytes_once(tmp_path):
    payload = os.urandom(300_000) * 5
    packed = _packed(tmp_path, payload)
    assert find_packed(tmp_path / "bundle" / "resources", "core") == packed
    target = ensure_unpacked(packed, tmp_path / "cache")
    assert target.read_bytes() == payload
    assert target.parent.parent == tmp_path / "cache" / "sudachi"
    mtime = target.stat().st_mtime_ns
    assert ensure_unpacked(packed, tmp_path / "cache") == target
    assert target.stat().st_mtime_ns == mtime        # the second start maps the first copy
    assert sorted(p.name for p in target.parent.iterdir()) == ["system.dic"]


def test_packing_again_reuses_the_compressed_file(tmp_path, capsys):
    packed = _packed(tmp_path, b"dictionary" * 1000)
    before = packed.stat().st_mtime_ns
    source = tmp_path / "src" / "system.dic"
    pack_dictionary.pack(source, "test 1.0", tmp_path / "bundle" / "resources", "core")
    assert packed.stat().st_mtime_ns == before and "up to date" in capsys.readouterr().out


def test_a_damaged_packed_file_is_refused_and_leaves_nothing(tmp_path):
    packed = _packed(tmp_path, os.urandom(200_000))
    data = bytearray(packed.read_bytes())
    data[len(data) // 2] ^= 0xFF
    packed.write_bytes(bytes(data))
    with pytest.raises(DictionaryUnavailable, match="damaged"):
        ensure_unpacked(packed, tmp_path / "cache")
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_wrong_checksum_is_refused(tmp_path):
    packed = _packed(tmp_path, b"x" * 5000)
    manifest_path = packed.with_name(packed.name + ".json")
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(b"something else").hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(DictionaryUnavailable, match="checksum"):
        ensure_unpacked(packed, tmp_path / "cache")
    assert not any(p.is_file() for p in (tmp_path / "cache").rglob("*"))


def test_a_truncated_copy_in_the_cache_is_replaced(tmp_path):
    payload = os.urandom(100_000)
    packed = _packed(tmp_path, payload)
    target = ensure_unpacked(packed, tmp_path / "cache")
    target.write_bytes(payload[:1000])               # e.g. a crash of an older unpacker
    assert ensure_unpacked(packed, tmp_path / "cache").read_bytes() == payload


def test_an_older_builds_copy_is_removed(tmp_path):
    old = tmp_path / "cache" / "sudachi" / "0123456789abcdef"
    old.mkdir(parents=True)
    (old / "system.dic").write_bytes(b"old dictionary")
    target = ensure_unpacked(_packed(tmp_path, b"new dictionary" * 100), tmp_path / "cache")
    assert [p.name for p in (tmp_path / "cache" / "sudachi").iterdir()] == [target.parent.name]


def test_no_room_in_the_cache_is_a_clear_message(tmp_path, monkeypatch):
    packed = _packed(tmp_path, b"y" * 10_000)
    monkeypatch.setattr(packed_dictionary, "HEADROOM", 1 << 62)   # more than any disk has
    with pytest.raises(DictionaryUnavailable, match="needs .* MB free"):
        ensure_unpacked(packed, tmp_path / "cache")


def test_a_cache_that_cannot_hold_it_is_a_clear_message(tmp_path):
    packed = _packed(tmp_path, b"z" * 10_000)
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder should be")   # fails for root too, unlike chmod
    with pytest.raises(DictionaryUnavailable, match="READER_CACHE_DIR"):
        ensure_unpacked(packed, cache)


def _unpack_in_child(packed: str, cache: str, queue) -> None:
    queue.put(ensure_unpacked(Path(packed), Path(cache)).read_bytes() == Path(packed + ".payload").read_bytes())


def test_processes_starting_together_all_get_a_whole_file(tmp_path):
    payload = os.urandom(2_000_000)
    packed = _packed(tmp_path, payload)
    Path(str(packed) + ".payload").write_bytes(payload)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    children = [ctx.Process(target=_unpack_in_child, args=(str(packed), str(tmp_path / "cache"), queue))
                for _ in range(3)]
    for child in children:
        child.start()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert results == [True, True, True]


def test_from_source_the_installed_dictionary_is_used(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "bundle_root", lambda: tmp_path)     # a tree without resources/sudachi
    assert sudachi.system_dictionary() == sudachi.dict_name()


def test_in_a_bundle_the_unpacked_copy_is_used(monkeypatch, tmp_path):
    _packed(tmp_path, b"packed" * 100)
    monkeypatch.setattr(paths, "bundle_root", lambda: tmp_path / "bundle")
    monkeypatch.setenv(paths.CACHE_DIR_ENV, str(tmp_path / "cache"))
    chosen = Path(sudachi.system_dictionary())
    assert chosen.is_absolute() and chosen.read_bytes() == b"packed" * 100


def test_the_real_dictionary_loads_from_an_absolute_path():
    """What the bundle hands Sudachi: the path of a system.dic, not a package name."""
    from sudachipy import Dictionary

    path, _ = pack_dictionary.installed_dictionary("core")
    tokens = [m.surface() for m in Dictionary(dict=str(path)).tokenizer().tokenize("キーウで会談")]
    assert tokens == ["キーウ", "で", "会談"]
