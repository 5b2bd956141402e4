"""`reader` with no arguments: the window."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from reader.paths import resource_path
from reader.ui.compat import none_guard
from reader.ui.context import AppContext
from reader.ui.fonts import ensure_japanese_font, reading_families


TRANSLATOR_NAME = "readerQtTranslation"


def create_application(argv: list[str]) -> QApplication:
    """The QApplication, set up once: names, a Japanese-capable UI font. Qt's own strings are
    translated by `install_qt_translation`, which the window calls after its first frame."""
    none_guard()  # before the first Qt calls: see reader.ui.compat
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(["reader", *argv])
    app.setApplicationName("Reader")
    app.setApplicationDisplayName("Reader")
    app.setOrganizationName("Reader")
    app.setDesktopFileName("reader")  # matches packaging/linux/reader.desktop (Wayland needs it)
    icon = resource_path("icons", "reader.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    ensure_japanese_font()
    font = QFont(app.font())
    families = reading_families()
    # UI text (titles, snippets) is often Japanese: put the Japanese family in the fallback chain.
    font.setFamilies([*font.families(), *[f for f in families if f not in font.families()]])
    app.setFont(font)
    return app


def install_qt_translation(app: QApplication) -> None:
    """Qt's own strings (standard buttons, file dialogs) in the user's language, e.g. Japanese (once).
    Not at start: reading the system locale builds QLocale's long lists of languages and countries,
    and nothing in the first frame is Qt's own text."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if app.findChild(QTranslator, TRANSLATOR_NAME) is not None:
        return
    translator = QTranslator(app)
    translator.setObjectName(TRANSLATOR_NAME)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale.system(), "qtbase", "_", folder):
        app.installTranslator(translator)


def run(argv: list[str], data_dir: str | None) -> int:
    """Open the window on `data_dir` (None: $READER_DATA_DIR or the platform's) and run it."""
    from PySide6.QtWidgets import QMessageBox

    from reader.store.sql import StorageError
    from reader.ui.main_window import MainWindow
    from reader.ui.views import plain_message

    app = create_application(argv)
    try:
        context = AppContext.create(data_dir)
        window = MainWindow(context)
    except StorageError as error:   # the index cannot be used (read-only, a folder, newer, busy): say why
        install_qt_translation(app)
        QMessageBox.critical(None, "Reader", plain_message(str(error)))
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
