"""Finding an annotation's text again in a document that may have changed.

In the spirit of Hypothesis (dom-anchor-text-quote, approx-string-match), in order:

1. the position selector still holds: the same text, with the same context, at the
   same offsets → "anchored";
2. the exact quote elsewhere: every occurrence is scored by how well the text before
   and after it agrees with the stored prefix and suffix → "moved" (or "anchored" if
   the best is where it was);
3. an approximate match (a few characters of the quote edited) → "changed";
4. otherwise → "orphaned" (the caller keeps the annotation, just unattached).

Every match must be supported by its context (prefix and suffix, compared by edit
distance: at least half overall, 85 % for quotes under 8 characters, which occur
everywhere). Equally good candidates that the context cannot tell apart are resolved
by the old position only when the context agrees strongly; otherwise the annotation is
orphaned rather than put somewhere it may not belong. And when the annotation's own
prefix and suffix still stand together near where it was, the text between them is
what became of the quote: a small edit there wins over the same words elsewhere, and a
rewrite there orphans it, unless the words elsewhere have the very same context (a
passage the document repeats).

Approximate matching is bounded: it runs Myers' bit-parallel edit-distance search
(Python integers as bit vectors, so a step costs a few big-int operations whatever
the quote's length) over a window around the expected position, plus the few
regions elsewhere where character n-grams of the quote cluster. It never scans a
whole large document with dynamic programming.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reader.annotations.model import ANCHORED, CHANGED, CONTEXT_CHARS, MOVED, ORPHANED

MIN_QUOTE_SIMILARITY = 0.75   # an approximate match keeps at least 3/4 of the quote
MIN_CONTEXT = 0.5             # prefix and suffix together agree at least this much
SHORT_QUOTE = 8               # quotes shorter than this (characters)…
SHORT_QUOTE_CONTEXT = 0.85    # …need more agreement from their context
DUPLICATE_CONTEXT = 0.97      # context this close: an identical (repeated) passage
IN_PLACE_RANGE = 256          # how far from where it was its own context is looked for
STRONG_CONTEXT = 0.8          # enough to pick the nearest of equally good candidates
TIE = 0.01                    # scores closer than this cannot tell candidates apart
WINDOW = 2000                 # characters searched either side of the expected position
MAX_SCORED = 64               # exact occurrences scored in full (the rest pre-ranked cheaply)
MAX_GRAMS = 48                # n-grams of the quote used to find regions elsewhere
MAX_GRAM_HITS = 2000          # n-grams more frequent than this say nothing about where
MAX_REGIONS = 8

# Hypothesis' weights: the quote matters most, context next, position breaks ties.
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0


@dataclass(frozen=True)
class Anchor:
    status: str
    start: int | None = None
    end: int | None = None
    quote_score: float = 0.0      # 1.0: the exact quote
    context_score: float = 0.0    # agreement of prefix and suffix, 0..1

    @property
    def found(self) -> bool:
        return self.status != ORPHANED


ORPHAN = Anchor(ORPHANED)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    quote: float
    context: float
    score: float
    distance: int     # from the expected position


def anchor(text: str, exact: str, prefix: str = "", suffix: str = "", start: int | None = None,
           end: int | None = None, hint: int | None = None) -> Anchor:
    """Where the quote `exact` (made with `prefix`/`suffix` context at `start`-`end`) is in `text`.

    `hint` is where it is expected (default `start`), e.g. where it was last found.
    """
    if not exact or not text:
        return ORPHAN
    if hint is None:
        hint = start
    if (start is not None and end is not None and text[start:end] == exact
            and text[max(0, start - len(prefix)):start] == prefix and text[end:end + len(suffix)] == suffix):
        return Anchor(ANCHORED, start, end, 1.0, 1.0)
    matcher = _Matcher(text, exact, prefix, suffix, hint)
    chosen = matcher.find_exact()
    if chosen is None:
        chosen = matcher.find_approximate()
    if chosen is None:
        return ORPHAN
    same_text = text[chosen.start:chosen.end] == exact
    if same_text and (chosen.start, chosen.end) == (start, end):
        status = ANCHORED
    else:
        status = MOVED if same_text else CHANGED
    return Anchor(status, chosen.start, chosen.end, round(chosen.quote, 4), round(chosen.context, 4))


class _Matcher:
    def __init__(self, text: str, exact: str, prefix: str, suffix: str, hint: int | None) -> None:
        self.text, self.exact, self.prefix, self.suffix, self.hint = text, exact, prefix, suffix, hint
        self._occurrences: list[_Candidate] | None = None
        self._in_place: _Candidate | None | bool = False  # False: not looked for yet

    # -- scoring ---------------------------------------------------------------

    def candidate(self, start: int, end: int, errors: int = 0) -> _Candidate:
        text, prefix, suffix = self.text, self.prefix, self.suffix
        quote = 1.0 - errors / len(self.exact)
        before = similarity(prefix, text[max(0, start - len(prefix)):start])
        after = similarity(suffix, text[end:end + len(suffix)])
        weight = len(prefix) + len(suffix)
        context = (before * len(prefix) + after * len(suffix)) / weight if weight else 1.0
        distance = abs(start - self.hint) if self.hint is not None else 0
        position = 1.0 - distance / max(len(text), 1)
        score = (QUOTE_WEIGHT * quote + PREFIX_WEIGHT * before + SUFFIX_WEIGHT * after
                 + POSITION_WEIGHT * position) / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT)
        return _Candidate(start, end, quote, context, score, distance)

    def _quick_context(self, start: int) -> int:
        """Cheap pre-ranking: how many characters of context agree exactly, in steps."""
        text, prefix, suffix, end = self.text, self.prefix, self.suffix, start + len(self.exact)
        agree = 0
        for n in (1, 2, 4, 8, 16, 32):
            if n <= len(prefix) and text[max(0, start - n):start] == prefix[-n:]:
                agree = n
        for n in (1, 2, 4, 8, 16, 32):
            if n <= len(suffix) and text[end:end + n] == suffix[:n]:
                agree += n if n == 1 else n // 2
        return agree

    # -- 2. the exact quote ------------------------------------------------------

    def occurrences(self) -> list[_Candidate]:
        if self._occurrences is None:
            text, exact = self.text, self.exact
            positions, at = [], text.find(exact)
            while at != -1:
                positions.append(at)
                at = text.find(exact, at + 1)
            if len(positions) > MAX_SCORED:
                hint = self.hint or 0
                positions.sort(key=lambda p: (-self._quick_context(p), abs(p - hint), p))
                positions = positions[:MAX_SCORED]
            self._occurrences = [self.candidate(p, p + len(exact)) for p in positions]
        return self._occurrences

    def find_exact(self) -> _Candidate | None:
        """The exact quote, where the context says it belongs (None: not found or not sure)."""
        found = self.occurrences()
        if not found:
            return None
        best = self._pick(found)
        if best is None or best.context < self._min_context():
            return None  # maybe an edited copy has the right context: let approximate matching decide
        if best.distance == 0:
            return best
        in_place = self.in_place()
        if in_place is not None and (in_place.start, in_place.end) != (best.start, best.end):
            # Its own context still stands where it was, around other text: the annotated text
            # was edited there. It stays there if the edit is small; it goes elsewhere only to
            # an identical passage (a repeated one), never to a chance occurrence.
            if in_place.quote >= MIN_QUOTE_SIMILARITY:
                return in_place
            return best if best.context >= DUPLICATE_CONTEXT else None
        if best.distance > len(self.exact) + 2 * CONTEXT_CHARS:
            # Far away (a repeated passage?): an edited copy where it was, with context as
            # good, keeps it there.
            nearby = self._edited_nearby()
            if nearby is not None and nearby.context >= best.context - TIE:
                return nearby
        return best

    def _min_context(self) -> float:
        """Short quotes occur everywhere: they need their context to agree more."""
        return SHORT_QUOTE_CONTEXT if len(self.exact) < SHORT_QUOTE else MIN_CONTEXT

    def in_place(self) -> _Candidate | None:
        """Where the stored prefix and suffix still both stand, near where the annotation was,
        with at most a little text between them: that text is what became of the quote (scored
        as an approximate match; quote score 0 if it was rewritten beyond recognition)."""
        if not isinstance(self._in_place, bool):     # (False: not looked for yet)
            return self._in_place
        self._in_place = None
        text, prefix, suffix, hint, m = self.text, self.prefix, self.suffix, self.hint, len(self.exact)
        if hint is None or len(prefix) < 8 or len(suffix) < 8:
            return None
        nearest = None
        lo = max(0, hint - IN_PLACE_RANGE - len(prefix))
        hi = min(len(text), hint + IN_PLACE_RANGE)
        at = text.find(prefix, lo, hi)
        while at != -1:
            start = at + len(prefix)
            end = text.find(suffix, start, start + 2 * m + CONTEXT_CHARS + len(suffix))
            if end != -1 and (nearest is None or abs(start - hint) < abs(nearest[0] - hint)):
                nearest = (start, end)
            at = text.find(prefix, at + 1, hi)
        if nearest is not None:
            start, end = nearest
            errors = levenshtein(self.exact, text[start:end]) if end > start else m
            self._in_place = self.candidate(start, end, min(errors, m))
        return self._in_place

    def _edited_nearby(self) -> _Candidate | None:
        exact, hint = self.exact, self.hint
        max_errors = int(len(exact) * (1 - MIN_QUOTE_SIMILARITY) + 1e-9)
        if hint is None or max_errors == 0:
            return None
        region = _merge([(hint - max_errors - CONTEXT_CHARS, hint + len(exact) + max_errors + CONTEXT_CHARS)],
                        len(self.text))
        found = [self.candidate(start, end, errors)
                 for start, end, errors in _approximate_matches(self.text, exact, max_errors, region)]
        found = [c for c in found if c.quote < 1.0 and self._acceptable(c)]
        return max(found, key=lambda c: (c.score, -c.distance)) if found else None

    # -- 3. approximately --------------------------------------------------------

    def find_approximate(self) -> _Candidate | None:
        exact, text = self.exact, self.text
        max_errors = int(len(exact) * (1 - MIN_QUOTE_SIMILARITY) + 1e-9)
        candidates = {(c.start, c.end): c for c in self.occurrences()}
        in_place = self.in_place()
        if in_place is not None and in_place.end > in_place.start:
            candidates[(in_place.start, in_place.end)] = in_place
        if max_errors > 0:
            regions = []
            if self.hint is not None:
                regions.append((self.hint - WINDOW, self.hint + len(exact) + WINDOW))
            regions += _gram_regions(text, exact, max_errors, self.prefix, self.suffix)
            for start, end, errors in _approximate_matches(text, exact, max_errors, _merge(regions, len(text))):
                if (start, end) not in candidates:
                    candidates[(start, end)] = self.candidate(start, end, errors)
        acceptable = [c for c in candidates.values() if self._acceptable(c) and not self._displaced(c)]
        if not acceptable:
            return None
        return self._pick(acceptable)

    def _displaced(self, c: _Candidate) -> bool:
        """Elsewhere, while the annotation's own context still stands around rewritten text,
        and not an identical passage: a chance resemblance, not where it went."""
        in_place = self.in_place()
        if in_place is None or in_place.quote >= MIN_QUOTE_SIMILARITY:
            return False
        if c.start < in_place.end and c.end > in_place.start:
            return False
        return c.context < DUPLICATE_CONTEXT

    def _acceptable(self, c: _Candidate) -> bool:
        return c.quote >= MIN_QUOTE_SIMILARITY and c.context >= self._min_context()

    def _pick(self, candidates: list[_Candidate]) -> _Candidate | None:
        """The best candidate; among ones the scores cannot tell apart, the one nearest the
        expected position if the context agrees strongly, else none."""
        ranked = sorted(candidates, key=lambda c: (-c.score, c.distance, c.start))
        best = ranked[0]
        rivals = [c for c in ranked[1:] if best.score - c.score < TIE and not _overlap(best, c)]
        if not rivals:
            return best
        if self.hint is None or best.context < STRONG_CONTEXT:
            return None
        nearest = min([best, *rivals], key=lambda c: c.distance)
        if sum(1 for c in (best, *rivals) if c.distance == nearest.distance) > 1:
            return None  # as near on both sides: nothing to go by
        return nearest


def _overlap(a: _Candidate, b: _Candidate) -> bool:
    return a.start < b.end and b.start < a.end


# -- edit distance (Myers 1999, Hyyrö 2001) ------------------------------------------


def _pattern_masks(pattern: str) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, char in enumerate(pattern):
        masks[char] = masks.get(char, 0) | (1 << i)
    return masks


def _scores(pattern: str, text: str, anchored: bool) -> list[int]:
    """For each j, the edit distance between `pattern` and the best substring of `text`
    ending at j (inclusive); with `anchored`, the substring must start at 0 (text[:j+1])."""
    m = len(pattern)
    masks = _pattern_masks(pattern)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score, carry = mask, 0, m, 1 if anchored else 0
    scores: list[int] = []
    get, append = masks.get, scores.append
    for char in text:
        eq = get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        append(score)
    return scores


def levenshtein(a: str, b: str) -> int:
    if not a or not b:
        return len(a) + len(b)
    return _scores(a, b, anchored=True)[-1]


def similarity(expected: str, found: str) -> float:
    """1.0 for equal strings, down to 0.0: one minus edit distance over the expected length."""
    if not expected:
        return 1.0
    if expected == found:
        return 1.0
    return max(0.0, 1.0 - levenshtein(expected, found) / len(expected))


def _approximate_matches(text: str, pattern: str, max_errors: int,
                         regions: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(start, end, errors) of the best approximate occurrences of `pattern` in the regions."""
    found = []
    for region_start, region_end in regions:
        scores = _scores(pattern, text[region_start:region_end], anchored=False)
        ends: list[tuple[int, int]] = []
        run: tuple[int, int] | None = None
        for j, score in enumerate(scores):
            if score <= max_errors:
                if run is None or score < run[1]:
                    run = (j, score)
            elif run is not None:
                ends.append(run)
                run = None
        if run is not None:
            ends.append(run)
        ends.sort(key=lambda r: r[1])
        for j, errors in ends[:MAX_REGIONS]:
            end = region_start + j + 1
            start = _match_start(text, pattern, end, errors)
            if start is not None:
                found.append((start, end, errors))
    return found


