"""The window on a large library: memory and timings with 10,000 documents.

    python bench/bench_ui_scale.py [--docs 10000] [--import 300] [--no-remove] [--fresh]

The index: /tmp/reader-bench/xref-10000.sqlite when present and --docs is 10000 (it has
entities; it is copied into a temporary data folder, never opened in place, and an index of
schema 1 is brought to schema 2 by adding the two columns schema 2 added); otherwise, or
with --fresh, the shared Wikinews texts replicated to --docs files (bench/corpus.py) and
indexed without entities.

Then, in a fresh process (so the numbers are the window's alone), the window opens offscreen
on that folder and the bench reports resident memory (RSS, and its peak) after each step and
the time of:
* start (the window built, the document list filled) and refilling the list in place;
* scrolling the list end to end (drawing the rows);
* opening documents (fetch, typeset, highlights, paint);
* searches (as typed, without the debounce);
* an entity's cross-references (the most mentioned entity and a middling one);
* with --import N: importing N new files through the window (File ▸ Import path: entities,
  the list refreshed as documents arrive) with the longest pause of the event loop;
* unless --no-remove: removing a document (the job, then relinking the corpus's entities).

Target: the window stays under 500 MB with 10,000 documents.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
WIKINEWS = REPO.parent / "shared" / "bench" / "wikinews-ja"
BENCH_DIR = Path(tempfile.gettempdir()) / "reader-bench"
PREBUILT = BENCH_DIR / "xref-10000.sqlite"


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount = line.split(":")
            values[key] = int(amount.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


# -- the index -------------------------------------------------------------------------------------

def prepared_index(docs: int, fresh: bool, data: Path) -> str:
    """Put an index of `docs` documents in `data`; returns how it was made."""
    data.mkdir(parents=True, exist_ok=True)
    target = data / "index.sqlite"
    if docs == 10_000 and PREBUILT.exists() and not fresh:
        source = sqlite3.connect(f"file:{PREBUILT}?mode=ro", uri=True)
        copy = sqlite3.connect(str(target))
        source.backup(copy)
        source.close()
        from reader.store import schema

        version = copy.execute("PRAGMA user_version").fetchone()[0]
        if version == 1 and schema.VERSION == 2:   # schema 2 added documents.author and .ruby
            copy.execute("ALTER TABLE documents ADD COLUMN author TEXT")
            copy.execute("ALTER TABLE documents ADD COLUMN ruby TEXT")
            copy.execute("PRAGMA user_version = 2")
            copy.commit()
        copy.close()
        return f"copy of {PREBUILT} (with entities)"
    from corpus import replicated_corpus

    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    corpus = replicated_corpus(WIKINEWS, docs, BENCH_DIR / "wikinews")
    started = time.perf_counter()
    db = open_index(target)
    report = Indexer(db, entities=False).index([corpus])
    db.conn.close()
    return (f"{corpus} indexed without entities in {time.perf_counter() - started:.0f} s "
            f"({len(report.added)} added)")


# -- the window (child process) --------------------------------------------------------------------

def measure_window(data: Path, import_count: int, remove: bool) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results: dict = {"steps": []}

    def step(name: str, **values) -> None:
        current, peak = rss_mb()
        values.update(rss_mb=round(current), peak_mb=round(peak))
        results["steps"].append({"step": name, **values})
        print(f"  {name:<34} " + "  ".join(f"{k}={v}" for k, v in values.items()), flush=True)

    from PySide6.QtCore import QEventLoop, QTimer

    from reader.ui.app import create_application
    from reader.ui.context import AppContext
    from reader.ui.main_window import MainWindow

    app = create_application([])

    def pump(ms: int = 0) -> None:
        if ms:
            loop = QEventLoop()
            QTimer.singleShot(ms, loop.quit)
            loop.exec()
        app.processEvents()

    step("application")
    started = time.perf_counter()
    window = MainWindow(AppContext.create(data, index_on_start=False))
    window.resize(1360, 860)
    window.show()
    pump()
    window.repaint()
    step("window shown, list filled", ms=round((time.perf_counter() - started) * 1000),
         documents=window.doc_model.rowCount())

    from reader.queries.documents import list_documents

    times = []
    for _ in range(3):
        t = time.perf_counter()
        docs = list_documents(window.db)
        times.append((time.perf_counter() - t) * 1000)
    query_ms = statistics.median(times)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        window.reload_documents()
        times.append((time.perf_counter() - t) * 1000)
    step("list refill in place (median of 3)", ms=round(statistics.median(times)), query_ms=round(query_ms))
    window.doc_model.beginResetModel()
    window.doc_model.documents, window.doc_model._row_of = [], {}
    window.doc_model.endResetModel()
    t = time.perf_counter()
    window.doc_model.set_documents(docs)
    window._update_doc_count()
    pump()
    step("list fill from empty", ms=round((time.perf_counter() - t) * 1000))

    bar = window.doc_list.verticalScrollBar()
    t = time.perf_counter()
    for value in range(0, bar.maximum() + 1, max(1, bar.maximum() // 50)):
        bar.setValue(value)
        window.doc_list.viewport().repaint()
    step("list scrolled end to end (50 pages)", ms=round((time.perf_counter() - t) * 1000))

    ids = [row[0] for row in window.db.execute(
        "SELECT id FROM documents ORDER BY chars DESC LIMIT 1")] + [
        window.doc_model.documents[i].id for i in (0, len(window.doc_model.documents) // 2, -1)]
    opened = []
    for doc_id in ids + ids[:1]:
        t = time.perf_counter()
        window.open_document(doc_id)
        window.pane.viewport().repaint()
        opened.append(round((time.perf_counter() - t) * 1000))
    step("open documents (largest, 3 others, largest again)", ms=opened,
         chars=window.db.execute("SELECT max(chars) FROM documents").fetchone()[0])

    searches = {}
    for query in ("大統領", "東京", "選挙 結果", "NATO", "\"日本政府\""):
        done = []
        window.searchFinished.connect(lambda q, n, done=done: done.append(n))
        t = time.perf_counter()
        window.search_box.setText(query)
        window.search.flush()
        deadline = time.time() + 60
        while not done and time.time() < deadline:
            pump(5)
        window.results_view.viewport().repaint()
        searches[query] = {"ms": round((time.perf_counter() - t) * 1000), "hits": done[0] if done else None}
        window.searchFinished.disconnect()
    window.search_box.clear()
    step("search (request to results shown)", **{q: f"{v['ms']}ms/{v['hits']}" for q, v in searches.items()})

    entities = window.db.execute("SELECT id, name, mentions, documents FROM entities ORDER BY mentions DESC").fetchall()
    if entities:
        picks = [entities[0], entities[len(entities) // 50]]
        shown = {}
        for entity_id, name, mentions, documents in picks:
            t = time.perf_counter()
            window.show_entity(entity_id)
            window.xref.repaint()
            shown[name] = f"{round((time.perf_counter() - t) * 1000)}ms ({mentions} mentions in {documents} docs)"
        step("entity cross-references", **shown)
    else:
        step("entity cross-references", skipped="no entities in this index")

    if import_count:
        folder = Path(tempfile.mkdtemp(prefix="reader-scale-import-"))
        sources = sorted(WIKINEWS.glob("*.txt"))
        for n in range(import_count):
            original = sources[n % len(sources)]
            (folder / f"import_{n:05d}.txt").write_bytes(original.read_bytes() + f"\n(scale import {n})\n".encode())
        jobs = window.library_actions.jobs
        jobs.show_reports = False
        refreshes = []
        original_refresh = window.refresh_list

        def timed_refresh():
            t = time.perf_counter()
            original_refresh()
            refreshes.append((time.perf_counter() - t) * 1000)

        window._list_timer.timeout.disconnect()
        window._list_timer.timeout.connect(timed_refresh)
        ticks = []
        ticker = QTimer(interval=20)
        ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
        finished = []
        jobs.jobFinished.connect(lambda kind, report: finished.append(report) if kind == "import" else None)
        finish_ms = []
        original_changed = window._library_changed

        def timed_changed(changes):
            t = time.perf_counter()
            original_changed(changes)
            finish_ms.append((time.perf_counter() - t) * 1000)

        window.jobs.changed.disconnect(window._library_changed)
        window.jobs.changed.connect(timed_changed)
        before = window.doc_model.rowCount()
        t = time.perf_counter()
        ticker.start()
        jobs.import_paths([folder])
        while not finished:
            pump(20)
        ticker.stop()
        took = time.perf_counter() - t
        gaps = [b - a for a, b in zip(ticks, ticks[1:])] or [0.0]
        report = finished[0]
        step(f"import {import_count} files via the window", s=round(took, 1), added=len(report.added),
             listed=window.doc_model.rowCount() - before, refreshes=len(refreshes),
             refresh_ms_median=round(statistics.median(refreshes)) if refreshes else None,
             longest_pause_ms=round(max(gaps) * 1000), end_of_job_ms=round(finish_ms[0]) if finish_ms else None)
        window.jobs.changed.disconnect(timed_changed)
        window.jobs.changed.connect(original_changed)
        shutil.rmtree(folder, ignore_errors=True)

    if remove:
        jobs = window.library_actions.jobs
        done = []
        jobs.jobFinished.connect(lambda kind, report: done.append((kind, time.perf_counter())))
        doc_id = window.doc_model.documents[len(window.doc_model.documents) // 3].id
        t = time.perf_counter()
        jobs.remove_document(doc_id, delete_notes=False, title="bench")
        while jobs.busy and time.perf_counter() - t < 600:   # the removal, then the relink it asks for
            pump(20)
        removed_at = next((at for kind, at in done if kind == "remove"), None)
        relinked_at = next((at for kind, at in done if kind == "relink"), None)
        step("remove a document, then relink", remove_ms=round((removed_at - t) * 1000) if removed_at else None,
             relink_s=round(relinked_at - removed_at, 1) if relinked_at and removed_at else None)

    window.close()
    results["rss_peak_mb"] = round(rss_mb()[1])
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--import", dest="import_count", type=int, default=0,
                        help="also import this many new files through the window")
    parser.add_argument("--no-remove", action="store_true")
    parser.add_argument("--fresh", action="store_true",
                        help="index the replicated corpus even if a prebuilt one exists")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        results = measure_window(Path(args.child), args.import_count, not args.no_remove)
        print("RESULT " + json.dumps(results, ensure_ascii=False), flush=True)
        os._exit(0)   # skip the interpreter's teardown: the numbers are in

    with tempfile.TemporaryDirectory(prefix="reader-scale-") as tmp:
        data = Path(tmp) / "data"
        t = time.perf_counter()
        how = prepared_index(args.docs, args.fresh, data)
        print(f"index: {how} ({time.perf_counter() - t:.0f} s to prepare)")
        command = [sys.executable, __file__, "--child", str(data), "--import", str(args.import_count)]
        if args.no_remove:
            command.append("--no-remove")
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               "READER_DATA_DIR": str(data)}
        run = subprocess.run(command, cwd=REPO, env=env, text=True, stdout=subprocess.PIPE)
        result = next((line for line in run.stdout.splitlines() if line.startswith("RESULT ")), None)
        print("\n".join(line for line in run.stdout.splitlines() if not line.startswith("RESULT ")))
        if run.returncode or result is None:
            print("the window process failed", file=sys.stderr)
            return 1
        results = json.loads(result[len("RESULT "):])
        peak = results["rss_peak_mb"]
        print(f"\npeak RSS of the window process: {peak} MB (target ≤ 500 MB): {'OK' if peak <= 500 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
