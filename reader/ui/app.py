"""`reader` with no arguments: the window."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from reader.ui.compat import none_guard
from reader.ui.context import AppContext
from reader.ui.fonts import ensure_japanese_font, reading_families


def create_application(argv: list[str]) -> QApplication:
    """The QApplication, set up once: names, a Japanese-capable UI font."""
    none_guard()  # before the first Qt calls: see reader.ui.compat
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(["reader", *argv])
    app.setApplicationName("Reader")
    app.setApplicationDisplayName("Reader")
    app.setOrganizationName("Reader")
    ensure_japanese_font()
    font = QFont(app.font())
    families = reading_families()
    # UI text (titles, snippets) is often Japanese: put the Japanese family in the fallback chain.
    font.setFamilies([*font.families(), *[f for f in families if f not in font.families()]])
    app.setFont(font)
    return app


def run(argv: list[str], data_dir: str | None) -> int:
    """Open the window on `data_dir` (None: $READER_DATA_DIR or the platform's) and run it."""
    from reader.store.db import IndexError_
    from reader.ui.main_window import MainWindow

    app = create_application(argv)
    try:
        context = AppContext.create(data_dir)
        window = MainWindow(context)
    except IndexError_ as error:
        QMessageBox.critical(None, "Reader", str(error))
        return 1
    window.show()
    code = app.exec()
    window.shutdown()
    return code


def main() -> int:  # `python -m reader.ui.app [--data-dir DIR]`
    import argparse

    parser = argparse.ArgumentParser(prog="reader-window")
    parser.add_argument("--data-dir")
    args, rest = parser.parse_known_args()
    return run(rest, args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
