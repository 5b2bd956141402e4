"""Entities in the window: highlights, tooltips, the cross-reference panel, navigation."""
from __future__ import annotations

from test_ui_support import (click_document, copy_index, data_dir, doc_id_by_file, make_window,  # noqa: F401
                             mention_point, pane_slice, warm_window)

from PySide6.QtCore import QPoint, Qt


def _putin_mention(window):
    mention = next((m for m in window.pane.mentions if m.text == "プーチン" and m.counted), None)
    assert mention is not None, "プーチン is highlighted in this document"
    return mention


def _open_putin_card(qtbot, window):
    click_document(qtbot, window, doc_id_by_file(window, "002_6c9cfde7eb9d63d6.txt"))
    mention = _putin_mention(window)
    point = mention_point(qtbot, window, mention)
    assert window.pane.mention_at(point) == mention
    qtbot.mouseClick(window.pane.viewport(), Qt.MouseButton.LeftButton, pos=point)
    return mention


def test_clicking_putin_shows_his_card_with_mentions_across_documents(qtbot, warm_window):
    window = warm_window
    mention = _open_putin_card(qtbot, window)
    xref = window.xref
    assert xref.page == "entity"
    assert xref.entity.id == mention.entity_id
    card = xref.card.text()
    assert "プーチン" in card and "Person" in card
    model = xref.mentions_model
    documents = [row for row, kind in zip(model.rows, model.kinds) if kind == "header"]
    assert len(documents) >= 3, "mentioned in several documents"
    matches = {row.match for row, kind in zip(model.rows, model.kinds) if kind == "mention"}
    assert "Putin" in matches, "the English spelling is the same person"
    assert xref.mentions_view.isVisible()


def test_clicking_a_mention_in_another_document_navigates_and_back_returns(qtbot, warm_window):
    window = warm_window
    _open_putin_card(qtbot, window)
    here = window.current.summary.id
    model = window.xref.mentions_model
    row = next(i for i, (item, kind) in enumerate(zip(model.rows, model.kinds))
               if kind == "mention" and item.doc_id != here)
    target = model.rows[row]
    view = window.xref.mentions_view
    index = model.index(row)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert window.current.summary.id == target.doc_id
    assert window.pane.flashing
    shown = window.pane.plan.pane_ranges(target.start, target.end)
    assert shown, "the mention is in the pane"
    _index, start, end = shown[0]
    assert pane_slice(window.pane, start, end) == target.match
    # It is scrolled into view.
    point = window.pane.viewport_point_of_offset(target.start)
    assert window.pane.viewport().rect().contains(point)
    window.act_back.trigger()
    assert window.current.summary.id == here


def test_tooltip_names_the_entity_its_type_and_count(qtbot, warm_window):
    window = warm_window
    click_document(qtbot, window, doc_id_by_file(window, "002_6c9cfde7eb9d63d6.txt"))
    mention = _putin_mention(window)
    text = window.pane.tooltip_text(mention)
    summary = window.entities.entity(mention.entity_id)
    assert summary.name in text and "Person" in text and f"{summary.mentions:,} mention" in text


def test_cooccurring_entity_is_clickable(qtbot, warm_window):
    window = warm_window
    _open_putin_card(qtbot, window)
    model = window.xref.cooc_model
    assert model.rowCount(), "プーチン has co-occurring entities in the seeds"
    other = model.rows[0].entity
    view = window.xref.cooc_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(0)).center())
    assert window.xref.entity.id == other.id


def test_clicking_a_passage_without_entity_shows_similar_passages(qtbot, warm_window):
    window = warm_window
    pane = window.pane
    click_document(qtbot, window, doc_id_by_file(window, "001_782aef6206ab1ebf.txt"))
    # A body character that no mention covers.
    for block in pane.plan.blocks[pane.plan.body_start:]:
        if not block.mapped or block.passage_seq is None or len(block.text) < 6:
            continue
        offset = block.doc_start + 2
        if pane.mention_at_offset(offset) is None and pane.mention_at_offset(offset + 1) is None:
            break
    pane.scroll_to_offset(offset)
    point = pane.viewport_point_of_offset(offset) + QPoint(2, 0)
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.xref.page == "passage"
    assert window.xref.passage == (window.current.summary.id, block.passage_seq)


def test_related_documents_listed_for_the_open_document(qtbot, warm_window):
    window = warm_window
    qtbot.waitUntil(lambda: window.xref.related_model.rowCount() >= 1)
    related = window.xref.related_model.rows[0]
    assert related.document.id != window.current.summary.id
