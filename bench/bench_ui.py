"""Window benchmarks: warm start, opening documents, first launch.

    python bench/bench_ui.py [--runs 5] [--skip-novel] [--warm-only] [--compile-each-start]

Prints:
* warm start to an interactive window showing the last document (median of
  --runs subprocesses, each from `python` launch to the document painted) next to
  a bare PySide6 window started the same way in the same run. The children keep
  their bytecode (in a temporary PYTHONPYCACHEPREFIX, filled by a first run), as an
  installed Reader does; with PYTHONDONTWRITEBYTECODE=1 and no cache every start
  would compile Reader's modules again (about 40 ms here): --compile-each-start
  measures that case;
* opening the largest seed with its highlights, and a ~700 KB Aozora novel
  (../shared/bench/aozora, concatenated to ~700 KB; indexed in a temp data dir),
  timed with QElapsedTimer around the open (fetch, typeset, highlights, first paint);
* first launch on the seeds: window visible, index ready (subprocess).

Uses QT_QPA_PLATFORM as set (offscreen when there is no display). Targets:
warm ≤ 1.0 s and ≤ 2× bare; largest seed ≤ 50 ms; 700 KB ≤ 300 ms; first launch
visible ≤ 1 s, index ready ≤ 5 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
AOZORA = REPO.parent / "shared" / "bench" / "aozora"
NOVEL_BYTES = 700_000

if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
w = QLabel("Reader")
w.resize(1200, 800)
w.show()
app.processEvents()
w.repaint()
print("READY", flush=True)
import os; os._exit(0)
"""

WARM = """
import sys
from reader.ui.app import create_application
from reader.ui.context import AppContext
from reader.ui.main_window import MainWindow
app = create_application([])
w = MainWindow(AppContext.create(sys.argv[1]))
w.show()
app.processEvents()
assert w.current is not None, "no last document"
w.pane.viewport().repaint()
print("READY", w.current.summary.file_name, flush=True)
import os; os._exit(0)
"""

FIRST = """
import sys, time
t0 = float(sys.argv[2])
from reader.ui.app import create_application
from reader.ui.context import AppContext
from reader.ui.main_window import MainWindow
app = create_application([])
w = MainWindow(AppContext.create(sys.argv[1]))
w.show()
app.processEvents()
w.repaint()
print("VISIBLE", time.time() - t0, flush=True)
w.indexFinished.connect(lambda report: (print("READY", time.time() - t0, w.doc_model.rowCount(), flush=True),
                                        w.close(), app.quit()))
app.exec()
"""


SHOOT = r'''
import sys, time
from pathlib import Path
from PySide6.QtCore import Qt, QTimer, QEventLoop
from PySide6.QtGui import QGuiApplication
from reader.ui.app import create_application
from reader.ui.context import AppContext
from reader.ui.main_window import MainWindow

out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
dark = len(sys.argv) > 3 and sys.argv[3] == "dark"
app = create_application([])
if dark:
    from PySide6.QtGui import QPalette, QColor
    QGuiApplication.styleHints().setColorScheme(Qt.ColorScheme.Dark)
    app.setStyle("Fusion")
    pal = QPalette()
    R = QPalette.ColorRole
    for role, colour in ((R.Window, "#2b2b2e"), (R.WindowText, "#e6e6e6"), (R.Base, "#1f1f22"), (R.AlternateBase, "#2b2b2e"),
                         (R.Text, "#e6e6e6"), (R.Button, "#353539"), (R.ButtonText, "#e6e6e6"), (R.Highlight, "#3d6fb4"),
                         (R.HighlightedText, "#ffffff"), (R.ToolTipBase, "#333"), (R.ToolTipText, "#eee"),
                         (R.PlaceholderText, "#8a8a8a"), (R.Mid, "#444"), (R.Dark, "#202020"), (R.Light, "#505050")):
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
w = MainWindow(AppContext.create(sys.argv[1], index_on_start=False))
w.resize(1440, 900); w.show()
if dark:
    w.apply_scheme(True)
def pump(ms=300):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec()
pump()
suffix = "-dark" if dark else ""
by_file = {d.file_name: d.id for d in w.doc_model.documents}
w.open_document(by_file["002_6c9cfde7eb9d63d6.txt"], record=False)
pump()
w.grab().save(str(out / f"document{suffix}.png"))
m = next(m for m in w.pane.mentions if m.text == "プーチン" and m.counted)
w.pane.scroll_to_offset(m.start)
w.show_entity(m.entity_id)
w.pane.flash(m.start, m.end)
pump(200)
w.grab().save(str(out / f"entity{suffix}.png"))
w.search_box.setText("停戦")
w.search.flush()
pump(600)
w.results_view.setCurrentIndex(w.results_model.index(1))
w._result_chosen(w.results_model.index(1))
pump(1500)
w.grab().save(str(out / f"search{suffix}.png"))
w.search_box.clear()
w.open_document(by_file["000_60ad3fcb420e1d94.txt"], record=False)
w.find_bar.open(); w.find_bar.field.setText("Putin"); pump(200)
w.grab().save(str(out / f"find{suffix}.png"))
w.close()
'''


