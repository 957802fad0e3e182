"""The bundled trials narrowed by a filter state, cached per state (the same view is asked for by many callbacks)."""

from __future__ import annotations

import pandas as pd

from msc_atlas import cache
from msc_atlas.counting import TrialCounts
from msc_atlas.data import load_trials
from msc_atlas.filters import FilterIndex, FilterState


def trial_index() -> FilterIndex:
    """The filter index of the loaded trials."""
    return cache.per_dataset("index", load_trials(), FilterIndex)


def trial_counts() -> TrialCounts:
    """The page-summary codes of the loaded trials, rebuilt with the filter index."""
    return cache.per_dataset("counts", trial_index(), TrialCounts)


@cache.results(maxsize=512)
def filtered(state: FilterState) -> pd.DataFrame:
    """Rows of the bundled dataset that match `state` (treat as read-only: it is shared between callers)."""
    return trial_index().apply(state)


@cache.results(maxsize=512)
def count_matches(state: FilterState) -> tuple[int, int]:
    """(matching trials, all MSC-derived trials) for the match counter: a mask sum, no rows copied."""
    index = trial_index()
    return int(index.mask(state).sum()), int(index.mask(FilterState()).sum())


@cache.results(maxsize=512)
def option_counts(state: FilterState) -> dict[str, dict[str, int]]:
    """Per filter field, the trials each value would match under the other filters (FilterIndex.option_counts)."""
    return trial_index().option_counts(state)


@cache.results(maxsize=512)
def counts_by(state: FilterState, field: str) -> dict[str, int]:
    """Matching trials per value of one filter field (e.g. product), from the index masks: no rows copied."""
    index = trial_index()
    keep = index.mask(state)
    return {
        value: int((keep & mask).sum()) for value, mask in index.masks.get(field, {}).items() if (keep & mask).any()
    }
