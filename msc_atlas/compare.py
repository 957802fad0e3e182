"""The second view of a comparison: `/compare?<filter A>&vs=<filter B as a query string>`.

View A is the shared filter (the panel, the address); view B rides in one page key, `vs`, holding B's filter query
("focus=liver&product=msc_ev"), so a comparison is one shareable address and the filter panel keeps working on A.
Pure: no Dash, no data.
"""

from __future__ import annotations

from typing import Any

from msc_atlas import trial_link
from msc_atlas.filters import COMPARE_KEY, FilterState

KEY = COMPARE_KEY
PATH = "/compare"
MAX_LENGTH = 2000


def value_in(search: Any) -> str | None:
    """The raw `vs` value of a query string, or None."""
    return trial_link.query_value(search, KEY)


def parse(value: Any) -> tuple[FilterState, list[str]]:
    """View B from a `vs` value (never raising): its state and notices about what was ignored."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    if not isinstance(value, str):
        return FilterState(), ["The comparison's second view (vs=) is not a filter query; showing all trials."]
    state, notices = FilterState.from_search("?" + value.lstrip("?")[:MAX_LENGTH])
    return state, [f"Second view: {notice}" for notice in notices]


def with_vs(search: Any, state: FilterState | None) -> str:
    """The query string with `vs` set to B's filter (None: removed), every other parameter kept in order."""
    return trial_link.with_value(search, KEY, None if state is None else state.to_query().lstrip("?"))
