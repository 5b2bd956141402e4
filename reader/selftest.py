"""`reader --self-test`: check that this installation works, end to end, and say what was checked.

Runs from source and in the frozen app alike. In a fresh temporary data folder it builds the
index of the bundled seeds, opens the real window, opens a Japanese document, checks that its
entities are highlighted, searches, makes an annotation with a note and exports the notes as
Markdown; one line per step (✓/✗, time). Exit status 0 when every step passed, 1 otherwise.
Without a display (no $DISPLAY / $WAYLAND_DISPLAY on Linux) it sets QT_QPA_PLATFORM=offscreen.

`reader --measure-startup` (used by bench/bench_bundle.py) opens the window on the given data
folder, prints the wall-clock time of the first paint of the reading pane showing a document
(the last one read), then closes the window.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from reader.library import Library
    from reader.ui.selftest import WindowSteps

SEARCH_TIMEOUT_S = 20
INDEX_TIMEOUT_S = 300
NOTE_TEXT = "self-test note: **checked** by `reader --self-test`"


class Skipped(Exception):
    """A step that cannot run here (reported, not a failure)."""


class StepFailed(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise StepFailed(message)


# -- output --------------------------------------------------------------------------------------------

def _output():
    """stdout, or a log file when there is none (a windowed app on Windows)."""
    if sys.stdout is not None:
        return sys.stdout
    path = Path(tempfile.gettempdir()) / "reader-self-test.txt"
    return open(path, "w", encoding="utf-8")


def _marks(stream) -> tuple[str, str, str]:
    try:
        "✓✗–".encode(getattr(stream, "encoding", None) or "ascii")
        return "✓", "✗", "–"
    except (UnicodeEncodeError, LookupError):
        return "OK", "FAIL", "skip"


def _needs_offscreen() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return False


# -- the checks ------------------------------------------------------------------------------------------

class SelfTest:
    def __init__(self, parent_dir: str | None = None) -> None:
        if parent_dir:
            Path(parent_dir).mkdir(parents=True, exist_ok=True)
        self.data = Path(tempfile.mkdtemp(prefix="reader-self-test-", dir=parent_dir))
        self.library: Library | None = None
        self.seeds: list[Path] = []
        self.ui: WindowSteps | None = None       # once the window steps start

    # Each step returns a short detail line, raises Skipped, or fails (any other exception).

    def step_environment(self) -> str:
        import platform

        import reader
        from reader import paths

        frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
        return (f"Reader {reader.__version__} ({frozen}), Python {platform.python_version()}, "
                f"{platform.system()} {platform.machine()}; bundle root {paths.bundle_root()}")

    def step_resources(self) -> str:
        from reader import paths
        from reader.nlp import extract

        seeds = sorted(paths.seeds_dir().glob("*.txt"))
        check(seeds, f"no seeds in {paths.seeds_dir()}")
        required = [("aliases.tsv",), ("fonts", "ipaexg.ttf"), ("ner", extract.MODEL_FILE), ("icons", "reader.svg")]
        missing = ["/".join(p) for p in required if not paths.resource_path(*p).is_file()]
        check(not missing, f"missing resources: {', '.join(missing)}")
        self.seeds = seeds
        return f"{len(seeds)} seeds, alias table, font, NER model, icon"

    def step_dictionaries(self) -> str:
        import gettext

        import pycountry
        from reader.nlp import sudachi

        tokenizer = sudachi.dictionary().tokenizer()
        words = [m.surface() for m in tokenizer.tokenize("ロシアとウクライナの停戦交渉")]
        check("停戦" in words and "ウクライナ" in words, f"Sudachi split the test sentence as {words}")
        japan = pycountry.countries.get(alpha_2="JP")
        if japan is None:
            raise StepFailed("pycountry does not know Japan (JP)")
        ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"]).gettext(japan.name)
        check(ja == "日本", f"pycountry's Japanese name for Japan is {ja!r}")
        return f"Sudachi {sudachi.dict_name()}: {' | '.join(words)}; pycountry ja: Japan → {ja}"

    def step_index(self) -> str:
        from reader.library import Library

        self.library = library = Library(self.data)
        report = library.update()
        check(not report.errors, f"errors: {[(e.path, e.message) for e in report.errors]}")
        check(len(report.added) == len(self.seeds), f"{len(report.added)} of {len(self.seeds)} seeds indexed")
        check(report.entities, "no entities were found")
        return f"{len(report.added)} documents, {report.entities} entities, in {self.data}"

    def step_worker_process(self) -> str:
        from reader.progress import CancelToken
        from reader.store.indexer import _prepare_or_error
        from reader.store.workers import Budget, WorkersUnavailable, analyse_all

        seed = self.seeds[-1]
        try:       # as the indexer does: a spawned worker under a budget
            outcomes = [o for o in analyse_all(_prepare_or_error, [seed], lambda s: (s, s.read_bytes(), True),
                                               lambda s: s, workers=1, budget=Budget(seconds=120),
                                               cancel=CancelToken(), in_place_fallback=False) if o is not None]
        except WorkersUnavailable as error:
            check(False, f"no worker process can start: {error}")
        prepared = outcomes[0][1]
        check(not isinstance(prepared, str), f"the worker could not read {seed.name}: {prepared}")
        check(prepared.mentions, f"the worker found no entities in {seed.name}")
        return f"a spawned worker analysed {seed.name}: {len(prepared.mentions)} mentions"

    def window_steps(self) -> list[tuple[str, Callable[[], str]]]:
        from reader.ui.selftest import WindowSteps   # Qt from here on

        self.ui = window = WindowSteps(self)
        return window.steps()

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("environment", self.step_environment),
            ("bundled resources", self.step_resources),
            ("dictionaries", self.step_dictionaries),
            ("index the seeds", self.step_index),
            ("worker process", self.step_worker_process),
        ]

    def cleanup(self) -> None:
        if self.ui is not None:
            self.ui.cleanup()
        if self.library is not None:
            self.library.close()


def main(data_dir: str | None = None) -> int:
    """Run every step; `data_dir` (optional) is where the temporary folder is made."""
    if _needs_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    out = _output()
    ok_mark, fail_mark, skip_mark = _marks(out)
    test = SelfTest(data_dir)
    started = time.perf_counter()
    failed = None
    print(f"Reader self-test in {test.data}", file=out, flush=True)
    for name, step in _all_steps(test):
        t0 = time.perf_counter()
        try:
            detail = step()
            mark = ok_mark
        except Skipped as skipped:
            mark, detail = skip_mark, f"skipped: {skipped}"
        except Exception as error:  # noqa: BLE001 - reported as the failing step
            mark, detail = fail_mark, f"{type(error).__name__}: {error}"
            failed = name
            traceback.print_exc(file=sys.stderr if sys.stderr is not None else out)
        ms = (time.perf_counter() - t0) * 1000
        print(f"{mark} {name:<22} {ms:7.0f} ms  {detail}", file=out, flush=True)
        if failed:
            break
    test.cleanup()
    total = time.perf_counter() - started
    if failed:
        print(f"{fail_mark} self-test FAILED at “{failed}” after {total:.1f} s; its data is kept in {test.data}",
              file=out, flush=True)
        return 1
    shutil.rmtree(test.data, ignore_errors=True)
    print(f"{ok_mark} self-test passed in {total:.1f} s", file=out, flush=True)
    return 0


def _all_steps(test: SelfTest):
    yield from test.steps()
    try:
        window_steps = test.window_steps()
    except Exception as error:  # noqa: BLE001 - Qt cannot load: reported as a failing step
        message = f"{type(error).__name__}: {error}"

        def cannot_load() -> str:
            raise StepFailed(f"the window cannot load: {message}")
        yield ("open the window", cannot_load)
        return
    yield from window_steps


# -- start-up measurement ------------------------------------------------------------------------------

STARTUP_MARK = "READER_STARTUP"


def measure_startup(data_dir: str | None = None) -> int:
    """Open the window; at the first paint of the reading pane with a document in it, print
    `READER_STARTUP first_paint=<epoch seconds> restored=<0|1> doc=<id>` and close the window.

    `restored=1`: the document was the one open at the last close (the session), shown as the
    window came up; 0: there was none, and the first document opened after the index check.
    """
    from reader.ui.selftest import measure_startup as measure

    return measure(data_dir)
