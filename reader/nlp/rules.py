"""Rule-based entities: numeric expressions (DATE, TIME, MONEY, PERCENT, QUANTITY)
in Japanese and English, and the typing tables used to turn IREX labels into
OntoNotes ones (LOCATION -> GPE/LOC/FAC, ARTIFACT -> LAW/WORK_OF_ART/PRODUCT).

Pure Python ``re``; importing this module is cheap.

Conventions (follow IREX, which the development data uses):
- a hedge such as 約/およそ/about is not part of the span;
- durations (30日間, 24時間, 3か月, "for 30 days") are not DATE/TIME;
- a year with its era in brackets is one span: 1946年（昭和21年）11月5日.
"""
from __future__ import annotations

import re

# ---------------------------------------------------------------------------
# Japanese numerals


def _compile_each(*patterns: str, flags: int = 0) -> list[re.Pattern]:
    """Alternatives kept as separate patterns so that the longest match wins."""
    return [re.compile(p, flags) for p in patterns]


_D = "[0-9０-９]"
_KN = "[〇零一二三四五六七八九十百千]"
# one group: arabic digits with optional thousands separators / decimals, or kanji numerals
_ARABIC = rf"{_D}+(?:[,，]{_D}{{3}})*(?:[.．]{_D}+)?"
_GROUP = rf"(?:{_ARABIC}|{_KN}+|数)"
# 1兆728億, 6,500万, 数十億, 2.5
# a number starts neither inside another number nor (when written in kanji)
# inside a kanji word: 統一, 一部 are not numbers; 約三割 is.
_NUM_START = (rf"(?:(?<![0-9０-９.,．，])(?={_D})|(?<![0-9０-９.,．，\u4e00-\u9fff々])(?={_KN}|数)"
              rf"|(?<=[約計総])(?={_KN}|数))")
NUM = rf"(?:{_GROUP}(?:[兆億万千])?)+"
# calendar numbers are exact: 数年 / 十数年 are vague durations, not dates
_DGROUP = rf"(?:{_ARABIC}|{_KN}+)"
DNUM = rf"(?:{_DGROUP}(?:[兆億万千])?)+"

ERAS = (
    "令和 平成 昭和 大正 明治 慶応 元治 文久 万延 安政 嘉永 弘化 天保 文政 文化 享和 寛政 天明 安永 明和 宝暦 "
    "寛延 延享 寛保 元文 享保 正徳 宝永 元禄 貞享 天和 延宝 寛文 万治 明暦 承応 慶安 正保 寛永 元和 慶長"
).split()
_ERA = "(?:" + "|".join(ERAS) + ")"
# a year in kanji numerals needs three of them (二〇二五年); 一年, 百年, 三十年 are spans of time
_KYEAR = rf"(?:(?<![\u4e00-\u9fff々]){_KN}{{3,}})"
# a bare year has 3+ digits (2025年, 794年); "5年", "10年" alone are mostly spans of time,
# but 10年前 and 46億年前 are dates
_YEAR = (rf"(?:(?<![0-9０-９.,．，])(?:{_D}{{3,}}|{_ARABIC}[万億](?:{_ARABIC}[万億]?)*)年"
         rf"|(?<![0-9０-９.,．，]){_D}{{1,2}}年(?=前)"
         rf"|(?:紀元前|紀元後|西暦)(?<![0-9０-９.,．，]){_ARABIC}年"
         rf"|(?:紀元前|紀元後|西暦){DNUM}年|{_KYEAR}年|{_ERA}(?:元|{DNUM})年)")
_BRACKET_YEAR = rf"(?:[（(〈]{_YEAR}[)）〉])"
_MD = rf"(?:{DNUM}月(?:{DNUM}日)?)"
_DATE_SUFFIX = "(?:末|初め|初頭|前半|後半|上旬|中旬|下旬|半ば|中頃|初旬|春|夏|秋|冬|前)"
_NOT_DURATION = "(?!間|以内|余り|ぶり|連続|越し|目|制|生)"


