"""Importing folders: bad files are reported one by one and never stop the rest or touch
what the library already holds; names in any script; incremental re-import; worker processes."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SEEDS
from reader.ingest import load_file
from reader.queries.documents import list_documents
from reader.queries.search import search
from reader.store import indexer as indexer_module
from reader.store.db import open_index
from reader.store.indexer import Indexer

FIXTURES = Path(__file__).parent / "fixtures" / "import"
GOOD = ["news_ja.html", "news_sjis.html", "aozora_ruby.epub", "english.pdf", "japanese.pdf", "vertical.pdf"]


def index(db_path: Path, *paths: Path, **kwargs):
    return Indexer(open_index(db_path), entities=False).index(list(paths), **kwargs)


def snapshot(db_path: Path) -> dict:
    """Everything a reader sees of the library: documents, passages, sentences, search results."""
    db = open_index(db_path)
    documents = db.execute("SELECT id, key, path, file_sha, title, date, source, languages, chars, text "
                           "FROM documents ORDER BY id").fetchall()
    passages = db.execute("SELECT doc_id, seq, start, end, lang, boilerplate, duplicate_of FROM passages "
                          "ORDER BY doc_id, seq").fetchall()
    sentences = db.execute("SELECT doc_id, start, end FROM sentences ORDER BY doc_id, start").fetchall()
    hits = {query: {(h.doc_id, h.passage_seq, h.start, h.end) for h in search(db, query, limit=10_000).hits}
            for query in ("交渉", "ロシア", "トランプ 停戦", "Putin")}
    return {"documents": documents, "passages": passages, "sentences": sentences, "hits": hits}


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("OEBPS/chapter.xhtml", bytes(20 * 1024 * 1024))
    return buffer.getvalue()


def make_bad_folder(folder: Path) -> dict[str, str]:
    """Bad files of every kind; returns {file name: expected message pattern}."""
    folder.mkdir()
    epub = (FIXTURES / "aozora_ruby.epub").read_bytes()
    files = {
        "picture.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16, "PNG image"),
        "empty.txt": (b"", "empty"),
        "empty.html": (b"", "empty"),
        "empty.epub": (b"", "empty"),
        "undecodable.txt": (bytes(range(0x80, 0x100)) * 20, "encoding"),
        "nul.md": (bytes(4096), "binary"),
        "cut short.epub": (epub[: len(epub) // 2], "damaged or incomplete"),
        "bomb.epub": (zip_bomb(), "ZIP bomb"),
        "locked.pdf": ((FIXTURES / "encrypted.pdf").read_bytes(), "encrypted with a password"),
        "scan.pdf": ((FIXTURES / "scanned.pdf").read_bytes(), r"no text layer \(scanned\?\)"),
        "not really.pdf": ("PDFではありません".encode(), "not a PDF"),
        "menu only.html": (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
    }
    expected = {}
    for name, (data, message) in files.items():
        (folder / name).write_bytes(data)
        expected[name] = message
    with open(folder / "huge.txt", "wb") as huge:      # 200 MB, sparse: takes no disk
        huge.truncate(200 * 1024 * 1024)
    expected["huge.txt"] = "too large .200 MB.; Reader takes files up to 50 MB"
    loops = folder / "loops"
    loops.mkdir()
    os.symlink("..", loops / "up")                      # a folder link back up: not followed
    os.symlink("itself.txt", loops / "itself.txt")      # a link to itself
    os.symlink("b.txt", loops / "a.txt")
    os.symlink("a.txt", loops / "b.txt")
    os.symlink("/nonexistent/file.txt", loops / "broken.txt")
    for name in ("itself.txt", "a.txt", "b.txt", "broken.txt"):
        expected[f"loops/{name}"] = "broken or loops"
    os.mkfifo(folder / "pipe.txt")                      # not a file: never opened (it would block)
    expected["pipe.txt"] = r"named pipe \(FIFO\), not a file"
    os.symlink("/dev/zero", folder / "zeros.txt")       # a device: never read (it never ends)
    expected["zeros.txt"] = "This is a device, not a file"
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")  # not a format Reader reads: not collected
    return expected


def test_bad_files_are_reported_one_by_one_and_the_library_is_untouched(tmp_path) -> None:
    db_path = tmp_path / "index.sqlite"
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    first = index(db_path, seeds, prune_missing=True)
    assert len(first.added) == 5 and not first.errors
    before = snapshot(db_path)

    bad = tmp_path / "bad"
    expected = make_bad_folder(bad)
    for name in GOOD[:2]:                                 # good files among the bad are still added
        shutil.copy(FIXTURES / name, bad / name)
    report = index(db_path, bad, prune_missing=True)

    errors = {str(Path(e.path).relative_to(bad)): e.message for e in report.errors}
    assert set(errors) == set(expected), (set(errors) ^ set(expected))
    for name, pattern in expected.items():
        assert __import__("re").search(pattern, errors[name]), (name, errors[name])
    assert sorted(Path(p).name for p in report.added) == sorted(GOOD[:2])
    assert not report.removed and not report.updated and not report.duplicates

    after = snapshot(db_path)
    kept = {row[0] for row in before["documents"]}
    assert [row for row in after["documents"] if row[0] in kept] == before["documents"]
    assert [row for row in after["passages"] if row[0] in kept] == before["passages"]
    assert [row for row in after["sentences"] if row[0] in kept] == before["sentences"]
    for query, hits in before["hits"].items():
        assert {h for h in after["hits"][query] if h[0] in kept} == hits, query

    # Importing the seeds again with the bad folder: nothing of theirs changes.
    again = index(db_path, seeds, bad, prune_missing=True)
    assert again.unchanged == 5 + 2 and not again.added and not again.removed and len(again.errors) == len(expected)


def test_large_sparse_file_is_refused_without_reading_it(tmp_path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    huge = folder / "huge.txt"
    with open(huge, "wb") as file:
        file.truncate(200 * 1024 * 1024)
    assert huge.stat().st_blocks * 512 < 1024 * 1024         # sparse: no disk, so reading it would show in memory
    script = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "from reader.ingest import IngestError, load_file\n"
        "from reader.store.db import open_index\n"
        "from reader.store.indexer import Indexer\n"
        "try:\n    load_file(Path(sys.argv[1])); loaded = None\n"
        "except IngestError as error:\n    loaded = str(error)\n"
        "report = Indexer(open_index(Path(sys.argv[2])), entities=False).index([Path(sys.argv[1]).parent])\n"
        "status = Path('/proc/self/status')\n"
        "peak = [int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith('VmHWM:')]\n"
        "print(json.dumps({'load_file': loaded, 'errors': [e.message for e in report.errors],\n"
        "                  'peak_rss_kb': peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n")
    result = subprocess.run([sys.executable, "-c", script, str(huge), str(tmp_path / "index.sqlite")],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert "too large (200 MB)" in outcome["load_file"]
    assert outcome["errors"] == [outcome["load_file"]]
    # 200 MB never came into memory. (VmHWM, the peak of this process image: ru_maxrss would
    # include the memory of the pytest process it was forked from.)
    assert outcome["peak_rss_kb"] < 150 * 1024, outcome


def test_file_names_in_any_script(tmp_path) -> None:
    folder = tmp_path / "名前 names"
    folder.mkdir()
    article = (FIXTURES / "news_ja.html").read_text(encoding="utf-8")
    names = {
        "日本語の記事.txt": "停戦交渉について日本語で書いた記事です。".encode(),
        "Ελληνικά.html": article.replace("</article>", "<p>Ελληνικά.</p></article>").encode(),
        "📰 emoji news.md": "# 速報\n\n交渉が再開された。📰\n".encode(),
        "with  two spaces .txt": "空白の多い名前のファイル。".encode(),
        "new\nline.txt": "改行を含む名前のファイル。".encode(),
        "ＦＵＬＬＷＩＤＴＨ．txt": "全角の名前のファイル。".encode(),
        "Кириллица.epub": (FIXTURES / "aozora_ruby.epub").read_bytes(),
        "한국어.pdf": (FIXTURES / "english.pdf").read_bytes(),
    }
    for name, data in names.items():
        (folder / name).write_bytes(data)
    os.makedirs(folder / "深い/フォルダ 📁", exist_ok=True)
    (folder / "深い/フォルダ 📁/奥.txt").write_text("奥のフォルダの記事。", encoding="utf-8")
    undecodable_name = os.fsencode(folder) + b"/\xff\xfe latin1 \xe9t\xe9.txt"
    with open(undecodable_name, "wb") as file:
        file.write("名前が UTF-8 でないファイル。".encode())

    db_path = tmp_path / "index.sqlite"
    report = index(db_path, folder)
    assert len(report.added) == len(names) + 1
    assert len(report.errors) == 1 and "not valid UTF-8" in report.errors[0].message
    assert "\ufffd" in report.errors[0].path                   # printable in the report and as JSON
    json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")
    stored = {d.file_name: d for d in list_documents(open_index(db_path))}
    assert set(stored) == set(names) | {"奥.txt"}
    for name in names:
        assert Path(stored[name].path) == folder / name
    assert index(db_path, folder).unchanged == len(names) + 1


def test_symlink_loops_do_not_hang_or_stop_the_import(tmp_path) -> None:
    folder = tmp_path / "loops"
    (folder / "a/b").mkdir(parents=True)
    os.symlink("../..", folder / "a/b/back-to-top")
    os.symlink(folder, folder / "a/self")
    os.symlink("self.txt", folder / "a/self.txt")
    (folder / "a/b/real.txt").write_text("リンクの奥にある本物の記事。", encoding="utf-8")
    # The folder, a link to it given as a root (followed once), and the looping link itself.
    report = index(tmp_path / "index.sqlite", folder, folder / "a/self", folder / "a/self.txt")
    assert [Path(p).name for p in report.added] == ["real.txt"]         # found twice, added once
    assert [(Path(e.path).name, "loops" in e.message) for e in report.errors] == [("self.txt", True)] * 3


def test_unreadable_files_and_folders_are_reported(tmp_path) -> None:
    """chmod 000 does not stop root, so as root the import runs in a forked child that has
    dropped to the unprivileged user `nobody` (65534)."""
    base = Path(tempfile.mkdtemp(prefix="reader-permissions-", dir="/tmp"))
    try:
        os.chmod(base, 0o777)
        library = base / "library"
        (library / "locked folder").mkdir(parents=True)
        (library / "readable.txt").write_text("読める記事です。", encoding="utf-8")
        (library / "secret.txt").write_text("読めない記事です。", encoding="utf-8")
        (library / "locked folder" / "inside.txt").write_text("鍵のかかったフォルダの記事。", encoding="utf-8")
        data = base / "data"
        data.mkdir()
        os.chmod(data, 0o777)
        os.chmod(library / "secret.txt", 0o000)
        os.chmod(library / "locked folder", 0o000)
        outcome = _index_as_unprivileged(library, data / "index.sqlite")
    finally:
        for path in (base / "library" / "locked folder", base / "library" / "secret.txt"):
            if path.exists():
                os.chmod(path, 0o755)
        shutil.rmtree(base, ignore_errors=True)
    assert "exception" not in outcome, outcome
    assert [Path(p).name for p in outcome["added"]] == ["readable.txt"]
    errors = {Path(e["path"]).name: e["message"] for e in outcome["errors"]}
    assert errors == {"secret.txt": "Cannot read the file: Permission denied.",
                      "locked folder": "Cannot open the folder: Permission denied."}


def _index_as_unprivileged(library: Path, db_path: Path) -> dict:
    def run() -> dict:
        try:
            return Indexer(open_index(db_path), entities=False).index([library]).to_json()
        except Exception as error:     # reported to the parent, not raised in the child
            return {"exception": repr(error)}

    if os.geteuid() != 0:
        return run()
    if not hasattr(os, "fork"):
        pytest.skip("running as root without fork: chmod cannot make a file unreadable")
    # The child cannot import from root's Python install (nor start worker processes, so it
    # analyses in place): load what analysing a text file needs first.
    import charset_normalizer  # noqa: F401
    indexer_module.prepare(library / "readable.txt", (library / "readable.txt").read_bytes())
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child: drop privileges, index, report, exit
        os.close(read_end)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            result = run()
        except BaseException as error:
            result = {"exception": repr(error)}
        os.write(write_end, json.dumps(result).encode("utf-8"))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(payload)


def test_incremental_reimport_of_every_format(tmp_path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(FIXTURES / name, folder / name)
    shutil.copy(REPO.parent / "shared/bench/encodings/original/shift_jis__aozora__127_ruby_150.txt", folder) \
        if (REPO.parent / "shared/bench/encodings/original").is_dir() else None
    count = len(list(folder.iterdir()))
    db_path = tmp_path / "index.sqlite"
    assert len(index(db_path, folder).added) == count

    again = index(db_path, folder)                       # same files again: not even read
    assert (again.unchanged, again.added, again.updated) == (count, [], [])

    page = folder / "news_ja.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</article>", "<p>続報:現地では調査団の受け入れが始まった。</p></article>"), encoding="utf-8")
    book = folder / "aozora_ruby.epub"
    book.write_bytes(book.read_bytes())                  # touched, same bytes
    changed = index(db_path, folder)
    assert changed.updated == [str(page)] and changed.unchanged == count - 1
    db = open_index(db_path)
    text = db.execute("SELECT text FROM documents WHERE path = ?", [str(page)]).fetchone()[0]
    assert text.rstrip().endswith("続報:現地では調査団の受け入れが始まった。")

    shutil.copy(FIXTURES / "english.pdf", folder / "same text, new name.pdf")
    shutil.copy(folder / "news_sjis.html", folder / "コピー.htm")
    duplicates = index(db_path, folder)
    assert sorted(Path(d.path).name for d in duplicates.duplicates) == sorted(["same text, new name.pdf", "コピー.htm"])
    assert all("Same text as" in d.message for d in duplicates.duplicates)
    assert not duplicates.added and not duplicates.errors


def test_formats_load_in_spawned_index_workers(tmp_path, monkeypatch) -> None:
    """Large batches are analysed in spawned processes: every format must load there too."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in GOOD + ["scanned.pdf"]:
        shutil.copy(FIXTURES / name, folder / name)
    monkeypatch.setattr(indexer_module, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    db_path = tmp_path / "index.sqlite"
    report = index(db_path, folder)
    assert sorted(Path(p).name for p in report.added) == sorted(GOOD)
    assert [Path(e.path).name for e in report.errors] == ["scanned.pdf"]
    keys = dict(open_index(db_path).execute("SELECT path, key FROM documents").fetchall())
    assert keys == {str(folder / name): load_file(folder / name).key for name in GOOD}
