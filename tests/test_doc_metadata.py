"""The user's corrections to a document's title, date and source (reader.store.doc_metadata)."""
from __future__ import annotations

import sqlite3

import pytest

from reader.queries.documents import list_documents
from reader.store import userdata
from reader.store.doc_metadata import (MetadataError, apply_overrides, metadata_overrides, normalise_date,
                                       set_metadata_override)
from reader.store.userdata import UserData


def test_dates_are_stored_as_the_index_stores_them():
    assert normalise_date("2025-3-4") == "2025-03-04"
    assert normalise_date(" 2025/03/04 ") == "2025-03-04"
    assert normalise_date("2025-03-04 19:27") == "2025-03-04T19:27"
    assert normalise_date("2025-03") == "2025-03"
    assert normalise_date("") is None
    with pytest.raises(MetadataError, match="not a date"):
        normalise_date("last Tuesday")
    with pytest.raises(MetadataError):
        normalise_date("2025-02-30")


def test_an_override_lays_over_the_index_and_empty_fields_follow_it_again(seeds_index, tmp_path):
    user = UserData(tmp_path / "user.sqlite")
    docs = list_documents(seeds_index.conn)
    target = docs[-1]
    set_metadata_override(user, target.path, "  A  corrected   title ", "2005-06-01", "")
    shown = {d.id: d for d in apply_overrides(docs, metadata_overrides(user))}
    assert shown[target.id].title == "A corrected title"
    assert shown[target.id].date == "2005-06-01"
    assert shown[target.id].source == target.source          # left empty: the indexed value
    assert all(shown[d.id] == d for d in docs if d.id != target.id)
    user.close()

    # Kept in the user's file: a rebuilt index (new ids, same files) shows it again.
    reopened = UserData(tmp_path / "user.sqlite")
    assert metadata_overrides(reopened)[target.path].title == "A corrected title"
    set_metadata_override(reopened, target.path, "", "", "")   # all empty: the correction is gone
    assert metadata_overrides(reopened) == {}
    reopened.close()


def test_a_schema_4_file_gains_the_table_and_keeps_its_data(tmp_path):
    path = tmp_path / "user.sqlite"
    user = UserData(path)
    user.add_correction("hide", "e1")
    user.conn.execute("DROP TABLE document_metadata")
    user.conn.execute("PRAGMA user_version = 4")
    user.close()
    migrated = UserData(path)
    assert migrated.version() == userdata.VERSION == 5
    assert [c.entity for c in migrated.corrections()] == ["e1"]
    assert metadata_overrides(migrated) == {}
    migrated.close()
    assert userdata.backups(path)          # a copy was kept before the migration


def test_a_file_older_than_schema_5_read_only_lists_no_overrides(tmp_path):
    path = tmp_path / "user.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    path.chmod(0o444)
    try:
        user = UserData(path)
        assert metadata_overrides(user) == {}
        user.close()
    finally:
        path.chmod(0o644)


def test_reader_docs_shows_the_corrected_date(seeds_index, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from reader import paths
    from test_ui_support import copy_index

    data = tmp_path / "data"
    data.mkdir()
    copy_index(seeds_index, data)
    docs = list_documents(seeds_index.conn)
    oldest = docs[-1]
    user = UserData(paths.user_data_path(data))
    set_metadata_override(user, oldest.path, "Newest now", "2099-01-01", None)
    user.close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), "--json", "docs"],
                         capture_output=True, text=True, env=env, check=True).stdout
    listed = json.loads(out)
    assert (listed[0]["title"], listed[0]["date"], listed[0]["id"]) == ("Newest now", "2099-01-01", oldest.id)
