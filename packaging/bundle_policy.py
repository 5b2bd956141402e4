"""What goes into the frozen Reader and what is trimmed: one place for the spec and the tests.

`reader.spec` applies these rules to PyInstaller's TOC lists (entries are
``(dest_name, src_path, typecode)``); `tests/test_packaging.py` checks a built
bundle against the same rules, so the two cannot drift apart.
"""
from __future__ import annotations

import re

# Python modules the app never needs. (The Qt modules are listed separately.)
EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc", "pydoc_data", "doctest",
    "unittest", "test", "tests", "distutils", "setuptools", "pkg_resources", "pip", "ensurepip", "venv",
    "pytest", "_pytest", "pytestqt", "IPython", "matplotlib", "PIL", "curses", "xmlrpc",
    "numpy.testing", "numpy.f2py", "numpy.distutils", "numpy.tests",
    "sudachipy.command_line",
]

# Qt: the app uses QtCore, QtGui and QtWidgets only (reader/ui imports nothing else; SVG icons
# load through the imageformats/iconengines plugins, which bring libQt6Svg themselves).
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets")
EXCLUDED_QT_MODULES = [
    f"PySide6.{name}" for name in (
        "QtNetwork", "QtQml", "QtQuick", "QtQuickWidgets", "QtQuickControls2", "QtQuickTest", "QtQmlFeatures",
        "QtOpenGL", "QtOpenGLWidgets", "QtDBus", "QtPrintSupport", "QtSql", "QtTest", "QtXml", "QtDesigner",
        "QtHelp", "QtUiTools", "QtConcurrent", "QtSvg", "QtSvgWidgets", "QtLabsStyleKit",
        "QtWebEngineCore", "QtWebEngineWidgets", "QtMultimedia", "QtPdf",
    )
]

# Qt plugins kept, by folder: everything else under PySide6/Qt/plugins is dropped.
# (None: the whole folder.)
QT_PLUGINS_KEPT: dict[str, tuple[str, ...] | None] = {
    "platforms": ("libqxcb", "libqoffscreen", "libqwayland", "qwindows", "qcocoa", "qoffscreen"),
    # The xdg-desktop-portal theme (native file dialogs, dark mode). Not GTK3: it needs the desktop's
    # GTK, and PyInstaller would bundle half of GTK's stack (glib, cairo, pango) to clash with it.
    "platformthemes": ("libqxdgdesktopportal", "qxdgdesktopportal"),
    "platforminputcontexts": ("libcomposeplatforminputcontextplugin", "libibusplatforminputcontextplugin"),
    "xcbglintegrations": None,
    "wayland-shell-integration": ("libxdg-shell",),
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": ("libqt-plugin-wayland-egl", "libshm-emulation-server",
                                            "libdmabuf-server"),
    "imageformats": ("libqsvg", "libqjpeg", "libqico", "qsvg", "qjpeg", "qico"),
    "iconengines": ("libqsvgicon", "qsvgicon"),
    "styles": None,
}

# Qt's translations: Japanese and English only.
QT_TRANSLATIONS_KEPT = re.compile(r"^(qt|qtbase)_(ja|en)\.qm$")

# Shared libraries that only the dropped plugins or modules need.
QT_LIBS_DROPPED = re.compile(
    r"(lib)?Qt6(Qml|Quick|Network|Pdf|Sql|Test|Designer|Help|UiTools|Concurrent|Labs|Lottie|WaylandCompositor"
    r"|WaylandEgl|WlShell|EglFS|EglFs|PrintSupport|Xml|OpenGLWidgets|VirtualKeyboard|SvgWidgets)"
)

# babel (courlan, under trafilatura, imports it): courlan only parses locale names of URLs, which
# Reader never asks for; an unknown locale is an UnknownLocaleError courlan already catches.
BABEL_LOCALES_KEPT = re.compile(r"^(root|en|en_US|en_GB|ja|ja_JP)\.dat$")

# Libraries taken from the desktop rather than the build machine (as AppImage's exclude list does):
# fontconfig must read the system's own configuration and caches, and a desktop that runs Qt has
# both. (PyInstaller already leaves out libGL/libEGL, libxcb and the Wayland client libraries.)
SYSTEM_LIBS = re.compile(r"^lib(fontconfig\.so|freetype\.so)")

# pycountry: its JSON databases, and gettext catalogues for these languages only.
PYCOUNTRY_LOCALES_KEPT = ("ja", "en")

# The Sudachi dictionary, xz-compressed by packaging/pack_dictionary.py into this build folder
# (relative to the repo), goes to resources/sudachi/ in the bundle; reader/nlp/packed_dictionary.py
# unpacks it into the user's cache folder on first use. 193 MiB → 45 MiB on disk.
PACKED_DICTIONARY = ("build/packed/sudachi", "resources/sudachi")

# e2k's models: Reader uses the turbo English-to-katakana character model only.
E2K_MODEL_KEPT = "models/model-c2k-turbo.safetensors"

# Bundled project files: (source folder relative to the repo, destination in the bundle).
PROJECT_DATA = [("seeds", "seeds"), ("resources", "resources")]
PROJECT_DATA_SKIPPED = re.compile(r"(^|/)(screenshots/|__pycache__/|\.)|\.(icns|ico)$")


