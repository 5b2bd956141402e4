"""Score GiNZA (ja_ginza) on the WAC dev split with the same scorer as bench/ner_score.py.

GiNZA is NOT a dependency of Reader. Run it from its own venv:

    python3 -m venv /tmp/ginza-venv
    /tmp/ginza-venv/bin/pip install ginza ja_ginza
    /tmp/ginza-venv/bin/python bench/ner_ginza.py [--split dev] [--bench-kb 200]

ja_ginza labels entities with Sekine's Extended Named Entity (ENE) types. They are
mapped to IREX two ways and both tables are printed:
- "direct": ENE -> IREX by the ENE hierarchy (Person/God -> PERSON; Organization
  subtree except ethnic groups/nationalities, plus School and Research_Institute
  -> ORGANIZATION; Location subtree (not astronomical) and other Facility types
  -> LOCATION; Product/Title/Law types -> ARTIFACT; Timex -> DATE/TIME; Money;
  Percent);
- "via OntoNotes": GiNZA's own ENE -> OntoNotes table (ginza.ENE_ONTONOTES_MAPPING),
  then the same OntoNotes -> IREX map as our extractor (ner_score.ONTONOTES_TO_IREX).
Text is fed line by line (as our extractor does), offsets are shifted back.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from ner_score import (  # noqa: E402
    DEFAULT_DATA, ONTONOTES_TO_IREX, Scorer, load_docs, peak_rss_mb, wikinews_text,
)

ORG_SUBTREE_EXCLUDE = {"Ethnic_Group", "Ethnic_Group_Other", "Nationality"}
FACILITY_AS_ORG = {"School", "Research_Institute"}
ASTRONOMICAL = {"Astronomical_Object", "Astronomical_Object_Other", "Star", "Planet", "Constellation"}
TIME_LABELS = {"Time", "Period_Time"}


def ene_to_irex_direct(label: str, ene_codes: dict) -> str | None:
    code = ene_codes.get(label)
    if label in ("Person", "God"):
        return "PERSON"
    if label in ("Money",):
        return "MONEY"
    if label == "Percent":
        return "PERCENT"
    if label in TIME_LABELS:
        return "TIME"
    if code is None:
        return None
    if code.startswith("1.4") and label not in ORG_SUBTREE_EXCLUDE:
        return "ORGANIZATION"
    if label in FACILITY_AS_ORG:
        return "ORGANIZATION"
    if code.startswith("1.5") and label not in ASTRONOMICAL:
        return "LOCATION"
    if code.startswith("1.6"):
        return "LOCATION"
    if code.startswith("2"):                                    # Timex
        return "DATE"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--bench-kb", type=float, default=200, help="KB of Wikinews text for the speed test (0: skip)")
    args = ap.parse_args(argv)

    import spacy
    from ginza.ene_ontonotes_mapper import ENE8_LABELS, ENE_ONTONOTES_MAPPING

    t0 = time.perf_counter()
    nlp = spacy.load("ja_ginza")
    load_s = time.perf_counter() - t0

    artifact_ene = {k for k, v in ENE_ONTONOTES_MAPPING.items() if v in ("PRODUCT", "WORK_OF_ART", "LAW")}

    def direct(label: str) -> str | None:
        if label in artifact_ene:
            return "ARTIFACT"
        if label in ("Event", "Event_Other") or ENE_ONTONOTES_MAPPING.get(label) == "EVENT":
            return None
        return ene_to_irex_direct(label, ENE8_LABELS)

    def run(text: str):
        ents = []
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                doc = nlp(line)
                for e in doc.ents:
                    ents.append((pos + e.start_char, pos + e.end_char, e.label_))
            pos += len(line) + 1
        return ents

    docs = load_docs(args.data, args.split)
    s_direct, s_onto = Scorer(), Scorer()
    chars = 0
    t0 = time.perf_counter()
    outs = []
    for d in docs:
        outs.append(run(d["text"]))
        chars += len(d["text"])
    el = time.perf_counter() - t0
    for d, ents in zip(docs, outs):
        s_direct.add(d, [(s, e, direct(lab)) for s, e, lab in ents if direct(lab)])
        s_onto.add(d, [(s, e, ONTONOTES_TO_IREX.get(ENE_ONTONOTES_MAPPING.get(lab, ""), ""))
                       for s, e, lab in ents])
    print(s_direct.table(f"GiNZA ja_ginza {spacy.util.get_package_version('ja_ginza')} on WAC {args.split} "
                         f"({len(docs)} docs, {chars} chars), ENE -> IREX direct"))
    print(s_onto.table("same output, ENE -> OntoNotes (GiNZA's table) -> IREX"))
    print(f"model load {load_s:.2f}s; {args.split}: {chars / el:,.0f} chars/s")
    if args.bench_kb > 0:
        texts = wikinews_text(int(args.bench_kb * 1000))
        n = sum(len(t) for t in texts)
        t0, c0 = time.perf_counter(), time.process_time()
        k = 0
        for t in texts:
            k += len(run(t))
        wall = n / (time.perf_counter() - t0)
        cpu = n / (time.process_time() - c0)
        print(f"wikinews-ja: {n:,} chars, {k:,} entities, {cpu:,.0f} chars/s of CPU time ({wall:,.0f} wall)")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
