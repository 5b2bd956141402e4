"""Linking entity mentions to canonical entities.

Mentions from different documents, scripts and spellings are grouped into one
canonical entity (プーチン, Putin, ウラジーミル・プーチン and プーチン大統領 are all
Vladimir Putin). The evidence, strongest first:

1. the curated alias data: ``resources/aliases.tsv`` (format in
   ``resources/ALIASES.md``), then the user's extra alias files, layered over
   the countries of ``pycountry`` (English names and their Japanese gettext
   translations);
2. equal name keys (:meth:`Linker.name_key`: titles and honorifics stripped,
   NFKC, middle dots unified, case-folded) and *loose* keys (katakana
   spelling variants such as ヴ/ブ, ー and small kana folded; Latin diacritics
   dropped), so ウラジミール・プーチン meets ウラジーミル・プーチン;
3. Sudachi synonym groups (``Morpheme.synonym_group_ids()``): two place or
   organisation names that are one Sudachi morpheme each and share a group id
   (キーウ/キエフ, ジュネーブ/ジュネーヴ, 国連/国際連合) are one entity;
3b. spellings of one name in another script or variant, by how they sound
   (:mod:`reader.nlp.crosslink`: Merkel/メルケル, Zelensky/Zelenskyy, ルハンシク/ルハンスク,
   岸田/Kishida through the JMnedict readings): name parts of one kind (surname, given
   name, place, organisation) form spelling classes, and people's signatures below use
   them, so a full name links only when every part does. Each such link is kept with its
   score and shown (``Entity.confidence``, ``Entity.links``); a split undoes it;
4. for people, a bare surname (or an initial + surname) links to the full name
   with that surname: within a document when exactly one such full name is
   named there, and across the corpus when exactly one exists; two different
   people who share a surname are never merged.

Two different curated entries are never merged by this evidence. User
corrections (:class:`Correction`) are applied after all of it, in order, to
the entity ids, so they survive a re-index.

Entity ids are ``"LABEL:canonical"``: the curated canonical name (e.g.
``"PERSON:Vladimir Putin"``, ``"GPE:Brazil"``) or, for entities only the corpus
knows, the most used full form (``"PERSON:オレクサンドル・シルスキー"``). They
depend only on the set of mentions, not on their order. A correction whose id
no longer exists (the corpus grew and the canonical form changed) is resolved
through the name part of the id.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Protocol, Sequence

from reader.nlp.dates import is_relative_date
from reader.nlp.features import LEGAL_FORMS_JA, LEGAL_FORMS_LATIN
from reader.nlp.normalize import normalize_value, value_key

__all__ = [
    "Mention", "Entity", "Correction", "Linker", "Linked", "MentionSource", "AliasTable", "AliasEntry",
    "load_alias_table", "builtin_alias_path", "user_alias_paths", "display_form",
    "VALUE_LABELS", "CORRECTION_KINDS",
]

log = logging.getLogger(__name__)

VALUE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})
NAME_LABELS = ("PERSON", "GPE", "ORG", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP"})
CORRECTION_KINDS = ("rename", "retype", "merge", "split", "hide")
ALIAS_HEADER = ("canonical", "type", "aliases")
ALIAS_FILE_NAME = "aliases.tsv"
MAX_LINKS_SHOWN = 20    # spelling links listed per entity (the weakest)


# ---------------------------------------------------------------------------
# Public data

@dataclass(frozen=True)
class Mention:
    doc: str      # document key
    start: int
    end: int
    label: str
    text: str


@dataclass
class Entity:
    id: str             # "LABEL:canonical", stable across re-index
    name: str           # display name
    label: str
    aliases: list[str]  # surface forms seen (title-stripped), most used first
    hidden: bool = False
    # How sure the linking is: 1.0 unless spellings were joined by transliteration; then the
    # lowest score of those links, each listed in `links` as {"forms": [a, b], "confidence": s}.
    confidence: float = 1.0
    links: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Correction:
    """A user correction, applied after the alias data.

    rename: ``entity`` id gets display name ``value``; retype: label ``value``;
    merge: entity ``value`` (an id) is merged into ``entity``; split: the alias
    ``value`` is split off ``entity`` into an entity of its own; hide: hide it.
    """
    kind: str
    entity: str
    value: str | None = None


# ---------------------------------------------------------------------------
# Text normalisation

_DOT_CHARS = "・･·‧•∙⋅゠=＝"
_DOT_TABLE = str.maketrans({c: "・" for c in _DOT_CHARS})
_QUOTES = "「」『』\"“”‘’'()（）[]【】〈〉《》<>«»"
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ]")
_KATA_OR_LATIN_END = re.compile(r"[ァ-ヴーA-Za-z\u00c0-\u024f.・]$")

# Japanese titles and honorifics that may trail a name (longest match first).
_JA_TITLES = sorted(set("""
大統領 副大統領 大統領特使 大統領補佐官 大統領府長官 大統領報道官 首相 副首相 総理 総理大臣 大臣 外相 国防相 財務相 蔵相
経済相 法相 内相 エネルギー相 外務大臣 防衛大臣 国防大臣 外務次官 国務長官 国防長官 財務長官 商務長官 長官 副長官 国務次官
次官 補佐官 報道官 報道担当 特使 特別特使 中東特使 担当特使 特別代表 大使 公使 領事 代表 議長 副議長 委員長 議員 上院議員
下院議員 国会議員 党首 幹事長 総書記 書記長 書記 国家主席 主席 首脳 国王 女王 王子 王女 皇帝 皇太子 首長 知事 市長 総督
将軍 大将 中将 少将 元帥 司令官 総司令官 最高司令官 参謀総長 総参謀長 提督 大佐 中佐 少佐 大尉
氏 さん 様 さま 殿 君 くん ちゃん 女史 卿 先生
教授 准教授 助教授 講師 博士 社長 会長 副社長 総裁 副総裁 事務総長 事務局長 局長 部長 所長
被告 容疑者 監督 選手 顧問 外交顧問 政務官 官房長官 総主教 法王 教皇 高官 当局者 上級顧問
""".split()), key=len, reverse=True)
# Words that may stand between a name and its title: トランプ前大統領, ルビオ米国務長官.
_JA_MODIFIERS = sorted(set("""
米 米国 アメリカ 露 ロ ロシア 宇 ウクライナ 中 中国 英 英国 仏 フランス 独 ドイツ 日 日本 韓 韓国 北朝鮮 トルコ 伊 加 豪 印
イスラエル ベラルーシ ハンガリー ポーランド 欧州 EU NATO 国連 前 元 次期 現 新 副 初代 首席 中東 国家 同 当時 政府 米政府
露政府 特別 和平 ホワイトハウス クレムリン 国防 外務 大統領
""".split()), key=len, reverse=True)
_JA_MODIFIER_SET = frozenset(_JA_MODIFIERS)
_JA_TITLE_TAILS = ("相", "長官", "大臣", "官", "長", "特使", "大使", "代表", "顧問", "主席", "大統領", "首相", "議員",
                   "知事", "将軍", "教授", "博士", "氏", "総裁", "元帥", "大将", "中将", "少将", "書記", "補佐", "首脳",
                   "会長", "社長", "委員")
_EN_TITLE_WORDS = frozenset("""
president vice vp mr mrs ms miss mx dr prof professor secretary minister prime foreign defense defence general gen
lt lieutenant colonel col adm admiral sen senator rep representative gov governor mayor ambassador envoy special
spokesman spokeswoman spokesperson press chancellor king queen prince princess sheikh pope sir dame lord chairman
chairwoman chair commander marshal field speaker crown supreme leader us american russian ukrainian chinese french
british german turkish israeli european former ex then incoming outgoing deputy acting white house kremlin state of
treasury director ceo chief aide adviser advisor national security late premier commissioner economic top
justice attorney
""".split())
_GENERATIONAL = frozenset({"jr", "sr", "ii", "iii", "iv", "ジュニア", "シニア"})
# What a company's or a place's name carries besides the name, left out when its sound is
# compared: legal forms ("Lockheed Martin Corp.", "Siemens AG", シーメンス社, 株式会社) and the
# one-kanji country a newspaper puts before a foreign company (独シーメンス, 米ボーイング).
_JA_COUNTRY_PREFIX = re.compile(r"^[米露宇中英仏独日韓伊加豪印蘭台](?=[ァ-ヴ])")
_JA_LEGAL_FORM = re.compile(rf"^(?:{'|'.join(LEGAL_FORMS_JA[:-1])})(?=[ァ-ヴ])"      # 株式会社ソニー
                            rf"|(?<=[ァ-ヴー])(?:{'|'.join(LEGAL_FORMS_JA)})$")      # シーメンス社
_KANA_FOLD = [("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴュ", "ビュ"), ("ヴ", "ブ"),
              ("ヂ", "ジ"), ("ヅ", "ズ"), ("ヲ", "オ"), ("ヰ", "イ"), ("ヱ", "エ"), ("ァ", "ア"), ("ィ", "イ"),
              ("ゥ", "ウ"), ("ェ", "エ"), ("ォ", "オ"), ("ヵ", "カ"), ("ヶ", "ケ"), ("ッ", ""), ("ー", "")]


def _is_japanese(text: str) -> bool:
    return bool(_JA_CHAR.search(text))


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_DOT_TABLE)
    s = re.sub(r"\s+", " ", s).strip().strip(_QUOTES).strip()
    s = re.sub(r"\s*・\s*", "・", s).strip("・")
    s = re.sub(r"(?<=[ァ-ヴー])\s+(?=[ァ-ヴー])", "・", s)   # ドナルド トランプ -> ドナルド・トランプ
    s = re.sub(r"(?<=[ァ-ヴ])[-‐](?=[ァ-ヴ]|$)", "ー", s)  # プ-チン -> プーチン
    return s


def _strip_person_titles(s: str) -> str:
    original = s
    # English prefixes: "U.S. President Donald Trump", "Special Envoy Steve Witkoff", "Mr. Putin"
    words = s.split(" ")
    while len(words) > 1:
        w = words[0].lower().replace(".", "").replace("-elect", "").strip(",")
        if w in _EN_TITLE_WORDS or w == "":
            words.pop(0)
        else:
            break
    s = " ".join(words)
    s = re.sub(r"['’]s$", "", s)
    s = re.sub(r",?\s+(?:the\s+)?(?:president|prime minister|secretary of state)$", "", s, flags=re.I)
    if s.startswith("故") and len(s) > 2:
        s = s[1:]
    # Japanese suffixes: プーチン大統領, ルビオ米国務長官, トランプ前大統領, ウィトコフ中東特使
    stripped = False
    changed = True
    while changed:
        changed = False
        for t in _JA_TITLES:
            if s.endswith(t) and len(s) > len(t):
                s = s[: -len(t)].rstrip("・ ")
                stripped = changed = True
                break
        if not stripped:
            continue
        for mod in _JA_MODIFIERS:
            if s.endswith(mod) and len(s) > len(mod):
                rest = s[: -len(mod)]
                if len(mod) > 1 or _KATA_OR_LATIN_END.search(rest):
                    s = rest.rstrip("・ ")
                    changed = True
                    break
    # a katakana/Latin name followed by a kanji title not in the list: "ベロウソフ国防相"
    m = re.fullmatch(r"(.*[ァ-ヴーA-Za-z.])([\u4e00-\u9fff々]+)", s)
    if m and m.group(2).endswith(_JA_TITLE_TAILS):
        s = m.group(1).rstrip("・ ")
    if not s or s in _JA_MODIFIER_SET or s.lower() in _EN_TITLE_WORDS:
        return original  # only a role ("米大統領", "President"): keep it whole
    return s


@lru_cache(maxsize=262_144)
def display_form(text: str, label: str) -> str:
    """The surface as shown: NFKC, dots unified, quotes and (for people) titles stripped."""
    s = _clean(text or "")
    if label == "PERSON":
        s = _strip_person_titles(s)
    s = re.sub(r"^the\s+", "", s, flags=re.I) if " " in s else s
    return s or (text or "").strip()


@lru_cache(maxsize=262_144)
def _name_key(text: str, label: str) -> str:
    k = display_form(text, label).casefold()
    k = re.sub(r"^the\s+", "", k)
    k = re.sub(r"(?<=[a-z])\.", "", k)       # u.s. -> us, st. petersburg -> st petersburg
    k = re.sub(r"['’]s$", "", k)
    k = re.sub(r"\s+", " ", k).strip()
    return k or (text or "").strip().casefold()


@lru_cache(maxsize=262_144)
def _loose_key(key: str) -> str | None:
    s = key
    for a, b in _KANA_FOLD:
        s = s.replace(a, b)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not "\u0300" <= c <= "\u036f")
    s = unicodedata.normalize("NFC", s)
    s = re.sub(r"[・ \-‐'’.,]", "", s)
    return s if len(s) >= 3 else None


def _parts(key: str) -> list[str]:
    return [p for p in re.split(r"[・ ]", key) if p]


def _person_signature(key: str) -> tuple[str, str, str, bool] | None:
    """(surname, first given name, generational suffix, abbreviated) for a multi-part name key."""
    parts = _parts(key)
    suffix = ""
    if len(parts) >= 3 and parts[-1].strip(".") in _GENERATIONAL:
        suffix = parts.pop().strip(".")
    if len(parts) < 2:
        return None
    surname, given = parts[-1], parts[:-1]
    loose_surname = _loose_key(surname) or surname
    abbreviated = all(len(g.strip(".")) == 1 for g in given)
    first = given[0].strip(".")
    return (loose_surname, first if abbreviated else (_loose_key(first) or first), suffix, abbreviated)


def _name_core(key: str) -> str:
    """A whole name's parts joined, without legal form or country prefix (features.LEGAL_FORMS_*)."""
    parts = _parts(key)
    while len(parts) > 1 and parts[-1].strip(".,") in LEGAL_FORMS_LATIN:
        parts.pop()
    joined = "".join(parts).rstrip(".,")
    return _JA_COUNTRY_PREFIX.sub("", _JA_LEGAL_FORM.sub("", joined))


