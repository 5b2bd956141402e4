"""W3C Web Annotation import keeps what other tools wrote, and a bad notes file is a message.

Annotations shaped like the W3C Data Model's examples (canonical/via, creator and rights,
several targets, a source object, a FragmentSelector refined by a TextQuoteSelector, an HTML
body with its language, tagging/bookmarking/describing), aimed at a seed document's text, are
imported, exported again and checked with the W3C test suite's own assertion schemas
(../shared/w3c-annotation-tests, read in place; the tests fail if it is missing).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from annotations_support import document, make_library
from conftest import SHARED

from reader.annotations.service import Annotations
from reader.annotations.w3c import ImportRejected, dumps, export_json, import_json, read_json_file

RUSSIA = "000_60ad3fcb420e1d94.txt"
SUITE = SHARED / "w3c-annotation-tests"
QUOTE = "Everyone in Putin’s Russia"


def suite_check(annotation: dict, test_file: str) -> dict[str, bool]:
    """Each assertion of a W3C `.test` file → whether the annotation meets its expectation."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    assert SUITE.is_dir(), f"the W3C Web Annotation test suite is missing: {SUITE}"
    registry = Registry().with_resources(
        (path.name, Resource(json.loads(path.read_text()), specification=DRAFT4))
        for path in (SUITE / "definitions").glob("*.json"))
    results = {}
    for name in json.loads((SUITE / "annotations" / test_file).read_text())["assertions"]:
        schema = json.loads((SUITE / name).read_text())
        validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
        valid = not list(validator.iter_errors(annotation))
        results[Path(name).name] = valid == (schema.get("expectedResult", "valid") == "valid")
    return results


def quote_target(library, **extra) -> dict:
    _, _, text = document(library, RUSSIA)
    start = text.index(QUOTE)
    return {"source": f"http://example.org/articles/{RUSSIA}", **extra,
            "selector": {"type": "TextQuoteSelector", "exact": QUOTE, "prefix": text[start - 20:start],
                         "suffix": text[start + len(QUOTE):start + len(QUOTE) + 20]}}


def exported_item(library, number: int = 0) -> dict:
    return export_json(library)["first"]["items"][number]


def with_context(item: dict) -> dict:
    return {"@context": "http://www.w3.org/ns/anno.jsonld", **item}


def test_canonical_via_creator_rights_and_the_id_survive_and_pass_the_suite(library):
    original = {
        "@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno38", "type": "Annotation",
        "canonical": "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df", "via": "http://other.example.org/anno9",
        "creator": {"id": "http://example.org/user1", "type": "Person", "name": "A. Person", "nickname": "user1"},
        "rights": "https://creativecommons.org/publicdomain/zero/1.0/",
        "generator": {"id": "http://example.org/client1", "type": "Software", "name": "Code v2.1"},
        "generated": "2015-02-04T12:00:00Z", "created": "2015-01-28T12:00:00Z",
        "body": {"type": "TextualBody", "value": "A note from elsewhere", "format": "text/plain"},
        "target": quote_target(library),
    }
    report = import_json(library, original)
    assert report.items[0].status == "anchored"
    item = exported_item(library)
    for key in ("id", "canonical", "via", "creator", "rights", "generator", "generated"):
        assert item[key] == original[key], key
    assert item["target"]["source"] == original["target"]["source"]
    assert item["body"][0] == {"type": "TextualBody", "format": "text/plain", "value": "A note from elsewhere"}
    musts = suite_check(with_context(item), "annotationMusts.test")
    assert all(musts.values()), [name for name, ok in musts.items() if not ok]
    optional = suite_check(with_context(item), "annotationOptionals.test")
    for name in ("3.3.7-annotationCanonicalImplemented.json", "3.3.7-annotationViaImplemented.json",
                 "3.3.6-annotationRightsImplemented.json", "3.3.1-annotationCreatedImplemented.json"):
        assert optional[name], name
    again = import_json(library, original)  # the same id again: the same annotation
    assert again.actions == {"added": 0, "updated": 0, "skipped": 1}


