"""Japanese entity extraction: CRF over Sudachi tokens plus rules.

Output offsets are into the line passed to :meth:`JapaneseExtractor.extract_line`;
labels are OntoNotes ones.
"""
from __future__ import annotations

from reader.nlp import rules
from reader.nlp.features import (
    FAC_SUFFIX_JA, ORG_SUFFIX_JA, TITLES_JA, FeatureExtractor, JaTokenizer, Tok,
    char_signature, split_long,
)

_NAME_JOINERS = frozenset("・=＝･")
_NUMERIC_IREX = frozenset(("DATE", "TIME", "MONEY", "PERCENT"))
_QUOTES = {"「": "」", "『": "』", "《": "》", "“": "”", "\"": "\""}


# first characters of every title: a cheap pre-check
_TITLE_FIRST_CHARS = frozenset(t[0] for t in TITLES_JA)


def _is_title_at(toks: list[Tok], k: int) -> int:
    """Number of tokens (1, 2 or 3) forming a person title starting at k, else 0."""
    s = toks[k].surface
    if not s or s[0] not in _TITLE_FIRST_CHARS:
        return 0
    n = len(toks)
    if k + 2 < n and s + toks[k + 1].surface + toks[k + 2].surface in TITLES_JA:
        return 3
    if k + 1 < n and s + toks[k + 1].surface in TITLES_JA:
        return 2
    if s in TITLES_JA:
        return 1
    return 0


def _title_ending_at(toks: list[Tok], j: int, lo: int) -> int:
    """Number of tokens (1, 2 or 3, not reaching before ``lo``) forming a title that ends at j."""
    for k in (3, 2, 1):
        if j - k + 1 >= lo and "".join(t.surface for t in toks[j - k + 1:j + 1]) in TITLES_JA:
            return k
    return 0


def _name_like(t: Tok) -> bool:
    """Could be part of a person's name that Sudachi does not know."""
    p = t.pos
    if p[1] == "固有名詞":
        return p[2] == "人名"
    if t.oov:
        sig = char_signature(t.surface)
        return sig in ("T", "U", "UL", "K", "KT", "TK")
    return False


def _is_place(t: Tok) -> bool:
    return t.pos[1] == "固有名詞" and t.pos[2] == "地名"