def _is_full_name(form: str) -> bool:
    """Given name and surname: two or more parts, or a kanji name of three or more characters (習近平)."""
    return len(_parts(form)) > 1 or bool(re.fullmatch(r"[\u4e00-\u9fff々]{3,}", form))


def _initial_ok(initial: str, first: str) -> bool:
    if not initial or not first:
        return True
    if _is_japanese(initial) != _is_japanese(first):
        return True  # J・クシュナー vs Jared Kushner: scripts differ, can't compare
    return first.startswith(initial)


# ---------------------------------------------------------------------------
# Alias data

def builtin_alias_path() -> Path:
    try:
        from reader.paths import resource_path
        return resource_path(ALIAS_FILE_NAME)
    except Exception:  # pragma: no cover - paths module unavailable
        return Path(__file__).resolve().parents[2] / "resources" / ALIAS_FILE_NAME


def user_alias_paths(data_dir: Path) -> list[Path]:
    """The user's own alias file in their data directory, if they made one."""
    p = Path(data_dir) / ALIAS_FILE_NAME
    return [p] if p.is_file() else []


def load_alias_table(path: Path) -> list[tuple[str, str, list[str]]]:
    """Rows (canonical, type, aliases) of an alias TSV; bad lines are logged and skipped."""
    rows: list[tuple[str, str, list[str]]] = []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        log.warning("alias file %s unreadable: %s", path, exc)
        return rows
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if not header_seen:
            header_seen = True
            if tuple(c.lower() for c in cols[:3]) == ALIAS_HEADER:
                continue
            log.warning("%s: no 'canonical\\ttype\\taliases' header; reading rows anyway", path)
        if len(cols) < 2 or not cols[0] or not cols[1]:
            log.warning("%s:%d: expected canonical<TAB>type<TAB>aliases", path, lineno)
            continue
        label = cols[1].upper()
        if not re.fullmatch(r"[A-Z_]+", label):
            log.warning("%s:%d: bad type %r", path, lineno, cols[1])
            continue
        aliases = [a.strip() for a in (cols[2] if len(cols) > 2 else "").split("|") if a.strip()]
        rows.append((cols[0], label, aliases))
    return rows


