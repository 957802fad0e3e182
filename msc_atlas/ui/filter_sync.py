"""Keeps the shared filter in step: URL query string <-> filter controls <-> the filter store every page reads.

One callback owns all three, so there is exactly one place that decides what is selected. The decision itself
(`resolve`) is a pure function, tested without a browser.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html

from msc_atlas import compare, doses, fields, ids, trial_link, vocab
from msc_atlas.filters import LENSES, YEAR_MAX, FilterState
from msc_atlas.ui import shell
from msc_atlas.ui.shell import YEAR_FLOOR

YEAR_CEILING = YEAR_MAX - 4
FULL_YEARS = [YEAR_FLOOR, YEAR_CEILING]


def state_from_controls(previous: FilterState, values: dict[str, Any]) -> tuple[FilterState, list[str]]:
    """Control values replace their fields; fields without a control (posted_by) carry over."""
    raw: dict[str, Any] = {key: values.get(key) for key in fields.filters()}
    raw["q"] = values.get("q")
    for key in ("dose", "kg_from", "kg_to"):
        raw[key] = values.get(key)
    years = values.get("years")
    if isinstance(years, (list, tuple)) and len(years) == 2:
        low, high = years
        raw["from"] = None if low == YEAR_FLOOR else low
        raw["to"] = None if high == YEAR_CEILING else high
    if previous.posted_by:
        raw["posted_by"] = previous.posted_by
    return FilterState.parse({key: value for key, value in raw.items() if value not in (None, "", [])})


def control_values(state: FilterState) -> dict[str, Any]:
    values: dict[str, Any] = {key: list(getattr(state, key)) for key in fields.filters()}
    values["q"] = state.q
    values["dose"] = state.dose
    values["kg_from"] = None if state.kg_from is None else doses.compact(state.kg_from)
    values["kg_to"] = None if state.kg_to is None else doses.compact(state.kg_to)
    values["years"] = [state.year_from or YEAR_FLOOR, state.year_to or YEAR_CEILING]
    return values


def chose_a_group(controls: dict[str, Any]) -> bool:
    """Whether a control holds a group choice ("umbilical cord, any part"): the controls are then set back to the
    state, which holds the group's members instead."""
    for key, field in fields.filters().items():
        chosen = controls.get(key)
        if field.groups and isinstance(chosen, list) and any(isinstance(v, str) and v in field.groups for v in chosen):
            return True
    return False


def resolve(
    trigger: Any, search: str | None, controls: dict[str, Any], previous: Any, click: Any
) -> tuple[FilterState, list[str], bool, bool]:
    """Decide the new state. Returns (state, notices, push the URL?, set the controls?)."""
    previous_state = FilterState.from_dict(previous)
    if trigger == ids.CLEAR:
        return FilterState(), [], True, True
    if isinstance(trigger, dict) and trigger.get("type") == ids.LENS:
        lens = LENSES.get(str(trigger.get("index")))
        return (lens[1] if lens else FilterState()), [], True, True
    if trigger == ids.CLICK_STORE:
        changes = click.get("set") if isinstance(click, dict) else None
        if not isinstance(changes, dict):
            return previous_state, [], False, False
        state, notices = FilterState.parse(previous_state.to_dict() | changes)
        return state, notices, True, True
    if isinstance(trigger, str) and trigger.startswith("control-"):
        state, notices = state_from_controls(previous_state, controls)
        return state, notices, True, chose_a_group(controls)
    # First load, back/forward, or a link with a query string: the URL decides.
    state, notices = FilterState.from_search(search)
    return state, notices, False, True


def address(search: str | None, query: str) -> str:
    """The address after the filter changed: its query, with the Trials page's record link kept.

    `trial=` names the record open under the grid. A filter change reloads the grid's rows but leaves that record
    open (pages.trials keeps it until another row is selected), so the address keeps naming it: a copied address
    reopens what is on screen, the filtered grid and the record. It goes when the record does: the navbar's links
    carry the filter only (no other page shows a record), and a new link or selection replaces it.
    """
    trial = trial_link.value_in(search)
    query = trial_link.with_trial(query, trial) if trial else query
    versus = compare.value_in(search)  # the Compare page's second view stays while the first changes
    return compare.with_vs(query, compare.parse(versus)[0]) if versus is not None else query


def mirrored_search(trigger: Any, boxes: Any) -> str | None:
    """The text typed into a page's own search box (ids.SEARCH_MIRROR), or None when no such box triggered.

    `boxes` is Dash's grouping of the boxes' input (a list of {"id", "value", ...}). A box that appears with its
    page has no value yet (None): that is not typing."""
    if not (isinstance(trigger, dict) and trigger.get("type") == ids.SEARCH_MIRROR and isinstance(boxes, list)):
        return None
    for box in boxes:
        if isinstance(box, dict) and box.get("id") == trigger:
            value = box.get("value")
            return value if isinstance(value, str) else None
    return None


def keep_known_countries(state: FilterState, known: set[str]) -> tuple[FilterState, list[str]]:
    """Countries no trial runs in cannot be shown in the country control: drop them, and say so."""
    unknown = [code for code in state.country if code not in known]
    if not unknown:
        return state, []
    kept = [code for code in state.country if code in known]
    names = ", ".join(vocab.country_name(code) for code in unknown)
    return state.replace(country=kept), [f"Ignored country {names}: no trial in the dataset runs there."]


