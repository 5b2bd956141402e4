"""Named-entity extraction for Japanese and English text (OntoNotes labels).

Japanese: a CRF (python-crfsuite) over Sudachi tokens, trained on the WAC
and UD Japanese GSD NE corpora with OntoNotes labels (bench/train_ner.py),
followed by rules: numeric expressions, titles kept out of PERSON spans,
person names recognised from a following title, NORP for nationality words. English: capitalised-span
rules with gazetteers (``reader.nlp.english``). Korean and other text: nothing.

Importing this module is cheap: sudachipy and pycrfsuite are imported the
first time an :class:`Extractor` needs them, and the loaded dictionary and
model are shared by every Extractor in the process.
"""
from __future__ import annotations

import bisect
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from reader.nlp.features import LABELS  # noqa: F401  (re-exported; cheap: no sudachipy)
from reader.nlp.features import LEGAL_FORMS_JA, LEGAL_FORMS_LATIN  # word lists, no sudachipy either

MODEL_FILE = "ja_crf.crfsuite"          # in resources/ner/ (see resources/ner/LICENSE-*.md)
MODEL_ENV = "READER_NER_MODEL"          # overrides the model path


@dataclass(frozen=True)
class EntitySpan:
    start: int      # code-point offsets into the text passed in
    end: int
    label: str      # OntoNotes label, one of LABELS
    text: str       # text[start:end]


# ---------------------------------------------------------------------------
# Language of a line, by script

_KANA = re.compile("[\u3041-\u30ff\uff66-\uff9d]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANJI = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")
_DIGIT = re.compile("[0-9０-９]")
_LATIN = re.compile("[A-Za-z\uff21-\uff3a\uff41-\uff5a\u00c0-\u024f]")


def line_language(s: str) -> str | None:
    """'ja', 'en', 'ko' or None (nothing to read) for one line, by script."""
    hangul = _HANGUL.search(s)
    if _KANA.search(s):
        if hangul is None:
            return "ja"
        ko = len(_HANGUL.findall(s))
        return "ko" if ko >= len(_KANA.findall(s)) + len(_KANJI.findall(s)) else "ja"
    ja = len(_KANJI.findall(s))
    if hangul is not None and len(_HANGUL.findall(s)) >= ja:
        return "ko"
    latin = len(_LATIN.findall(s))
    if ja and ja * 2 >= latin:
        return "ja"
    if latin:
        return "en"
    if ja or _DIGIT.search(s):
        return "ja"         # numbers alone: the Japanese rules read them
    return None


# ---------------------------------------------------------------------------

class _Resources:
    """Sudachi + CRF + English extractor, loaded once per process."""

    _lock = threading.Lock()
    _loaded: dict[str, "_Resources"] = {}

    def __init__(self, model_path: Path) -> None:
        import pycrfsuite

        from reader.nlp.english import EnglishExtractor
        from reader.nlp.features import FeatureExtractor, JaTokenizer
        from reader.nlp.japanese import JapaneseExtractor

        self.tokenizer = JaTokenizer()
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_path))
        self.japanese = JapaneseExtractor(self.tokenizer, FeatureExtractor(), tagger)
        self.english = EnglishExtractor(self.tokenizer)
        # Sudachi tokenizers and the crfsuite tagger are not thread-safe.
        self.lock = threading.Lock()

    @classmethod
    def get(cls, model_path: Path) -> "_Resources":
        key = str(model_path)
        res = cls._loaded.get(key)
        if res is None:
            with cls._lock:
                res = cls._loaded.get(key)
                if res is None:
                    if not model_path.is_file():
                        raise FileNotFoundError(f"NER model not found: {model_path}")
                    res = cls(model_path)
                    cls._loaded[key] = res
        return res


