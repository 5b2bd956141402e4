"""How well the outline found in the text matches the headings Aozora Bunko marks.

    python bench/eval_outline.py [FOLDER]   (default ../shared/bench/aozora)

Aozora Bunko files mark headings with editor's notes (［＃「第一章」は大見出し］), which the
importer drops from the text; the outline (reader.queries.outline) only sees the text. For
every work with such notes, the headings marked are the truth: precision is the share of
outline entries that are marked headings, recall the share of marked headings found.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reader.ingest.loaders import load_file  # noqa: E402
from reader.queries.outline import document_outline  # noqa: E402

NOTE = re.compile(r"［＃「([^」]+)」は[大中小]?見出し］")


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "bench" / "aozora"
    found = marked = right = works = 0
    for path in sorted(folder.glob("*.txt")):
        raw = path.read_bytes().decode("utf-8", "replace")
        truth = [t.strip() for t in NOTE.findall(raw)]
        if not truth:
            continue
        doc = load_file(path)
        detail = SimpleNamespace(summary=SimpleNamespace(path=doc.path, title=doc.title), text=doc.text,
                                 passages=doc.passages)
        titles = [e.title for e in document_outline(detail)]
        works += 1
        found += len(titles)
        marked += len(truth)
        remaining = list(truth)
        for title in titles:
            match = next((t for t in remaining if t in title or title in t), None)
            if match is not None:
                remaining.remove(match)
                right += 1
    print(f"{works} works with marked headings: {marked} marked, {found} in the outline, {right} right")
    print(f"precision {right / max(found, 1):.1%}  recall {right / max(marked, 1):.1%}")


if __name__ == "__main__":
    main()
