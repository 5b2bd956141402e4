"""`reader --self-test`: it runs end to end from source, and reports a failing step as such."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader import selftest

REPO = Path(__file__).resolve().parents[1]
STEPS = ["environment", "bundled resources", "dictionaries", "index the seeds", "worker process", "Qt bindings",
         "open the window", "Japanese font", "open a document", "entities highlighted", "search", "annotate",
         "export Markdown", "close"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(extra)
    return env


@pytest.mark.timeout(300)
def test_self_test_from_source_passes_every_step_headless(tmp_path):
    pytest.importorskip("PySide6")
    result = subprocess.run([sys.executable, "-m", "reader", "--self-test", "--data-dir", str(tmp_path)],
                            cwd=REPO, env=_env(), capture_output=True, text=True, timeout=280)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr[-3000:]
    lines = [line for line in out.splitlines() if line[:1] in "✓✗–"]
    for step in STEPS:
        assert any(line.startswith(f"✓ {step} ") for line in lines), f"step {step!r} did not pass:\n{out}"
    assert "offscreen platform" in out          # no display: the self-test chose offscreen itself
    assert " ms " in lines[0]                     # each step is timed
    assert lines[-1].startswith("✓ self-test passed")
    assert list(tmp_path.iterdir()) == []         # its temporary data folder is gone after a pass


def test_a_failing_step_stops_the_run_and_names_the_step(monkeypatch, tmp_path, capsys):
    def broken(self):
        raise selftest.StepFailed("the dictionary is missing")

    monkeypatch.setattr(selftest.SelfTest, "step_dictionaries", broken)
    assert selftest.main(str(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "✓ environment" in out and "✓ bundled resources" in out
    assert "✗ dictionaries" in out and "the dictionary is missing" in out
    assert "index the seeds" not in out           # later steps depend on it: not run
    assert "FAILED at “dictionaries”" in out
    kept = list(tmp_path.iterdir())
    assert len(kept) == 1 and str(kept[0]) in out  # the data is kept for a look


def test_a_skipped_step_is_reported_but_not_a_failure(monkeypatch, tmp_path, capsys):
    def skipped(self):
        raise selftest.Skipped("annotations not available")

    monkeypatch.setattr(selftest.SelfTest, "steps", lambda self: [("environment", self.step_environment),
                                                                 ("annotate", lambda: skipped(self))])
    monkeypatch.setattr(selftest.SelfTest, "window_steps", lambda self: [])
    assert selftest.main(str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "– annotate" in out and "skipped: annotations not available" in out


def test_offscreen_only_without_a_display(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert selftest._needs_offscreen()
    monkeypatch.setenv("DISPLAY", ":0")
    assert not selftest._needs_offscreen()
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")   # the user's choice stands
    assert not selftest._needs_offscreen()


def test_marks_fall_back_to_ascii_on_consoles_that_cannot_print_them():
    class Latin1:
        encoding = "latin-1"

    class Utf8:
        encoding = "utf-8"

    assert selftest._marks(Latin1()) == ("OK", "FAIL", "skip")
    assert selftest._marks(Utf8()) == ("✓", "✗", "–")


def test_help_lists_the_self_test_and_version_comes_from_the_project(capsys):
    import tomllib

    from reader.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--self-test" in out and "--measure-startup" not in out
    with pytest.raises(SystemExit):
        main(["--version"])
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert capsys.readouterr().out.strip() == f"Reader {version}"


@pytest.mark.timeout(120)
def test_measure_startup_prints_the_first_paint_of_the_last_document(tmp_path):
    pytest.importorskip("PySide6")
    env = _env(QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-m", "reader", "index", "--data-dir", str(tmp_path)], cwd=REPO, env=env,
                   check=True, capture_output=True, timeout=100)

    def measure() -> dict[str, str]:
        result = subprocess.run([sys.executable, "-m", "reader", "--measure-startup", "--data-dir", str(tmp_path)],
                                cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr[-2000:]
        line = next(line for line in result.stdout.splitlines() if line.startswith(selftest.STARTUP_MARK))
        return dict(part.split("=", 1) for part in line.split()[1:])

    first = measure()       # no session yet: the first document opens after the index check
    assert float(first["first_paint"]) > 0
    second = measure()      # the window remembered it: shown as it comes up
    assert second["restored"] == "1" and second["doc"] == first["doc"]
