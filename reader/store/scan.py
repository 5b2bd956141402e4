"""The sync rules in one place: which files Reader imports, how folders are walked, and what a
sync has to do (`plan`).

    found = walk(roots)                                   # files under the roots, and those passed over
    todo = plan(roots, indexed, prune_roots=seeds)        # new, changed, removed, passed over
    todo.empty                                            # nothing to do (the window's start-up check)

The indexer (reader.store.indexer) executes a plan, the start-up check
(reader.queries.freshness) asks whether one is empty, and the window's file dialog offers
`SUFFIXES`. Standard library only: the window's warm start runs this without importing the
ingest or NLP stack.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Mapping

# The suffixes `reader.ingest.supported_suffixes()` loads ("" for files without one), kept here so
# the start-up check need not import the ingest stack; tests/test_scan.py keeps them equal.
SUFFIXES = frozenset({"", ".epub", ".htm", ".html", ".markdown", ".md", ".pdf", ".shtml", ".text", ".txt", ".xhtml"})

FileStamp = tuple[int, float]      # (size in bytes, modification time): what tells a file changed


def dialog_patterns(suffixes: Iterable[str] = SUFFIXES) -> str:
    """The suffixes as a file dialog's name patterns ("*.epub *.htm …"); files without a suffix
    cannot be expressed as a pattern, the dialog's "All files" covers them."""
    return " ".join(f"*{suffix}" for suffix in sorted(suffixes) if suffix)


def _not_regular(mode: int) -> str | None:
    import stat

    return None if stat.S_ISREG(mode) else "This is not a regular file."


@dataclass(frozen=True)
class PassedOver:
    """A file a sync leaves alone, and why (for the user: the import report)."""

    path: str      # printable: bytes that are not UTF-8 shown as U+FFFD
    reason: str


@dataclass
class Found:
    files: dict[str, os.stat_result] = field(default_factory=dict)   # resolved path → status
    passed_over: list[PassedOver] = field(default_factory=list)


def walk(roots: Iterable[Path], special_message: Callable[[int], str | None] = _not_regular,
         suffixes: Collection[str] = SUFFIXES) -> Found:
    """The files under `roots` a sync considers, by resolved path, with their status.

    A root that is a file is taken whatever its suffix (the user chose it); under a folder,
    only files with one of `suffixes`, skipping hidden files and folders (.git, .cache) and not
    following links to folders (no link loops). Never stops on a bad entry: folders that
    cannot be listed, links that are broken or loop, entries that are no regular file
    (described by `special_message(st_mode)`) and names that are not valid UTF-8 (which the
    index cannot store) are passed over, with the reason.
    """
    found = Found()

    def add(path: Path) -> None:
        if not _utf8_name(path):
            found.passed_over.append(PassedOver(printable_path(path), "The file name is not valid UTF-8 text; "
                                                "rename the file to add it."))
            return
        try:
            found.files[str(path.resolve())] = path.stat()
        except (OSError, RuntimeError) as error:      # a link loop found while resolving
            found.passed_over.append(PassedOver(printable_path(path), f"Cannot follow the link: {error}."))

    def unlistable(error: OSError) -> None:
        found.passed_over.append(PassedOver(printable_path(Path(error.filename or "")),
                                            f"Cannot open the folder: {error.strerror or error}."))

    def refuse(path: Path, link_leads: str) -> None:
        try:
            message = special_message(path.stat().st_mode)     # (following links)
        except (OSError, RuntimeError):
            message = f"The link is broken or loops; {link_leads}." if path.is_symlink() else "No such file or folder."
        if message:
            found.passed_over.append(PassedOver(printable_path(path), message))

    for root in (Path(r) for r in roots):
        if root.is_file():
            add(root)
        elif root.is_dir():
            for folder, dirs, names in os.walk(root, onerror=unlistable):   # followlinks=False
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in names:
                    candidate = Path(folder, name)
                    if name.startswith(".") or candidate.suffix.lower() not in suffixes:
                        continue
                    if candidate.is_file():
                        add(candidate)
                    else:
                        refuse(candidate, "it leads to no file")
        else:
            refuse(root, "it leads to no file or folder")
    return found


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:      # undecodable bytes in the name (surrogate escapes)
        return False
    return True


def printable_path(path: Path) -> str:
    """The path for messages, with bytes that are not UTF-8 shown as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


@dataclass
class Plan:
    """What a sync has to do. Paths are resolved, sorted."""

    new: list[str] = field(default_factory=list)          # not in the index
    changed: list[str] = field(default_factory=list)      # in the index, with another size or time
    removed: list[str] = field(default_factory=list)      # in the index, gone from under a pruned root
    unchanged: list[str] = field(default_factory=list)    # in the index, same size and time
    passed_over: list[PassedOver] = field(default_factory=list)
    files: dict[str, os.stat_result] = field(default_factory=dict)   # status of every file found

    @property
    def to_read(self) -> list[str]:
        """The files whose bytes a sync reads, in path order."""
        return sorted(self.new + self.changed)

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.removed)


def plan(roots: Iterable[Path], indexed: Mapping[str, FileStamp], prune_roots: Iterable[Path] = (),
         settled: Mapping[str, FileStamp] | None = None,
         special_message: Callable[[int], str | None] = _not_regular, suffixes: Collection[str] = SUFFIXES) -> Plan:
    """What a sync of `roots` has to do, given the stamps of the files the index holds.

    A file is unchanged while its size and modification time are (its bytes are not read).
    Indexed files that no longer exist are removed only under `prune_roots` (the seeds),
    never elsewhere (an imported file on a drive not mounted stays). `settled` files (refused
    or removed by the user when last seen) are passed over while their size and time are
    the same. The indexer passes the live `suffixes` of the ingest's loaders (a loader may be
    registered at run time); the start-up check uses SUFFIXES.
    """
    found = walk(roots, special_message, suffixes)
    settled = settled or {}
    todo = Plan(passed_over=found.passed_over, files=found.files)
    for path in sorted(found.files):
        stamp = (found.files[path].st_size, found.files[path].st_mtime)
        if path in indexed:
            (todo.unchanged if indexed[path] == stamp else todo.changed).append(path)
        elif settled.get(path) == stamp:
            todo.passed_over.append(PassedOver(path, "Unchanged since it was refused or removed."))
        else:
            todo.new.append(path)
    pruned = [r.resolve() for r in (Path(p) for p in prune_roots) if r.is_dir()]
    todo.removed = sorted(path for path in indexed if path not in found.files
                          and any(Path(path).is_relative_to(r) for r in pruned) and not os.path.exists(path))
    return todo