def test_an_exported_reader_note_passes_the_suite(library):
    doc_id, _, text = document(library, RUSSIA)
    Annotations(library).create(doc_id, text.index(QUOTE), text.index(QUOTE) + 10, note="**n**", tags=["t"])
    musts = suite_check(with_context(exported_item(library)), "annotationMusts.test")
    assert all(musts.values()), [name for name, ok in musts.items() if not ok]


def test_a_second_target_is_kept_and_reported(library):
    second = {"source": "http://example.org/image1.jpg", "selector": {"type": "FragmentSelector",
                                                                     "value": "xywh=10,10,5,5"}}
    item = {"type": "Annotation", "id": "http://example.org/anno20", "bodyValue": "both",
            "target": [quote_target(library), second]}
    report = import_json(library, item)
    assert report.items[0].status == "anchored"
    assert any("1 more target kept and exported again" in w for w in report.warnings)
    assert exported_item(library)["target"][1] == second


def test_a_source_object_and_a_fragment_selector_refined_by_a_quote(library):
    target = quote_target(library)
    quote = target.pop("selector")
    target["source"] = {"id": target["source"], "type": "Text", "format": "text/plain"}
    target["selector"] = {"type": "FragmentSelector", "value": "para5", "refinedBy": quote}
    report = import_json(library, {"type": "Annotation", "id": "http://example.org/anno30", "target": target})
    assert report.items[0].status == "anchored"
    stored = Annotations(library).get(report.items[0].uuid)
    assert stored.exact == QUOTE
    exported = exported_item(library)["target"]
    assert exported["source"] == target["source"]
    assert target["selector"] in exported["selector"]


def test_an_html_body_keeps_its_format_and_language(library):
    body = {"type": "TextualBody", "value": "<p>Un <b>commentaire</b></p>", "format": "text/html",
            "language": "fr"}
    import_json(library, {"type": "Annotation", "body": body, "target": quote_target(library)})
    assert exported_item(library)["body"][0] == body


@pytest.mark.parametrize("motivation", ["bookmarking", "describing"])
def test_bookmarking_and_describing_are_kept(library, motivation):
    import_json(library, {"type": "Annotation", "motivation": motivation, "bodyValue": "why",
                        "target": quote_target(library)})
    item = exported_item(library)
    assert item["motivation"] == motivation and item["body"][0]["value"] == "why"


def test_a_tagging_annotation_gives_tags_not_a_note(library):
    report = import_json(library, [
        {"type": "Annotation", "motivation": "tagging", "bodyValue": "economy", "target": quote_target(library)},
        {"type": "Annotation", "motivation": "tagging", "target": quote_target(library),
         "body": [{"type": "TextualBody", "value": "sanctions"}, {"type": "TextualBody", "value": "gold"}]},
    ])
    first, second = (Annotations(library).get(i.uuid) for i in report.items)
    assert (first.note, first.tags) == ("", ("economy",))
    assert (second.note, second.tags) == ("", ("sanctions", "gold"))
    assert all(i["motivation"] == "tagging" for i in export_json(library)["first"]["items"])


def test_what_cannot_be_shown_is_reported_per_property_and_still_exported(library):
    item = {"type": "Annotation", "id": "http://example.org/anno40", "target": quote_target(library),
            "body": [{"type": "TextualBody", "value": "first"}, "http://example.org/link",
                     {"type": "TextualBody", "purpose": "tagging", "value": "tag", "language": "en"},
                     {"type": "TextualBody", "value": "second"}]}
    report = import_json(library, item)
    warnings = " | ".join(report.warnings)
    assert "body 2 (a link) is kept" in warnings
    assert "body 3: a tag keeps only its text; language left out" in warnings
    assert "body 4 is a second note" in warnings
    bodies = exported_item(library)["body"]
    assert "http://example.org/link" in bodies and {"type": "TextualBody", "value": "second"} in bodies


