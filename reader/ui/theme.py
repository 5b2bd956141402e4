"""The theme: System, Light or Dark (View ▸ Theme, kept in the settings).

The whole application palette follows the theme, not only the reading pane: the window's
chrome, lists, menus and dialogs are drawn from `QApplication.palette()`, and on platforms
whose Qt theme does not repaint itself when the system switches (a half-dark window), only
an explicit palette makes every part agree. With "System", a change of the system's scheme
while Reader runs applies the same way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

THEMES = {"system": "&System", "light": "&Light", "dark": "&Dark"}
SETTING = "appearance/theme"


def system_is_dark() -> bool:
    """The system's colour scheme (the platform's palette when it does not say)."""
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    pal = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2B2C30", QPalette.ColorRole.WindowText: "#E6E6E3",
        QPalette.ColorRole.Base: "#1E1F22", QPalette.ColorRole.AlternateBase: "#26272B",
        QPalette.ColorRole.Text: "#E6E6E3", QPalette.ColorRole.Button: "#34353A",
        QPalette.ColorRole.ButtonText: "#E6E6E3", QPalette.ColorRole.ToolTipBase: "#34353A",
        QPalette.ColorRole.ToolTipText: "#E6E6E3", QPalette.ColorRole.PlaceholderText: "#8C8C90",
        QPalette.ColorRole.Highlight: "#3D6FA8", QPalette.ColorRole.HighlightedText: "#FFFFFF",
        QPalette.ColorRole.Link: "#8AB4F8", QPalette.ColorRole.BrightText: "#FFFFFF",
        QPalette.ColorRole.Light: "#45464B", QPalette.ColorRole.Midlight: "#3A3B40",
        QPalette.ColorRole.Mid: "#2F3034", QPalette.ColorRole.Dark: "#18191B", QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7A7A7E"))
    return pal


def light_palette() -> QPalette:
    app = QApplication.instance()
    return app.style().standardPalette() if isinstance(app, QApplication) else QPalette()


class ThemeChooser(QObject):
    """View ▸ Theme, and the application palette that follows it (and the system, on System)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        saved = str(window.settings.value(SETTING, "system"))
        self.choice = saved if saved in THEMES else "system"
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        menu = window.menus.add_menu("view", "zoom", "&Theme")
        menu.setObjectName("themeMenu")
        for key, label in THEMES.items():
            action = QAction(label, self.group, checkable=True)
            action.setObjectName(f"theme-{key}")
            action.setChecked(key == self.choice)
            action.triggered.connect(lambda _on, k=key: self.choose(k))
            self.actions[key] = action
            menu.addAction(action)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self.system_changed)   # a method: gone with its window
        window.closing.connect(lambda: hints.colorSchemeChanged.disconnect(self.system_changed))
        self.apply()

    def choose(self, choice: str) -> None:
        self.choice = choice
        self.actions[choice].setChecked(True)
        self.window.settings.setValue(SETTING, choice)
        self.apply()

    def system_changed(self, _scheme=None) -> None:
        if self.choice == "system":
            self.apply()

    def dark(self) -> bool:
        return system_is_dark() if self.choice == "system" else self.choice == "dark"

    def apply(self) -> None:
        dark = self.dark()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setPalette(dark_palette() if dark else light_palette())
        self.window.apply_scheme(dark)
