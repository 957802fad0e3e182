"""Sources & routes: what is given (tissue, donor, dose) and how (route), with a clickable source × route matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, State, callback, ctx, dcc, html

from msc_atlas import fields, ids, views, vocab
from msc_atlas.fields import Field, Show
from msc_atlas.filters import FilterState
from msc_atlas.ui import components as ui
from msc_atlas.ui.chart_card import ChartCard

dash.register_page(
    __name__, path="/sources-routes", name="Sources & routes", order=1, title="Sources & routes — MSC Trials Atlas"
)

MATRIX, DOSE, DOSE_NOTE, DOSE_SILENT = "sr-matrix", "sr-dose", "sr-dose-note", "sr-dose-silent"
EMPTY, CHARTS = "sr-empty", "sr-charts"
# One card switches between the smaller breakdowns: fewer graphs to draw on a first load, same information.
SWITCHED, SWITCH = "sr-switched", "sr-switch"
ALWAYS_SHOWN = ("tissue", "route")  # drawn side by side above the tissue x route matrix
FIRST_SWITCHED = "donor"
BAR_NOTE = "Click a bar (or choose it in the filters) to filter by it."


def charts() -> dict[str, Field]:
    """A bar chart per field shown as a chart (msc_atlas.fields), by the field's name."""
    return {field.name: field for field in fields.shown(Show.CHART)}


def switched_choices() -> tuple[str, ...]:
    """The charts of the switchable card: every chart field but the two always shown."""
    return tuple(name for name in charts() if name not in ALWAYS_SHOWN)


TISSUE_BY_LABEL = {label: key for key, label in vocab.SOURCE_TISSUES.items()}
ROUTE_BY_LABEL = {label: key for key, label in vocab.ROUTES.items()}


def graph_id(name: str) -> str:
    """The chart card of a breakdown (a field name, or "switched" for the switchable card)."""
    return f"sr-{name}"


NO_DOSE_FIGURE = {
    "layout": {
        "title": {"text": "No per-kg cell dose is reported for these trials"},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "height": 160,
    }
}


def layout(**_query):
    return html.Div(
        [
            html.H1("Tissue sources, routes and doses", className="h4 mb-1"),
            html.P(
                "What is given and how. Values the registry text does not state are shown as “not reported”, "
                "never guessed. A trial that names two tissues or routes counts in each.",
                className="text-muted small mb-3",
            ),
            html.Div(id=EMPTY),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(ChartCard(graph_id(name), note=BAR_NOTE), className="col-12 col-xl-6")
                            for name in ALWAYS_SHOWN
                        ],
                        className="row g-3",
                    ),
                    ChartCard(
                        MATRIX,
                        note="Click a cell (or choose a tissue source and a route in the filters) to filter by "
                        "that tissue source and route.",
                    ),
                    ChartCard(DOSE, note=html.Span(id=DOSE_NOTE)),
                    ChartCard(
                        SWITCHED,
                        note=BAR_NOTE,
                        controls=ui.radio_choices(
                            "Show", SWITCH, {name: charts()[name].label for name in switched_choices()}, FIRST_SWITCHED
                        ),
                    ),
                ],
                id=CHARTS,
            ),
        ]
    )


BREAKDOWN_CARDS = (*ALWAYS_SHOWN, "switched")  # the bar chart cards: graph_id(name) is SWITCHED for "switched"


def chosen(switched: Any) -> str:
    """The breakdown the switchable card shows: the one chosen, or the first for anything else."""
    return ui.chosen(switched, switched_choices(), FIRST_SWITCHED)


