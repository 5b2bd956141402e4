"""Entity extraction (reader.nlp): the real extractor on the seed articles and on
small texts. Needs sudachipy, the Sudachi dictionary reader.nlp.sudachi selects
(sudachidict_core by default) and python-crfsuite (installed with the project)
and the model in resources/ner/, which must match that dictionary."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.nlp import LABELS, EntitySpan, Extractor

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
AOZORA = ROOT.parent / "shared" / "bench" / "aozora"

TITLES = ("大統領", "首相", "氏", "特使", "国務長官", "将軍", "准教授", "President", "Mr")


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def seed_entities(ex) -> dict[str, list[EntitySpan]]:
    return {p.name: ex.extract(p.read_text(encoding="utf-8")) for p in SEEDS}


def pairs(spans):
    return {(e.text, e.label) for e in spans}


def all_pairs(seed_entities):
    out = set()
    for spans in seed_entities.values():
        out |= pairs(spans)
    return out


def check_well_formed(text: str, spans: list[EntitySpan]) -> None:
    last_end = -1
    for e in spans:
        assert e.label in LABELS
        assert 0 <= e.start < e.end <= len(text)
        assert e.text == text[e.start:e.end]
        assert e.start >= last_end, f"overlap or unsorted at {e}"
        last_end = e.end


# ---------------------------------------------------------------------------
# Seeds

def test_seeds_are_present():
    assert len(SEEDS) >= 5


def test_seed_spans_well_formed(seed_entities):
    for p in SEEDS:
        check_well_formed(p.read_text(encoding="utf-8"), seed_entities[p.name])


@pytest.mark.parametrize("text,label", [
    ("プーチン", "PERSON"),
    ("トランプ", "PERSON"),
    ("ウィトコフ", "PERSON"),
    ("モスクワ", "GPE"),
    ("キーウ", "GPE"),
    ("キエフ", "GPE"),
    ("ウクライナ", "GPE"),
    ("ロシア国防省", "ORG"),
    ("NATO", "ORG"),
    ("2025年3月13日", "DATE"),
    ("6兆ルーブル", "MONEY"),
    ("35%", "PERCENT"),
])
def test_seed_key_entities(seed_entities, text, label):
    found = all_pairs(seed_entities)
    assert (text, label) in found, f"{text} {label} not found; as: {[p for p in found if p[0] == text]}"


def test_seed_english_passages(seed_entities):
    # seed 000 has English paragraphs ("Putin's Russia"), seed 002 an English headline
    # ("US envoy lands in Moscow for talks as Putin visits Kursk")
    english = set()
    for name, spans in seed_entities.items():
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        for e in spans:
            line_start = text.rfind("\n", 0, e.start) + 1
            line_end = text.find("\n", e.end)
            line = text[line_start:line_end if line_end >= 0 else None]
            if not any("\u3040" <= c <= "\u9fff" for c in line):
                english.add((e.text, e.label))
    assert ("Putin", "PERSON") in english
    assert ("Moscow", "GPE") in english


def test_common_nouns_and_titles_never_entities(seed_entities):
    for spans in seed_entities.values():
        for e in spans:
            assert e.text not in ("制裁", "交渉", "大統領", "停戦", "和平", "政府"), e
            if e.label == "PERSON":
                assert not e.text.endswith(TITLES), e
                assert not e.text.startswith(("President ", "Mr ", "Mr. ")), e


def test_person_in_seed_without_title(seed_entities):
    found = all_pairs(seed_entities)
    assert ("ウラジーミル・プーチン", "PERSON") in found
    assert not any(t.endswith("大統領") for t, _ in found)


# ---------------------------------------------------------------------------
# Small texts

def test_titles_are_not_part_of_person(ex):
    text = "ウラジーミル・プーチン大統領はモスクワで演説した。プーチン大統領は、ルビオ国務長官とウィトコフ特使に会った。"
    got = pairs(ex.extract(text))
    assert ("ウラジーミル・プーチン", "PERSON") in got
    assert ("プーチン", "PERSON") in got
    assert ("ウィトコフ", "PERSON") in got
    assert ("ルビオ", "PERSON") in got
    assert ("モスクワ", "GPE") in got
    assert not any(t.endswith(("大統領", "特使", "国務長官")) for t, _ in got)


def test_japanese_only(ex):
    text = ("2025年3月13日、ロシア国防省はクルスク州の集落を奪還したと発表した。"
            "ロシアの財政赤字は6兆ルーブルに達し、原油収入は35%減少した。ロシア人の多くは制裁の影響を受けている。")
    spans = ex.extract(text, "ja")
    check_well_formed(text, spans)
    got = pairs(spans)
    assert ("2025年3月13日", "DATE") in got
    assert ("ロシア国防省", "ORG") in got
    assert ("6兆ルーブル", "MONEY") in got
    assert ("35%", "PERCENT") in got
    assert ("ロシア人", "NORP") in got
    assert not any(t in ("制裁", "交渉", "大統領") for t, _ in got)


def test_english_only(ex):
    text = ("President Trump said on Tuesday that Russian President Vladimir Putin had met US envoy "
            "Steve Witkoff in Moscow. NATO and the European Union were not at the table, and Russia's "
            "deficit reached $20 billion, 35% more than on March 13, 2025.")
    spans = ex.extract(text, "en")
    check_well_formed(text, spans)
    got = pairs(spans)
    assert ("Trump", "PERSON") in got
    assert ("Vladimir Putin", "PERSON") in got
    assert ("Steve Witkoff", "PERSON") in got
    assert ("Moscow", "GPE") in got
    assert ("NATO", "ORG") in got
    assert ("Russian", "NORP") in got
    assert ("$20 billion", "MONEY") in got
    assert ("35%", "PERCENT") in got
    assert ("March 13, 2025", "DATE") in got
    assert not any(t.startswith("President") for t, _ in got)


def test_english_detected_without_lang(ex):
    text = "Putin met Witkoff in Moscow.\nプーチン大統領はモスクワでウィトコフ特使と会談した。"
    got = pairs(ex.extract(text))
    assert ("Moscow", "GPE") in got and ("モスクワ", "GPE") in got
    assert ("Putin", "PERSON") in got and ("プーチン", "PERSON") in got


def test_korean_yields_nothing(ex):
    text = "블라디미르 푸틴 러시아 대통령은 모스크바에서 2025년 3월 13일 회담했다."
    assert ex.extract(text) == []
    assert ex.extract(text, "ko") == []
    assert ex.extract("プーチン大統領", "other") == []


def test_extract_passages_offsets_and_routing(ex):
    ja = "プーチン大統領はモスクワにいる。"
    en = "Putin is in Moscow."
    ko = "푸틴은 모스크바에 있다."
    text = "\n".join([ja, en, ko])
    a, b = 0, len(ja)
    c, d = b + 1, b + 1 + len(en)
    e, f = d + 1, len(text)
    spans = ex.extract_passages(text, [(a, b, "ja"), (c, d, "en"), (e, f, "ko")])
    check_well_formed(text, spans)
    got = {(s.text, s.label, s.start >= c) for s in spans}
    assert ("プーチン", "PERSON", False) in got
    assert ("Moscow", "GPE", True) in got
    assert all(s.end <= d for s in spans), "nothing from the Korean passage"


def test_empty_and_whitespace(ex):
    assert ex.extract("") == []
    assert ex.extract("\n\n   \n") == []
    assert ex.extract_passages("", []) == []


def test_very_long_line_is_chunked(ex):
    # Sudachi refuses inputs over ~49 KB; one 120,000-character line must still work
    sentence = "プーチン大統領は2025年3月13日にモスクワで会談した、"
    text = sentence * (120_000 // len(sentence))
    spans = ex.extract(text)
    check_well_formed(text, spans)
    persons = [s for s in spans if s.label == "PERSON" and s.text == "プーチン"]
    assert len(persons) > 0.9 * text.count("プーチン")


# ---------------------------------------------------------------------------
# Process-level properties, in a fresh interpreter

def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_is_lazy():
    res = _run(
        "import sys, json, reader.nlp\n"
        "e = reader.nlp.Extractor()\n"
        "print(json.dumps({'sudachi': 'sudachipy' in sys.modules, 'crf': 'pycrfsuite' in sys.modules}))\n"
    )
    assert res == {"sudachi": False, "crf": False}


@pytest.mark.skipif(not AOZORA.is_dir(), reason="shared Aozora corpus not available")
def test_one_megabyte_novel_bounded_memory():
    code = f"""
