"""Canonical-entity linking: scripts, spellings, titles, surnames, data sources, corrections."""
from __future__ import annotations

import random

import pytest

from reader.nlp.canonical import (
    AliasTable, Correction, Linker, Mention, builtin_alias_path, load_alias_table, user_alias_paths,
)


def mentions(*items: tuple[str, str, str]) -> list[Mention]:
    """(doc, label, text) triples -> mentions with distinct offsets."""
    return [Mention(doc, i * 10, i * 10 + len(text), label, text) for i, (doc, label, text) in enumerate(items)]


def link(items, linker=None, **kw):
    ms = mentions(*items)
    ents, ids = (linker or Linker(**kw)).link(ms)
    by_id = {e.id: e for e in ents}
    return ms, ids, by_id


def one_entity(ids):
    assert len(set(ids)) == 1, ids
    return ids[0]


@pytest.fixture(scope="module")
def linker():
    return Linker()


# -- name keys ---------------------------------------------------------------

@pytest.mark.parametrize("text, key", [
    ("プーチン大統領", "プーチン"),
    ("トランプ前大統領", "トランプ"),
    ("ルビオ米国務長官", "ルビオ"),
    ("ラブロフ露外相", "ラブロフ"),
    ("ウィトコフ中東特使", "ウィトコフ"),
    ("ペスコフ大統領報道官", "ペスコフ"),
    ("ベロウソフ国防相", "ベロウソフ"),
    ("ゲラシモフ将軍", "ゲラシモフ"),
    ("ウィトコフ氏", "ウィトコフ"),
    ("山田准教授", "山田"),
    ("石破首相", "石破"),
    ("習近平国家主席", "習近平"),
    ("President Trump", "trump"),
    ("U.S. President Donald Trump", "donald trump"),
    ("Mr. Putin", "putin"),
    ("Gen. Oleksandr Syrskyi", "oleksandr syrskyi"),
    ("Secretary of State Marco Rubio", "marco rubio"),
    ("Kremlin spokesman Dmitry Peskov", "dmitry peskov"),
    ("Dr Jane Doe", "jane doe"),
    ("Putin's", "putin"),
    ("ドナルド・トランプ", "ドナルド・トランプ"),
    ("ドナルド･トランプ", "ドナルド・トランプ"),
    ("ドナルド=トランプ", "ドナルド・トランプ"),
    ("ドナルド＝トランプ", "ドナルド・トランプ"),
    ("ドナルド トランプ", "ドナルド・トランプ"),
    ("ＰＵＴＩＮ", "putin"),
    ("米大統領", "米大統領"),       # a role, not a name: kept whole
    ("大統領", "大統領"),
])
def test_name_key_strips_titles_and_unifies(text, key):
    assert Linker.name_key(text, "PERSON") == key


def test_name_key_leaves_other_labels_alone():
    assert Linker.name_key("国務長官", "ORG") == "国務長官"
    assert Linker.name_key("the Kremlin", "ORG") == "kremlin"
    assert Linker.name_key("U.S.", "GPE") == Linker.name_key("US", "GPE") == "us"


# -- people across scripts ---------------------------------------------------

def test_putin_variants_are_one_entity(linker):
    ms, ids, by_id = link([("a", "PERSON", "プーチン"), ("b", "PERSON", "Putin"),
                           ("c", "PERSON", "ウラジーミル・プーチン"), ("d", "PERSON", "プーチン大統領"),
                           ("e", "PERSON", "ウラジミール・プーチン"), ("f", "PERSON", "Vladimir Putin")], linker)
    eid = one_entity(ids)
    assert eid == "PERSON:Vladimir Putin"
    assert by_id[eid].name == "ウラジーミル・プーチン"
    assert by_id[eid].label == "PERSON"
    assert {"プーチン", "Putin", "ウラジーミル・プーチン"} <= set(by_id[eid].aliases)


def test_trump_variants_are_one_entity(linker):
    _ms, ids, _ = link([("a", "PERSON", "トランプ"), ("b", "PERSON", "ドナルド・トランプ"),
                        ("c", "PERSON", "Trump"), ("d", "PERSON", "President Trump"),
                        ("e", "PERSON", "トランプ氏"), ("f", "PERSON", "Donald J. Trump")], linker)
    assert one_entity(ids) == "PERSON:Donald Trump"


def test_witkoff_links_across_scripts(linker):
    _ms, ids, by_id = link([("a", "PERSON", "ウィトコフ"), ("b", "PERSON", "スティーブ・ウィトコフ"),
                            ("c", "PERSON", "Witkoff"), ("d", "PERSON", "Steve Witkoff"),
                            ("e", "PERSON", "ウィトコフ中東特使")], linker)
    eid = one_entity(ids)
    assert by_id[eid].name == "スティーブ・ウィトコフ"


