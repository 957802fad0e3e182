"""Trials: the filtered trials in a grid that asks the server for its rows a block at a time (sorted and
column-filtered there), a search box that is the shared filter's search text (in the address), a trial's record with its own address (`/trials?trial=<registry ID>`), and CSV export of exactly
the rows the grid shows."""

from __future__ import annotations

import json

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html

from msc_atlas import fields, ids, trial_link, views, vocab
from msc_atlas.fields import Show
from msc_atlas.filters import FilterState
from msc_atlas.ui import components as ui
from msc_atlas.ui import trial_detail
from msc_atlas.views.trials import BLOCK_SIZE, NUMBER_TYPES, TEXT_TYPES, Block, GridQuery, GridRequest, filter_kind

dash.register_page(__name__, path="/trials", name="Trials", order=3, title="Trials — MSC Trials Atlas")

GRID, DETAIL, DOWNLOAD, EXPORT = "trials-grid", "trials-detail", "trials-download", "trials-export"
SEARCH = {"type": ids.SEARCH_MIRROR, "index": "trials"}  # the filter's search text "q": msc_atlas.ui.filter_sync
COUNT, EMPTY = "trials-count", "trials-empty"
SERVED, RELOADED = "trials-served", "trials-reloaded"
TRIAL_NOTICE = "trials-record-notice"
WIDTHS = {"trial_id": 150, "title": 340, "enrollment": 120, "first_posted": 120, "start_date": 110}
WIDTHS |= dict.fromkeys(("dose_cells_per_kg_levels", "dose_cells_total_levels", "dose_ev_min"), 250)  # units in head
DEFAULT_SORT = [{"colId": "first_posted", "sort": "desc"}]  # newest registrations first
EMPTY_BLOCK = {"rowData": [], "rowCount": 0}
# The column filters the server applies (msc_atlas.views.trials), and no other: AG Grid's text filter for labels,
# text and dates, its number filter for enrollment.
FILTERS = {
    "text": {"filter": "agTextColumnFilter", "filterParams": {"filterOptions": list(TEXT_TYPES)}},
    "number": {
        "filter": "agNumberColumnFilter",
        "filterParams": {"filterOptions": list(NUMBER_TYPES)},
        "type": "numericColumn",
    },
}


def column_defs() -> list[dict]:
    """One grid column per field shown in the grid (msc_atlas.fields), keyed as views.trials.rows keys the rows."""
    defs = []
    for field in fields.shown(Show.GRID):
        key = field.name
        column = {
            "field": key,
            "headerName": field.label,
            "headerTooltip": field.label,
            "minWidth": WIDTHS.get(key, 140),
            "tooltipField": key,
        }
        column |= FILTERS[filter_kind(field)]
        if key == "trial_id":
            column |= {"cellRenderer": "RegistryLink", "pinned": "left"}
        for entry in DEFAULT_SORT:
            if entry["colId"] == key:
                column["sort"] = entry["sort"]
        defs.append(column)
    return defs


LINKED_ROW = "atlas-linked-row"  # assets/10-atlas.css


def linked_row_rule(trial_id: str | None) -> dict[str, str]:
    """AG Grid's class rule that marks the open record's row. The id is one of the dataset's (views.detail.link
    opens no other), written into the expression as a JSON string literal."""
    if not trial_id:
        return {}
    return {LINKED_ROW: f"params.data && params.data.trial_id === {json.dumps(trial_id)}"}


def record_notice(notice: str | None) -> dbc.Alert | None:
    """Why a link opened no record, at the top of the page where it is seen (the record sits below the grid)."""
    if not notice:
        return None
    return dbc.Alert(
        [notice, " Select a trial in the table, or search for it with the search box above it."],
        color="warning",
        className="py-2 small mb-2",
    )


def layout(**query):
    # a link to one trial's record (the filter's keys in the same query are the shared filter's: msc_atlas.filters)
    link = views.detail.link(query.get(trial_link.KEY))
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
            html.Div(record_notice(link.notice), id=TRIAL_NOTICE, role="status"),
            html.P(
                "Sort or filter any column; select a row for its full record, the registry phrases behind each "
                "derived value, and what published reviews say about it.",
                className="text-muted small",
            ),
            html.Label(
                [
                    html.Span("Search trials", className="small fw-semibold me-2"),
                    dcc.Input(
                        id=SEARCH,
                        type="search",
                        debounce=0.3,
                        maxLength=200,
                        placeholder="ID, title, condition, sponsor, outcome",
                        className="form-control form-control-sm",
                        style={"maxWidth": "320px"},
                    ),
                    html.Span(
                        "every word, in any order; the same search as the filter panel's, kept in the link",
                        className="text-muted small ms-2",
                    ),
                ],
                className="d-flex align-items-center flex-wrap mb-2",
            ),
            html.Div(id=EMPTY),
            dcc.Store(id=SERVED),  # the filter and search the grid's rows were last served for
            dcc.Store(id=RELOADED),  # when the grid last checked its rows against them (assets/trials_grid.js)
            dag.AgGrid(
                id=GRID,
                columnDefs=column_defs(),
                # The server holds the rows: the grid asks for a block at a time with its sort and filter models
                # (getRowsRequest) and gets that block and the row count back (getRowsResponse).
                rowModelType="infinite",
                getRowId="params.data.trial_id",
                rowClassRules=linked_row_rule(link.trial_id),
                defaultColDef={"sortable": True, "resizable": True, "floatingFilter": False},
                dashGridOptions={
                    "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                    "cacheBlockSize": BLOCK_SIZE,
                    "maxBlocksInCache": 20,
                    # one request at a time: dash-ag-grid answers the latest request it made, so two blocks
                    # asked for at once would leave the first one loading for ever
                    "maxConcurrentDatasourceRequests": 1,
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
                # opened by its link (or Back / Forward): scrolled to, with the focus on its heading
                children=trial_detail.panel(link.trial_id, reveal="focus"),
            ),
        ]
    )