class Extractor:
    """Finds named entities. Cheap to construct; the dictionary and model load on first use."""

    def __init__(self, model_path: str | os.PathLike | None = None, titles: bool = False) -> None:
        """``titles``: also report titles and honorifics (大統領, 氏) as TITLE_AFFIX spans.
        They are not names, so Reader does not highlight or link them; the NER benchmarks
        that annotate them (GSD) ask for them."""
        self.titles = titles
        if model_path is None:
            model_path = os.environ.get(MODEL_ENV)
        if not model_path:
            from reader.paths import resource_path   # the repo, or the frozen bundle

            model_path = resource_path("ner", MODEL_FILE)
        self._model_path = Path(model_path)
        self._res: _Resources | None = None

    def load(self) -> None:
        """Load the dictionary and model now (otherwise done by the first extract call)."""
        if self._res is None:
            self._res = _Resources.get(self._model_path)

    # -- public API ---------------------------------------------------------

    def extract(self, text: str, lang: str | None = None) -> list[EntitySpan]:
        """Entities of ``text``, sorted and non-overlapping, offsets into ``text``.

        ``lang`` None: each line is routed by its script (Japanese / English /
        Korean). "ja": Japanese, except lines with no Japanese characters at all,
        which are read as English. "en": English, except lines that contain
        kana. Any other tag ("ko", "other", "pt", "und"...): nothing, as the rules
        are Japanese and English.
        """
        if lang not in (None, "ja", "en") or not text:
            return []
        return self._document(text, [(0, len(text), lang)])

    def extract_passages(self, text: str, spans: Iterable[tuple[int, int, str]]) -> list[EntitySpan]:
        """Entities of the passages ``(start, end, lang)`` of one document, with document offsets.

        Passages in languages other than Japanese and English ("ko", "pt", "other"...) are skipped."""
        parts = [(max(0, s), min(e, len(text)), lang) for s, e, lang in sorted(spans)
                 if lang in ("ja", "en") and e > s]
        if not parts:
            return []
        return self._document(text, parts)

    # -- internals ----------------------------------------------------------

    def _document(self, text: str, parts: Sequence[tuple[int, int, str | None]]) -> list[EntitySpan]:
        self.load()
        res = self._res
        assert res is not None
        out: list[EntitySpan] = []
        with res.lock:
            res.english.begin_document()
            for start, end, lang in parts:
                out.extend(self._run(text, start, end, lang))
            if not self.titles:
                out = [e for e in out if e.label != "TITLE_AFFIX"]
            out.sort(key=lambda e: (e.start, e.end))
            # passages should not overlap; if they do, keep the first of overlapping entities
            cleaned: list[EntitySpan] = []
            for e in out:
                if cleaned and e.start < cleaned[-1].end:
                    continue
                cleaned.append(e)
            return propagate(text, cleaned, [(s, e) for s, e, _ in parts], res.tokenizer.is_common_noun)

    def _run(self, text: str, start: int, end: int, lang: str | None) -> list[EntitySpan]:
        """Entities of text[start:end], line by line (caller holds the lock)."""
        res = self._res
        assert res is not None
        out: list[EntitySpan] = []
        pos = start
        while pos < end:
            nl = text.find("\n", pos, end)
            line_end = end if nl < 0 else nl
            if line_end > pos:
                line = text[pos:line_end]
                if not line.isspace():
                    route = line_language(line)
                    if lang == "en" and route == "ja" and not _KANA.search(line):
                        route = "en"        # an English passage: kanji-only bits stay English
                    if route == "ja":
                        found = self._japanese_line(line)
                    elif route == "en":
                        found = res.english.extract_line(line)
                    else:
                        found = []
                    for a, b, label in found:
                        out.append(EntitySpan(pos + a, pos + b, label, line[a:b]))
            pos = line_end + 1
        return out


    def _japanese_line(self, line: str) -> list[tuple[int, int, str]]:
        """A Japanese line, with the English prose inside it (an English sentence or quote
        beside Japanese ones) read by the English rules: the Japanese tagger would take a
        whole English sentence for one name."""
        res = self._res
        assert res is not None
        runs = [m.span() for m in _LATIN_RUN.finditer(line) if _is_english_prose(m.group())]
        if not runs:
            return res.japanese.extract_line(line)
        found: list[tuple[int, int, str]] = []
        pos = 0
        for a, b in [*runs, (len(line), len(line))]:
            if line[pos:a].strip():
                found += [(pos + x, pos + y, label) for x, y, label in res.japanese.extract_line(line[pos:a])]
            if b > a:
                found += [(a + x, a + y, label) for x, y, label in res.english.extract_line(line[a:b])]
            pos = b
        return found


# A stretch of Latin-script words (with their punctuation) inside a line.
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’.,:;!?()\-\u00c0-\u024f ]*[A-Za-z0-9.!?)]")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z'’]+")


def _is_english_prose(run: str) -> bool:
    """Prose rather than a name or a title in Latin script: four words or more, some of them
    lower-case (met, in, the), as names and titles are not."""
    return len(run.split()) >= 4 and len(_LOWER_WORD.findall(run)) >= 2


# ---------------------------------------------------------------------------
# Document-level consistency

_FOREIGN_NAME = re.compile(r"^[\u30a1-\u30fa\u30fc・A-Za-z.'’\- ]{3,}$")
# after these a name is part of a compound word, not a person (キリスト教, ワロン語, ディーゼル機関)
_COMPOUND_SUFFIX = "[語教人系派式学的化製産風版流族朝音機法]"
_NAME_LABELS = frozenset(("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"))
_SPREAD_LABELS = frozenset(("PERSON", "GPE", "LOC", "ORG"))
# Words a company's name is also used without: its legal form (features.LEGAL_FORMS_*) or the
# group word of a holding (グッドウィルグループ -> グッドウィル).
_GROUP_WORDS = ("グループ", "ホールディングス", "コーポレーション")
_JA_COMPANY_WORDS = re.compile(rf"^(?:{'|'.join(LEGAL_FORMS_JA[:-1])})・?|"
                               rf"・?(?:{'|'.join(LEGAL_FORMS_JA + _GROUP_WORDS)})$")
_LATIN_COMPANY_WORDS = LEGAL_FORMS_LATIN | {"group", "holdings"}
_PLACE_LABELS = frozenset(("GPE", "LOC", "FAC"))


