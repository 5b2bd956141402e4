"""Who said what: quotes and reported speech, with the speaker resolved to a mention.

Japanese cues: 「…」と述べた／語った／強調した／表明した／明言した／発言した／主張した／警告した／
指摘した (and the like: 説明, 発表, 報告, 示唆, 批判, 訴え…), 「…」を主張 (a nominal sentence
end), a reported clause before と + cue, …によると／によれば, and …は…とした／としている.
English cues: said, says, told, warned, stated (and added, noted, insisted…), "according to".

The speaker is found by rules over the sentence and the document's entity mentions:

* a speaker named between と and the cue (「…」と、X准教授は述べた) wins;
* else the topic of the sentence: the nearest "X は、" before the statement (a topic set off by
  a comma is the sentence's), else the first "X は/が";
* X is a name (a PERSON/ORG/GPE/NORP mention, a title such as 大統領 or 上院議員 after it
  allowed), or refers back (同大統領, 同氏 → the last person named with that title; 彼, he →
  the last person; a bare surname + title such as ワン氏 → the last person with that surname),
  or is an unnamed speaker kept as written (ロシアの高官, Russian officials) whose side is the
  organisation or place named in it;
* a statement whose speaker is none of these (これは…と述べた) is dropped rather than guessed.

Offsets are code points into the document text; mentions are ``(start, end, label, text)``.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Sequence

from reader.calendar_words import alternation
from reader.nlp.features import TITLES_JA

__all__ = ["Statement", "find_statements"]

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})


@dataclass(frozen=True)
class Statement:
    start: int                  # the statement: the quoted part or the reported clause
    end: int
    cue: str                    # the cue as written: 述べ, 強調し, によると, said, according to…
    speaker_text: str           # the speaker as written (or the name referred back to)
    speaker_start: int | None   # the mention naming the speaker (its entity is the speaker)
    speaker_end: int | None
    side_start: int | None      # an unnamed speaker's organisation or country (ロシアの高官 → ロシア)
    side_end: int | None
    sentence_start: int
    sentence_end: int


Mention = tuple  # (start, end, label, text)

# -- Japanese ---------------------------------------------------------------------------------

_JA_CUES = ("述べ|語っ|語り|語る|強調し|強調|表明し|表明|明言し|明言|発言し|主張し|主張|警告し|警告|"
            "指摘し|指摘|説明し|説明|発表し|発表|報告し|報告|示唆し|示唆|批判し|批判|訴え|話し|断言し|断言|"
            "言明し|答え|否定し|明かし|言及し|予告し|脅し|宣言し|回顧し|強く促し|呼びかけ|反論し|コメントし|供述し")
_PASSIVE = r"(?!され|られ|させ|せず|しない|せよ|する必要|すべき|的|合|[がのはをにもで])"  # 批判が集まった: a noun, no statement
_OPEN, _CLOSE = "「『“", "」』”"
_QUOTE_TAIL = rf"(?P<mark>と|を)(?P<mid>[、,]?[^。「『」』]{{0,45}}?)(?P<cue>{_JA_CUES}){_PASSIVE}"
_JA_QUOTES = (re.compile(r"「(?P<q>(?:[^「」『』]|『[^『』]*』){2,400}?)」" + _QUOTE_TAIL),   # 『』 may nest in 「」
              re.compile(r"[『“](?P<q>[^「『“」』”]{2,400})[』”]" + _QUOTE_TAIL))
_JA_REPORTED = re.compile(rf"(?<![「『こ])(?:だ)?と(?P<mid>[、,]?[^。「『」』、とを]{{0,45}}?)(?P<cue>{_JA_CUES}){_PASSIVE}")
_JA_ACCORDING = re.compile(r"(?P<src>[^、。「」]{1,40}?)(?P<cue>によると|によれば)[、,]?")
_JA_TOSHITA = re.compile(r"(?<![うよ])と(?P<cue>した|している|しており|しています|しました)(?![がい]る?[^。、]*?[をにが])")
_SENTENCE_END = re.compile(r"[。！？!?]")

# The tagger's titles (one list: reader.nlp.features.TITLES_JA) and a few a speaker also goes by.
_TITLES = alternation(sorted(TITLES_JA | {"CEO", "研究員", "氏ら", "王", "元大統領", "前大統領", "前首相", "元首相"}))
_TITLE_TAIL = re.compile(rf"(?:米|露|ロ|ウ|中|英|仏|独|前|元|現)?(?:{_TITLES})?$")
_SIDE_TAIL = re.compile(r"(?:側|政府|当局|政権)?$")
_UNNAMED = re.compile(r"(?:高官|当局者|関係者|報道官|外交官|専門家|分析者|アナリスト|研究者|政府|政権|当局|"
                      r"当局者ら|筋|幹部|指導者|指導部|首脳|代表団|交渉団|議員ら|軍|省|司令部|報道|メディア|紙|通信|"
                      r"スポークスマン|広報|担当者|官房長官|指揮官|兵士|住民|市民|専門家ら)$")
_ANAPHOR = re.compile(rf"^(?:同(?P<title>{_TITLES})|(?P<pronoun>彼|彼女)|(?P<surname>[ァ-ヶー]+)(?P<stitle>{_TITLES})?)$")
_SOURCE_TAIL = re.compile(r"(?:が公表した|が発表した|による|の)?(?:発表|情報|報道|調べ|声明|説明|話|集計|調査)")
_CONNECTIVES = re.compile(r"^(?:一方|また|さらに|しかし|ただ|なお|その上|そのうえ|これに対し|これに対して|だが|そして)[、,]?")


def _mentions_in(mentions: Sequence[Mention], starts: list[int], start: int, end: int) -> list[Mention]:
    i = bisect_left(starts, start)
    found = []
    while i < len(mentions) and mentions[i][0] < end:
        if mentions[i][1] <= end:
            found.append(mentions[i])
        i += 1
    return found


class _Document:
    """The document's text and named mentions, for resolving speakers."""

    def __init__(self, text: str, mentions: Sequence[Mention]) -> None:
        self.text = text
        self.mentions = sorted(m for m in mentions if m[2] in NAME_LABELS)
        self.starts = [m[0] for m in self.mentions]
        self.last_speaker: _Speaker | None = None   # a sentence with no subject goes on with the last speaker

    def within(self, start: int, end: int) -> list[Mention]:
        return _mentions_in(self.mentions, self.starts, start, end)

    def last_person_before(self, offset: int, title: str | None = None, surname: str | None = None) -> Mention | None:
        i = bisect_left(self.starts, offset) - 1
        while i >= 0:
            m = self.mentions[i]
            if m[2] == "PERSON":
                after = self.text[m[1]:m[1] + 8]
                if surname is not None:
                    parts = re.split(r"[・･=＝\s]", m[3])
                    if surname in (parts[0], parts[-1]) and len(parts) > 1:   # ワン・シャオチュアン, Angela Merkel
                        return m
                elif title is None or title == "氏" or after.startswith(title) or m[3].endswith(title):
                    return m
            i -= 1
        return None


