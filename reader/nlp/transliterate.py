"""Is one written name a transliteration (or a spelling variant) of another?

Reader links "Merkel" with メルケル and ルハンシク with ルハンスク without a table listing them. Both
spellings are brought into one rough sound alphabet and compared there:

- katakana is romanised with loanword rules (ヴァ=va, ティ=ti, ファ=fa, final ッ and ー dropped),
  and the vowels Japanese adds after a consonant (メル*ウ*ケル, ス*ウ*ナク) are made optional;
- a Latin spelling is read several ways (English non-rhotic "-er" = ー; soft and hard c/g; j as
  in "Jones" or in "Jens"; w as v), since the language it comes from is unknown;
- sounds that katakana cannot tell apart share a letter (l=r, v=b=w, th=s/t, sh=s, zh=j).

The sounds are compared with rapidfuzz (Levenshtein on consonant skeletons, Indel ratio on
whole forms). Two more sources count as evidence: the JMnedict glosses of a katakana name
(メルケル is glossed "Merkel") and the e2k English-to-katakana model, used for Latin names whose
English reading the rules above miss (Starmer -> スターマー). Every score is in [0, 1].
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Indel, Levenshtein

from reader.nlp import names

# -- katakana -> Latin ------------------------------------------------------

_DIGRAPHS = {
    "ヴァ": "va", "ヴィ": "vi", "ヴェ": "ve", "ヴォ": "vo", "ヴュ": "vyu", "ウィ": "wi", "ウェ": "we", "ウォ": "wo",
    "ウァ": "wa", "クァ": "kwa", "クィ": "kwi", "クェ": "kwe", "クォ": "kwo", "グァ": "gwa", "ツァ": "tsa", "ツィ": "tsi",
    "ツェ": "tse", "ツォ": "tso", "ティ": "ti", "ディ": "di", "トゥ": "tu", "ドゥ": "du", "テュ": "tyu", "デュ": "dyu",
    "ファ": "fa", "フィ": "fi", "フェ": "fe", "フォ": "fo", "フュ": "fyu", "シェ": "she", "ジェ": "je", "チェ": "che",
    "イェ": "ye", "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo",
    "シャ": "sha", "シュ": "shu", "ショ": "sho", "ジャ": "ja", "ジュ": "ju", "ジョ": "jo", "チャ": "cha", "チュ": "chu",
    "チョ": "cho", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo", "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo",
    "ビャ": "bya", "ビュ": "byu", "ビョ": "byo", "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo", "ミャ": "mya",
    "ミュ": "myu", "ミョ": "myo", "リャ": "rya", "リュ": "ryu", "リョ": "ryo", "スィ": "si", "ズィ": "zi",
}
_MONO = dict(zip(
    "アイウエオカキクケコガギグゲゴサシスセソザジズゼゾタチツテトダヂヅデドナニヌネノハヒフヘホバビブベボパピプペポ"
    "マミムメモヤユヨラリルレロワヰヱヲンヴァィゥェォャュョヮ",
    "a i u e o ka ki ku ke ko ga gi gu ge go sa shi su se so za ji zu ze zo ta chi tsu te to da ji zu de do "
    "na ni nu ne no ha hi fu he ho ba bi bu be bo pa pi pu pe po ma mi mu me mo ya yu yo ra ri ru re ro "
    "wa i e o n vu a i u e o ya yu yo wa".split()))


@lru_cache(maxsize=65536)
def romanize(katakana: str) -> str:
    """Loanword-aware romanisation: メルケル -> merukeru, ヴォロディミル -> vorodimiru."""
    out: list[str] = []
    i = 0
    text = unicodedata.normalize("NFKC", katakana)
    while i < len(text):
        pair = text[i:i + 2]
        if pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            i += 2
            continue
        c = text[i]
        if c == "ッ":           # a doubled consonant: katakana's, not the source's
            pass
        elif c == "ー":         # a long vowel: dropped, the source rarely writes it
            pass
        elif c in _MONO:
            out.append(_MONO[c])
        elif c in "・=＝ ":
            out.append(" ")
        i += 1
    return "".join(out)


# -- a rough common sound alphabet -------------------------------------------

# Latin letter sequences, longest first, and the sound each stands for, one character a sound:
# S = sh, C = ch, j = zh/dzh, Z = ts, x = kh (read h or k, see _READING_RULES; as written, it
# keeps Khan and Han two names). Katakana's romanisation goes through the same table, so
# シ (shi) and "sch" both become S, ツ (tsu) and "tz" both Z. l/r and v/b/w are one sound each.
_LATIN_SOUNDS = [
    ("shch", "S"), ("tsch", "C"), ("dzh", "j"), ("sch", "S"), ("tch", "C"), ("zh", "j"), ("kh", "x"),
    ("sh", "S"), ("ch", "C"), ("ts", "Z"), ("tz", "Z"), ("dz", "z"),
    ("ph", "f"), ("th", "t"), ("gh", "g"), ("ck", "k"), ("qu", "kv"), ("dj", "j"),
    ("x", "ks"), ("q", "k"), ("w", "v"), ("y", "i"), ("l", "r"), ("b", "v"), ("c", "k"),
]
_SOUND_RE = re.compile("|".join(re.escape(a) for a, _ in sorted(_LATIN_SOUNDS, key=lambda p: -len(p[0]))))
_SOUND_OF = dict(_LATIN_SOUNDS)
_VOWELS = set("aeiou")
# katakana writes "si" as "shi" (シ): Sinwar is シンワル (but "sia" is not シャ)
_SI = re.compile(r"si(?![aeou])")
# Coarser classes for the consonant skeleton: sibilants, voiced/voiceless pairs, f/h.
_COARSE = str.maketrans("SCjZzdgfx", "ssssstkhh")


def _sounds(latin: str) -> str:
    """A romanised or Latin spelling in the shared alphabet (vowels kept, repeats collapsed)."""
    s = _SOUND_RE.sub(lambda m: _SOUND_OF[m.group(0)], latin)
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=262144)
def _skeleton(sounds: str) -> str:
    """Consonants only, in coarse classes; a repeat only collapses when nothing stood between."""
    coarse = re.sub(r"(.)\1+", r"\1", sounds.translate(_COARSE))
    return "".join(c for c in coarse if c not in _VOWELS)


# Spelling rules of the languages a Latin name may come from; a name is read with each rule
# and with each pair of rules (Roger: soft g and English -er, ロジャー).
_READING_RULES = [
    (re.compile(r"(?<=[aeo])r(?=[^aeiouy]|$)"), ""),     # English non-rhotic: Starmer スターマー
    (re.compile(r"c(?=[eiy])"), "s"),                    # soft c: Lucy ルーシー
    (re.compile(r"g(?=[eiy])"), "j"),                    # soft g: Angela アンジェラ
    (re.compile(r"j"), "y"),                             # Germanic/Slavic j: Jens イェンス
    (re.compile(r"^j"), "h"),                            # Spanish j: Javier ハビエル
    (re.compile(r"^v"), "f"),                            # German v: Volkswagen フォルクスワーゲン
    (re.compile(r"^ch"), "k"),                           # Greek ch: Christine クリスティーヌ
    (re.compile(r"(?<=[aeiou])h(?=[^aeiou]|$)"), ""),    # silent h: Shah, Buhl
    (re.compile(r"^h"), ""),                             # French h: Hollande オランド
    (re.compile(r"ei"), "ai"),                           # German ei: Stein シュタイン
    (re.compile(r"ai|ay"), "ei"),                        # English ai: Raytheon レイセオン
    (re.compile(r"e$"), ""),                             # silent final e
    (re.compile(r"oo"), "u"),                            # English oo: Cook クック
    (re.compile(r"ow"), "au"),                           # English ow: Powell パウエル
    (re.compile(r"^[pk](?=[fsn])|^g(?=n)|^w(?=r)"), ""),  # silent initial: Pfizer ファイザー, Knight ナイト
    (re.compile(r"^w(?=u|oo)"), ""),                     # w before u is not written: Wulff ウルフ, Woods ウッズ
    (re.compile(r"kh"), "h"),                            # kh read as Russian h: Kharkiv ハルキウ
    (re.compile(r"kh"), "k"),                            # or as k: Khan カーン
]


# How the languages a Latin name may come from say their letters, each applied as a whole
# (a name is read once per language): the first rules of a language rewrite what later ones
# read. Only letter-to-sound rules of each orthography, and the way Japanese renders them.
_LANGUAGE_READINGS = {
    "slavic": [
        (r"kh", "h"),                           # Khabarovsk ハバロフスク
        (r"^ye", "e"),                          # Yekaterinburg, Yerevan: エカテリンブルク, エレバン
        (r"(?<=[aeiou])y(?=[aeiou])", ""),      # iotated vowels after a vowel: Aliyev アリエフ
        (r"(?:iy|yy|ii|yi)$", "i"),             # -iy/-yy/-ii endings: Zelenskyy, Oleksii
        (r"ic$", "ich"),                        # -ić written without its accent: Borić ボリッチ
        (r"v$", "f"),                           # final v is voiceless: -ov/-ev = -オフ/-エフ
        (r"^v(?=[^aeiou])", "u"),               # initial v before a consonant: Vladimir ウラジーミル
        (r"di", "ji"),                          # palatal d before i: Vladivostok ウラジオストク
        (r"ti(?=[aeiou]|n)", "chi"),            # palatal t before i: Valentina ワレンチナ
        (r"s(?=[bdg])", "z"),                   # s voiced before a voiced consonant: Sberbank ズベルバンク
    ],
    "polish": [
        (r"rz", "zh"), (r"sz", "sh"), (r"cz", "ch"), (r"ch", "h"),
        (r"(?<=[aeiou])w$", "f"), (r"w", "v"), (r"j", "y"), (r"(?<=[^aeiou])ie", "ye"),
    ],
    "german": [
        (r"^st", "sht"), (r"^sp", "shp"),       # Stein, Spahn: シュタイン, シュパーン
        (r"ie", "i"), (r"e[iy]", "ai"), (r"eu", "oi"),
        (r"^s(?=[aeiou])", "z"),                 # voiced initial s: Söder ゼーダー
        (r"^z", "ts"), (r"(?<=[aeiou])ch", "h"), (r"j", "y"), (r"v", "f"),
        (r"g$", "k"), (r"d$", "t"), (r"er$", "a"),   # -burg ブルク, final d, -er アー
    ],
    "english": [
        (r"th", "s"),                           # Thatcher サッチャー, Raytheon レイセオン
        (r"air", "ea"), (r"(?<=[aeo])r(?=[^aeiouy]|$)", ""),
        (r"c(?=[eiy])", "s"), (r"g(?=[eiy])", "j"), (r"ee|ea", "i"), (r"oo", "u"), (r"ow", "au"),
        (r"ai|ay", "ei"),
        (r"u(?=[^aeiouy](?:[^aeiouy]|$))", "a"),  # short u: Buffett バフェット, bus バス
        (r"e$", ""),
    ],
    "turkish": [
        (r"(?<=[aeiou])g", ""),                 # ğ, folded to g, is not said: Erdoğan エルドアン
    ],
    "pinyin": [
        (r"hu", "fu"),                          # Huang フアン, Hu フー
        (r"x", "sh"), (r"q", "ch"), (r"zh", "j"), (r"c", "ts"), (r"ng", "n"),
    ],
    "french": [
        (r"aul[dt]s?$", "o"),                   # the l of -ault is silent: Renault ルノー, Foucault フーコー
        (r"eaux?", "o"), (r"au", "o"), (r"ou", "u"), (r"oi", "wa"), (r"ch", "sh"), (r"gn", "ny"),
        (r"qu", "k"), (r"^h", ""), (r"c(?=[eiy])", "s"), (r"g(?=[eiy])", "j"),
        (r"e[rz]$", "e"), (r"(?<=[^aeiou])e$", ""),
        # silent final consonants (Nicolas ニコラ), after a nasal vowel too (Laurent ローラン)
        (r"(?<=[aeiou]|n)(?:[tdx]s?|[sz])$", ""),
    ],
    "spanish": [
        (r"ll", "y"), (r"j", "h"), (r"z", "s"), (r"c(?=[ei])", "s"), (r"gu(?=[ei])", "g"),
        (r"qu", "k"), (r"^h", ""),
    ],
}
_LANGUAGE_RULES = {lang: [(re.compile(a), b) for a, b in rules] for lang, rules in _LANGUAGE_READINGS.items()}
# A name is read as pinyin only when it is a run of pinyin syllables (Huang, Huawei, Xiaomi):
# otherwise "Ericsson" read as pinyin (c = ts) would sound like Ellison.
_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ao|an|ei|en|er|ia|ie|in|iu|ou|ua|ue|ui|un|uo"
    r"|a|o|e|i|u|v))+")


@lru_cache(maxsize=131072)
def _latin_readings(folded: str) -> frozenset[str]:
    """Ways a Latin spelling may be said (its language is unknown), in the shared alphabet."""
    readings = {folded}
    for i, (rule, repl) in enumerate(_READING_RULES):
        once = rule.sub(repl, folded)
        readings.add(once)
        for rule2, repl2 in _READING_RULES[i + 1:]:
            readings.add(rule2.sub(repl2, once))
    for lang, rules in _LANGUAGE_RULES.items():
        if lang == "pinyin" and not _PINYIN.fullmatch(folded):
            continue
        read = folded
        for rule, repl in rules:
            read = rule.sub(repl, read)
        readings.add(read)
    return frozenset(_SI.sub("Si", _sounds(r)) for r in readings if r)


@lru_cache(maxsize=131072)
def _katakana_reading(katakana: str) -> tuple[str, ...]:
    """(full, with Japanese epenthetic vowels removed[, with a leading letter name read as its
    letter]) in the shared alphabet."""
    full = _sounds(romanize(katakana).replace(" ", ""))
    # vowels katakana adds after a consonant that the source spelling did not have: ス(u), ル(u),
    # o after t and d only (ト, ド: ペトロ keeps its o), and the i of シ/チ before a consonant or at
    # the end (ルハンシク, ボリッチ), not before ン (シン is "sin")
    bare = re.sub(r"(?<=[^aeiou])u(?=[^aeiou]|$)|(?<=[td])o(?=[^aeiou]|$)", "", full)
    bare = re.sub(r"(?<=[SC])i(?=[^aeioun]|$)", "", bare)
    bare = re.sub(r"(.)\1+", r"\1", bare)
    # a short name's vowels are not all added ones: ロー is not "r", or it would equal ロール and ルー
    if not any(c in _VOWELS for c in bare):
        return full, full
    # a leading m or n before a consonant may be spelled by its letter's name: エヌビディア (Nvidia),
    # エムバペ (Mbappé), though エムレ is Emre
    letter = re.sub(r"^e([mn])(?=[^aeiou])", r"\1", bare)
    return (full, bare, letter) if letter != bare and full.startswith(("enu", "emu")) else (full, bare)


# Two first sounds of one class (s/z, k/g, t/d, f/h) differ less than two unlike ones: the
# source's voicing is not always kept (Sberbank ズベルバンク, Kang ガン)
_VOICING_INITIAL = 0.95


def _similarity(a: str, b: str) -> float:
    """Two sound strings: consonant skeletons (Levenshtein) and whole forms (Indel), averaged."""
    ska, skb = _skeleton(a), _skeleton(b)
    if not ska or not skb:
        return Indel.normalized_similarity(a, b) * 0.8
    skeleton = Levenshtein.normalized_similarity(ska, skb)
    whole = Indel.normalized_similarity(a, b)
    initial = 1.0 if a[0] == b[0] or (a[0] in _VOWELS and b[0] in _VOWELS) else \
        _VOICING_INITIAL if a[0].translate(_COARSE) == b[0].translate(_COARSE) else 0.85
    # a short skeleton ("rn") matches too much by chance: lean on the whole form then
    weight = min(0.55, 0.15 * min(len(ska), len(skb)))
    # the same consonants with other vowels are another name (Britain/ボルトン, Blatter/ブラット)
    vowels = Indel.normalized_similarity(_vowels(a), _vowels(b))
    return (weight * skeleton + (1 - weight) * whole) * initial * (0.85 + 0.15 * vowels)


@lru_cache(maxsize=262144)
def _vowels(sounds: str) -> str:
    return re.sub(r"(.)\1+", r"\1", "".join(c for c in sounds if c in _VOWELS))


# -- e2k (English -> katakana) ---------------------------------------------------

_E2K_LOCK = threading.Lock()
_E2K: list = []


def _e2k():
    """The e2k character model (turbo: ~4 ms a word), loaded on first use; None if missing."""
    with _E2K_LOCK:
        if not _E2K:
            try:
                from e2k import C2K
                _E2K.append(C2K(model="turbo"))
            except Exception:  # pragma: no cover - e2k not installed: the rules still work
                _E2K.append(None)
        return _E2K[0]


@lru_cache(maxsize=32768)
def english_katakana(folded: str) -> str:
    """e2k's katakana for an English-read Latin word ("starmer" -> "スターマー"), or ""."""
    model = _e2k()
    if model is None or not folded.isalpha() or len(folded) > 24:
        return ""
    with _E2K_LOCK:
        return model(folded)


