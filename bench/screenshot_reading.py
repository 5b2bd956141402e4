"""Screenshots of the reading aids: the Outline tab on a long work, and the Preferences dialog.

    QT_QPA_PLATFORM=offscreen python bench/screenshot_reading.py [OUT_FOLDER]

Indexes the seeds and one Aozora Bunko work from ../shared/bench/aozora into a throw-away
data folder, opens the work at its fifth section with the Outline tab forward, and saves
the window (outline.png) and the Preferences dialog (preferences.png), by default into
resources/screenshots/.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
if not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

WORK = REPO.parent / "shared" / "bench" / "aozora" / "000050_48400_ruby_47126.txt"   # 泉鏡花「三枚続」


def settle(app, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from reader import paths
    from reader.store.db import open_index
    from reader.store.indexer import Indexer
    from reader.ui.app import create_application
    from reader.ui.context import AppContext
    from reader.ui.main_window import MainWindow

    data = Path(tempfile.mkdtemp(prefix="reader-shot-"))
    works = data / "works"
    works.mkdir()
    shutil.copy(WORK, works / WORK.name)
    db = open_index(paths.index_path(data))
    Indexer(db).index([paths.seeds_dir(), works], prune_missing=True)
    db.conn.close()

    app = create_application([])
    window = MainWindow(AppContext.create(data, index_on_start=False))
    window.resize(1360, 860)
    window.show()
    settle(app)
    window.build_features()
    settle(app)
    doc_id = next(d.id for d in window.documents() if d.file_name == WORK.name)
    window.open_document(doc_id)
    window.side_tabs.show_panel("outline")
    settle(app)
    panel = window.reading_aids.panel
    panel.headingChosen.emit(panel.starts[4])
    settle(app)
    window.grab().save(str(out / "outline.png"))

    window.preferences.open()
    dialog = window.preferences.dialog
    dialog.adjustSize()
    settle(app)
    dialog.grab().save(str(out / "preferences.png"))
    dialog.close()
    window.close()
    shutil.rmtree(data, ignore_errors=True)
    print(f"wrote {out / 'outline.png'} and {out / 'preferences.png'}")


if __name__ == "__main__":
    main()
