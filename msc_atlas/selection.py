"""The bundled trials narrowed by a filter state, cached per state (the same view is asked for by many callbacks)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from msc_atlas.data import load_trials
from msc_atlas.filters import FilterState


@lru_cache(maxsize=512)
def filtered(state: FilterState) -> pd.DataFrame:
    """Rows of the bundled dataset that match `state` (treat as read-only: it is shared between callers)."""
    return state.apply(load_trials())


def count_matches(state: FilterState) -> tuple[int, int]:
    """(matching trials, all MSC-derived trials) for the match counter."""
    return len(filtered(state)), len(filtered(FilterState()))
