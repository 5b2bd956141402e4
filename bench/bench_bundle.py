"""The frozen bundle against the same app from source: start-up time and size.

    python bench/bench_bundle.py                 # start-up, 7 runs each, interleaved, medians
    python bench/bench_bundle.py --runs 11 --sizes --archives
    python bench/bench_bundle.py --json bench/out/bundle.json

Start-up is measured from just before the process is started to the first paint of the reading
pane showing the last document read (a warm data folder: the index is built and the session
remembers a document), with `--measure-startup`, which prints the paint's wall-clock time and
closes the window. The frozen app is dist/Reader/Reader; "source" is `python -m reader` from this
checkout, run by the build venv's Python (build/venv, the same library versions as the bundle),
or --source-python. Runs alternate (frozen, source, source, frozen, ...) so that drift in the
machine's load hits both alike. Budget: frozen median within 10% of the source median.

--sizes breaks the bundle down by component; --archives also packs it (tar.xz -9, zip -9) to
report the download size (slow: a minute or more).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "dist" / "Reader"
MARK = "READER_STARTUP"
BUDGET = 1.10


def default_source_python() -> str:
    for candidate in (REPO / "build" / "venv" / "bin" / "python", REPO / ".venv" / "bin" / "python"):
        if candidate.exists():
            return str(candidate)
    return sys.executable


def environment(platform: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = platform
    env.pop("READER_DATA_DIR", None)
    return env


def run_once(command: list[str], data_dir: Path, env: dict[str, str], timeout: float = 90) -> tuple[float, bool]:
    """(seconds from spawn to the first paint with a document, whether it was the restored one)."""
    started = time.time()
    proc = subprocess.Popen([*command, "--measure-startup", "--data-dir", str(data_dir)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"{command[0]} did not paint within {timeout} s\n{err[-2000:]}") from None
    line = next((l for l in out.splitlines() if l.startswith(MARK)), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"{' '.join(command)} failed (exit {proc.returncode}):\n{out[-2000:]}\n{err[-2000:]}")
    fields = dict(part.split("=", 1) for part in line.split()[1:])
    return float(fields["first_paint"]) - started, fields["restored"] == "1"


def prepare(data_dir: Path, source: list[str], frozen: list[str], env: dict[str, str]) -> None:
    """A warm data folder: the index built, the session set (one window run each to warm caches)."""
    subprocess.run([*source, "index", "--data-dir", str(data_dir)], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    for command in (source, frozen, source, frozen):
        run_once(command, data_dir, env)


def measure_startup(runs: int, frozen: list[str], source: list[str], platform: str) -> dict:
    env = environment(platform)
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as tmp:
        data = Path(tmp)
        prepare(data, source, frozen, env)
        times: dict[str, list[float]] = {"frozen": [], "source": []}
        restored = True
        for i in range(runs):
            order = [("frozen", frozen), ("source", source)]
            if i % 2:
                order.reverse()
            for name, command in order:
                seconds, was_restored = run_once(command, data, env)
                restored &= was_restored
                times[name].append(seconds)
                print(f"  run {i + 1:>2} {name:<6} {seconds * 1000:7.0f} ms", flush=True)
    frozen_median = statistics.median(times["frozen"])
    source_median = statistics.median(times["source"])
    return {
        "platform": platform, "runs": runs, "restored_document": restored,
        "frozen_ms": [round(t * 1000) for t in times["frozen"]],
        "source_ms": [round(t * 1000) for t in times["source"]],
        "frozen_median_ms": round(frozen_median * 1000), "source_median_ms": round(source_median * 1000),
        "ratio": round(frozen_median / source_median, 3),
        "within_budget": frozen_median <= source_median * BUDGET,
    }


# -- sizes ---------------------------------------------------------------------------------------------

COMPONENTS = [   # (name, test on the path relative to _internal), first match wins
    ("Sudachi dictionary (xz; unpacked on first use)", lambda p: p.startswith(("sudachidict_core/", "resources/sudachi/"))),
    ("Qt: ICU data and libraries", lambda p: "libicu" in p),
    ("Qt: libraries, plugins, translations", lambda p: p.startswith("PySide6/Qt/") or p.startswith("libQt6")),
    ("Qt: PySide6/shiboken6 bindings", lambda p: p.startswith(("PySide6/", "shiboken6/")) or "pyside6" in p
     or "shiboken6" in p),
    ("numpy (with OpenBLAS)", lambda p: p.startswith(("numpy/", "numpy.libs/"))),
    ("Python (libpython, stdlib extensions, base_library.zip)",
     lambda p: p.startswith(("libpython", "python3", "base_library.zip", "lib-dynload/"))),
    ("font (IPAexGothic)", lambda p: p.startswith("resources/fonts/")),
    ("NER model", lambda p: p.startswith("resources/ner/")),
    ("other resources and seeds", lambda p: p.startswith(("resources/", "seeds/"))),
    ("sudachipy", lambda p: p.startswith("sudachipy/")),
    ("PDF import (pdfminer.six + cryptography + OpenSSL)",
     lambda p: p.startswith(("pdfminer/", "cryptography/", "libcrypto", "libssl", "_cffi_backend"))),
    ("HTML import (lxml, trafilatura & co.)",
     lambda p: p.startswith(("lxml/", "trafilatura/", "justext/", "courlan/", "htmldate/", "babel/", "dateparser",
                             "regex/", "pytz/", "tzlocal/", "tld/", "charset_normalizer/"))),
    ("language identification and English word list (py3langid, pyspellchecker en)",
     lambda p: p.startswith(("py3langid/", "spellchecker/"))),
    ("pycountry (data, ja/en locales)", lambda p: p.startswith("pycountry/")),
    ("system libraries (X11/xcb, fontconfig, glib, ...)", lambda p: p.startswith("lib") and ".so" in p),
]


def tree_size(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def sizes(dist: Path) -> dict:
    internal = dist / "_internal"
    totals: dict[str, int] = {}
    for path in internal.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(internal).as_posix()
        name = next((n for n, test in COMPONENTS if test(rel)), "other Python packages and data")
        totals[name] = totals.get(name, 0) + path.stat().st_size
    executables = sum(p.stat().st_size for p in dist.iterdir() if p.is_file())
    totals["executable (bootloader + Python modules archive)"] = executables
    return {"total_bytes": tree_size(dist), "components": dict(sorted(totals.items(), key=lambda kv: -kv[1]))}


def archives(dist: Path) -> dict:
    out: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="reader-archive-") as tmp:
        tar_path = Path(tmp) / "Reader.tar.xz"
        if shutil.which("xz"):
            with open(tar_path, "wb") as raw:
                tar = subprocess.Popen(["tar", "-C", str(dist.parent), "-cf", "-", dist.name], stdout=subprocess.PIPE)
                subprocess.run(["xz", "-9", "-T0"], stdin=tar.stdout, stdout=raw, check=True)
                tar.wait()
        else:
            with tarfile.open(tar_path, "w:xz", preset=9) as tar:
                tar.add(dist, arcname=dist.name)
        out["tar.xz"] = tar_path.stat().st_size
        zip_path = Path(tmp) / "Reader.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for path in sorted(dist.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(dist.parent).as_posix())
        out["zip"] = zip_path.stat().st_size
        dic = next(dist.rglob("system.dic"), None)
        if dic is not None:
            xz = subprocess.run(["xz", "-9", "-T0", "-c", str(dic)], capture_output=True, check=True).stdout
            out["system.dic alone, xz"] = len(xz)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frozen", default=str(DIST / "Reader"), help="the frozen executable")
    parser.add_argument("--source-python", default=default_source_python(),
                        help="Python that runs `-m reader` from this checkout")
    parser.add_argument("--platform", default=None,
                        help="Qt platform (default: xcb with a $DISPLAY, else offscreen)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    parser.add_argument("--sizes", action="store_true", help="size of the bundle by component")
    parser.add_argument("--archives", action="store_true", help="also the compressed archive sizes")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    frozen = [args.frozen]
    if not Path(args.frozen).exists():
        print(f"no bundle at {args.frozen}: run bash packaging/build.sh", file=sys.stderr)
        return 2
    results: dict = {}
    if not args.no_startup:
        platform = args.platform or ("xcb" if os.environ.get("DISPLAY") else "offscreen")
        source = [args.source_python, "-m", "reader"]
        print(f"start-up to first paint of the last document ({platform}); frozen: {args.frozen}; "
              f"source: {args.source_python} -m reader")
        r = measure_startup(args.runs, frozen, source, platform)
        results["startup"] = r
        print(f"frozen median {r['frozen_median_ms']} ms, source median {r['source_median_ms']} ms: "
              f"ratio {r['ratio']:.2f} ({'within' if r['within_budget'] else 'OVER'} the 10% budget)"
              + ("" if r["restored_document"] else "; the last document was NOT restored in some runs"))
    dist = Path(args.frozen).resolve().parent
    if args.sizes or args.archives:
        s = sizes(dist)
        results["sizes"] = s
        print(f"\nbundle {dist}: {s['total_bytes'] / 2**20:.0f} MiB on disk ({s['total_bytes'] / 1e6:.0f} MB)")
        for name, size in s["components"].items():
            print(f"  {size / 2**20:7.1f} MiB  {name}")
    if args.archives:
        a = archives(dist)
        results["archives"] = a
        for name, size in a.items():
            print(f"  {size / 2**20:7.1f} MiB  {name}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0 if results.get("startup", {}).get("within_budget", True) else 1


if __name__ == "__main__":
    raise SystemExit(main())