def _relative_words() -> str:
    """The calendar's words counted from the document's date, written with kanji (今日, 明年,
    先週; not きょう, which is also part of きょうだい), and fiscal years (今年度), longest first.
    Words counted from a date named before (同年, 翌日) are left to the timeline's resolver:
    annotators do not mark them."""
    from reader import calendar_words as cw

    words = {w for table in (cw.REL_DAY, cw.REL_WEEK, cw.REL_MONTH, cw.REL_YEAR) for w in table
             if any("\u4e00" <= ch <= "\u9fff" for ch in w) and not w.startswith("その")}
    words |= {w + "度" for w in cw.REL_YEAR if w.endswith("年") and w[0] in "今昨来本"}
    return cw.alternation(sorted(words))


_RELATIVE_WORDS = _relative_words()


JA_DATE = _compile_each(
        # 2025年3月13日, 1946年（昭和21年）11月5日, 2025年末, 46億年前, 2024年度
        rf"{_YEAR}{_BRACKET_YEAR}?(?:{_MD})?(?:度)?{_DATE_SUFFIX}?{_NOT_DURATION}",
        # 3月13日, 11月 (not 3か月)
        rf"{_NUM_START}{_MD}{_DATE_SUFFIX}?{_NOT_DURATION}",
        # 13日 on its own (arabic only; a day of the month)
        r"(?<![0-9０-９.,])(?:[1-9]|[12][0-9]|3[01]|[１-９]|[１２][０-９]|３[０１])日(?![間目後前分以])",
        # 20世紀後半, 紀元前5世紀
        rf"(?:紀元前|紀元後)?{_NUM_START}{DNUM}世紀{_DATE_SUFFIX[:-1]}|前期|中期|後期|末期|初期)?",
        # 1990年代前半 (caught by _YEAR? no: 年代)
        rf"{_NUM_START}{DNUM}年代{_DATE_SUFFIX}?",
        # ISO-like 2025-11-21, 2025/11/21, 2025.11.21
        r"(?<![0-9])(?:1[6-9]|20)[0-9]{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01])(?![0-9])",
        # relative days, weeks, months and years (the resolver's own words: reader.calendar_words),
        # not 前年比 or 前日比 (comparisons)
        rf"(?:{_RELATIVE_WORDS})(?!比)",
        # weekdays
        r"(?<![\u4e00-\u9fff])[月火水木金土日]曜日?",
)

_TIME_PREFIX = "(?:午前|午後|朝|夜|夕方|未明|深夜|早朝|明け方|昼)"
JA_TIME = _compile_each(
        # 午後3時, 夜十時半 (kanji numerals only after a prefix: 一時 alone is "temporary")
        rf"{_TIME_PREFIX}{_NUM_START}{DNUM}時(?:{DNUM}分|半)?(?:{DNUM}秒)?(?!間|代|点|期|差|制|速)",
        rf"(?<![0-9０-９.,．，]){_ARABIC}時(?:{DNUM}分|半)?(?:{DNUM}秒)?(?!間|代|点|期|差|制|速)",
        r"(?<![0-9:])(?:[01]?[0-9]|2[0-4]):[0-5][0-9](?::[0-5][0-9])?(?![0-9,])",
        r"(?:未明|深夜|早朝|正午|夕方|今夜|今晩|今朝|昨夜|昨晩|午前中|明け方)",
)

# Words after which a place name names a grade of a commodity (ブレント原油, ウラル産原油,
# WTI先物), as "crude", "oil", "blend" do in English.
COMMODITY_HEADS_JA = frozenset("原油 石油 油 油種 先物 ブレンド 天然ガス ガス".split())

