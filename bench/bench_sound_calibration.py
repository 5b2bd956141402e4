"""How often the sound score joins two unlike names, by the size of their consonant skeleton.

    python bench/bench_sound_calibration.py [--sample 6000]

Takes katakana names with one-word Latin glosses from the name dictionary (JMnedict): a name
and its own gloss is a true pair; a name and another entry's gloss that shares its blocking key
(what the linker would compare) is an unlike pair. Prints, per skeleton size and threshold, the
share of true pairs reached (recall) and the number and rate of unlike pairs reached (chance
matches), the rule score alone (no dictionary gloss, no e2k model). Used to set
crosslink.SHORT_SKELETON_THRESHOLD so that short names meet by chance no more often than
longer names at their thresholds.
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.nlp import names, transliterate as tr  # noqa: E402

THRESHOLDS = (0.8, 0.82, 0.85, 0.88, 0.9, 0.92, 0.95)


def glossed_katakana(sample: int) -> list[tuple[str, frozenset[str]]]:
    trie, _ = names._Tries.get()
    entries = []
    for surface in trie.keys():
        if not names.is_katakana_name(surface) or "・" in surface:
            continue
        glosses = frozenset(g for g in (tr.fold_latin(x) for x in names.lookup(surface).glosses
                                        if " " not in x.strip()) if g.isalpha() and len(g) >= 2)
        if glosses:
            entries.append((surface, glosses))
    random.Random(1).shuffle(entries)
    return entries[:sample]


def rule_score(latin: str, katakana: str) -> float:
    readings = tr._katakana_reading(katakana)
    return max(tr._similarity(r, k) for r in tr._latin_readings(latin) for k in readings)


def size(latin: str, katakana: str) -> int:
    return min(3, len(tr.skeleton_of(latin)), len(tr.skeleton_of(katakana)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=6000)
    args = parser.parse_args()
    entries = glossed_katakana(args.sample)
    true, unlike = defaultdict(list), defaultdict(list)
    for katakana, glosses in entries[: len(entries) // 2]:
        gloss = min(glosses)
        true[size(gloss, katakana)].append(rule_score(gloss, katakana))
    by_key = defaultdict(set)
    for _, glosses in entries:
        for gloss in glosses:
            for key in tr.blocking_keys(gloss):
                by_key[key].add(gloss)
    for katakana, glosses in entries[: len(entries) // 4]:
        own = glosses | {tr.fold_latin(g) for g in names.lookup(katakana).glosses}
        for key in tr.blocking_keys(katakana):
            for gloss in sorted(by_key[key] - own):
                if size(gloss, katakana) <= 3:
                    unlike[size(gloss, katakana)].append(rule_score(gloss, katakana))
    print(f"{len(entries)} glossed katakana names; rule score only (no gloss, no model)")
    for n in sorted(set(true) | set(unlike)):
        if n == 0:
            continue
        t, u = true[n], unlike[n]
        print(f"skeleton {'3+' if n == 3 else n}: {len(t)} true pairs, {len(u)} unlike pairs")
        for th in THRESHOLDS:
            hits = sum(x >= th for x in u)
            print(f"  >= {th:.2f}: recall {sum(x >= th for x in t) / max(1, len(t)):.2f}  "
                  f"chance matches {hits} ({hits / max(1, len(u)):.3%})")


if __name__ == "__main__":
    main()
