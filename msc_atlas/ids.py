"""Component ids shared across app.py and pages, so no magic string is repeated."""

URL = "url"
FILTER_STORE = "filter-state"
CLICK_STORE = "filter-click"  # pages write chart clicks here; the shared filter callback merges them
NOTICE = "filter-notice"
MATCH_COUNT = "match-count"
CLEAR = "filter-clear"
LENS = "lens"  # pattern-matching id type: {"type": LENS, "index": <lens name>}
NAV_LINK = "nav-link"  # pattern-matching id type: {"type": NAV_LINK, "index": <page path>}
FILTER_PANEL = "filter-panel"
FILTER_TOGGLE = "filter-toggle"
VERSION_FOOTER = "version-footer"



def control(field: str) -> str:
    """Id of the filter control of one field (plain string ids so that <label for=...> can point at them)."""
    return f"control-{field}"


# Filter controls, in the order the shared callback lists them; "years" is the first-posted range slider.
CONTROL_FIELDS = ("q", "focus", "disease", "product", "tissue", "route", "donor", "phase", "status", "country",
                  "registry", "years")
