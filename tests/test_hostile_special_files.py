"""Special files (devices such as /dev/zero and /dev/urandom, named pipes, folders) are never
read: import, `reader extract` and `reader notes import` refuse them at once with what they are."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from reader.ingest import IngestError, load_file
from reader.store.db import open_index
from reader.store.indexer import Indexer

pytestmark = pytest.mark.timeout(120)

DEVICE = "This is a device, not a file with contents; Reader reads only regular files."
PIPE = "This is a named pipe (FIFO), not a file with contents; Reader reads only regular files."


@pytest.fixture
def specials(tmp_path) -> dict[str, Path]:
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "zeros.txt")
    os.symlink("/dev/urandom", tmp_path / "random.txt")
    return {"pipe": tmp_path / "pipe.txt", "zero": tmp_path / "zeros.txt", "random": tmp_path / "random.txt"}


def test_loading_a_device_or_a_pipe_is_refused_with_what_it_is(specials) -> None:
    for name, message in (("zero", DEVICE), ("pipe", PIPE)):
        with pytest.raises(IngestError) as refused:
            load_file(specials[name])
        assert str(refused.value) == message
    with pytest.raises(IngestError, match="This is a device"):
        load_file("/dev/null")        # no suffix: read as plain text, but never opened as one


def test_import_reports_devices_and_pipes_given_directly_or_found_in_a_folder(tmp_path, specials) -> None:
    folder = tmp_path
    (folder / "real.txt").write_text("The talks went on.", encoding="utf-8")
    report = Indexer(open_index(tmp_path / "index.sqlite"), entities=False).index([folder, specials["zero"]])
    assert [Path(p).name for p in report.added] == ["real.txt"]
    errors = sorted((Path(e.path).name, e.message) for e in report.errors)
    assert errors == [("pipe.txt", PIPE), ("random.txt", DEVICE), ("zeros.txt", DEVICE), ("zeros.txt", DEVICE)]


def _reader(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "READER_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("command", [("extract",), ("notes", "import")])
@pytest.mark.parametrize("special", ["zero", "random", "pipe"])
def test_extract_and_notes_import_refuse_special_files(tmp_path, specials, command, special) -> None:
    result = _reader(*command, str(specials[special]), data_dir=tmp_path / "data")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("named pipe (FIFO)" if special == "pipe" else "This is a device") in result.stderr
