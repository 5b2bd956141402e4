"""Cross-script linking rate on names the alias table has never seen.

    python bench/bench_crossscript.py [--extract] [--names FILE ...]

Generates the documents of bench/crossscript.py (each name in English in one article and in
katakana in another, people also by surname) and links them with the real Linker, for the
development list, the held-out list and the fresh list (both written before tuning; measure on
them, never tune to them) unless --names picks lists:

- by default on the exact name spans (what linking alone achieves);
- with --extract, on what the real extractor finds in the text (end to end).

Prints the share of names linked across scripts, of surname mentions joined to their full
name, wrong merges (two different names in one entity), confusable names kept apart, and the
time linking took.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crossscript import FRESH_FILE, HELDOUT_FILE, NAMES_FILE, documents, load_names  # noqa: E402

from reader.nlp.canonical import Linker, Mention  # noqa: E402


def gold_mentions(pairs) -> list[Mention]:
    out = []
    for placed in (p for pair in pairs for p in pair):
        text = placed.name.english if placed.doc.startswith("en") else placed.name.katakana
        out.append(Mention(placed.doc, *placed.full, placed.name.label, text))
        if placed.short:
            short = placed.name.english_short if placed.doc.startswith("en") else placed.name.katakana_short
            out.append(Mention(placed.doc, *placed.short, placed.name.label, short))
    return out


def extracted_mentions(docs: dict[str, str]) -> list[Mention]:
    from reader.nlp import Extractor

    extractor = Extractor()
    return [Mention(key, s.start, s.end, s.label, s.text)
            for key, text in sorted(docs.items()) for s in extractor.extract(text)]


def entity_at(index: dict, doc: str, span: tuple[int, int] | None) -> str | None:
    """The entity of the mention covering most of the span (None if nothing was found there)."""
    if span is None:
        return None
    best, overlap = None, 0
    for start, end, entity in index.get(doc, ()):
        shared = min(end, span[1]) - max(start, span[0])
        if shared > overlap:
            best, overlap = entity, shared
    return best if overlap * 2 >= span[1] - span[0] else None


def score(pairs, mentions: list[Mention], ids: list[str]) -> dict:
    index = defaultdict(list)
    for m, entity in zip(mentions, ids):
        index[m.doc].append((m.start, m.end, entity))
    found = linked = short_total = short_linked = 0
    owner: dict[str, set[str]] = defaultdict(set)
    missed = []
    for en, ja in pairs:
        a, b = entity_at(index, en.doc, en.full), entity_at(index, ja.doc, ja.full)
        for e in (a, b):
            if e:
                owner[e].add(en.name.english)
        if a is None or b is None:
            continue
        found += 1
        if a == b:
            linked += 1
        else:
            missed.append(f"{en.name.english} / {en.name.katakana}")
        for placed, full in ((en, a), (ja, b)):
            if placed.short:
                short_total += 1
                short_linked += entity_at(index, placed.doc, placed.short) == full
    wrong = sorted(sorted(names) for names in owner.values() if len(names) > 1)
    merged = {name for names in wrong for name in names}
    confusable = [en.name.english for en, _ in pairs if en.name.note == "confusable"]
    return {"names": len(pairs), "found": found, "linked": linked, "short_total": short_total,
            "short_linked": short_linked, "wrong": wrong, "missed": missed,
            "confusable": len(confusable), "confusable_apart": sum(n not in merged for n in confusable)}


def run(names_file: Path, extract: bool) -> None:
    names = load_names(names_file)
    docs, pairs = documents(names)
    mentions = extracted_mentions(docs) if extract else gold_mentions(pairs)
    started = time.perf_counter()
    _, ids = Linker().link(mentions)
    elapsed = time.perf_counter() - started
    r = score(pairs, mentions, ids)
    mode = "extracted spans" if extract else "exact name spans"
    print(f"cross-script linking on {mode} of {names_file.name}: {len(docs)} documents, {len(mentions)} mentions")
    print(f"  both spellings found:   {r['found']}/{r['names']}")
    print(f"  linked across scripts:  {r['linked']}/{r['found']} = {r['linked'] / max(1, r['found']):.1%}"
          f"  (of all names: {r['linked'] / r['names']:.1%})")
    print(f"  surname to full name:   {r['short_linked']}/{r['short_total']}")
    print(f"  wrong merges:           {len(r['wrong'])}" + "".join(f"\n    {w}" for w in r["wrong"]))
    if r["confusable"]:
        print(f"  confusable names apart: {r['confusable_apart']}/{r['confusable']}")
    print(f"  linking took {elapsed:.2f} s")
    if r["missed"]:
        print("  not linked: " + "; ".join(r["missed"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", action="store_true", help="link what the extractor finds (end to end)")
    parser.add_argument("--names", type=Path, nargs="+", default=[NAMES_FILE, HELDOUT_FILE, FRESH_FILE],
                        help="lists of names to test (TSV: english, katakana, type[, note]); "
                             "default: the development, the held-out and the fresh list")
    args = parser.parse_args()
    for names_file in args.names:
        run(names_file, args.extract)


if __name__ == "__main__":
    main()
