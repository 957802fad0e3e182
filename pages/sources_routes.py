"""Sources & routes: what is given (tissue, donor, dose) and how (route), with a clickable source × route matrix."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html

from msc_atlas import ids, views, vocab
from msc_atlas.filters import CHOICE_FIELDS, FilterState
from msc_atlas.ui import components as ui

dash.register_page(__name__, path="/sources-routes", name="Sources & routes", order=1,
                   title="Sources & routes — MSC Trials Atlas")

MATRIX, DOSE = "sr-matrix", "sr-dose"
# One card switches between the smaller breakdowns: fewer graphs to draw on a first load, same information.
SWITCHED, SWITCH = "sr-switched", "sr-switch"
ALWAYS_SHOWN = ("tissue", "route")
SWITCHED_CHOICES = ("donor", "phase", "status", "product")
# every breakdown's bars set the filter field of the same name
BAR_FILTERS = {name: name for name in (*ALWAYS_SHOWN, *SWITCHED_CHOICES)}
BAR_NOTE = "Click a bar (or choose it in the filters) to filter by it."


TISSUE_BY_LABEL = {label: key for key, label in vocab.SOURCE_TISSUES.items()}
ROUTE_BY_LABEL = {label: key for key, label in vocab.ROUTES.items()}


def graph_id(name: str) -> str:
    return f"sr-{name}"


def layout(**_query):
    def card(name: str, width: str) -> html.Div:
        return html.Div(ui.chart_card(graph_id(name), f"sr-{name}-table",
                                      note=BAR_NOTE), className=width)

    return html.Div([
        html.H1("Tissue sources, routes and doses", className="h4 mb-1"),
        html.P("What is given and how. Values the registry text does not state are shown as “not reported”, "
               "never guessed. A trial that names two tissues or routes counts in each.",
               className="text-muted small mb-3"),
        html.Div(id="sr-empty"),
        html.Div([
            html.Div([card("tissue", "col-12 col-xl-6"), card("route", "col-12 col-xl-6")], className="row g-3"),
            ui.chart_card(MATRIX, "sr-matrix-table", note="Click a cell (or choose a tissue source and a route in the "
                                                          "filters) to filter by that tissue source and route."),
            ui.chart_card(DOSE, "sr-dose-table", note=html.Span(id="sr-dose-note")),
            ui.chart_card(SWITCHED, "sr-switched-table", note=BAR_NOTE, controls=ui.choice_group("Show", dbc.RadioItems(
                id=SWITCH, value="donor", inline=True, className="small mb-1",
                options=[{"label": views.BREAKDOWN_TITLES[name], "value": name} for name in SWITCHED_CHOICES]))),
        ], id="sr-charts"),
    ])


BREAKDOWN_OUTPUTS = [output for name in (*ALWAYS_SHOWN, "switched") for output in (
    Output(graph_id(name), "figure"), Output(f"{graph_id(name)}-wrap", "aria-label"),
    Output(f"sr-{name}-table", "children"))]


@callback(
    Output("sr-empty", "children"), Output("sr-charts", "hidden"),
    *BREAKDOWN_OUTPUTS,
    Output(MATRIX, "figure"), Output(f"{MATRIX}-wrap", "aria-label"), Output("sr-matrix-table", "children"),
    Output(DOSE, "figure"), Output(f"{DOSE}-wrap", "aria-label"), Output("sr-dose-table", "children"),
    Output("sr-dose-note", "children"),
    Input(ids.FILTER_STORE, "data"),
    Input(SWITCH, "value"),
)
def update_sources_routes(filter_data, switched):
    view = views.sources_routes(FilterState.from_dict(filter_data))
    switched = switched if switched in SWITCHED_CHOICES else SWITCHED_CHOICES[0]
    if view["empty"]:
        return (ui.empty_state(view["scope"]), True, *([{}, "", None] * (len(ALWAYS_SHOWN) + 1)),
                {}, "", None, {}, "", None, None)
    breakdowns = []
    for name in (*ALWAYS_SHOWN, switched):
        part = view[name]
        breakdowns += [part["figure"], part["title"],
                       ui.table([views.BREAKDOWN_TITLES[name], "Trials"], part["rows"])]
    matrix, dose = view["matrix"], view["dose"]
    dose_note = (f"{dose['n_trials']:,} of {view['n']:,} matching trials state a cell dose per kg; a line spans "
                 f"the levels a trial states, a dot is one level. {ui.percent(dose['silent_share'])} state no dose at "
                 "all. Exosome / secretome doses (particles, µg protein, mL) are in each trial's record, never drawn "
                 "as cells.")
    dose_figure = dose["figure"] or {"layout": {"title": {"text": "No per-kg cell dose is reported for these trials"},
                                                "xaxis": {"visible": False}, "yaxis": {"visible": False},
                                                "height": 160}}
    return (
        None, False, *breakdowns,
        matrix["figure"], matrix["title"], ui.table(["Tissue source", "Route", "Trials"], matrix["rows"]),
        dose_figure, dose["title"],
        ui.table(["Route", "Trials with a per-kg dose", "Median lowest dose (cells/kg)", "Median highest dose (cells/kg)"],
                 [(route, n, f"{low:.2g}", f"{high:.2g}") for route, n, low, high in dose["rows"]]),
        dose_note,
    )


@callback(
    Output(ids.CLICK_STORE, "data", allow_duplicate=True),
    *[Input(graph_id(name), "clickData") for name in (*ALWAYS_SHOWN, "switched")],
    Input(MATRIX, "clickData"),
    State(SWITCH, "value"),
    prevent_initial_call=True,
)
def filter_by_clicked_bar(*clicks_and_switch):
    switched = clicks_and_switch[-1]
    trigger = ctx.triggered_id
    click = ctx.triggered[0]["value"] if ctx.triggered else None
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return dash.no_update
    if trigger == MATRIX:  # heatmap clicks carry the axis labels, not customdata
        tissue, route = TISSUE_BY_LABEL.get(point.get("y")), ROUTE_BY_LABEL.get(point.get("x"))
        return ui.click_payload(tissue=[tissue], route=[route]) if tissue and route else dash.no_update
    custom = point.get("customdata")
    name = trigger.removeprefix("sr-") if isinstance(trigger, str) else None
    if name == "switched":
        name = switched
    field = BAR_FILTERS.get(name) if isinstance(name, str) else None
    vocabulary = CHOICE_FIELDS[field][1] if field else None
    if not isinstance(custom, str) or not vocabulary or custom not in vocabulary:
        return dash.no_update
    return ui.click_payload(**{field: [custom]})
