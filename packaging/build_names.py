"""Distil JMnedict (from the `jamdict-data` package) into Reader's compact name dictionary.

    python packaging/build_names.py [--db PATH] [--out resources/names]

`jamdict-data` ships a 325 MB SQLite database; Reader needs only a small part of it: each name's
written form, its types and its romanised/English glosses. This script writes two static MARISA
tries into resources/names/ (a few MB, memory-mapped at run time, so the big database is neither
bundled nor a run-time dependency):

- names.marisa: surface -> one record "TYPEMASK<TAB>gloss<US>gloss…" (surfaces are the kanji
  forms, and the kana forms of names written without kanji — the readings of kanji names are
  left out: nobody writes 田中 as たなか in a news article).
- glosses.marisa: folded gloss ("merkel", "kursk") -> katakana surfaces glossed so, for finding
  the katakana rendering of a Latin-script name.

The output is deterministic: same database in, same bytes out.
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.nlp.names import (  # noqa: E402  (the loader defines the format both sides share)
    GLOSS_SEP, NAME_TYPES, fold_gloss, is_katakana_name, pack_record)

TRIE_LEVELS = 8  # more nested tries: 6.7 MB instead of 7.9 MB, lookups still ~2 µs
MAX_GLOSSES = 6  # a kanji surname can have dozens of readings; the first ones are the usual ones


def default_db() -> Path:
    try:
        import jamdict_data
    except ImportError:
        sys.exit("jamdict-data is not installed: pip install jamdict-data (build time only)")
    return Path(jamdict_data.__file__).parent / "jamdict.db"


def read_entries(db: Path):
    """Yield (surfaces, types, glosses) per JMnedict entry, in entry order."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    kanji = defaultdict(list)
    for idseq, text in con.execute("SELECT idseq, text FROM NEKanji ORDER BY ID"):
        kanji[idseq].append(text)
    kana = defaultdict(list)
    for idseq, text in con.execute("SELECT idseq, text FROM NEKana ORDER BY ID"):
        kana[idseq].append(text)
    types = defaultdict(list)
    for idseq, text in con.execute(
            "SELECT t.idseq, y.text FROM NETranslation t JOIN NETransType y ON y.tid = t.ID"
            " ORDER BY t.ID, y.rowid"):
        types[idseq].append(text)
    glosses = defaultdict(list)
    for idseq, text in con.execute(
            "SELECT t.idseq, g.text FROM NETranslation t JOIN NETransGloss g ON g.tid = t.ID"
            " WHERE g.lang = 'eng' ORDER BY t.ID, g.rowid"):
        glosses[idseq].append(text)
    for (idseq,) in con.execute("SELECT idseq FROM NEEntry ORDER BY idseq"):
        surfaces = kanji.get(idseq) or kana.get(idseq) or []
        yield surfaces, types.get(idseq, []), glosses.get(idseq, [])
    con.close()


def clean_gloss(text: str) -> str:
    text = unicodedata.normalize("NFC", text.strip())
    return text.replace(GLOSS_SEP, " ").replace("\t", " ")


def distil(db: Path):
    """Merge entries per surface: {surface: (type mask, [glosses])}, {folded gloss: {katakana}}."""
    by_surface: dict[str, list] = {}
    by_gloss: dict[str, set] = defaultdict(set)
    for surfaces, types, glosses in read_entries(db):
        mask = 0
        for name in types:
            mask |= NAME_TYPES.get(name, NAME_TYPES["other"])
        glosses = [clean_gloss(g) for g in glosses if g.strip()]
        for surface in surfaces:
            surface = unicodedata.normalize("NFC", surface)
            record = by_surface.setdefault(surface, [0, []])
            record[0] |= mask
            for gloss in glosses:
                if gloss not in record[1] and len(record[1]) < MAX_GLOSSES:
                    record[1].append(gloss)
            if is_katakana_name(surface):
                for gloss in glosses:
                    key = fold_gloss(gloss)
                    if key:
                        by_gloss[key].add(surface)
    return by_surface, by_gloss


def build(db: Path, out: Path) -> None:
    import marisa_trie

    by_surface, by_gloss = distil(db)
    out.mkdir(parents=True, exist_ok=True)
    names = marisa_trie.BytesTrie(
        [(s, pack_record(mask, glosses)) for s, (mask, glosses) in sorted(by_surface.items())],
        num_tries=TRIE_LEVELS)
    names.save(str(out / "names.marisa"))
    glosses = marisa_trie.BytesTrie(
        [(g, s.encode("utf-8")) for g in sorted(by_gloss) for s in sorted(by_gloss[g])],
        num_tries=TRIE_LEVELS)
    glosses.save(str(out / "glosses.marisa"))
    for name in ("names.marisa", "glosses.marisa"):
        size = (out / name).stat().st_size
        print(f"{name}: {size / 1e6:.1f} MB")
    print(f"{len(by_surface)} surfaces, {len(by_gloss)} glosses")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="jamdict.db (default: jamdict-data's)")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "names")
    args = parser.parse_args(argv)
    build(args.db or default_db(), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