@callback(
    output=dict(
        empty=Output(EMPTY, "children"),
        hidden=Output(CHARTS, "hidden"),
        **{name: ChartCard.outputs(graph_id(name)) for name in BREAKDOWN_CARDS},
        matrix=ChartCard.outputs(MATRIX),
        dose=ChartCard.outputs(DOSE),
        dose_note=Output(DOSE_NOTE, "children"),
    ),
    inputs=dict(filter_data=Input(ids.FILTER_STORE, "data"), switched=Input(SWITCH, "value")),
)
def update_sources_routes(filter_data, switched):
    state = FilterState.from_dict(filter_data)
    view = views.sources_routes.view(state)
    if view["empty"]:
        return {
            "empty": ui.empty_state(view["scope"]),
            "hidden": True,
            "dose_note": None,
            **dict.fromkeys((*BREAKDOWN_CARDS, "matrix", "dose"), ChartCard.BLANK),
        }
    out = {"empty": None, "hidden": False}
    for card, name in zip(BREAKDOWN_CARDS, (*ALWAYS_SHOWN, chosen(switched))):
        out[card] = ChartCard.content(view[name]["figure"], view[name]["title"])
    matrix, dose = view["matrix"], view["dose"]
    out["matrix"] = ChartCard.content(matrix["figure"], matrix["title"])
    out["dose"] = ChartCard.content(dose["figure"] or NO_DOSE_FIGURE, dose["title"])
    out["dose_note"] = dose_note(dose, view["n"], state)
    return out


def dose_note(dose: dict, n: int, state: FilterState) -> list:
    """What the dose chart shows and what it leaves out, counted (not only as a share)."""
    silent = dose["n_silent"]
    return [
        f"{dose['n_trials']:,} of {vocab.plural(n, 'matching trial')} state a cell dose per kg per administration; "
        "a line spans the levels a trial states, a dot is one level. ",
        html.Strong(
            f"{silent:,} of {n:,} ({ui.percent(dose['silent_share'])}) state no dose at all",
            id=DOSE_SILENT,
        ),
        " (no cells per kg, no cell count and no EV amount): ",
        dcc.Link("list them in Trials", href="/trials" + state.replace(dose="none").to_query()),
        ". Exosome / secretome doses (particles, µg protein, mL) are in the Trials grid and each trial's record, "
        "never drawn as cells.",
    ]


@callback(
    Output(ids.CLICK_STORE, "data", allow_duplicate=True),
    inputs=dict(
        clicks=[Input(graph_id(name), "clickData") for name in BREAKDOWN_CARDS] + [Input(MATRIX, "clickData")],
        switched=State(SWITCH, "value"),
    ),
    prevent_initial_call=True,
)
def filter_by_clicked_bar(clicks, switched):
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
    field = charts().get(name) if isinstance(name, str) else None
    if (
        field is None
        or Show.FILTER not in field.show
        or not isinstance(custom, str)
        or custom not in (field.vocabulary or {})
    ):
        return dash.no_update
    return ui.click_payload(**{field.name: [custom]})


# The charts' tables, built when a reader opens one (ChartCard.table), from the same cached view as the charts.
FILTER = Input(ids.FILTER_STORE, "data")
DOSE_HEADER = ["Route", "Trials with a per-kg dose", "Median lowest dose (cells/kg)", "Median highest dose (cells/kg)"]


def _table_view(filter_data: Any) -> dict[str, Any] | None:
    view = views.sources_routes.view(FilterState.from_dict(filter_data))
    return None if view["empty"] else view


def _bar_table(name: str) -> Callable[..., Any]:
    def bar_table(filter_data: Any) -> Any:
        view = _table_view(filter_data)
        return None if view is None else ui.table([charts()[name].label, "Trials"], view[name]["rows"])

    return bar_table


for _name in ALWAYS_SHOWN:
    ChartCard.table(graph_id(_name), filter_data=FILTER)(_bar_table(_name))


@ChartCard.table(SWITCHED, filter_data=FILTER, switched=Input(SWITCH, "value"))
def switched_table(filter_data, switched):
    return _bar_table(chosen(switched))(filter_data)


@ChartCard.table(MATRIX, filter_data=FILTER)
def matrix_table(filter_data):
    view = _table_view(filter_data)
    return None if view is None else ui.table(["Tissue source", "Route", "Trials"], view["matrix"]["rows"])


@ChartCard.table(DOSE, filter_data=FILTER)
def dose_table(filter_data):
    view = _table_view(filter_data)
    if view is None:
        return None
    return ui.table(
        DOSE_HEADER, [(route, n, f"{low:.2g}", f"{high:.2g}") for route, n, low, high in view["dose"]["rows"]]
    )
