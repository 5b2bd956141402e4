"""Reader: a desktop reading room for following a story across many articles."""
from __future__ import annotations


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("reader-app")
    except PackageNotFoundError:  # running from a checkout that was not installed
        return "0.1.0"


__version__ = _version()
