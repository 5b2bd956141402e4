"""Paragraphs and sentences with offsets into the text, each tagged with a language by script."""
from __future__ import annotations

import re
from dataclasses import dataclass

from reader.ingest.model import ENGLISH, JAPANESE, KOREAN, OTHER, Passage, Sentence

# --- Scripts and languages -------------------------------------------------------------

_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30ff\uff66-\uff9d]+")
_KANJI = re.compile(r"[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_URL = re.compile(r"https?://[^\s<>\"]+|www\.[^\s<>\"]+")
_CJK_OR_HANGUL = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]")


@dataclass(frozen=True)
class ScriptCounts:
    """Letters by script; digits, punctuation and URLs do not count."""

    kana: int = 0
    kanji: int = 0
    hangul: int = 0
    latin: int = 0
    other: int = 0

    def __add__(self, more: ScriptCounts) -> ScriptCounts:
        return ScriptCounts(self.kana + more.kana, self.kanji + more.kanji, self.hangul + more.hangul,
                            self.latin + more.latin, self.other + more.other)

    @property
    def letters(self) -> int:
        return self.kana + self.kanji + self.hangul + self.latin + self.other


def _run_length(pattern: re.Pattern[str], text: str) -> int:
    return len(text) - len(pattern.sub("", text))     # (one string, not a list of every word)


def script_counts(text: str) -> ScriptCounts:
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)   # a cited URL is not English prose
    kana, kanji = _run_length(_KANA, text), _run_length(_KANJI, text)
    hangul, latin = _run_length(_HANGUL, text), _run_length(_LATIN, text)
    other = _run_length(_LETTERS, text) - kana - kanji - hangul - latin
    return ScriptCounts(kana, kanji, hangul, latin, max(0, other))


def language_of(counts: ScriptCounts) -> str:
    """ja / ko / en / other by the script that carries the text.

    A kana or hangul character carries about three Latin letters' worth of text, and
    kana mean Japanese grammar even around long English names ("Microsoft Designerで作成").
    """
    japanese = counts.kana + counts.kanji
    if counts.kana and 6 * japanese >= counts.latin and japanese > counts.hangul:
        return JAPANESE
    weighted = {JAPANESE: 3 * japanese, KOREAN: 3 * counts.hangul, ENGLISH: counts.latin, OTHER: counts.other}
    best = max(weighted, key=lambda lang: weighted[lang])
    return best if weighted[best] > 0 else OTHER


# --- Paragraphs ------------------------------------------------------------------------

_LIST_ITEM = re.compile(r"[-*+•・●○◦▪■□◆◇➢➤►▶✅※→]|\d{1,3}[.)．]\s|[(（]\w{1,3}[)）]|[a-z][.)]\s")
_HEADING = re.compile(r"#{1,6}\s|[【■◆●□]")
_SENTENCE_END_CHARS = ".!?:;。！？．」』）)】\"”’"
_HARD_WRAP_MIN_CHARS = 40       # shorter lines are headings, labels or a paragraph's last line
_JAPANESE_MID_SENTENCE = ("、", "，")


# Letters in each language within one passage (by sentence language), e.g. {"ja": 120, "en": 14}.
LanguageLetters = dict[str, int]


def split_passages(text: str, letters: list[LanguageLetters] | None = None) -> list[Passage]:
    """One passage per paragraph: each non-blank line, except where a line clearly continues
    the one before (hard-wrapped English, a Japanese line broken after a comma, a decimal
    number torn across a blank line by a scraper).

    When `letters` is given, each passage's LanguageLetters is appended to it, so that
    marking and metadata need not count scripts again.
    """
    passages = []
    for start, end in paragraph_spans(text):
        passage, passage_letters = _make_passage(text, start, end)
        passages.append(passage)
        if letters is not None:
            letters.append(passage_letters)
    return passages


def language_letters(text: str, passages: list[Passage]) -> list[LanguageLetters]:
    """LanguageLetters of already split passages."""
    result = []
    for passage in passages:
        counts: LanguageLetters = {}
        for sentence in passage.sentences:
            letters = script_counts(text[sentence.start:sentence.end]).letters
            counts[sentence.lang] = counts.get(sentence.lang, 0) + letters
        result.append(counts)
    return result


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    previous_block_end = ""
    for block in _blocks(text):
        wrap_width = max(len(content) for _, _, content in block)
        for index, (start, end, content) in enumerate(block):
            if index == 0:
                joins = bool(spans) and _split_number(previous_block_end, content)
            else:
                joins = _continues(block[index - 1][2], content, wrap_width)
            if joins:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        previous_block_end = block[-1][2]
    return _bounded(text, spans)


