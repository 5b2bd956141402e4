"""Entity extraction figures for issue 10, per type: WAC and GSD (dev and our held-out tenth
of each train set), speed, and ``reader extract`` of a 300,000-character file.

    python bench/ner_report.py [--model PATH] [--quick] [--before REV]

Scoring is bench/ner_score.py's (exact span and type). Speed: CPU time of
``Extractor.extract`` over ~1 MB of Japanese Wikinews in this process, model loaded
(best of 3). ``reader extract``: wall time and peak RSS of the command in a child process
(interpreter start, dictionary and model loading, extraction, linking) on the first
300,000 characters of Wikinews joined into one file. ``--quick`` skips the speed parts.
``--before REV`` first scores the extractor and model of git revision REV (e.g. a18b603,
before issue 10) the same way, from a temporary ``git archive`` of it. Note that a model
trained on the whole WAC train split has seen the WAC "heldout" documents.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ner_score import (GSD_NAME_TYPES, GSD_TYPES, ONTONOTES_TO_IREX, WAC_DATA, Scorer, gsd_docs, load_docs,
                       wikinews_text)

ROOT = Path(__file__).resolve().parents[1]


def score(ex, corpus: str, split: str) -> Scorer:
    gsd = corpus == "gsd"
    docs = gsd_docs(split) if gsd else load_docs(WAC_DATA, split)
    sc = Scorer(types=GSD_TYPES, name_types=GSD_NAME_TYPES) if gsd else Scorer()
    for d in docs:
        sc.add(d, [(e.start, e.end, e.label if gsd else ONTONOTES_TO_IREX.get(e.label, e.label))
                   for e in ex.extract(d["text"])])
    return sc


def speed(ex, mb: float = 1.0, repeat: int = 3) -> str:
    texts = wikinews_text(int(mb * 1_000_000))
    n = sum(len(t) for t in texts)
    best = 0.0
    for _ in range(repeat):
        c0 = time.process_time()
        for t in texts:
            ex.extract(t)
        best = max(best, n / (time.process_time() - c0))
    return f"steady state: {best:,.0f} chars/s of CPU time on {n:,} chars of wikinews-ja (best of {repeat})"


def reader_extract(model: Path | None) -> str:
    text = "\n".join(wikinews_text(300_000))[:300_000]
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    if model:
        env["READER_NER_MODEL"] = str(model)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "news.txt"
        path.write_text(text, encoding="utf-8")
        env["READER_DATA_DIR"] = tmp
        t0 = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run([sys.executable, "-m", "reader", "extract", str(path), "--json"], env=env,
                           capture_output=True, text=True)
        wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    if r.returncode:
        return f"reader extract failed: {r.stderr.strip()[-300:]}"
    return (f"reader extract of {len(text):,} chars: {wall:.2f} s wall, {cpu:.2f} s CPU, including loading; "
            f"peak RSS {usage.ru_maxrss / 1024:.0f} MB")


def score_all(ex, gsd_ex, title: str = "") -> None:
    for corpus, split in (("wac", "dev"), ("wac", "heldout"), ("gsd", "dev"), ("gsd", "heldout")):
        sc = score(gsd_ex if corpus == "gsd" else ex, corpus, split)
        print(sc.table(f"\n{title}{corpus.upper()} {split}"), flush=True)


def score_revision(rev: str) -> None:
    """Score another revision's extractor and model (run in a child process on its code)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "reader", "resources"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        code = (f"import sys; sys.path[:0] = [{tmp!r}, {str(ROOT / 'bench')!r}]\n"
                "from ner_report import score_all\n"
                "from reader.nlp import Extractor\n"
                f"model = {str(Path(tmp) / 'resources' / 'ner' / 'ja_crf.crfsuite')!r}\n"
                "ex = Extractor(model)\n"
                "try:\n"       # GSD annotates titles: score them where that revision can report them
                "    gsd_ex = Extractor(model, titles=True)\n"
                "except TypeError:\n"
                "    gsd_ex = ex\n"
                f"score_all(ex, gsd_ex, 'BEFORE ({rev}) ')\n")
        subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp,
                       env=dict(os.environ, PYTHONPATH=tmp, READER_NER_MODEL=""))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--before", metavar="REV", help="also score this git revision first")
    args = ap.parse_args(argv)
    if args.before:
        score_revision(args.before)
    sys.path.insert(0, str(ROOT))
    from reader.nlp import Extractor

    ex = Extractor(args.model)
    gsd_ex = Extractor(args.model, titles=True)     # GSD annotates titles (TITLE_AFFIX)
    print(f"\nAFTER: model {ex._model_path}")
    score_all(ex, gsd_ex)
    if not args.quick:
        print()
        print(speed(ex))
        print(reader_extract(args.model))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
