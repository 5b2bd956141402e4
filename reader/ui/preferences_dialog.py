"""The Preferences dialog (Edit ▸ Preferences…; reader.ui.preferences opens it and applies what it gives)."""
from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QGridLayout, QSpinBox, QVBoxLayout, QWidget)

from reader.ui import palette
from reader.ui.preferences import LINE_HEIGHT_RANGE, MEASURE_RANGE, SIZE_RANGE, THEMES, ReadingPreferences
from reader.ui.reading import Typography


class PreferencesDialog(QDialog):
    def __init__(self, prefs: ReadingPreferences, shown_groups: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        t = prefs.typography
        self.font_box = QComboBox()
        self.font_box.setObjectName("prefFont")
        self.font_box.setAccessibleName("Font")
        self.font_box.addItem("Default (a Latin face, then a Japanese one)", "")
        for family in QFontDatabase.families():
            if not QFontDatabase.isPrivateFamily(family):
                self.font_box.addItem(family, family)
        found = self.font_box.findData(t.family)
        if found < 0:      # a family that is no longer installed: keep it visible rather than lose it
            self.font_box.addItem(f"{t.family} (not installed)", t.family)
            found = self.font_box.count() - 1
        self.font_box.setCurrentIndex(found)
        self.size_box = QDoubleSpinBox()
        self.size_box.setObjectName("prefSize")
        self.size_box.setRange(*SIZE_RANGE)
        self.size_box.setSingleStep(0.5)
        self.size_box.setDecimals(1)
        self.size_box.setSuffix(" pt")
        self.size_box.setValue(t.point_size)
        self.line_box = QSpinBox()
        self.line_box.setObjectName("prefLineHeight")
        self.line_box.setRange(*LINE_HEIGHT_RANGE)
        self.line_box.setSingleStep(5)
        self.line_box.setSuffix(" %")
        self.line_box.setValue(t.line_height)
        self.measure_box = QSpinBox()
        self.measure_box.setObjectName("prefMeasure")
        self.measure_box.setRange(*MEASURE_RANGE)
        self.measure_box.setSuffix(" em")
        self.measure_box.setToolTip("The longest line, in ems (about two Japanese characters or three "
                                    "Latin letters per em); a narrow window makes lines shorter still")
        self.measure_box.setValue(t.measure_em)
        self.theme_box = QComboBox()
        self.theme_box.setObjectName("prefTheme")
        for key, label in THEMES.items():
            self.theme_box.addItem(label, key)
        self.theme_box.setCurrentIndex(self.theme_box.findData(prefs.theme))
        groups = QWidget()
        grid = QGridLayout(groups)
        grid.setContentsMargins(0, 0, 0, 0)
        chosen = prefs.default_groups if prefs.default_groups is not None else shown_groups
        self.group_boxes: dict[str, QCheckBox] = {}
        for i, group in enumerate(palette.GROUPS):
            box = QCheckBox(group.name)
            box.setObjectName(f"prefGroup_{group.key}")
            box.setChecked(group.key in chosen)
            self.group_boxes[group.key] = box
            grid.addWidget(box, i // 2, i % 2)

        form = QFormLayout()
        form.addRow("&Font:", self.font_box)
        form.addRow("&Size:", self.size_box)
        form.addRow("&Line spacing:", self.line_box)
        form.addRow("Text &width:", self.measure_box)
        form.addRow("&Theme:", self.theme_box)
        form.addRow("Highlights shown at start:", groups)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def restore_defaults(self) -> None:
        t = Typography()
        self.font_box.setCurrentIndex(0)
        self.size_box.setValue(t.point_size)
        self.line_box.setValue(t.line_height)
        self.measure_box.setValue(t.measure_em)
        self.theme_box.setCurrentIndex(self.theme_box.findData("system"))
        for box in self.group_boxes.values():
            box.setChecked(True)

    def preferences(self) -> ReadingPreferences:
        typography = Typography(self.font_box.currentData() or "", self.size_box.value(), self.line_box.value(),
                                self.measure_box.value())
        groups = frozenset(key for key, box in self.group_boxes.items() if box.isChecked())
        return ReadingPreferences(typography, self.theme_box.currentData(), groups)