def _match_start(text: str, pattern: str, end: int, errors: int) -> int | None:
    """Where the best match of `pattern` ending at `end` begins (the length nearest the pattern's)."""
    m = len(pattern)
    window_start = max(0, end - m - errors)
    backwards = text[window_start:end][::-1]
    scores = _scores(pattern[::-1], backwards, anchored=True)
    best = min(scores)
    if best > errors:
        return None
    lengths = [i + 1 for i, s in enumerate(scores) if s == best]
    length = min(lengths, key=lambda n: (abs(n - m), n))
    return end - length


def _gram_regions(text: str, pattern: str, max_errors: int, prefix: str = "",
                  suffix: str = "") -> list[tuple[int, int]]:
    """Regions where n-grams of the pattern and its context cluster on one alignment: where
    it may have moved. (The context's n-grams find short quotes whose own are too common.)"""
    m = len(pattern)
    whole = prefix + pattern + suffix
    q = 3 if len(whole) >= 12 else 2
    if len(whole) < q + 1:
        return []
    offsets: dict[str, int] = {}
    for i in range(len(whole) - q + 1):
        offsets.setdefault(whole[i:i + q], i - len(prefix))
    grams = list(offsets.items())
    if len(grams) > MAX_GRAMS:
        step = len(grams) / MAX_GRAMS
        grams = [grams[int(i * step)] for i in range(MAX_GRAMS)]
    bin_width = max(32, 2 * max_errors)
    votes: Counter[int] = Counter()
    used = 0
    for gram, offset in grams:
        hits = text.count(gram)
        if hits == 0 or hits > MAX_GRAM_HITS:
            continue
        used += 1
        at = text.find(gram)
        seen = set()
        while at != -1:
            cell = (at - offset) // bin_width
            if cell not in seen:
                seen.add(cell)
                votes[cell] += 1
            at = text.find(gram, at + 1)
    if not votes:
        return []
    # q-gram lemma: an occurrence with k errors keeps at least (m - q + 1) - q·k of its grams.
    floor = max(2, int(0.25 * used))
    regions = []
    for cell, count in sorted(votes.items(), key=lambda kv: (-(kv[1] + votes.get(kv[0] - 1, 0)
                                                                 + votes.get(kv[0] + 1, 0)), kv[0])):
        if count + votes.get(cell - 1, 0) + votes.get(cell + 1, 0) < floor:
            break
        start = cell * bin_width
        regions.append((start - bin_width - max_errors, start + 2 * bin_width + m + max_errors))
        if len(regions) == MAX_REGIONS:
            break
    return regions


def _merge(regions: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    clipped = sorted((max(0, a), min(length, b)) for a, b in regions if min(length, b) > max(0, a))
    merged: list[tuple[int, int]] = []
    for a, b in clipped:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