CURRENCIES_JA = (
    "円 ドル 米ドル ユーロ ルーブル ルーブリ ポンド 元 人民元 ウォン フラン マルク ペニヒ フリヴニャ フリブナ グリブナ "
    "リラ ルピー ルピア セント 銭 レアル ディナール リヤル リアル ランド ペソ バーツ ズウォティ クローネ クローナ "
    "シェケル テンゲ ドン リンギット"
).split()
_CUR = "(?:" + "|".join(sorted(CURRENCIES_JA, key=len, reverse=True)) + ")"
_CUR_PREFIX = "(?:米|豪|加|香港|台湾|ドイツ|シンガポール|ニュージーランド|カナダ|オーストラリア|スイス|トルコ|インド|ロシア)?"
JA_MONEY = _compile_each(
        # 円/元 before another kanji is a different word (一円的, 一元化, 4元素)
        rf"{_NUM_START}(?!一[円元])(?:{NUM})(?:{_CUR_PREFIX}{_CUR})(?![\u30a0-\u30ff])(?<![円元](?=[\u4e00-\u9fff]))",
        rf"(?:US\$|[$＄€£¥￥]){_ARABIC}(?:[兆億万千]|{_ARABIC})*(?:ドル)?",
)

JA_PERCENT = _compile_each(
        rf"{_NUM_START}{NUM}\s?(?:%|％|パーセント)",
        rf"{_NUM_START}{NUM}割(?:{NUM}分)?(?:{NUM}厘)?",
        rf"{_NUM_START}{NUM}分の{NUM}",
)

_QTY_UNITS = (
    "平方キロメートル 平方キロ 平方メートル キロメートル キロ メートル センチメートル センチ ミリメートル ミリ "
    "キログラム グラム トン リットル バレル ヘクタール マイル フィート インチ ノット ワット キロワット メガワット "
    "ギガワット km ｋｍ kg ｋｇ m2 km2"
).split()
_QU = "(?:" + "|".join(sorted(_QTY_UNITS, key=len, reverse=True)) + ")"
JA_QUANTITY = re.compile(rf"{_NUM_START}{NUM}\s?{_QU}(?![A-Za-z\u30a0-\u30ff])")

# ---------------------------------------------------------------------------
# English

_MONTHS = ("January February March April May June July August September October November December "
           "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
_MON = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_EN_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|bn|mn|m|k|tn)\b)?"

EN_DATE = _compile_each(
        rf"\b{_MON}\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s(?:1[6-9]|20)\d{{2}})?\b",
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{_MON}(?:,?\s(?:1[6-9]|20)\d{{2}})?\b",
        rf"\b{_MON}(?:,)?\s(?:1[6-9]|20)\d{{2}}\b",
        r"\b(?:early|mid|late)-?\s?(?:1[6-9]|20)\d{2}s?\b",
        r"\b(?:the\s)?(?:1[6-9]|20)\d0s\b",
        r"\b(?:1[6-9]|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b",
        rf"\b{_WEEKDAYS}\b",
        r"\b(?:yesterday|today|tomorrow)\b",
        r"\b(?:last|next|this|the\s+past|the\s+coming)\s(?:week|month|year|decade|weekend|spring|summer|autumn|fall|winter)\b",
        rf"\b(?:last|next|this)\s(?:{_MON}|{_WEEKDAYS})\b",
    flags=re.IGNORECASE,
)
# a bare year only after a preposition ("in 2022"); group 1 is the year
EN_YEAR = re.compile(r"\b(?:in|since|by|of|from|until|till|before|after|during|to|and|early|mid|late)\s((?:1[6-9]|20)\d{2}s?)\b",
                     re.IGNORECASE)
