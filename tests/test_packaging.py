"""The frozen app: build it (packaging/build.sh), run its self-test, check what is in it.

Skipped unless READER_TEST_BUNDLE=1: building takes minutes. With READER_BUNDLE_PREBUILT=1 an
existing dist/Reader is checked instead of building again.

    READER_TEST_BUNDLE=1 .venv/bin/python -m pytest tests/test_packaging.py
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "dist" / "Reader"
INTERNAL = DIST / "_internal"
EXE = DIST / ("reader-cli.exe" if sys.platform == "win32" else "Reader")
# Left to the system on purpose (PyInstaller's own exclude list): the GPU drivers and Wayland's
# client libraries must match the machine's; every desktop session that uses them has them.
DESKTOP_LIBS = re.compile(r"lib(wayland-(client|cursor|egl)|GL|EGL|GLX|OpenGL|xcb)\.so")
DISK_BUDGET_MB = 420      # measured ~401 MiB with sudachidict_core (193 MiB of it); see packaging/PLATFORMS.md

pytestmark = [
    pytest.mark.skipif(os.environ.get("READER_TEST_BUNDLE") != "1", reason="set READER_TEST_BUNDLE=1 to build and "
                                                                          "test the frozen app (slow)"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the listing checks are written for Linux"),
]

sys.path.insert(0, str(REPO / "packaging"))
import bundle_policy as policy  # noqa: E402


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM",
                                                            "READER_DATA_DIR")}
    return env


@pytest.fixture(scope="module")
def bundle() -> Path:
    if os.environ.get("READER_BUNDLE_PREBUILT") != "1" or not EXE.exists():
        result = subprocess.run(["bash", "packaging/build.sh"], cwd=REPO, capture_output=True, text=True,
                                timeout=3600)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert EXE.exists()
    return DIST


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())


@pytest.mark.timeout(3600)
def test_version_is_the_projects(bundle):
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    out = subprocess.run([str(EXE), "--version"], capture_output=True, text=True, timeout=60, env=_env())
    assert out.stdout.strip() == f"Reader {version}"


@pytest.mark.timeout(600)
def test_the_bundles_self_test_passes(bundle, tmp_path):
    result = subprocess.run([str(EXE), "--self-test", "--data-dir", str(tmp_path)], capture_output=True, text=True,
                            timeout=500, env=_env())
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "(frozen)" in result.stdout and "✓ self-test passed" in result.stdout


@pytest.mark.timeout(600)
def test_cli_commands_run_frozen_without_loading_qt(bundle, tmp_path):
    env = _env()
    subprocess.run([str(EXE), "index", "--data-dir", str(tmp_path)], check=True, capture_output=True, timeout=300,
                   env=env)
    docs = subprocess.run([str(EXE), "docs", "--json", "--data-dir", str(tmp_path)], check=True, capture_output=True,
                          text=True, timeout=60, env=env)
    assert len(json.loads(docs.stdout)) == len(list((REPO / "seeds").glob("*.txt")))
    # glibc reports every library it loads with LD_DEBUG=files.
    search = subprocess.run([str(EXE), "search", "停戦", "--data-dir", str(tmp_path)], capture_output=True, text=True,
                            timeout=60, env=dict(env, LD_DEBUG="files"))
    assert search.returncode == 0 and "results" in search.stdout
    assert "libpython" in search.stderr        # LD_DEBUG works here
    assert "libQt6Core" not in search.stderr   # our run-time hook keeps Qt out of the core


def test_only_the_qt_modules_used_are_bundled(bundle):
    files = _files(INTERNAL)
    modules = {f.split("/")[1].split(".")[0] for f in files if f.startswith("PySide6/Qt") and f.endswith(".abi3.so")
               and f.count("/") == 1}
    assert modules <= set(policy.QT_MODULES_USED), modules
    forbidden = ("Qml", "Quick", "WebEngine", "Network", "Pdf", "Designer", "Multimedia", "VirtualKeyboard")
    assert not [f for f in files if any(f"Qt6{name}" in f for name in forbidden)]
    assert not [f for f in files if "/qml/" in f or "/libexec/" in f]


def test_qt_plugins_and_translations_are_trimmed(bundle):
    files = _files(INTERNAL)
    plugins = [f for f in files if "/plugins/" in f]
    assert plugins and all(policy.keep_qt_file(f) for f in plugins)
    for wanted in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
                   "imageformats/libqsvg.so", "iconengines/libqsvgicon.so", "xcbglintegrations/",
                   "platforminputcontexts/libibusplatforminputcontextplugin.so"):
        assert any(wanted in f for f in plugins), wanted
    translations = sorted(Path(f).name for f in files if "/translations/" in f)
    assert translations and all(policy.QT_TRANSLATIONS_KEPT.match(t) for t in translations)
    assert "qtbase_ja.qm" in translations


def test_nlp_data_is_there_and_trimmed(bundle):
    files = set(_files(INTERNAL))
    assert "sudachidict_core/resources/system.dic" in files
    for name in ("sudachi.json", "char.def", "unk.def", "rewrite.def"):
        assert f"sudachipy/resources/{name}" in files
    locales = {f.split("/")[2] for f in files if f.startswith("pycountry/locales/")}
    assert locales == set(policy.PYCOUNTRY_LOCALES_KEPT)
    assert "pycountry/locales/ja/LC_MESSAGES/iso3166-1.mo" in files
    assert "pycountry/databases/iso3166-1.json" in files


def test_project_data_is_bundled(bundle):
    files = set(_files(INTERNAL))
    for seed in (REPO / "seeds").glob("*.txt"):
        assert f"seeds/{seed.name}" in files
    for resource in ("aliases.tsv", "fonts/ipaexg.ttf", "ner/ja_crf.crfsuite", "icons/reader.svg",
                     "names/names.marisa", "names/glosses.marisa", "names/LICENSE-JMnedict.md"):
        assert f"resources/{resource}" in files
    assert any(f.startswith("reader_app-") and f.endswith(".dist-info/METADATA") for f in files)


def test_unused_python_modules_are_left_out(bundle):
    toc = REPO / "build" / "pyinstaller" / "reader" / "PYZ-00.toc"
    if not toc.exists():
        pytest.skip("no PyInstaller work folder (prebuilt bundle)")
    names = {entry[0] for entry in ast.literal_eval(toc.read_text(encoding="utf-8"))[1]}
    for excluded in ("tkinter", "unittest", "pydoc", "test", "pytest", "numpy.testing", "setuptools", "pip"):
        assert not [n for n in names if n == excluded or n.startswith(excluded + ".")], excluded
    assert "reader.annotations.markdown_export" in names   # loaded by name: listed explicitly


def test_no_dangling_links_and_every_library_resolves(bundle):
    dangling = [p for p in INTERNAL.rglob("*") if p.is_symlink() and not p.exists()]
    assert dangling == []
    env = dict(_env(), LD_LIBRARY_PATH=str(INTERNAL))
    missing = {}
    for lib in list((INTERNAL / "PySide6").rglob("*.so*")) + list(INTERNAL.glob("*.so*")):
        if lib.is_symlink():
            continue
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, env=env).stdout
        gone = [line.split()[0] for line in out.splitlines()
                if "not found" in line and not DESKTOP_LIBS.match(line.split()[0])]
        if gone:
            missing[lib.name] = gone
    assert missing == {}


def test_size_budget(bundle):
    total = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file() and not p.is_symlink())
    assert total / 2**20 <= DISK_BUDGET_MB, f"{total / 2**20:.0f} MiB"