def take_screenshots(data: Path, out: Path) -> None:
    """Screenshots of the main states, light and dark (use a real display, e.g. xvfb-run)."""
    for scheme in ("light", "dark"):
        subprocess.run([sys.executable, "-c", SHOOT, str(data), str(out), scheme], cwd=REPO, check=True)
    print(f"screenshots in {out}: {', '.join(sorted(p.name for p in out.glob('*.png')))}")


def child_environment(compile_each_start: bool) -> dict[str, str]:
    """The children's environment: bytecode kept in a cache of this run's own (as an installed Reader
    keeps its .pyc files), or, with `compile_each_start`, never written, so every start compiles."""
    env = dict(os.environ)
    if compile_each_start:   # as a checkout without __pycache__ folders runs (the libraries keep theirs)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="reader-bench-pyc-")
    return env


CHILD_ENV: dict[str, str] | None = None   # set by main(); None: this process's environment


def _run_child(code: str, *args: str) -> tuple[float, list[str]]:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=CHILD_ENV)
    lines = []
    elapsed = None
    for line in proc.stdout:
        lines.append(line.strip())
        if line.startswith("READY") and elapsed is None:
            elapsed = time.perf_counter() - start
    proc.wait()
    if elapsed is None:
        raise RuntimeError(f"child failed: {lines}")
    return elapsed, lines


def build_data_dir(sources: list[Path] | None = None) -> Path:
    from reader import paths
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    data = Path(tempfile.mkdtemp(prefix="reader-bench-ui-"))
    db = open_index(paths.index_path(data))
    Indexer(db).index(sources or [paths.seeds_dir()], prune_missing=True)
    db.conn.close()
    return data


def set_last_document(data: Path, doc_key: str, offset: int = 0) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("session/docKey", doc_key)
    settings.setValue("session/offset", offset)
    settings.sync()


def largest(db) -> tuple[int, str, int]:
    return db.execute("SELECT id, key, chars FROM documents ORDER BY chars DESC LIMIT 1").fetchone()


def make_novel(folder: Path) -> Path:
    files = sorted(AOZORA.glob("*.txt"), key=lambda p: -p.stat().st_size)
    if not files:
        raise FileNotFoundError(AOZORA)
    if files[0].stat().st_size >= NOVEL_BYTES:
        chosen = [files[0]]
    else:
        chosen, total = [], 0
        for f in files:
            chosen.append(f)
            total += f.stat().st_size
            if total >= NOVEL_BYTES:
                break
    target = folder / "novel-700k.txt"
    with target.open("w", encoding="utf-8") as out:
        for f in chosen:
            out.write(f.read_text(encoding="utf-8"))
            out.write("\n")
    return target


