"""Screenshot of the window with annotations: highlights in the text, the Notes panel and its editor.

    QT_QPA_PLATFORM=offscreen python bench/screenshot_annotations.py [OUT.png] [--dark]

Builds a throw-away data folder from the seeds, makes a few annotations the way a user
does (select text, highlight, type a note) and saves the window (default
resources/screenshots/annotations.png).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

NOTES = [
    # (quote, colour, note, tags)
    ("ウラジーミル・プーチン大統領がクルスクを訪問した直後の出来事", "yellow",
     "プーチンの**クルスク訪問**と奪還発表が同時。交渉前の演出か？", ["kursk", "timeline"]),
    ("米国が提案した30日間の停戦", "green",
     "The **30-day ceasefire** proposal: compare with the [Jeddah statement](https://www.state.gov/).\n\n"
     "- Ukraine accepted\n- Russia: *conditions first*", ["ceasefire"]),
    ("停戦がウクライナの軍事活動に休息を与えるため、キエフに有利に働く", "pink", "", ["russia-position"]),
    ("短期的な停戦は可能であるが、双方の根本的な対立が解決されていない", "blue",
     "Analysts: a short truce is possible, a settlement is not.", ["ceasefire", "analysis"]),
]


def main() -> None:
    out = Path(next((a for a in sys.argv[1:] if not a.startswith("--")), REPO / "resources/screenshots/annotations.png"))
    dark = "--dark" in sys.argv
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QTextCursor

    from reader import paths
    from reader.store.db import open_index
    from reader.store.indexer import Indexer
    from reader.ui.app import create_application
    from reader.ui.context import AppContext
    from reader.ui.main_window import MainWindow

    data = Path(tempfile.mkdtemp(prefix="reader-shot-"))
    db = open_index(paths.index_path(data))
    Indexer(db).index([paths.seeds_dir()], prune_missing=True)
    db.conn.close()

    app = create_application([])
    if dark:   # as bench/bench_ui.py does
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QColor, QGuiApplication, QPalette

        QGuiApplication.styleHints().setColorScheme(Qt.ColorScheme.Dark)
        app.setStyle("Fusion")
        pal = QPalette()
        R = QPalette.ColorRole
        for role, colour in ((R.Window, "#2b2b2e"), (R.WindowText, "#e6e6e6"), (R.Base, "#1f1f22"),
                             (R.AlternateBase, "#2b2b2e"), (R.Text, "#e6e6e6"), (R.Button, "#353539"),
                             (R.ButtonText, "#e6e6e6"), (R.Highlight, "#3d6fb4"), (R.HighlightedText, "#ffffff"),
                             (R.ToolTipBase, "#333"), (R.ToolTipText, "#eee"), (R.PlaceholderText, "#8a8a8a"),
                             (R.Mid, "#444"), (R.Dark, "#202020"), (R.Light, "#505050")):
            pal.setColor(role, QColor(colour))
        app.setPalette(pal)
    window = MainWindow(AppContext.create(data, index_on_start=False))
    window.resize(1440, 900)
    window.show()
    if dark:
        window.apply_scheme(True)

    def pump(ms: int = 200) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    pump(300)
    by_file = {d.file_name: d.id for d in window.doc_model.documents}
    window.open_document(by_file["002_6c9cfde7eb9d63d6.txt"], record=False)
    pump()
    notes, pane = window.notes, window.pane
    made = []
    for quote, colour, note, tags in NOTES:
        start = window.current.text.index(quote)
        first, last = pane.plan.to_pane(start), pane.plan.to_pane(start + len(quote))
        cursor = pane.textCursor()
        cursor.setPosition(first)
        cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
        pane.setTextCursor(cursor)
        uuid = notes.highlight(colour)
        if note:
            notes.set_note(uuid, note)
        if tags:
            notes.set_tags(uuid, tags)
        made.append(uuid)
    notes.show_panel()
    notes.jump_to(made[1])
    pane.scroll_to_offset(window.current.text.index("【概要】"), align_top=True)
    pump(1600)   # the flash fades
    # A fresh selection, with the mini-toolbar over it.
    quote = "モスクワが特に米国に向けて強化された交渉の立場を示す"
    start = window.current.text.index(quote)
    cursor = pane.textCursor()
    cursor.setPosition(pane.plan.to_pane(start))
    cursor.setPosition(pane.plan.to_pane(start + len(quote)), QTextCursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    pump(400)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(out)
    window.close()


if __name__ == "__main__":
    main()
