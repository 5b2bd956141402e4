"""Running `reader` against damaged, read-only or full storage, as a user would meet it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

ENV = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}


def reader(data: Path, *args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    """`reader ARGS --data-dir DATA` in a process of its own."""
    return subprocess.run([*(prefix or []), sys.executable, "-m", "reader", *args, "--data-dir", str(data)],
                          cwd=REPO, capture_output=True, text=True, encoding="utf-8", env=ENV, timeout=300)


def succeeds(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    """A failure a user can read: non-zero exit, one line on stderr, no traceback; returns the line."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def unprivileged() -> list[str]:
    """A command prefix that takes away root's power to ignore file permissions (nothing as a
    normal user), so chmod means what it says for the test."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root, the permission tests need setpriv (util-linux) to drop CAP_DAC_OVERRIDE"
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


# Run inside a private mount namespace: a small tmpfs is mounted over the data folder, the
# data copied in, the disk filled to the last byte, then each command run; their results are
# printed as JSON. The tmpfs goes away with the namespace.
_FULL_DISK = r"""
import json, os, shutil, subprocess, sys
source, mount, commands = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount], check=True)
data = os.path.join(mount, "data")
shutil.copytree(source, data)
fd = os.open(os.path.join(mount, "filler"), os.O_WRONLY | os.O_CREAT)
for size in (1 << 16, 1 << 12, 1 << 9, 1):
    try:
        while True:
            os.write(fd, b"\0" * size)
    except OSError:
        pass
os.close(fd)
assert shutil.disk_usage(mount).free == 0
results = []
for args in commands:
    args = [a.replace("{data}", data) for a in args]
    done = subprocess.run([sys.executable, "-m", "reader", *args, "--data-dir", data], capture_output=True,
                          text=True, encoding="utf-8")
    results.append({"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr})
before = {name: open(os.path.join(source, name), "rb").read() for name in os.listdir(source)
          if name.endswith(".sqlite")}
after = {name: open(os.path.join(data, name), "rb").read() for name in before}
print(json.dumps({"results": results, "unchanged": before == after}))
"""


def on_full_disk(data: Path, *commands: list[str]) -> tuple[list[subprocess.CompletedProcess], bool]:
    """Run each `reader` command on a copy of `data` on a disk with 0 bytes free: a tmpfs in a
    private mount namespace (the real ENOSPC); where namespaces are not allowed (some CI
    containers), a file size limit of 0 (`ulimit -f 0`: no file can grow). Returns the results
    and whether the database files came out byte for byte unchanged. "{data}" in an argument is
    the data folder's copy."""
    mount = data.parent / "full-disk"
    mount.mkdir()
    unshare = shutil.which("unshare")
    done = None
    if unshare:
        done = subprocess.run([unshare, "-rm", sys.executable, "-c", _FULL_DISK, str(data), str(mount),
                               json.dumps(commands)], cwd=REPO, capture_output=True, text=True, env=ENV, timeout=600)
    if done is None or (done.returncode != 0 and "unshare failed" in done.stderr):
        return _with_no_file_growth(data, mount, commands)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    results = [subprocess.CompletedProcess(args, r["returncode"], r["stdout"], r["stderr"])
               for args, r in zip(commands, report["results"])]
    return results, report["unchanged"]


def _no_file_growth() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def _with_no_file_growth(data: Path, scratch: Path, commands) -> tuple[list[subprocess.CompletedProcess], bool]:
    copy = scratch / "data"
    shutil.copytree(data, copy)
    before = {p.name: p.read_bytes() for p in copy.glob("*.sqlite")}
    results = []
    for args in commands:
        args = [a.replace("{data}", str(copy)) for a in args]
        results.append(subprocess.run([sys.executable, "-m", "reader", *args, "--data-dir", str(copy)], cwd=REPO,
                                      capture_output=True, text=True, encoding="utf-8", env=ENV, timeout=300,
                                      preexec_fn=_no_file_growth))
    return results, before == {name: (copy / name).read_bytes() for name in before}