def notice_banner(notices: list[str]) -> Any:
    if not notices:
        return None
    shown = notices[:5] + ([f"…and {len(notices) - 5} more."] if len(notices) > 5 else [])
    return dbc.Alert(
        [html.Strong("Some link parameters were ignored. "), " ".join(shown)],
        color="warning",
        dismissable=True,
        className="py-2 small mb-2",
    )


def register(count_matches, countries: list[str] | None = None, coverage=None, option_counts=None) -> None:
    """Wire the shared callback; `count_matches(state) -> (matching, total)` comes from the data layer,
    `countries` are the ISO-3 codes the dataset has trials in, `coverage(state) -> str` says which registries and
    dates the view covers, `option_counts(state) -> {key: {value: trials}}` the numbers beside the options."""
    known_countries = set(countries or [])
    country_list = sorted(known_countries)
    control_keys = ids.control_fields()  # fixed when the callback is wired

    @callback(
        output=dict(
            controls={key: Output(ids.control(key), "value") for key in control_keys},
            search=Output(ids.URL, "search"),
            store=Output(ids.FILTER_STORE, "data"),
            notice=Output(ids.NOTICE, "children"),
            count=Output(ids.MATCH_COUNT, "children"),
            posted_note=Output(ids.POSTED_BY_NOTE, "children"),
            toggle=Output(ids.FILTER_TOGGLE, "children"),
            coverage=Output(ids.COVERAGE, "children"),
            mirrors=Output({"type": ids.SEARCH_MIRROR, "index": ALL}, "value"),
        ),
        inputs=dict(
            search=Input(ids.URL, "search"),
            controls={key: Input(ids.control(key), "value") for key in control_keys},
            mirrors=Input({"type": ids.SEARCH_MIRROR, "index": ALL}, "value"),
            click=Input(ids.CLICK_STORE, "data"),
            _clear=Input(ids.CLEAR, "n_clicks"),
            lenses=Input({"type": ids.LENS, "index": ALL}, "n_clicks"),
        ),
        state=dict(previous=State(ids.FILTER_STORE, "data")),
    )
    def sync_filter(search, controls, mirrors, click, _clear, lenses, previous):
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and trigger.get("type") == ids.LENS and not any(lenses or []):
            trigger = None  # lens buttons appearing in the layout are not clicks
        typed = mirrored_search(trigger, (ctx.args_grouping or {}).get("mirrors"))
        if typed is not None:  # a page's search box is the filter panel's search box
            trigger, controls = ids.control("q"), {**controls, "q": typed}
        elif isinstance(trigger, dict) and trigger.get("type") == ids.SEARCH_MIRROR:
            trigger = None  # a search box appearing with its page: the URL decides
        state, notices, push_url, set_controls = resolve(trigger, search, controls, previous, click)
        set_controls = set_controls or typed is not None  # the panel's box shows what was typed on the page
        state, country_notices = keep_known_countries(state, known_countries) if known_countries else (state, [])
        notices += country_notices
        query = address(search, state.to_query())
        values = control_values(state)
        matching, total = count_matches(state)
        return {
            "controls": {key: values[key] if set_controls else dash.no_update for key in control_keys},
            "search": query if push_url and query != (search or "") else dash.no_update,
            "store": state.to_dict(),
            "notice": notice_banner(notices),
            "count": f"{matching:,} of {total:,} trials match",
            "posted_note": f"Also limited to trials first posted by {state.posted_by}." if state.posted_by else None,
            "toggle": f"Filters · {matching:,}",
            "coverage": coverage(state) if coverage else None,
            "mirrors": [dash.no_update if typed is not None else state.q for _ in mirrors or []],
        }

    if option_counts is not None:

        @callback(
            {key: Output(ids.control(key), "options") for key in fields.filters()},
            Input(ids.FILTER_STORE, "data"),
            prevent_initial_call=True,
        )
        def count_options(data):
            """The trials each filter choice would match, beside it: a callback of its own, answered after the filter
            is decided, so the page's charts do not wait for the panel's option lists (a first load drew ~0.7 s
            later when they came in one response, bench/RESULTS.md)."""
            per_option = option_counts(FilterState.from_dict(data))
            return {
                key: shell.choice_options(field, country_list, per_option[key])
                if field.vocabulary is not None or country_list
                else dash.no_update
                for key, field in fields.filters().items()
            }

    @callback(
        Output({"type": ids.NAV_LINK, "index": ALL}, "href"),
        Input(ids.FILTER_STORE, "data"),
        State({"type": ids.NAV_LINK, "index": ALL}, "id"),
    )
    def keep_filter_in_nav_links(data, link_ids):
        query = FilterState.from_dict(data).to_query()
        pages = {page["relative_path"] for page in dash.page_registry.values()}
        # hrefs only from known page paths: the ids come back from the browser and could be anything
        return [
            (link["index"] if isinstance(link, dict) and link.get("index") in pages else "/") + query
            for link in (link_ids if isinstance(link_ids, list) else [])
        ]

    @callback(
        output=dict(panel=Output(ids.FILTER_PANEL, "className"), expanded=Output(ids.FILTER_TOGGLE, "aria-expanded")),
        inputs=dict(_toggle=Input(ids.FILTER_TOGGLE, "n_clicks"), _done=Input(ids.FILTER_DONE, "n_clicks")),
        state=dict(expanded=State(ids.FILTER_TOGGLE, "aria-expanded")),
        prevent_initial_call=True,
    )
    def toggle_filter_panel(_toggle, _done, expanded):
        opened = ctx.triggered_id == ids.FILTER_TOGGLE and expanded != "true"  # Done always closes
        return {"panel": "filter-panel open" if opened else "filter-panel", "expanded": "true" if opened else "false"}
