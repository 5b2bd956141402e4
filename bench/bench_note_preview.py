"""Time to render hostile notes in the preview (reader.annotations.render), bounded vs the
`markdown` package's own link scanning. Prints seconds per case; takes about a minute.

    PYTHONPATH=. python bench/bench_note_preview.py
"""
from __future__ import annotations

import time

import markdown

from reader.annotations.render import _EXTENSIONS, _ImagesAsText, render_note_html, sanitise_html

CASES = {"[": "[", "![": "![", "[x](": "[x](", "[a](<": "[a](<", ">": ">", "*a ": "*a ", "<": "<", "`": "`"}


def unbounded(text: str) -> str:
    return sanitise_html(markdown.markdown(text, extensions=[*_EXTENSIONS, _ImagesAsText()], output_format="html"))


def seconds(render, text: str) -> float:
    start = time.perf_counter()
    render(text)
    return time.perf_counter() - start


def main() -> None:
    print(f"{'case':8} {'chars':>8} {'bounded s':>10} {'markdown s':>11}")
    for chars in (8_000, 100_000):
        for name, unit in CASES.items():
            text = unit * (chars // len(unit))
            before = f"{seconds(unbounded, text):11.3f}" if chars <= 8_000 else f"{'(skipped)':>11}"
            print(f"{name:8} {chars:>8} {seconds(render_note_html, text):10.3f} {before}")


if __name__ == "__main__":
    main()
