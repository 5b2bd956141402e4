"""Search in the window: grouped by document, true counts, every result reachable by scrolling."""
from __future__ import annotations

from test_ui_support import INDEX_TIMEOUT_MS, make_window, type_text, warm_window  # noqa: F401

from PySide6.QtCore import Qt

from reader.ui.models import KindRole, PayloadRole


def search_and_count(qtbot, window, query: str) -> None:
    with qtbot.waitSignal(window.search.counted, timeout=INDEX_TIMEOUT_MS):
        window.search_box.setFocus()
        type_text(window.search_box, query)


def scroll_to_the_end(qtbot, window) -> None:
    """Scroll the results down as a user would, until no more pages come."""
    view, model = window.results_view, window.results_model
    while True:
        loaded = model.loaded
        view.scrollToBottom()
        bar = view.verticalScrollBar()
        bar.setValue(bar.maximum())
        if not model.more:
            return
        qtbot.waitUntil(lambda: model.loaded > loaded, timeout=INDEX_TIMEOUT_MS)


def test_search_gives_true_counts_and_loads_every_result_on_scroll(qtbot, warm_window):
    window = warm_window
    window.resize(1200, 800)
    search_and_count(qtbot, window, "米")
    # The seeds hold 90 passages with 米 in 5 documents (what `reader search 米` finds), more than a page.
    assert window.results_summary.text().startswith("90 passages in 5 documents")
    model = window.results_model
    assert model.loaded < 90 and model.more
    scroll_to_the_end(qtbot, window)
    assert model.loaded == 90 and len(model.hits()) == 90
    assert len({(h.doc_id, h.passage_seq) for h in model.hits()}) == 90   # no page twice


def test_results_are_grouped_under_one_title_per_document(qtbot, warm_window):
    window = warm_window
    search_and_count(qtbot, window, "米")
    scroll_to_the_end(qtbot, window)
    model = window.results_model
    headers = [model.index(r) for r in range(model.rowCount()) if model.index(r).data(KindRole) == "header"]
    assert len(headers) == 5                       # each document once
    seen_docs = []
    for row in range(model.rowCount()):
        item = model.index(row).data(PayloadRole)
        if model.index(row).data(KindRole) == "header":
            seen_docs.append(item.doc_id)
        else:
            assert item.doc_id == seen_docs[-1]     # a hit sits under its own document's title
    # Each title says how many of its passages match; together they make the total.
    texts = [h.data(Qt.ItemDataRole.DisplayRole) for h in headers]
    counts = [int(t.rsplit(" passage", 1)[0].split()[-1]) for t in texts]
    assert sum(counts) == 90 and 58 in counts


def test_results_sort_by_date_newest_document_first(qtbot, warm_window):
    window = warm_window
    search_and_count(qtbot, window, "米")
    order = window.search_panel.order
    with qtbot.waitSignal(window.search.counted, timeout=INDEX_TIMEOUT_MS):
        order.setCurrentIndex(order.findData("date"))
    scroll_to_the_end(qtbot, window)
    model = window.results_model
    dates = [window.doc_model.document(g.doc_id).date for g in model.groups]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[:len(dated)] == dated   # undated last
    assert window.results_summary.text().startswith("90 passages in 5 documents")


def test_clicking_a_document_title_opens_it_at_its_first_hit(qtbot, warm_window):
    window = warm_window
    search_and_count(qtbot, window, "米")
    view, model = window.results_view, window.results_model
    index = model.index(0)
    assert index.data(KindRole) == "header"
    group = index.data(PayloadRole)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert window.current.summary.id == group.doc_id
    assert window.pane._layers["search"]
