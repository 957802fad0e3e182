"""Trials: the filtered trials in a sortable, filterable grid, a detail panel per trial, and CSV export."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, Patch, State, callback, dcc, html

from msc_atlas import fields, ids, views
from msc_atlas.fields import Kind, Show
from msc_atlas.filters import FilterState
from msc_atlas.ui import components as ui
from msc_atlas.ui import trial_detail

dash.register_page(__name__, path="/trials", name="Trials", order=3, title="Trials — MSC Trials Atlas")

GRID, DETAIL, DOWNLOAD, EXPORT = "trials-grid", "trials-detail", "trials-download", "trials-export"
QUICK, COUNT, EMPTY = "trials-quick-search", "trials-count", "trials-empty"
WIDTHS = {"trial_id": 150, "title": 340, "enrollment": 120, "first_posted": 120, "start_date": 110}


def column_defs() -> list[dict]:
    """One grid column per field shown in the grid (msc_atlas.fields), keyed as views.trials.rows keys the rows."""
    defs = []
    for field in fields.shown(Show.GRID):
        key = field.name
        column = {"field": key, "headerName": field.label, "minWidth": WIDTHS.get(key, 140), "tooltipField": key}
        if key == "trial_id":
            column |= {"cellRenderer": "RegistryLink", "pinned": "left"}
        if key == "first_posted":
            column |= {"sort": "desc"}  # newest registrations first
        if field.kind in (Kind.INTEGER, Kind.NUMBER):
            column |= {"filter": "agNumberColumnFilter", "type": "numericColumn"}
        defs.append(column)
    return defs


def layout(**_query):
    return html.Div(
        [
            html.Div(
                [
                    html.H1("Trials", className="h4 mb-0"),
                    html.Span(id=COUNT, className="text-muted small ms-2"),
                    html.Div(
                        [
                            dbc.Button("Download CSV", id=EXPORT, color="primary", size="sm", n_clicks=0),
                            dcc.Download(id=DOWNLOAD),
                        ],
                        className="ms-auto",
                    ),
                ],
                className="d-flex align-items-baseline flex-wrap gap-2 mb-2",
            ),
            html.P(
                "Sort or filter any column; select a row for its full record, the registry phrases behind each "
                "derived value, and what published reviews say about it. The search box in the filter panel "
                "searches IDs, titles, conditions and sponsors.",
                className="text-muted small",
            ),
            html.Div(
                [
                    html.Label("Quick search in this table", htmlFor=QUICK, className="small fw-semibold me-2"),
                    dcc.Input(
                        id=QUICK,
                        type="search",
                        debounce=0.3,
                        placeholder="any word in any column",
                        className="form-control form-control-sm",
                        style={"maxWidth": "320px"},
                    ),
                ],
                className="d-flex align-items-center flex-wrap mb-2",
            ),
            html.Div(id=EMPTY),
            dag.AgGrid(
                id=GRID,
                columnDefs=column_defs(),
                rowData=[],
                defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": False},
                dashGridOptions={
                    "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                    "pagination": True,
                    "paginationPageSize": 25,
                    "paginationPageSizeSelector": [25, 50, 100],
                    "tooltipShowDelay": 400,
                    "animateRows": False,
                    "enableCellTextSelection": True,
                    # Tab leaves the grid (arrow keys move inside it), as in the ARIA grid pattern:
                    # otherwise the detail panel below sits behind hundreds of Tab presses
                    "tabToNextCell": {"function": "false"},
                    "tabToNextHeader": {"function": "false"},
                },
                style={"height": "560px"},
                className="ag-theme-quartz",
            ),
            html.Section(
                id=DETAIL,
                className="card-panel mt-3",
                **ui.attrs(aria_live="polite"),
                children=html.P("Select a trial in the table to see its full record.", className="text-muted mb-0"),
            ),
        ]
    )


@callback(
    output=dict(rows=Output(GRID, "rowData"), count=Output(COUNT, "children"), empty=Output(EMPTY, "children")),
    inputs=dict(filter_data=Input(ids.FILTER_STORE, "data")),
)
def update_trials(filter_data):
    state = FilterState.from_dict(filter_data)
    rows = views.trials.rows(state)
    return {
        "rows": rows,
        "count": f"{len(rows):,} trials — {state.describe()}",
        "empty": ui.empty_state(state.describe()) if not rows else None,
    }


@callback(
    Output(GRID, "dashGridOptions"),
    Input(QUICK, "value"),
    prevent_initial_call=True,
)
def quick_search(text):
    options = Patch()
    options["quickFilterText"] = text[:200] if isinstance(text, str) else ""
    return options


@callback(
    Output(DETAIL, "children"),
    Input(GRID, "selectedRows"),
    prevent_initial_call=True,
)
def show_trial(selected):
    trial_id = None
    if isinstance(selected, list) and selected and isinstance(selected[0], dict):
        trial_id = selected[0].get("trial_id")
    return trial_detail.panel(trial_id)


@callback(
    Output(DOWNLOAD, "data"),
    Input(EXPORT, "n_clicks"),
    State(ids.FILTER_STORE, "data"),
    State(GRID, "virtualRowData"),
    prevent_initial_call=True,
)
def export_csv(n_clicks, filter_data, visible_rows):
    if not n_clicks:
        return dash.no_update
    state = FilterState.from_dict(filter_data)
    text, filename = views.trials.export_csv(state, visible_rows)
    return {"content": text, "filename": filename, "type": "text/csv"}
