"""The window half of `reader --self-test` (see reader/selftest.py) and `--measure-startup`.

Drives the real main window the way a user would, without QtTest (not in the bundle).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from reader.selftest import INDEX_TIMEOUT_S, NOTE_TEXT, SEARCH_TIMEOUT_S, STARTUP_MARK, Skipped, StepFailed, check

# -- waiting without QtTest (QtTest is not in the bundle) --------------------------------------------
# Through a QEventLoop *instance*: PySide6 6.12 on Python 3.11 drops a reference to None on each
# call of a static void function such as QCoreApplication.processEvents (see bindings_check).

_LOOP = None


def _process(ms: int) -> None:
    global _LOOP
    from PySide6.QtCore import QEventLoop

    if _LOOP is None:
        _LOOP = QEventLoop()
    _LOOP.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, ms)


def _wait_until(predicate: Callable[[], object], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise StepFailed(f"timed out after {timeout_s:.0f} s waiting for {what}")
        _process(50)
        time.sleep(0.005)


def _settle(ms: int = 100) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        _process(20)
        time.sleep(0.002)


def bindings_check(calls: int = 300) -> str:
    """PySide6 must keep Python's reference counts: PySide6 6.12.0 on Python 3.11 loses one
    reference to None per call of a C++ function returning void, and the app then aborts
    ("none_dealloc") after some thousands of such calls."""
    import sys

    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    before = sys.getrefcount(None)
    for _ in range(calls):
        widget.setWindowTitle("Reader")
    lost = before - sys.getrefcount(None)
    widget.deleteLater()
    if sys.version_info < (3, 12):   # from 3.12 None is immortal and the count means nothing
        check(lost < calls // 2, f"PySide6 {pyside_version} loses a reference to None per void call "
                                 f"({lost} in {calls} calls): the app would abort; use another PySide6")
    return f"PySide6 {pyside_version}: reference counts kept"


class WindowSteps:
    def __init__(self, core) -> None:
        self.core = core                 # reader.selftest.SelfTest: data folder, library, seeds
        self.data: Path = core.data
        self.seeds = core.seeds
        self.app = None
        self.window = None
        self.doc_id: int | None = None
        self.quote: str | None = None
        self.annotation = None

    @property
    def library(self):
        return self.core.library

    def step_bindings(self) -> str:
        from reader.ui.app import create_application

        self.app = create_application([])
        return bindings_check()

    def step_window(self) -> str:
        from PySide6.QtWidgets import QWidget

        from reader.ui.app import create_application
        from reader.ui.context import AppContext
        from reader.ui.main_window import MainWindow

        self.app = create_application([])
        self.window = MainWindow(AppContext.create(self.data))
        self.window.show()
        _wait_until(lambda: self.window.isVisible() and self.window.notes is not None and not self.window.indexing,
                    INDEX_TIMEOUT_S, "the window to check the index")
        _settle()
        names = ["documentList", "readingPane", "xrefPanel", "searchBox", "entityLegend"]
        missing = [n for n in names if self.window.findChild(QWidget, n) is None]
        check(not missing, f"widgets not found: {', '.join(missing)}")
        rows = self.window.doc_model.rowCount()
        check(rows == len(self.seeds), f"the document list shows {rows} of {len(self.seeds)} documents")
        platform = self.app.platformName()
        return f"{platform} platform, {rows} documents listed, {', '.join(names)} present"

    def step_japanese_font(self) -> str:
        from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

        from reader.ui.fonts import reading_families

        japanese = QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)
        check(japanese, "no font on this system or in the bundle can show Japanese")
        families = reading_families()
        able = [f for f in families if all(QFontMetrics(QFont(f)).inFontUcs4(ord(c)) for c in "停戦交渉ウクライナ")]
        check(able, f"none of the reading fonts {families} has Japanese glyphs")
        bundled = "IPAexGothic" in japanese and len(japanese) == 1
        return f"reading fonts {', '.join(families)}" + (" (the bundled font: the system has none)" if bundled else "")

    def step_open_document(self) -> str:
        from reader.queries.documents import list_documents
        from reader.ui.models import DocIdRole

        window = self.window
        docs = [d for d in list_documents(window.db) if "ja" in d.languages]
        check(docs, "no Japanese document in the index")
        counts = {d.id: len(window.entities.document_mentions(d.id)) for d in docs}
        doc = max(docs, key=lambda d: counts[d.id])
        proxy = window.doc_proxy
        row = next((r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(DocIdRole) == doc.id), None)
        check(row is not None, f"document {doc.id} is not in the list")
        window.doc_list.setCurrentIndex(proxy.index(row, 0))   # as a click on it would
        _wait_until(lambda: window.current is not None and window.current.summary.id == doc.id, 10,
                    "the document to open")
        _settle()
        shown = window.pane.toPlainText()
        first_line = next(line for line in window.current.text.splitlines() if line.strip()).strip()
        check(first_line[:20] in shown, "the reading pane does not show the document's text")
        self.doc_id = doc.id
        return f"“{doc.title[:40]}” ({doc.chars} characters)"

    def step_entities(self) -> str:
        window = self.window
        mentions = window.entities.document_mentions(self.doc_id)
        check(mentions, "the index has no entity mentions for the document")
        painted = window.pane.highlighted_count()
        check(painted > 0, "no entity is highlighted in the reading pane")
        labels = sorted({m.label for m in mentions})
        entity = max(mentions, key=lambda m: m.end - m.start)
        check(window.xref.show_entity(entity.entity_id), f"no cross-references for {entity.text}")
        return (f"{len(mentions)} mentions ({', '.join(labels)}), {painted} highlight ranges painted; "
                f"cross-references for “{entity.text}”")

    def step_search(self) -> str:
        from PySide6.QtCore import QEvent, Qt
        from PySide6.QtGui import QKeyEvent
        from PySide6.QtWidgets import QApplication

        window = self.window
        mentions = window.entities.document_mentions(self.doc_id)
        term = next((m.text for m in mentions if m.label in ("GPE", "PERSON", "ORG") and len(m.text) >= 2),
                    mentions[0].text)
        finished: list[tuple[str, int]] = []
        window.searchFinished.connect(lambda query, count: finished.append((query, count)))
        window.search_box.setFocus()
        window.search_box.setText(term)
        _wait_until(lambda: any(q.strip() == term for q, _n in finished), SEARCH_TIMEOUT_S, "search results")
        count = next(n for q, n in finished if q.strip() == term)
        check(count > 0, f"no results for “{term}”")
        QApplication.sendEvent(window.search_box, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return,
                                                            Qt.KeyboardModifier.NoModifier))
        _wait_until(lambda: window.current is not None and window.pane._layers.get("search"), 5,
                    "the first result to open with its matches highlighted")
        opened = window.current.summary.title
        window.search_box.clear()
        _settle()
        # Back to the document under test for the annotation.
        window.open_document(self.doc_id)
        return f"“{term}”: {count} passages; Enter opened “{opened[:30]}” with the matches highlighted"

    def step_annotate(self) -> str:
        from PySide6.QtGui import QTextCursor

        window = self.window
        controller = getattr(window, "notes", None)
        if controller is None or not hasattr(controller, "highlight"):
            raise Skipped("annotations not available in this window")
        text = window.current.text
        mentions = window.entities.document_mentions(self.doc_id)
        anchor = next((m for m in mentions if m.label in ("PERSON", "GPE")), mentions[0])
        # The sentence around an entity: from the entity to the next full stop.
        start = anchor.start
        end = min(len(text), start + 40)
        for stop in ("。", "\n"):
            found = text.find(stop, anchor.end)
            if 0 <= found < end:
                end = found
        self.quote = text[start:end]
        pane = window.pane
        pane.scroll_to_offset(start)
        cursor = pane.textCursor()
        cursor.setPosition(pane.plan.to_pane(start))
        cursor.setPosition(pane.plan.to_pane(end), QTextCursor.MoveMode.KeepAnchor)
        pane.setTextCursor(cursor)
        check(pane.selection_document_range() == (start, end), "could not select the text to annotate")
        uuid = controller.highlight("yellow")
        check(uuid, f"highlighting failed: {controller.error or 'no annotation was made'}")
        controller.set_note(uuid, NOTE_TEXT)
        _settle()
        from reader.annotations.service import Annotations

        stored = {a.uuid: a for a in Annotations(self.library).list_all()}   # read back from the file
        check(uuid in stored, "the annotation is not in the user data file")
        check(stored[uuid].note == NOTE_TEXT, "the note was not saved")
        self.annotation = stored[uuid]
        return f"highlighted “{self.quote}” with a note, saved to {self.data.name}/user.sqlite"

    def step_export(self) -> str:
        if self.annotation is None:
            raise Skipped("no annotation to export")
        try:
            from reader.annotations.markdown_export import export_markdown, write_export
        except ImportError:
            raise Skipped("Markdown export not available") from None
        files = export_markdown(self.library)
        folder = self.data / "export"
        folder.mkdir(exist_ok=True)
        written = write_export(files, folder)
        check(written, "nothing was written")
        markdown = "\n".join(p.read_text(encoding="utf-8") for p in written)
        check(self.quote in markdown, "the exported Markdown does not quote the highlight")
        check("**checked**" in markdown, "the exported Markdown does not carry the note")
        return f"{', '.join(p.name for p in written)}: {len(markdown)} characters, quote and note present"

    def step_close(self) -> str:
        window, self.window = self.window, None
        window.close()
        _settle(50)
        check(not window.search.search_thread.isRunning(), "the search thread is still running")
        if self.library is not None:
            self.library.close()
        return "window closed, threads stopped"

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("Qt bindings", self.step_bindings),
            ("open the window", self.step_window),
            ("Japanese font", self.step_japanese_font),
            ("open a document", self.step_open_document),
            ("entities highlighted", self.step_entities),
            ("search", self.step_search),
            ("annotate", self.step_annotate),
            ("export Markdown", self.step_export),
            ("close", self.step_close),
        ]

    def cleanup(self) -> None:
        if self.window is not None:
            try:
                self.window.close()
            except Exception:  # noqa: BLE001 - already failing; keep the first error
                pass
            self.window = None


def measure_startup(data_dir: str | None = None) -> int:
    """Open the window; at the first paint of the reading pane with a document in it, print
    `READER_STARTUP first_paint=<epoch seconds> restored=<0|1> doc=<id>` and close the window.

    `restored=1`: the document was the one open at the last close (the session), shown as the
    window came up; 0: there was none, and the first document opened after the index check.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.ui.app import create_application, run

    app = create_application([])

    class Probe(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.done = False
            self.restored: bool | None = None

        def eventFilter(self, watched, event) -> bool:
            if (not self.done and event.type() == QEvent.Type.Paint and watched.parent() is not None
                    and watched.parent().objectName() == "readingPane"):
                window = watched.window()
                if self.restored is None:
                    self.restored = getattr(window, "current", None) is not None
                if getattr(window, "current", None) is not None:
                    self.done = True
                    # After this paint has been handled and flushed.
                    QTimer.singleShot(0, lambda: self.finish(window))
            return False

        def finish(self, window) -> None:
            stamp = time.time()
            print(f"{STARTUP_MARK} first_paint={stamp:.6f} restored={int(bool(self.restored))} "
                  f"doc={window.current.summary.id}", flush=True)
            window.close()

    probe = Probe()
    app.installEventFilter(probe)
    QTimer.singleShot(60_000, QApplication.quit)   # never hang a benchmark
    code = run([], data_dir)
    app.removeEventFilter(probe)
    return code if probe.done else 1
