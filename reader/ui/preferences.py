"""Preferences (Edit ▸ Preferences…, Ctrl+,): the reading font, size, line spacing, text width,
the theme and the highlight types shown at start, kept in settings.ini (QSettings).

    apply_saved(window)        # MainWindow._restore_settings: before the first document is set
    Preferences(window)        # the features: the menu command and the dialog (preferences_dialog.py)

Keys: reading/fontFamily, reading/pointSize, reading/lineHeight, reading/measure,
appearance/theme (system | light | dark: the theme of View ▸ Theme, reader.ui.theme),
reading/defaultGroups (the types shown when Reader starts; the legend's toggles change the
session only).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence

from reader.ui import palette
from reader.ui.menus import window_action
from reader.ui.reading import Typography
from reader.ui.theme import SETTING as THEME_SETTING

if TYPE_CHECKING:
    from reader.ui.preferences_dialog import PreferencesDialog

THEME_KEY = THEME_SETTING
THEMES = {"system": "Same as the system", "light": "Light", "dark": "Dark"}
DEFAULT_GROUPS_KEY = "reading/defaultGroups"
_TYPOGRAPHY_KEYS = {"family": "reading/fontFamily", "point_size": "reading/pointSize",
                    "line_height": "reading/lineHeight", "measure_em": "reading/measure"}
# What the dialog offers (and what a hand-edited settings.ini is held to).
SIZE_RANGE = (8.0, 32.0)
LINE_HEIGHT_RANGE = (100, 250)
MEASURE_RANGE = (20, 90)


def _clamp(value, low, high):
    return max(low, min(high, value))


@dataclass(frozen=True)
class ReadingPreferences:
    typography: Typography
    theme: str                           # a key of THEMES
    default_groups: frozenset[str] | None   # None: whatever the last session showed

    @classmethod
    def load(cls, settings: QSettings) -> "ReadingPreferences":
        default = Typography()

        def number(key: str, kind, fallback, bounds):
            try:
                return _clamp(kind(str(settings.value(key, fallback))), *bounds)
            except (TypeError, ValueError):   # a hand-edited file: keep the default
                return fallback

        typography = Typography(
            family=str(settings.value(_TYPOGRAPHY_KEYS["family"], "") or ""),
            point_size=number(_TYPOGRAPHY_KEYS["point_size"], float, default.point_size, SIZE_RANGE),
            line_height=number(_TYPOGRAPHY_KEYS["line_height"], int, default.line_height, LINE_HEIGHT_RANGE),
            measure_em=number(_TYPOGRAPHY_KEYS["measure_em"], int, default.measure_em, MEASURE_RANGE))
        theme = str(settings.value(THEME_KEY, "system"))
        groups = settings.value(DEFAULT_GROUPS_KEY)
        if groups is None:
            default_groups = None
        else:
            listed = groups if isinstance(groups, list) else str(groups).split(",")
            default_groups = frozenset(g for g in listed if g in palette.GROUP_BY_KEY)
        return cls(typography, theme if theme in THEMES else "system", default_groups)

    def save(self, settings: QSettings) -> None:
        for field, key in _TYPOGRAPHY_KEYS.items():
            settings.setValue(key, getattr(self.typography, field))
        settings.setValue(THEME_KEY, self.theme)
        if self.default_groups is not None:
            settings.setValue(DEFAULT_GROUPS_KEY, ",".join(sorted(self.default_groups)))
        settings.sync()


def apply_preferences(window, prefs: ReadingPreferences) -> None:
    window.pane.set_typography(prefs.typography)
    if window.theme.choice != prefs.theme:
        window.theme.choose(prefs.theme)     # the same choice as View ▸ Theme
    if prefs.default_groups is not None:
        window.set_enabled_groups(set(prefs.default_groups))


def apply_saved(window) -> None:
    """The saved preferences, on the window being built (the theme is already applied)."""
    apply_preferences(window, ReadingPreferences.load(window.settings))


class Preferences(QObject):
    """Edit ▸ Preferences…: opens the dialog; OK saves and applies at once."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: PreferencesDialog | None = None
        self.action = window_action(window, "&Preferences…", self.open, "actionPreferences",
                                    (QKeySequence.StandardKey.Preferences, "Ctrl+,"))
        self.action.setMenuRole(QAction.MenuRole.PreferencesRole)
        window.menus.add("edit", "preferences", self.action)

    def open(self) -> None:
        from reader.ui.preferences_dialog import PreferencesDialog   # its widgets are not needed at start

        prefs = ReadingPreferences.load(self.window.settings)
        self.dialog = PreferencesDialog(prefs, self.window.legend.enabled_groups(), self.window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(lambda dialog=self.dialog: self._accepted(dialog))
        self.dialog.open()

    def _accepted(self, dialog: PreferencesDialog) -> None:
        prefs = dialog.preferences()
        prefs.save(self.window.settings)
        apply_preferences(self.window, prefs)