EN_TIME = _compile_each(
        r"\b(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?[ap]\.?m\.?)?(?:\s(?:GMT|UTC|JST|EST|EDT|CET|MSK))?",
        r"\b(?:1[0-2]|0?[1-9])\s?[ap]\.?m\.?(?![a-z])",
        r"\b(?:this|last|tomorrow|yesterday)\s(?:morning|afternoon|evening|night)\b",
        r"\btonight\b",
        r"\bmidnight\b",
        r"\bnoon\b",
    flags=re.IGNORECASE,
)
_EN_CUR_WORDS = r"(?:dollars?|euros?|rubles?|roubles?|pounds?(?:\ssterling)?|yen|yuan|renminbi|hryvnias?|hryvnia|francs?|rupees?|won|pesos?|cents?)"
EN_MONEY = _compile_each(
        rf"(?:US\$|USD\s?|EUR\s?|[$€£¥₽₴]){_EN_NUM}{_SCALE}",
        rf"\b{_EN_NUM}{_SCALE}\s(?:US\s)?{_EN_CUR_WORDS}\b",
    flags=re.IGNORECASE,
)
EN_PERCENT = re.compile(rf"(?<![\w.]){_EN_NUM}\s?(?:%|percent\b|per\scent\b|percentage\spoints?\b)", re.IGNORECASE)
EN_QUANTITY = re.compile(
    rf"\b{_EN_NUM}{_SCALE}\s?(?:km|kilometers?|kilometres?|miles?|meters?|metres?|tons?|tonnes?|barrels?|kg|kilograms?|"
    r"square\s(?:kilometers?|kilometres?|miles?)|hectares?|acres?|feet|foot|megawatts?|gigawatts?|MW|GW|bpd)\b",
    re.IGNORECASE,
)

_ORDER = ("MONEY", "PERCENT", "QUANTITY", "TIME", "DATE")


def _collect(text: str, patterns: list, anchors: re.Pattern | None = None) -> list[tuple[int, int, str]]:
    """Non-overlapping matches of ``patterns`` [(label, [pattern...], anchored)], longest first.

    Anchored patterns are only tried (with ``match``) where ``anchors`` finds a
    possible start (a numeral, a currency sign, a prefix such as 午後 or an era
    name), which is much cheaper than scanning every position with each pattern.
    """
    found = []
    starts = None
    for label, pats, anchored in patterns:
        if anchored and anchors is not None:
            if starts is None:
                starts = [m.start() for m in anchors.finditer(text)]
            if not starts:
                continue
            for pat in pats:
                match = pat.match
                for a in starts:
                    m = match(text, a)
                    if m is not None and m.end() > a:
                        found.append((a, m.end(), label))
        else:
            for pat in pats:
                for m in pat.finditer(text):
                    a, b = m.span(1) if pat.groups else m.span()
                    if b > a:
                        found.append((a, b, label))
    if not found:
        return []
    # longest first, then earlier, then by label priority
    found.sort(key=lambda s: (-(s[1] - s[0]), s[0], _ORDER.index(s[2])))
    taken: list[tuple[int, int, str]] = []
    for s in found:
        if all(s[1] <= t[0] or s[0] >= t[1] for t in taken):
            taken.append(s)
    taken.sort()
    return taken


_ANCHOR_JA = re.compile(
    "(?<![0-9０-９])[0-9０-９]|(?<![〇零一二三四五六七八九十百千数])[〇零一二三四五六七八九十百千数]"
    r"|紀元|西暦|午前|午後|朝|夜|夕方|未明|深夜|早朝|明け方|昼|US\$|[$＄€£¥￥]|" + "|".join(ERAS)
)
_JA_PATTERNS = [
    ("MONEY", JA_MONEY, True), ("PERCENT", JA_PERCENT, True), ("QUANTITY", [JA_QUANTITY], True),
    ("TIME", JA_TIME[:3], True), ("TIME", JA_TIME[3:], False),
    ("DATE", JA_DATE[:6], True), ("DATE", JA_DATE[6:], False),
]
_EN_PATTERNS = [("MONEY", EN_MONEY, False), ("PERCENT", [EN_PERCENT], False), ("QUANTITY", [EN_QUANTITY], False),
                ("TIME", EN_TIME, False), ("DATE", EN_DATE, False), ("DATE", [EN_YEAR], False)]


def numeric_ja(text: str) -> list[tuple[int, int, str]]:
    """DATE/TIME/MONEY/PERCENT/QUANTITY spans in Japanese text (offsets into ``text``)."""
    return _collect(text, _JA_PATTERNS, _ANCHOR_JA)


