"""Train the Japanese CRF entity tagger from the WAC ``train`` split.

    python bench/train_ner.py [--data PATH] [--out resources/ner/ja_crf.crfsuite]

The tokens come from the dictionary reader.nlp.sudachi selects (its ``DICT``,
or ``READER_SUDACHI_DICT=core|small``); the model only fits that dictionary.

Deterministic: documents are read in file order, crfsuite's L-BFGS has no
randomness, so the same data and parameters give the same model file.
The data (ku-nlp/WikipediaAnnotatedCorpus, CC BY-SA 4.0) is read from the
shared folder and never copied into the project; the model derived from it
ships in resources/ner/ with LICENSE-WAC.md.

Labels are BIO over Sudachi SplitMode A tokens with IREX types (PERSON,
LOCATION, ORGANIZATION, ARTIFACT, DATE, TIME, MONEY, PERCENT). OPTIONAL spans
and gold spans whose edges fall inside a token are left as O.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.nlp.features import FeatureExtractor, JaTokenizer, split_long  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "nlp-dev" / "wac-train-dev.jsonl"
DEFAULT_OUT = ROOT / "resources" / "ner" / "ja_crf.crfsuite"
TYPES = ("PERSON", "LOCATION", "ORGANIZATION", "ARTIFACT", "DATE", "TIME", "MONEY", "PERCENT")

PARAMS = {
    "c1": 0.15,                 # L1: prunes most features (keeps the model small)
    "c2": 0.01,
    "max_iterations": 150,
    "feature.minfreq": 2,
    "feature.possible_transitions": True,
}


def load(path: Path, split: str) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["split"] == split:
                out.append(d)
    return out


def line_sequences(doc: dict, tok: JaTokenizer, fx: FeatureExtractor, types=TYPES):
    """Yield (features, labels) per line piece of one document."""
    text = doc["text"]
    ents = [e for e in doc["entities"] if e["type"] in types]
    pos = 0
    for line in text.split("\n"):
        for a, b in split_long(line):
            piece = line[a:b]
            if piece.strip():
                toks, ctoks = tok.tokenize(piece)
                if toks:
                    off = pos + a
                    labels = ["O"] * len(toks)
                    starts = {t.start + off: i for i, t in enumerate(toks)}
                    ends = {t.end + off: i for i, t in enumerate(toks)}
                    for e in ents:
                        i = starts.get(e["start"])
                        j = ends.get(e["end"])
                        if i is None or j is None or j < i:
                            continue
                        if any(lab != "O" for lab in labels[i:j + 1]):
                            continue
                        labels[i] = "B-" + e["type"]
                        for k in range(i + 1, j + 1):
                            labels[k] = "I-" + e["type"]
                    yield fx.sequence(toks, ctoks), labels
        pos += len(line) + 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--c1", type=float, default=PARAMS["c1"])
    ap.add_argument("--c2", type=float, default=PARAMS["c2"])
    ap.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    ap.add_argument("--minfreq", type=float, default=PARAMS["feature.minfreq"])
    args = ap.parse_args(argv)

    import pycrfsuite

    t0 = time.time()
    tok = JaTokenizer()
    fx = FeatureExtractor()
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    n_seq = 0
    for doc in load(args.data, "train"):
        for feats, labels in line_sequences(doc, tok, fx):
            trainer.append(feats, labels)
            n_seq += 1
    params = dict(PARAMS)
    params.update({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                   "feature.minfreq": args.minfreq})
    trainer.set_params(params)
    from reader.nlp import sudachi

    print(f"{n_seq} sequences over sudachidict_{sudachi.dict_name()} ({sudachi.DICT_ENV}), "
          f"features in {time.time() - t0:.1f}s; training {params}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    last = trainer.logparser.last_iteration
    print(f"done in {time.time() - t0:.1f}s; iterations={len(trainer.logparser.iterations)} "
          f"loss={last.get('loss') if last else None} active_features={last.get('active_features') if last else None}; "
          f"model {args.out} {args.out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