# -- scores ----------------------------------------------------------------------------

DICTIONARY_FLOOR = 0.6   # a JMnedict gloss counts only for a spelling that sounds alike

@lru_cache(maxsize=262144)
def fold_latin(text: str) -> str:
    """'Zelenskyy' -> 'zelenskyy', 'Erdoğan' -> 'erdogan'; spaces and hyphens dropped."""
    return names.fold_gloss(text).replace(" ", "")


@lru_cache(maxsize=262144)
def latin_katakana_score(latin: str, katakana: str, use_model: bool = True) -> float:
    """How surely the katakana renders the Latin name (one word each, e.g. "merkel", "メルケル")."""
    folded = fold_latin(latin)
    if not folded or not katakana:
        return 0.0
    score = max(_similarity(r, k) for r in _latin_readings(folded) for k in _katakana_reading(katakana))
    info = names.lookup(katakana)
    if info and score >= DICTIONARY_FLOOR and any(fold_latin(g) == folded for g in info.glosses):
        return 1.0      # the dictionary says so, and it sounds alike (ジョン is glossed Jonathan too)
    if use_model and score < 0.9:
        english = english_katakana(folded)
        if english:
            score = max(score, katakana_score(english, katakana))
    return round(score, 3)


@lru_cache(maxsize=262144)
def katakana_score(a: str, b: str) -> float:
    """Two katakana spellings of one name (ルハンシク/ルハンスク, ヴォ/ボ, ー dropped)."""
    if a == b:
        return 1.0
    fa, ba = _katakana_reading(a)[:2]
    fb, bb = _katakana_reading(b)[:2]
    return round(max(_similarity(fa, fb), _similarity(ba, bb)), 3)