import json, resource
from pathlib import Path
from reader.nlp import Extractor
src = Path({str(AOZORA)!r})
parts, n = [], 0
for p in sorted(src.glob('*.txt'), key=lambda p: -p.stat().st_size):
    t = p.read_text(encoding='utf-8')
    parts.append(t)
    n += len(t)
    if n >= 1_000_000:
        break
text = '\\n'.join(parts)
while len(text) < 1_000_000:
    text += '\\n' + text
text = text[:1_000_000]
spans = Extractor().extract(text)
ok = all(s.text == text[s.start:s.end] for s in spans) and all(a.end <= b.start for a, b in zip(spans, spans[1:]))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a big
# pytest process would report the parent's size.
hwm_kb = int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1])
print(json.dumps({{'chars': len(text), 'entities': len(spans), 'ok': ok, 'rss_mb': hwm_kb / 1024}}))
"""
    res = _run(code)
    assert res["chars"] == 1_000_000
    assert res["ok"]
    assert res["entities"] > 100
    assert res["rss_mb"] <= 400, res


def test_dictionary_choice_is_one_setting(monkeypatch):
    from reader.nlp import sudachi

    monkeypatch.delenv(sudachi.DICT_ENV, raising=False)
    assert sudachi.dict_name() == sudachi.DICT in sudachi.DICTS
    monkeypatch.setenv(sudachi.DICT_ENV, " Small ")
    assert sudachi.dict_name() == "small"
    monkeypatch.setenv(sudachi.DICT_ENV, "full")
    with pytest.raises(ValueError):
        sudachi.dict_name()


def test_scrambled_text_never_breaks_extraction():
    """Pieces of the seeds with brackets, spaces, bullets, zero-width and combining marks
    thrown in: every entity is a real slice of its text and nothing raises."""
    import random

    pool = "".join(p.read_text(encoding="utf-8") for p in SEEDS)
    assert pool, "the seeds are missing"
    marks = "()（）「」『』【】〈〉《》[]［］・=＝ 　\t➢■※.,。、1234567890ーっッ\u200b\ufeff\u0301éöĞ"
    rng = random.Random(7)
    ex = Extractor()
    for _ in range(400):
        k = rng.randint(1, 160)
        start = rng.randrange(len(pool) - k)
        chars = list(pool[start:start + k])
        for _ in range(rng.randint(0, 8)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(marks))
        text = "".join(chars)
        for e in ex.extract(text):
            assert 0 <= e.start < e.end <= len(text) and text[e.start:e.end] == e.text, (text, e)
