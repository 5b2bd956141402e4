"""What the window needs to know about where it runs, passed explicitly (no globals)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings

from reader import paths

SETTINGS_FILE = "settings.ini"


@dataclass
class AppContext:
    data_dir: Path
    index_path: Path
    sources: list[Path] = field(default_factory=list)  # indexed in the background at start
    index_on_start: bool = True

    @classmethod
    def create(cls, data_dir: str | Path | None = None, sources: list[Path] | None = None,
               index_on_start: bool = True) -> "AppContext":
        data = paths.data_dir(data_dir)
        return cls(data, paths.index_path(data), list(sources) if sources else [paths.seeds_dir()],
                   index_on_start)

    @property
    def settings_path(self) -> Path:
        return self.data_dir / SETTINGS_FILE

    def settings(self) -> QSettings:
        """Settings live beside the index, so a temporary data dir is fully isolated."""
        return QSettings(str(self.settings_path), QSettings.Format.IniFormat)

    def open_db(self):
        """A new read connection to the index (each thread opens its own)."""
        from reader.store.db import connect_index

        return connect_index(self.index_path)
