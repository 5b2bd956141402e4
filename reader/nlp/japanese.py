"""Japanese entity extraction: CRF over Sudachi tokens plus rules.

Output offsets are into the line passed to :meth:`JapaneseExtractor.extract_line`;
labels are OntoNotes ones.
"""
from __future__ import annotations

import re

from reader.nlp import rules
from reader.nlp.english import NOT_ENTITY_ACRONYMS
from reader.nlp.features import (
    FAC_SUFFIX_JA, ORG_SUFFIX_JA, PLACE_SUFFIX_JA, TITLES_JA, FeatureExtractor, JaTokenizer, Tok,
    _names_lookup, char_signature, name_classes, split_long,
)

_NAME_JOINERS = frozenset("・=＝･")
# Tagger labels of names, and how likely the tagger must find "no name" on a katakana proper
# noun to leave it out (see JapaneseExtractor._unknown_names).
_NAME_TAGS = tuple("I-" + t for t in ("PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "NORP", "EVENT"))
UNKNOWN_NAME_THRESHOLD = 0.5
_NUMERIC = frozenset(("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"))
_PLACES = frozenset(("GPE", "LOC", "FAC"))
_TITLE = "TITLE_AFFIX"
# types whose spans may be re-read as a person's name (a "place" followed by 大統領)
_NAME_TYPES = frozenset(("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT"))


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
        """Raw CRF output: tokens and (first, last, label) token spans."""
        toks, ctoks = self.tok.tokenize(piece)
        if not toks:
            return toks, []
        labels = self.tagger.tag(self.fx.sequence(toks, ctoks))
        self._unknown_names(toks, labels)
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

    def _unknown_names(self, toks: list[Tok], labels: list[str]) -> None:
        """A katakana word Sudachi knows as a proper noun, that the tagger left out although it
        finds a name more likely than not there, is that name (サノフィは…, インタファクスの…).

        The best path through a sentence can pass such a word by when no single name type
        wins alone (a company's name opening a sentence); its marginal says it is a name.
        On the WAC and GSD gold this changes almost nothing (±1 span); on news it finds
        companies and towns at the start of sentences."""
        tagger = self.tagger
        for k, t in enumerate(toks):
            if t.pos[2] != "一般" or t.pos[1] != "固有名詞" or labels[k] != "O" or t.cpos != "S" \
                    or len(t.surface) < 3 or char_signature(t.surface) != "T":
                continue
            if tagger.marginal("O", k) < UNKNOWN_NAME_THRESHOLD:
                labels[k] = max(_NAME_TAGS, key=lambda label: tagger.marginal(label, k))

    def _piece(self, piece: str) -> list[tuple[int, int, str]]:
        toks, spans = self.crf_spans(piece)
        if not toks:
            return []
        spans = self._fix_persons(toks, [_trim(toks, s) for s in spans])
        spans = [p for s in spans for p in _split_coordination(toks, s)]
        spans = [s for s in spans if s[0] <= s[1] and self._keep(toks, s)]
        spans = _organisations(toks, _person_places(toks, spans))
        spans = _places_in_context(toks, spans)
        spans = _place_lists(toks, _listed_places(toks, spans))
        n = len(toks)

        # token spans -> char spans
        ents: list[tuple[int, int, str]] = []
        for i, j, typ in spans:
            start, end = toks[i].start, toks[j].end
            if typ in _PLACES and j + 1 < n and toks[j + 1].surface in rules.NORP_SUFFIX_JA \
                    and toks[j + 1].pos[0] == "接尾辞" and not (j + 2 < n and toks[j + 2].pos[0] == "接尾辞"):
                # ロシア人 / 日本系: nationality or group, not a place
                ents.append((start, toks[j + 1].end, "NORP"))
                continue
            ents.append((start, end, typ))

        # nationality words the CRF left alone: place name + 人 suffix
        covered: set[int] = set()
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
            if typ == _TITLE or typ in _NUMERIC:
                out.append((i, j, typ))
                continue
            # titles are not part of a name (プーチン大統領, シルスキー総司令官, 国連事務総長),
            # nor is the start of a title that runs on past the span (バンス上院|議員)
            while j >= i and _title_ending_at(toks, j, i):
                j -= _title_ending_at(toks, j, i)
            title_start = _title_across_end(toks, i, j)
            if title_start is not None:
                j = title_start - 1
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
            if typ == "PERSON" or typ not in _NAME_TYPES:
                continue
            parts = toks[i:j + 1]
            if not all(_name_like(t) or _is_joiner(parts, k) for k, t in enumerate(parts)) \
                    or not any(_name_like(t) for t in parts):
                continue
            titled = j + 1 < n and _is_title_at(toks, j + 1)
            full_name = typ == "ORG" and any(t.surface in _NAME_JOINERS for t in parts) \
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
            if not _is_title_at(toks, k) or (k - 1) in taken or out_label(out, taken, k) not in (None, _TITLE):
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
        if typ in _NUMERIC:
            # 日本円 names a currency, not an amount; 2.キューバ is a numbered place, not a time
            if typ == "MONEY" and not any(t.pos[1] == "数詞" for t in toks[i:j + 1]):
                return False
            if typ in ("DATE", "TIME") and (toks[j].surface in _DURATION_ENDS or (
                    j + 1 < len(toks) and toks[j + 1].surface in _DURATION_ENDS)):
                return False        # 30日間, 24時間以内: a duration is no date or time (as in the rules)
            return typ == "DATE" or not any(t.pos[2] in ("地名", "人名") for t in toks[i:j + 1])
        last = toks[j]
        if typ == _TITLE:
            return last.pos[0] in ("名詞", "接尾辞")
        if i == j and last.surface in _TIME_PREFIXES and last.pos[1] != "固有名詞":
            return False        # 元 of 元広島県議会議員 ("former")
        if all(char_signature(t.surface) in ("H", "W") for t in toks[i:j + 1]):
            return False        # names are not written in hiragana alone (a reading: ばんどう)
        words = [t.surface for t in toks[i:j + 1] if t.surface.strip()]
        if words[0] in NOT_ENTITY_ACRONYMS:
            return False        # UTC+7, GDP: abbreviations that name no one
        if typ in ("GPE", "LOC") and len(words) > 1 and all(w.isascii() and w.isalpha() for w in words) \
                and not any(_is_place(t) for t in toks[i:j + 1]):
            return False        # a Latin phrase no gazetteer knows as a place (Axie Infinity)
        if i == j:
            p = last.pos
            if last.surface in TITLES_JA or (not last.oov and p[0] not in ("名詞", "接頭辞")):
                return False
        elif "".join(t.surface for t in toks[i:j + 1]) in TITLES_JA:
            return False
        if not any(t.oov or t.pos[0] in ("名詞", "接尾辞") for t in toks[i:j + 1]):
            return False        # symbols or function words only (ねえだろうし)
        if typ in _COMMON_WORD_TYPES and len(words) == 1 and words[0] in _CURRENCY_WORDS:
            return False        # ルーブル, ドル: a currency (ルーブル美術館 is a name)
        if typ in _COMMON_WORD_TYPES and len(words) > 1 and all(_is_common_word(t) for t in toks[i:j + 1]):
            return False        # common words only: グローバル|サプライ|チェーン, デジタル|通貨
        # a verbal noun is not a name (制裁, 交渉), nor ends a work or product name (…逮捕);
        # 連合, 会議 head organisations, and 厚生労働(大臣) is a ministry
        p = last.pos
        if p[1] == "普通名詞" and p[2] == "サ変可能" and not last.oov and (i == j or typ in ("PRODUCT", "WORK_OF_ART")) \
                and last.surface not in ORG_SUFFIX_JA and last.surface not in FAC_SUFFIX_JA:
            return False
        return True


_CURRENCY_WORDS = frozenset(rules.CURRENCIES_JA)
# Name types a phrase of common words cannot be (works, products, events and groups can:
# 赤い鳥の居る風景, 日露|戦争, イスラム|教).
_COMMON_WORD_TYPES = frozenset(("PERSON", "ORG", "GPE", "LOC", "FAC"))


def _is_common_word(t: Tok) -> bool:
    """A word the dictionary knows, that is no proper noun, no Latin word (capitalised English in
    Japanese text names something: Computer Systems Research Group) and no head of a name (国会,
    大学, 空港, 州 make names of common words), or a mark between such words."""
    s = t.surface
    if not s.strip() or s in _NAME_JOINERS:
        return True
    return not s.isascii() and not t.oov and t.pos[1] != "固有名詞" and t.pos[0] in ("名詞", "接頭辞", "接尾辞", "形状詞") \
        and s not in ORG_SUFFIX_JA and s not in FAC_SUFFIX_JA and s not in PLACE_SUFFIX_JA \
        and s not in _ROUTE_HEADS and s not in _ORG_HEADS and s not in _COMPANY_HEADS


# Head words that make a name an organisation even after a place name: ロシア国防省, 中国共産党.
_ORG_HEADS = frozenset("省 庁 軍 党 大学 銀行 会社 委員会 議会 政府 機構 連合 同盟 協会 研究所 裁判所 局 陸軍 海軍 空軍".split())


def out_label(spans: list[tuple], taken: dict, k: int) -> str | None:
    """Label of the span covering token k, if any."""
    idx = taken.get(k)
    return None if idx is None else spans[idx][2]


# A place directly followed by one of these, ending the compound, names a company: ロシア鉄道, 日本航空.
_COMPANY_HEADS = frozenset("鉄道 航空 電力 石油 ガス 銀行 通信 放送 新聞 電信電話 海運 製鉄 印刷".split())


def _institute_chains(toks: list[Tok], spans: list[tuple]) -> list[tuple]:
    """An organisation, then places joined by ・, then an organisation head is one organisation:
    中国社会科学院|ロシア・東欧・中央アジア|研究所 (one institute, not four entities)."""
    n = len(toks)
    out = list(spans)
    k = 0
    while k < len(out):
        i, j, typ = out[k]
        if typ != "ORG":
            k += 1
            continue
        m = k + 1
        pos = j + 1
        places = 0
        while m < len(out) and out[m][0] == pos and out[m][2] in _PLACES | {"ORG"}:
            places += out[m][2] in ("GPE", "LOC") or _is_place(toks[out[m][0]])
            pos = out[m][1] + 1
            m += 1
            if pos < n and toks[pos].surface in _NAME_JOINERS and m < len(out) and out[m][0] == pos + 1:
                pos += 1
        last = out[m - 1]
        head = None
        if places and m - 1 > k and (last[2] == "ORG" or _ends_in_head(toks, last[0], last[1])):
            head = last[1]
        elif places and pos < n and _org_head_at(toks, pos) and not any(s[0] <= pos <= s[1] for s in out):
            head = pos + _org_head_at(toks, pos) - 1
        if head is not None:
            out[k:m] = [(i, head, "ORG")]
        k += 1
    return out


def _ends_in_head(toks: list[Tok], i: int, j: int) -> bool:
    """Span (i, j) ends in an organisation or facility head word: …研究|所, …大学, …空港."""
    if j > i and toks[j].surface in FAC_SUFFIX_JA:
        return True
    return any(_org_head_at(toks, j - h + 1) == h for h in (1, 2) if j - h + 1 > i)


def _org_head_at(toks: list[Tok], k: int) -> int:
    """Number of tokens (1 or 2) of an organisation head word at k (研究|所 -> 2)."""
    if k + 1 < len(toks) and toks[k].surface + toks[k + 1].surface in ORG_SUFFIX_JA:
        return 2
    return 1 if toks[k].surface in ORG_SUFFIX_JA and len(toks[k].surface) > 1 else 0


def _organisations(toks: list[Tok], spans: list[tuple]) -> list[tuple]:
    """A place followed by an organisation is one organisation (ロシア|国防省 -> ロシア国防省),
    and a "place" ending in an organisation head is one too (ドイツ軍; 国防省 but not 四川省,
    which is a province). A place directly followed by a company head that ends the word is a
    company (ロシア鉄道, but not ロシア鉄道網)."""
    spans = _institute_chains(toks, spans)
    n = len(toks)
    covered = {k for s in spans for k in range(s[0], s[1] + 1)}
    out: list[list] = []
    for i, j, typ in spans:
        if typ in _PLACES and j + 1 < n and toks[j + 1].surface in _PLACE_ORG_HEADS \
                and j + 1 not in covered \
                and not (j + 2 < n and toks[j + 2].pos[0] in ("名詞", "接尾辞")):
            out.append([i, j + 1, "ORG"])
            continue
        if typ == "ORG" and out and out[-1][2] in _PLACES and out[-1][1] == i - 1:
            out[-1] = [out[-1][0], j, "ORG"]
            continue
        if typ in _PLACES and j > i and toks[j].surface in _ORG_HEADS:
            # 国防省, 外務省 are ministries; 四川省, 河北省 are provinces
            if toks[j].surface != "省" or toks[j - 1].pos[1] == "普通名詞":
                typ = "ORG"
        elif typ == "ORG" and j + 1 < n and _is_title_at(toks, j + 1) and _foreign_full_name(toks, i, j):
            typ = "PERSON"                  # サン・シウウェン准教授: a person's title follows
        elif typ == "ORG" and j > i and _ends_with(toks, i, j, _FACILITY_HEADS):
            typ = "FAC"                     # 蔵前国技館, 横浜横須賀道路: a building or a road
        elif typ == "ORG" and j > i and toks[j].surface == "省" \
                and all(t.pos[1] == "固有名詞" and t.pos[2] in ("地名", "一般") for t in toks[i:j]):
            typ = "GPE"                     # 河北|省: a province named after its place, not a ministry
        out.append([i, j, typ])
    return [tuple(x) for x in out]


_EDGE_POS = ("補助記号", "空白", "記号")
_MODIFIER_POS = ("副詞", "連体詞", "形容詞", "形状詞")
_MODIFIER_PREFIXES = frozenset("対 親 反 全 各 両 約 計 非".split())
_DIRECTIONS = frozenset("東西南北中")
_TIME_PREFIXES = frozenset("元 前 現 旧 故".split())
_DURATION_ENDS = frozenset("間 時間 日間 年間 週間 月間 分間 秒間 以内 余り ぶり".split())


def _is_modifier(t: Tok) -> bool:
    """A word that can stand before a place name without being part of it:
    特に, 大国, 要塞 (but not 南 in 南アフリカ)."""
    if t.oov or t.pos[1] == "固有名詞":
        return False
    p0 = t.pos[0]
    if p0 in _MODIFIER_POS:
        return True
    if p0 == "接頭辞" or t.surface in _MODIFIER_PREFIXES:
        return t.surface in _MODIFIER_PREFIXES
    return p0 == "名詞" and t.pos[1] == "普通名詞" and len(t.surface) >= 2 \
        and not any(c in _DIRECTIONS for c in t.surface)


# Railway lines and roads are named after places: 山陰|本線, 東海道|新幹線, 甲州|街道.
_ROUTE_HEADS = frozenset("線 本線 新幹線 支線 街道 道路 自動車道 高速道路 バイパス 運河 回廊".split())


def _before_trailing_noun(toks: list[Tok], i: int, j: int, typ: str) -> int:
    """A person or place does not end in a common noun after its name: ロシア|経済 ->
    ロシア, 池田こみち| |経歴 -> 池田こみち (but ワロン|地方, 国防|省: heads that make the name)."""
    t = toks[j]
    if j == i or t.pos[1] != "普通名詞" or t.oov or t.surface in PLACE_SUFFIX_JA or t.surface in FAC_SUFFIX_JA \
            or t.surface in ORG_SUFFIX_JA or t.surface in TITLES_JA or t.surface in _ROUTE_HEADS \
            or t.cpos in ("I", "E"):
        return j
    if not _has_kanji(t.surface):
        return j                # a kana reading (オンタリオしゅう) is read whole
    lookup = _names_lookup()
    if name_classes("".join(x.surface for x in toks[i:j + 1]), lookup) or \
            (typ == "PERSON" and "P" in name_classes(t.surface, lookup)):
        return j                # a name as a whole (中華民国, 山陰本線) or a given name (西郷 隆盛)
    k = j - 1
    while k > i and toks[k].surface.isspace():
        k -= 1
    name = toks[k]
    if typ == "PERSON" and (k < j - 1 or _name_like(name)):
        return k                # after a space, a common noun is no given name (池田こみち 経歴)
    if typ != "PERSON" and _is_place(name):
        return k
    return j


def _before_gap(toks: list[Tok], i: int, j: int) -> int:
    """A name ends before a gap of several spaces (where text was cut out) or a space and a
    particle: カルバン|　　という組織名 (but 西郷　隆盛, one space between two names)."""
    for k in range(i + 1, j + 1):
        t = toks[k]
        if t.surface.isspace() and (len(t.surface) > 1 or (k < j and toks[k + 1].pos[0] in _FUNCTION_POS)):
            return k - 1
    return j


def _after_list_marker(toks: list[Tok], i: int, j: int) -> int:
    """Start of a name after a bullet or a list number in front of it: ➢|習近平, 1.|イラン."""
    while i < j and _is_stray_mark(toks[i]):
        i += 1
    if i + 1 < j and toks[i].pos[1] == "数詞" and toks[i + 1].surface in (".", "．", ")", "）") \
            and (i == 0 or toks[i - 1].pos[0] in _EDGE_POS):
        i += 2
    return i


_OPENERS = "(（[［「『【〈《"
_CLOSERS = ")）]］」』】〉》"
_BRACKET_RE = re.compile("[" + re.escape(_OPENERS + _CLOSERS) + "]")


def _inside_brackets(toks: list[Tok], i: int, j: int) -> tuple[int, int]:
    """A span does not reach across a bracket it does not open and close itself:
    UTC+4)|7月17日 -> 7月17日, 「滋賀新聞」|休刊へ -> 滋賀新聞, ロシア(|… -> ロシア."""
    opened: list[int] = []
    quoted = i > 0 and toks[i - 1].surface in "「『"   # a title in quotes, not (県名) after a name
    for k in range(i, j + 1):
        s = toks[k].surface
        if s in _OPENERS:
            opened.append(k)
        elif s in _CLOSERS:
            if opened:
                opened.pop()
            elif quoted:
                return i, k - 1    # 「みんなの滋賀新聞|」休刊へ: the quoted name ends here
            else:
                i = k + 1          # closes a bracket opened before the span
    if opened and opened[0] > i:
        j = min(j, opened[0] - 1)  # opens a bracket the span does not close: ロシア(|…
    elif opened and len(opened) == 1:
        i = max(i, opened[0] + 1)  # starts with one: 『|マレーシア機
    return i, j


# Titles of works may start or end with any word (仰げば尊し, 黄色い本); other entities do not.
_FREE_FORM = frozenset(("WORK_OF_ART", "PRODUCT", "LAW"))
_FUNCTION_POS = frozenset(("助詞", "助動詞", "副詞", "接続詞", "連体詞", "感動詞", "形容詞", "動詞"))


def _is_kana_function_word(t: Tok) -> bool:
    return t.pos[0] in _FUNCTION_POS and all("\u3041" <= ch <= "\u309f" for ch in t.surface)


def _strip_function_words(toks: list[Tok], i: int, j: int, typ: str) -> tuple[int, int]:
    """A name or amount neither starts nor ends with a particle, adverb or verb written in
    kana (もう|自衛隊, ない|欧州連合, 27|しか, エントラン|へ). A span without kanji or digits
    that keeps hiragana after that is left alone: it is a name written in kana (a reading such
    as こくさいサッカーれんめい), not a stray word."""
    if typ in _FREE_FORM:
        return i, j
    if not any("\u4e00" <= ch <= "\u9fff" or ch.isdigit() for t in toks[i:j + 1] for ch in t.surface):
        # kana only: a katakana name may end in a particle (エントラン|へ); anything else
        # is a name written in kana
        if j > i and toks[j].pos[0] == "助詞" and _is_kana_function_word(toks[j]) \
                and char_signature(toks[j - 1].surface) in ("T", "U", "UL"):
            return i, j - 1
        return i, j
    while i < j and (_is_kana_function_word(toks[i]) or _is_stray_mark(toks[i])):
        i += 1
    while j > i and _is_kana_function_word(toks[j]):
        j -= 1
    return i, j


def _is_stray_mark(t: Tok) -> bool:
    """A mark a name does not start with, brackets aside: punctuation (の|?|やっぱり戦争) or a
    token without a letter or digit (➢, ■, ※: Sudachi reads some such marks as nouns)."""
    return t.surface not in _OPENERS and (t.pos[0] in _EDGE_POS or not any(ch.isalnum() for ch in t.surface))


def _trim(toks: list[Tok], span: tuple) -> tuple:
    """Names neither start nor end with punctuation or spaces (ワーナー・ -> ワーナー), and a
    place does not start with a modifier (大国ロシア, 特にラテンアメリカ, 対キューバ -> the place)."""
    i, j, typ = span
    if i < j:       # one token has no brackets, gaps, list marks or particles around it to lose
        surface = "".join(t.surface for t in toks[i:j + 1])
        if _BRACKET_RE.search(surface):
            i, j = _inside_brackets(toks, i, j)
        if i <= j and (" " in surface or "\u3000" in surface):
            j = _before_gap(toks, i, j)
        if i <= j and (not toks[i].surface[:1].isalpha() or toks[i].pos[1] == "数詞"):
            i = _after_list_marker(toks, i, j)
        if i <= j and (toks[i].pos[0] in _FUNCTION_POS or toks[j].pos[0] in _FUNCTION_POS):
            i, j = _strip_function_words(toks, i, j, typ)
    if typ in _NUMERIC or i > j:
        return (i, j, typ)      # nothing left is dropped by the caller
    surface = "".join(t.surface for t in toks[i:j + 1])
    while i <= j and toks[j].pos[0] in _EDGE_POS and not (
            toks[j].surface == "." or (toks[j].surface in ")）" and ("(" in surface or "（" in surface))):
        j -= 1
    while i <= j and toks[i].pos[0] in _EDGE_POS and toks[i].surface not in "(（":
        i += 1
    # a label before a colon is not part of the name: 例:Axie Infinity, 出典：ロイター
    if i + 1 < j and toks[i + 1].surface in (":", "：") and toks[i].pos[1] == "普通名詞":
        i += 2
    # 元/前/現/旧 (former, current) qualify the name, they are not part of it: 元広島県議会
    if i < j and toks[i].surface in _TIME_PREFIXES and toks[i].cpos == "S" and toks[i].pos[1] != "固有名詞":
        i += 1
    if typ == "ORG":
        i = _after_descriptor(toks, i, j)
    if typ in _PLACES or typ == "PERSON":
        j = _before_trailing_noun(toks, i, j, typ)
    if typ in _PLACES and _is_place(toks[j]):
        k = i
        while k < j and _is_modifier(toks[k]):
            k += 1
        if k > i and _is_place(toks[k]):
            i = k
    return (i, j, typ)


# Category words news writers put before a company's name: 民間軍事会社ワグネル,
# 国営石油会社ロスネフチ, 通信カラオケ大手JOYSOUND.
_DESCRIPTOR_HEADS = frozenset("会社 企業 大手 団体 組織 メーカー 銀行 グループ".split())
_LEGAL_FORMS = frozenset(("株式", "有限", "合同", "合資"))


def _after_descriptor(toks: list[Tok], i: int, j: int) -> int:
    """Start of an organisation's own name after a descriptive phrase ending in a category
    word and followed by a name in katakana or Latin letters (not 株式会社…: that is part of
    the legal name)."""
    for k in range(j - 1, i, -1):
        head, name = toks[k], toks[k + 1]
        if head.surface in _DESCRIPTOR_HEADS and head.pos[1] == "普通名詞" \
                and char_signature(name.surface)[:1] in ("T", "U") and toks[k - 1].surface not in _LEGAL_FORMS:
            return k + 1
    return i


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
    names = [e for e in ents if e[2] not in _NUMERIC]
    model_nums = [e for e in ents if e[2] in _NUMERIC]
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


def _title_across_end(toks: list[Tok], i: int, j: int) -> int | None:
    """Index of the first token of a title that starts inside span (i, j) and ends after it."""
    for k in range(j, i, -1):
        n = _is_title_at(toks, k)
        if n and k + n - 1 > j:
            return k
    return None


def _is_joiner(parts: list[Tok], k: int) -> bool:
    """・ or = between name parts, or the full stop of an initial (J.D.バンス)."""
    s = parts[k].surface
    if s in _NAME_JOINERS:
        return True
    return s == "." and k > 0 and len(parts[k - 1].surface) == 1 and parts[k - 1].surface.isupper()


def _places_in_context(toks: list[Tok], spans: list[tuple]) -> list[tuple]:
    """Place names that name something else here.

    - the first part of a currency word is no place: 日本|円, 米|ドル (one Sudachi word);
    - a place (not a country) directly before 原油, 先物... names a commodity grade: ブレント原油;
    - places joined by ・ that Sudachi does not know as one word are separate places:
      ロシア・ウクライナ, インド・グローバルサウス (ボスニア・ヘルツェゴビナ is one word)."""
    n = len(toks)
    out = []
    for i, j, typ in spans:
        k = _grade_before(toks, i, j)
        if k is not None and (typ in _PLACES | {"ORG"} or _is_place(toks[k])):
            if toks[k + 1].surface == "産":     # サハリン産天然ガス: where it comes from, a place
                out.append((i, k, typ if typ in _PLACES else "GPE"))
            else:                               # ブレント原油: the grade, not a company
                out.append((i, k, "PRODUCT"))
            continue
        if typ in ("ORG", "NORP"):
            out.extend(_split_at_joiners(toks, i, j, typ))
            continue
        if typ not in _PLACES:
            out.append((i, j, typ))
            continue
        t = toks[j]
        if t.cpos in ("B", "I") and j + 1 < n and toks[j + 1].cidx == t.cidx \
                and toks[j + 1].surface in rules.CURRENCIES_JA:
            continue
        if i == j and j + 1 < n and _names_a_grade(toks, j, j + 1) and _is_place(t):
            out.append((i, j, "PRODUCT"))
            continue
        out.extend(_split_at_joiners(toks, i, j, typ))
    return out


_COMMODITY_LAST_CHARS = frozenset(word[-1] for word in rules.COMMODITY_HEADS_JA)


def _grade_before(toks: list[Tok], i: int, j: int) -> int | None:
    """Last token of the name before a commodity word that ends a span (ブレント|原油,
    サハリン|産|天然|ガス), or None."""
    if toks[j].surface[-1:] not in _COMMODITY_LAST_CHARS:
        return None
    for h in (2, 1):                     # the commodity word, longest first: 天然|ガス, 原油
        first = j - h + 1
        if first > i and "".join(t.surface for t in toks[first:j + 1]) in rules.COMMODITY_HEADS_JA:
            if first - 2 >= i and toks[first - 1].surface == "産":
                return first - 2                # ロシア|産|原油: the origin, a country or not
            k = first - 1
            return k if k >= i and toks[k].pos[3] != "国" else None   # ロシア原油 is Russia's oil
    return None


def _names_a_grade(toks: list[Tok], k: int, head: int) -> bool:
    """Token k, a place that is not a country, names a commodity grade: ブレント|原油."""
    return _grade_before(toks, k, head) == k


def _split_at_joiners(toks: list[Tok], i: int, j: int, typ: str) -> list[tuple]:
    """Places joined by ・ into one span, split (a span ending in an organisation or facility
    head stays whole: ロシア・東欧・中央アジア研究所)."""
    cuts = [k for k in range(i + 1, j) if toks[k].surface in _NAME_JOINERS]
    if not cuts or toks[i].cidx == toks[j].cidx or not _is_place(toks[i]) or _ends_in_head(toks, i, j):
        return [(i, j, typ)]
    if name_classes("".join(t.surface for t in toks[i:j + 1]), _names_lookup()):
        return [(i, j, typ)]        # a known name: ニューヨーク・タイムズ, アメリカ・オンライン
    if not (toks[i].pos[3] == "国" or _is_place(toks[cuts[0] + 1])):
        return [(i, j, typ)]        # led by a city or region name: ニューヨーク・…, 北海道・…
    if typ not in _PLACES:
        typ = "LOC"         # 中国・インド・グローバルサウス read as one organisation: a list of places
    parts = []
    start = i
    for k in cuts + [j + 1]:
        if k > start:
            surface = "".join(t.surface for t in toks[start:k])
            if surface in rules.REGIONS_JA:
                label = "LOC"
            elif k == start + 1 and toks[start].pos[3] == "国":
                label = "GPE"
            else:
                label = typ
            parts.append((start, k - 1, label))
        start = k + 1
    return parts


_LIST_SEPARATORS = frozenset("、・,，や")
# common nouns after which a name is a place: 重要な町スジュー, 州都ドネツク
_PLACE_NOUNS = frozenset("町 都市 市 村 州 州都 首都 集落 地域 地区 要衝 拠点 港町".split())


def _could_be_name(t: Tok) -> bool:
    """A katakana word Sudachi does not know, or knows as a place."""
    return (t.oov or _is_place(t)) and len(t.surface) > 1 and char_signature(t.surface) == "T"


def _place_lists(toks: list[Tok], spans: list[tuple]) -> list[tuple]:
    """A list of single katakana words (A、B、C) that is mostly places is all places:
    ドネツク、ルハンシク、ザポロージエ、ヘルソン (the tagger read two of them as a person
    and an organisation). Words Sudachi knows as a person's name keep their label."""
    n = len(toks)
    # a list starts at a katakana word followed by 、: look only there
    starts = [k for k in range(n - 2) if toks[k + 1].surface in _COMMAS and char_signature(toks[k].surface) == "T"]
    if not starts:
        return spans
    by_start = {s[0]: idx for idx, s in enumerate(spans)}
    out = list(spans)
    done = -1
    for k in starts:
        if k <= done:
            continue
        items = []
        m = k
        while m < n and char_signature(toks[m].surface) == "T" and len(toks[m].surface) > 1:
            idx = by_start.get(m)
            if idx is not None and spans[idx][1] != m:
                break
            items.append(m)
            if m + 2 < n and toks[m + 1].surface in _COMMAS:
                m += 2
            else:
                break
        done = m
        if len(items) >= 3:
            labels = [spans[by_start[x]][2] if x in by_start else None for x in items]
            places = [lab for lab in labels if lab in ("GPE", "LOC")]
            # the tagger's places, and the words the name dictionary knows as places
            votes = sum(lab in ("GPE", "LOC") or "L" in name_classes(toks[x].surface, _names_lookup())
                        for x, lab in zip(items, labels))
            if places and votes * 2 > len(items):
                lab = max(set(places), key=places.count)
                for x, old in zip(items, labels):
                    if old != lab and (toks[x].oov or _is_place(toks[x])):
                        if x in by_start:
                            out[by_start[x]] = (x, x, lab)
                        else:
                            out.append((x, x, lab))
    return sorted(out)


_COMMAS = frozenset(("、", "，", ","))


def _listed_places(toks: list[Tok], spans: list[tuple]) -> list[tuple]:
    """Unknown katakana words that a list or an appositive shows to be places.

    - in a list, a word between two places (or next to a place the name dictionary
      also knows it as a place) is a place: ドネツク、ルハンシク、ザポロージエ、ヘルソンの4州;
    - after 町/都市/州都...: 重要な町スジュー; before という町: スズジャという町."""
    n = len(toks)
    candidates = [k for k, t in enumerate(toks) if (t.oov or t.pos[2] == "地名") and _could_be_name(t)]
    if not candidates:
        return spans
    label_at: dict[int, str] = {}
    for i, j, typ in spans:
        for k in range(i, j + 1):
            label_at[k] = typ
    added = []

    def place_at(k: int) -> str | None:
        lab = label_at.get(k)
        return lab if lab in ("GPE", "LOC") else None

    for _ in range(2):          # twice: a place found in a list can vouch for its neighbour
        for k in candidates:
            t = toks[k]
            if k in label_at:
                continue
            left = place_at(k - 2) if k >= 2 and toks[k - 1].surface in _LIST_SEPARATORS else None
            right = place_at(k + 2) if k + 2 < n and toks[k + 1].surface in _LIST_SEPARATORS else None
            known = "L" in name_classes(t.surface, _names_lookup())
            lab = None
            if left and right:
                lab = left
            elif (left or right) and known:
                lab = left or right
            elif k >= 1 and toks[k - 1].surface in _PLACE_NOUNS and toks[k - 1].pos[1] == "普通名詞":
                lab = "GPE"
            elif k + 3 < n and toks[k + 1].surface == "と" and toks[k + 2].surface == "いう" \
                    and any(x.surface in _PLACE_NOUNS for x in toks[k + 3:k + 6]):
                lab = "GPE"
            if lab:
                label_at[k] = lab
                added.append((k, k, lab))
    if not added:
        return spans
    return sorted(spans + added)


_COORDINATORS = frozenset(("と", "や", "及び", "および", "並びに", "ならびに"))


def _has_kanji(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _split_coordination(toks: list[Tok], span: tuple) -> list[tuple]:
    """Two names joined by と/や/及び are two names: 凸版印刷と大日本印刷 -> 凸版印刷, 大日本印刷."""
    i, j, typ = span
    if typ not in _NAME_TYPES or j - i < 2:
        return [span]
    cuts = [k for k in range(i + 1, j) if toks[k].surface in _COORDINATORS and toks[k].pos[0] in ("助詞", "接続詞")]
    if typ == "PERSON":
        # ・ joins the parts of a foreign name (ドナルド・トランプ) but lists Japanese ones:
        # 荻葉香澄・神無月鏡司 are two people
        cuts += [k for k in range(i + 1, j) if toks[k].surface in _NAME_JOINERS
                 and _has_kanji(toks[k - 1].surface) and _has_kanji(toks[k + 1].surface)]
        cuts.sort()
    if not cuts:
        return [span]
    parts = []
    start = i
    for k in cuts + [j + 1]:
        if k > start:
            parts.append((start, k - 1, typ))
        start = k + 1
    if typ == "PERSON":
        # a list of words, not of people (幕内・十両・幕下): only parts that hold a name stay
        parts = [p for p in parts if any(_name_like(t) for t in toks[p[0]:p[1] + 1])]
    return parts


# Last words of a facility's name, never of an organisation's (a library or a museum can be
# either, so they are not here).
_FACILITY_HEADS = FAC_SUFFIX_JA | frozenset("バイパス 埠頭 校舎 国技館 造船所 ターミナル 高速道路 自動車道".split())


def _foreign_full_name(toks: list[Tok], i: int, j: int) -> bool:
    """Katakana parts joined by ・ with no organisation word in them: サン・シウウェン."""
    parts = [t for t in toks[i:j + 1] if t.surface not in _NAME_JOINERS]
    return j - i >= 2 and len(parts) >= 2 and any(t.surface in _NAME_JOINERS for t in toks[i:j + 1]) \
        and all(char_signature(t.surface) == "T" and t.surface not in ORG_SUFFIX_JA for t in parts)


def _ends_with(toks: list[Tok], i: int, j: int, heads: frozenset) -> bool:
    """The span ends in one of ``heads`` (of one or two tokens: 国技|館, 造船|所)."""
    return toks[j].surface in heads or (j > i and toks[j - 1].surface + toks[j].surface in heads)


# Words after a place that make it its government or forces: オハイオ州|政府, ロシア|軍.
_GOVERNMENT_HEADS = frozenset("政府 州政府 議会 州議会 軍 陸軍 海軍 空軍 警察".split())

_PLACE_ORG_HEADS = _COMPANY_HEADS | _GOVERNMENT_HEADS

# Words after a family name that make it a house, a band or a firm (not the person).
_HOUSE_HEADS = frozenset("家 一家 組 一座 工務店 歯科 医院 商店 書店 製紙 製作所 興業 事務所".split())

# Place heads that a person's name never ends with: ワロン|地方, スズダリ|公国, ハバロフスク|州
_PLACE_HEADS = (PLACE_SUFFIX_JA - frozenset("都 道 府 国 原 林 森 谷 浜 沼 洋 岳".split())) | frozenset(("公国", "大公国"))


def _person_places(toks: list[Tok], spans: list[tuple]) -> list[tuple]:
    """A "person" ending in, or directly followed by, a place head is a place: ワロン地方; one
    followed by 家, 組 or a trade is a house, band or firm: ハプスブルク家, 海江田組, 北岡工務店."""
    n = len(toks)
    starts = {s[0] for s in spans}
    out = []
    for i, j, typ in spans:
        if typ == "PERSON" and j + 1 < n and toks[j + 1].surface in _HOUSE_HEADS and j + 1 not in starts:
            out.append((i, j + 1, "ORG"))
            continue
        if typ == "PERSON":
            if j + 1 < n and toks[j + 1].surface in _PLACE_HEADS and j + 1 not in starts \
                    and toks[j + 1].pos[0] in ("名詞", "接尾辞") and not (j + 2 < n and toks[j + 2].pos[0] == "接尾辞") \
                    and _is_title_at(toks, j + 1) < 2:      # 習近平|国家主席: a title, not a place
                j += 1
            if j > i and toks[j].surface in _PLACE_HEADS:
                surface = "".join(t.surface for t in toks[i:j + 1])
                typ = rules.location_label(surface, [t.pos for t in toks[i:j + 1]])
        out.append((i, j, typ))
    return out