def test_display_name_prefers_english_in_an_english_corpus(linker):
    _ms, ids, by_id = link([("a", "PERSON", "Putin"), ("b", "PERSON", "Vladimir Putin"),
                            ("c", "PERSON", "Vladimir Putin"), ("d", "PERSON", "プーチン")], linker)
    assert by_id[one_entity(ids)].name == "Vladimir Putin"


def test_display_name_uses_the_table_full_name_when_only_a_surname_was_seen(linker):
    _ms, ids, by_id = link([("a", "PERSON", "ゼレンスキー大統領"), ("b", "PERSON", "ゼレンスキー")], linker)
    assert by_id[one_entity(ids)].name == "ウォロディミル・ゼレンスキー"


# -- surnames ----------------------------------------------------------------

def test_surname_links_to_the_only_full_name_in_the_corpus():
    # not in the alias table: linked by the surname rule, within and across documents
    _ms, ids, by_id = link([("a", "PERSON", "オレグ・イワノフ"), ("a", "PERSON", "イワノフ氏"),
                            ("b", "PERSON", "イワノフ"), ("c", "PERSON", "Jane Doe"), ("d", "PERSON", "Doe")],
                           builtin_aliases=False)
    assert ids[0] == ids[1] == ids[2] == "PERSON:オレグ・イワノフ"
    assert ids[3] == ids[4] == "PERSON:Jane Doe"


def test_two_people_sharing_a_surname_are_not_merged():
    _ms, ids, by_id = link([
        ("d1", "PERSON", "ジョン・スミス"), ("d1", "PERSON", "スミス"),
        ("d2", "PERSON", "アダム・スミス"), ("d2", "PERSON", "スミス氏"),
        ("d3", "PERSON", "スミス"),
    ], builtin_aliases=False)
    john, john_bare, adam, adam_bare, bare = ids
    assert john != adam
    assert john_bare == john              # named in full in its own document
    assert adam_bare == adam
    assert bare not in (john, adam)       # ambiguous across the corpus: its own entity
    assert by_id[bare].name == "スミス"


def test_surname_ambiguous_within_a_document_falls_back():
    _ms, ids, _ = link([("d1", "PERSON", "ジョン・スミス"), ("d1", "PERSON", "アダム・スミス"),
                        ("d1", "PERSON", "スミス")], builtin_aliases=False)
    assert ids[2] not in (ids[0], ids[1])


def test_in_document_full_name_beats_a_table_surname():
    # "ジョンソン" is not in the table; Boris and Mike Johnson are, as full names only
    _ms, ids, _ = link([("d1", "PERSON", "ボリス・ジョンソン"), ("d1", "PERSON", "ジョンソン氏"),
                        ("d2", "PERSON", "マイク・ジョンソン"), ("d2", "PERSON", "ジョンソン"),
                        ("d3", "PERSON", "ジョンソン")])
    assert ids[0] == ids[1] == "PERSON:Boris Johnson"
    assert ids[2] == ids[3] == "PERSON:Mike Johnson"
    assert ids[4] not in (ids[0], ids[2])


def test_a_person_tagged_surname_follows_its_document_even_when_the_table_says_place():
    _ms, ids, _ = link([("d1", "PERSON", "ジョージ・ワシントン"), ("d1", "PERSON", "ワシントン"),
                        ("d2", "GPE", "ワシントン"), ("d2", "GPE", "Washington")])
    assert ids[0] == ids[1] == "PERSON:ジョージ・ワシントン"
    assert ids[2] == ids[3] == "GPE:Washington, D.C."


def test_initial_and_surname():
    _ms, ids, _ = link([("a", "PERSON", "Jane Doe"), ("b", "PERSON", "J. Doe"), ("c", "PERSON", "John Roe"),
                        ("c", "PERSON", "Mary Roe"), ("d", "PERSON", "M. Roe")], builtin_aliases=False)
    assert ids[0] == ids[1]
    assert ids[4] == ids[3] != ids[2]


def test_middle_names_and_spelling_variants_of_a_full_name():
    _ms, ids, _ = link([("a", "PERSON", "ドミトリー・ペスコフ"), ("b", "PERSON", "ドミトリ・ペスコフ"),
                        ("c", "PERSON", "ウラジーミル・ウラジーミロヴィチ・プーチン"), ("d", "PERSON", "プーチン")])
    assert ids[0] == ids[1] == "PERSON:Dmitry Peskov"
    assert ids[2] == ids[3] == "PERSON:Vladimir Putin"