class JapaneseExtractor:
    def __init__(self, tokenizer: JaTokenizer, features: FeatureExtractor, tagger) -> None:
        self.tok = tokenizer
        self.fx = features
        self.tagger = tagger

    # ------------------------------------------------------------------
    def extract_line(self, line: str) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        for a, b in split_long(line):
            piece = line[a:b]
            for s, e, label in self._piece(piece):
                out.append((s + a, e + a, label))
        return out

    def crf_spans(self, piece: str):
        """Raw CRF output: tokens and (first, last, IREX type) token spans."""
        toks, ctoks = self.tok.tokenize(piece)
        if not toks:
            return toks, []
        labels = self.tagger.tag(self.fx.sequence(toks, ctoks))
        spans = []
        cur = None
        for i, lab in enumerate(labels):
            if lab == "O":
                if cur:
                    spans.append(tuple(cur))
                    cur = None
                continue
            bio, typ = lab[0], lab[2:]
            if bio == "B" or cur is None or cur[2] != typ:
                if cur:
                    spans.append(tuple(cur))
                cur = [i, i, typ]
            else:
                cur[1] = i
        if cur:
            spans.append(tuple(cur))
        return toks, spans

    def _piece(self, piece: str) -> list[tuple[int, int, str]]:
        toks, spans = self.crf_spans(piece)
        if not toks:
            return []
        spans = self._fix_persons(toks, [_trim(toks, s) for s in spans])
        spans = [s for s in spans if s[0] <= s[1] and self._keep(toks, s)]
        spans = _organisations(toks, spans)
        n = len(toks)

        # token spans -> char spans with OntoNotes labels
        ents: list[tuple[int, int, str]] = []
        for i, j, typ in spans:
            start, end = toks[i].start, toks[j].end
            surface = piece[start:end]
            if typ == "PERSON":
                label = "PERSON"
            elif typ == "ORGANIZATION":
                label = "ORG"
            elif typ == "LOCATION":
                # ロシア人 / 日本系: nationality or group, not a place
                if j + 1 < n and toks[j + 1].surface in rules.NORP_SUFFIX_JA and toks[j + 1].pos[0] == "接尾辞":
                    ents.append((start, toks[j + 1].end, "NORP"))
                    continue
                label = rules.location_label(surface, [toks[k].pos for k in range(i, j + 1)])
            elif typ == "ARTIFACT":
                before = piece[start - 1] if start > 0 else ""
                quoted = before in _QUOTES and end < len(piece) and piece[end] == _QUOTES[before]
                label = rules.artifact_label(surface, quoted)
            else:
                label = typ
            ents.append((start, end, label))

        # nationality words the CRF left alone: place name + 人 suffix
        covered = set()
        for s, e, _ in ents:
            covered.update(range(s, e))
        for k in range(n - 1):
            t = toks[k]
            if t.start in covered or not _is_place(t):
                continue
            nx = toks[k + 1]
            if nx.surface in rules.NORP_SUFFIX_JA and nx.pos[0] == "接尾辞" and nx.start not in covered:
                ents.append((t.start, nx.end, "NORP"))

        return _merge_numeric(ents, rules.numeric_ja(piece))

    # ------------------------------------------------------------------
    def _fix_persons(self, toks: list[Tok], spans: list[tuple]) -> list[tuple]:
        n = len(toks)
        out = []
        owner = {}
        for idx, (i, j, typ) in enumerate(spans):
            for k in range(i, j + 1):
                owner[k] = idx
        for idx, (i, j, typ) in enumerate(spans):
            # titles are not part of a name (プーチン大統領, シルスキー総司令官, 国連事務総長)
            while j >= i and _title_ending_at(toks, j, i):
                j -= _title_ending_at(toks, j, i)
            if i > j:
                continue
            if typ == "PERSON":
                while i <= j and _is_title_at(toks, i) and toks[i].pos[1] != "固有名詞":
                    i += _is_title_at(toks, i)
                if i > j:
                    continue
                # extend over ・-joined name parts: ウラジーミル・プーチン
                while i >= 2 and toks[i - 1].surface in _NAME_JOINERS and _name_like_or_kata(toks[i - 2]) \
                        and owner.get(i - 2, idx) == idx and owner.get(i - 1, idx) == idx:
                    i -= 2
                while j + 2 < n and toks[j + 1].surface in _NAME_JOINERS and _name_like_or_kata(toks[j + 2]) \
                        and owner.get(j + 2, idx) == idx and owner.get(j + 1, idx) == idx:
                    j += 2
            out.append((i, j, typ))
        out = _dedupe(out)

        # an "organisation" or "place" made only of unknown or person-name words and followed
        # by a title is a person: オレクサンドル・シルスキー総司令官, ドミトリ・ペスコフ報道官
        # An "organisation" written as given name・family name (ドミトリ・ペスコフ) is a person too.
        for idx, (i, j, typ) in enumerate(out):
            if typ == "PERSON":
                continue
            parts = toks[i:j + 1]
            if not all(_name_like(t) or t.surface in _NAME_JOINERS for t in parts) \
                    or not any(_name_like(t) for t in parts):
                continue
            titled = j + 1 < n and _is_title_at(toks, j + 1)
            full_name = typ == "ORGANIZATION" and any(t.surface in _NAME_JOINERS for t in parts) \
                and any(t.pos[2] == "人名" for t in parts)
            if titled or full_name:
                out[idx] = (i, j, "PERSON")

        # a name Sudachi does not know, directly followed by a title: ゼレンスキー大統領, ウィトコフ特使
        taken = {}
        for idx, (i, j, typ) in enumerate(out):
            for k in range(i, j + 1):
                taken[k] = idx
        added = []
        for k in range(1, n):
            if not _is_title_at(toks, k) or (k - 1) in taken:
                continue
            j = k - 1
            i = j
            if not _name_like(toks[j]):
                continue
            while i >= 2 and toks[i - 1].surface in _NAME_JOINERS and _name_like_or_kata(toks[i - 2]) \
                    and (i - 2) not in taken:
                i -= 2
            while i >= 1 and _name_like(toks[i - 1]) and (i - 1) not in taken:
                i -= 1
            added.append((i, j, "PERSON"))
        if added:
            out = _dedupe(out + added)
        return out

    def _keep(self, toks: list[Tok], span: tuple) -> bool:
        """Drop spans that are titles, verbal nouns (制裁, 交渉), function words or symbols."""
        i, j, typ = span
        if typ in _NUMERIC_IREX:
            return True
        last = toks[j]
        if i == j:
            p = last.pos
            if last.surface in TITLES_JA or (not last.oov and p[0] not in ("名詞", "接頭辞")):
                return False
        elif "".join(t.surface for t in toks[i:j + 1]) in TITLES_JA:
            return False
        if not any(t.oov or t.pos[0] in ("名詞", "接尾辞") for t in toks[i:j + 1]):
            return False        # symbols or function words only (ねえだろうし)
        # a verbal noun is not a name (制裁, 交渉), nor ends a work or product name (…逮捕);
        # 連合, 会議 head organisations, and 厚生労働(大臣) is a ministry
        p = last.pos
        if p[1] == "普通名詞" and p[2] == "サ変可能" and not last.oov and (i == j or typ == "ARTIFACT") \
                and last.surface not in ORG_SUFFIX_JA and last.surface not in FAC_SUFFIX_JA:
            return False
        return True


