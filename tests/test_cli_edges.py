"""The command line at its edges: huge numbers, undecodable arguments, hostile file names,
over-long queries, and where the top-level options go."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO


def run(*args: str | bytes, data_dir=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if data_dir is not None:
        env["READER_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=REPO, capture_output=True, env=env)


def out(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8")


def err(result: subprocess.CompletedProcess) -> str:
    return result.stderr.decode("utf-8")


def test_a_huge_limit_is_a_message_not_a_traceback():
    result = run("search", "--limit", "9223372036854775807", "停戦")
    assert result.returncode == 2 and "Traceback" not in err(result)
    assert "--limit: must be from 1 to 1,000,000" in err(result)


def test_a_huge_document_number_is_not_found_with_a_message():
    assert run("index").returncode == 0
    for ref in ("99999999999999999999", "9" * 5000, "²"):
        result = run("show", ref)
        assert result.returncode == 1 and "Traceback" not in err(result)
        assert "No document" in err(result)


def test_arguments_that_are_not_utf8_are_refused_with_a_message():
    assert run("index").returncode == 0
    for args in (["notes", "add", "1", "0", "5", "--note", b"caf\xe9"], ["notes", "add", "1", "0", "5", "--tag", b"\xff"],
                 ["show", b"\xff\xfe.txt"], ["search", b"\xc3"]):
        result = run(*args)
        assert result.returncode == 2 and "Traceback" not in err(result), err(result)
        assert "is not valid UTF-8 text" in err(result)
    assert json.loads(out(run("notes", "list", "--json"))) == []  # nothing was stored


def test_top_level_data_dir_and_json_are_obeyed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    result = run("--data-dir", str(elsewhere), "--json", "index", data_dir=tmp_path / "default")
    assert result.returncode == 0, err(result)
    assert len(json.loads(out(result))["added"]) == 5
    assert (elsewhere / "index.sqlite").exists() and not (tmp_path / "default" / "index.sqlite").exists()
    docs = json.loads(out(run("--json", "docs", "--data-dir", str(elsewhere))))
    assert len(docs) == 5
    # Both places at once: the one after the command is the nearer, and wins.
    assert json.loads(out(run("--data-dir", str(tmp_path / "none"), "docs", "--data-dir", str(elsewhere),
                              "--json"))) == docs
    assert "before or after the command" in out(run("--help"))


def test_control_characters_in_names_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    hostile = "evil\x1b[2J\x1b]0;owned\x07\r\u202egnp.txt"
    (folder / hostile).write_text("Talks in Geneva went on.\n\nThe delegations met again.\n", encoding="utf-8")
    assert run("index", str(folder)).returncode == 0
    for args in (["docs"], ["search", "Geneva"], ["index", str(folder)]):
        text = out(run(*args))
        assert not any(ch in text for ch in "\x1b\x07\r\u202e"), (args, text)
    assert "evil\\x1b[2J\\x1b]0;owned\\x07\\x0d\\u202egnp.txt" in out(run("docs"))
    listed = json.loads(out(run("docs", "--json")))
    assert hostile in {d["file_name"] for d in listed}  # JSON keeps the name as it is


def test_an_over_long_query_is_cut_and_says_so():
    assert run("index").returncode == 0
    words = " ".join(f"w{i:05d}x" for i in range(12000))  # 96 KB of distinct words (argv takes 128 KB)
    result = run("search", words)
    assert result.returncode == 0
    assert "only its first 50 words or phrases were searched for" in err(result)


def test_a_straight_apostrophe_finds_the_curly_one():
    assert run("index").returncode == 0
    straight = json.loads(out(run("search", "putin's", "--json", "--limit", "100")))["hits"]
    curly = json.loads(out(run("search", "Putin’s", "--json", "--limit", "100")))["hits"]
    assert straight and straight == curly
    for other in ("putin‘s", "putinʼs", "putin′s", "putin`s"):
        assert json.loads(out(run("search", other, "--json", "--limit", "100")))["hits"] == curly


def test_bad_notes_files_are_a_message_naming_the_entry(tmp_path):
    assert run("index").returncode == 0
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    surrogate = tmp_path / "surrogate.json"
    surrogate.write_text('[{"type": "Annotation", "bodyValue": "ok", "target": {"source": "000_60ad3fcb420e1d94.txt", '
                         '"selector": {"type": "TextQuoteSelector", "exact": "Russia"}}}, {"type": "Annotation", '
                         '"bodyValue": "x", "target": {"source": "a.txt", "selector": {"type": "TextQuoteSelector", '
                         '"exact": "\\udc80"}}}]')
    for path, message in ((deep, "nested too deeply"), (surrogate, "entry 2: target.selector.exact holds \\udc80")):
        result = run("notes", "import", str(path))
        assert result.returncode == 1 and "Traceback" not in err(result)
        assert message in err(result), err(result)
    assert json.loads(out(run("notes", "list", "--json"))) == []