def time_opens(data: Path, doc_id: int, other_id: int, runs: int) -> tuple[float, int, int]:
    """Median ms of opening `doc_id` (alternating with another document so each open is real)."""
    from PySide6.QtCore import QElapsedTimer

    from reader.ui.app import create_application
    from reader.ui.context import AppContext
    from reader.ui.main_window import MainWindow

    app = create_application([])
    window = MainWindow(AppContext.create(data, index_on_start=False))
    window.resize(1360, 860)
    window.show()
    app.processEvents()
    times = []
    timer = QElapsedTimer()
    for _ in range(runs):
        window.open_document(other_id, record=False)
        app.processEvents()
        timer.start()
        window.open_document(doc_id, record=False)
        window.pane.viewport().repaint()   # the first screen, typeset and painted
        times.append(timer.nsecsElapsed() / 1e6)
        app.processEvents()
    mentions, highlighted = len(window.pane.mentions), window.pane.highlighted_count()
    window.close()
    return statistics.median(times), mentions, highlighted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-novel", action="store_true")
    parser.add_argument("--warm-only", action="store_true", help="only the warm start against a bare window")
    parser.add_argument("--compile-each-start", action="store_true",
                        help="children write no bytecode, so each start compiles Reader's modules")
    parser.add_argument("--screenshots", metavar="DIR", help="only take screenshots of the main states into DIR")
    args = parser.parse_args()
    if args.screenshots:
        take_screenshots(build_data_dir(), Path(args.screenshots))
        return
    global CHILD_ENV
    CHILD_ENV = child_environment(args.compile_each_start)
    print(f"platform: {os.environ.get('QT_QPA_PLATFORM') or 'default'}; python {sys.version.split()[0]}; "
          f"bytecode {'compiled at each start' if args.compile_each_start else 'cached'}")

    from reader.store.db import open_index

    seeds_data = build_data_dir()
    db = open_index(seeds_data / "index.sqlite")
    big_id, big_key, big_chars = largest(db)
    other_id = db.execute("SELECT id FROM documents WHERE id != ? LIMIT 1", [big_id]).fetchone()[0]
    db.conn.close()
    set_last_document(seeds_data, big_key, offset=big_chars // 3)

    # Warm start vs bare (interleaved, so both see the same machine state).
    _run_child(BARE)  # warm the OS file cache once
    _run_child(WARM, str(seeds_data))
    bare, warm = [], []
    for _ in range(args.runs):
        bare.append(_run_child(BARE)[0])
        warm.append(_run_child(WARM, str(seeds_data))[0])
    bare_s, warm_s = statistics.median(bare), statistics.median(warm)
    print(f"warm start (last document shown): median {warm_s:.3f} s over {args.runs} runs "
          f"[{', '.join(f'{t:.3f}' for t in warm)}]")
    print(f"bare PySide6 window:               median {bare_s:.3f} s [{', '.join(f'{t:.3f}' for t in bare)}]")
    print(f"  ratio {warm_s / bare_s:.2f}x (target ≤ 2x), {'OK' if warm_s <= 1.0 and warm_s <= 2 * bare_s else 'OVER'}; "
          f"fastest runs {min(warm):.3f} / {min(bare):.3f} s = {min(warm) / min(bare):.2f}x")
    if args.warm_only:
        return

    ms, mentions, highlighted = time_opens(seeds_data, big_id, other_id, max(args.runs, 7))
    print(f"open largest seed ({big_chars:,} chars, {mentions} mentions, {highlighted} highlights): "
          f"median {ms:.1f} ms (target ≤ 50) {'OK' if ms <= 50 else 'OVER'}")

    if not args.skip_novel:
        if not AOZORA.exists():
            print(f"700 KB novel: skipped ({AOZORA} not found)")
        else:
            folder = Path(tempfile.mkdtemp(prefix="reader-bench-novel-"))
            novel = make_novel(folder)
            start = time.perf_counter()
            novel_data = build_data_dir([folder, REPO / "seeds"])
            index_s = time.perf_counter() - start
            db = open_index(novel_data / "index.sqlite")
            row = db.execute("SELECT id, chars FROM documents WHERE file_name = ?", [novel.name]).fetchone()
            other = db.execute("SELECT id FROM documents WHERE id != ? LIMIT 1", [row[0]]).fetchone()[0]
            db.conn.close()
            ms, mentions, highlighted = time_opens(novel_data, row[0], other, max(args.runs, 5))
            print(f"open 700 KB novel ({novel.stat().st_size:,} bytes, {row[1]:,} chars, {mentions} mentions, "
                  f"{highlighted} highlights; indexed in {index_s:.1f} s): median {ms:.1f} ms (target ≤ 300) "
                  f"{'OK' if ms <= 300 else 'OVER'}")

    empty = Path(tempfile.mkdtemp(prefix="reader-bench-first-"))
    _elapsed, lines = _run_child(FIRST, str(empty), repr(time.time()))
    visible = next(float(line.split()[1]) for line in lines if line.startswith("VISIBLE"))
    ready_line = next(line for line in lines if line.startswith("READY")).split()
    ready, count = float(ready_line[1]), int(ready_line[2])
    print(f"first launch on the seeds: window visible {visible:.3f} s (target ≤ 1), index ready with {count} "
          f"documents {ready:.3f} s (target ≤ 5) {'OK' if visible <= 1 and ready <= 5 else 'OVER'}")


if __name__ == "__main__":
    main()
