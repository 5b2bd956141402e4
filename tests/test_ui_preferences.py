"""Preferences: font, size, line spacing, text width, theme and the highlight types shown at start,
set in the dialog, seen in the text, kept across a restart."""
from __future__ import annotations

from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QDialogButtonBox

from test_ui_support import data_dir, warm_window, make_window  # noqa: F401 (fixtures)
from reader.ui import palette


def _open_dialog(qtbot, window):
    window.preferences.action.trigger()
    dialog = window.preferences.dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _body_block(window):
    doc = window.pane.document()
    return doc.findBlockByNumber(len(window.pane.plan.blocks) - 1)


def _line_height(window) -> float:
    return _body_block(window).blockFormat().lineHeight()


def test_preferences_change_the_text_and_survive_a_restart(qtbot, warm_window, make_window):
    window = warm_window
    assert window.pane.detail is not None
    assert "Preferences…" in [a.text().replace("&", "") for a in window.menus["edit"].actions()]
    before_px = QFontInfo(window.pane.document().defaultFont()).pixelSize()
    assert _line_height(window) == 150                 # no longer the very open 170 %
    width_before = window.pane.viewport().width()

    dialog = _open_dialog(qtbot, window)
    dialog.size_box.setValue(18)
    dialog.line_box.setValue(200)
    dialog.measure_box.setValue(25)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    dialog.group_boxes["date"].setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    assert QFontInfo(window.pane.document().defaultFont()).pixelSize() > before_px
    assert _line_height(window) == 200
    assert window.pane.viewport().width() < width_before   # a narrower column
    assert window.dark and window.pane.palette().base().color().lightness() < 128   # dark paper
    assert not window.legend.buttons["date"].isChecked()
    assert not window.group_actions["date"].isChecked()
    assert window.legend.buttons["person"].isChecked()

    settings = window.settings
    assert settings.value("appearance/theme") == "dark"
    assert float(settings.value("reading/pointSize")) == 18
    window.close()

    # A session that turned dates back on: at the next start, the preference decides.
    settings.setValue("reading/groups", ",".join(g.key for g in palette.GROUPS))
    settings.sync()
    again = make_window(data_dir())
    assert _line_height(again) == 200
    assert again.dark
    assert not again.legend.buttons["date"].isChecked()
    assert QFontInfo(again.pane.document().defaultFont()).pixelSize() > before_px


def test_restore_defaults_and_cancel(qtbot, warm_window):
    window = warm_window
    dialog = _open_dialog(qtbot, window)
    dialog.line_box.setValue(240)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert _line_height(window) == 150                 # Cancel changes nothing
    dialog = _open_dialog(qtbot, window)
    dialog.line_box.setValue(240)
    dialog.restore_defaults()
    assert dialog.line_box.value() == 150 and dialog.theme_box.currentData() == "system"


def test_a_hand_edited_settings_file_keeps_the_defaults(qtbot, warm_window, make_window):
    settings = warm_window.settings
    settings.setValue("reading/lineHeight", "wide")
    settings.setValue("reading/pointSize", 400)
    settings.setValue("appearance/theme", "purple")
    settings.sync()
    warm_window.close()
    window = make_window(data_dir())
    assert _line_height(window) == 150
    assert window.pane.typography.point_size == 32     # held to the dialog's range