# Head words that make a name an organisation even after a place name: ロシア国防省, 中国共産党.
_ORG_HEADS = frozenset("省 庁 軍 党 大学 銀行 会社 委員会 議会 政府 機構 連合 同盟 協会 研究所 裁判所 局 陸軍 海軍 空軍".split())


def _organisations(toks: list[Tok], spans: list[tuple]) -> list[tuple]:
    """A place followed by an organisation is one organisation (ロシア|国防省 -> ロシア国防省),
    and a "place" ending in an organisation head is one too (ドイツ軍; 国防省 but not 四川省,
    which is a province)."""
    out: list[list] = []
    for i, j, typ in spans:
        if typ == "ORGANIZATION" and out and out[-1][2] == "LOCATION" and out[-1][1] == i - 1:
            out[-1] = [out[-1][0], j, "ORGANIZATION"]
            continue
        if typ == "LOCATION" and j > i and toks[j].surface in _ORG_HEADS:
            # 国防省, 外務省 are ministries; 四川省, 河北省 are provinces
            if toks[j].surface != "省" or toks[j - 1].pos[1] == "普通名詞":
                typ = "ORGANIZATION"
        out.append([i, j, typ])
    return [tuple(x) for x in out]


_EDGE_POS = ("補助記号", "空白", "記号")
_MODIFIER_POS = ("副詞", "連体詞", "形容詞", "形状詞")
_MODIFIER_PREFIXES = frozenset("対 親 反 全 各 両 約 計 非".split())
_DIRECTIONS = frozenset("東西南北中")


def _is_modifier(t: Tok) -> bool:
    """A word that can stand before a place name without being part of it:
    特に, 大国, 要塞 (but not 南 in 南アフリカ)."""
    if t.oov or t.pos[1] == "固有名詞":
        return False
    p0 = t.pos[0]
    if p0 in _MODIFIER_POS:
        return True
    if p0 == "接頭辞":
        return t.surface in _MODIFIER_PREFIXES
    return p0 == "名詞" and t.pos[1] == "普通名詞" and len(t.surface) >= 2 \
        and not any(c in _DIRECTIONS for c in t.surface)


def _trim(toks: list[Tok], span: tuple) -> tuple:
    """Names neither start nor end with punctuation or spaces (ワーナー・ -> ワーナー), and a
    place does not start with a modifier (大国ロシア, 特にラテンアメリカ, 対キューバ -> the place)."""
    i, j, typ = span
    if typ in _NUMERIC_IREX:
        return span
    surface = "".join(t.surface for t in toks[i:j + 1])
    while i <= j and toks[j].pos[0] in _EDGE_POS and not (
            toks[j].surface == "." or (toks[j].surface in ")）" and ("(" in surface or "（" in surface))):
        j -= 1
    while i <= j and toks[i].pos[0] in _EDGE_POS and toks[i].surface not in "(（":
        i += 1
    if typ == "LOCATION" and _is_place(toks[j]):
        k = i
        while k < j and _is_modifier(toks[k]):
            k += 1
        if k > i and _is_place(toks[k]):
            i = k
    return (i, j, typ)


def _name_like_or_kata(t: Tok) -> bool:
    """A name part: a person-name word, or a katakana/Latin word Sudachi does not know."""
    return _name_like(t)


def _dedupe(spans: list[tuple]) -> list[tuple]:
    """Non-overlapping token spans, longest first on conflict."""
    spans = sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0]))
    used: set[int] = set()
    keep = []
    for s in spans:
        if any(k in used for k in range(s[0], s[1] + 1)):
            continue
        used.update(range(s[0], s[1] + 1))
        keep.append(s)
    keep.sort()
    return keep


def _merge_numeric(ents: list[tuple[int, int, str]], nums: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Combine model spans with rule spans (numeric expressions).

    Name spans win over rule spans they overlap. A rule span replaces the model's
    numeric spans it overlaps, unless a model span strictly contains it (寛平6年,
    光緒21年: era names the rules do not list)."""
    if not nums:
        ents.sort()
        return ents
    numeric = ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY")
    names = [e for e in ents if e[2] not in numeric]
    model_nums = [e for e in ents if e[2] in numeric]
    out = list(names)
    for r in nums:
        if any(r[0] < e[1] and e[0] < r[1] for e in names):
            continue
        if any(m[0] <= r[0] and r[1] <= m[1] and (m[1] - m[0]) > (r[1] - r[0]) for m in model_nums):
            continue
        out.append(r)
    for m in model_nums:
        if any(m[0] < e[1] and e[0] < m[1] for e in out):
            continue
        out.append(m)
    out.sort()
    return out
