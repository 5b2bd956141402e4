"""The main window: document list, reading pane, cross-references, search."""
from __future__ import annotations

import dataclasses
import logging
import time
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QModelIndex, QObject, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QMouseEvent, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QFrame, QHBoxLayout,
                               QListView, QMainWindow, QMenu, QMessageBox, QProgressDialog, QSizePolicy,
                               QSplitter, QStackedWidget, QToolBar, QToolButton, QVBoxLayout, QWidget)

import reader
from reader.queries.documents import (DocumentDetail, DocumentNotFound, document_id_by_key, document_id_by_path,
                                      document_ids, document_summaries, get_document, list_documents)
from reader.ui import clipboard, operations, palette, preferences
from reader.ui.compat import none_guard, top_up
from reader.ui.context import AppContext
from reader.ui.delegates import DocumentDelegate
from reader.ui.doclist import ListPlace
from reader.ui.entities import EntityData
from reader.ui.find_bar import FindBar
from reader.ui.history import History
from reader.ui.jobs import Changes, Job, JobRunner
from reader.ui.legend import EntityLegend
from reader.ui.menus import Menus, key_sequences as _shortcut
from reader.ui.models import (SORT_MODES, DocIdRole, DocumentFilterProxy, DocumentListModel, KindRole, PayloadRole,
                              SORT_DATE_DESC)
from reader.ui.reading import Location, ReadingPane
from reader.ui.responsive import PanelsGiveWay
from reader.ui.search import SearchController
from reader.ui.search_results import SearchPanel, describe_document
from reader.ui.side_tabs import SideTabs
from reader.ui.status import StatusArea, stage_text, stage_total
from reader.ui.theme import ThemeChooser, system_is_dark
from reader.ui.views import plain_label, text_field
from reader.ui.xref import XrefPanel

if TYPE_CHECKING:
    from reader.store.doc_metadata import MetadataOverride
    from reader.store.indexer import IndexReport
    from reader.ui.annotations import AnnotationsController
    from reader.ui.library_actions import LibraryActions
    from reader.ui.story import StoryFeatures
    from reader.ui.watched import WatchedFolders

log = logging.getLogger(__name__)

DOCS_PAGE, SEARCH_PAGE = 0, 1
LICENCES = (
    "Reader is free software under the MIT licence.<br><br>"
    "It uses Qt for Python (PySide6, LGPL v3), SudachiPy and SudachiDict (Apache 2.0), "
    "python-crfsuite (MIT; CRFsuite: BSD), sqlite-utils (Apache 2.0), platformdirs (MIT), "
    "charset-normalizer (MIT), pycountry (LGPL 2.1), Python-Markdown (BSD).<br>"
    "Bundled font: IPAexGothic, © CITPC, IPA Font License v1.0 (resources/fonts/LICENSE-IPAexFont.txt).<br>"
    "Highlight colours: Paul Tol's colour-blind-safe schemes."
)


_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