def test_export_import_export_is_byte_identical(library, seeds_index, tmp_path):
    doc_id, _, text = document(library, RUSSIA)
    Annotations(library).create(doc_id, 10, 40, note="mine", tags=["a b", "c"], colour="green")
    target = quote_target(library)
    target["selector"] = {"type": "FragmentSelector", "value": "p5", "refinedBy": target["selector"]}
    import_json(library, [
        {"type": "Annotation", "id": "http://example.org/anno1", "canonical": "urn:uuid:dbfb1861-0ecf-41ad-be94-"
         "a584e5c4f1df", "via": "http://x.example/1", "creator": "http://example.org/user1",
         "rights": "https://creativecommons.org/licenses/by/4.0/", "motivation": "describing",
         "body": [{"type": "TextualBody", "value": "<i>x</i>", "format": "text/html", "language": "en"},
                  "http://example.org/body"],
         "target": [target, "http://example.org/page2"]},
        {"type": "Annotation", "motivation": "tagging", "bodyValue": "economy", "target": quote_target(library)},
    ])
    first = dumps(export_json(library))
    other = make_library(seeds_index, tmp_path / "other")
    try:
        import_json(other, json.loads(first))
        assert dumps(export_json(other)) == first
    finally:
        other.close()


# -- bad notes files: a message naming the entry, nothing written -----------------------


def reader_item(library) -> dict:
    doc_id, _, text = document(library, RUSSIA)
    Annotations(library).create(doc_id, 10, 40, note="n", tags=["t"])
    item = exported_item(library)
    Annotations(library).delete(item["id"].removeprefix("urn:uuid:"))
    return item


@pytest.mark.parametrize("breakage, message", [
    (lambda i: i["target"]["selector"][1].update(start=10 ** 30, end=10 ** 30 + 30), "bad offsets"),
    (lambda i: i["body"][0].update(value="note \ud800"), "body[0].value holds \\ud800"),
    (lambda i: i["target"]["selector"][0].update(exact="\udfff"), "target.selector[0].exact holds \\udfff"),
    (lambda i: i["body"][1].update(value="\ud83d"), "body[1].value holds"),
    (lambda i: i.update(id="urn:uuid:\udc80"), "id holds"),
    (lambda i: i.update(created="9999-12-31T23:59:59-05:00"), "outside the years 1 to 9999"),
    (lambda i: i.update(modified="0001-01-01T00:00+05:00"), "outside the years 1 to 9999"),
    (lambda i: i.update(modified="9999-12-31T23:59:59.999Z"), "is in the future"),
])
def test_a_bad_entry_is_named_and_nothing_is_imported(library, breakage, message):
    good, bad = reader_item(library), reader_item(library)
    breakage(bad)
    with pytest.raises(ImportRejected) as raised:
        import_json(library, [good, bad])
    assert "entry 2" in str(raised.value) and message in str(raised.value)
    assert Annotations(library).list_all() == []


def test_json_nested_100000_deep_is_a_message(tmp_path, library):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ImportRejected, match="nested too deeply"):
        read_json_file(path)
    nested: list = []
    for _ in range(200):
        nested = [nested]
    item = reader_item(library)
    item["creator"] = nested
    with pytest.raises(ImportRejected, match="entry 1: creator.* nested more than"):
        import_json(library, [item])


def test_an_upper_case_urn_uuid_is_the_same_annotation(library):
    item = reader_item(library)
    import_json(library, [item])
    shouted = dict(item, id="URN:UUID:" + item["id"].removeprefix("urn:uuid:").upper())
    assert import_json(library, [shouted]).actions == {"added": 0, "updated": 0, "skipped": 1}
    assert Annotations(library).find(shouted["id"]).uuid == item["id"].removeprefix("urn:uuid:")


def test_a_note_with_a_far_future_date_can_still_be_edited(library):
    """Refused at import; and should one be stored already, editing it still works."""
    item = reader_item(library)
    import_json(library, [item])
    uuid = item["id"].removeprefix("urn:uuid:")
    stored = Annotations(library).get(uuid)
    library.notes.merge_annotations([stored.with_changes(modified="9999-12-31T23:59:59.999Z")])
    edited = Annotations(library).update(uuid, note="edited")
    assert edited.note == "edited" and edited.modified == "9999-12-31T23:59:59.999Z"
