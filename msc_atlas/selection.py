"""The bundled trials narrowed by a filter state, cached per state (the same view is asked for by many callbacks)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from msc_atlas.counting import TrialCounts
from msc_atlas.data import load_trials
from msc_atlas.filters import FilterIndex, FilterState

_index: FilterIndex | None = None
_counts: TrialCounts | None = None


def trial_index() -> FilterIndex:
    """The filter index of the loaded trials, rebuilt only when the loaded frame is another object."""
    global _index
    frame = load_trials()
    if _index is None or _index.frame is not frame:
        _index = FilterIndex(frame)
    return _index


def trial_counts() -> TrialCounts:
    """The page-summary codes of the loaded trials, rebuilt only when the filter index is rebuilt."""
    global _counts
    index = trial_index()
    if _counts is None or _counts.index is not index:
        _counts = TrialCounts(index)
    return _counts


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