def local_paths(mime: QMimeData | None) -> list[Path]:
    """The local files and folders a drag carries."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls()
            if isinstance(url, QUrl) and url.isLocalFile() and url.toLocalFile()]


class MainWindow(QMainWindow):
    documentOpened = Signal(int)
    indexFinished = Signal(object)       # IndexReport, or None when nothing had to be done
    searchFinished = Signal(str, int)    # query, result count
    schemeChanged = Signal(bool)         # dark
    activeChanged = Signal(bool)         # the window became active (True) or inactive
    closing = Signal()                   # the window closes: features save and let go of their files
    featuresReady = Signal()             # the features (import, annotations) have registered

    LIST_REFRESH_MS = 400                # the list refresh while a job adds documents (longer on a big library)
    FEATURES_DELAY_MS = 50               # the features load this long after the text's first paint
    FEATURES_FALLBACK_MS = 1000          # or this long after the window is shown, whichever is first

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.none_guard = none_guard()     # PySide6 6.12 + Python 3.11 work-around (see reader.ui.compat)
        self.context = context
        self.db = context.open_db()          # NewerIndexError propagates to the caller (a dialog)
        self.settings = context.settings()
        self.entities = EntityData(self.db, on_error=lambda message: self.statusBar().showMessage(message, 10000))
        self.history = History()
        self.current: DocumentDetail | None = None
        # The user's titles, dates and sources by file path (reader.store.doc_metadata), laid over the index's
        self.metadata_overrides: dict[str, MetadataOverride] = {}
        self.jobs = JobRunner(self)            # the one queue of background work (reader.ui.jobs)
        self.index_dialog: QProgressDialog | None = None
        self.last_report: IndexReport | None = None   # of the last Update Index or start-up sync
        self.library_actions: LibraryActions | None = None   # import, remove, drag and drop } built by
        self.notes: AnnotationsController | None = None      # highlights, notes, undo, export } build_features
        self.story: StoryFeatures | None = None              # timeline, statements, all mentions }
        self.watched: WatchedFolders | None = None            # watched folders                  }
        self.preferences: preferences.Preferences | None = None   # Edit ▸ Preferences }
        self.position_memory = None   # the place read per document: recall(key) -> offset (reader.ui.outline)
        self._features_scheduled = False
        self._feature_steps: list[Callable[[], None]] | None = None   # the features' registration still to run
        self.list_menu: QMenu | None = None   # the document list's context menu: its actions()
        self._drop_handler: Callable[[list[Path]], None] | None = None
        self._syncing_list = False
        self._pending_scroll: int | None = None
        self._session_document: tuple[int, int] | None = None   # (doc id, offset) shown when the window shows
        self._last_stage = ""                  # of the running job's progress
        self._open_when_results = False
        self._search_query = ""
        self._shut_down = False
        self.dark = False

        self.setObjectName("mainWindow")
        self.setWindowTitle("Reader")
        self.setAccessibleName("Reader")
        self._build_widgets()
        self._build_actions()
        self._build_menus_and_toolbar()
        self.search = SearchController(context.index_path, parent=self)
        self.search.results.connect(self._show_results)
        self.search.counted.connect(self.search_panel.show_counts)
        self.results_model.moreWanted.connect(self.search.fetch_more)
        self.search_panel.orderChanged.connect(self.search.set_order)
        self.search.failed.connect(lambda q, msg: self.statusBar().showMessage(f"Search failed: {msg}", 8000))
        if self.none_guard.active:
            self._guard_timer = QTimer(self, interval=100)
            self._guard_timer.timeout.connect(self.none_guard.top_up)
            self._guard_timer.start()
        self._related_timer = QTimer(self, singleShot=True, interval=0)
        self._related_timer.timeout.connect(
            lambda: self.xref.set_document(self.current.summary.id if self.current is not None else None))
        self._list_timer = QTimer(self, singleShot=True, interval=self.LIST_REFRESH_MS)
        self._list_timer.timeout.connect(self.refresh_list)
        self.jobs.started.connect(lambda _job: self.act_cancel_index.setEnabled(True))
        self.jobs.progressed.connect(self._job_progressed)
        self.jobs.finished.connect(self._job_finished)
        self.jobs.changed.connect(self._library_changed)
        # Until the text's first paint only the pane's viewport is watched (for that paint): an
        # application-wide filter would see, and wrap for Python, every event of the first frame.
        self._watching_application = False
        self.pane.viewport().installEventFilter(self)

        self.theme = ThemeChooser(self)   # View ▸ Theme; the palette follows it (and the system's, on System)
        self._restore_settings()
        self.panels_give_way = PanelsGiveWay(self)   # a small window: the side panels fold, the text keeps its measure
        self.reload_documents()
        self._restore_session()
        # The features register into the menus, the side tabs, the status area and the list once the
        # window has painted its first frame (a warm start shows the last document first); the
        # start-up sync of a library that has documents waits for them too.
        self._sync_after_features = context.index_on_start and self.doc_model.rowCount() > 0
        if context.index_on_start and not self._sync_after_features:
            self.start_indexing()   # a first launch: the index is what there is to show

    def build_features(self) -> None:
        """Let the features register, all at once (idempotent). After its first paint the window
        registers them step by step instead (`_build_features_gradually`)."""
        while self._next_feature_step():
            pass

    def _build_features_gradually(self) -> None:
        """One step of the features' registration, the next on a later turn of the event loop: the
        window answers scrolling and typing between them (all at once they took about 180 ms)."""
        if self._next_feature_step():
            QTimer.singleShot(0, self, self._build_features_gradually)

    def _next_feature_step(self) -> bool:
        """Run the next step of the features' registration; False when none is left."""
        if self._shut_down or (self._feature_steps is None and self.notes is not None):
            return False
        if self._feature_steps is None:
            self._watch_application()
            self._feature_steps = self._feature_registration()
        if self._feature_steps:
            self._feature_steps.pop(0)()
        return bool(self._feature_steps)

    def _feature_registration(self) -> list[Callable[[], None]]:
        """The features' registration in order, in steps of an import or a construction each. `notes`
        is set last, with the keyboard list: once it is set, every feature is there."""
        built: dict[str, Any] = {}

        def document_commands() -> None:
            from reader.ui.document_menu import DocumentCommands
            self.document_commands = DocumentCommands(self)   # first: its commands open the list's context menu

        def library_actions() -> None:
            from reader.ui.library_actions import LibraryActions
            self.library_actions = LibraryActions(self)

        def load_annotations() -> None:
            import_module("reader.ui.annotations")   # the import alone is a step

        def annotations() -> None:
            from reader.ui.annotations import AnnotationsController
            built["notes"] = AnnotationsController(self)

        def load_story() -> None:
            import_module("reader.ui.story")

        def story() -> None:
            from reader.ui.story import StoryFeatures
            self.story = StoryFeatures(self)

        def smaller_features() -> None:
            from reader.ui.outline import ReadingAids
            from reader.ui.pdf_export import PdfExport
            from reader.ui.ruby import RubyLayer
            from reader.ui.watched import WatchedFolders
            self.watched = WatchedFolders(self)   # File ▸ Watched Folders…, the notice after a scan found new files
            self.preferences = preferences.Preferences(self)
            self.reading_aids = ReadingAids(self)
            self.pdf_export = PdfExport(self)
            self.ruby = RubyLayer(self)

        def finish() -> None:
            from reader.ui.app import install_qt_translation
            from reader.ui.keyboard import KeyboardHelp
            self.notes = built["notes"]
            self.keyboard_help = KeyboardHelp(self)   # last: it lists the commands the others added
            app = QApplication.instance()
            if isinstance(app, QApplication):
                install_qt_translation(app)   # Qt's own strings (dialog buttons), not needed for the first frame
            self._related_timer.start()
            self.featuresReady.emit()
            if self._sync_after_features:
                self._sync_after_features = False
                self.start_indexing(check_first=True)

        return [document_commands, library_actions, load_annotations, annotations, load_story, story,
                smaller_features, finish]

    def _watch_application(self) -> None:
        """From the first frame on, the window filters every event of the application (mouse back and
        forward buttons anywhere, file drops on any child), instead of only the pane's viewport's."""
        app = QApplication.instance()
        if self._watching_application or app is None:
            return
        self._watching_application = True
        self.pane.viewport().removeEventFilter(self)   # the application's filter sees its events now
        app.installEventFilter(self)

    # -- construction ------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        # Left: documents / search results
        self.doc_model = DocumentListModel(self)
        self.doc_proxy = DocumentFilterProxy(self)
        self.doc_proxy.setSourceModel(self.doc_model)
        self.doc_proxy.sort(0)
        self.doc_filter = text_field("documentFilter", "Filter documents", "Filter documents")
        self.doc_filter.textChanged.connect(self.doc_proxy.set_filter_text)
        self.doc_filter.textChanged.connect(lambda _t: self._update_doc_count())
        self.doc_sort = QComboBox()
        self.doc_sort.setObjectName("documentSort")
        self.doc_sort.setAccessibleName("Sort documents")
        for mode, label in SORT_MODES.items():
            self.doc_sort.addItem(label, mode)
        self.doc_sort.currentIndexChanged.connect(lambda _i: self.set_sort_mode(self.doc_sort.currentData()))
        self.doc_list = QListView()
        self.doc_list.setObjectName("documentList")
        self.doc_list.setAccessibleName("Documents")
        self.doc_list.setModel(self.doc_proxy)
        self.doc_list.setItemDelegate(DocumentDelegate(self.doc_list))
        self.doc_list.setUniformItemSizes(True)
        self.doc_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.doc_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.doc_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.doc_list.setFrameShape(QFrame.Shape.NoFrame)
        self.doc_list.selectionModel().currentChanged.connect(self._list_current_changed)
        self.doc_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.doc_list.customContextMenuRequested.connect(self._list_context_menu)
        self.doc_count = plain_label()
        self.doc_count.setObjectName("documentCount")
        self.doc_count.setContentsMargins(12, 0, 12, 6)
        self.doc_count.setEnabled(False)

        docs_page = QWidget()
        docs_layout = QVBoxLayout(docs_page)
        docs_layout.setContentsMargins(0, 8, 0, 0)
        docs_layout.setSpacing(6)
        controls = QHBoxLayout()
        controls.setContentsMargins(10, 0, 10, 0)
        controls.addWidget(self.doc_filter, 1)
        controls.addWidget(self.doc_sort)
        docs_layout.addLayout(controls)
        docs_layout.addWidget(self.doc_count)
        docs_layout.addWidget(self.doc_list, 1)

        self.search_panel = SearchPanel(lambda doc_id: describe_document(self.doc_model.document(doc_id)))
        self.search_panel.chosen.connect(self._result_chosen)
        self.results_model, self.results_view = self.search_panel.model, self.search_panel.view
        self.results_summary = self.search_panel.summary
        search_page = self.search_panel

        self.sidebar = QStackedWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.addWidget(docs_page)
        self.sidebar.addWidget(search_page)

        # Centre: legend, text, find bar
        self.legend = EntityLegend()
        self.pane = ReadingPane()
        self.find_bar = FindBar(self.pane)
        self.legend.toggled.connect(self._group_toggled)
        self.pane.groupCountsChanged.connect(self.legend.set_counts)
        self.pane.entityActivated.connect(self.show_entity)
        self.pane.passageActivated.connect(self.show_passage)
        self.pane.similarRequested.connect(self.show_passage)
        self.pane.similarRequested.connect(lambda _doc, _seq: self._bring_xref_forward())
        centre = QWidget()
        centre.setObjectName("centre")
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setObjectName("legendRule")
        centre_layout.addWidget(self.legend)
        centre_layout.addWidget(rule)
        centre_layout.addWidget(self.pane, 1)
        centre_layout.addWidget(self.find_bar)

        # Right: cross-references
        self.xref = XrefPanel(self.entities)
        self.xref.openRequested.connect(self._open_reference)
        self.xref.entityRequested.connect(self.show_entity)
        self.xref.documentRequested.connect(lambda doc_id: self.open_document(doc_id))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(centre)
        self.side_tabs = SideTabs()          # the right-hand column: features add panels as tabs
        self.act_show_xref = self.side_tabs.add_panel("xref", self.xref, "Cross-references", "Cross-references").toggle
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([300, 760, 360])
        self.setCentralWidget(self.splitter)

        # Status bar: the background jobs' progress, with Cancel
        self.status_area = StatusArea(self.jobs)
        self.status_area.cancelRequested.connect(self.cancel_indexing)
        self.index_status, self.index_label = self.status_area, self.status_area.label
        self.index_bar, self.index_cancel = self.status_area.bar, self.status_area.cancel
        self.statusBar().addPermanentWidget(self.status_area)
        self.statusBar().setSizeGripEnabled(True)
        self.resize(1360, 860)

    def _action(self, text: str, slot, shortcuts=(), checkable: bool = False, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts(_shortcut(*shortcuts))
        action.setCheckable(checkable)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_update_index = self._action("&Update Index", lambda: self.start_indexing(False), [QKeySequence.StandardKey.Refresh],
                                             tip="Index new and changed files")
        self.act_cancel_index = self._action("&Cancel Indexing", self.cancel_indexing)
        self.act_cancel_index.setEnabled(False)
        self.act_quit = self._action("&Quit", self.close, [QKeySequence.StandardKey.Quit])
        self.act_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.act_copy = self._action("&Copy", self.pane.copy, [QKeySequence.StandardKey.Copy])
        self.act_select_all = self._action("Select &All", self.pane.selectAll, [QKeySequence.StandardKey.SelectAll])
        self.act_find = self._action("&Find in Document…", self.find_bar.open, [QKeySequence.StandardKey.Find])
        self.act_find_next = self._action("Find &Next", self.find_bar.next, [QKeySequence.StandardKey.FindNext])
        self.act_find_previous = self._action("Find &Previous", self.find_bar.previous,
                                              [QKeySequence.StandardKey.FindPrevious])
        self.act_search = self._action("&Search All Documents…", self.focus_search, ["Ctrl+K"])
        self.act_zoom_in = self._action("Zoom &In", self.pane.zoom_in, [QKeySequence.StandardKey.ZoomIn, "Ctrl+="])
        self.act_zoom_out = self._action("Zoom &Out", self.pane.zoom_out, [QKeySequence.StandardKey.ZoomOut])
        self.act_zoom_reset = self._action("&Actual Size", self.pane.zoom_reset, ["Ctrl+0"])
        self.act_back = self._action("&Back", self.go_back, [QKeySequence.StandardKey.Back, "Alt+Left"],
                                     tip="Go back (Alt+Left)")
        self.act_forward = self._action("&Forward", self.go_forward, [QKeySequence.StandardKey.Forward, "Alt+Right"],
                                        tip="Go forward (Alt+Right)")
        self.act_next_doc = self._action("&Next Document", lambda: self.step_document(1), ["Ctrl+PgDown"])
        self.act_prev_doc = self._action("&Previous Document", lambda: self.step_document(-1), ["Ctrl+PgUp"])
        self.act_focus_list = self._action("Document &List", self.doc_list.setFocus, ["Ctrl+L"])
        self.act_about = self._action("&About Reader", self.show_about)
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.act_about_qt = self._action("About &Qt", QApplication.aboutQt)
        self.group_actions: dict[str, QAction] = {}
        for group in palette.GROUPS:
            action = self._action(group.name, lambda on, key=group.key: self.legend.buttons[key].setChecked(on),
                                  checkable=True)
            action.setChecked(True)
            self.group_actions[group.key] = action
        self.sort_actions = QActionGroup(self)
        for mode, label in SORT_MODES.items():
            action = QAction(label, self.sort_actions, checkable=True)
            action.setData(mode)
            action.triggered.connect(lambda _on, m=mode: self.set_sort_mode(m))
        self._update_nav_actions()

    def _build_menus_and_toolbar(self) -> None:
        """The named menus and sections (reader.ui.menus) with the window's own commands;
        features add theirs to the sections they name."""
        menus = self.menus = Menus(self.menuBar())
        menus.add("file", "index", self.act_update_index, self.act_cancel_index)
        menus.add("file", "quit", self.act_quit)
        menus.add("edit", "clipboard", self.act_copy, self.act_select_all)
        self.act_copy_cited = clipboard.install(self)
        menus.add("edit", "find", self.act_find, self.act_find_next, self.act_find_previous)
        menus.add("edit", "search", self.act_search)
        menus.add("view", "zoom", self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset)
        menus.add_menu("view", "highlights", "&Highlights").addActions(list(self.group_actions.values()))
        menus.add_menu("view", "highlights", "&Sort Documents").addActions(self.sort_actions.actions())
        self.act_show_list = self._panel_toggle("Document List", self.sidebar)
        menus.add("view", "panels", self.act_show_list, self.act_show_xref)
        menus.add("go", "history", self.act_back, self.act_forward)
        menus.add("go", "documents", self.act_prev_doc, self.act_next_doc)
        menus.add("go", "focus", self.act_focus_list, self.act_search)
        menus.add("help", "about", self.act_about, self.act_about_qt)

        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.act_back.setText("◀  Back")
        self.act_forward.setText("Forward  ▶")
        toolbar.addAction(self.act_back)
        toolbar.addAction(self.act_forward)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search_box = text_field("searchBox", "Search all documents", "Search all documents   (Ctrl+K)")
        self.search_box.setMinimumWidth(220)
        self.search_box.setMaximumWidth(520)
        self.search_box.textChanged.connect(self._search_text_changed)
        self.search_box.installEventFilter(self)
        toolbar.addWidget(self.search_box)
        spacer2 = QWidget()
        spacer2.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer2)
        zoom_out = QToolButton()
        zoom_out.setDefaultAction(self.act_zoom_out)
        zoom_out.setText("A−")
        zoom_in = QToolButton()
        zoom_in.setDefaultAction(self.act_zoom_in)
        zoom_in.setText("A+")
        toolbar.addWidget(zoom_out)
        toolbar.addWidget(zoom_in)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _panel_toggle(self, text: str, widget: QWidget) -> QAction:
        action = QAction(text, self, checkable=True)
        action.setChecked(True)
        action.toggled.connect(widget.setVisible)
        return action

    # -- appearance --------------------------------------------------------------------------------
    def apply_scheme(self, dark: bool | None = None) -> None:
        dark = system_is_dark() if dark is None else dark
        changed = dark != self.dark
        self.dark = dark
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        rule = QColor(text)
        rule.setAlphaF(0.12)
        sidebar = QColor("#26272B" if self.dark else "#F3F2EF")
        self.setStyleSheet(
            f"#sidebar, #sidebar QListView, #xrefPanel, #xrefPanel QListView {{ background: {sidebar.name()}; }}"
            f"#legendRule {{ color: {rule.name(QColor.NameFormat.HexArgb)}; max-height: 1px; border: none;"
            f" background: {rule.name(QColor.NameFormat.HexArgb)}; }}"
            f"#entityLegend, #findBar {{ background: {palette.PAPER[self.dark]}; }}"
            # The pane's paper here too: a style sheet re-polishes the palette a widget set itself.
            f"#readingPane {{ background: {palette.PAPER[self.dark]}; color: {palette.INK[self.dark]}; }}"
            f"#searchBox {{ padding: 4px 10px; border-radius: 6px; }}"
            f"QSplitter#mainSplitter::handle {{ background: {rule.name(QColor.NameFormat.HexArgb)}; width: 1px; }}")
        # After the style sheet: re-polishing the children resets the palettes the panes set for themselves.
        self.pane.set_dark(self.dark)
        self.legend.set_dark(self.dark)
        self.xref.set_dark(self.dark)
        if changed:
            self.schemeChanged.emit(self.dark)

    # -- documents ---------------------------------------------------------------------------------
    def reload_documents(self) -> None:
        """Refresh the list from the index (in place: selection and scroll stay)."""
        docs = self._with_overrides(list_documents(self.db))
        gone = {d.id for d in self.doc_model.documents} - {d.id for d in docs}
        self.doc_model.set_documents(docs)
        if gone:
            self.history.forget(gone)
        self._update_doc_count()
        if self.current is not None:
            self._select_in_list(self.current.summary.id)

    def _with_overrides(self, summaries: list) -> list:
        """Summaries with the user's titles, dates and sources laid over them (the overrides' module
        loads only once the features have set some: a warm start has none yet)."""
        if not self.metadata_overrides:
            return list(summaries)
        from reader.store.doc_metadata import apply_overrides

        return apply_overrides(summaries, self.metadata_overrides)

    def set_metadata_overrides(self, overrides: dict[str, MetadataOverride]) -> None:
        """The user's titles, dates and sources: the list and the document shown follow them."""
        self.metadata_overrides = dict(overrides)
        self.reload_documents()
        location = self.current_location()
        if location is not None:
            self.open_document(location.doc_id, location.offset, record=False, align_top=True, reload=True)

    def documents(self) -> list:
        """The documents in the list (DocumentSummary), in the index's order."""
        return list(self.doc_model.documents)

    def set_document_badges(self, counts: dict[int, int]) -> None:
        """Notes per document id, shown in the document list (the annotations feature sets them)."""
        self.doc_model.set_note_counts(counts)

    def add_document_action(self, action: QAction) -> None:
        """An action on the selected document: in the list's context menu (and its shortcut on the list)."""
        self.doc_list.addAction(action)

    def _list_context_menu(self, pos) -> None:
        view = self.doc_list
        index = view.indexAt(pos)
        if not index.isValid():
            return
        if view.currentIndex() != index:
            view.setCurrentIndex(index)
        if self.list_menu is None:
            self.list_menu = QMenu(view)
            self.list_menu.setObjectName("documentListMenu")
        self.list_menu.clear()
        self.list_menu.addActions(view.actions())
        self.list_menu.popup(view.viewport().mapToGlobal(pos))

    def selected_document(self) -> int | None:
        """The document selected in the list, else the one shown."""
        index = self.doc_list.currentIndex()
        if index.isValid():
            return index.data(DocIdRole)
        return self.current.summary.id if self.current is not None else None

    def set_drop_handler(self, handler: Callable[[list[Path]], None]) -> None:
        """Files and folders dropped anywhere on the window go to `handler` (the import)."""
        self._drop_handler = handler
        self.setAcceptDrops(True)   # the window's application-wide event filter sees drags on its children too

    def _drop_event(self, event) -> bool:
        dropped = local_paths(event.mimeData())
        if not dropped or self._drop_handler is None:
            return False
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self._drop_handler(dropped)
        return True

    def _update_doc_count(self) -> None:
        total = self.doc_model.rowCount()
        shown = self.doc_proxy.rowCount()
        noun = "document" if total == 1 else "documents"
        self.doc_count.setText(f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}")

    def set_sort_mode(self, mode: str) -> None:
        self.doc_proxy.set_mode(mode)
        for action in self.sort_actions.actions():
            action.setChecked(action.data() == self.doc_proxy.mode)
        i = self.doc_sort.findData(self.doc_proxy.mode)
        if i >= 0 and i != self.doc_sort.currentIndex():
            self.doc_sort.setCurrentIndex(i)
        if self.current is not None:
            self._select_in_list(self.current.summary.id)

    def _select_in_list(self, doc_id: int) -> None:
        row = self.doc_model.row_of(doc_id)
        if row is None:
            return
        index = self.doc_proxy.mapFromSource(self.doc_model.index(row))
        if not index.isValid():
            return
        self._syncing_list = True
        try:
            self.doc_list.selectionModel().setCurrentIndex(
                index, self.doc_list.selectionModel().SelectionFlag.ClearAndSelect)
            self.doc_list.scrollTo(index)
        finally:
            self._syncing_list = False

    def _list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing_list or not current.isValid():
            return
        doc_id = current.data(DocIdRole)
        if self.current is None or self.current.summary.id != doc_id:
            self.open_document(doc_id)

    def step_document(self, step: int) -> None:
        rows = self.doc_proxy.rowCount()
        if not rows:
            return
        row = self.doc_list.currentIndex().row()
        row = 0 if row < 0 else max(0, min(rows - 1, row + step))
        self.doc_list.setCurrentIndex(self.doc_proxy.index(row, 0))

    def current_location(self) -> Location | None:
        if self.current is None:
            return None
        return Location(self.current.summary.id, self.pane.top_offset() or 0)

    def open_document(self, doc_id: int, offset: int | None = None, highlight: list[tuple[int, int]] | None = None,
                      flash: tuple[int, int] | None = None, record: bool = True, align_top: bool = False,
                      reload: bool = False) -> bool:
        """Show a document, optionally at an offset, with search matches and a flash."""
        if record:
            self.history.visit(self.current_location())
        if reload or self.current is None or self.current.summary.id != doc_id:
            try:
                detail = get_document(self.db, doc_id)
            except DocumentNotFound:
                self.statusBar().showMessage("That document is no longer in the index.", 6000)
                self._update_nav_actions()
                return False
            detail = dataclasses.replace(detail, summary=self._with_overrides([detail.summary])[0])
            if offset is None and not reload and self.position_memory is not None:
                offset = self.position_memory.recall(detail.summary.key)   # where the user left it
                align_top = True
            mentions = self.entities.document_mentions(doc_id)
            self.pane.show_document(detail, mentions, self.entities.entity)
            self.current = detail
            self.setWindowTitle(f"{detail.summary.title or detail.summary.file_name} — Reader")
            # Related documents fill in just after the text is on screen (at start: with the features).
            if self.notes is not None:
                self._related_timer.start()
            self._select_in_list(doc_id)
            self.find_bar.refresh()
        self.pane.set_layer("search", highlight or [], QColor(palette.FIND_ALL[self.dark]))
        if offset is not None and offset >= 0:
            self.pane.scroll_to_offset(offset, align_top=align_top)
        if flash is not None:
            self.pane.flash(*flash)
        self._update_nav_actions()
        self.documentOpened.emit(doc_id)
        return True

    def _open_reference(self, doc_id: int, start: int, end: int) -> None:
        if start < 0:
            self.open_document(doc_id)
        else:
            self.open_document(doc_id, offset=start, flash=(start, end))

    # -- history -----------------------------------------------------------------------------------
    def go_back(self) -> None:
        target = self.history.back(self.current_location())
        if target is not None:
            self.open_document(target.doc_id, offset=target.offset, record=False, align_top=True)
        self._update_nav_actions()

    def go_forward(self) -> None:
        target = self.history.forward(self.current_location())
        if target is not None:
            self.open_document(target.doc_id, offset=target.offset, record=False, align_top=True)
        self._update_nav_actions()

    def _update_nav_actions(self) -> None:
        if hasattr(self, "act_back"):
            self.act_back.setEnabled(self.history.can_go_back())
            self.act_forward.setEnabled(self.history.can_go_forward())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Paint and self.notes is None and not self._features_scheduled \
                and watched is self.pane.viewport():
            self._features_scheduled = True    # the document is on screen: now the rest
            QTimer.singleShot(self.FEATURES_DELAY_MS, self, self._build_features_gradually)
            self._watch_application()
        if isinstance(event, QMouseEvent) and kind == QEvent.Type.MouseButtonPress and isinstance(watched, QWidget) \
                and watched.window() is self:
            if event.button() == Qt.MouseButton.BackButton:
                self.go_back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                self.go_forward()
                return True
        if watched is getattr(self, "search_box", None) and kind == QEvent.Type.KeyPress:
            return self._search_key(event)
        if kind in _DRAG_EVENTS and isinstance(watched, QWidget) and watched.window() is self \
                and self._drop_event(event):
            return True   # line edits, text views: file drops are imports, not text
        return super().eventFilter(watched, event)

    # -- entities and passages ---------------------------------------------------------------------
    def show_entity(self, entity_id: str) -> None:
        if not self.xref.show_entity(entity_id):
            self.statusBar().showMessage("No details for that entity.", 4000)
            return
        self.side_tabs.show_panel("xref")

    def _bring_xref_forward(self) -> None:
        if self.act_show_xref.isChecked():
            self.side_tabs.setCurrentWidget(self.xref)

    def show_passage(self, doc_id: int, seq: int) -> None:
        if self.current is None or self.current.summary.id != doc_id:
            return
        passage = next((p for p in self.current.passages if p.seq == seq), None)
        if passage is None:
            return
        self.xref.show_passage(doc_id, seq, self.current.text[passage.start:passage.end])

    def _group_toggled(self, key: str, on: bool) -> None:
        self.pane.set_group_enabled(key, on)
        action = self.group_actions.get(key)
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)

    # -- search ------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _search_text_changed(self, text: str) -> None:
        if text.strip():
            self.sidebar.setCurrentIndex(SEARCH_PAGE)
            self.search_panel.searching(text)
            self.search.request(text)
        else:
            self.search.cancel()
            self._open_when_results = False
            self.search_panel.clear()
            self.sidebar.setCurrentIndex(DOCS_PAGE)
            self.pane.set_layer("search", [])

    def _show_results(self, query: str, offset: int, result) -> None:
        self._search_query = query
        self.search_panel.show_page(query, offset, result)
        if offset:
            return
        count = len(result.hits)
        self.searchFinished.emit(query, count)
        if self._open_when_results:
            self._open_when_results = False
            if count:
                self._result_chosen(self.results_model.index(self.results_model.first_hit_row()))

    def _search_key(self, event) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.results_view.move_current(1 if key == Qt.Key.Key_Down else -1)
            return True
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self.results_view.move_current(5 if key == Qt.Key.Key_PageDown else -5)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.search_box.text().strip():
                return True
            if self.search.busy:
                self._open_when_results = True
                self.search.flush()
            else:
                index = self.results_view.currentIndex()
                if not index.isValid() and self.results_model.rowCount():
                    index = self.results_model.index(self.results_model.first_hit_row())
                if index.isValid():
                    self._result_chosen(index)
            return True
        if key == Qt.Key.Key_Escape:
            if self.search_box.text():
                self.search_box.clear()
            else:
                self.pane.setFocus()
            return True
        return False

    def _result_chosen(self, index: QModelIndex) -> None:
        hit = index.data(PayloadRole)
        if hit is None:
            return
        if index.data(KindRole) == "header":   # a document's title: its first hit
            hit = hit.hits[0]
        self.results_view.setCurrentIndex(index)
        first = hit.matches[0] if hit.matches else (hit.start, hit.end)
        self.open_document(hit.doc_id, offset=first[0], highlight=list(hit.matches), flash=first)

    # -- indexing: jobs on the window's runner (reader.ui.jobs) -------------------------------------
    def start_indexing(self, check_first: bool = False) -> None:
        """Update Index (F5) and the start-up sync. Asked for while a job runs, it waits its turn;
        asked for again while it waits, the two are one sync."""
        first_launch = self.doc_model.rowCount() == 0 and not check_first
        job = Job("sync", "Indexing…",
                  partial(operations.sync_library, data_dir=self.context.data_dir, sources=list(self.context.sources),
                          check_first=check_first, started_at=time.perf_counter()),
                  success=self._sync_finished, failure=self._job_failed,
                  changes=lambda result: operations.report_changes(result.report), merge_key="sync")
        if self.jobs.busy:
            queued = self.jobs.submit(job)
            if queued is not None:
                self.statusBar().showMessage("Index update queued: it starts when the current job ends.", 5000)
            return
        if first_launch:
            self._show_index_dialog()
            self.pane.show_message("Building the index of the bundled documents… "
                                   "Documents appear on the left as they become ready.")
        self.jobs.submit(job)

    def _show_index_dialog(self) -> None:
        dialog = QProgressDialog("Preparing…", "Cancel", 0, 0, self)
        dialog.setObjectName("indexProgress")
        dialog.setWindowTitle("Building the index")
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self.cancel_indexing)
        dialog.show()
        self.index_dialog = dialog

    def _close_index_dialog(self) -> None:
        if self.index_dialog is not None:
            self.index_dialog.hide()
            self.index_dialog.deleteLater()
            self.index_dialog = None

    def _job_progressed(self, job: Job, event) -> None:
        if self.index_dialog is not None and job.kind == "sync":
            label = stage_text(event)
            self.index_dialog.setLabelText(label + (f"\n{event.current}" if event.current else "\n"))
            total = stage_total(event)
            self.index_dialog.setRange(0, total)
            if total:
                self.index_dialog.setValue(event.done)
        if event.stage != "indexing" and self._last_stage == "indexing":
            self.refresh_list()        # every text is committed: show them all now, not when names are found
        elif event.done and event.stage == "indexing" and not self._list_timer.isActive():
            self._list_timer.start()   # documents appear in the list as they are committed
        self._last_stage = event.stage
        if self.current is None and self.doc_proxy.rowCount():   # the first launch: something to read at once
            self.open_document(self.doc_proxy.index(0, 0).data(DocIdRole), record=False)

    def _job_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Indexing failed", f"The index could not be updated:\n\n{message}\n\n"
                            "The documents already indexed are still available.")

    def _job_finished(self, _job: Job) -> None:
        self._list_timer.stop()
        self._close_index_dialog()
        if not self.jobs.busy:
            self.act_cancel_index.setEnabled(False)
        if self.current is None and self.doc_proxy.rowCount():
            self.open_document(self.doc_proxy.index(0, 0).data(DocIdRole), record=False)
        elif self.current is None:
            self.pane.show_message("No documents in the index.")

    def _sync_finished(self, result: operations.SyncResult) -> None:
        report = result.report
        self.last_report = report
        total = self.doc_model.rowCount()
        if report is None:
            self.statusBar().showMessage(f"{total} documents, index up to date.", 5000)
        elif report.cancelled:
            self.statusBar().showMessage(f"Indexing cancelled: {total} documents ready.", 10000)
        else:
            elapsed = time.perf_counter() - result.started_at
            message = (f"Index updated in {elapsed:.1f} s: {len(report.added)} added, {len(report.updated)} "
                       f"updated, {len(report.removed)} removed; {total} documents.")
            if report.errors:
                message += f" {len(report.errors)} files could not be read."
            self.statusBar().showMessage(message, 10000)
        self.indexFinished.emit(report)

    def _library_changed(self, changes: Changes) -> None:
        """After a job: the list, the document shown and the cross-references follow what changed."""
        if changes.entities or changes.documents:
            self.entities.clear_cache()
        if changes.documents:
            place = ListPlace.save(self)
            if self.current is not None and self.current.summary.id in changes.removed:
                self._leave_removed_document(self.current.summary.id)
            self._follow_replaced_document()
            self.reload_documents()
            location = self.current_location()
            if location is not None:
                if self.doc_model.row_of(location.doc_id) is None:
                    self.current = None
                    self.pane.show_message("The document was removed from the index.")
                else:
                    self.open_document(location.doc_id, location.offset, record=False, align_top=True, reload=True)
            place.restore()
        if changes.entities or changes.documents:
            self.xref.refresh()

    def _leave_removed_document(self, doc_id: int) -> None:
        """The document shown was removed: show its neighbour in the list (the next one, else the one before)."""
        row = self.doc_model.row_of(doc_id)
        proxy_row = self.doc_proxy.mapFromSource(self.doc_model.index(row)).row() if row is not None else -1
        for candidate in (proxy_row + 1, proxy_row - 1):
            if proxy_row >= 0 and 0 <= candidate < self.doc_proxy.rowCount():
                self.open_document(self.doc_proxy.index(candidate, 0).data(DocIdRole), record=False)
                return

    def _follow_replaced_document(self) -> None:
        """The document shown was re-imported (a new version has a new id): show the new version
        at the same place, rather than "removed from the index"."""
        current = self.current
        if current is None or current.summary.id in document_ids(self.db):
            return
        new_id = document_id_by_path(self.db, current.summary.path)
        if new_id is not None:
            location = self.current_location()
            self.open_document(new_id, location.offset if location else None, record=False, align_top=True)

    def refresh_list(self) -> None:
        """Bring the document list up to date while a job writes: rows of documents committed since
        are added, rows of replaced ones removed; the rows the user is looking at stay put.
        (Cheap on a large library: only ids are compared, only new summaries read.)"""
        started = time.perf_counter()
        indexed = document_ids(self.db)
        listed = {d.id for d in self.doc_model.documents}
        new, gone = indexed - listed, listed - indexed
        if new or gone:
            place = ListPlace.save(self)
            self._syncing_list = True   # a row going away must not open its neighbour
            try:
                self.doc_model.apply_changes(self._with_overrides(document_summaries(self.db, sorted(new))), gone)
            finally:
                self._syncing_list = False
            if gone:
                self.history.forget(gone)
            self._update_doc_count()
            place.restore()
        top_up()
        took_ms = (time.perf_counter() - started) * 1000
        # Never spend more than a fifth of the time refreshing, on any library size.
        self._list_timer.setInterval(max(self.LIST_REFRESH_MS, int(took_ms * 5)))

    def cancel_indexing(self) -> None:
        if self.jobs.current is not None:
            self.jobs.cancel()
            self.status_area.set_text("Cancelling…")

    @property
    def indexing(self) -> bool:
        """A job runs or waits (index, import, removal, relink)."""
        return self.jobs.busy

    # -- settings ----------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        xref_split = s.value("window/xrefSplitter")
        if isinstance(xref_split, QByteArray) and not xref_split.isEmpty():
            self.xref.splitter.restoreState(xref_split)
        try:
            zoom = int(str(s.value("reading/zoom", 0)))
        except (TypeError, ValueError):
            zoom = 0
        self.pane.set_zoom(zoom)
        groups = s.value("reading/groups")
        if groups is not None:
            self.set_enabled_groups(set(groups if isinstance(groups, list) else
                                        [g for g in str(groups).split(",") if g]))
        self.set_sort_mode(str(s.value("documents/sort", SORT_DATE_DESC)))
        self.act_show_list.setChecked(s.value("window/showList", True) not in (False, "false"))
        self.act_show_xref.setChecked(s.value("window/showXref", True) not in (False, "false"))
        preferences.apply_saved(self)   # typography, theme, the highlight types shown at start

    def set_enabled_groups(self, keys: set[str]) -> None:
        """The entity types highlighted: the legend, the View menu and the text."""
        keys &= set(palette.GROUP_BY_KEY)
        self.legend.set_enabled_groups(keys)
        self.pane.set_enabled_groups(keys)
        for key, action in self.group_actions.items():
            action.setChecked(key in keys)

    def _restore_session(self) -> None:
        """The document read last, where it was left: shown when the window first shows, at its final
        size, so the text is laid out once rather than at every size the window passes through."""
        key = self.settings.value("session/docKey")
        if not key:
            return
        doc_id = document_id_by_key(self.db, str(key))
        if doc_id is None:
            return
        try:
            offset = int(str(self.settings.value("session/offset", 0)))
        except (TypeError, ValueError):
            offset = 0
        self._session_document = (doc_id, offset)
        if self.isVisible():
            self._open_session_document()

    def _open_session_document(self) -> None:
        if self._session_document is None:
            return
        doc_id, offset = self._session_document
        self._session_document = None
        if self.current is None and self.open_document(doc_id, record=False):
            self._pending_scroll = offset
            self.pane.scroll_to_offset(offset, align_top=True)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/xrefSplitter", self.xref.splitter.saveState())
        s.setValue("window/showList", self.act_show_list.isChecked())
        s.setValue("window/showXref", self.act_show_xref.isChecked())
        s.setValue("reading/zoom", self.pane.zoom)
        s.setValue("reading/groups", ",".join(sorted(self.legend.enabled_groups())) or "")
        s.setValue("documents/sort", self.doc_proxy.mode)
        if self.current is not None:
            s.setValue("session/docKey", self.current.summary.key)
            s.setValue("session/offset", self.pane.top_offset() or 0)
        s.sync()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._open_session_document()   # the panes have their sizes now; the first paint follows
        if self.notes is None:   # in case the text never paints (a collapsed pane): not much later
            QTimer.singleShot(self.FEATURES_FALLBACK_MS, self, self._build_features_gradually)
        if self._pending_scroll is not None:
            offset, self._pending_scroll = self._pending_scroll, None
            # Once the window has its final size, the text its final layout.
            QTimer.singleShot(0, lambda: self.pane.scroll_to_offset(offset, align_top=True))

    # -- help, closing -----------------------------------------------------------------------------
    def show_about(self) -> None:
        QMessageBox.about(self, "About Reader",
                          f"<h3>Reader {reader.__version__}</h3>"
                          "<p>A reading room for following a story across many articles.</p>"
                          f"<p style='font-size:small'>{LICENCES}</p>")

    def shutdown(self) -> None:
        """Stop every thread this window started and close its connection (idempotent). A running
        job gets a short grace, then is cancelled; the wait is shown and the window keeps painting."""
        if self._shut_down:
            return
        self._shut_down = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._list_timer.stop()
        self._close_index_dialog()
        self.jobs.shutdown(waiting=self._closing_message)
        self.search.shutdown()
        self.closing.emit()
        self.db.close()

    def _closing_message(self, text: str) -> None:
        self.status_area.set_text(text)
        self.status_area.show()
        self.statusBar().showMessage(text)
        self.setEnabled(False)   # nothing more to ask for while it stops

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate) and not self._shut_down:
            self.activeChanged.emit(kind == QEvent.Type.WindowActivate)
        return super().event(event)

    def closeEvent(self, event) -> None:
        self.shutdown()          # jobs stopped; features save theirs on `closing`
        self.save_settings()
        super().closeEvent(event)
