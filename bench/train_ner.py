"""Train the Japanese CRF entity tagger on WAC and UD Japanese GSD (NE).

    python bench/train_ner.py [--out resources/ner/ja_crf.crfsuite] [--all]

The tokens come from the dictionary reader.nlp.sudachi selects (its ``DICT``,
or ``READER_SUDACHI_DICT=core|small``); the model only fits that dictionary.

Data (read from the shared folder, never copied into the project; the model
derived from it ships in resources/ner/ with LICENSE-WAC.md and LICENSE-GSD.md):
- WAC (ku-nlp/WikipediaAnnotatedCorpus, CC BY-SA 4.0), ``train`` split, IREX types;
- UD Japanese GSD with named entities (Megagon Labs, CC BY-SA 4.0), train file,
  OntoNotes-style types.
Every tenth document of each train set (running index % 10 == 0) is held out for
measuring (bench/ner_score.py ``--split heldout``) unless ``--all`` is given.

One label set, OntoNotes types (LABELS in reader.nlp.features): WAC's IREX spans
are mapped onto it (LOCATION -> GPE/LOC/FAC and ARTIFACT -> PRODUCT/LAW/EVENT/
WORK_OF_ART by the typing rules of reader.nlp.rules). WAC does not annotate
NORP, QUANTITY, ORDINAL, EVENT, TITLE_AFFIX..., so its "O" there means "not
looked at": each token carries a corpus feature (``ds=wac`` / ``ds=gsd``) that
lets the CRF learn that per-corpus label bias instead of unlearning those types
from the words. At run time the tagger uses the GSD (complete) side.

Labels are IO over Sudachi SplitMode A tokens (I-TYPE inside an entity, O outside; ``--bio``
adds B- labels). IO halves the labels, which makes tagging faster, and costs little: two
entities of one type touching without anything between them are 0.5% of the gold spans.
OPTIONAL spans and gold spans whose edges fall inside a token are left as O.

Deterministic: documents are read in file order, crfsuite's L-BFGS has no
randomness, so the same data and parameters give the same model file.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ner_score import GSD_TRAIN, WAC_DATA, is_heldout  # noqa: E402

from reader.nlp import rules  # noqa: E402
from reader.nlp.features import LABELS, FeatureExtractor, JaTokenizer, split_long  # noqa: E402

DEFAULT_DATA = WAC_DATA
DEFAULT_OUT = ROOT / "resources" / "ner" / "ja_crf.crfsuite"
WAC_TYPES = ("PERSON", "LOCATION", "ORGANIZATION", "ARTIFACT", "DATE", "TIME", "MONEY", "PERCENT")
WAC_TO_LABEL = {"PERSON": "PERSON", "ORGANIZATION": "ORG", "DATE": "DATE", "TIME": "TIME",
                "MONEY": "MONEY", "PERCENT": "PERCENT"}

PARAMS = {
    "c1": 0.6,                  # L1: prunes most features; 0.6 beat 0.3, 0.15 and 0.05 on the held-out tenths
    "c2": 0.01,
    "max_iterations": 150,
    "feature.minfreq": 2,
    "feature.possible_transitions": True,
}


def load_jsonl(path: Path, split: str | None = None) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if split is None or d.get("split") == split:
                out.append(d)
    return out


def load(path: Path, split: str) -> list[dict]:
    """Documents of one split of a corpus file (kept for bench/ner_ablate.py)."""
    return load_jsonl(path, split)


def _wac_label(typ: str, surface: str, pos_tags: list[tuple]) -> str | None:
    if typ == "LOCATION":
        return rules.location_label(surface, pos_tags)
    if typ == "ARTIFACT":
        return rules.artifact_label(surface, False)
    return WAC_TO_LABEL.get(typ)


def line_sequences(doc: dict, tok: JaTokenizer, fx: FeatureExtractor, corpus: str = "wac", bio: bool = False):
    """Yield (features, labels) per line piece of one document."""
    text = doc["text"]
    if corpus == "wac":
        ents = [e for e in doc["entities"] if e["type"] in WAC_TYPES]
    else:
        # GSD's few CARDINAL spans (一つ, 3) are counts like its QUANTITY ones (二つ, 3人)
        ents = [dict(e, type="QUANTITY") if e["type"] == "CARDINAL" else e for e in doc["entities"]]
        ents = [e for e in ents if e["type"] in LABELS]
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
                        typ = e["type"]
                        if corpus == "wac":
                            typ = _wac_label(typ, text[e["start"]:e["end"]], [t.pos for t in toks[i:j + 1]])
                            if typ is None:
                                continue
                        labels[i] = ("B-" if bio else "I-") + typ
                        for k in range(i + 1, j + 1):
                            labels[k] = "I-" + typ
                    yield fx.sequence(toks, ctoks, corpus), labels
        pos += len(line) + 1


def training_documents(wac: Path, gsd: Path, use_all: bool) -> list[tuple[str, dict]]:
    """(corpus, document) pairs in a fixed order, held-out tenth left out unless ``use_all``."""
    out = []
    for corpus, docs in (("wac", load_jsonl(wac, "train")), ("gsd", load_jsonl(gsd))):
        out.extend((corpus, d) for i, d in enumerate(docs) if use_all or not is_heldout(i))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=WAC_DATA, help="WAC jsonl")
    ap.add_argument("--gsd", type=Path, default=GSD_TRAIN, help="GSD NE train jsonl")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--all", action="store_true", help="train on the held-out tenth too")
    ap.add_argument("--c1", type=float, default=PARAMS["c1"])
    ap.add_argument("--c2", type=float, default=PARAMS["c2"])
    ap.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    ap.add_argument("--minfreq", type=float, default=PARAMS["feature.minfreq"])
    ap.add_argument("--bio", action="store_true", help="B-/I- labels instead of I- only")
    args = ap.parse_args(argv)

    import pycrfsuite

    for p in (args.data, args.gsd):
        if not p.is_file():
            print(f"training data not found: {p}", file=sys.stderr)
            return 2
    t0 = time.time()
    tok = JaTokenizer()
    fx = FeatureExtractor()
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    n_seq = 0
    for corpus, doc in training_documents(args.data, args.gsd, args.all):
        for feats, labels in line_sequences(doc, tok, fx, corpus, args.bio):
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
