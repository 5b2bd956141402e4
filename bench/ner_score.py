"""Score the entity extractor on WAC (IREX types) or GSD (OntoNotes types).

    python bench/ner_score.py [--corpus wac|gsd] [--split dev|heldout] [--bench-mb 1.0]

``--split heldout`` scores the tenth of the train split that bench/train_ner.py
leaves out (running index % 10 == 0 among the train documents).

Scores the dictionary reader.nlp.sudachi selects (``READER_SUDACHI_DICT=core|small``)
with the model given by ``--model`` / ``READER_NER_MODEL``; both must match.

Scoring rules (GSD: exact span and type over every gold type, our labels as they
are; a type we never produce counts as all misses). WAC:
- Exact match of span and type (micro F1 per type; "PER/LOC/ORG" = micro F1 over
  PERSON, LOCATION and ORGANIZATION together).
- Our OntoNotes labels are mapped back to IREX: PERSON->PERSON, ORG->ORGANIZATION,
  GPE/LOC/FAC->LOCATION, LAW/PRODUCT/WORK_OF_ART->ARTIFACT, DATE/TIME/MONEY/PERCENT
  unchanged; NORP, EVENT and QUANTITY have no IREX type and are not scored.
- OPTIONAL gold spans are ignorable: they are not gold, and a prediction lying
  inside an OPTIONAL span (and not exactly on a real gold span) is not counted.
- sub_morpheme gold entities (e.g. 英 in 英語) are scored like any other gold
  entity (strict; the tagger works on whole tokens, so they are mostly misses).
  ``--skip-sub-morpheme`` treats them like OPTIONAL instead.

Speed: characters per second of ``Extractor.extract`` end to end (tokenise,
features, CRF, rules) on the dev texts and on ~1 MB of Japanese Wikinews
(../shared/bench/wikinews-ja), one process (one core), model already loaded;
for Wikinews the best of ``--repeat`` runs, by CPU time of the process and by
wall time (the machine is shared, so CPU time is the steadier figure). Peak RSS
is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end.

This file only needs the standard library for its scoring helpers, so that
bench/ner_ginza.py (run in GiNZA's own venv) can reuse them.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NLP_DEV = ROOT.parent / "shared" / "nlp-dev"
WAC_DATA = NLP_DEV / "wac-train-dev.jsonl"
GSD_TRAIN = NLP_DEV / "gsd" / "gsd-train.jsonl"
GSD_DEV = NLP_DEV / "gsd" / "gsd-dev.jsonl"
DEFAULT_DATA = WAC_DATA
HELDOUT_EVERY = 10
WIKINEWS = ROOT.parent / "shared" / "bench" / "wikinews-ja"

IREX_TYPES = ("PERSON", "LOCATION", "ORGANIZATION", "ARTIFACT", "DATE", "TIME", "MONEY", "PERCENT")
NAME_TYPES = ("PERSON", "LOCATION", "ORGANIZATION")

GSD_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY",
             "ORDINAL", "CARDINAL", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "MOVEMENT",
             "TITLE_AFFIX", "PET_NAME", "PHONE")
GSD_NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC")

ONTONOTES_TO_IREX = {
    "PERSON": "PERSON", "ORG": "ORGANIZATION", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION",
    "LAW": "ARTIFACT", "PRODUCT": "ARTIFACT", "WORK_OF_ART": "ARTIFACT",
    "DATE": "DATE", "TIME": "TIME", "MONEY": "MONEY", "PERCENT": "PERCENT",
}


def is_heldout(index: int) -> bool:
    """The training documents kept out of training for measuring (by running index)."""
    return index % HELDOUT_EVERY == 0


def load_docs(path: Path, split: str) -> list[dict]:
    """``split``: dev, train, all, or heldout (every tenth train document)."""
    if not path.is_file():
        raise SystemExit(f"data not found: {path}")
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            want = "train" if split == "heldout" else split
            if want == "all" or d.get("split", "train") == want:
                docs.append(d)
    if split == "heldout":
        docs = [d for i, d in enumerate(docs) if is_heldout(i)]
    return docs


def gsd_docs(split: str) -> list[dict]:
    return load_docs(GSD_DEV if split == "dev" else GSD_TRAIN, "all" if split == "dev" else split)


class Scorer:
    def __init__(self, skip_sub_morpheme: bool = False, types: tuple = IREX_TYPES,
                 name_types: tuple = NAME_TYPES) -> None:
        self.types = types
        self.name_types = name_types
        self.tp: Counter = Counter()
        self.fp: Counter = Counter()
        self.fn: Counter = Counter()
        self.skip_sub = skip_sub_morpheme
        self.errors: list[tuple] = []

    def add(self, doc: dict, predicted: list[tuple[int, int, str]]) -> None:
        """``predicted``: (start, end, IREX type) for one document."""
        gold = set()
        ignore = []
        for e in doc["entities"]:
            if e["type"] == "OPTIONAL" or (self.skip_sub and e.get("sub_morpheme")):
                ignore.append((e["start"], e["end"]))
            elif e["type"] in self.types:
                gold.add((e["start"], e["end"], e["type"]))
        gold_spans = {(s, e) for s, e, _ in gold}
        pred = set()
        for s, e, t in predicted:
            if t not in self.types:
                continue
            if (s, e) not in gold_spans and any(a <= s and e <= b for a, b in ignore):
                continue
            pred.add((s, e, t))
        text = doc["text"]
        for x in pred & gold:
            self.tp[x[2]] += 1
        for x in pred - gold:
            self.fp[x[2]] += 1
            self.errors.append(("FP", x[2], text[x[0]:x[1]], text[max(0, x[0] - 8):x[1] + 8].replace("\n", "⏎")))
        for x in gold - pred:
            self.fn[x[2]] += 1
            self.errors.append(("FN", x[2], text[x[0]:x[1]], text[max(0, x[0] - 8):x[1] + 8].replace("\n", "⏎")))

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def rows(self) -> list[tuple]:
        rows = []
        for t in self.types:
            tp, fp, fn = self.tp[t], self.fp[t], self.fn[t]
            rows.append((t, tp + fn, tp, fp, fn) + self.prf(tp, fp, fn))
        tp = sum(self.tp[t] for t in self.name_types)
        fp = sum(self.fp[t] for t in self.name_types)
        fn = sum(self.fn[t] for t in self.name_types)
        rows.append(("/".join(t[:3] for t in self.name_types) + " micro", tp + fn, tp, fp, fn) + self.prf(tp, fp, fn))
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        rows.append(("all types micro", tp + fn, tp, fp, fn) + self.prf(tp, fp, fn))
        return rows

    def table(self, title: str) -> str:
        lines = [title, f"{'type':<20}{'gold':>6}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}"]
        for name, g, tp, fp, fn, p, r, f in self.rows():
            if g == 0 and fp == 0:
                lines.append(f"{name:<20}{g:>6}{tp:>6}{fp:>6}{fn:>6}{'-':>8}{'-':>8}{'n/a':>8}")
            else:
                lines.append(f"{name:<20}{g:>6}{tp:>6}{fp:>6}{fn:>6}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
        return "\n".join(lines)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def wikinews_text(max_chars: int) -> list[str]:
    texts = []
    n = 0
    for p in sorted(WIKINEWS.glob("*.txt")):
        t = p.read_text(encoding="utf-8")
        texts.append(t)
        n += len(t)
        if n >= max_chars:
            break
    return texts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Score reader.nlp.Extractor on WAC")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--corpus", choices=("wac", "gsd"), default="wac")
    ap.add_argument("--split", default="dev", help="dev (default), heldout, train or all")
    ap.add_argument("--model", type=Path, default=None, help="CRF model file (default: the shipped one)")
    ap.add_argument("--bench-mb", type=float, default=1.0, help="MB of Wikinews text for the speed test (0: skip)")
    ap.add_argument("--repeat", type=int, default=3, help="speed test runs (best is reported)")
    ap.add_argument("--skip-sub-morpheme", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print this many errors")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from reader.nlp import Extractor

    gsd = args.corpus == "gsd"
    docs = gsd_docs(args.split) if gsd else load_docs(args.data, args.split)
    # GSD annotates titles (TITLE_AFFIX); Reader asks for them only here
    ex = Extractor(args.model, titles=gsd)
    t0 = time.perf_counter()
    ex.load()
    load_s = time.perf_counter() - t0

    scorer = Scorer(types=GSD_TYPES, name_types=GSD_NAME_TYPES) if gsd else Scorer(args.skip_sub_morpheme)
    chars = 0
    t0 = time.perf_counter()
    preds = []
    for d in docs:
        ents = ex.extract(d["text"])
        chars += len(d["text"])
        preds.append([(e.start, e.end, e.label if gsd else ONTONOTES_TO_IREX.get(e.label, e.label)) for e in ents])
    dev_s = time.perf_counter() - t0
    for d, p in zip(docs, preds):
        scorer.add(d, p)

    from reader.nlp import sudachi

    print(scorer.table(f"reader.nlp.Extractor on {args.corpus.upper()} {args.split} ({len(docs)} docs, {chars} chars; "
                       f"sudachidict_{sudachi.dict_name()}, model {ex._model_path})"))
    print(f"model load {load_s:.2f}s; {args.split}: {chars / dev_s:,.0f} chars/s")
    if args.bench_mb > 0:
        texts = wikinews_text(int(args.bench_mb * 1_000_000))
        n = sum(len(t) for t in texts)
        best_cpu = best_wall = 0.0
        for _ in range(max(1, args.repeat)):
            t0, c0 = time.perf_counter(), time.process_time()
            n_ent = 0
            for t in texts:
                n_ent += len(ex.extract(t))
            best_wall = max(best_wall, n / (time.perf_counter() - t0))
            best_cpu = max(best_cpu, n / (time.process_time() - c0))
        print(f"wikinews-ja: {n:,} chars, {n_ent:,} entities, {best_cpu:,.0f} chars/s of CPU time "
              f"({best_wall:,.0f} wall), best of {max(1, args.repeat)}")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    if args.errors:
        for e in scorer.errors[: args.errors]:
            print(*e, sep="\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