@callback(
    output=dict(
        response=Output(GRID, "getRowsResponse"),
        count=Output(COUNT, "children"),
        empty=Output(EMPTY, "children"),
        served=Output(SERVED, "data"),
    ),
    inputs=dict(request=Input(GRID, "getRowsRequest")),
    state=dict(filter_data=State(ids.FILTER_STORE, "data")),
    prevent_initial_call=True,
)
def grid_rows(request, filter_data):
    asked = GridRequest.parse(request)
    if asked is None:  # not a request this grid sends (a mapping with an impossible row range gets no rows)
        response = EMPTY_BLOCK if isinstance(request, dict) else dash.no_update
        return {"response": response, "count": dash.no_update, "empty": dash.no_update, "served": dash.no_update}
    state = FilterState.from_dict(filter_data)
    block = views.trials.block(state, asked)
    return {
        "response": {"rowData": block.rows, "rowCount": block.total},
        "count": count_text(state, asked.query, block),
        "empty": empty_notice(state, block),
        "served": {"filter": filter_data},
    }


def count_text(state: FilterState, query: GridQuery, block: Block) -> str:
    if not query.narrows():
        return f"{vocab.plural(block.total)} — {state.describe()}"
    return f"{block.total:,} of {block.matching:,} trials — {state.describe()}; narrowed by the table's column filters"


def empty_notice(state: FilterState, block: Block) -> html.Div | None:
    if block.total:
        return None
    if not block.matching:
        return ui.empty_state(state.describe())
    return html.Div(
        "No trial of this view matches the table's column filters: clear a column's filter (the funnel in its header).",
        className="alert alert-secondary py-2 small",
        role="status",
    )


# The rows the grid holds must be those of the current filter: when it changes, or the server answers for another
# filter than the current one, the grid drops its blocks and asks again (in the browser: assets/trials_grid.js;
# grid_rows reads the filter with every request). The output, on this page only, keeps the callback from running on
# other pages, where the grid does not exist.
clientside_callback(
    ClientsideFunction(namespace="trialsGrid", function_name="reconcile"),
    Output(RELOADED, "data"),
    Input(ids.FILTER_STORE, "data"),
    Input(SERVED, "data"),
    State(GRID, "id"),
    prevent_initial_call=True,
)


@callback(
    output=dict(
        detail=Output(DETAIL, "children"),
        search=Output(ids.URL, "search", allow_duplicate=True),
        notice=Output(TRIAL_NOTICE, "children"),
        linked=Output(GRID, "rowClassRules"),
    ),
    inputs=dict(selected=Input(GRID, "selectedRows")),
    state=dict(search=State(ids.URL, "search")),
    prevent_initial_call=True,
)
def show_trial(selected, search):
    """A selected row opens its record and puts the record's link in the address (a history entry, no reload: the
    shared dcc.Location has refresh=False), so Back returns to the previous record and the address can be shared.
    No selection (the grid reloading its rows after a filter change) leaves the open record, and its link, as is."""
    trial_id = None
    if isinstance(selected, list) and selected and isinstance(selected[0], dict):
        trial_id = selected[0].get("trial_id")
    link = views.detail.link(trial_id) if isinstance(trial_id, str) else None
    if link is None or link.trial_id is None:
        return {"detail": dash.no_update, "search": dash.no_update, "notice": dash.no_update, "linked": dash.no_update}
    address = trial_link.with_trial(search, link.trial_id)
    return {
        "detail": trial_detail.panel(link.trial_id, reveal="nearest"),
        "search": address if address != (search or "") else dash.no_update,
        "notice": None,
        "linked": linked_row_rule(link.trial_id),
    }


# Copy link copies the record's absolute address, made in the browser (assets/trial_record.js)
clientside_callback(
    ClientsideFunction(namespace="trialRecord", function_name="copyLink"),
    Output(trial_detail.COPY, "content"),
    Input(trial_detail.COPY, "n_clicks"),
    State(trial_detail.LINK, "href"),
    prevent_initial_call=True,
)


@callback(
    Output(DOWNLOAD, "data"),
    Input(EXPORT, "n_clicks"),
    State(ids.FILTER_STORE, "data"),
    State(GRID, "getRowsRequest"),
    prevent_initial_call=True,
)
def export_csv(n_clicks, filter_data, request):
    """The rows the grid shows: the grid's last request carries the sort and column filters its rows came with."""
    if not n_clicks:
        return dash.no_update
    if not isinstance(request, dict):  # the grid has not asked yet: its default sort
        request = {"sortModel": DEFAULT_SORT}
    query = GridQuery.parse(request.get("sortModel"), request.get("filterModel"))
    text, filename = views.trials.export_csv(FilterState.from_dict(filter_data), query)
    return {"content": text, "filename": filename, "type": "text/csv"}
