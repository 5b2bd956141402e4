"""W3C Web Annotation JSON: export, import into an empty profile, idempotent and atomic import."""
from __future__ import annotations

import copy
import json

import pytest
from annotations_support import document, make_library

from reader.annotations.service import Annotations
from reader.annotations.w3c import CONTEXT, ImportRejected, dumps, export_json, import_json

RUSSIA = "000_60ad3fcb420e1d94.txt"
WITKOFF = "004_7ebdf0c8330a0b12.txt"


@pytest.fixture
def empty(seeds_index, tmp_path):
    """Another profile over the same seeds, with no notes yet."""
    library = make_library(seeds_index, tmp_path / "empty")
    yield library
    library.close()


def add_notes(library) -> list:
    notes = Annotations(library)
    doc_id, _, text = document(library, RUSSIA)
    other_id, _, other = document(library, WITKOFF)
    start = text.index("ロシアの財政赤字")
    return [
        notes.create(doc_id, start, start + 20, note="- list\n- [link](https://example.com)", tags=["a", "b c"],
                     colour="purple"),
        notes.create(doc_id, 10, 30),
        notes.create(other_id, other.index("Witkoff"), other.index("Witkoff") + 17, note="英語の見出し", tags=["en"],
                     colour="blue"),
    ]


def test_export_follows_the_web_annotation_model(library):
    made = add_notes(library)
    data = export_json(library)
    assert data["@context"] == CONTEXT and data["type"] == "AnnotationCollection" and data["total"] == 3
    items = data["first"]["items"]
    assert data["first"]["type"] == "AnnotationPage" and len(items) == 3
    first = next(i for i in items if i["id"] == f"urn:uuid:{made[0].uuid}")
    assert first["type"] == "Annotation" and first["created"] == made[0].created
    assert first["modified"] == made[0].modified and first["motivation"] == "commenting"
    assert first["body"] == [
        {"type": "TextualBody", "purpose": "commenting", "format": "text/markdown", "value": made[0].note},
        {"type": "TextualBody", "purpose": "tagging", "value": "a"},
        {"type": "TextualBody", "purpose": "tagging", "value": "b-c"},  # normalised at entry
        {"type": "TextualBody", "purpose": "highlighting", "value": "purple"},
    ]
    assert first["target"] == {
        "source": f"urn:sha256:{made[0].doc_key}",
        "selector": [
            {"type": "TextQuoteSelector", "exact": made[0].exact, "prefix": made[0].prefix, "suffix": made[0].suffix},
            {"type": "TextPositionSelector", "start": made[0].start, "end": made[0].end},
        ],
    }
    assert first["reader"]["fileName"] == RUSSIA
    assert export_json(library) == data    # deterministic
    json.loads(dumps(data))


def test_export_then_import_into_an_empty_profile_restores_everything_anchored(library, empty):
    made = add_notes(library)
    report = import_json(empty, json.loads(dumps(export_json(library))))
    assert report.actions == {"added": 3, "updated": 0, "skipped": 0}
    assert report.statuses == {"anchored": 3, "moved": 0, "changed": 0, "orphaned": 0}
    restored = {a.uuid: a for a in Annotations(empty).list_all()}
    assert restored == {a.uuid: a for a in made}


def test_importing_the_same_file_twice_does_not_duplicate(library, empty):
    add_notes(library)
    data = export_json(library)
    import_json(empty, data)
    again = import_json(empty, data)
    assert again.actions == {"added": 0, "updated": 0, "skipped": 3}
    assert len(Annotations(empty).list_all()) == 3


def test_a_newer_copy_updates_and_an_older_one_is_skipped(library, empty):
    made = add_notes(library)
    import_json(empty, export_json(library))
    Annotations(library).update(made[1].uuid, note="edited later", tags=["new"])
    newer = export_json(library)
    report = import_json(empty, newer)
    assert report.actions == {"added": 0, "updated": 1, "skipped": 2}
    assert Annotations(empty).get(made[1].uuid).note == "edited later"
    older = copy.deepcopy(newer)
    for item in older["first"]["items"]:
        item["modified"] = "2000-01-01T00:00:00.000Z"
        item["body"] = [{"type": "TextualBody", "purpose": "commenting", "value": "stale"}]
    assert import_json(empty, older).actions["skipped"] == 3
    assert "stale" not in {a.note for a in Annotations(empty).list_all()}


def test_import_by_file_name_and_from_other_tools(empty):
    _, key, text = document(empty, RUSSIA)
    start = text.index("ロシア産原油の収入")
    items = [
        {"@context": CONTEXT, "type": "Annotation", "id": "https://hypothes.is/a/AbC123",
         "body": {"type": "TextualBody", "value": "from elsewhere", "format": "text/plain"},
         "target": {"source": RUSSIA, "selector": {"type": "TextQuoteSelector", "exact": "ロシア産原油の収入",
                                                   "prefix": text[start - 32:start], "suffix": text[start + 9:start + 41]}}},
        {"type": "Annotation", "bodyValue": "position only",
         "target": {"source": f"file:///home/someone/articles/{RUSSIA}",
                    "selector": [{"type": "TextPositionSelector", "start": 10, "end": 20}]}},
        {"type": "Annotation", "created": "2025-11-24T09:00:00+09:00",
         "target": {"source": "urn:sha256:" + "0" * 64, "selector": [{"type": "TextQuoteSelector", "exact": "消えた文書"}]}},
    ]
    report = import_json(empty, items)
    assert [i.status for i in report.items] == ["anchored", "anchored", "orphaned"]
    first, second, third = (Annotations(empty).get(i.uuid) for i in report.items)
    assert (first.doc_key, first.cur_start, first.note) == (key, start, "from elsewhere")
    assert (second.exact, second.note, second.file_name) == (text[10:20], "position only", RUSSIA)
    assert third.orphaned and third.created == "2025-11-24T00:00:00.000Z"
    assert import_json(empty, items).actions == {"added": 0, "updated": 0, "skipped": 3}  # ids are stable


@pytest.mark.parametrize("breakage", [
    lambda item: item.pop("target"),
    lambda item: item["target"].update(selector=[]),
    lambda item: item["target"]["selector"][0].update(exact=""),
    lambda item: item["target"]["selector"][1].update(start=-5),
    lambda item: item["target"]["selector"][1].update(end="12"),
    lambda item: item.update(created="yesterday"),
    lambda item: item.update(type="Note"),
    lambda item: item["body"].append({"type": "TextualBody", "purpose": "tagging", "value": 7}),
    lambda item: item["target"].update(source="urn:sha256:not-a-hash"),
])
def test_one_malformed_entry_and_nothing_is_imported(library, empty, breakage):
    add_notes(library)
    data = export_json(library)
    breakage(data["first"]["items"][1])
    with pytest.raises(ImportRejected) as raised:
        import_json(empty, data)
    assert "entry 2" in str(raised.value) and "Nothing imported" in str(raised.value)
    assert Annotations(empty).list_all() == []


def test_duplicate_ids_in_one_file_are_rejected(library, empty):
    add_notes(library)
    data = export_json(library)
    data["first"]["items"].append(copy.deepcopy(data["first"]["items"][0]))
    with pytest.raises(ImportRejected, match="same id"):
        import_json(empty, data)
    assert Annotations(empty).list_all() == []


def test_not_annotations_at_all_is_rejected(empty):
    for data in ({"type": "Person"}, "text", 42, {"type": "AnnotationCollection", "total": 3, "first": "https://x/p1"}):
        with pytest.raises(ImportRejected):
            import_json(empty, data)
