"""Re-anchoring an annotation in changed text: anchored, moved, changed or orphaned, never wrong."""
from __future__ import annotations

import random

import pytest
from conftest import SEEDS

from reader.annotations.anchoring import anchor, levenshtein, similarity
from reader.annotations.model import quote_selector

TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())]
TEXT = TEXTS[0]
# "…ロシアの財政赤字がなんと6兆ルーブル、日本円で約11兆円に達する見込みなんだって!…"
START, END = 240, 290


def find(text: str, original: str = TEXT, start: int = START, end: int = END, hint: int | None = None):
    exact, prefix, suffix = quote_selector(original, start, end)
    return anchor(text, exact, prefix, suffix, start, end, hint=hint)


def test_unchanged_text_is_anchored_where_it_was():
    found = find(TEXT)
    assert (found.status, found.start, found.end) == ("anchored", START, END)


def test_text_inserted_before_moves_it():
    inserted = "挿入された段落です。" * 3 + "\n"
    found = find(TEXT[:100] + inserted + TEXT[100:])
    assert (found.status, found.start, found.end) == ("moved", START + len(inserted), END + len(inserted))


def test_text_removed_before_moves_it():
    found = find(TEXT[:50] + TEXT[150:])
    assert (found.status, found.start, found.end) == ("moved", START - 100, END - 100)


def test_text_changed_after_it_leaves_it_anchored():
    found = find(TEXT[:2000] + "まったく別の話。" + TEXT[2500:])
    assert (found.status, found.start, found.end) == ("anchored", START, END)


def test_a_few_characters_altered_inside_the_quote_is_changed_in_place():
    altered = TEXT[:250] + "XYZ" + TEXT[253:]
    found = find(altered)
    assert (found.status, found.start, found.end) == ("changed", START, END)
    assert 0.9 <= found.quote_score < 1.0


def test_altered_and_moved_is_changed_at_the_new_place():
    altered = TEXT[:250] + "XY" + TEXT[252:]
    inserted = "新しい前置き。" * 40
    found = find(inserted + altered)
    assert (found.status, found.start, found.end) == ("changed", START + len(inserted), END + len(inserted))


def test_deleted_passage_is_orphaned():
    line_start = TEXT.rfind("\n", 0, START) + 1
    line_end = TEXT.find("\n", END)
    found = find(TEXT[:line_start] + TEXT[line_end + 1:])
    assert found.status == "orphaned" and found.start is None


def test_quote_rewritten_beyond_recognition_is_orphaned():
    found = find(TEXT[:START] + "全然違う文章がここに入りました。内容も長さも異なります。" + TEXT[END:])
    assert found.status == "orphaned"


# -- the same words elsewhere ------------------------------------------------------------


QUOTE = "停戦合意の履行状況"
REPEATED = ("第一段落。ロシアとウクライナは協議を続けた。専門家によれば" + QUOTE + "は不透明だという。\n"
            + "関係のない段落がここに続く。" * 20 + "\n"
            + "第二段落。別の記者会見で、米国務省の報道官は" + QUOTE + "について言及を避けた。\n")
FIRST = REPEATED.index(QUOTE)
SECOND = REPEATED.index(QUOTE, FIRST + 1)


def find_first(text: str):
    return find(text, REPEATED, FIRST, FIRST + len(QUOTE))


def test_a_repeated_quote_is_found_at_its_own_occurrence():
    found = find_first(REPEATED)
    assert (found.status, found.start) == ("anchored", FIRST)
    shifted = "前書き。" * 10 + REPEATED
    assert (find_first(shifted).status, find_first(shifted).start) == ("moved", FIRST + 40)


def test_a_repeated_quote_does_not_jump_to_the_other_occurrence_when_its_own_is_edited():
    edited = REPEATED[:FIRST + 2] + "協定" + REPEATED[FIRST + 4:]      # 停戦合意 → 停戦協定
    found = find_first(edited)
    assert (found.status, found.start, found.end) == ("changed", FIRST, FIRST + len(QUOTE))


def test_a_repeated_quote_does_not_jump_to_the_other_occurrence_when_its_own_is_deleted():
    line_end = REPEATED.index("\n")
    found = find_first(REPEATED[line_end + 1:])
    assert found.status == "orphaned"


def test_a_repeated_quote_does_not_jump_when_its_own_is_rewritten():
    rewritten = REPEATED[:FIRST] + "今後の見通し" + REPEATED[FIRST + len(QUOTE):]
    assert find_first(rewritten).status == "orphaned"


def test_identical_passages_pick_the_one_nearest_the_old_place():
    paragraph = "同じ段落が二度印刷された。" + QUOTE + "に注目が集まる。\n"
    filler = "別の文章。" * 30 + "\n"
    text = filler + paragraph + filler + paragraph + filler
    second = text.index(QUOTE, text.index(QUOTE) + 1)
    found = find(text, text, second, second + len(QUOTE))
    assert (found.status, found.start) == ("anchored", second)
    shifted = "追記。" * 5 + text
    found = find(shifted, text, second, second + len(QUOTE))
    assert (found.status, found.start) == ("moved", second + 15)


def test_equal_candidates_without_context_are_not_guessed():
    # Made in a text that is gone; the new text has the quote twice, as far from the old place
    # either way and with no context agreeing: orphaned, not a coin toss.
    original = "あ" * 40 + QUOTE + "い" * 40
    text = "う" * 20 + QUOTE + "え" * 20 + QUOTE + "お" * 20
    exact, prefix, suffix = quote_selector(original, 40, 40 + len(QUOTE))
    assert anchor(text, exact, prefix, suffix, 40, 40 + len(QUOTE)).status == "orphaned"


