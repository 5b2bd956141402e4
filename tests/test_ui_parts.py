"""Pieces of the window on their own: offsets mapping, palette, fonts, history, models."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFontDatabase

from reader.queries.documents import DocumentDetail, DocumentSummary, PassageInfo
from reader.ui import palette
from reader.ui.history import History
from reader.ui.reading import Location
from reader.ui.textmap import BODY, BOILERPLATE, DUPLICATE, META, PLACEHOLDER, TITLE, build_plan

REPO = Path(__file__).resolve().parents[1]

TEXT = "Title line\n\nFirst 𠮷野家 passage about プーチン.\nsecond line\n\nMenu | Home\nFirst 𠮷野家 passage about プーチン.\nsecond line\nTail\n"


def _passages():
    lines = []
    pos = 0
    for line in TEXT.split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    # title, p1 (two lines), boilerplate, duplicate of p1 (two lines), tail (left out: a gap)
    return [
        PassageInfo(0, *lines[0], "en", False, None),
        PassageInfo(1, lines[1][0], lines[2][1], "ja", False, None),
        PassageInfo(2, *lines[3], "en", True, None),
        PassageInfo(3, lines[4][0], lines[5][1], "ja", False, 1),
    ]


def test_plan_blocks_and_kinds():
    plan = build_plan(TEXT, _passages(), "Title", "meta")
    kinds = [b.kind for b in plan.blocks]
    assert kinds == [TITLE, META, BODY, BODY, BODY, BOILERPLATE, PLACEHOLDER, DUPLICATE, DUPLICATE, BODY]
    assert len(plan.runs) == 1 and plan.runs[0].passages == [3] and plan.runs[0].repeats == [1]
    assert plan.blocks[-1].text == "Tail" and plan.blocks[-1].passage_seq is None  # gap text is shown


def test_every_shown_character_maps_both_ways_including_astral():
    plan = build_plan(TEXT, _passages(), "Title", "meta")
    pane_text = plan.text
    # Qt positions count UTF-16 units.
    utf16 = pane_text.encode("utf-16-le")
    for block in plan.blocks:
        if not block.mapped:
            continue
        for i, ch in enumerate(block.text):
            offset = block.doc_start + i
            assert TEXT[offset] == ch
            pos = plan.to_pane(offset)
            assert utf16[pos * 2:pos * 2 + len(ch.encode("utf-16-le"))].decode("utf-16-le") == ch
            assert plan.to_document(pos) == offset


def test_ranges_and_selection_mapping():
    plan = build_plan(TEXT, _passages(), "Title", "meta")
    start = TEXT.index("プーチン")
    pieces = plan.pane_ranges(start, start + 4)
    assert len(pieces) == 1
    _i, ps, pe = pieces[0]
    assert plan.document_range(ps, pe) == (start, start + 4)
    # A range across a line break splits into one piece per block.
    two = plan.pane_ranges(TEXT.index("First"), TEXT.index("second") + 6)
    assert len(two) == 2
    # Header and placeholder positions are not document text.
    assert plan.to_document(0) is None
    assert plan.to_document(plan.blocks[plan.runs[0].placeholder].pane_start + 1) is None
    # An offset in a blank gap lands on the next shown text.
    gap = TEXT.index("\n\n") + 1
    assert plan.blocks[3].text.startswith("First") and plan.to_pane(gap) == plan.blocks[3].pane_start


def test_plan_without_passages_shows_every_line():
    plan = build_plan("a\n\nb\nc", [], "", "")
    assert [b.text for b in plan.blocks] == ["a", "b", "c"]


def test_palette_is_readable_in_light_and_dark():
    for group in palette.GROUPS:
        for dark in (False, True):
            ratio = palette.contrast_ratio(palette.fill(group, dark), palette.text_colour(dark))
            assert ratio >= 4.5, (group.key, dark, ratio)
    styles = {g.underline for g in palette.GROUPS}
    assert len(styles) == len(palette.GROUPS), "each group has its own underline: colour is not the only cue"


def test_every_label_has_a_group():
    labels = ["PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "DATE",
              "TIME", "MONEY", "PERCENT", "QUANTITY"]
    groups = {label: palette.group_for(label).key for label in labels}
    assert groups["GPE"] == groups["LOC"] == "place"
    assert groups["MONEY"] == groups["PERCENT"] == groups["QUANTITY"] == "amount"
    assert groups["DATE"] == groups["TIME"] == "date"
    assert groups["NORP"] == groups["EVENT"] == "other"
    assert palette.group_for("SOMETHING_NEW").key == "other"


def test_bundled_japanese_font_loads_when_the_system_has_none(qapp):
    from reader.ui.fonts import BUNDLED_FONT, ensure_japanese_font

    path = REPO / "resources" / Path(*BUNDLED_FONT)
    assert path.exists() and path.stat().st_size < 8_000_000
    assert (REPO / "resources" / "fonts" / "LICENSE-IPAexFont.txt").exists()
    family = ensure_japanese_font(families=lambda: [])
    assert family == "IPAexGothic"
    assert QFontDatabase.WritingSystem.Japanese in QFontDatabase.writingSystems(family)
    # With a Japanese font present, nothing is loaded.
    assert ensure_japanese_font(families=lambda: ["Noto Sans CJK JP"]) is None


def test_history_behaves_like_a_browser():
    h = History()
    a, b, c = Location(1, 0), Location(2, 10), Location(3, 0)
    h.visit(a)   # a -> b
    h.visit(b)   # b -> c
    assert h.back(c) == b and h.back(b) == a and h.back(a) is None
    assert h.forward(a) == b
    h.visit(b)   # a new visit clears Forward
    assert not h.can_go_forward()
    h.forget({1})
    assert all(loc.doc_id != 1 for loc in h.back_stack)


def _summary(i, title, date):
    return DocumentSummary(i, f"k{i}", f"f{i}.txt", f"/x/f{i}.txt", title, date, None, ["ja"], 10, 1)


def test_document_model_updates_in_place(qapp):
    from reader.ui.models import DocumentFilterProxy, DocumentListModel

    model = DocumentListModel()
    proxy = DocumentFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(0)
    model.set_documents([_summary(1, "b", "2025-01-01")])
    inserted = []
    model.rowsInserted.connect(lambda *a: inserted.append(a))
    model.set_documents([_summary(1, "b", "2025-01-01"), _summary(2, "a", None), _summary(3, "c", "2025-02-01")])
    assert len(inserted) == 1 and model.rowCount() == 3
    assert [proxy.index(r, 0).data() for r in range(3)] == ["c", "b", "a"]
    proxy.set_mode("title")
    assert [proxy.index(r, 0).data() for r in range(3)] == ["a", "b", "c"]
    model.set_note_counts({3: 2})
    from reader.ui.models import NotesRole
    assert model.index(model.row_of(3)).data(NotesRole) == 2
    model.set_documents([_summary(3, "c", "2025-02-01")])
    assert model.rowCount() == 1 and model.row_of(3) == 0


def test_pane_opens_a_document_with_folds_and_highlights(qtbot):
    from dataclasses import dataclass

    from reader.ui.reading import ReadingPane

    @dataclass(frozen=True)
    class Mention:
        doc_id: int
        start: int
        end: int
        text: str
        entity_id: str
        label: str
        counted: bool

    start = TEXT.index("プーチン")
    second = TEXT.index("プーチン", start + 1)
    detail = DocumentDetail(_summary(1, "Title", "2025-01-01"), TEXT, "utf-8", [], _passages(), [])
    mentions = [Mention(1, start, start + 4, "プーチン", "PERSON:Putin", "PERSON", True),
                Mention(1, second, second + 4, "プーチン", "PERSON:Putin", "PERSON", False)]
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.resize(700, 500)
    pane.show()
    pane.show_document(detail, mentions)
    assert pane.highlighted_count() == 2
    pane.set_group_enabled("person", False)
    assert pane.highlighted_count() == 0
    pane.set_group_enabled("person", True)
    # The second mention is inside the folded repeat: jumping there unfolds it.
    run = pane.plan.runs[0]
    assert run.run not in pane.expanded_runs
    pane.scroll_to_offset(second)
    assert run.run in pane.expanded_runs
    shown = pane.document().toPlainText()
    _i, ps, pe = pane.plan.pane_ranges(second, second + 4)[0]
    assert shown.encode("utf-16-le")[ps * 2:pe * 2].decode("utf-16-le") == "プーチン"
    # Zoom re-typesets without changing what is shown.
    pane.set_zoom(2)
    assert pane.document().toPlainText() == shown
    # The selection maps back to document offsets.
    from PySide6.QtGui import QTextCursor
    cursor = QTextCursor(pane.document())
    cursor.setPosition(ps)
    cursor.setPosition(pe, QTextCursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    assert pane.selection_document_range() == (second, second + 4)


def test_none_refcount_guard_survives_many_void_calls(qapp):
    """PySide6 6.12 on Python 3.11 drops a reference to None per void call; the guard repays it."""
    import sys

    from reader.ui.compat import none_guard

    guard = none_guard()
    colour = QColor()
    start = sys.getrefcount(None)
    for i in range(50_000):
        colour.setAlpha(i % 255)
        if i % 1000 == 999:
            guard.top_up()
    guard.top_up()
    assert sys.getrefcount(None) >= min(start, guard.baseline) - 1000
