"""The bundled trials narrowed by a filter state, cached per state (the same view is asked for by many callbacks)."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pandas as pd

from msc_atlas.counting import TrialCounts
from msc_atlas.data import load_trials
from msc_atlas.filters import FilterIndex, FilterState

_derived: dict[str, tuple[Any, Any]] = {}


def derived(name: str, source: Any, build: Callable[[Any], Any]) -> Any:
    """`build(source)`, kept until `source` is another object (the loaded frame, or the index built from it)."""
    cached = _derived.get(name)
    if cached is None or cached[0] is not source:
        cached = _derived[name] = (source, build(source))
    return cached[1]


def trial_index() -> FilterIndex:
    """The filter index of the loaded trials."""
    return derived("index", load_trials(), FilterIndex)


def trial_counts() -> TrialCounts:
    """The page-summary codes of the loaded trials, rebuilt with the filter index."""
    return derived("counts", trial_index(), TrialCounts)


@lru_cache(maxsize=512)
def filtered(state: FilterState) -> pd.DataFrame:
    """Rows of the bundled dataset that match `state` (treat as read-only: it is shared between callers)."""
    return trial_index().apply(state)


@lru_cache(maxsize=512)
def count_matches(state: FilterState) -> tuple[int, int]:
    """(matching trials, all MSC-derived trials) for the match counter: a mask sum, no rows copied."""
    index = trial_index()
    return int(index.mask(state).sum()), int(index.mask(FilterState()).sum())


@lru_cache(maxsize=512)
def counts_by(state: FilterState, field: str) -> dict[str, int]:
    """Matching trials per value of one filter field (e.g. product), from the index masks: no rows copied."""
    index = trial_index()
    keep = index.mask(state)
    return {value: int((keep & mask).sum()) for value, mask in index.masks.get(field, {}).items()
            if (keep & mask).any()}
