"""Hostile PDFs: reference loops, fan-out bombs, inflation bombs and broken cross-reference
tables never hang or swamp memory, and each gets the right reason (or its text is read)."""
from __future__ import annotations

import pytest

import hostile_files as hostile
from reader.ingest import IngestError, load_file
from reader.ingest import pdf as pdf_module

pytestmark = pytest.mark.timeout(120)     # a hang fails the test instead of stopping the suite


@pytest.mark.parametrize("build", [hostile.pdf_info_self_loop, hostile.pdf_info_two_object_cycle,
                                   hostile.pdf_root_self_reference, hostile.pdf_root_reference_loop,
                                   hostile.pdf_pages_tree_loop])
def test_reference_loops_outside_the_text_do_not_hang_and_the_text_is_read(build) -> None:
    assert load_file("/tmp/loop.pdf", build()).text == hostile.PAGE_TEXT


def test_a_page_whose_media_box_loops_is_read_as_a_letter_page() -> None:
    assert load_file("/tmp/loop.pdf", hostile.pdf_media_box_loop()).text == hostile.PAGE_TEXT


def test_resources_pointing_to_themselves_are_refused_with_the_reason() -> None:
    with pytest.raises(IngestError) as refused:
        load_file("/tmp/loop.pdf", hostile.pdf_resources_self_reference())
    assert "fonts or resources" in str(refused.value) and "scanned" not in str(refused.value)


def test_forms_drawing_forms_are_refused_as_too_slow() -> None:
    with pytest.raises(IngestError, match="takes too long to read: it may be damaged or built to be slow"):
        load_file("/tmp/fan-out.pdf", hostile.pdf_xobject_fan_out(22))


def test_a_modest_number_of_forms_is_read() -> None:
    doc = load_file("/tmp/forms.pdf", hostile.pdf_xobject_fan_out(4))
    assert doc.text.startswith(hostile.PAGE_TEXT) and doc.text.count("x") == 2 ** 4


def test_a_stream_inflating_past_the_limit_is_refused() -> None:
    data = hostile.pdf_inflating_stream(pdf_module.MAX_INFLATED_STREAM_BYTES + 2 * 1024 * 1024)
    assert len(data) < pdf_module.MAX_INFLATED_STREAM_BYTES // 500
    with pytest.raises(IngestError, match="compression bomb"):
        load_file("/tmp/bomb.pdf", data)


def test_a_large_but_allowed_stream_is_read() -> None:
    assert load_file("/tmp/spaces.pdf", hostile.pdf_inflating_stream(4 * 1024 * 1024)).text == hostile.PAGE_TEXT


def test_a_broken_cross_reference_table_with_real_text_is_read() -> None:
    assert load_file("/tmp/broken.pdf", hostile.pdf_broken_xref_with_text()).text == hostile.PAGE_TEXT