# -- places and organisations ------------------------------------------------

def test_kyiv_spellings_are_one_gpe(linker):
    _ms, ids, by_id = link([("a", "GPE", "キーウ"), ("b", "GPE", "キエフ"), ("c", "GPE", "Kiev"),
                            ("d", "GPE", "Kyiv"), ("e", "LOC", "キーウ")], linker)
    eid = one_entity(ids)
    assert by_id[eid].label == "GPE"


def test_sudzha_spellings(linker):
    assert one_entity(link([("a", "GPE", "スジュー"), ("b", "GPE", "スズジャ"), ("c", "GPE", "Sudzha")], linker)[1])


@pytest.mark.parametrize("ja, en, label", [
    ("モスクワ", "Moscow", "GPE"), ("中国", "China", "GPE"), ("クレムリン", "Kremlin", "ORG"),
    ("ロシア", "Russia", "GPE"), ("ロシア連邦", "Russian Federation", "GPE"), ("北大西洋条約機構", "NATO", "ORG"),
    ("ホワイトハウス", "the White House", "ORG"), ("黒海", "Black Sea", "LOC"), ("ザポロジエ", "Zaporizhzhia", "GPE"),
])
def test_japanese_and_english_names_link(linker, ja, en, label):
    _ms, ids, by_id = link([("a", label, ja), ("b", label, en)], linker)
    assert by_id[one_entity(ids)].label == label


def test_russia_all_names_one_entity(linker):
    _ms, ids, _ = link([("a", "GPE", "ロシア"), ("b", "GPE", "Russia"), ("c", "GPE", "ロシア連邦"),
                        ("d", "GPE", "Russian Federation"), ("e", "GPE", "露")], linker)
    assert one_entity(ids) == "GPE:Russia"


def test_countries_come_from_pycountry_not_only_the_table():
    table_names = {a for c, _t, al in load_alias_table(builtin_alias_path()) for a in [c, *al]}
    assert "ブラジル" not in table_names and "Brazil" not in table_names
    for kw in ({}, {"builtin_aliases": False}):
        _ms, ids, by_id = link([("a", "GPE", "ブラジル"), ("b", "GPE", "Brazil"),
                                ("c", "GPE", "ブラジル連邦共和国"), ("d", "GPE", "中国"), ("e", "GPE", "China")], **kw)
        assert ids[0] == ids[1] == ids[2] == "GPE:Brazil"
        assert ids[3] == ids[4] == "GPE:China"


def test_sudachi_synonym_groups_link_without_any_table():
    linker = Linker(builtin_aliases=False, use_pycountry=False)
    _ms, ids, _ = link([("a", "GPE", "キーウ"), ("b", "GPE", "キエフ"),
                        ("c", "GPE", "ジュネーブ"), ("d", "GPE", "ジュネーヴ"),
                        ("e", "ORG", "国連"), ("f", "ORG", "国際連合")], linker)
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[4] == ids[5]
    assert len({ids[0], ids[2], ids[4]}) == 3
    off = Linker(builtin_aliases=False, use_pycountry=False, use_sudachi=False)
    _ms, ids, _ = link([("a", "GPE", "キーウ"), ("b", "GPE", "キエフ")], off)
    assert ids[0] != ids[1]


def test_sudachi_synonyms_do_not_join_people():
    linker = Linker(builtin_aliases=False, use_pycountry=False)
    # トランプ (playing cards) has a synonym group in Sudachi; people never use groups
    _ms, ids, _ = link([("a", "PERSON", "トランプ"), ("b", "PERSON", "カード")], linker)
    assert ids[0] != ids[1]


def test_label_conflicts_majority_vote_and_table_type_wins():
    _ms, ids, by_id = link([("a", "PERSON", "ワシントン"), ("b", "PERSON", "ワシントン"), ("c", "GPE", "ワシントン")])
    assert by_id[one_entity(ids)].label == "GPE"                 # table type wins
    _ms, ids, by_id = link([("a", "PERSON", "ゾルゲ"), ("b", "PERSON", "ゾルゲ"), ("c", "ORG", "ゾルゲ")],
                           builtin_aliases=False)
    eid = one_entity(ids)
    assert by_id[eid].label == "PERSON" and eid == "PERSON:ゾルゲ"


