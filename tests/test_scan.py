"""The sync rules (reader.store.scan): which files a sync considers and what it has to do."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.store import scan


def write(path: Path, text: str = "A headline\n\nSome text.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def stamp(path: Path) -> scan.FileStamp:
    status = path.stat()
    return status.st_size, status.st_mtime


def key(path: Path) -> str:
    return str(path.resolve())


def test_the_suffixes_are_those_the_ingest_loads():
    from reader.ingest import supported_suffixes

    assert scan.SUFFIXES == frozenset(supported_suffixes())


def test_the_file_dialog_offers_every_suffix_but_the_empty_one():
    patterns = scan.dialog_patterns().split()
    assert sorted(patterns) == sorted(f"*{s}" for s in scan.SUFFIXES if s)
    assert "*" not in patterns


def test_a_new_folder_is_all_new_and_hidden_or_foreign_files_are_not_considered(tmp_path):
    a = write(tmp_path / "lib" / "a.txt")
    b = write(tmp_path / "lib" / "sub" / "b.md")
    no_suffix = write(tmp_path / "lib" / "README")
    write(tmp_path / "lib" / ".hidden.txt")
    write(tmp_path / "lib" / ".git" / "c.txt")
    write(tmp_path / "lib" / "picture.png")

    todo = scan.plan([tmp_path / "lib"], {})

    assert todo.new == sorted(key(p) for p in (a, b, no_suffix))
    assert todo.to_read == todo.new
    assert not (todo.changed or todo.removed or todo.unchanged or todo.passed_over)
    assert not todo.empty


def test_a_file_chosen_by_itself_is_taken_whatever_its_suffix(tmp_path):
    chosen = write(tmp_path / "notes.log")
    assert scan.plan([chosen], {}).new == [key(chosen)]


def test_unchanged_changed_and_removed_files_by_size_and_time(tmp_path):
    lib = tmp_path / "lib"
    same, edited, gone = write(lib / "same.txt"), write(lib / "edited.txt"), write(lib / "gone.txt")
    indexed = {key(p): stamp(p) for p in (same, edited, gone)}
    os.utime(edited, (edited.stat().st_atime, edited.stat().st_mtime + 5))
    gone.unlink()

    todo = scan.plan([lib], indexed, prune_roots=[lib])

    assert todo.unchanged == [key(same)] and todo.changed == [key(edited)]
    assert todo.removed == [str(lib.resolve() / "gone.txt")]
    assert todo.to_read == [key(edited)]


def test_nothing_is_removed_outside_the_pruned_roots(tmp_path):
    """An imported file that went away (a drive not mounted) stays in the library."""
    seeds, imported = tmp_path / "seeds", tmp_path / "imported"
    seed, outside = write(seeds / "s.txt"), write(imported / "i.txt")
    indexed = {key(seed): stamp(seed), key(outside): stamp(outside)}
    outside.unlink()

    todo = scan.plan([seeds, imported], indexed, prune_roots=[seeds])

    assert todo.removed == [] and todo.empty


def test_an_unchanged_sync_is_empty(tmp_path):
    files = [write(tmp_path / f"{n}.txt", f"Title {n}\n\nText.\n") for n in range(3)]
    assert scan.plan([tmp_path], {key(p): stamp(p) for p in files}, prune_roots=[tmp_path]).empty


def test_settled_files_are_passed_over_until_they_change(tmp_path):
    refused = write(tmp_path / "empty.txt", "")
    settled = {key(refused): stamp(refused)}

    todo = scan.plan([tmp_path], {}, settled=settled)
    assert todo.empty and [p.path for p in todo.passed_over] == [key(refused)]

    refused.write_text("Now a document\n\nWith text.\n", encoding="utf-8")
    assert scan.plan([tmp_path], {}, settled=settled).new == [key(refused)]


def test_links_to_folders_are_not_followed_and_bad_entries_are_passed_over_with_a_reason(tmp_path):
    lib = tmp_path / "lib"
    kept = write(lib / "kept.txt")
    outside = write(tmp_path / "elsewhere" / "far.txt")
    (lib / "linked").symlink_to(outside.parent, target_is_directory=True)
    (lib / "loop.txt").symlink_to(lib / "loop.txt")
    (lib / "dangling.md").symlink_to(tmp_path / "missing.md")
    os.mkfifo(lib / "pipe.txt")

    todo = scan.plan([lib, tmp_path / "no such folder"], {})

    assert todo.new == [key(kept)]
    reasons = {Path(p.path).name: p.reason for p in todo.passed_over}
    assert set(reasons) == {"loop.txt", "dangling.md", "pipe.txt", "no such folder"}
    assert "broken or loops" in reasons["loop.txt"] and "broken or loops" in reasons["dangling.md"]
    assert "not a regular file" in reasons["pipe.txt"]
    assert reasons["no such folder"] == "No such file or folder."


def test_a_name_that_is_not_utf8_is_passed_over(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    try:
        write(tmp_path / name)
    except (OSError, UnicodeEncodeError):
        pytest.fail("this file system cannot hold a name that is not UTF-8")
    todo = scan.plan([tmp_path], {})
    assert todo.new == [] and "not valid UTF-8" in todo.passed_over[0].reason