def _title_follows(text: str, end: int) -> bool:
    """A Japanese title or honorific right after a name: プーチン|大統領, ペスコフ|報道官, 山田|氏."""
    from reader.nlp.features import TITLES_JA

    after = text[end:end + 6]
    return any(after[:k] in TITLES_JA for k in range(1, len(after) + 1))


def _company_short_name(name: str) -> str:
    """The name without its legal or group word: ワグネル・グループ -> ワグネル, Lukoil Group ->
    Lukoil (else unchanged)."""
    short = _JA_COMPANY_WORDS.sub("", name)
    head, _, last = short.rpartition(" ")
    if head and last.lower().strip(".,") in _LATIN_COMPANY_WORDS:
        short = head.rstrip(" ,")
    return short.strip(" ・")


def propagate(text: str, ents: list[EntitySpan], ranges: list[tuple[int, int]],
              is_common_noun: Callable[[str], bool] = lambda word: False) -> list[EntitySpan]:
    """Make one document consistent about its names.

    - A name that is also found with a company's legal or group word (ワグネル beside
      ワグネル・グループ) is that organisation, unless it is a person with a title.
    - A surface tagged with several name labels takes the label it has most often
      (ゼレンスキー once GPE, three times PERSON -> PERSON), except that a name read
      both as a person and as a place is a person when a title follows it somewhere
      (エルドアン大統領) and a place otherwise (キーウ, never 「キーウ大統領」).
    - A foreign name of a person, place or organisation (katakana or Latin, 3+ characters)
      found somewhere, the last part of a person's full name (スティーブ・ウィトコフ ->
      ウィトコフ) and a company's name without its group or legal word (グッドウィルグループ
      -> グッドウィル) are also tagged where they occur untagged as whole words (スズジャ
      once found as a town is that town everywhere in the document). A word the dictionary
      knows as a common noun (クーデター) is not spread: one mistake stays one mistake.
    """
    if not ents:
        return ents
    votes: dict[str, dict[str, int]] = {}
    titled: set[str] = set()
    for e in ents:
        if e.label in _NAME_LABELS:
            v = votes.setdefault(e.text, {})
            v[e.label] = v.get(e.label, 0) + 1
            if e.label == "PERSON" and _title_follows(text, e.end):
                titled.add(e.text)
    best = {}
    companies = {short for e in ents if e.label == "ORG" and (short := _company_short_name(e.text)) != e.text}
    for surface, v in votes.items():
        if surface in companies and not (surface in titled and "PERSON" in v):
            # ワグネル beside ワグネル・グループ, エクソンモービル beside エクソンモービル社: the company
            best[surface] = "ORG"
            continue
        if len(v) > 1:
            places = {lab: n for lab, n in v.items() if lab in _PLACE_LABELS}
            if "PERSON" in v and places:
                # read as a person and as a place: a person if a title follows it somewhere
                # (エルドアン大統領), else a place (キーウ, never 「キーウ大統領」)
                best[surface] = "PERSON" if surface in titled else \
                    max(places.items(), key=lambda kv: (kv[1], kv[0] == "GPE"))[0]
                continue
            label, count = max(v.items(), key=lambda kv: (kv[1], kv[0] == "PERSON"))
            if count * 2 > sum(v.values()):
                best[surface] = label
    if best:
        ents = [EntitySpan(e.start, e.end, best[e.text], e.text)
                if e.text in best and e.label in _NAME_LABELS else e for e in ents]

    names: dict[str, str] = {}
    for e in ents:
        if e.label not in _SPREAD_LABELS or not _FOREIGN_NAME.match(e.text) \
                or best.get(e.text, e.label) != e.label or is_common_noun(e.text):
            continue
        names.setdefault(e.text, e.label)
        if e.label == "ORG":
            short = _company_short_name(e.text)
            if short != e.text and len(short) >= 3 and _FOREIGN_NAME.match(short) and short not in votes \
                    and not is_common_noun(short):
                names.setdefault(short, "ORG")
        if e.label == "PERSON":
            for sep in ("・", " "):
                if sep in e.text:
                    last = e.text.rsplit(sep, 1)[1]
                    if len(last) >= 3 and last not in votes:
                        names.setdefault(last, "PERSON")
    if not names:
        return ents
    pattern = re.compile(
        "(?<![\u30a1-\u30fa\u30fc・A-Za-z])(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
        + ")(?![\u30a1-\u30fa\u30fc・A-Za-z]|" + _COMPOUND_SUFFIX + ")")
    taken = [(e.start, e.end) for e in ents]
    starts = [t[0] for t in taken]
    added = []
    for a, b in ranges:
        for m in pattern.finditer(text, a, b):
            start, end = m.span()
            k = bisect.bisect_right(starts, start)
            if k > 0 and taken[k - 1][1] > start:
                continue
            if k < len(taken) and taken[k][0] < end:
                continue
            added.append(EntitySpan(start, end, names[m.group()], m.group()))
    if added:
        ents = sorted(ents + added, key=lambda x: (x.start, x.end))
    return ents
