"""Fonts: make sure Japanese renders everywhere, and pick reading families."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtGui import QFont, QFontDatabase

from reader import paths

BUNDLED_FONT = ("fonts", "ipaexg.ttf")

# Preferred families, best first; the first one installed wins.
_LATIN_SANS = ("Noto Sans", "Inter", "Segoe UI", "Helvetica Neue", "Arial", "DejaVu Sans", "Liberation Sans")
_JAPANESE_SANS = ("Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN",
                  "Yu Gothic UI", "Yu Gothic", "Meiryo", "IPAexGothic", "IPAGothic", "TakaoGothic", "VL Gothic")


def japanese_families() -> list[str]:
    return QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)


def ensure_japanese_font(families: Callable[[], Iterable[str]] = japanese_families,
                         font_file: Path | None = None) -> str | None:
    """Load the bundled Japanese font when the system has none.

    Returns the family that was loaded, or None when the system already had one
    (or the bundled file is missing, which is reported by the caller's tests).
    """
    if list(families()):
        return None
    path = font_file or paths.resource_path(*BUNDLED_FONT)
    if not path.exists():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        return None
    loaded = QFontDatabase.applicationFontFamilies(font_id)
    return loaded[0] if loaded else None


def _first_installed(candidates: Iterable[str], installed: set[str]) -> str | None:
    for name in candidates:
        if name in installed:
            return name
    return None


def reading_families() -> list[str]:
    """Font families for the reading pane: a Latin face first, then a Japanese one.

    Listing the Japanese family explicitly keeps Han characters in their Japanese
    forms (fallback alone may pick a Chinese variant of a CJK font).
    """
    installed = set(QFontDatabase.families())
    result = []
    latin = _first_installed(_LATIN_SANS, installed)
    if latin:
        result.append(latin)
    japanese = _first_installed(_JAPANESE_SANS, installed)
    if not japanese:
        available = japanese_families()
        japanese = available[0] if available else None
    if japanese:
        result.append(japanese)
    return result or [QFont().defaultFamily()]


def reading_font(point_size: float, family: str = "") -> QFont:
    """The reading font; `family` (the user's choice), when given, comes first and the reading
    families stay behind it for the characters it lacks (Japanese in a Latin face)."""
    font = QFont()
    families = reading_families()
    font.setFamilies([family, *(f for f in families if f != family)] if family else families)
    font.setPointSizeF(point_size)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
