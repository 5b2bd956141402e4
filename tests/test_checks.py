"""The static checks CI runs with the tests: the layer contract (import-linter) and mypy.

Both read their configuration from pyproject.toml. A violation fails here with the tool's own
report, so a layer crossed or a type error in a checked module cannot land unnoticed.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(*arguments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}   # this checkout's reader, not an installed one
    return subprocess.run([sys.executable, *arguments], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_layers_contract_is_kept():
    result = _run("-c", "import sys; from importlinter.cli import lint_imports_command; "
                        "sys.exit(lint_imports_command(['--no-cache']))")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_mypy_finds_no_errors_in_the_checked_modules():
    result = _run("-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