@dataclass(frozen=True)
class _Speaker:
    text: str
    mention: Mention | None
    side: Mention | None


def _speaker_of_phrase(doc: _Document, start: int, end: int) -> _Speaker | None:
    """Who the noun phrase text[start:end] (a subject before は/が) names, if anyone."""
    source = _SOURCE_TAIL.search(doc.text, start, end)
    if source and source.end() == end and source.start() > start:
        end = source.start()        # 現地警察の発表によると: the police
    while start < end and doc.text[start] in "・•●■◆*-－ 　\t":   # a list's bullet
        start += 1
    phrase = doc.text[start:end]
    lead = _CONNECTIVES.match(phrase)
    if lead:
        start += lead.end()
        phrase = phrase[lead.end():]
    phrase_start = start
    for piece in re.finditer(r"である|という|とされる|[、，,]", phrase):
        phrase_start = start + piece.end()
    phrase = doc.text[phrase_start:end].strip()
    if not phrase:
        return None
    inside = doc.within(phrase_start, end)
    if inside:
        last = inside[-1]
        tail = doc.text[last[1]:end]
        if last[2] == "PERSON" and _TITLE_TAIL.fullmatch(tail):
            return _Speaker(last[3], last, None)
        if last[2] != "PERSON" and _SIDE_TAIL.fullmatch(tail) and tail != "政権":
            return _Speaker(last[3], last, None)
        if _UNNAMED.search(tail) or _UNNAMED.search(phrase):
            return _Speaker(phrase, None, last)
    anaphor = _ANAPHOR.match(phrase)
    if anaphor:
        if anaphor.group("pronoun"):
            found = doc.last_person_before(phrase_start)
        elif anaphor.group("surname"):
            found = doc.last_person_before(phrase_start, surname=anaphor.group("surname"))
        else:
            found = doc.last_person_before(phrase_start, title=anaphor.group("title"))
        return _Speaker(found[3], found, None) if found else None
    if _UNNAMED.search(phrase) and len(phrase) <= 25:
        return _Speaker(phrase, None, None)
    return None