def test_value_mentions_get_value_ids(linker):
    ms = mentions(("a", "DATE", "2025年3月13日"), ("b", "DATE", "March 13, 2025"), ("a", "DATE", "昨年"),
                  ("a", "MONEY", "約3000億ドル"), ("b", "MONEY", "3000億ドル"), ("a", "PERCENT", "35%"),
                  ("a", "DATE", "いつか"))
    ents, ids = linker.link(ms, doc_dates={"a": "2025-11-21"})
    assert ids[:3] == ["DATE:2025-03-13", "DATE:2025-03-13", "DATE:2024"]
    assert ids[3] == ids[4] == "MONEY:300000000000 USD"
    assert ids[5] == "PERCENT:35%"
    assert ids[6] == "DATE:いつか"
    assert {e.id for e in ents} == set(ids)
    assert next(e for e in ents if e.id == "DATE:2025-03-13").label == "DATE"


def test_every_mention_id_is_an_entity_and_empty_input(linker):
    assert linker.link([]) == ([], [])
    ms = mentions(("a", "PERSON", ""), ("a", "ORG", "  "), ("a", "WEIRD", "x"), ("a", "GPE", "🙂"))
    ents, ids = linker.link(ms)
    assert set(ids) == {e.id for e in ents} and all(ids)


# -- stability ---------------------------------------------------------------

CORPUS = [
    ("d1", "PERSON", "プーチン大統領"), ("d1", "PERSON", "ウラジーミル・プーチン"), ("d1", "GPE", "キーウ"),
    ("d2", "PERSON", "Putin"), ("d2", "GPE", "Kyiv"), ("d2", "PERSON", "ジョン・スミス"), ("d2", "PERSON", "スミス"),
    ("d3", "PERSON", "アダム・スミス"), ("d3", "PERSON", "スミス"), ("d4", "PERSON", "スミス"),
    ("d4", "PERSON", "オレクサンドル・シルスキー"), ("d4", "ORG", "ロシア鉄道"), ("d5", "PERSON", "イワン・ペトロフ"),
    ("d5", "PERSON", "ペトロフ"), ("d6", "PERSON", "ペトロフ氏"), ("d6", "GPE", "ブラジル"), ("d6", "DATE", "2025年3月13日"),
    ("d7", "ORG", "ロシア鉄道"), ("d7", "PERSON", "ゾルゲ"), ("d7", "GPE", "キエフ"),
]


def test_ids_are_stable_across_runs_and_mention_order():
    ms = mentions(*CORPUS)
    ents1, ids1 = Linker().link(ms)
    shuffled = ms[:]
    random.Random(3).shuffle(shuffled)
    ents2, ids2 = Linker().link(shuffled)
    assert dict(zip(ms, ids1)) == dict(zip(shuffled, ids2))
    assert [(e.id, e.name, e.label, sorted(e.aliases)) for e in ents1] == \
           [(e.id, e.name, e.label, sorted(e.aliases)) for e in ents2]


# -- corrections -------------------------------------------------------------

def _ids_by_text(ms, ids):
    out = {}
    for m, i in zip(ms, ids):
        out.setdefault(m.text, set()).add(i)
    return out


def test_corrections_merge_rename_retype_split_hide():
    ms = mentions(*CORPUS)
    _, base = Linker().link(ms)
    b = _ids_by_text(ms, base)
    petrov, = b["イワン・ペトロフ"]
    sorge, = b["ゾルゲ"]
    railway, = b["ロシア鉄道"]
    kyiv, = b["キーウ"]
    corrections = [
        Correction("merge", petrov, sorge),                   # ゾルゲ merged into Petrov
        Correction("rename", petrov, "Ivan Petrov"),
        Correction("retype", railway, "org"),                 # labels are upper-cased
        Correction("retype", kyiv, "LOC"),
        Correction("split", kyiv, "キエフ"),                  # キエフ becomes its own entity
        Correction("rename", "GPE:キエフ", "Kiev (old spelling)"),
        Correction("hide", "PERSON:オレクサンドル・シルスキー"),  # stale id: resolved by name
    ]
    linker = Linker(corrections=corrections)
    ents, ids = linker.link(ms)
    by_id = {e.id: e for e in ents}
    t = _ids_by_text(ms, ids)
    # merge
    assert t["ゾルゲ"] == t["イワン・ペトロフ"] == {petrov}
    assert sorge not in by_id
    # rename
    assert by_id[petrov].name == "Ivan Petrov"
    assert "ゾルゲ" in by_id[petrov].aliases
    # retype (id kept)
    assert by_id[railway].label == "ORG" and by_id[kyiv].label == "LOC"
    # split
    assert t["キエフ"] == {"GPE:キエフ"} and t["キーウ"] == {kyiv} and t["Kyiv"] == {kyiv}
    assert by_id["GPE:キエフ"].name == "Kiev (old spelling)"
    assert "キエフ" not in by_id[kyiv].aliases
    # hide
    syrskyi, = t["オレクサンドル・シルスキー"]
    assert by_id[syrskyi].hidden and not by_id[petrov].hidden
    assert linker.unresolved == []


