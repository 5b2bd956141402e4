"""Reader: a desktop reading room for following a story across many articles."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~30 ms: only when asked

    try:
        return version("reader-app")
    except PackageNotFoundError:  # running from a checkout that was not installed
        return "0.1.0"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'reader' has no attribute {name!r}")