def _source_as_written(doc: _Document, start: int, end: int) -> _Speaker | None:
    """The source of …によると that is not a known name (両新聞, 現地警察の発表), kept as written
    when it reads as a name: short, after the last comma, with no verb in it."""
    phrase = _CONNECTIVES.sub("", doc.text[start:end].split("、")[-1]).strip()
    if not phrase or len(phrase) > 20 or re.search(r"[ぁ-ゖ]", re.sub(r"[のや]", "", phrase)):
        return None
    inside = doc.within(end - len(phrase), end)
    return _Speaker(phrase, None, inside[-1] if inside else None)


_TOPIC = re.compile(r"(?<![ぁ-ゖ])(?:は|が)(?![ぁ-ゖ])")


def _with_quote_depth(text: str, start: int, end: int):
    """(offset, character, how many quotes are open after it) over text[start:end]."""
    depth = 0
    for i in range(start, end):
        c = text[i]
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        yield i, c, depth


def _topic_phrases(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(phrase start, phrase end, set off by a comma) for each "X は/が" in text[start:end], outside quotes."""
    found = []
    phrase_start = start
    for i, c, depth in _with_quote_depth(text, start, end):
        if c in _CLOSE:
            phrase_start = i + 1
        elif depth == 0 and c in "、,。":
            phrase_start = i + 1
        elif depth == 0 and c in "はが" and _TOPIC.match(text, i) and i > phrase_start:
            found.append((phrase_start, i, i + 1 < end and text[i + 1] in "、,"))
            phrase_start = i + 1
    return found


def _sentence_speaker(doc: _Document, s_start: int, before: int) -> tuple[_Speaker, int] | tuple[None, int]:
    """The topic of the sentence text[s_start:before] that names a speaker, and where the
    words after that topic begin (s_start when there is none)."""
    phrases = _topic_phrases(doc.text, s_start, before)
    comma_set = [p for p in phrases if p[2]]
    # Without a comma, only the sentence's first topic marked with は: a bare "X が" inside
    # the sentence is mostly the subject of the reported clause, not the speaker.
    first_topic = [p for p in phrases[:1] if doc.text[p[1]] == "は"]
    for p_start, p_end, _ in list(reversed(comma_set)) + first_topic:
        speaker = _speaker_of_phrase(doc, p_start, p_end)
        if speaker is not None:
            return speaker, p_end + 1
    return None, s_start


def _speaker_in_gap(doc: _Document, start: int, end: int) -> _Speaker | None:
    """A speaker named between と and the cue: 「…」と、X准教授は述べた."""
    for p_start, p_end, _ in _topic_phrases(doc.text, start, end):
        return _speaker_of_phrase(doc, p_start, p_end)
    return None


def _ja_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of text[start:end], not split inside 「」 (a quote may hold several)."""
    found, s = [], start
    for i, c, depth in _with_quote_depth(text, start, end):
        if depth == 0 and _SENTENCE_END.match(c):
            found.append((s, i + 1))
            s = i + 1
    if s < end and text[s:end].strip():
        found.append((s, end))
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " 　、,「『\"“":
        start += 1
    while end > start and text[end - 1] in " 　、,。」』\"”":
        end -= 1
    return start, end


def _statement(doc: _Document, span: tuple[int, int], cue: str, speaker: _Speaker,
               sentence: tuple[int, int]) -> Statement:
    mention, side = speaker.mention, speaker.side
    return Statement(span[0], span[1], cue, speaker.text, mention[0] if mention else None,
                     mention[1] if mention else None, side[0] if side else None, side[1] if side else None,
                     sentence[0], sentence[1])


def _japanese(doc: _Document, start: int, end: int) -> list[Statement]:
    found: list[Statement] = []
    text = doc.text
    for s_start, s_end in _ja_sentences(text, start, end):
        sentence = text[s_start:s_end]
        taken: list[tuple[int, int]] = []
        before = len(found)
        subjectless = not _topic_phrases(text, s_start, s_end)

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        for m in (m for pattern in _JA_QUOTES for m in pattern.finditer(sentence)):
            if not free(s_start + m.start(), s_start + m.end()):
                continue
            q_start, q_end = s_start + m.start("q"), s_start + m.end("q")
            speaker = (_speaker_in_gap(doc, s_start + m.start("mid"), s_start + m.start("cue"))
                       or _sentence_speaker(doc, s_start, s_start + m.start())[0]
                       or (doc.last_speaker if subjectless else None))
            if speaker:
                found.append(_statement(doc, (q_start, q_end), m.group("cue"), speaker, (s_start, s_end)))
            taken.append((s_start + m.start(), s_start + m.end()))
        for m in _JA_ACCORDING.finditer(sentence):
            speaker = _speaker_of_phrase(doc, s_start + m.start("src"), s_start + m.end("src")) or \
                _source_as_written(doc, s_start + m.start("src"), s_start + m.end("src"))
            if speaker is None:
                continue
            span = _trim(text, s_start + m.end(), s_end)
            span = (span[0], span[0] + len(re.sub(r"(?:という|とのこと|とされる)(?:だ|です)?$", "", text[span[0]:span[1]])))
            if span[1] - span[0] >= 4 and free(*span):
                found.append(_statement(doc, span, m.group("cue"), speaker, (s_start, s_end)))
                taken.append(span)
        for m in _JA_REPORTED.finditer(sentence):
            cue_at = s_start + m.start("cue")
            if not free(s_start + m.start(), s_start + m.end()):
                continue
            speaker = _speaker_in_gap(doc, s_start + m.start("mid"), cue_at)
            clause_from = s_start
            if speaker is None:
                speaker, clause_from = _sentence_speaker(doc, s_start, s_start + m.start())
            if speaker is None and subjectless:
                speaker = doc.last_speaker
            if speaker is None:
                continue
            clause_from = max([clause_from, *(b for a, b in taken if b <= s_start + m.start())])
            span = _trim(text, clause_from, s_start + m.start())
            if span[1] - span[0] >= 4:
                found.append(_statement(doc, span, m.group("cue"), speaker, (s_start, s_end)))
                taken.append((s_start + m.start(), s_start + m.end()))
        for m in _JA_TOSHITA.finditer(sentence):
            if not free(s_start + m.start(), s_start + m.end()):
                continue
            topics = [p for p in _topic_phrases(text, s_start, s_start + m.start()) if p[2]]
            if not topics:
                continue
            speaker = _speaker_of_phrase(doc, topics[-1][0], topics[-1][1])
            span = _trim(text, topics[-1][1] + 1, s_start + m.start())
            if speaker and span[1] - span[0] >= 4:
                found.append(_statement(doc, span, "と" + m.group("cue"), speaker, (s_start, s_end)))
        said = [st for st in found[before:] if st.cue not in ("によると", "によれば")]   # a source is no speaker
        if said:
            doc.last_speaker = _Speaker(said[-1].speaker_text, _mention_at(doc, said[-1].speaker_start),
                                        _mention_at(doc, said[-1].side_start))
        opened = _unclosed_quote(text, s_start, s_end)
        if opened is not None:   # 「… goes on in the next paragraph: whoever opened it goes on speaking
            doc.last_speaker = _sentence_speaker(doc, s_start, opened)[0] or doc.last_speaker
    return found


def _unclosed_quote(text: str, start: int, end: int) -> int | None:
    """Where a 「 left open at the end of text[start:end] begins, if one is."""
    opened: list[int] = []
    for i in range(start, end):
        if text[i] in _OPEN:
            opened.append(i)
        elif text[i] in _CLOSE and opened:
            opened.pop()
    return opened[0] if opened else None


def _mention_at(doc: _Document, start: int | None) -> Mention | None:
    if start is None:
        return None
    i = bisect_left(doc.starts, start)
    return doc.mentions[i] if i < len(doc.mentions) and doc.starts[i] == start else None


# -- English ----------------------------------------------------------------------------------

_EN_CUES = r"said|says|told|tells|warned|warns|stated|states|added|noted|insisted|argued|claimed|explained|declared"
_Q = r"[\"“](?P<q>[^\"“”]{3,600}?)[,.!?]?[\"”]"
_EN_QUOTE_AFTER = re.compile(_Q + r",?\s+(?P<spk>[^\"“”.,;]{1,60}?)\s+(?P<cue>" + _EN_CUES + r")\b")
_EN_QUOTE_INVERTED = re.compile(_Q + r",?\s+(?P<cue>said|says|added|warned)\s+(?P<spk>[^\"“”.,;]{1,60}?)[.,]")
_EN_QUOTE_BEFORE = re.compile(r"(?P<spk>[^\"“”.;]{1,80}?)\s+(?P<cue>" + _EN_CUES + r")(?:\s+\w+){0,3}?[,:]?\s+(?:that\s+)?" + _Q)
_EN_REPORTED = re.compile(r"(?P<spk>[^\"“”.;]{1,80}?)\s+(?P<cue>" + _EN_CUES + r")(?P<obj>\s+(?:reporters|journalists|the \w+|\w+))??"
                          r"(?:\s+on\s+\w+)?,?\s+(?:that\s+)(?P<clause>[^\"“”]{8,400}?)[.!?]?$")
_EN_REPORTED_BARE = re.compile(r"(?P<spk>[^\"“”.;,]{1,80}?)\s+(?P<cue>said|says|warned|stated)(?:\s+on\s+\w+)?\s+"
                               r"(?P<clause>(?:the|it|he|she|they|russia|ukraine|moscow|kyiv|washington|[A-Z])[^\"“”]{8,400}?)[.!?]?$")
_EN_ACCORDING_FIRST = re.compile(r"^According to (?P<spk>[^,]{2,80}),\s*(?P<clause>.{8,400}?)[.!?]?$")
_EN_ACCORDING_LAST = re.compile(r"^(?P<clause>.{8,400}?),\s*according to (?P<spk>[^,.]{2,80})[.!?]?$")
_EN_PRONOUN = re.compile(r"^(?:he|she)$", re.I)
_EN_UNNAMED = re.compile(r"\b(?:officials?|spokes(?:man|woman|person)|diplomats?|sources?|analysts?|experts?|"
                         r"economists?|observers?|researchers?|investigators?|prosecutors?|police|witnesses|"
                         r"government|ministry|administration|authorities|leaders?|aides?|negotiators?)$", re.I)
# "the assessments made by the ministry's economists": the speaker is who made them.
_EN_SOURCE_LEAD = re.compile(r"(?:the\s+)?(?:\w+\s+)?(?:assessments?|reports?|statements?|data|figures|estimates?|"
                             r"analysis|survey|findings)\s+(?:\w+\s+)?(?:by|from|of)\s+", re.I)


def _en_speaker(doc: _Document, start: int, end: int) -> _Speaker | None:
    """The speaker named by the words text[start:end] just before (or after) a cue."""
    lead = _EN_SOURCE_LEAD.match(doc.text, start, end)
    if lead:
        start = lead.end()
    phrase = doc.text[start:end].strip()
    if not phrase:
        return None
    if _EN_PRONOUN.match(phrase):
        found = doc.last_person_before(start)
        return _Speaker(found[3], found, None) if found else None
    inside = doc.within(start, end)
    if inside:
        last = inside[-1]
        tail = doc.text[last[1]:end].strip()
        if not tail or re.fullmatch(r"'s?|’s?|,.*", tail):
            return _Speaker(last[3], last, None)
        if _EN_UNNAMED.search(tail):
            words = phrase.split()
            return _Speaker(" ".join(words[-5:]), None, last)
        head = inside[0]
        if doc.text[start:head[0]].strip() == "" and re.match(r"^,", tail):
            return _Speaker(head[3], head, None)
    if _EN_UNNAMED.search(phrase) and len(phrase.split()) <= 5:
        return _Speaker(phrase, None, None)
    return None


_EN_SENTENCE_GAP = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”]))\s+(?=[A-Z\"“])")


def _english(doc: _Document, start: int, end: int) -> list[Statement]:
    found: list[Statement] = []
    text = doc.text
    bounds = [start] + [m.end() for m in _EN_SENTENCE_GAP.finditer(text, start, end)] + [end]
    for s_start, s_end in zip(bounds, bounds[1:]):
        sentence = text[s_start:s_end].rstrip()
        statement = None
        for pattern, kind in ((_EN_QUOTE_INVERTED, "quote"), (_EN_QUOTE_AFTER, "quote"), (_EN_QUOTE_BEFORE, "quote"),
                              (_EN_ACCORDING_FIRST, "clause"), (_EN_ACCORDING_LAST, "clause"),
                              (_EN_REPORTED, "clause"), (_EN_REPORTED_BARE, "clause")):
            m = pattern.search(sentence)
            if not m:
                continue
            spk_start, spk_end = s_start + m.start("spk"), s_start + m.end("spk")
            if pattern is _EN_QUOTE_BEFORE or pattern is _EN_REPORTED or pattern is _EN_REPORTED_BARE:
                cut = max(text.rfind(",", spk_start, spk_end), text.rfind("(", spk_start, spk_end))
                spk_start = cut + 1 if cut >= 0 else spk_start
            speaker = _en_speaker(doc, spk_start, spk_end)
            if speaker is None:
                continue
            group = "q" if kind == "quote" else "clause"
            cue = m.group("cue") if "cue" in pattern.groupindex else "according to"
            statement = _statement(doc, _trim(text, s_start + m.start(group), s_start + m.end(group)),
                                   cue, speaker, (s_start, s_end))
            break
        if statement is not None:
            found.append(statement)
    return found


def find_statements(text: str, passages: Sequence[tuple[int, int, str]], mentions: Sequence[Mention]) -> list[Statement]:
    """Statements in a document: `passages` are (start, end, lang); `mentions` its entity spans."""
    doc = _Document(text, mentions)
    found: list[Statement] = []
    for start, end, lang in passages:
        if lang == "en":
            found.extend(_english(doc, start, end))
        elif lang == "ja":
            found.extend(_japanese(doc, start, end))
    return found