# A paragraph longer than this (a whole file on one line) is cut into passages of at most
# this many characters, at a sentence end or a space where there is one: every step after
# (sentences, languages, duplicates, search tokens) then works on pieces of bounded size.
MAX_PASSAGE_CHARS = 20_000
_SENTENCE_CUT = re.compile(r"[。！？．][」』）)】”’\"']*|[!?.][」』）)】”’\"']*(?=\s)")


def _bounded(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if all(end - start <= MAX_PASSAGE_CHARS for start, end in spans):
        return spans
    bounded = []
    for start, end in spans:
        while end - start > MAX_PASSAGE_CHARS:
            cut = _cut_point(text, start, start + MAX_PASSAGE_CHARS)
            bounded.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            bounded.append((start, end))
    return [(start, len(text[start:end].rstrip()) + start) for start, end in bounded]


def _cut_point(text: str, start: int, limit: int) -> int:
    """After the last sentence end (else space) in the second half of text[start:limit], else `limit`."""
    half = start + (limit - start) // 2
    window = text[half:limit]
    last = None
    for last in _SENTENCE_CUT.finditer(window):
        pass
    if last is not None:
        return half + last.end()
    space = max(window.rfind(" "), window.rfind("\t"), window.rfind("\u3000"))
    return half + space + 1 if space >= 0 else limit


def _blocks(text: str) -> list[list[tuple[int, int, str]]]:
    """Runs of non-blank lines as (start, end, stripped content); blank lines separate blocks."""
    blocks: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        content = line.strip()
        if not content:
            if current:
                blocks.append(current)
                current = []
            continue
        start = line_start + len(line) - len(line.lstrip())
        current.append((start, start + len(content), content))
    if current:
        blocks.append(current)
    return blocks


def _continues(previous: str, line: str, wrap_width: int) -> bool:
    """Whether `line` continues the sentence `previous` was cut in."""
    if _LIST_ITEM.match(line) or _HEADING.match(line) or _HEADING.match(previous) or _URL.match(line):
        return False
    if previous.endswith(_JAPANESE_MID_SENTENCE):
        return True
    if _CJK_OR_HANGUL.search(previous) or _CJK_OR_HANGUL.search(line):
        return False
    if previous[-1] in _SENTENCE_END_CHARS or not (line[0].isalnum() or line[0] in "\"'“‘("):
        return False
    if line[0].islower() and previous[-1].isalnum():
        return True
    # Hard-wrapped prose fills its lines to about the same width; a headline above a
    # long paragraph does not.
    return (len(previous) >= max(_HARD_WRAP_MIN_CHARS, 0.7 * wrap_width)
            and (previous[-1].isalpha() or previous[-1] in ",-–"))


_ENDS_WITH_NUMBER_AND_POINT = re.compile(r"[A-Za-z].*\d\.$")


def _split_number(previous: str, line: str) -> bool:
    """'a deficit of 3.' + blank line + '7 trillion roubles': one number, torn by a scraper."""
    return (line[0].isdigit() and len(previous) >= _HARD_WRAP_MIN_CHARS
            and _ENDS_WITH_NUMBER_AND_POINT.search(previous) is not None
            and not _CJK_OR_HANGUL.search(previous))


def _make_passage(text: str, start: int, end: int) -> tuple[Passage, LanguageLetters]:
    sentences: list[Sentence] = []
    letters: LanguageLetters = {}
    all_counts = []
    for sentence_start, sentence_end in sentence_spans(text, start, end):
        counts = script_counts(text[sentence_start:sentence_end])
        lang = language_of(counts)
        sentences.append(Sentence(sentence_start, sentence_end, lang))
        letters[lang] = letters.get(lang, 0) + counts.letters
        all_counts.append(counts)
    total = all_counts[0] if len(all_counts) == 1 else sum(all_counts, ScriptCounts())
    return Passage(start, end, language_of(total), sentences), letters


# --- Sentences -------------------------------------------------------------------------

_BRACKET_PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "“": "”"}
_BRACKETS = re.compile("[" + re.escape("".join(_BRACKET_PAIRS) + "".join(_BRACKET_PAIRS.values())) + "]")
# A run of terminators plus the closing brackets and quotes that stay with the sentence.
_TERMINATOR_RUN = re.compile(r"[。！？．!?.]+[」』）)】”’\"']*")
_FULL_WIDTH_TERMINATORS = frozenset("。！？．")
_ABBREVIATIONS = frozenset("""
    mr mrs ms dr prof st jr sr vs etc e.g i.e no nos inc ltd co corp gen col lt sgt capt cmdr
    adm rep sen gov pres amb dept est approx fig vol op jan feb mar apr jun jul aug sep sept
    oct nov dec mt ft rev hon messrs
""".split())
_WORD_BEFORE_DOT = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_LIST_NUMBER = re.compile(r"\s*\(?\d{1,3}")     # "1. 制裁と関税の乱用" numbers a list item


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as absolute spans without surrounding whitespace."""
    segment = text[start:end]
    first_end = _TERMINATOR_RUN.search(segment)
    if first_end is None or (first_end.end() == len(segment) and not _BRACKETS.search(segment)):
        return [(start, end)]      # the common one-sentence line
    protected = _bracketed_ranges(segment)
    cuts = [0]
    protected_index = 0
    for match in _TERMINATOR_RUN.finditer(segment):
        position = match.start()
        while protected_index < len(protected) and protected[protected_index][1] < position:
            protected_index += 1
        if protected_index < len(protected) and protected[protected_index][0] < position:
            continue    # inside 「…」 or (…): the quotation is part of the sentence around it
        if _ends_sentence(segment, match):
            cuts.append(match.end())
    cuts.extend(_quotation_ends(segment, protected))
    cuts = sorted(set(cuts))
    cuts.append(len(segment))
    spans = []
    for cut_start, cut_end in zip(cuts, cuts[1:]):
        piece = segment[cut_start:cut_end]
        stripped = piece.strip()
        if stripped:
            piece_start = start + cut_start + len(piece) - len(piece.lstrip())
            spans.append((piece_start, piece_start + len(stripped)))
    return spans


_QUOTATION_OPENERS = "「『"
_HIRAGANA = re.compile(r"[\u3041-\u309f]")


def _quotation_ends(segment: str, protected: list[tuple[int, int]]) -> list[int]:
    """Cuts after a quotation that stands as a sentence of its own: 「もう限界だ。」 ギンが言った。
    Not after one that the sentence goes on from: 「停戦は無理だ。」と述べた。"""
    cuts = []
    for opening, closing in protected:
        after = closing + 1
        if segment[opening] not in _QUOTATION_OPENERS or after >= len(segment):
            continue
        rest = segment[after:after + 8]
        following = rest.lstrip()[:1]
        spaced = rest[0].isspace()
        finished_inside = segment[closing - 1] in "。！？!?"
        # Hiragana after the quotation is a particle carrying the sentence on (「…」と述べた).
        if following in _QUOTATION_OPENERS or (
                (spaced or finished_inside) and following and not _HIRAGANA.match(following)
                and following not in "、，,"):
            cuts.append(after)
    return cuts


def _bracketed_ranges(segment: str) -> list[tuple[int, int]]:
    """Outermost (open, close) index pairs of matched brackets; unmatched ones are ignored."""
    if not _BRACKETS.search(segment):
        return []
    stack: list[tuple[str, int]] = []
    ranges: list[tuple[int, int]] = []
    for match in _BRACKETS.finditer(segment):
        char = match.group()
        if char in _BRACKET_PAIRS:
            stack.append((char, match.start()))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if _BRACKET_PAIRS[stack[depth][0]] == char:
                ranges.append((stack[depth][1], match.start()))
                del stack[depth:]
                break
    ranges.sort()
    outermost: list[tuple[int, int]] = []
    for opening, closing in ranges:
        if outermost and opening < outermost[-1][1]:
            continue
        outermost.append((opening, closing))
    return outermost


def _ends_sentence(segment: str, match: re.Match[str]) -> bool:
    terminators = match.group().rstrip("」』）)】”’\"'")
    after = match.end()
    if _FULL_WIDTH_TERMINATORS.intersection(terminators):
        return not _is_full_width_decimal(segment, match.start(), terminators)
    if after == len(segment):
        return True
    following = segment[after]
    if not following.isspace():
        # "こんばんは!ミミです" ends a sentence; "J.D.バンス", "?id=3" and "3.7" do not.
        return terminators[-1] in "!?" and not following.isascii()
    next_char = segment[after:after + 40].lstrip()[:1]
    if not next_char:
        return True
    if terminators[-1] in "!?":
        return not next_char.islower()
    if not (next_char.isupper() or next_char in "\"'“‘(「『【" or not next_char.isascii()):
        return False    # lower case or a digit follows: "approx. 3", "No. 5", "3.\n\n7 trillion"
    return not (_is_abbreviation(segment, match.start()) or _LIST_NUMBER.fullmatch(segment, 0, match.start()))


def _is_full_width_decimal(segment: str, position: int, terminators: str) -> bool:
    return (terminators == "．" and 0 < position < len(segment) - 1
            and segment[position - 1].isdigit() and segment[position + 1].isdigit())


def _is_abbreviation(segment: str, dot: int) -> bool:
    word_match = _WORD_BEFORE_DOT.search(segment, max(0, dot - 20), dot)
    if not word_match:
        return False
    word = word_match.group(1)
    # Initials (J.), dotted acronyms (U.S., e.g.) and titles (Mr., Dr.) do not end sentences.
    return len(word) == 1 or "." in word or word.lower() in _ABBREVIATIONS
