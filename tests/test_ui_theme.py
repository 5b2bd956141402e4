"""The theme: System / Light / Dark in the View menu, the whole window following it."""
from __future__ import annotations

from test_ui_support import make_window, warm_window  # noqa: F401

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from reader.ui import theme


def is_dark(widget, role=QPalette.ColorRole.Window) -> bool:
    return widget.palette().color(role).lightness() < 128


def whole_window_dark(window) -> list[bool]:
    """Every part a user sees: chrome, document list, reading pane, legend, panels, notes."""
    return [is_dark(window), is_dark(window.doc_list, QPalette.ColorRole.Base), is_dark(window.menuBar()),
            is_dark(window.pane, QPalette.ColorRole.Base), window.pane.dark, window.legend.dark,
            is_dark(window.side_tabs), is_dark(window.search_box, QPalette.ColorRole.Base),
            window.notes.pane.dark if hasattr(window.notes, "pane") else window.pane.dark]


def test_a_system_switch_to_dark_turns_the_whole_window_dark(qtbot, warm_window, monkeypatch):
    window = warm_window
    assert window.theme.choice == "system" and not any(whole_window_dark(window))
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)   # the desktop switches to dark
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert all(whole_window_dark(window)), whole_window_dark(window)
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)  # and back
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not any(whole_window_dark(window))


def test_the_theme_menu_overrides_the_system_and_is_remembered(qtbot, warm_window, make_window, monkeypatch):
    window = warm_window
    menu = window.findChild(type(window.menus["view"]), "themeMenu")
    assert [a.text() for a in menu.actions()] == ["&System", "&Light", "&Dark"]
    window.theme.actions["dark"].trigger()
    assert all(whole_window_dark(window))
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert all(whole_window_dark(window))          # Dark chosen: a system switch changes nothing
    window.close()
    again = make_window()
    assert again.theme.choice == "dark" and again.theme.actions["dark"].isChecked()
    assert all(whole_window_dark(again))
    again.theme.actions["light"].trigger()
    assert not any(whole_window_dark(again))
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() >= 128
