"""Precision and recall of dates and statements on the hand-made gold (bench/story_gold.json).

    PYTHONPATH=. python bench/eval_story.py [--ja-timex]

Dates: of the gold expressions, how many the pipeline finds (a DATE span or a relative
expression it resolves) and how many of those it resolves right; an expression that is not
a date (30日停戦, 1日当たり) but gets a date counts as found and wrong. Statements: how many
gold statements are found (a statement of the document containing the gold text, or
contained in it) and how many of those have the right speaker.

--ja-timex also scores ja-timex (pip install ja-timex; not a Reader dependency) on the
Japanese gold dates, given each sentence and the same anchor.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.ingest import load_file  # noqa: E402
from reader.nlp import Extractor  # noqa: E402
from reader.nlp.dates import parse_anchor  # noqa: E402
from reader.store.entities import find_mentions, mention_spans  # noqa: E402
from reader.store.story import find_story  # noqa: E402


def analyse(path: Path, anchor: str | None, extractor: Extractor):
    doc = load_file(path)
    passages = [(p.start, p.end, p.lang, p.boilerplate, p.duplicate_of) for p in doc.passages]
    sentences = [(s.start, s.end) for p in doc.passages for s in p.sentences]
    mentions = mention_spans(find_mentions(doc.text, anchor, passages, extractor))
    # The gold's anchor stands for the document's own date (Wikinews files carry none).
    events, statements = find_story(doc.text, anchor, anchor, passages, sentences, mentions)
    return doc, events, statements


def locate(text: str, context: str, expression: str) -> tuple[int, int]:
    at = text.find(context)
    if at < 0:
        raise SystemExit(f"gold context not found: {context!r}")
    start = at + context.index(expression)
    return start, start + len(expression)


def score_dates(gold: dict, docs: dict) -> dict:
    found = right = wanted = 0
    wrong = []
    for item in gold["dates"]:
        doc, events, _ = docs[item["doc"]]
        start, end = locate(doc.text, item["context"], item["text"])
        wanted += item["date"] is not None
        hit = [e for e in events if e[2] < end and e[3] > start]
        if not hit:
            if item["date"] is not None:
                wrong.append(f"missed {item['text']} ({item['context']})")
            continue
        found += 1
        if hit[0][8] == item["date"]:
            right += 1
        else:
            wrong.append(f"{item['text']} → {hit[0][8]}, gold {item['date']} ({item['context']})")
    found_dates = sum(1 for item in gold["dates"] if item["date"] is not None) - sum(1 for w in wrong if w.startswith("missed"))
    return {"gold": wanted, "found": found, "right": right, "resolved_right": right / found if found else 0.0,
            "recall": found_dates / wanted if wanted else 0.0, "errors": wrong}


def score_statements(gold: dict, docs: dict) -> dict:
    found = right = 0
    errors = []
    for item in gold["statements"]:
        doc, _, statements = docs[item["doc"]]
        matches = [s for s in statements if item["text"] in doc.text[s[0]:s[1]]
                   or (s[1] - s[0] >= 4 and doc.text[s[0]:s[1]] in item["text"])]
        if not matches:
            errors.append(f"missed {item['speaker'][0]}: {item['text']}")
            continue
        found += 1
        speaker = matches[0][5]
        if any(name in speaker or speaker in name for name in item["speaker"]):
            right += 1
        else:
            errors.append(f"speaker {speaker!r}, gold {item['speaker']}: {item['text']}")
    total = len(gold["statements"])
    return {"gold": total, "found": found, "speaker_right": right, "recall": found / total,
            "speakers_right": right / found if found else 0.0, "errors": errors}


def score_ja_timex(gold: dict, docs: dict) -> dict:
    import pendulum
    from ja_timex import TimexParser

    found = right = wanted = found_dates = 0
    for item in gold["dates"]:
        doc, _, _ = docs[item["doc"]]
        if not any("\u3040" <= c <= "\u9fff" for c in item["text"]):
            continue                      # ja-timex reads Japanese only
        anchor = parse_anchor(gold["anchors"][item["doc"]])
        start, end = locate(doc.text, item["context"], item["text"])
        line_start = doc.text.rfind("\n", 0, start) + 1
        line_end = doc.text.find("\n", end)
        line = doc.text[line_start:line_end if line_end >= 0 else len(doc.text)]
        reference = pendulum.datetime(anchor.year, anchor.month, anchor.day) if anchor else pendulum.now()
        wanted += item["date"] is not None
        hits = [t for t in TimexParser(reference=reference).parse(line)
                if t.span[0] + line_start < end and t.span[1] + line_start > start]
        if not hits:
            continue
        found += 1
        found_dates += item["date"] is not None
        right += _timex_value(hits[0]) == item["date"]
    return {"gold": wanted, "found": found, "right": right, "resolved_right": right / found if found else 0.0,
            "recall": found_dates / wanted if wanted else 0.0}


def _timex_value(timex) -> str | None:
    """A ja-timex DATE as this gold writes it: 2025-03-13, 2025-03 or 2025; durations (its
    reading of 本日, 昨年…) are not resolved dates."""
    if timex.type != "DATE":
        return None
    value = timex.value
    if value.startswith("XXXX") and not value.endswith("XX"):
        return timex.to_datetime().date().isoformat()
    parts = [p for p in value.split("-") if "X" not in p]
    return "-".join(parts) or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ja-timex", action="store_true", help="also score ja-timex on the Japanese gold dates")
    args = parser.parse_args()
    gold = json.loads((ROOT / "bench" / "story_gold.json").read_text(encoding="utf-8"))
    extractor = Extractor()
    docs = {name: analyse(ROOT / name, anchor, extractor) for name, anchor in gold["anchors"].items()}
    dates = score_dates(gold, docs)
    said = score_statements(gold, docs)
    print(f"dates: {dates['gold']} gold expressions; found {dates['found']} (recall {dates['recall']:.1%}); "
          f"resolved right {dates['right']}/{dates['found']} = {dates['resolved_right']:.1%}")
    for error in dates["errors"]:
        print(f"    {error}")
    print(f"statements: {said['gold']} gold; found {said['found']} (recall {said['recall']:.1%}); "
          f"speaker right {said['speaker_right']}/{said['found']} = {said['speakers_right']:.1%}")
    for error in said["errors"]:
        print(f"    {error}")
    if args.ja_timex:
        timex = score_ja_timex(gold, docs)
        print(f"ja-timex on the Japanese gold dates: {timex['gold']} gold; found {timex['found']} "
              f"(recall {timex['recall']:.1%}); resolved right {timex['right']}/{timex['found']} = "
              f"{timex['resolved_right']:.1%}")


if __name__ == "__main__":
    main()
