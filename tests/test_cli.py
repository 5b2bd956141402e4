"""The `reader` command as a script would use it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO, SEEDS


def reader(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "reader", *args], cwd=REPO, capture_output=True,
                            text=True, encoding="utf-8")
    if check:
        assert result.returncode == 0, result.stderr
    return result


def reader_json(*args: str):
    return json.loads(reader(*args, "--json").stdout)


def test_index_then_search_returns_exactly_the_seed_passages_with_the_word(tmp_path):
    report = reader_json("index")
    assert len(report["added"]) == 5 and report["errors"] == []
    hits = reader_json("search", "停戦", "--limit", "1000")["hits"]
    docs = {d["id"]: d for d in reader_json("docs")}
    expected = set()
    for doc_id in docs:
        shown = reader_json("show", str(doc_id))
        for p in shown["passages"]:
            if p["duplicate_of"] is None and "停戦" in shown["text"][p["start"]:p["end"]]:
                expected.add((doc_id, p["seq"]))
    assert {(h["doc_id"], h["passage_seq"]) for h in hits} == expected
    assert len(expected) > 5


def test_second_index_run_changes_nothing():
    reader("index")
    report = reader_json("index")
    assert report["added"] == [] and report["updated"] == [] and report["unchanged"] == 5


def test_docs_lists_metadata():
    reader("index")
    docs = reader_json("docs")
    assert len(docs) == 5
    for doc in docs:
        assert set(doc) >= {"id", "key", "file_name", "title", "date", "source", "languages", "chars", "passages"}
        assert doc["title"] and doc["chars"] > 0 and doc["passages"] > 0 and len(doc["key"]) == 64


def test_show_prints_the_exact_text_and_accepts_a_file_name():
    reader("index")
    seed = sorted(SEEDS.iterdir())[0]
    shown = reader_json("show", seed.name)
    assert shown["text"] == seed.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert reader("show", seed.name).stdout.rstrip("\n") == shown["text"].rstrip("\n")


def test_index_given_paths_reports_bad_files(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("東京で会議が開かれた。\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    report = reader_json("index", str(tmp_path))
    assert report["added"] == [str(good)]
    assert [e["path"] for e in report["errors"]] == [str(tmp_path / "bad.txt")]
    text = reader("index", str(tmp_path)).stdout
    assert "0 added" in text


def test_unknown_document_is_a_clear_error():
    reader("index")
    result = reader("show", "no-such-doc", check=False)
    assert result.returncode == 1 and "No document" in result.stderr


def test_data_dir_option_overrides_the_environment(tmp_path):
    data = tmp_path / "elsewhere"
    reader("index", "--data-dir", str(data))
    assert (data / "index.sqlite").exists()


def test_version():
    assert reader("--version").stdout.startswith("Reader ")


def test_help_lists_the_commands():
    out = reader("--help").stdout
    assert "usage: reader" in out and "search" in out and "export" in out


def test_no_arguments_opens_the_window(tmp_path):
    """`reader` alone starts the window; offscreen, it comes up and is closed by a timer."""
    code = (
        "import sys, threading\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import reader.ui.app as app\n"
        "real = app.create_application\n"
        "def create(argv):\n"
        "    qapp = real(argv)\n"
        "    def close():\n"
        "        names = [w.objectName() for w in qapp.topLevelWidgets() if w.isVisible()]\n"
        "        print('windows:', names)\n"
        "        qapp.quit()\n"
        "    QTimer.singleShot(1500, close)\n"
        "    return qapp\n"
        "app.create_application = create\n"
        "from reader.cli import main\n"
        "sys.exit(main(['--data-dir', sys.argv[1]]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data")], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    windows = next(line for line in result.stdout.splitlines() if line.startswith("windows:"))
    assert "mainWindow" in windows


def test_remove_keeps_the_file_and_its_notes(tmp_path):
    reader("index")
    seed = sorted(SEEDS.iterdir())[0]
    reader("notes", "add", seed.name, "0", "5", "--note", "keep me")
    removed = reader_json("remove", seed.name)
    assert removed["notes_kept"] == 1 and removed["notes_deleted"] == 0
    assert seed.exists()
    assert seed.name not in {d["file_name"] for d in reader_json("docs")}
    assert reader_json("index")["added"] == []     # a sync does not bring it back
    notes = reader_json("notes", "list")
    assert [n["status"] for n in notes] == ["orphaned"]
    assert reader("remove", "no-such-doc", check=False).returncode == 1
