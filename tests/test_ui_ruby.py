"""Ruby (furigana) over the base text, from the readings stored with the document; on and off."""
from __future__ import annotations

import pytest

from test_outline import AOZORA
from test_ui_support import click_document, data_dir, doc_id_by_file, make_window  # noqa: F401 (fixture)


@pytest.fixture
def aozora_window(make_window, tmp_path):
    folder = tmp_path / "works"
    folder.mkdir()
    (folder / "kiroku.txt").write_text(AOZORA, encoding="utf-8")
    return make_window(data_dir(), sources=[folder])


def test_readings_sit_over_their_base_and_can_be_turned_off(qtbot, aozora_window, make_window):
    window = aozora_window
    click_document(qtbot, window, doc_id_by_file(window, "kiroku.txt"))
    detail = window.current
    assert [r[2] for r in detail.ruby] == ["こうしょう"]
    start, end, _reading = detail.ruby[0]
    assert detail.text[start:end] == "交渉"
    assert "こうしょう" not in window.pane.document().toPlainText()   # the text itself is unchanged

    overlay = window.ruby.overlay
    assert window.ruby.action.isChecked() and overlay.isVisible()
    placed = overlay.placed_readings()
    assert [reading for reading, _spot, _base in placed] == ["こうしょう"]
    _reading, spot, base = placed[0]
    assert spot.bottom() <= base.top() + 4                      # above the base…
    assert abs(spot.center().x() - base.center().x()) <= 2      # …and centred on it
    image = overlay.grab().toImage()
    inked = any(image.pixelColor(x, y).alpha() > 0 and image.pixelColor(x, y).lightness() < 200
                for x in range(spot.left(), spot.right()) for y in range(spot.top(), spot.bottom()))
    assert inked, "the reading is drawn"

    window.ruby.action.trigger()
    assert not overlay.isVisible()
    window.close()
    again = make_window(data_dir())
    assert not again.ruby.action.isChecked() and not again.ruby.overlay.isVisible()
