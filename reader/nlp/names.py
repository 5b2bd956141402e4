"""Reader's name dictionary: JMnedict distilled into two memory-mapped tries (resources/names/).

Built by packaging/build_names.py from the `jamdict-data` package (EDRDG, CC BY-SA 4.0; see
resources/names/LICENSE-JMnedict.md). Nothing is read until the first lookup, and then the tries
are memory-mapped, so a process that never looks a name up pays nothing and one that does
shares the pages with the OS cache instead of building a 700k-entry dict.

    lookup("プーチン")            -> NameInfo(types=frozenset({'surname'}), glosses=('Putin',))
    name_types("トヨタ")          -> frozenset({'company'})
    entity_labels("クルスク")      -> frozenset({'GPE'})
    katakana_for("Merkel")        -> ('メルケル',)
    prefixes_at("メルケル首相は", 0) -> ['メルケル']   (every dictionary name starting there)
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reader.paths import resource_path

# JMnedict name types, one bit each (the record stores the OR of every entry of a surface).
NAME_TYPES = {
    "person": 1, "surname": 2, "given": 4, "fem": 8, "masc": 16, "place": 32, "station": 64,
    "organization": 128, "company": 256, "product": 512, "work": 1024, "unclass": 2048,
    "other": 4096,
}
# What each JMnedict type means in Reader's (OntoNotes) entity types.
LABEL_OF_TYPE = {
    "person": "PERSON", "surname": "PERSON", "given": "PERSON", "fem": "PERSON", "masc": "PERSON",
    "place": "GPE", "station": "FAC", "organization": "ORG", "company": "ORG",
    "product": "PRODUCT", "work": "WORK_OF_ART",
}
GLOSS_SEP = "\x1f"
_KATAKANA_NAME = re.compile(r"[\u30a1-\u30fa\u30fc\u30fd\u30fe・＝=]{2,}")
_PARENTHETICAL = re.compile(r"\s*[\(（][^)）]*[\)）]")


@dataclass(frozen=True)
class NameInfo:
    types: frozenset[str]
    glosses: tuple[str, ...]

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(LABEL_OF_TYPE[t] for t in self.types if t in LABEL_OF_TYPE)


def pack_record(mask: int, glosses: list[str]) -> bytes:
    return mask.to_bytes(2, "little") + GLOSS_SEP.join(glosses).encode("utf-8")


def unpack_record(raw: bytes) -> NameInfo:
    mask = int.from_bytes(raw[:2], "little")
    text = raw[2:].decode("utf-8")
    return NameInfo(frozenset(n for n, bit in NAME_TYPES.items() if mask & bit),
                    tuple(text.split(GLOSS_SEP)) if text else ())


def is_katakana_name(text: str) -> bool:
    return bool(_KATAKANA_NAME.fullmatch(text))


def fold_gloss(text: str) -> str:
    """'Kursk (Russia)' -> 'kursk', 'Zelenskyy' -> 'zelenskyy', 'Łódź' -> 'lodz'."""
    text = _PARENTHETICAL.sub("", text)
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z]+", " ", text).split())


class _Tries:
    """The two tries, loaded (memory-mapped) once on first use; thread-safe."""

    _lock = threading.Lock()
    _loaded: tuple | None = None

    @classmethod
    def get(cls):
        if cls._loaded is None:
            with cls._lock:
                if cls._loaded is None:
                    cls._loaded = cls._load()
        return cls._loaded

    @staticmethod
    def _load():
        import marisa_trie

        names, glosses = marisa_trie.BytesTrie(), marisa_trie.BytesTrie()
        folder = resource_path("names")
        names.mmap(str(folder / "names.marisa"))
        glosses.mmap(str(folder / "glosses.marisa"))
        return names, glosses


def available() -> bool:
    folder = resource_path("names")
    return (folder / "names.marisa").is_file() and (folder / "glosses.marisa").is_file()


@lru_cache(maxsize=16384)
def lookup(surface: str) -> NameInfo | None:
    """The dictionary's types and glosses of a written name, or None if it is not a name."""
    names, _ = _Tries.get()
    raw = names.get(surface)
    return unpack_record(raw[0]) if raw else None


def name_types(surface: str) -> frozenset[str]:
    info = lookup(surface)
    return info.types if info else frozenset()


def entity_labels(surface: str) -> frozenset[str]:
    info = lookup(surface)
    return info.labels if info else frozenset()


@lru_cache(maxsize=16384)
def katakana_for(latin: str) -> tuple[str, ...]:
    """Katakana names whose gloss is this Latin-script name ('Kursk' -> ('クルスク',))."""
    key = fold_gloss(latin)
    if not key:
        return ()
    _, glosses = _Tries.get()
    return tuple(sorted({raw.decode("utf-8") for raw in glosses.get(key, [])}))


def prefixes_at(text: str, start: int, max_len: int = 24) -> list[str]:
    """Every dictionary surface that begins at text[start] (shortest first)."""
    names, _ = _Tries.get()
    return names.prefixes(text[start:start + max_len])