def test_merge_survives_reindex_of_a_grown_corpus():
    corrections = [Correction("merge", "PERSON:ジョン・スミス", "PERSON:スミス")]
    ms = mentions(*CORPUS)
    _, ids = Linker(corrections=corrections).link(ms)
    t = _ids_by_text(ms, ids)
    assert t["スミス"] == {"PERSON:ジョン・スミス", "PERSON:アダム・スミス"}   # d4's bare スミス now John's
    grown = ms + mentions(("d9", "PERSON", "Jonathan Q. Smith"))
    _, ids = Linker(corrections=corrections).link(grown)
    assert ids[CORPUS.index(("d4", "PERSON", "スミス"))] == "PERSON:ジョン・スミス"


def test_unresolvable_corrections_are_reported_not_raised():
    bad = [Correction("merge", "PERSON:Nobody", "PERSON:Nobody Else"), Correction("explode", "GPE:Kyiv"),
           Correction("split", "GPE:Kyiv", "not an alias")]
    linker = Linker(corrections=bad)
    ents, ids = linker.link(mentions(("a", "GPE", "Kyiv"), ("b", "GPE", "キーウ")))
    assert ids == ["GPE:Kyiv", "GPE:Kyiv"]
    assert linker.unresolved == bad


# -- alias files ---------------------------------------------------------------

def test_user_alias_file_extends_the_table(tmp_path):
    user = tmp_path / "aliases.tsv"
    user.write_text(
        "canonical\ttype\taliases\n"
        "# a comment\n"
        "Oleg Ivanov\tPERSON\tオレグ・イワノフ|Oleg Ivanov|О. Иванов\n"
        "Vladimir Putin\tPERSON\tV.V. Putin\n"
        "broken line without tabs\n"
        "Sudzha\tGPE\tСуджа\n", encoding="utf-8")
    assert user_alias_paths(tmp_path) == [user]
    assert user_alias_paths(tmp_path / "missing") == []
    _ms, ids, _ = link([("a", "PERSON", "オレグ・イワノフ"), ("b", "PERSON", "Oleg Ivanov"),
                        ("c", "PERSON", "V.V. Putin"), ("d", "PERSON", "プーチン"),
                        ("e", "GPE", "Суджа"), ("f", "GPE", "スジャ")], alias_paths=[user])
    assert ids[0] == ids[1] == "PERSON:Oleg Ivanov"
    assert ids[2] == ids[3] == "PERSON:Vladimir Putin"
    assert ids[4] == ids[5] == "GPE:Sudzha"


def test_builtin_table_is_well_formed():
    rows = load_alias_table(builtin_alias_path())
    assert len(rows) >= 150
    labels = {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
    assert all(t in labels for _c, t, _a in rows)
    assert len({(c, t) for c, t, _a in rows}) == len(rows)
    table = AliasTable([builtin_alias_path()])
    # no bundled alias is silently taken over by another bundled row
    for i, e in enumerate(table.entries):
        if e.source != "pycountry":
            assert table.aliases_of(i) == e.aliases, e.canonical


# -- scale (its speed: bench/bench_timed_tests.py) ------------------------------

def test_linking_100k_mentions_links_every_one():
    rng = random.Random(7)
    kata = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロガギグゲゴザジズゼゾ"
    name = lambda n: "".join(rng.choice(kata) for _ in range(n))  # noqa: E731
    table = [(t, a) for _c, t, al in load_alias_table(builtin_alias_path()) for a in al]
    people = [(name(3), name(4)) for _ in range(1500)]
    ms = []
    for i in range(100_000):
        r = rng.random()
        if r < 0.4:
            label, text = rng.choice(table)
        elif r < 0.7:
            g, s = rng.choice(people)
            label, text = "PERSON", rng.choice([f"{g}・{s}", s, s + "氏"])
        elif r < 0.85:
            label, text = "ORG", name(5) + "社"
        else:
            label, text = "DATE", f"2025年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        ms.append(Mention(f"d{rng.randrange(3000)}", i, i + len(text), label, text))
    ents, ids = Linker().link(ms)
    assert len(ids) == len(ms) and len(ents) > 1000
