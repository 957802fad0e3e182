"""Every memo of the app, and one `clear()` that forgets all of them.

Two kinds: `memo` (functools.lru_cache, registered here) for results keyed by their arguments (the loaded tables,
per-filter views, rendered tables), and `per_dataset` for structures built once from a loaded frame (filter index,
count codes, grid table), kept until the frame is another object. After `clear()` the next call rebuilds from the
data on disk and the current field registry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
S = TypeVar("S")

_clearers: list[Callable[[], None]] = []
_per_dataset: dict[str, tuple[Any, Any]] = {}


def memo(maxsize: int | None = 128) -> Callable[[Callable[..., T]], functools._lru_cache_wrapper[T]]:
    """functools.lru_cache, cleared by `clear()`."""

    def decorate(function: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _clearers.append(cached.cache_clear)
        return cached

    return decorate


def per_dataset(name: str, source: S, build: Callable[[S], T]) -> T:
    """`build(source)`, kept until `source` is another object (the loaded frame, or the index built from it)."""
    cached = _per_dataset.get(name)
    if cached is None or cached[0] is not source:
        cached = _per_dataset[name] = (source, build(source))
    result: T = cached[1]
    return result


def clear() -> None:
    """Forget everything: loaded tables, per-dataset structures, per-filter views and rendered tables."""
    for clear_one in _clearers:
        clear_one()
    _per_dataset.clear()
