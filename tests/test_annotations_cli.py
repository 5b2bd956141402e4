"""`reader notes …` and `reader export` as scripts use them."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from annotations_support import copy_index
from conftest import REPO

RUSSIA = "000_60ad3fcb420e1d94.txt"


@pytest.fixture
def data(seeds_index, tmp_path):
    data = tmp_path / "data"
    copy_index(seeds_index, data)
    return data


def reader(data, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "reader", *args, "--data-dir", str(data)], cwd=REPO,
                            capture_output=True, text=True, encoding="utf-8")
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_add_list_export_and_import_round_trip(data, tmp_path, seeds_index):
    made = json.loads(reader(data, "notes", "add", RUSSIA, "240", "290", "--note", "- a\n- [b](https://b.example)",
                             "--tag", "finance", "--tag", "russia economy", "--color", "pink", "--json").stdout)
    text = json.loads(reader(data, "show", RUSSIA, "--json").stdout)["text"]
    assert made["quote"] == text[240:290] and made["status"] == "anchored" and (made["start"], made["end"]) == (240, 290)
    reader(data, "notes", "add", RUSSIA, "10", "20")
    listed = json.loads(reader(data, "notes", "list", "--doc", RUSSIA, "--json").stdout)
    assert [n["start"] for n in listed] == [10, 240]
    assert set(listed[1]) >= {"uuid", "doc_key", "file_name", "quote", "note", "tags", "colour", "created", "modified",
                              "status", "start", "end"}
    assert listed[1]["tags"] == ["finance", "russia-economy"] and listed[1]["colour"] == "pink"

    markdown = reader(data, "export").stdout
    assert markdown.startswith("---\n") and f"^{made['uuid'][:8]}" in markdown and "#russia-economy" in markdown
    assert reader(data, "export").stdout == markdown

    backup = tmp_path / "backup.json"
    reader(data, "notes", "export-json", "--out", str(backup))
    assert json.loads(backup.read_text(encoding="utf-8"))["total"] == 2
    empty = tmp_path / "empty"
    copy_index(seeds_index, empty)
    report = json.loads(reader(empty, "notes", "import", str(backup), "--json").stdout)
    assert report["actions"] == {"added": 2, "updated": 0, "skipped": 0} and report["statuses"]["anchored"] == 2
    assert len(report["annotations"]) == 2
    again = reader(empty, "notes", "import", str(backup)).stdout
    assert again.startswith("0 added, 0 updated, 2 skipped")
    assert json.loads(reader(empty, "notes", "list", "--json").stdout) == json.loads(
        reader(data, "notes", "list", "--json").stdout)

    reader(data, "notes", "delete", made["uuid"][:8])
    assert len(json.loads(reader(data, "notes", "list", "--json").stdout)) == 1


def test_per_document_export_and_errors(data, tmp_path):
    reader(data, "notes", "add", RUSSIA, "240", "290", "--note", "x")
    out = tmp_path / "vault"
    written = json.loads(reader(data, "export", "--per-document", "--out", str(out), "--json").stdout)["files"]
    assert len(written) == 1 and written[0].endswith(".md")
    result = reader(data, "export", "--per-document", check=False)
    assert result.returncode == 1 and "--out" in result.stderr
    result = reader(data, "notes", "add", RUSSIA, "5", "5", check=False)
    assert result.returncode == 1 and result.stderr.startswith("reader: ") and result.stderr.count("\n") == 1
    result = reader(data, "notes", "import", str(tmp_path / "missing.json"), check=False)
    assert result.returncode == 1 and "Nothing imported" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "Annotation", "target": {}}', encoding="utf-8")
    result = reader(data, "notes", "import", str(bad), check=False)
    assert result.returncode == 1 and "entry 1" in result.stderr
    result = reader(data, "export", "--exported", "last tuesday", check=False)
    assert result.returncode == 1 and "ISO 8601" in result.stderr
