"""Spellings of one name across scripts and variants, found without a table.

The linker hands over the name parts it saw (each with its kind: a person's surname, a
person's given name, a place, an organisation) and gets back classes of parts that spell one
name: {merkel, メルケル}, {zelensky, zelenskyy, ゼレンスキー}, {ルハンシク, ルハンスク}. Each class keeps
the lowest score of the links that made it, which is the confidence shown to the user.

Parts of the same kind are compared (a surname never joins a given name); a whole name of one
kind meets one of another only across scripts and at a stricter score (``cross_kind_pairs``:
the extractor may call "Siemens" a person and シーメンス a company). Only parts within a block
that start with the same sound are compared. A class grows only when every
cross-script pair in it still scores at least ``CLASS_FLOOR`` and every pair in one script has
variants' consonants (complete linkage), so a chain of near matches (Petr ~ ペトロ ~ Pedro ~ ペドロ,
Ericsson ~ エリソン ~ Ellison) cannot pull two unlike spellings together.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from reader.nlp import transliterate as tr

# Kinds of parts; people's parts are matched more loosely because a full name must then agree
# on every part, while a place or a bare surname stands alone.
SURNAME, GIVEN, PLACE, ORG = "surname", "given", "place", "org"
PART_THRESHOLD = {SURNAME: 0.8, GIVEN: 0.7, PLACE: 0.82, ORG: 0.82}
# Two katakana (or two Latin) spellings vary less, and unlike names written alike are common:
# a bare surname most of all (ブラッター is not ブラット), a place least (ルハンシク/ルハンスク).
# Latin variants are mostly transliterations of one name (Mirziyoyev/Mirziyoev).
SAME_SCRIPT_THRESHOLD = {SURNAME: 0.95, GIVEN: 0.9, PLACE: 0.9, ORG: 0.93}
LATIN_SURNAME_THRESHOLD = 0.92
# Two- or one-consonant names ("Kim", "イエン", Huawei ファーウェイ) need more: at 0.88 unlike
# JMnedict names of that size meet by chance no more often than longer ones at their thresholds
# (bench/bench_sound_calibration.py prints the rates).
SHORT_SKELETON_THRESHOLD = 0.88
CLASS_FLOOR = 0.6
# Below these consonant-skeleton similarities the weighted score cannot reach the threshold.
SKELETON_FLOOR = 0.5
SAME_SCRIPT_SKELETON_FLOOR = 0.8
SETTLED_SKELETON_FLOOR = 0.6     # another spelling of a name the table knows: it sounds closer
SAME_SCRIPT_SOUND_FLOOR = 0.75   # whole sounds (Indel) below which no same-script threshold is met
MODEL_WINDOW = (0.65, 0.9)       # ask the e2k model only when the rules are unsure
# A whole name typed differently on the two sides ("Siemens" PERSON, シーメンス ORG; "Lockheed
# Martin" PERSON, ロッキード・マーチン PRODUCT) joins only on a sound match this strong.
CROSS_KIND_THRESHOLD = 0.9
WHOLE_PERSON = "person"          # a person's full name taken whole (its parts joined)
CROSS_KIND_SKELETON_FLOOR = 0.6  # below it no pair reaches CROSS_KIND_THRESHOLD, model or not

_LATIN = re.compile(r"[a-z]+")
_KANJI = re.compile(r"[\u4e00-\u9fff々]{2,6}")
GLOSS_SCORE = 0.95   # a kanji name and the Latin spelling JMnedict gives as its reading


@lru_cache(maxsize=262144)
def script_of(part: str) -> str | None:
    if _LATIN.fullmatch(part):
        return "latin"
    if tr.names.is_katakana_name(part) or (len(part) == 1 and "\u30a1" <= part <= "\u30fa"):
        return "kana"
    if _KANJI.fullmatch(part):
        return "kanji"
    return None


@lru_cache(maxsize=65536)
def _glosses(part: str) -> frozenset[str]:
    """The romanised readings JMnedict gives a kanji or katakana name (高市 -> takaichi, kouichi,
    …; ファイザー -> pfizer)."""
    info = tr.names.lookup(part)
    return frozenset(g for g in (tr.fold_latin(g) for g in info.glosses) if g) if info else frozenset()


@dataclass
class SpellingClasses:
    """part (kind, text) -> representative; representative -> confidence and members."""
    rep: dict[tuple[str, str], str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)

    def of(self, kind: str, part: str) -> str:
        return self.rep.get((kind, part), part)

    def partnered(self) -> set[tuple[str, str]]:
        """(kind, part) of parts whose class also holds a spelling in another script."""
        by_rep: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (kind, part), r in self.rep.items():
            by_rep[r].append((kind, part))
        out = set()
        for members in by_rep.values():
            if len({script_of(part) for _, part in members}) > 1:
                out.update(members)
        return out

    def conf(self, kind: str, a: str, b: str) -> float | None:
        """The confidence that two parts spell one name, or None when they are not linked."""
        if a == b:
            return 1.0
        ra, rb = self.rep.get((kind, a)), self.rep.get((kind, b))
        if ra is None or ra != rb:
            return None
        return self.confidence.get(ra, 1.0)


def pair_score(a: str, b: str, use_model: bool = True) -> float:
    """Score of two parts, whatever their scripts (0 when they cannot be compared)."""
    sa, sb = script_of(a), script_of(b)
    if sa is None or sb is None:
        return 0.0
    if sa == sb == "latin":
        return tr.latin_score(a, b)
    if sa == sb == "kana":
        return tr.katakana_score(a, b)
    if "kanji" in (sa, sb):
        # a kanji name is known only by its dictionary readings
        kanji, other = (a, b) if sa == "kanji" else (b, a)
        if script_of(other) == "latin":
            return GLOSS_SCORE if other in _glosses(kanji) else 0.0
        if script_of(other) == "kana":
            return max((tr.latin_katakana_score(g, other, use_model=False) for g in _glosses(kanji)),
                       default=0.0)
        return 0.0
    latin, kana = (a, b) if sa == "latin" else (b, a)
    score = tr.latin_katakana_score(latin, kana, use_model=False)
    if use_model and MODEL_WINDOW[0] <= score < MODEL_WINDOW[1]:
        score = tr.latin_katakana_score(latin, kana, use_model=True)
    return score


def _threshold(kind: str, a: str, b: str) -> float:
    threshold = PART_THRESHOLD[kind]
    if script_of(a) == script_of(b):
        same = SAME_SCRIPT_THRESHOLD[kind]
        if kind == SURNAME and script_of(a) == "latin":
            same = LATIN_SURNAME_THRESHOLD
        threshold = max(threshold, same)
    if kind != GIVEN and "kanji" not in (script_of(a), script_of(b)) \
            and min(len(tr.skeleton_of(a)), len(tr.skeleton_of(b))) <= 2:
        threshold = max(threshold, SHORT_SKELETON_THRESHOLD)
    return threshold


def _candidates(parts: list[str], is_open, acronyms: frozenset[str] = frozenset(), across_only: bool = False,
                cross_floor: float = SKELETON_FLOOR):
    """Pairs of parts worth scoring: in one block, at least one of them open (not settled by the
    alias table), with consonant skeletons at least SKELETON_FLOOR alike (rapidfuzz's vectorised
    cdist does the pruning: a library has thousands of names, and a pair below that floor
    cannot reach any threshold), or a Latin part that the dictionary gives as the reading of
    a kanji or katakana part, whatever its first sound (ファイザー is glossed Pfizer).
    ``across_only``: only pairs in two scripts, with consonant skeletons at least
    ``cross_floor`` alike."""
    seen = set()
    latin = {p for p in parts if script_of(p) == "latin"}
    for p in parts:
        if script_of(p) in ("kanji", "kana") and p not in acronyms:
            for gloss in sorted(_glosses(p) & latin):
                if is_open(p) or is_open(gloss):
                    seen.add((gloss, p))
                    yield gloss, p
    blocks: dict[str, set[str]] = defaultdict(set)
    for p in parts:
        if script_of(p) == "kanji" or p in acronyms:
            continue
        for key in tr.blocking_keys(p):
            blocks[key].add(p)
    for key in sorted(blocks):
        by_script: dict[tuple, list[str]] = defaultdict(list)
        for m in sorted(blocks[key]):
            by_script[script_of(m), "all"].append(m)
            by_script[script_of(m), "open" if is_open(m) else "settled"].append(m)
        for (script_a, which_a), (script_b, which_b), floor in (
                (("latin", "open"), ("kana", "open"), cross_floor),
                (("latin", "open"), ("kana", "settled"), max(cross_floor, SETTLED_SKELETON_FLOOR)),
                (("kana", "open"), ("latin", "settled"), max(cross_floor, SETTLED_SKELETON_FLOOR)),
                (("latin", "open"), ("latin", "all"), SAME_SCRIPT_SKELETON_FLOOR),
                (("kana", "open"), ("kana", "all"), SAME_SCRIPT_SKELETON_FLOOR)):
            if across_only and script_a == script_b:
                continue
            left, right = by_script.get((script_a, which_a)), by_script.get((script_b, which_b))
            if not left or not right:
                continue
            # every reading's skeleton takes part (Roger is "rkr" read as written, "rs" as ロジャー)
            found = _similar_pairs(left, right, tr.skeletons_of, Levenshtein.normalized_similarity, floor)
            if script_a == script_b:   # and, in one script, the whole sounds must be close as well
                found &= _similar_pairs(left, right, tr.readings_of, Indel.normalized_similarity,
                                        SAME_SCRIPT_SOUND_FLOOR)
            for a, b in sorted(found):
                if (a, b) not in seen:
                    seen.add((a, b))
                    yield a, b


def _similar_pairs(left: list[str], right: list[str], strings_of, scorer, floor: float) -> set[tuple[str, str]]:
    """Sorted pairs (a, b), a != b, of which some strings score at least `floor` (rapidfuzz cdist)."""
    lefts = [(m, x) for m in left for x in strings_of(m)]
    rights = [(m, x) for m in right for x in strings_of(m)]
    similar = process.cdist([x for _, x in lefts], [x for _, x in rights], scorer=scorer,
                            score_cutoff=floor, dtype=numpy.float32)
    out = set()
    for i, j in zip(*numpy.nonzero(similar)):
        a, b = lefts[i][0], rights[j][0]
        if a != b:
            out.add((a, b) if a < b else (b, a))
    return out


def spelling_classes(parts_by_kind: dict[str, set[str]], open_parts: set[tuple[str, str]] | None = None,
                     acronyms: frozenset[str] = frozenset()) -> SpellingClasses:
    """Group the parts of each kind into spellings of one name (see the module docstring).

    ``open_parts`` ((kind, part) pairs), when given, are the parts of names the alias table does
    not settle; a pair of two settled parts is not compared (the table already decided).
    ``acronyms`` (NHK, KAT-TUN, ISS) are letters, not sounds: they link only through the
    dictionary (NHK = 日本放送協会), never by sounding alike."""
    out = SpellingClasses()
    for kind in sorted(parts_by_kind):
        parts = sorted(p for p in parts_by_kind[kind] if script_of(p) and len(p) >= 2)
        edges = []
        def is_open(part: str, kind: str = kind) -> bool:
            return open_parts is None or (kind, part) in open_parts

        scored: dict[tuple[str, str], float] = {}
        for a, b in _candidates(parts, is_open, acronyms):
            open_a, open_b = is_open(a), is_open(b)
            # the model (~5 ms a word) only for names the table knows on neither side
            score = scored[a, b] = scored[b, a] = pair_score(a, b, use_model=open_a and open_b)
            if score >= _threshold(kind, a, b):
                edges.append((-score, a, b))
        edges.sort()
        members: dict[str, list[str]] = {}
        rep: dict[str, str] = {}
        conf: dict[str, float] = {}

        def find(x: str) -> str:
            return rep.get(x, x)

        for neg, a, b in edges:
            ra, rb = find(a), find(b)
            if ra == rb:
                continue
            ma, mb = members.get(ra, [ra]), members.get(rb, [rb])
            if not all(_may_share_class(kind, x, y, scored) for x in ma for y in mb):
                continue
            root, other = min(ra, rb), max(ra, rb)
            merged = ma + mb
            members[root] = merged
            members.pop(other, None)
            for x in merged:
                rep[x] = root
            conf[root] = min(-neg, conf.get(ra, 1.0), conf.get(rb, 1.0))
            conf.pop(other, None)
        for x, r in rep.items():
            out.rep[(kind, x)] = f"{kind}\0{r}"
        for r, c in conf.items():
            out.confidence[f"{kind}\0{r}"] = c
    return out


def _may_share_class(kind: str, a: str, b: str, scored: dict[tuple[str, str], float]) -> bool:
    """Complete linkage: may two members of two classes end in one? Across scripts the score (the
    model's where it was asked) must reach CLASS_FLOOR; in one script the consonants must be as
    alike as variants' are (Ericsson and Ellison, each close to エリソン, are two names), and two
    surnames must be variants outright (Nielsen and Nelson, each close to the other's katakana,
    are two families)."""
    if script_of(a) != script_of(b):
        return scored.get((a, b), pair_score(a, b, use_model=False)) >= CLASS_FLOOR
    if _skeleton_similarity(a, b) < SAME_SCRIPT_SKELETON_FLOOR:
        return False
    return kind != SURNAME or scored.get((a, b), pair_score(a, b, use_model=False)) >= _threshold(kind, a, b)


@lru_cache(maxsize=262144)
def _skeleton_similarity(a: str, b: str) -> float:
    return max((Levenshtein.normalized_similarity(x, y) for x in tr.skeletons_of(a) for y in tr.skeletons_of(b)),
               default=0.0)


def cross_kind_pairs(units_by_kind: dict[str, set[str]], open_parts: set[tuple[str, str]],
                     acronyms: frozenset[str] = frozenset()) -> list[tuple[str, str, str, str, float]]:
    """Whole names of different kinds, one Latin and one katakana, that spell one name:
    (kind, unit, other kind, other unit, score).

    A fallback for a name whose other spelling the extractor typed otherwise, so it is strict:
    only names with no other-script spelling in their own kind take part (the caller leaves the
    others out), a pair must reach CROSS_KIND_THRESHOLD, and each must be the other's best match
    (no chain of near matches across kinds). Two names the table settles are not compared."""
    kinds_of: dict[str, set[str]] = defaultdict(set)
    for kind, units in units_by_kind.items():
        for unit in units:
            # a name of one consonant (ジー, Die) is too short to be known again across kinds
            if script_of(unit) in ("latin", "kana") and len(tr.skeleton_of(unit)) >= 2:
                kinds_of[unit].add(kind)
    open_units = {unit for _, unit in open_parts}
    found: list[tuple[float, str, str]] = []
    for a, b in _candidates(sorted(kinds_of), lambda p: p in open_units, acronyms, across_only=True,
                            cross_floor=CROSS_KIND_SKELETON_FLOOR):
        if script_of(a) == script_of(b) or kinds_of[a] & kinds_of[b]:
            continue
        threshold = max([CROSS_KIND_THRESHOLD] + [_threshold(SURNAME if k == WHOLE_PERSON else k, a, b)
                                                  for k in kinds_of[a] | kinds_of[b]])
        score = pair_score(a, b, use_model=a in open_units and b in open_units)
        if score >= threshold:
            found.append((score, a, b))
    best: dict[str, float] = {}
    for score, a, b in found:
        best[a] = max(best.get(a, 0.0), score)
        best[b] = max(best.get(b, 0.0), score)
    out: list[tuple[str, str, str, str, float]] = []
    for score, a, b in sorted(found, key=lambda f: (-f[0], f[1], f[2])):
        if score == best[a] == best[b]:
            out.extend((ka, a, kb, b, score) for ka in sorted(kinds_of[a]) for kb in sorted(kinds_of[b]))
    return out
