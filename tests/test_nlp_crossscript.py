"""Cross-script and variant linking of names the alias table has never seen (real dictionary,
real e2k model, real extractor)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO
from reader.nlp import crosslink, transliterate
from reader.nlp.canonical import Correction, Linker, Mention

sys.path.insert(0, str(REPO / "bench"))
from crossscript import documents, load_names  # noqa: E402


def link(*items: tuple[str, str, str], corrections=()):
    """(doc, label, text) -> (mention texts with their entity ids, entities by id)."""
    ms = [Mention(doc, i * 20, i * 20 + len(text), label, text) for i, (doc, label, text) in enumerate(items)]
    ents, ids = Linker(corrections=corrections).link(ms)
    return list(zip([(m.doc, m.text) for m in ms], ids)), {e.id: e for e in ents}


def ids_of(pairs, text: str) -> set[str]:
    return {entity for (_doc, t), entity in pairs if t == text}


def test_the_test_names_are_not_in_the_alias_table():
    table = Linker().table
    for name in load_names():
        for form in (name.english, name.katakana, name.english_short, name.katakana_short):
            assert Linker.name_key(form, name.label) not in table.owner, form


def test_merkel_in_english_and_in_katakana_is_one_entity_across_two_documents():
    pairs, entities = link(("en", "PERSON", "Angela Merkel"), ("en", "PERSON", "Merkel"),
                           ("ja", "PERSON", "アンゲラ・メルケル前首相"), ("ja", "PERSON", "メルケル氏"))
    assert len({entity for _, entity in pairs}) == 1
    merkel = entities[pairs[0][1]]
    assert {"Angela Merkel", "アンゲラ・メルケル", "Merkel", "メルケル"} <= set(merkel.aliases)
    assert 0 < merkel.confidence <= 1
    assert ["Angela Merkel", "アンゲラ・メルケル"] in [link["forms"] for link in merkel.links]


def test_two_people_with_one_surname_stay_apart_in_both_scripts():
    pairs, _ = link(("a", "PERSON", "Bill Clinton"), ("b", "PERSON", "Hillary Clinton"),
                    ("c", "PERSON", "ビル・クリントン元大統領"), ("c", "PERSON", "クリントン氏"),
                    ("d", "PERSON", "ヒラリー・クリントン氏"), ("d", "PERSON", "クリントン氏"))
    bill, hillary = ids_of(pairs, "Bill Clinton"), ids_of(pairs, "Hillary Clinton")
    assert bill != hillary
    assert ids_of(pairs, "ビル・クリントン元大統領") == bill
    assert ids_of(pairs, "ヒラリー・クリントン氏") == hillary
    # a bare surname belongs to the one Clinton named in its own document
    by_doc = {(doc, text): entity for (doc, text), entity in pairs}
    assert by_doc[("c", "クリントン氏")] == next(iter(bill))
    assert by_doc[("d", "クリントン氏")] == next(iter(hillary))


def test_names_that_merely_sound_alike_are_not_merged():
    pairs, _ = link(("a", "PERSON", "Janet Yellen"), ("b", "PERSON", "イーロン・マスク"),
                    ("c", "GPE", "Murmansk"), ("d", "ORG", "マスク"),
                    ("e", "PERSON", "Pedro Sanchez"), ("f", "PERSON", "ペトロ・ポロシェンコ"))
    assert len({entity for _, entity in pairs}) == 6


def test_katakana_and_latin_spelling_variants_link():
    pairs, entities = link(("a", "GPE", "クラマトルスク"), ("b", "GPE", "クラマトルシク"),
                           ("c", "PERSON", "Shavkat Mirziyoyev"), ("d", "PERSON", "Shavkat Mirziyoev"),
                           ("e", "ORG", "ボーイング"), ("f", "ORG", "Boeing"))
    assert ids_of(pairs, "クラマトルスク") == ids_of(pairs, "クラマトルシク")
    assert ids_of(pairs, "Shavkat Mirziyoyev") == ids_of(pairs, "Shavkat Mirziyoev")
    assert ids_of(pairs, "ボーイング") == ids_of(pairs, "Boeing")
    kramatorsk = entities[next(iter(ids_of(pairs, "クラマトルスク")))]
    assert kramatorsk.links and kramatorsk.confidence < 1


def test_a_spelling_link_is_undone_by_a_split():
    items = (("en", "PERSON", "Angela Merkel"), ("ja", "PERSON", "アンゲラ・メルケル"))
    pairs, _ = link(*items)
    merkel = pairs[0][1]
    pairs, entities = link(*items, corrections=[Correction("split", merkel, "アンゲラ・メルケル")])
    assert ids_of(pairs, "Angela Merkel") != ids_of(pairs, "アンゲラ・メルケル")
    assert entities[next(iter(ids_of(pairs, "Angela Merkel")))].links == []


@pytest.mark.parametrize("latin, katakana", [
    ("Merkel", "メルケル"), ("Starmer", "スターマー"), ("Volkswagen", "フォルクスワーゲン"),
    ("Javier", "ハビエル"), ("Zuckerberg", "ザッカーバーグ"), ("Luhansk", "ルハンシク"),
])
def test_transliteration_scores_high_for_renderings(latin, katakana):
    assert crosslink.pair_score(transliterate.fold_latin(latin), katakana) >= 0.8


def test_katakana_romanisation_follows_loanword_spelling():
    assert transliterate.romanize("ヴォロディミル") == "vorodimiru"
    assert transliterate.romanize("ティム・クック") == "timu kuku"
    assert transliterate.romanize("ファーウェイ") == "fawei"


def test_most_of_the_cross_script_set_links_and_nothing_is_wrongly_merged():
    names = load_names()
    docs, pairs = documents(names)
    mentions, expected = [], []
    for en, ja in pairs:
        for placed, text in ((en, en.name.english), (ja, ja.name.katakana)):
            mentions.append(Mention(placed.doc, *placed.full, placed.name.label, text))
        expected.append((len(mentions) - 2, len(mentions) - 1))
    _, ids = Linker().link(mentions)
    linked = sum(ids[a] == ids[b] for a, b in expected)
    assert linked >= 0.8 * len(names)
    owners: dict[str, set[str]] = {}
    for (a, b), name in zip(expected, names):
        for i in (a, b):
            owners.setdefault(ids[i], set()).add(name.english)
    assert all(len(v) == 1 for v in owners.values()), [v for v in owners.values() if len(v) > 1]


def test_linked_spellings_show_their_confidence_in_the_index(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "en.txt").write_text("Berlin, 3 March 2025\n\nAngela Merkel said on Tuesday that the talks "
                                   "would continue. Merkel added that no date had been set.\n", encoding="utf-8")
    (folder / "ja.txt").write_text("2025年3月4日\n\nアンゲラ・メルケル前首相は火曜日、協議を続けると述べた。"
                                   "メルケル氏は日程は決まっていないと付け加えた。\n", encoding="utf-8")

    def reader(*args):
        result = subprocess.run([sys.executable, "-m", "reader", *args], cwd=REPO, capture_output=True,
                                text=True, encoding="utf-8")
        assert result.returncode == 0, result.stderr
        return result.stdout

    reader("index", str(folder))
    people = json.loads(reader("entities", "--type", "PERSON", "--json"))
    merkel = [e for e in people if "Merkel" in e["aliases"] or "Angela Merkel" in e["aliases"]]
    assert len(merkel) == 1 and "アンゲラ・メルケル" in merkel[0]["aliases"]
    assert merkel[0]["links"] and 0 < merkel[0]["confidence"] <= 1
    assert len(merkel[0]["files"]) == 2
    shown = json.loads(reader("xref", merkel[0]["id"], "--json"))["entity"]
    assert shown["links"] == merkel[0]["links"]


def test_a_kanji_name_links_to_its_romanised_reading_from_the_dictionary():
    pairs, _ = link(("a", "PERSON", "Fumio Kishida"), ("a", "PERSON", "Kishida"), ("b", "PERSON", "岸田首相"),
                    ("c", "GPE", "Hiroshima"), ("d", "GPE", "広島"), ("e", "PERSON", "高野氏"))
    assert ids_of(pairs, "岸田首相") == ids_of(pairs, "Fumio Kishida") == ids_of(pairs, "Kishida")
    assert ids_of(pairs, "広島") == ids_of(pairs, "Hiroshima")
    assert ids_of(pairs, "高野氏") != ids_of(pairs, "Fumio Kishida")
