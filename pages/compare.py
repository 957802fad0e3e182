"""Compare: two views side by side. View A is the filter (the panel and the address), view B is pinned in the
address (`vs=`), so a comparison is one link: headline numbers, then product, tissue, route and phase shares."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html

from msc_atlas import compare, ids, views
from msc_atlas.filters import FilterState
from msc_atlas.ui import components as ui
from msc_atlas.ui.chart_card import ChartCard

dash.register_page(__name__, path=compare.PATH, name="Compare", order=5, title="Compare — MSC Trials Atlas")

CHART, SWITCH, NUMBERS, SCOPES, NOTICE = "cmp-chart", "cmp-switch", "cmp-numbers", "cmp-scopes", "cmp-notice"
PIN, SWAP, EXAMPLES = "cmp-pin", "cmp-swap", "cmp-examples"
# Comparisons people ask for: (label, view A query, view B query)
EXAMPLE_PAIRS = (
    ("COVID-19 vs liver disease", "focus=covid19_ards", "focus=liver"),
    ("Cells vs exosomes / EVs", "product=msc", "product=msc_ev,msc_secretome"),
    ("Before vs from 2020", "to=2019", "from=2020"),
    ("Randomised vs single group", "allocation=randomised", "allocation=single_group"),
)


def layout(**_query):
    return html.Div(
        [
            html.H1("Compare two views", className="h4 mb-1"),
            html.P(
                "View A is the filter in the panel; view B is pinned in the address, so the comparison is one link to "
                "share. Pin the current filter as B, then change the filter: A follows it, B stays.",
                className="text-muted small mb-2",
            ),
            html.Div(
                [
                    dbc.Button("Pin the current filter as view B", id=PIN, color="primary", size="sm", n_clicks=0),
                    dbc.Button("Swap A and B", id=SWAP, color="primary", outline=True, size="sm", n_clicks=0),
                ],
                className="d-flex flex-wrap gap-2 mb-2",
            ),
            html.Nav(
                [html.Span("Examples: ", className="small text-muted")]
                + [
                    dcc.Link(label, href=f"{compare.PATH}?{a}&vs={b.replace('=', '%3D')}", className="small me-3")
                    for label, a, b in EXAMPLE_PAIRS
                ],
                id=EXAMPLES,
                className="mb-2",
                **ui.attrs(aria_label="Example comparisons"),
            ),
            html.Div(id=NOTICE, role="status"),
            html.Div(id=SCOPES, className="row g-2 mb-2"),
            html.Section(
                [html.H2("Headline numbers", className="h6"), html.Div(id=NUMBERS, className="table-responsive")],
                className="card-panel",
                **ui.attrs(aria_label="Headline numbers of both views"),
            ),
            ChartCard(
                CHART,
                note="Shares of each view's trials; a trial with two values (cells and EVs, two tissues or routes) "
                "counts in each, so a view's shares can add up to more than 100 %.",
                controls=ui.radio_choices("Compare by", SWITCH, breakdown_labels(), "product"),
            ),
        ]
    )


def breakdown_labels() -> dict[str, str]:
    from msc_atlas import fields

    return {name: fields.get(name).label for name in views.compare.BREAKDOWNS}


def chosen(switch: Any) -> str:
    return ui.chosen(switch, views.compare.BREAKDOWNS, "product")


def _scope_card(letter: str, scope: str, query: str, empty: bool) -> Any:
    return html.Div(
        html.Div(
            [
                html.Div(f"View {letter}", className="kpi-label fw-semibold"),
                html.Div(scope, className="small"),
                html.Div("No trial matches this view." if empty else "", className="small text-danger"),
                dcc.Link("open this view", href="/" + query, className="small") if letter == "B" else None,
            ],
            className=f"kpi compare-{letter.lower()}",
        ),
        className="col-12 col-md-6",
    )


@callback(
    output=dict(
        scopes=Output(SCOPES, "children"),
        numbers=Output(NUMBERS, "children"),
        notice=Output(NOTICE, "children"),
        chart=ChartCard.outputs(CHART),
    ),
    inputs=dict(
        filter_data=Input(ids.FILTER_STORE, "data"), search=Input(ids.URL, "search"), switch=Input(SWITCH, "value")
    ),
)
def update_compare(filter_data, search, switch):
    a = FilterState.from_dict(filter_data)
    b, notices = compare.parse(compare.value_in(search) or "")
    view = views.compare.view(a, b)
    breakdown = view["breakdowns"][chosen(switch)]
    return {
        "scopes": [
            _scope_card("A", view["scopes"][0], view["queries"][0], view["empty"][0]),
            _scope_card("B", view["scopes"][1], view["queries"][1], view["empty"][1]),
        ],
        "numbers": ui.table(["", "View A", "View B"], view["numbers"]),
        "notice": dbc.Alert(" ".join(notices), color="warning", className="py-2 small") if notices else None,
        "chart": ChartCard.content(breakdown["figure"], breakdown["title"]),
    }


@callback(
    Output(ids.URL, "search", allow_duplicate=True),
    inputs=dict(_pin=Input(PIN, "n_clicks"), _swap=Input(SWAP, "n_clicks")),
    state=dict(filter_data=State(ids.FILTER_STORE, "data"), search=State(ids.URL, "search")),
    prevent_initial_call=True,
)
def pin_or_swap(_pin, _swap, filter_data, search):
    """Pin: B becomes the current filter. Swap: the filter becomes B and B the old filter (the filter follows the
    address, msc_atlas.ui.filter_sync)."""
    a = FilterState.from_dict(filter_data)
    clicked = _pin if ctx.triggered_id == PIN else _swap
    if not isinstance(clicked, int) or clicked < 1:  # the buttons appearing with the page are no click
        return dash.no_update
    if ctx.triggered_id == PIN:
        return compare.with_vs(search, a)
    if ctx.triggered_id == SWAP:
        b, _ = compare.parse(compare.value_in(search) or "")
        return compare.with_vs(b.to_query(), a)
    return dash.no_update


@ChartCard.table(
    CHART, filter_data=Input(ids.FILTER_STORE, "data"), search=Input(ids.URL, "search"), switch=Input(SWITCH, "value")
)
def compare_table(filter_data, search, switch):
    b, _ = compare.parse(compare.value_in(search) or "")
    view = views.compare.view(FilterState.from_dict(filter_data), b)
    breakdown = view["breakdowns"][chosen(switch)]

    def share(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    rows = [(r["label"], r["a"], share(r["share_a"]), r["b"], share(r["share_b"])) for r in breakdown["rows"]]
    return ui.table([breakdown["label"], "View A trials", "View A share", "View B trials", "View B share"], rows)