@lru_cache(maxsize=262144)
def latin_score(a: str, b: str) -> float:
    """Two Latin spellings of one name (Zelensky/Zelenskyy, Kiev/Kyiv is left to the table)."""
    fa, fb = fold_latin(a), fold_latin(b)
    if fa == fb:
        return 1.0
    return round(_similarity(_sounds(fa), _sounds(fb)), 3)


def _readings(part: str) -> list[str]:
    """The part's sound readings: katakana's, or a Latin spelling's several."""
    if names.is_katakana_name(part) or re.fullmatch(r"[\u30a1-\u30fa\u30fc]+", part):
        return sorted(set(_katakana_reading(part)))
    return sorted(_latin_readings(fold_latin(part)))


@lru_cache(maxsize=262144)
def skeleton_of(part: str) -> str:
    readings = _readings(part)
    return _skeleton(max(readings, key=len)) if readings else ""


@lru_cache(maxsize=262144)
def readings_of(part: str) -> tuple[str, ...]:
    return tuple(_readings(part))


@lru_cache(maxsize=262144)
def skeletons_of(part: str) -> tuple[str, ...]:
    """The consonant skeletons of all the part's readings."""
    return tuple(sorted({_skeleton(r) for r in _readings(part)} - {""}))


@lru_cache(maxsize=262144)
def blocking_keys(part: str) -> frozenset[str]:
    """Coarse first sounds ('V' for a vowel): only parts sharing one are compared."""
    keys = set()
    for sounds in _readings(part):
        if sounds:
            keys.add("V" if sounds[0] in _VOWELS else sounds[0].translate(_COARSE))
    return frozenset(keys)
