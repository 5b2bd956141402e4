"""Sudachi tokenisation and CRF feature extraction for the Japanese tagger.

Shared by the run-time extractor (``reader.nlp.extract``) and the trainer
(``bench/train_ner.py``) so that training and tagging see identical features.

The CRF works over Sudachi SplitMode A tokens (the finest units, so that
``中国人`` is ``中国|人`` and ``ロシア国防省`` is ``ロシア|国防|省``); each A token
also gets features of the SplitMode C token that contains it.

Importing this module does not import sudachipy: :class:`JaTokenizer` loads it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

# Labels the CRF is trained on (OntoNotes-style, as in UD Japanese GSD NE; WAC's IREX
# types are mapped onto them by bench/train_ner.py).
LABELS: tuple[str, ...] = (
    "PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE",
    "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "TITLE_AFFIX",
)

# The corpus whose annotation the tagger reproduces at run time: GSD annotates every
# type of LABELS; WAC (IREX) leaves NORP, QUANTITY, ORDINAL... unmarked.
RUNTIME_CORPUS = "gsd"

# ---------------------------------------------------------------------------
# Small word lists used as features (and by the rules). They are generic
# Japanese / English morphology, not tuned to any one text.

TITLES_JA = frozenset("""
大統領 副大統領 首相 副首相 総理 総理大臣 大臣 外相 国防相 財務相 蔵相 外務大臣 防衛大臣 国務長官 長官 副長官
国務次官 次官 補佐官 報道官 特使 大使 公使 領事 代表 議長 副議長 委員長 議員 上院議員 下院議員 国会議員 党首 幹事長
書記長 書記 主席 国家主席 首席 首脳 国王 女王 王子 王女 皇帝 皇太子 首長 知事 市長 町長 村長 区長 総督
将軍 大将 中将 少将 元帥 司令官 総司令官 参謀総長 司令 提督 大佐 中佐 少佐 大尉 中尉
氏 さん 様 殿 君 ちゃん 夫人 女史 卿
教授 准教授 助教授 講師 博士 医師 弁護士 記者 社長 会長 副社長 頭取 理事長 総裁 副総裁 事務総長 事務局長 局長 部長 所長 署長
被告 容疑者 監督 選手 顧問 政務官 官房長官 報道官 総主教 司教 法王 教皇
""".split())

TITLES_EN = frozenset("""
President Vice Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Secretary Minister Premier Chancellor Senator Sen Sen.
Rep Rep. Representative Governor Gov Gov. Mayor General Gen Gen. Admiral Colonel Col Col. Lt Lt. Captain Capt
Sergeant Sgt King Queen Prince Princess Pope Patriarch Ambassador Envoy Spokesman Spokeswoman Spokesperson Director
Chairman Chairwoman Chair Commissioner Judge Justice Sir Dame Lord Lady Sheikh Emir Marshal Commander Chief Deputy
Foreign Defense Defence Prime Special Speaker Leader Advisor Adviser Aide CEO Professor Minister's
""".split())

ORG_SUFFIX_JA = frozenset("""
省 庁 局 院 府 部 課 署 室 所 社 党 軍 隊 団 会 組 銀 大学 大学院 学院 学園 学校 高校 研究所 研究院 研究会 研究センター センター
銀行 会社 株式会社 有限会社 商事 商会 工業 産業 製作所 電機 電力 電気 自動車 航空 鉄道 電鉄 通信 新聞 新聞社 放送 放送局 出版
協会 連合 連合会 連盟 同盟 機構 機関 委員会 評議会 理事会 会議 議会 国会 政府 内閣 法院 裁判所 検察庁 警察 警察庁 財団 基金
組合 公社 公団 事業団 銀行団 グループ ホールディングス 工房 事務所 事務局 本部 司令部 艦隊 師団 旅団 連隊 部隊 軍団
教会 宗派 教団 クラブ チーム 楽団 劇団 財閥 商店 病院 図書館 博物館 美術館 取引所
""".split())

PLACE_SUFFIX_JA = frozenset("""
州 市 県 町 村 区 郡 都 道 府 国 共和国 王国 帝国 連邦 自治区 自治州 特別区 地区 地域 地方 諸国 国家
島 諸島 列島 半島 大陸 山 山脈 山地 岳 峠 川 河 湖 沼 海 洋 湾 海峡 岬 砂漠 高原 平原 平野 盆地 谷 森 林 原 浜
""".split())

FAC_SUFFIX_JA = frozenset("""
空港 駅 港 橋 宮殿 宮 城 ビル タワー ダム 発電所 原発 原子力発電所 基地 広場 通り 街道 道路 神社 寺 大聖堂 聖堂 寺院
スタジアム 競技場 球場 劇場 ホール 公園 庭園 トンネル 運河 刑務所 収容所 港湾 要塞
""".split())

# Legal forms a company's name is also written without: Lockheed Martin Corp., Siemens AG,
# シーメンス社, 株式会社ソニー (linking compares names without them; a document marks the short name).
LEGAL_FORMS_LATIN = frozenset("""
inc incorporated corp corporation co company ltd limited llc plc ag gmbh kg se sa nv bv ab asa oyj spa pjsc jsc
""".split())
LEGAL_FORMS_JA = ("株式会社", "有限会社", "社")

# Calendar / number words that the rules treat as DATE/TIME material.
NUMERIC_UNITS_JA = frozenset("""
年 月 日 時 分 秒 世紀 年代 年度 円 ドル 米ドル ユーロ ルーブル ポンド 元 人民元 ウォン フラン マルク ペニヒ
フリヴニャ フリブナ グリブナ リラ ルピー セント 銭 % ％ パーセント 割 倍
""".split())

# ---------------------------------------------------------------------------
# Character classes


def _char_class(ch: str) -> str:
    o = ord(ch)
    if 0x3041 <= o <= 0x309F:
        return "H"          # hiragana
    if ch == "・" or ch == "･":
        return "M"          # name-joining middle dot
    if 0x30A0 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9D:
        return "T"          # katakana
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or ch in "々〆ヶヵ":
        return "K"          # kanji
    if ch.isdigit():
        return "D"
    if ("A" <= ch <= "Z") or ("Ａ" <= ch <= "Ｚ"):
        return "U"
    if ("a" <= ch <= "z") or ("ａ" <= ch <= "ｚ"):
        return "L"
    if ch.isspace():
        return "W"
    if ch.isalpha():
        return "A"          # other letters (Cyrillic, Hangul...)
    return "S"


@lru_cache(maxsize=65536)
def char_signature(s: str) -> str:
    """Collapsed character-class signature: 'ウクライナ' -> 'T', 'NATO' -> 'U', 'Moscow' -> 'UL'."""
    out = []
    last = ""
    for ch in s:
        c = _char_class(ch)
        if c != last:
            out.append(c)
            last = c
    sig = "".join(out)
    return sig if len(sig) <= 4 else sig[:4] + "+"


class Tok(NamedTuple):
    start: int          # offset in the line
    end: int
    surface: str
    pos: tuple          # 6-level Sudachi POS
    oov: bool
    cidx: int           # index of the containing SplitMode C token
    cpos: str           # B/I/E/S position inside that C token


class CTok(NamedTuple):
    start: int
    end: int
    surface: str
    pos: tuple


# Longest input handed to Sudachi in one call (it refuses ~49 KB of UTF-8).
MAX_CHUNK = 4000


class JaTokenizer:
    """Sudachi (sudachidict_core) in modes A and C, aligned."""

    def __init__(self, with_c: bool = True) -> None:
        from sudachipy import SplitMode  # lazy: heavy

        from reader.nlp import sudachi

        self.with_c = with_c

        self._dict = sudachi.dictionary()  # shared: each Dictionary maps the 200 MB file again
        fields = {"pos"}
        self._ta = self._dict.tokenizer(mode="A", fields=fields)
        self._tc = self._dict.tokenizer(mode="C", fields={"pos", "split_a"})
        self._mode_a = SplitMode.A
        self._pos_cache: dict[int, tuple] = {}
        self._common_nouns: dict[str, bool] = {}

    def _pos(self, pid: int) -> tuple:
        p = self._pos_cache.get(pid)
        if p is None:
            p = tuple(self._dict.pos_of(pid))
            self._pos_cache[pid] = p
        return p

    def lookup_pos(self, word: str) -> tuple | None:
        """POS of ``word`` if Sudachi reads it as one known (non-OOV) C token."""
        ms = self._tc.tokenize(word)
        if len(ms) != 1:
            return None
        m = ms[0]
        if m.is_oov():
            return None
        return self._pos(m.part_of_speech_id())

    def is_common_noun(self, word: str) -> bool:
        """Sudachi reads ``word`` as one known common noun (クーデター, スタジオ), not a name."""
        hit = self._common_nouns.get(word)
        if hit is None:
            pos = self.lookup_pos(word)
            hit = pos is not None and pos[0] == "名詞" and pos[1] == "普通名詞"
            if len(self._common_nouns) > 50_000:
                self._common_nouns.clear()
            self._common_nouns[word] = hit
        return hit

    def tokenize(self, text: str) -> tuple[list[Tok], list[CTok | None]]:
        """Tokens of one line (no newline inside, at most MAX_CHUNK chars).

        SplitMode C tokens split into their SplitMode A parts (one Sudachi pass instead
        of two). ``ctoks[t.cidx]`` is the C token of a part; it is None for C tokens
        that are a single A token (``t.cpos == "S"``).
        """
        if not text:
            return [], []
        cache = self._pos_cache
        pos_of = self._pos
        out: list[Tok] = []
        ctoks: list = []
        if not self.with_c:
            for m in self._ta.tokenize(text):
                b = m.begin()
                e = m.end()
                out.append(Tok(b, e, text[b:e], pos_of(m.part_of_speech_id()), m.is_oov(), 0, "S"))
            return out, [None]
        mode_a = self._mode_a
        for ci, cm in enumerate(self._tc.tokenize(text)):
            cb = cm.begin()
            ce = cm.end()
            parts = cm.split(mode_a) if ce - cb > 1 else ()
            if len(parts) < 2:
                ctoks.append(None)
                pid = cm.part_of_speech_id()
                out.append(Tok(cb, ce, text[cb:ce], cache.get(pid) or pos_of(pid), cm.is_oov(), ci, "S"))
                continue
            ctoks.append(CTok(cb, ce, text[cb:ce], pos_of(cm.part_of_speech_id())))
            last = len(parts) - 1
            for k, m in enumerate(parts):
                b = m.begin()
                e = m.end()
                pid = m.part_of_speech_id()
                out.append(Tok(b, e, text[b:e], cache.get(pid) or pos_of(pid), m.is_oov(), ci,
                               "B" if k == 0 else ("E" if k == last else "I")))
        return out, ctoks


def split_long(text: str, limit: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """Split ``text`` (one line) into (start, end) pieces of at most ``limit`` chars,
    preferring sentence ends, then commas/spaces."""
    n = len(text)
    if n <= limit:
        return [(0, n)]
    pieces = []
    start = 0
    while n - start > limit:
        window = text[start:start + limit]
        cut = -1
        for seps in ("。！？!?", "、，,；;：:", " \u3000\t"):
            best = max(window.rfind(s) for s in seps)
            if best > limit // 4:
                cut = best + 1
                break
        if cut <= 0:
            cut = limit
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, n))
    return pieces


# ---------------------------------------------------------------------------
# Features

def _gaz_class(surface: str) -> str:
    if surface in TITLES_JA or surface in TITLES_EN:
        return "TTL"
    if surface in ORG_SUFFIX_JA:
        return "ORGS"
    if surface in FAC_SUFFIX_JA:
        return "FACS"
    if surface in PLACE_SUFFIX_JA:
        return "LOCS"
    if surface in NUMERIC_UNITS_JA:
        return "NUMU"
    return ""


# JMnedict name types folded into four classes for gazetteer features.
_NAME_CLASS = {"person": "P", "surname": "P", "given": "P", "fem": "P", "masc": "P", "place": "L",
               "station": "L", "organization": "O", "company": "O", "product": "X", "work": "X"}


_NAMES_LOOKUP: list = []


def _names_lookup():
    """reader.nlp.names.name_types when the name dictionary is installed, else None (checked once)."""
    if not _NAMES_LOOKUP:
        try:
            from reader.nlp import names
            _NAMES_LOOKUP.append(names.name_types if names.available() else None)
        except ImportError:
            _NAMES_LOOKUP.append(None)
    return _NAMES_LOOKUP[0]


_CLASS_CACHE: dict[str, str] = {}


def name_classes(surface: str, lookup) -> str:
    """'P', 'L', 'PL'... : what the name dictionary says ``surface`` can name ('' if nothing).

    Single characters are left out: nearly every kanji and kana is some name."""
    if lookup is None or len(surface) < 2:
        return ""
    hit = _CLASS_CACHE.get(surface)
    if hit is None:
        types = lookup(surface)
        hit = "".join(sorted({_NAME_CLASS[t] for t in types if t in _NAME_CLASS})) if types else ""
        if len(_CLASS_CACHE) > 200_000:
            _CLASS_CACHE.clear()
        _CLASS_CACHE[surface] = hit
    return hit


class FeatureExtractor:
    """Turns aligned tokens into crfsuite feature lists, caching per word type."""

    ALL_GROUPS = frozenset(("w", "p2", "p3", "p4", "ct", "ln", "affix", "oov", "gz", "caps",
                            "near", "far", "farw", "bw", "bp", "ctx", "nm", "csf"))

    # Chosen with bench/ner_ablate.py: word bigrams, token length, the normalised form, coarse
    # POS, richer neighbour views and the all-caps flag did not change held-out F1 beyond run
    # to run noise (~0.01), so they are left out: fewer features, faster tagging.
    DEFAULT_GROUPS = ALL_GROUPS - {"bw", "ln", "near", "p2", "far", "caps"}

    def __init__(self, groups: frozenset | None = None) -> None:
        self._cache: dict[tuple, tuple] = {}
        self._ctx_cache: dict[tuple, tuple] = {}
        self.g = self.DEFAULT_GROUPS if groups is None else frozenset(groups)
        self._names = _names_lookup() if "nm" in self.g else None

    def _word(self, t: Tok) -> tuple:
        key = (t.surface, t.pos, t.oov)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        s = t.surface
        p = t.pos
        p2 = p[0] + "-" + p[1]
        p3 = p2 + "-" + p[2]
        sig = char_signature(s)
        n = len(s)
        gz = _gaz_class(s)
        isnum = p[1] == "数詞"
        w = "#NUM" if isnum else s
        g = self.g
        base = ["w=" + w]
        if "p2" in g:
            base.append("p2=" + p2)
        base.append("p3=" + p3)
        if "ct" in g:
            base.append("ct=" + sig)
        if "ln" in g:
            base.append("ln=%d" % (n if n < 6 else 6))
        if p[1] == "固有名詞":
            base.append("p4=" + p3 + "-" + p[3])
        if "affix" in g and n > 1 and not isnum:
            base.append("pf=" + s[0])
            base.append("sf=" + s[-1])
            if n > 2:
                base.append("sf2=" + s[-2:])
        if "oov" in g and t.oov:
            base.append("oov")
        if gz:
            base.append("gz=" + gz)
        nm = name_classes(s, self._names) if not isnum else ""
        if nm:
            base.append("nm=" + nm)
        if "caps" in g and sig in ("U", "UD", "DU") and n > 1:
            base.append("caps")
        # reduced views for neighbours
        near = ["w=" + w, "p3=" + p3]
        if "near" in g:
            near.append("ct=" + sig)
            if p[1] == "固有名詞":
                near.append("p4=" + p3 + "-" + p[3])
        if gz:
            near.append("gz=" + gz)
        if nm:
            near.append("nm=" + nm)
        far = ["p2=" + p2]
        if "farw" in g:
            far.append("w=" + w)
        if gz and "far" in g:
            far.append("gz=" + gz)
        b0 = tuple(base)
        m1 = tuple("-1" + f for f in near)
        p1 = tuple("+1" + f for f in near)
        m2 = tuple("-2" + f for f in far)
        p2_ = tuple("+2" + f for f in far)
        hit = (b0, m1, p1, m2, p2_, w, p3, "bp=" + p3 + "|", "fp=" + p3 + "|")
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = hit
        return hit

    _BOS2 = ((), (), (), ("-2BOS",), (), "", "", "", "")
    _BOS1 = ((), ("-1BOS",), (), (), (), "", "BOS", "bp=BOS|", "fp=BOS|")
    _EOS1 = ((), (), ("+1EOS",), (), (), "", "EOS", "bp=EOS|", "fp=EOS|")
    _EOS2 = ((), (), (), (), ("+2EOS",), "", "", "", "")
    _CPOS = {"B": "cpos=B", "I": "cpos=I", "E": "cpos=E", "S": "cpos=S"}

    def _ctx(self, c: CTok) -> tuple:
        key = (c.surface, c.pos)
        hit = self._ctx_cache.get(key)
        if hit is None:
            p = c.pos
            hit = ("cp=" + p[0] + "-" + p[1] + "-" + p[2],)
            if p[1] == "固有名詞":
                hit += ("cp4=" + p[2] + "-" + p[3],)
            hit += ("cw=" + c.surface,)
            if "csf" in self.g:
                # the compound's head: ロシア|国防|省 -> 省, 三菱|UFJ|銀行 -> 銀行
                hit += ("csf=" + c.surface[-1], "csf2=" + c.surface[-2:])
            nm = name_classes(c.surface, self._names)
            if nm:
                hit += ("cnm=" + nm,)
            if len(self._ctx_cache) > 50_000:
                self._ctx_cache.clear()
            self._ctx_cache[key] = hit
        return hit

    def sequence(self, toks: list[Tok], ctoks: list, corpus: str | None = None) -> list[list[str]]:
        """crfsuite features for each token of one line.

        ``corpus`` names the annotation convention (a bias feature per token, see
        bench/train_ner.py)."""
        ds = "ds=" + (RUNTIME_CORPUS if corpus is None else corpus)
        word = self._word
        w: list[tuple] = [self._BOS2, self._BOS1]
        w.extend([word(t) for t in toks])
        w.append(self._EOS1)
        w.append(self._EOS2)
        g = self.g
        use_bw = "bw" in g
        use_ctx = "ctx" in g
        cpos_names = self._CPOS
        ctx = self._ctx
        out = []
        for i, t in enumerate(toks):
            pw = w[i + 1]
            wd = w[i + 2]
            nw = w[i + 3]
            f = [ds, *wd[0], *pw[1], *w[i][3], *nw[2], *w[i + 4][4], pw[7] + wd[6], wd[8] + nw[6]]
            if use_bw:
                f.append("bw=" + pw[5] + "|" + wd[5])
                f.append("fw=" + wd[5] + "|" + nw[5])
            if use_ctx:
                cp = t.cpos
                f.append(cpos_names[cp])
                if cp != "S":
                    f.extend(ctx(ctoks[t.cidx]))
            out.append(f)
        return out
