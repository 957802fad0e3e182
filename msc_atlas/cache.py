"""Every memo of the app, and one `clear()` that forgets all of them.

Three kinds, all cleared by `clear()`:
* `dataset` (an lru_cache): what is read or derived once per dataset and registry: the loaded tables, the
  mechanism model, the field registry's orderings, plotly's template.
* `per_dataset(name, source, build)`: structures built from a loaded frame (filter index, count codes, grid table),
  kept until the frame is another object.
* `results` (an lru_cache): answers per request argument (filter state, trial id, table content), so a view asked
  for again costs a dictionary look-up. `clear_results()` forgets only these (the benchmarks' "uncached" runs).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")
S = TypeVar("S")
F = TypeVar("F", bound=Callable[..., Any])

_datasets: list[Callable[[], None]] = []
_results: list[Callable[[], None]] = []
_per_dataset: dict[str, tuple[Any, Any]] = {}


def _memo(registry: list[Callable[[], None]], maxsize: int | None) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        registry.append(cached.cache_clear)
        return cast(F, cached)  # same signature; the lru_cache wrapper is cleared through this module

    return decorate


def dataset(maxsize: int | None = 8) -> Callable[[F], F]:
    """lru_cache for what is read or derived once per dataset; cleared by `clear()`."""
    return _memo(_datasets, maxsize)


def results(maxsize: int | None = 256) -> Callable[[F], F]:
    """lru_cache for answers per request argument; cleared by `clear()` and `clear_results()`."""
    return _memo(_results, maxsize)


def per_dataset(name: str, source: S, build: Callable[[S], T]) -> T:
    """`build(source)`, kept until `source` is another object (the loaded frame, or the index built from it)."""
    cached = _per_dataset.get(name)
    if cached is None or cached[0] is not source:
        cached = _per_dataset[name] = (source, build(source))
    result: T = cached[1]
    return result


def remember(name: str, source: Any, value: Any) -> None:
    """Store what `per_dataset(name, source, ...)` would build (a swapped dataset, built before it is served)."""
    _per_dataset[name] = (source, value)


def clear_results() -> None:
    """Forget the answers per request (views, filtered rows, counts, rendered tables); keep the loaded dataset."""
    for clear_one in _results:
        clear_one()


def clear() -> None:
    """Forget everything: the next call reads the data on disk again and rebuilds from the current registry."""
    clear_results()
    for clear_one in _datasets:
        clear_one()
    _per_dataset.clear()
