"""`reader export --out` and `notes export-json --out`: what the atomic rename may replace."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from conftest import REPO
from reader.annotations.files import ExportError, write_all_atomic, write_atomic


def reader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=REPO, capture_output=True, text=True)


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "not-yet.md")
    write_all_atomic({dangling: b"made"})
    assert dangling.is_symlink() and (tmp_path / "not-yet.md").read_bytes() == b"made"


def test_a_fifo_or_a_device_is_refused_and_left_alone(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path / "link-to-pipe"):
        if path.name == "link-to-pipe":
            path.symlink_to(fifo)
        with pytest.raises(ExportError, match="not a regular file"):
            write_atomic(path, b"x")
        assert stat.S_ISFIFO(os.stat(path).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link-to-pipe", "pipe"]  # no temporary left


def test_dev_null_through_the_command_is_refused():
    result = reader("export", "--out", "/dev/null")
    assert result.returncode == 1 and "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    result = reader("notes", "export-json", "--out", "/dev/null")
    assert result.returncode == 1 and "not a regular file" in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_an_existing_file_keeps_its_mode_and_a_new_one_gets_the_umask_default(tmp_path):
    existing = tmp_path / "shared.md"
    existing.write_text("old")
    existing.chmod(0o640)
    write_atomic(existing, b"new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and existing.read_bytes() == b"new"
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.md", b"x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640
    write_atomic(tmp_path / "default.md", b"x")
    assert stat.S_IMODE((tmp_path / "default.md").stat().st_mode) == 0o666 & ~previous