def test_a_short_quote_needs_its_context():
    start = TEXT.index("ミミ", 500)
    exact, prefix, suffix = quote_selector(TEXT, start, start + 2)
    line_end = TEXT.index("\n", start + 3)
    found = anchor(TEXT[:start - 40] + TEXT[line_end:], exact, prefix, suffix, start, start + 2)
    assert found.status == "orphaned"  # "ミミ" is everywhere in this dialogue, but not with this context


# -- never a wrong anchor: random edits with known outcomes --------------------------------


def _true_place_found(found, expected, length) -> bool:
    tolerance = max(1, length // 4) if found.status == "changed" else 0
    return abs(found.start - expected[0]) <= tolerance and abs(found.end - expected[1]) <= tolerance


def test_random_edits_never_anchor_to_a_wrong_place():
    rng = random.Random(20251124)
    wrong = []
    outcomes: dict[str, int] = {}
    for trial in range(400):
        base = rng.choice(TEXTS)
        length = rng.choice([2, 3, 5, 8, 12, 20, 40, 80])
        start = rng.randrange(0, len(base) - length)
        end = start + length
        exact, prefix, suffix = quote_selector(base, start, end)
        donor = rng.choice(TEXTS)
        at = rng.randrange(0, len(donor) - 200)
        chunk = donor[at:at + rng.randint(1, 200)]
        kind = rng.choice(["insert", "delete", "alter", "remove"])
        if kind == "insert":
            where = rng.choice([rng.randrange(0, start + 1), rng.randrange(end, len(base) + 1)])
            text = base[:where] + chunk + base[where:]
            shift = len(chunk) if where <= start else 0
            expected = (start + shift, end + shift)
        elif kind == "delete":
            if rng.random() < 0.5:
                a = rng.randrange(0, start + 1)
                b = rng.randrange(a, start + 1)
            else:
                a = rng.randrange(end, len(base) + 1)
                b = rng.randrange(a, len(base) + 1)
            text = base[:a] + base[b:]
            shift = (b - a) if b <= start else 0
            expected = (start - shift, end - shift)
        elif kind == "alter":
            n = max(1, length // 8)
            i = rng.randrange(start, end - n + 1)
            text = base[:i] + "Ж" * n + base[i + n:]
            expected = (start, end)
        else:
            a, b = max(0, start - rng.randint(0, 50)), min(len(base), end + rng.randint(0, 50))
            text = base[:a] + base[b:]
            expected = None
        found = anchor(text, exact, prefix, suffix, start, end)
        outcomes[f"{kind}/{found.status}"] = outcomes.get(f"{kind}/{found.status}", 0) + 1
        if not found.found or (expected and _true_place_found(found, expected, length)):
            continue
        # Elsewhere is right only if it is the same words with the same context (a passage the
        # document repeats, e.g. an article printed twice).
        identical = (text[found.start:found.end] == exact
                     and similarity(prefix, text[max(0, found.start - len(prefix)):found.start]) >= 0.9
                     and similarity(suffix, text[found.end:found.end + len(suffix)]) >= 0.9)
        if not identical:
            wrong.append((trial, kind, exact, found, expected))
    assert wrong == [], wrong
    # The edits that keep the text are found again (not orphaned just to be safe).
    kept = sum(v for k, v in outcomes.items() if k.split("/")[0] in ("insert", "delete"))
    lost = sum(v for k, v in outcomes.items() if k in ("insert/orphaned", "delete/orphaned"))
    assert lost <= 0.03 * kept, outcomes
    assert outcomes.get("alter/changed", 0) > outcomes.get("alter/orphaned", 0), outcomes


# -- a large document (its speed: bench/bench_timed_tests.py) -------------------------------


def _megabyte(seed: int) -> str:
    rng = random.Random(seed)
    words = ["交渉", "停戦", "ロシア", "ウクライナ", "米国", "合意", "制裁", "会談", "大統領", "首脳", "外相", "経済",
             "原油", "軍事", "支援", "の", "が", "は", "を", "に", "で", "と", "。", "、", " the ", "peace ", "talks ",
             "Moscow ", "Kyiv "]
    parts, size = [], 0
    while size < 1_000_000:
        word = rng.choice(words)
        parts.append(word)
        size += len(word)
    return "".join(parts)[:1_000_000]


def test_approximate_matching_on_a_megabyte_document_is_right():
    text = _megabyte(7)
    rng = random.Random(8)
    cases = []
    for i in range(12):
        start = rng.randrange(400_000, 900_000)
        length = rng.choice([12, 40, 120, 400])
        exact, prefix, suffix = quote_selector(text, start, start + length)
        errors = max(1, length // 10)
        edited = text[:start + 3] + "Ω" * errors + text[start + 3 + errors:]
        if i % 2:   # and moved far: a large part before it removed
            edited, shift = edited[300_000:], -300_000
        else:
            shift = 0
        cases.append((edited, exact, prefix, suffix, start, length, shift))
    for edited, exact, prefix, suffix, start, length, shift in cases:
        found = anchor(edited, exact, prefix, suffix, start, start + length)
        assert found.status == "changed" and abs(found.start - (start + shift)) <= 1, found


def test_an_orphan_in_a_megabyte_document_is_given_up():
    text = _megabyte(9)
    start = 600_000
    exact, prefix, suffix = quote_selector(text, start, start + 200)
    assert anchor(text[:start - 100] + text[start + 300:], exact, prefix, suffix, start, start + 200).status == "orphaned"


@pytest.mark.parametrize("a, b", [("", ""), ("abc", ""), ("", "xyz"), ("kitten", "sitting"), ("停戦合意", "停戦協定"),
                                  ("a" * 70 + "b", "a" * 71), ("x" * 130, "y" + "x" * 128)])
def test_levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        previous = current
    assert levenshtein(a, b) == previous[-1]
