"""Overview: headline numbers, the world map (click a country to filter) and registrations over time."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, html

from msc_atlas import ids, views, vocab
from msc_atlas.filters import FilterState
from msc_atlas.ui import components as ui
from msc_atlas.ui.chart_card import ChartCard

dash.register_page(__name__, path="/", name="Overview", order=0, title="Overview — MSC Trials Atlas")

MAP, TIMELINE = "overview-map", "overview-timeline"  # chart cards
NUMBERS, EMPTY, CHARTS = "overview-numbers", "overview-empty", "overview-charts"
MAP_COLOUR, TIMELINE_STACK = "overview-map-colour", "overview-timeline-stack"
COLOUR_CHOICES = {"all": "All trials", "msc": "MSC cells", "msc_ev": "Exosomes / EVs"}
COLOUR_OPTIONS = [{"label": label, "value": key} for key, label in COLOUR_CHOICES.items()]


def stack_choices() -> dict[str, str]:
    """Ways to stack registrations per year: every field shown as a timeline stack (msc_atlas.fields)."""
    return {column: field.label for column, field in views.overview.timeline_fields().items()}


def stack_options() -> list[dict[str, str]]:
    return [{"label": label, "value": column} for column, label in stack_choices().items()]


def layout(**_query):
    return html.Div(
        [
            html.H1("Clinical trials of mesenchymal stromal cells and their exosomes", className="h4 mb-1"),
            html.P(
                "Where MSC and MSC-EV trials run, what they give, and how far they got. Every number comes from "
                "registry records (ClinicalTrials.gov, WHO ICTRP) bundled with the app.",
                className="text-muted small mb-3",
            ),
            html.Div(id=NUMBERS, className="row g-2 mb-1", role="list", **ui.attrs(aria_label="Headline numbers")),
            html.P(views.overview.coverage_note(), id="overview-coverage", className="small text-muted mb-3"),
            html.Div(id=EMPTY),
            html.Div(
                [
                    ChartCard(
                        MAP,
                        controls=ui.radio_choices("Colour the map by", MAP_COLOUR, COLOUR_CHOICES, "all"),
                        note="Click a country (or choose it under Country in the filters) to filter every page to it. "
                        "A trial run in several countries counts in each.",
                    ),
                    ChartCard(
                        TIMELINE,
                        note=views.overview.timeline_note(),
                        controls=ui.radio_choices("Stack the bars by", TIMELINE_STACK, stack_choices(), "product"),
                    ),
                ],
                id=CHARTS,
            ),
        ]
    )


def chart_choices(colour_by: Any, stack_by: Any) -> tuple[str, str]:
    """The map's colouring and the timeline's stacking as chosen, or their defaults for anything else."""
    return ui.chosen(colour_by, COLOUR_CHOICES, "all"), ui.chosen(stack_by, views.overview.timeline_fields(), "product")


@callback(
    output=dict(
        numbers=Output(NUMBERS, "children"),
        empty=Output(EMPTY, "children"),
        hidden=Output(CHARTS, "hidden"),
        map=ChartCard.outputs(MAP),
        timeline=ChartCard.outputs(TIMELINE),
    ),
    inputs=dict(
        filter_data=Input(ids.FILTER_STORE, "data"),
        colour_by=Input(MAP_COLOUR, "value"),
        stack_by=Input(TIMELINE_STACK, "value"),
    ),
)
def update_overview(filter_data, colour_by, stack_by):
    state = FilterState.from_dict(filter_data)
    colour_by, stack_by = chart_choices(colour_by, stack_by)
    view = views.overview.view(state, colour_by, stack_by)
    numbers = view["numbers"]
    tiles = [
        ui.kpi(f"{numbers['trials']:,}", "trials", "kpi-trials"),
        ui.kpi(f"{numbers['countries']:,}", "countries", "kpi-countries"),
        ui.kpi(
            f"{numbers['participants']:,}",
            f"participants, planned or enrolled ({vocab.plural(numbers['enrollment_reported'])} "
            f"{'reports' if numbers['enrollment_reported'] == 1 else 'report'} enrollment)",
            "kpi-participants",
        ),
        ui.kpi(ui.percent(numbers["ev_share"]), "exosome / EV / secretome trials", "kpi-ev"),
        ui.kpi(ui.percent(numbers["recruiting_share"]), "recruiting, or not yet recruiting", "kpi-recruiting"),
    ]
    tiles = [html.Div(tile, className="col-6 col-md-4 col-xl", role="listitem") for tile in tiles]
    if view["empty"]:
        return {
            "numbers": tiles,
            "empty": ui.empty_state(view["scope"]),
            "hidden": True,
            "map": ChartCard.BLANK,
            "timeline": ChartCard.BLANK,
        }
    return {
        "numbers": tiles,
        "empty": None,
        "hidden": False,
        "map": ChartCard.content(view["map"], view["map_title"]),
        "timeline": ChartCard.content(view["timeline"], view["timeline_title"]),
    }


@callback(
    Output(ids.CLICK_STORE, "data", allow_duplicate=True),
    Input(MAP, "clickData"),
    prevent_initial_call=True,
)
def filter_by_clicked_country(click):
    try:
        code = click["points"][0]["location"]
    except (TypeError, KeyError, IndexError):
        return dash.no_update
    if not isinstance(code, str) or len(code) != 3:
        return dash.no_update
    return ui.click_payload(country=[code])


# The charts' tables, built when a reader opens one (ChartCard.table), from the same cached view as the charts.
FILTER, COLOUR, STACK = Input(ids.FILTER_STORE, "data"), Input(MAP_COLOUR, "value"), Input(TIMELINE_STACK, "value")


def _table_view(filter_data: Any, colour_by: Any, stack_by: Any) -> dict[str, Any]:
    return views.overview.view(FilterState.from_dict(filter_data), *chart_choices(colour_by, stack_by))


@ChartCard.table(MAP, filter_data=FILTER, colour_by=COLOUR, stack_by=State(TIMELINE_STACK, "value"))
def map_table(filter_data, colour_by, stack_by):
    view = _table_view(filter_data, colour_by, stack_by)
    if view["empty"]:
        return None
    caption = f"{view['no_country']:,} matching trials report no country."
    return ui.table(["Country", "Trials"], view["map_rows"], caption=caption)


@ChartCard.table(TIMELINE, filter_data=FILTER, colour_by=State(MAP_COLOUR, "value"), stack_by=STACK)
def timeline_table(filter_data, colour_by, stack_by):
    view = _table_view(filter_data, colour_by, stack_by)
    return None if view["empty"] else ui.table(view["timeline_header"], view["timeline_rows"])
