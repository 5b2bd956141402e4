"""Feature ablation for the Japanese CRF (development tool).

    python bench/ner_ablate.py [--minus GROUP ...] [--no-c] [--iterations N]

Trains on 90% of the WAC train split (documents whose running index % 10 != 0)
and reports raw CRF span F1 (PERSON/LOCATION/ORGANIZATION, exact match, OPTIONAL
ignored) on the held-out 10% and on dev, plus tagging speed. Nothing is saved
except a temporary model.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ner_score import NAME_TYPES, Scorer, load_docs  # noqa: E402
from train_ner import DEFAULT_DATA, PARAMS, line_sequences  # noqa: E402

from reader.nlp.features import FeatureExtractor, JaTokenizer, split_long  # noqa: E402


def crf_entities(doc, tok, fx, tagger):
    out = []
    pos = 0
    for line in doc["text"].split("\n"):
        for a, b in split_long(line):
            piece = line[a:b]
            if piece.strip():
                toks, ctoks = tok.tokenize(piece)
                if toks:
                    labels = tagger.tag(fx.sequence(toks, ctoks))
                    cur = None
                    for i, lab in enumerate(labels + ["O"]):
                        if cur and (lab == "O" or lab[0] == "B" or lab[2:] != cur[2]):
                            out.append((toks[cur[0]].start + pos + a, toks[cur[1]].end + pos + a, cur[2]))
                            cur = None
                        if lab != "O":
                            if cur is None:
                                cur = [i, i, lab[2:]]
                            else:
                                cur[1] = i
        pos += len(line) + 1
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minus", nargs="*", default=[])
    ap.add_argument("--plus", nargs="*", default=[])
    ap.add_argument("--no-c", action="store_true")
    ap.add_argument("--pipeline", action="store_true",
                    help="also score the full Extractor (rules included) with the 90%% model")
    ap.add_argument("--keep", type=Path, default=None, help="keep the 90%% model here")
    ap.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    ap.add_argument("--c1", type=float, default=PARAMS["c1"])
    ap.add_argument("--c2", type=float, default=PARAMS["c2"])
    ap.add_argument("--minfreq", type=float, default=PARAMS["feature.minfreq"])
    args = ap.parse_args(argv)
    import pycrfsuite

    groups = (FeatureExtractor.DEFAULT_GROUPS | set(args.plus)) - set(args.minus)
    if args.no_c:
        groups = groups - {"ctx"}
    tok = JaTokenizer(with_c=not args.no_c)
    fx = FeatureExtractor(groups)
    train = load_docs(DEFAULT_DATA, "train")
    fit = [d for i, d in enumerate(train) if i % 10]
    held = [d for i, d in enumerate(train) if i % 10 == 0]
    dev = load_docs(DEFAULT_DATA, "dev")
    tr = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for d in fit:
        for x, y in line_sequences(d, tok, fx):
            tr.append(x, y)
    params = dict(PARAMS)
    params.update({"max_iterations": args.iterations, "c1": args.c1, "c2": args.c2,
                   "feature.minfreq": args.minfreq})
    tr.set_params(params)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.crfsuite"
        t0 = time.time()
        tr.train(str(path))
        train_s = time.time() - t0
        size = path.stat().st_size
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        res = []
        for name, docs in (("held", held), ("dev", dev)):
            sc = Scorer()
            t0 = time.perf_counter()
            chars = 0
            for d in docs:
                sc.add(d, crf_entities(d, tok, fx, tagger))
                chars += len(d["text"])
            el = time.perf_counter() - t0
            tp = sum(sc.tp[t] for t in NAME_TYPES)
            fp = sum(sc.fp[t] for t in NAME_TYPES)
            fn = sum(sc.fn[t] for t in NAME_TYPES)
            f = Scorer.prf(tp, fp, fn)[2]
            per = " ".join(f"{t[:3]}={Scorer.prf(sc.tp[t], sc.fp[t], sc.fn[t])[2]:.3f}" for t in NAME_TYPES)
            res.append(f"{name}: F1={f:.4f} ({per}) {chars / el:,.0f} c/s")
        if args.pipeline:
            from ner_score import ONTONOTES_TO_IREX

            from reader.nlp import Extractor
            ex = Extractor(path)
            for name, docs in (("held", held), ("dev", dev)):
                sc = Scorer()
                for d in docs:
                    sc.add(d, [(e.start, e.end, ONTONOTES_TO_IREX.get(e.label, e.label)) for e in ex.extract(d["text"])])
                print(sc.table(f"full pipeline, {name}"))
        if args.keep:
            import shutil
            shutil.copy(path, args.keep)
    print(f"minus={args.minus} plus={args.plus} no_c={args.no_c} it={args.iterations} c1={args.c1} c2={args.c2} "
          f"minfreq={args.minfreq} model={size / 1e6:.2f}MB train={train_s:.0f}s | " + " | ".join(res), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
