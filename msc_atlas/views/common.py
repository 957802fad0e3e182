"""What the page views share: the cache size, figures as plain dicts, (label, count) rows of a text alternative."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from msc_atlas.fields import Field

CACHE_SIZE = 256


def figure_dict(fig: Any) -> dict[str, Any]:
    """A figure as the plain dict dcc.Graph receives (figures.py already builds dicts)."""
    # Converting once here keeps cached values immutable-ish.
    return fig if isinstance(fig, dict) else fig.to_plotly_json()


def value_rows(counts: pd.Series, field: Field) -> list[tuple[str, int]]:
    """(label, trials) per value of a field, in the order of `counts`."""
    return [(field.value_label(key), int(n)) for key, n in counts.items()]


def long_date(iso_date: str) -> str:
    """ "2022-10-13" -> "13 Oct 2022" (an unreadable value is shown as it is)."""
    try:
        day = dt.date.fromisoformat(iso_date[:10])
    except (TypeError, ValueError):
        return str(iso_date)
    return f"{day.day} {day:%b %Y}"