@dataclass
class AliasEntry:
    canonical: str
    type: str
    aliases: list[str]
    source: str

    @property
    def id(self) -> str:
        return f"{self.type}:{self.canonical}"


def _split_country_name(name: str) -> list[str]:
    out = [name]
    m = re.fullmatch(r"(.+?)\s*[(（](.+)[)）]\s*", name)
    if m:
        out += [m.group(1), m.group(2)]
    m = re.fullmatch(r"([^,]+),\s*(.+)", name)
    if m:
        out.append(f"{m.group(2)} {m.group(1)}")
    return out


@lru_cache(maxsize=1)
def _pycountry_rows() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(canonical, "GPE", aliases) per ISO 3166-1 country: English names and Japanese translations."""
    try:
        import gettext

        import pycountry
    except ImportError:  # pragma: no cover
        return ()
    try:
        ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
        tr = ja.gettext
    except OSError:  # pragma: no cover
        tr = None
    rows = []
    for c in pycountry.countries:
        english = [n for n in (getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)) if n]
        aliases: list[str] = []
        for n in english:
            for form in _split_country_name(n):
                if form not in aliases:
                    aliases.append(form)
            if tr is not None:
                jn = tr(n)
                if jn != n:
                    for form in _split_country_name(jn):
                        if form not in aliases:
                            aliases.append(form)
        rows.append((english[0], "GPE", tuple(aliases)))
    return tuple(rows)


class AliasTable:
    """pycountry countries, then alias files layered over them, in order.

    A file row whose canonical (same type) was already defined extends that
    entry; a GPE/LOC row sharing a name with a pycountry country absorbs the
    country (the row's canonical wins); otherwise a row is a new entry, and an
    alias already owned by another entry moves to it (later files win).
    """

    def __init__(self, paths: Sequence[Path] = (), use_pycountry: bool = True):
        self.entries: list[AliasEntry] = []
        self.owner: dict[str, int] = {}          # name key -> entry index
        self._by_canon: dict[tuple[str, str], int] = {}
        if use_pycountry:
            for canonical, label, aliases in _pycountry_rows():
                self._add(canonical, label, list(aliases), "pycountry")
        for path in paths:
            for canonical, label, file_aliases in load_alias_table(path):
                self._add(canonical, label, file_aliases, str(path))
        self._finish()

    def _add(self, canonical: str, label: str, aliases: list[str], source: str) -> None:
        forms = [canonical] + [a for a in aliases if a != canonical]
        keys = [_name_key(a, label) for a in forms]
        ckey = (label, keys[0])
        target = self._by_canon.get(ckey)
        if source == "pycountry":
            if any(k in self.owner for k in keys):
                forms = [f for f, k in zip(forms, keys) if k not in self.owner]
                keys = [k for k in keys if k not in self.owner]
                if not forms:
                    return
        elif target is None and label in ("GPE", "LOC"):
            hits = sorted({self.owner[k] for k in keys if k in self.owner
                           and self.entries[self.owner[k]].source == "pycountry"})
            if hits:
                target = hits[0]
                absorbed = self.entries[target]
                merged = forms + [a for a in absorbed.aliases if a not in forms]
                self.entries[target] = AliasEntry(canonical, label, merged, source)
                for other in hits[1:]:
                    for k, idx in list(self.owner.items()):
                        if idx == other:
                            self.owner[k] = target
                    self.entries[target].aliases += [a for a in self.entries[other].aliases
                                                     if a not in self.entries[target].aliases]
                    self.entries[other].aliases = []
        if target is None:
            target = len(self.entries)
            self.entries.append(AliasEntry(canonical, label, forms, source))
        else:
            entry = self.entries[target]
            entry.aliases += [f for f in forms if f not in entry.aliases]
            entry.source = source   # a file row extending a pycountry country makes it curated by the file
        for k in keys:
            self.owner[k] = target
        self._by_canon[ckey] = target

    def _finish(self) -> None:
        loose: dict[str, set[int]] = defaultdict(set)
        sig: dict[tuple[str, str, str], set[int]] = defaultdict(set)
        for k, idx in self.owner.items():
            lk = _loose_key(k)
            if lk:
                loose[lk].add(idx)
            if self.entries[idx].type == "PERSON":
                s = _person_signature(k)
                if s and not s[3]:
                    sig[s[:3]].add(idx)
        self.loose_owner = {lk: next(iter(v)) for lk, v in loose.items() if len(v) == 1}
        self.person_sig_owner = {s: next(iter(v)) for s, v in sig.items() if len(v) == 1}
        self._group_owner: dict[int, int] | None = None

    def group_owner(self) -> dict[int, int]:
        """Sudachi synonym group id -> entry, from the Japanese aliases of non-person entries."""
        if self._group_owner is None:
            groups: dict[int, set[int]] = defaultdict(set)
            for k, idx in self.owner.items():
                if self.entries[idx].type != "PERSON" and _is_japanese(k):
                    for g in _synonym_groups(k):
                        groups[g].add(idx)
            self._group_owner = {g: next(iter(v)) for g, v in groups.items() if len(v) == 1}
        return self._group_owner

    def aliases_of(self, idx: int) -> list[str]:
        """The entry's aliases it still owns (in file order)."""
        e = self.entries[idx]
        return [a for a in e.aliases if self.owner.get(_name_key(a, e.type)) == idx]


@lru_cache(maxsize=8)
def _cached_table(paths: tuple[tuple[str, float], ...], use_pycountry: bool) -> AliasTable:
    return AliasTable([Path(p) for p, _mtime in paths], use_pycountry)


def _table_for(paths: Sequence[Path], use_pycountry: bool) -> AliasTable:
    stamped = []
    for p in paths:
        try:
            stamped.append((str(p), Path(p).stat().st_mtime))
        except OSError:
            log.warning("alias file %s not found", p)
    return _cached_table(tuple(stamped), use_pycountry)


# ---------------------------------------------------------------------------
# Sudachi synonym groups

_SUDACHI: list = []   # [tokenizer] once loaded, [None] if unavailable
_SUDACHI_LOCK = threading.Lock()   # a Sudachi tokenizer must not be used by two threads at once


def _tokenizer():
    """The shared SplitMode.C tokenizer; call with _SUDACHI_LOCK held."""
    if not _SUDACHI:
        try:
            from reader.nlp import sudachi
            _SUDACHI.append(sudachi.dictionary().tokenizer(mode="C"))
        except Exception as exc:  # pragma: no cover - sudachi missing
            log.warning("Sudachi unavailable, synonym groups not used: %s", exc)
            _SUDACHI.append(None)
    return _SUDACHI[0]


@lru_cache(maxsize=131_072)
def _synonym_groups(surface: str) -> tuple[int, ...]:
    """Synonym group ids of a surface that is one Sudachi noun morpheme, else ()."""
    if not surface or len(surface) > 30:
        return ()
    with _SUDACHI_LOCK:
        tok = _tokenizer()
        if tok is None:
            return ()
        try:
            ms = tok.tokenize(surface)
            if len(ms) != 1 or ms[0].part_of_speech()[0] != "名詞":
                return ()
            return tuple(ms[0].synonym_group_ids())
        except Exception:  # pragma: no cover
            return ()


# ---------------------------------------------------------------------------
# Linking

_LABEL_ORDER = {label: i for i, label in enumerate(NAME_LABELS)}


def _majority(labels: Counter) -> str:
    return min(labels.items(), key=lambda kv: (-kv[1], _LABEL_ORDER.get(kv[0], 99), kv[0]))[0]


class _UnionFind:
    """Union-find over name keys and curated entries ("\\0c<index>"); never joins two curated entries."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.curated: dict[str, int] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ca, cb = self.curated.get(ra), self.curated.get(rb)
        if ca is not None and cb is not None and ca != cb:
            return False
        if rb < ra:
            ra, rb = rb, ra
            ca, cb = cb, ca
        self.parent[rb] = ra
        if ca is None and cb is not None:
            self.curated[ra] = cb
        return True

    def curated_of(self, x: str) -> int | None:
        return self.curated.get(self.find(x))


@dataclass
class _Group:
    id: str
    members: list[int]          # units (see Linker._surface_counts)
    first: int = 0              # position of its first mention: orders groups that share an id
    curated: int | None = None
    value: bool = False
    name: str | None = None
    label: str | None = None
    hidden: bool = False
    keys: set[str] = field(default_factory=set)


_PLACE_KIND_LABELS = frozenset({"GPE", "LOC", "FAC"})
_ORG_KIND_LABELS = frozenset({"ORG", "PRODUCT"})


class _Spellings:
    """Name parts of the corpus that spell one name in another script or variant (see
    :mod:`reader.nlp.crosslink`), in the terms the linker works in: loose keys and signatures."""

    def __init__(self, all_keys: list[str], sigs: dict[str, tuple[str, str, str, bool]],
                 is_person, majority_label, curated, written) -> None:
        from reader.nlp import crosslink

        self.kinds = crosslink
        self.sigs = sigs
        self.unit_of: dict[tuple[str, str], str] = {}     # (kind, loose part) -> spelling compared
        self.kind_of: dict[str, str] = {}                 # whole-name key -> kind
        self.open: set[tuple[str, str]] = set()           # (kind, unit) of a name the table lacks
        self.acronyms: set[str] = set()                   # units written in capitals (NHK, KAT-TUN)
        for k in all_keys:
            settled = curated(k)
            if k in sigs:
                parts = _parts(k)
                if len(parts) >= 3 and parts[-1].strip(".") in _GENERATIONAL:
                    parts.pop()
                self._add(crosslink.SURNAME, sigs[k][0], parts[-1], settled)
                if not sigs[k][3]:
                    self._add(crosslink.GIVEN, sigs[k][1], parts[0], settled)
                continue
            kind = self._whole_kind(k, is_person, majority_label)
            if kind:
                self.kind_of[k] = kind
                unit = self._add(kind, self.loose(k), _name_core(k), settled)
                form = written(k)
                if unit and len(form) > 1 and form.upper() == form and re.search(r"[A-Z]", form):
                    self.acronyms.add(unit)
        parts_by_kind: dict[str, set[str]] = defaultdict(set)
        for (kind, _), unit in self.unit_of.items():
            parts_by_kind[kind].add(unit)
        self.classes = crosslink.spelling_classes(parts_by_kind, self.open, frozenset(self.acronyms))
        self._cross_kind = self._cross_kind_links(all_keys, curated)

    def _cross_kind_links(self, all_keys: list[str], curated) -> list[tuple[str, str, float]]:
        """Whole names of different kinds, across scripts, that spell one name (the extractor
        typed "Siemens" a person and シーメンス a company): (key, key, score). A bare name that
        is the surname of a full name in the library is a person and stays out, and so does a
        name already spelled in the other script within its own kind."""
        kinds = self.kinds
        surnames = {self.cls(kinds.SURNAME, s[0]) for s in self.sigs.values() if not s[3]}
        partnered = self.classes.partnered()
        keys_of: dict[tuple[str, str], list[str]] = defaultdict(list)
        units: dict[str, set[str]] = defaultdict(set)
        open_units: set[tuple[str, str]] = set()
        for k in all_keys:
            kind = self.kind_of.get(k)
            if kind == kinds.SURNAME and self.surname(k) in surnames:
                continue
            if kind:
                unit = self.unit_of.get((kind, self.loose(k)))
            elif k in self.sigs and not self.sigs[k][3]:
                kind, unit = kinds.WHOLE_PERSON, self._whole_unit(k)
            else:
                continue
            if unit and (kind, unit) not in partnered:
                keys_of[kind, unit].append(k)
                units[kind].add(unit)
                if not curated(k):
                    open_units.add((kind, unit))
        links: list[tuple[str, str, float]] = []
        for kind_a, a, kind_b, b, score in kinds.cross_kind_pairs(units, open_units, frozenset(self.acronyms)):
            links.extend((ka, kb, score) for ka in keys_of[kind_a, a] for kb in keys_of[kind_b, b])
        return links

    def _whole_unit(self, k: str) -> str | None:
        from reader.nlp.transliterate import fold_latin

        joined = _name_core(k)
        if self.kinds.script_of(joined) == "kana":
            return joined
        return fold_latin(joined) if re.fullmatch(r"[a-z.\-']+", joined) else None   # no digits

    def cross_kind_links(self) -> list[tuple[str, str, float]]:
        return self._cross_kind

    @staticmethod
    def loose(k: str) -> str:
        return _loose_key(k) or k

    def _whole_kind(self, k: str, is_person, majority_label) -> str | None:
        if is_person(k):
            return self.kinds.SURNAME if len(_parts(k)) == 1 else None
        label = majority_label(k)
        if label in _PLACE_KIND_LABELS:
            return self.kinds.PLACE
        if label in _ORG_KIND_LABELS:
            return self.kinds.ORG
        return None

    def _add(self, kind: str, loose: str, raw: str, settled: bool) -> str | None:
        from reader.nlp.transliterate import fold_latin

        if self.kinds.script_of(raw) in ("kana", "kanji"):
            unit = raw
        elif re.search(r"[a-z]", raw) and not re.search(r"\d", raw) and not _is_japanese(raw):
            unit = fold_latin(raw)   # (a name with digits is a model or a version, not a sound: Xbox360)
        else:
            return None
        if unit:
            unit = self.unit_of.setdefault((kind, loose), unit)
            if not settled:
                self.open.add((kind, unit))
        return unit or None

    def cls(self, kind: str, loose: str) -> str:
        unit = self.unit_of.get((kind, loose))
        return self.classes.of(kind, unit) if unit else loose

    def conf(self, kind: str, a: str, b: str) -> float | None:
        """Confidence that two loose parts spell one name; None when they are simply equal."""
        if a == b:
            return None
        ua, ub = self.unit_of.get((kind, a)), self.unit_of.get((kind, b))
        if ua is None or ub is None:
            return None
        return self.classes.conf(kind, ua, ub) if ua != ub else None

    def signature(self, s: tuple[str, str, str, bool]) -> tuple[str, str, str, bool]:
        given = s[1] if s[3] else self.cls(self.kinds.GIVEN, s[1])
        return (self.cls(self.kinds.SURNAME, s[0]), given, s[2], s[3])

    def signature_conf(self, a: tuple, b: tuple) -> float | None:
        confs = [self.conf(self.kinds.SURNAME, a[0], b[0])]
        if not (a[3] or b[3]):
            confs.append(self.conf(self.kinds.GIVEN, a[1], b[1]))
        found = [c for c in confs if c is not None]
        return min(found) if found else None

    def surname(self, k: str) -> str:
        return self.cls(self.kinds.SURNAME, self.loose(k))

    def surname_conf(self, k: str, full_surname: str) -> float | None:
        own = self.sigs[k][0] if k in self.sigs else self.loose(k)
        return self.conf(self.kinds.SURNAME, own, full_surname)

    def whole_name_groups(self) -> list[tuple[str, list[str]]]:
        """Keys (places, organisations, bare surnames) whose whole names are one spelling class
        or one name once a legal form is left out (独シーメンス社, シーメンス)."""
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for k in sorted(self.kind_of):
            kind = self.kind_of[k]
            groups[(kind, self.cls(kind, self.loose(k)))].append(k)
        return [(kind, ks) for (kind, _), ks in sorted(groups.items()) if len(ks) > 1]

    def whole_conf(self, kind: str, a: str, b: str) -> float | None:
        return self.conf(kind, self.loose(a), self.loose(b))


class MentionSource(Protocol):
    """Mentions to link, read in two ways (see :meth:`Linker.link_source`)."""

    def surfaces(self) -> Iterable[tuple[str, str, int, int]]:
        """(text, label, mentions, position of the first) for each distinct text and label."""

    def documents(self) -> Iterable[tuple[str, str | None, Sequence[tuple]]]:
        """(document key, its date, its mentions) per document, each mention a row that begins
        (position, text, label); a position orders mentions across the corpus. The same rows,
        in the same order, each time it is read."""


class _MentionList:
    """Mentions in memory as a :class:`MentionSource`; a mention's position is its index."""

    def __init__(self, mentions: Sequence[Mention], doc_dates: Mapping[str, str | None]) -> None:
        self.mentions = mentions
        self.doc_dates = doc_dates

    def surfaces(self) -> list[tuple[str, str, int, int]]:
        seen: dict[tuple[str, str], list[int]] = {}
        for i, m in enumerate(self.mentions):
            surface = (m.text or "", m.label or "")
            if surface in seen:
                seen[surface][0] += 1
            else:
                seen[surface] = [1, i]
        return [(text, label, count, first) for (text, label), (count, first) in seen.items()]

    def documents(self) -> Iterable[tuple[str, str | None, list[tuple]]]:
        by_doc: dict[str, list[tuple]] = defaultdict(list)
        for i, m in enumerate(self.mentions):
            by_doc[m.doc].append((i, m.text or "", m.label or ""))
        for doc, rows in by_doc.items():
            yield doc, self.doc_dates.get(doc), rows


def _value_group(text: str, label: str, doc: str, doc_date: str | None) -> str:
    """The entity id of a value (date, amount) mention in document `doc`."""
    vk = _value_key(text, label, doc_date)
    if label == "DATE" and _unresolved_relative(text, doc_date):
        vk = f"{vk}@{doc[:8]}"   # 本日 with no known date: that document's day, not a shared one
    return f"{label}:{vk}"


class _DocumentLinks:
    """The per-document step of linking: the unit (root, name key, text, label) of each of a
    document's mentions. A bare surname goes to the one full name with that surname in its own
    document (when there is one); a value goes to its value group (key None)."""

    def __init__(self, uf: _UnionFind, sigs: dict, raw_sigs: dict, surname_of: dict, spelling: _Spellings) -> None:
        self.uf = uf
        self.sigs = sigs
        self.raw_sigs = raw_sigs
        self.surname_of = surname_of
        self.spelling = spelling
        self.links: set[tuple[str, str, float | None]] = set()   # (full name, surname, confidence)
        self._surnames: dict[tuple[str, str], tuple[str, str, bool] | None] = {}

    def units(self, doc: str, doc_date: str | None, rows: Sequence[tuple]) -> list[tuple]:
        keys = [None if row[2] in VALUE_LABELS else _name_key(row[1], row[2]) for row in rows]
        sigs = self.sigs
        full_names = {k for k in keys if k is not None and k in sigs and not sigs[k][3]}
        units: list[tuple] = []
        for row, k in zip(rows, keys):
            text, label = row[1], row[2]
            if k is None:
                units.append((_value_group(text, label, doc, doc_date), None, text, label))
                continue
            surname = self._surname(k, label) if full_names else None
            root = self._root_in(full_names, k, surname) if surname else self.uf.find(k)
            units.append((root, k, text, label))
        return units

    def _surname(self, k: str, label: str) -> tuple[str, str, bool] | None:
        """(surname, initial, curated) when the mention may name a full name of its document."""
        if (k, label) in self._surnames:
            return self._surnames[(k, label)]
        found: tuple[str, str, bool] | None = None
        # (a mention tagged PERSON counts even when the key is mostly something else:
        #  ワシントン next to ジョージ・ワシントン)
        if k in self.surname_of or (label == "PERSON" and len(_parts(k)) == 1):
            sur, initial = self.surname_of.get(k) or (self.spelling.surname(k), "")
            found = (sur, initial, self.uf.curated_of(k) is not None)
        self._surnames[(k, label)] = found
        return found

    def _root_in(self, full_names: set[str], k: str, surname: tuple[str, str, bool]) -> str:
        uf, sigs = self.uf, self.sigs
        sur, initial, curated_surname = surname
        fulls = {f: uf.find(f) for f in full_names
                 if sigs[f][0] == sur and _initial_ok(initial, _parts(f)[0])
                 and not (curated_surname and sigs[f][2])}
        root = uf.find(k)
        if len(set(fulls.values())) == 1:
            f = min(fulls)
            if fulls[f] != root:
                self.links.add((f, k, self.spelling.surname_conf(k, self.raw_sigs[f][0])))
            root = fulls[f]
        return root


class Linked:
    """What :meth:`Linker.link_source` decided, applied to a document's mentions."""

    def __init__(self, documents: _DocumentLinks, entity_of: dict[tuple, str]) -> None:
        self._documents = documents
        self._entity_of = entity_of

    def entity_ids(self, doc: str, doc_date: str | None, rows: Sequence[tuple]) -> list[str]:
        """The entity id of each of a document's mentions (rows as the source gave them)."""
        return [self._entity_of[unit] for unit in self._documents.units(doc, doc_date, rows)]


class Linker:
    """Links mentions to canonical entities; see the module docstring.

    ``alias_paths`` are alias files read after the built-in table (pass
    :func:`user_alias_paths` of the data dir); ``corrections`` are applied, in
    order, after linking. ``builtin_aliases``, ``use_pycountry`` and
    ``use_sudachi`` switch the data sources off (for tests).
    """

    # group ids by name key: reset by each _apply_corrections run, built lazily by _resolve
    _key_index: defaultdict[str, set[str]] | None

    def __init__(self, alias_paths: list[Path] | None = None, corrections: Iterable[Correction] = (),
                 *, builtin_aliases: bool = True, use_pycountry: bool = True, use_sudachi: bool = True):
        paths = ([builtin_alias_path()] if builtin_aliases else []) + [Path(p) for p in (alias_paths or [])]
        self.table = _table_for(paths, use_pycountry)
        self.corrections = list(corrections)
        self.use_sudachi = use_sudachi
        self.unresolved: list[Correction] = []   # corrections whose entity could not be found last run
        self._links: list[tuple[str, str, float | None]] = []   # (key, key, confidence) joined by spelling
        self._key_form: dict[str, str] = {}
        self._links_by_key: dict[str, list] | None = None
        self._cross_kind_keys: set[str] = set()   # keys joined to a name the extractor typed otherwise

    # -- keys ---------------------------------------------------------------

    @staticmethod
    def name_key(text: str, label: str) -> str:
        """Title-stripped (people), NFKC, middle dots unified (・), case-folded name key."""
        return _name_key(text or "", label or "")

    # -- linking ------------------------------------------------------------

    def link(self, mentions: Sequence[Mention],
             doc_dates: Mapping[str, str | None] | None = None) -> tuple[list[Entity], list[str]]:
        """Entities and, parallel to ``mentions``, each mention's entity id.

        ``doc_dates`` (document key -> ISO date) lets relative dates (昨年, 12月1日) be resolved.
        """
        source = _MentionList(mentions, doc_dates or {})
        entities, linked = self.link_source(source)
        ids = [""] * len(mentions)
        for doc, doc_date, rows in source.documents():
            for row, entity_id in zip(rows, linked.entity_ids(doc, doc_date, rows)):
                ids[row[0]] = entity_id
        return entities, ids

    def link_source(self, source: MentionSource) -> tuple[list[Entity], Linked]:
        """The entities of the mentions `source` gives, and what names each mention's entity.

        Memory grows with the distinct surfaces and the entities, never with the mentions:
        the corpus-wide evidence is read from the distinct surfaces, then the documents are
        read one at a time (for a surname and the full name in its document); the caller
        reads them once more through :meth:`Linked.entity_ids`.
        """
        label_votes: dict[str, Counter] = defaultdict(Counter)
        self._key_form = key_form = {}   # name key -> the form it was first written in, to show links
        first_seen: dict[str, int] = {}
        japanese = named = 0
        for text, label, count, first in source.surfaces():
            if label in VALUE_LABELS:
                continue
            k = _name_key(text, label)
            label_votes[k][label] += count
            if first < first_seen.get(k, first + 1):
                first_seen[k] = first
                key_form[k] = display_form(text, label)
            named += count
            if _is_japanese(text):
                japanese += count
        del first_seen

        uf = _UnionFind()
        table = self.table
        all_keys = sorted(label_votes)
        for k in all_keys:
            uf.find(k)

        def curate(k: str, idx: int) -> None:
            node = f"\0c{idx}"
            uf.curated[uf.find(node)] = idx
            uf.union(node, k)

        def is_person(k: str) -> bool:
            c = uf.curated_of(k)
            if c is not None:
                return table.entries[c].type == "PERSON"
            return _majority(label_votes[k]) == "PERSON"

        # 1. curated names: exact key, then loose key, then a person's full-name signature
        for k in all_keys:
            idx = table.owner.get(k)
            if idx is not None:
                curate(k, idx)
        for k in all_keys:
            if uf.curated_of(k) is None:
                lk = _loose_key(k)
                if lk and lk in table.loose_owner:
                    curate(k, table.loose_owner[lk])
        sigs: dict[str, tuple[str, str, str, bool]] = {}
        for k in all_keys:
            if is_person(k):
                s = _person_signature(k)
                if s:
                    sigs[k] = s
                    if not s[3] and uf.curated_of(k) is None and s[:3] in table.person_sig_owner:
                        curate(k, table.person_sig_owner[s[:3]])

        # 2. Sudachi synonym groups (places and organisations that are one morpheme)
        if self.use_sudachi:
            group_owner: dict[int, int] | None = None
            by_group: dict[int, list[str]] = defaultdict(list)
            for k in all_keys:
                if uf.curated_of(k) is not None or not _is_japanese(k):
                    continue
                if _majority(label_votes[k]) not in _PLACE_LABELS:
                    continue
                synonym_groups = _synonym_groups(k)
                if not synonym_groups:
                    continue
                if group_owner is None:
                    group_owner = table.group_owner()
                owners = {group_owner[group_no] for group_no in synonym_groups if group_no in group_owner}
                if len(owners) == 1:
                    curate(k, owners.pop())
                for group_no in synonym_groups:
                    by_group[group_no].append(k)
            for group_no in sorted(by_group):
                ks = by_group[group_no]
                for k in ks[1:]:
                    uf.union(ks[0], k)

        # 3. loose keys among corpus names (spelling variants, missing middle dots)
        by_loose: dict[str, list[str]] = defaultdict(list)
        for k in all_keys:
            lk = _loose_key(k)
            if lk:
                by_loose[lk].append(k)
        for lk in sorted(by_loose):
            ks = by_loose[lk]
            for k in ks[1:]:
                uf.union(ks[0], k)

        # 3b. spellings of one name in other scripts or variants, by transliteration (no table):
        # name parts that spell one name get one class, and people's signatures use the classes
        spelling = _Spellings(all_keys, sigs, is_person, lambda k: _majority(label_votes[k]),
                              lambda k: uf.curated_of(k) is not None, lambda k: key_form.get(k, k))
        raw_sigs = sigs
        sigs = {k: spelling.signature(s) for k, s in raw_sigs.items()}
        self._links = links = []
        self._links_by_key = None
        for kind, ks in spelling.whole_name_groups():
            for k in ks[1:]:
                if uf.union(ks[0], k):
                    links.append((ks[0], k, spelling.whole_conf(kind, ks[0], k)))
        self._cross_kind_keys = set()
        for a, b, score in spelling.cross_kind_links():
            if uf.find(a) != uf.find(b) and uf.union(a, b):
                links.append((a, b, score))
                self._cross_kind_keys.update((a, b))

        # 4. people: full names with the same surname, first name and suffix (Donald J. Trump / Donald Trump)
        by_sig: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        by_surname: dict[str, list[str]] = defaultdict(list)
        for k in sorted(sigs):
            s = sigs[k]
            if not s[3]:
                by_sig[s[:3]].append(k)
                by_surname[s[0]].append(k)
        for sg in sorted(by_sig):
            ks = by_sig[sg]
            for k in ks[1:]:
                if uf.union(ks[0], k) and raw_sigs[k][:3] != raw_sigs[ks[0]][:3]:
                    links.append((ks[0], k, spelling.signature_conf(raw_sigs[ks[0]], raw_sigs[k])))

        # 5. bare surnames (and initial + surname) -> the one full name across the corpus
        surname_of: dict[str, tuple[str, str]] = {}   # key -> (loose surname, initial)
        for k in all_keys:
            if not is_person(k):
                continue
            if k in sigs:
                if sigs[k][3]:
                    surname_of[k] = (sigs[k][0], sigs[k][1])
            elif len(_parts(k)) == 1:
                surname_of[k] = (spelling.surname(k), "")
        for k in sorted(surname_of):
            sur, initial = surname_of[k]
            full = [f for f in by_surname.get(sur, ()) if _initial_ok(initial, _parts(f)[0])]
            if not full:
                continue
            roots = {uf.find(f) for f in full}
            own = uf.find(k)
            if own in roots:
                continue
            if uf.curated_of(k) is None and len(roots) == 1:
                uf.union(k, full[0])
                links.append((full[0], k, spelling.surname_conf(k, raw_sigs[full[0]][0])))

        # 6. per document: a surname names the one full name with that surname in its document
        documents = _DocumentLinks(uf, sigs, raw_sigs, surname_of, spelling)
        unit_count: Counter = Counter()     # (root, key, text, label) -> mentions
        unit_first: dict[tuple, int] = {}   # -> the position of its first mention
        for doc, doc_date, rows in source.documents():
            for row, unit in zip(rows, documents.units(doc, doc_date, rows)):
                unit_count[unit] += 1
                if row[0] < unit_first.get(unit, row[0] + 1):
                    unit_first[unit] = row[0]
        links.extend(documents.links)
        self._units = units = list(unit_count)
        self._unit_counts = [unit_count[u] for u in units]
        del unit_count

        # 7. groups and their ids
        members: dict[str, list[int]] = defaultdict(list)
        vgroups: dict[str, list[int]] = defaultdict(list)
        for u, (root, k, _text, _label) in enumerate(units):
            (vgroups if k is None else members)[root].append(u)
        groups: list[_Group] = []
        for r, us in members.items():
            cur = uf.curated.get(r)
            g = _Group(id="", members=us, curated=cur, keys={units[u][1] for u in us},
                       first=min(unit_first[units[u]] for u in us))
            if cur is not None:
                g.id = table.entries[cur].id
            else:
                label = self._majority_label(us)
                g.id = f"{label}:{self._canonical_form(us, label)}"
            groups.append(g)
        for vid, us in vgroups.items():
            groups.append(_Group(id=vid, members=us, value=True, first=min(unit_first[units[u]] for u in us)))
        del unit_first
        by_id = self._dedupe_ids(groups)

        # 8. corrections
        by_id = self._apply_corrections(by_id)

        # 9. entities
        prefer_ja = named == 0 or japanese * 2 >= named
        entities: list[Entity] = []
        entity_of: dict[tuple, str] = {}
        for gid in sorted(by_id):
            g = by_id[gid]
            for u in g.members:
                entity_of[units[u]] = gid
            entities.append(self._entity(g, prefer_ja))
        return entities, Linked(documents, entity_of)

    # -- helpers ------------------------------------------------------------

    # A group's members are units: the mentions of one spelling and label that went to one
    # root, (root, key, text, label), counted (self._unit_counts); key is None for values.

    def _surface_counts(self, units: Iterable[int]) -> Counter:
        c: Counter = Counter()
        for u in units:
            _root, _key, text, label = self._units[u]
            c[display_form(text, label)] += self._unit_counts[u]
        return c

    def _majority_label(self, units: Iterable[int]) -> str:
        votes: Counter = Counter()
        crossed = False
        for u in units:
            votes[self._units[u][3]] += self._unit_counts[u]
            crossed = crossed or self._units[u][1] in self._cross_kind_keys
        if crossed and len(votes) > 1:
            # one spelling typed a person, the other a company or a place: a person is what the
            # extractor guesses for a name it does not know, so the other, positive, type wins
            votes.pop("PERSON", None)
        return _majority(votes)

    def _canonical_form(self, units: list[int], label: str) -> str:
        """The id's name part: the most used (full, for people) form; order-independent."""
        counts = self._surface_counts(units)
        if label == "PERSON":
            full = {f: c for f, c in counts.items() if _is_full_name(f)}
            if full:
                counts = Counter(full)
        return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    @staticmethod
    def _dedupe_ids(groups: list[_Group]) -> dict[str, _Group]:
        by_id: dict[str, list[_Group]] = defaultdict(list)
        for g in groups:
            by_id[g.id].append(g)
        out: dict[str, _Group] = {}
        for gid, gs in by_id.items():
            gs.sort(key=lambda g: (g.curated is None, min(g.keys) if g.keys else "", g.first))
            for n, g in enumerate(gs):
                if n:
                    g.id = f"{gid} #{n + 1}"
                out[g.id] = g
        return out

    def _resolve(self, ref: str, by_id: dict[str, _Group], redirect: dict[str, str]) -> str | None:
        seen = set()
        while ref in redirect and ref not in seen:
            seen.add(ref)
            ref = redirect[ref]
        if ref in by_id:
            return ref
        label, sep, name = ref.partition(":")
        if not sep:
            label, name = "", ref
        name = re.sub(r" #\d+$", "", name)
        if self._key_index is None:
            self._key_index = defaultdict(set)
            for gid, g in by_id.items():
                for k in g.keys:
                    self._key_index[k].add(gid)
        candidates = []
        for lab in ([label] if label else []) + list(NAME_LABELS):
            k = _name_key(name, lab)
            for gid in self._key_index.get(k, ()):
                if gid in by_id and k in by_id[gid].keys:
                    candidates.append((gid.split(":", 1)[0] != label, gid))
            idx = self.table.owner.get(k)
            if idx is not None and self.table.entries[idx].id in by_id:
                candidates.append((False, self.table.entries[idx].id))
            if candidates:
                break
        return min(candidates)[1] if candidates else None

    def _apply_corrections(self, by_id: dict[str, _Group]) -> dict[str, _Group]:
        redirect: dict[str, str] = {}
        self.unresolved = []
        self._key_index = None
        for corr in self.corrections:
            kind = (corr.kind or "").lower()
            gid = self._resolve(corr.entity, by_id, redirect)
            if gid is None or kind not in CORRECTION_KINDS:
                self.unresolved.append(corr)
                continue
            g = by_id[gid]
            if kind == "rename" and corr.value:
                g.name = corr.value.strip()
            elif kind == "retype" and corr.value:
                g.label = corr.value.strip().upper()
            elif kind == "hide":
                g.hidden = True
            elif kind == "merge" and corr.value:
                other_id = self._resolve(corr.value, by_id, redirect)
                if other_id is None or other_id == gid:
                    if other_id is None:
                        self.unresolved.append(corr)
                    continue
                other = by_id.pop(other_id)
                g.members += other.members
                g.keys |= other.keys
                if self._key_index is not None:
                    for k in other.keys:
                        self._key_index[k].add(gid)
                g.hidden = g.hidden and other.hidden
                if g.curated is None:
                    g.curated = other.curated
                redirect[other_id] = gid
                redirect[corr.value] = gid
            elif kind == "split" and corr.value:
                label = self._group_label(g)
                k = _name_key(corr.value, label)
                wanted = {k, _name_key(corr.value, "PERSON")}
                units = self._units
                moving = [u for u in g.members if units[u][1] in wanted]
                if not moving:
                    lk = _loose_key(k)
                    moving = [u for u in g.members
                              if units[u][1] is not None and lk and _loose_key(units[u][1]) == lk]
                if not moving:
                    forms = {corr.value.strip(), display_form(corr.value, label)}
                    moving = [u for u in g.members if units[u][2].strip() in forms]
                if not moving or len(moving) == len(g.members):
                    self.unresolved.append(corr)
                    continue
                moved = set(moving)
                g.members = [u for u in g.members if u not in moved]
                g.keys = {units[u][1] for u in g.members if units[u][1] is not None}
                # the new entity's label: what its own mentions were tagged
                label = self._majority_label(moving)
                new_id = f"{label}:{display_form(corr.value, label)}"
                target = by_id.get(new_id)
                if target is None or target is g:
                    if target is g:
                        new_id += " (split)"
                    target = by_id[new_id] = _Group(id=new_id, members=[], value=g.value)
                target.members += moving
                target.keys |= {units[u][1] for u in moving if units[u][1] is not None}
                if self._key_index is not None:
                    for k in target.keys:
                        self._key_index[k].add(target.id)
        return by_id

    def _group_label(self, g: _Group) -> str:
        if g.label:
            return g.label
        if g.curated is not None:
            return self.table.entries[g.curated].type
        return self._majority_label(g.members)

    def _entity(self, g: _Group, prefer_ja: bool) -> Entity:
        label = self._group_label(g)
        counts = self._surface_counts(g.members)
        aliases = [f for f, _c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        if g.name:
            name = g.name
        elif g.value:
            name = aliases[0] if aliases else g.id.split(":", 1)[-1]
        else:
            name = self._display_name(g, counts, label, prefer_ja)
        if name in aliases:
            aliases.remove(name)
        aliases.insert(0, name)
        links = self._spelling_links(g)
        return Entity(id=g.id, name=name, label=label, aliases=aliases, hidden=g.hidden,
                      confidence=min((link["confidence"] for link in links), default=1.0), links=links)

    def _spelling_links(self, g: _Group) -> list[dict]:
        """The transliteration links that hold this group together, weakest first."""
        if self._links_by_key is None:
            self._links_by_key = defaultdict(list)
            for link in self._links:
                if link[2] is not None:
                    self._links_by_key[link[0]].append(link)
        found: dict[tuple[str, ...], float] = {}
        for a, b, conf in (link for k in g.keys for link in self._links_by_key.get(k, ())):
            if b in g.keys:
                forms = tuple(sorted((self._key_form.get(a, a), self._key_form.get(b, b))))
                found[forms] = min(conf, found.get(forms, 1.0))
        return [{"forms": list(forms), "confidence": conf}
                for forms, conf in sorted(found.items(), key=lambda kv: (kv[1], kv[0]))][:MAX_LINKS_SHOWN]

    def _display_name(self, g: _Group, counts: Counter, label: str, prefer_ja: bool) -> str:
        def in_script(form: str) -> bool:
            return _is_japanese(form) == prefer_ja

        person = label == "PERSON"
        table_forms = self.table.aliases_of(g.curated) if g.curated is not None else []
        rank = {_clean(a): n for n, a in reversed(list(enumerate(table_forms)))}

        def best(forms: dict[str, int]) -> str:
            # most used; then not a one-character abbreviation (露, 米); then the table's order
            return min(forms.items(), key=lambda kv: (-kv[1], len(kv[0]) < 2, rank.get(kv[0], 1 << 20), kv[0]))[0]

        pref = {f: c for f, c in counts.items() if in_script(f)}
        if person:
            full = {f: c for f, c in pref.items() if _is_full_name(f)}
            if full:
                return best(full)
            tfull = [a for a in table_forms if in_script(a) and _is_full_name(_clean(a))]
            if tfull:
                return _clean(tfull[0])
        if pref:
            return best(pref)
        tpref = [a for a in table_forms if in_script(a)]
        if tpref:
            return _clean(tpref[0])
        if person:
            full = {f: c for f, c in counts.items() if _is_full_name(f)}
            if full:
                return best(full)
        if counts:
            return best(dict(counts))
        return g.id.split(":", 1)[-1]


@lru_cache(maxsize=131_072)
def _unresolved_relative(text: str, doc_date: str | None) -> bool:
    """A relative date (本日, 昨年, 11日) its document's date cannot resolve."""
    return normalize_value(text, "DATE", doc_date) is None and is_relative_date(text)


@lru_cache(maxsize=131_072)
def _value_key(text: str, label: str, doc_date: str | None) -> str:
    vk = value_key(label, normalize_value(text, label, doc_date))
    return vk if vk is not None else display_form(text, label)
