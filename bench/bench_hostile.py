"""Hostile input: time and peak memory of each attack from issue 13, all bounded.

    python bench/bench_hostile.py [--quick] [--case NAME ...]

Each file case is generated (tests/hostile_files.py) and analysed as the indexer's workers
do (`prepare`: decode, passages, search tokens, sketches), in a fresh process whose peak
resident memory (VmHWM) is read when it ends; the outcome is the text kept, or the reason
given. The last cases import a folder of 199 text files and one file that takes minutes,
as a pooled import: how long until the 199 are committed, and how long a cancel takes
while that file is still being read. --quick uses a tenth of the sizes.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import hostile_files as hostile  # noqa: E402

MB = 1024 * 1024


def file_cases(scale: float) -> dict[str, tuple[str, callable]]:
    """name -> (file name, builder of its bytes)."""
    size = lambda mb: int(mb * MB * scale)  # noqa: E731
    return {
        "pdf /Info self loop": ("loop.pdf", hostile.pdf_info_self_loop),
        "pdf /Info two-object cycle": ("cycle.pdf", hostile.pdf_info_two_object_cycle),
        "pdf MediaBox loop": ("mediabox.pdf", hostile.pdf_media_box_loop),
        "pdf /Resources self reference": ("resources.pdf", hostile.pdf_resources_self_reference),
        "pdf /Root self reference": ("root.pdf", hostile.pdf_root_self_reference),
        "pdf /Root reference loop": ("root-loop.pdf", hostile.pdf_root_reference_loop),
        "pdf XObject fan-out, 22 levels": ("fan-out.pdf", lambda: hostile.pdf_xobject_fan_out(22)),
        "pdf stream inflating 400 MB": ("inflate.pdf", lambda: hostile.pdf_inflating_stream(size(400))),
        "pdf broken xref, real text": ("xref.pdf", hostile.pdf_broken_xref_with_text),
        "text 50 MB on one line": ("one line.txt", lambda: hostile.one_line_text(size(50))),
        "html 40 MB on one line": ("one line.html", lambda: hostile.one_line_html(size(40))),
        "html text node 11 MB": ("node.html", lambda: hostile.huge_text_node_html(max(size(11), 11 * MB))),
        "html nested 300 deep": ("deep.html", lambda: hostile.deeply_nested_html(300)),
        "html nested 3000 deep": ("deeper.html", lambda: hostile.deeply_nested_html(3000)),
        "html 100 identical <p>": ("repeats.html", lambda: hostile.repeated_paragraphs_html(100)),
        "epub 200 members of 1 MB": ("padded.epub", lambda: hostile.epub_many_padded_members(200, MB - 100)),
        "epub chapter 300 divs deep": ("deep.epub", lambda: hostile.epub_deep_chapter(300)),
        "epub DOCTYPE internal subset": ("subset.epub", hostile.epub_with_internal_subset),
    }


SPECIAL_CASES = {"/dev/zero": "/dev/zero", "/dev/urandom": "/dev/urandom", "named pipe (FIFO)": None}

_CHILD = """
import json, sys, time
from pathlib import Path
from reader.ingest import IngestError
from reader.ingest.loaders import read_regular_file
from reader.store.indexer import prepare
path = Path(sys.argv[1])
started = time.perf_counter()
try:
    data, _ = read_regular_file(path)
    prepared = prepare(path, data)
    outcome = {"chars": len(prepared.doc.text), "passages": len(prepared.doc.passages)}
except IngestError as error:
    outcome = {"refused": str(error)}
outcome["seconds"] = time.perf_counter() - started
outcome["peak_mb"] = [int(line.split()[1]) / 1024 for line in Path("/proc/self/status").read_text().splitlines()
                      if line.startswith("VmHWM:")][0]
print(json.dumps(outcome))
"""


def run_case(path: Path, timeout: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                                env=env, cwd=REPO, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"refused": f"NOT BOUNDED: still running after {timeout:.0f} s", "seconds": timeout, "peak_mb": -1}
    if result.returncode != 0:
        return {"refused": "CRASHED: " + result.stderr.strip().splitlines()[-1], "seconds": 0, "peak_mb": -1}
    return json.loads(result.stdout.strip().splitlines()[-1])


def describe(outcome: dict) -> str:
    if "refused" in outcome:
        return "refused: " + outcome["refused"]
    return f"read: {outcome['chars']:,} characters, {outcome['passages']:,} passages"


def bench_files(names: list[str] | None, scale: float, timeout: float, folder: Path) -> None:
    print(f"{'case':34} {'input':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    cases = file_cases(scale)
    for name, (file_name, build) in cases.items():
        if names and name not in names:
            continue
        path = folder / file_name
        path.write_bytes(build())
        outcome = run_case(path, timeout)
        print(f"{name:34} {path.stat().st_size / MB:9.2f}M {outcome['seconds']:8.2f} {outcome['peak_mb']:8.0f}  "
              f"{describe(outcome)[:110]}", flush=True)
        path.unlink()
    for name, target in SPECIAL_CASES.items():
        if names and name not in names:
            continue
        path = folder / "special.txt"
        if target is None:
            os.mkfifo(path)
        else:
            os.symlink(target, path)
        outcome = run_case(path, timeout)
        print(f"{name:34} {'-':>10} {outcome['seconds']:8.2f} {outcome['peak_mb']:8.0f}  {describe(outcome)[:110]}",
              flush=True)
        path.unlink()


def bench_pooled_import(folder: Path) -> None:
    """199 text files and one that takes minutes: commits while it runs, and cancel."""
    import sqlite3

    from reader.progress import CancelToken
    from reader.store.db import open_index
    from reader.store.indexer import Indexer

    library = folder / "library"
    library.mkdir()
    (library / "000 slow.pdf").write_bytes(hostile.pdf_xobject_fan_out(11, "slow " * 9, pages=60))
    for number in range(199):
        (library / f"article {number:03d}.txt").write_text(f"Article {number}: the talks went on, round {number}.",
                                                          encoding="utf-8")
    db_path = folder / "index.sqlite"
    open_index(db_path).conn.close()
    cancel = CancelToken()
    reports = []
    started = time.perf_counter()
    run = threading.Thread(target=lambda: reports.append(
        Indexer(open_index(db_path), entities=False, cancel=cancel).index([library])))
    run.start()
    watcher = sqlite3.connect(db_path, timeout=30)
    while watcher.execute("SELECT count(*) FROM documents").fetchone()[0] < 199 and run.is_alive():
        time.sleep(0.05)
    committed = time.perf_counter() - started
    writer = sqlite3.connect(db_path, timeout=0)
    writer.execute("BEGIN IMMEDIATE")        # another Reader can write meanwhile
    writer.rollback()
    still_reading = run.is_alive()
    cancel_started = time.perf_counter()
    cancel.cancel()
    run.join()
    cancelled_in = time.perf_counter() - cancel_started
    report = reports[0]
    print(f"\npooled import, 199 .txt + 1 file that takes minutes: 199 committed after {committed:.1f} s "
          f"(the slow file still being read: {still_reading}); the write lock was free; cancel took "
          f"{cancelled_in:.2f} s; {len(report.added)} added, cancelled={report.cancelled}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--case", action="append", help="only this case (repeatable)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a case counts as unbounded")
    parser.add_argument("--no-import", action="store_true", help="skip the pooled import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reader-hostile-") as temporary:
        folder = Path(temporary)
        bench_files(args.case, 0.1 if args.quick else 1.0, args.timeout, folder)
        if not args.no_import and not args.case:
            bench_pooled_import(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