def numeric_en(text: str) -> list[tuple[int, int, str]]:
    """DATE/TIME/MONEY/PERCENT/QUANTITY spans in English text."""
    return _collect(text, _EN_PATTERNS)


# ---------------------------------------------------------------------------
# Typing tables for names

# Continents, oceans and macro-regions: LOC, not GPE.
REGIONS_JA = frozenset("""
欧州 ヨーロッパ 西欧 東欧 北欧 南欧 中欧 中東欧 アジア 東アジア 東南アジア 南アジア 中央アジア 西アジア 北アジア 極東 中東 近東
アフリカ 北アフリカ 西アフリカ 東アフリカ 南部アフリカ 北米 南米 中南米 中米 ラテンアメリカ 北アメリカ 南アメリカ オセアニア
ユーラシア 大西洋 太平洋 インド洋 北極 南極 北極海 地中海 黒海 バルト海 カスピ海 アゾフ海 紅海 バルカン コーカサス カフカス
シベリア 中央ヨーロッパ 東ヨーロッパ 西ヨーロッパ 北ヨーロッパ 南ヨーロッパ 環太平洋 インド太平洋 西側 欧米
""".split())
REGIONS_EN = frozenset("""
Europe Asia Africa America Americas Oceania Eurasia Atlantic Pacific Arctic Antarctic Antarctica Mediterranean Balkans
Caucasus Siberia Scandinavia Baltics Donbas Donbass Crimea Middle East Far East Black Sea Baltic Sea Sea of Azov
""".split())

GEO_FEATURE_SUFFIX_JA = (
    "山脈", "山地", "高原", "平原", "平野", "盆地", "砂漠", "半島", "諸島", "列島", "大陸", "海峡", "地方", "地域",
    "山", "岳", "峠", "川", "河", "湖", "沼", "海", "洋", "湾", "岬", "島", "谷", "森", "圏",
)
FAC_SUFFIX = (
    "空港", "駅", "港", "橋", "宮殿", "宮", "城", "ビル", "タワー", "ダム", "発電所", "原発", "基地", "広場", "通り",
    "街道", "道路", "神社", "寺", "大聖堂", "聖堂", "寺院", "スタジアム", "競技場", "球場", "劇場", "公園", "庭園",
    "トンネル", "運河", "刑務所", "収容所", "要塞", "クレムリン", "ホワイトハウス",
)
LAW_SUFFIX = ("法", "法案", "条約", "協定", "憲法", "議定書", "憲章", "条例", "規則", "決議", "合意")
EVENT_SUFFIX = ("戦争", "紛争", "大戦", "革命", "事件", "会談", "首脳会議", "サミット", "五輪", "オリンピック",
                "ワールドカップ", "選挙", "危機", "侵攻", "作戦", "の乱", "の変", "の役", "合戦", "博覧会")
NORP_SUFFIX_JA = ("人", "系", "民族", "人民")


def location_label(surface: str, pos_tags: list[tuple]) -> str:
    """OntoNotes label for an IREX LOCATION span: GPE, LOC or FAC."""
    if surface.endswith(FAC_SUFFIX):
        return "FAC"
    if surface in REGIONS_JA or surface in REGIONS_EN:
        return "LOC"
    if any(p[2] == "地名" and p[3] == "国" for p in pos_tags):
        return "GPE"
    if surface.endswith(GEO_FEATURE_SUFFIX_JA) and not surface.endswith(("州", "市", "県", "都", "国")):
        return "LOC"
    return "GPE"


def artifact_label(surface: str, quoted: bool) -> str:
    """OntoNotes label for an IREX ARTIFACT span (fallback heuristic)."""
    if surface.endswith(LAW_SUFFIX):
        return "LAW"
    if surface.endswith(EVENT_SUFFIX):
        return "EVENT"
    if quoted:
        return "WORK_OF_ART"
    return "PRODUCT"
