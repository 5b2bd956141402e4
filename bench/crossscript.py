"""Cross-script test documents: each name in English in one article, in katakana in another.

The names (tests/fixtures/crossscript_names.tsv, for development; crossscript_names_heldout.tsv
and crossscript_names_fresh.tsv, written before tuning and kept for measuring only, with
confusable pairs) are people, places and
companies that are not in resources/aliases.tsv. Articles hold three names each, grouped differently in the two
languages so that no English article is a translation of a Japanese one; people are also
mentioned by surname alone. Shared by bench/bench_crossscript.py and the tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NAMES_FILE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "crossscript_names.tsv"
HELDOUT_FILE = NAMES_FILE.with_name("crossscript_names_heldout.tsv")
# a third list, written before the second round of tuning: for reporting only, never tuned to
FRESH_FILE = NAMES_FILE.with_name("crossscript_names_fresh.tsv")
PER_DOC = 3

_EN = {
    "PERSON": ["{full} said on Tuesday that the talks would continue. {short} added that no date had been set.",
               "In an interview, {full} called the proposal a first step. {short} declined to give details.",
               "{full} met reporters after the meeting. Asked about the deadline, {short} said nothing."],
    "GPE": ["Officials in {full} reported heavy rain overnight, and schools in {short} stayed closed.",
            "A delegation travelled to {full} on Monday. Talks in {short} are expected to last two days.",
            "Prices rose sharply in {full} last month, the city's statistics office said."],
    "ORG": ["{full} announced a new contract on Monday. Shares in {short} rose two percent.",
            "Analysts expect {full} to report higher profits. A spokesman for {short} declined to comment.",
            "{full} said it would cut costs this year."],
}
_JA = {
    "PERSON": ["{full}氏は火曜日、協議を続けると述べた。{short}氏は日程は決まっていないと付け加えた。",
               "{full}氏はインタビューで、提案を第一歩と評価した。{short}氏は詳細には触れなかった。",
               "会合の後、{full}氏が記者団の取材に応じた。期限について問われた{short}氏は答えなかった。"],
    "GPE": ["{full}では夜間に大雨が降り、{short}の学校は休校となった。",
            "代表団は月曜日に{full}を訪れた。{short}での協議は2日間続く見通しだ。",
            "{full}では先月、物価が急上昇したと市の統計局が発表した。"],
    "ORG": ["{full}は月曜日、新たな契約を結んだと発表した。{short}の株価は2%上昇した。",
            "アナリストは{full}の増益を予想している。{short}の広報担当者はコメントを控えた。",
            "{full}は今年、経費を削減すると明らかにした。"],
}


@dataclass(frozen=True)
class Name:
    english: str
    katakana: str
    label: str
    note: str = ""      # "confusable": must stay apart from the name it resembles

    @property
    def english_short(self) -> str:
        return self.english.split()[-1] if self.label == "PERSON" else self.english

    @property
    def katakana_short(self) -> str:
        return self.katakana.split("・")[-1] if self.label == "PERSON" else self.katakana


@dataclass(frozen=True)
class Placed:
    """Where one name was written in one generated document."""
    name: Name
    doc: str
    full: tuple[int, int]
    short: tuple[int, int] | None


def load_names(path: Path = NAMES_FILE) -> list[Name]:
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return [Name(*row[:4]) for row in rows[1:]]


def _document(names: list[Name], templates: dict, english: bool, seed: int) -> tuple[str, list]:
    text, placed = "", []
    for n, name in enumerate(names):
        template = templates[name.label][(seed + n) % len(templates[name.label])]
        full = name.english if english else name.katakana
        short = name.english_short if english else name.katakana_short
        head, _, rest = template.partition("{full}")
        start = len(text) + len(head)
        spans = [(start, start + len(full))]
        sentence = head + full + rest
        if "{short}" in sentence:
            s = sentence.index("{short}")
            sentence = sentence.replace("{short}", short, 1)
            spans.append((len(text) + s, len(text) + s + len(short)))
        text += sentence + ("\n" if english else "\n")
        placed.append(spans)
    return text, placed


def documents(names: list[Name]) -> tuple[dict[str, str], list[tuple[Placed, Placed]]]:
    """{doc key: text} and, per name, where it stands in English and in katakana."""
    docs: dict[str, str] = {}
    where: dict[tuple[str, str], Placed] = {}
    for lang, offset in (("en", 0), ("ja", 1)):
        order = names[offset:] + names[:offset]       # other groupings in the other language
        for i in range(0, len(order), PER_DOC):
            group = order[i:i + PER_DOC]
            key = f"{lang}-{i // PER_DOC:03d}"
            text, placed = _document(group, _EN if lang == "en" else _JA, lang == "en", i)
            docs[key] = text
            for name, spans in zip(group, placed):
                short = spans[1] if len(spans) > 1 and name.label == "PERSON" else None
                where[(name.english, lang)] = Placed(name, key, spans[0], short)
    return docs, [(where[(n.english, "en")], where[(n.english, "ja")]) for n in names]