def _parts(dest: str) -> list[str]:
    return dest.replace("\\", "/").split("/")


def keep_qt_file(dest: str) -> bool:
    """True unless `dest` is a Qt plugin, translation or library the app does not use."""
    parts = _parts(dest)
    name = parts[-1]
    if QT_LIBS_DROPPED.match(name) or (len(parts) == 1 and SYSTEM_LIBS.match(name)):
        return False
    if "PySide6" not in parts:
        return True
    if "plugins" in parts:
        i = parts.index("plugins")
        if len(parts) <= i + 2:
            return True
        folder = parts[i + 1]
        if folder not in QT_PLUGINS_KEPT:
            return False
        wanted = QT_PLUGINS_KEPT[folder]
        return wanted is None or any(name.startswith(w + ".") or name.startswith(w + "_") or name == w
                                     for w in wanted)
    if "translations" in parts:
        return bool(QT_TRANSLATIONS_KEPT.match(name))
    if "qml" in parts or "metatypes" in parts or "libexec" in parts:
        return False
    if QT_LIBS_DROPPED.search(name):
        return False
    return True


def keep_pycountry_file(dest: str) -> bool:
    parts = _parts(dest)
    if len(parts) > 2 and parts[0] == "pycountry" and parts[1] == "locales":
        return parts[2] in PYCOUNTRY_LOCALES_KEPT and not parts[-1].endswith(".po")
    return True


def keep_sudachi_file(dest: str) -> bool:
    """The sudachipy sources (.pyi stubs, docs) are not needed; its resources are. The dictionary
    package's system.dic goes in compressed instead (`PACKED_DICTIONARY`)."""
    parts = _parts(dest)
    if parts and parts[0].startswith("sudachidict_") and parts[-1] == "system.dic":
        return False
    if parts and parts[0].startswith("sudachi"):
        return not parts[-1].endswith((".pyi", ".md", ".txt")) or "resources" in parts
    return True


def keep_babel_file(dest: str) -> bool:
    parts = _parts(dest)
    if len(parts) == 3 and parts[0] == "babel" and parts[1] == "locale-data":
        return bool(BABEL_LOCALES_KEPT.match(parts[2]))
    return True


# pyspellchecker: only its English word list is read (PDF import: is "semi-automatically" one word?).
SPELLCHECKER_LISTS_KEPT = ("en.json.gz",)


def keep_spellchecker_file(dest: str) -> bool:
    parts = _parts(dest)
    if len(parts) == 3 and parts[0] == "spellchecker" and parts[1] == "resources":
        return parts[2] in SPELLCHECKER_LISTS_KEPT
    return True


def keep(dest: str) -> bool:
    return (keep_qt_file(dest) and keep_pycountry_file(dest) and keep_sudachi_file(dest) and keep_babel_file(dest)
            and keep_spellchecker_file(dest))


def filter_toc(toc):
    """A PyInstaller TOC without the trimmed entries, and the dropped names (for the build log).
    A symbolic link goes with its target."""
    kept, dropped = [], []
    for entry in toc:
        dest, src, kind = entry[0], entry[1], entry[2]
        ok = keep(dest) and (kind != "SYMLINK" or keep(src))
        (kept if ok else dropped).append(entry)
    return kept, [entry[0] for entry in dropped]


# -- Linux: shared libraries nothing needs any more ------------------------------------------------------

def _is_root_binary(dest: str) -> bool:
    """Loaded by Python or Qt by path (extension modules, plugins, libpython), not by soname."""
    name = _parts(dest)[-1]
    return ("/plugins/" in dest.replace("\\", "/") or ".cpython-" in name or ".abi3." in name
            or name.startswith("libpython") or "lib-dynload" in _parts(dest) or not name.startswith("lib"))


def elf_needed(path: str) -> list[str]:
    import subprocess

    out = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=False).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M)


def prune_unneeded_libraries(binaries, needed=elf_needed):
    """Drop shared libraries that no kept extension module, plugin or library links to (after the
    plugins above are gone, e.g. the GTK stack libqgtk3 pulled in). Returns (kept, dropped names)."""
    by_name: dict[str, list] = {}
    for entry in binaries:
        if entry[2] != "SYMLINK":
            by_name.setdefault(_parts(entry[0])[-1], []).append(entry)
    wanted: set[str] = set()
    todo = [entry for entry in binaries if entry[2] != "SYMLINK" and _is_root_binary(entry[0])]
    seen: set[str] = set()
    while todo:
        entry = todo.pop()
        if entry[0] in seen:
            continue
        seen.add(entry[0])
        for soname in needed(entry[1]):
            if soname not in wanted:
                wanted.add(soname)
                todo.extend(by_name.get(soname, []))
    kept, dropped = [], []
    for entry in binaries:
        name = _parts(entry[0])[-1]
        if entry[2] == "SYMLINK":
            ok = _parts(entry[1])[-1] in wanted or name in wanted
        else:
            ok = _is_root_binary(entry[0]) or name in wanted
        (kept if ok else dropped).append(entry)
    return kept, [entry[0] for entry in dropped]
