"""Component ids shared across app.py and pages, so no magic string is repeated."""

from __future__ import annotations

from msc_atlas import fields

URL = "url"
FILTER_STORE = "filter-state"
CLICK_STORE = "filter-click"  # pages write chart clicks here; the shared filter callback merges them
NOTICE = "filter-notice"
MATCH_COUNT = "match-count"
CLEAR = "filter-clear"
LENS = "lens"  # pattern-matching id type: {"type": LENS, "index": <lens name>}
SEARCH_MIRROR = "search-mirror"  # pattern-matching id type: a page's own box for the filter's search text ("q")
NAV_LINK = "nav-link"  # pattern-matching id type: {"type": NAV_LINK, "index": <page path>}
FILTER_PANEL = "filter-panel"
FILTER_TOGGLE = "filter-toggle"
FILTER_DONE = "filter-done"  # the end of the filter panel on a phone: closes it
VERSION_FOOTER = "version-footer"
COVERAGE = "coverage-note"  # every page: the registries and record dates the current view covers
POSTED_BY_NOTE = "posted-by-note"


def control(field: str) -> str:
    """Id of the filter control of one field (plain string ids so that <label for=...> can point at them)."""
    return f"control-{field}"


def control_fields() -> tuple[str, ...]:
    """Every filter control: the search box ("q"), one per filter field of the registry, the first-posted years,
    whether a dose is stated, and the per-kg dose range."""
    return ("q", *fields.filters(), "years", "dose", "kg_from", "kg_to")
