"""The name dictionary distilled from JMnedict (resources/names/), read through reader.nlp.names."""
from reader.nlp import names


def test_the_shipped_dictionary_is_there():
    assert names.available()


def test_a_foreign_surname_has_its_type_and_english_gloss():
    info = names.lookup("プーチン")
    assert "surname" in info.types
    assert "Putin" in info.glosses
    assert info.labels == {"PERSON"}


def test_places_and_companies_are_typed():
    assert "place" in names.name_types("クルスク")
    assert names.entity_labels("トヨタ") == {"ORG"}
    assert "GPE" in names.entity_labels("東京")


def test_kanji_names_carry_their_romanised_readings():
    assert "Takaichi" in names.lookup("高市").glosses


def test_a_word_that_is_no_name_is_not_found():
    assert names.lookup("したがって") is None
    assert names.name_types("") == frozenset()


def test_katakana_is_found_from_the_latin_spelling():
    assert "メルケル" in names.katakana_for("Merkel")
    assert "クルスク" in names.katakana_for("kursk")  # the gloss is "Kursk (Russia)"
    assert names.katakana_for("!!!") == ()


def test_every_name_starting_at_a_position_is_listed():
    found = names.prefixes_at("メルケル首相は", 0)
    assert "メルケル" in found
    assert all("メルケル首相は".startswith(f) for f in found)
