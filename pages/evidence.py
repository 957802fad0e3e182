"""Evidence: how the trials are designed, how far they got and what came of them (results, publications, silence)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, ctx, dcc, html

from msc_atlas import ids, trial_link, views, vocab
from msc_atlas.filters import FilterState
from msc_atlas.ui import components as ui
from msc_atlas.ui.chart_card import PENDING, ChartCard, built_when_open

dash.register_page(__name__, path="/evidence", name="Evidence", order=4, title="Evidence — MSC Trials Atlas")

FUNNEL, DESIGN, GAP = "ev-funnel", "ev-design", "ev-gap"
# One card switches between the two smaller charts: four graphs on a first load instead of five (bench/RESULTS.md)
ENDED, ENDED_BY, ENDED_NOTE = "ev-ended", "ev-ended-by", "ev-ended-note"
ENDED_VIEWS = {"stopped": "Why trials stopped", "enrollment": "Actual enrollment of completed trials"}
NUMBERS, EMPTY, CHARTS, SNAPSHOT = "ev-numbers", "ev-empty", "ev-charts", "ev-snapshot"
# The largest RCTs: a table of ~160 components, built when opened so that the charts draw first (bench/RESULTS.md)
RCTS, RCT_DETAILS, RCT_REQUEST = "ev-rcts", "ev-rct-details", "ev-rct-request"
GAP_BY, GAP_NOTE = "ev-gap-by", "ev-gap-note"
GAP_VIEWS = {
    "years": "Years since completion",
    "sponsor": "Sponsor class (results due)",
    "country": "Country (results due)",
}
SEMANTICS = [
    html.Li(
        [
            html.Strong("Results posted"),
            " are results on the registry itself; a ",
            html.Strong("results publication"),
            " is a reference the sponsor typed as a result; a ",
            html.Strong("PubMed-linked (derived) publication"),
            " is PubMed's own link to the NCT number, which can be a protocol or a secondary paper, not only results. "
            "Background references are never counted.",
        ]
    ),
    html.Li(
        [
            html.Strong("“None found”"),
            " means none in the snapshot the trial was read from (its date is below and on each trial's record), "
            "not that none exist: papers that do not cite the registry number are not linked.",
        ]
    ),
    html.Li(
        "Results fall due a year after (primary) completion, so trials completed less than a year before their "
        "snapshot are shown apart and never counted as silent."
    ),
    html.Li(
        "Shares are of the trials whose registry states the value: each is printed with its numerator and "
        "denominator; trials that do not say are “not reported”, never counted as no."
    ),
]


def layout(**_query):
    return html.Div(
        [
            html.H1("Evidence: design, results and the reporting gap", className="h4 mb-1"),
            html.P(
                "How the trials in view are designed, how far they got and what came of them, read from each "
                "registry record's design, status, results and reference fields.",
                className="text-muted small mb-2",
            ),
            html.Details(
                [html.Summary("How to read these numbers", className="small"), html.Ul(SEMANTICS, className="small")],
                className="mb-2",
                id="ev-semantics",
                open=True,
            ),
            html.Div(id=NUMBERS, className="row g-2 mb-1", role="list", **ui.attrs(aria_label="Evidence numbers")),
            html.P(id=SNAPSHOT, className="small text-muted mb-3"),
            html.Div(id=EMPTY),
            html.Div(
                [
                    ChartCard(
                        FUNNEL,
                        note="Click a bar to filter every page to those trials. Shares are of the bar's denominator.",
                    ),
                    ChartCard(
                        DESIGN,
                        note="Each bar: the trials of the phase whose registry states allocation, masking or arms "
                        "(numerator/denominator printed). Click a bar to filter to that phase and design.",
                    ),
                    ChartCard(
                        GAP,
                        note=html.Span(id=GAP_NOTE),
                        controls=ui.radio_choices("Break down by", GAP_BY, GAP_VIEWS, "years"),
                    ),
                    ChartCard(
                        ENDED,
                        note=html.Span(id=ENDED_NOTE),
                        controls=ui.radio_choices("Show", ENDED_BY, ENDED_VIEWS, "stopped"),
                    ),
                    html.Section(
                        [
                            html.H2("The largest randomised controlled trials", className="h5 mt-3"),
                            html.P(
                                "Randomised trials with a control arm (placebo, sham, active comparator or no "
                                "intervention), by enrollment as registered (actual or planned).",
                                className="small text-muted",
                            ),
                            html.Details(
                                [
                                    html.Summary(id="ev-rct-summary", className="small"),
                                    html.Div(PENDING, id=RCTS, className="table-responsive"),
                                ],
                                id=RCT_DETAILS,
                                open=False,
                            ),
                            dcc.Store(id=RCT_REQUEST),
                        ],
                        className="card-panel",
                        **ui.attrs(aria_label="Largest randomised controlled trials"),
                    ),
                ],
                id=CHARTS,
            ),
        ]
    )


def ended_view(choice: Any) -> str:
    return ui.chosen(choice, ENDED_VIEWS, "stopped")


def gap_view(choice: Any) -> str:
    return ui.chosen(choice, GAP_VIEWS, "years")


def _share_tile(share: dict[str, Any], label: str, kpi_id: str) -> Any:
    return ui.kpi(
        ui.percent(share["share"]),
        f"{label} ({share['hits']:,} of {share['known']:,} reporting it)",
        kpi_id,
    )


def numbers(view: dict[str, Any]) -> list[Any]:
    design, gap = view["design"], view["gap"]
    tiles = [
        _share_tile(design["randomised"], "randomised", "ev-kpi-randomised"),
        _share_tile(design["blinded"], "blinded", "ev-kpi-blinded"),
        _share_tile(design["controlled"], "with a control arm", "ev-kpi-controlled"),
        ui.kpi(f"{gap['completed']:,}", f"completed of {vocab.plural(view['n'])}", "ev-kpi-completed"),
        ui.kpi(
            ui.percent(gap["silent_share"]),
            f"of completed trials past due show no results ({gap['silent_due']:,} of {gap['due']:,})",
            "ev-kpi-silent",
        ),
    ]
    return [html.Div(tile, className="col-6 col-md-4 col-xl", role="listitem") for tile in tiles]


def snapshot_note(view: dict[str, Any]) -> str:
    parts = [f"{n:,} as of {views.common.long_date(date)}" for date, n in view["snapshots"]]
    return (
        "Results, publications and design as found in the registry snapshots: "
        + "; ".join(parts)
        + " (ClinicalTrials.gov full records; other registries via WHO ICTRP and the COVID-19 TrialsTracker). "
        "Anything posted or published later is not counted."
    )


def gap_note(view: dict[str, Any]) -> str:
    gap = view["gap"]
    return (
        f"{gap['completed']:,} completed trials; {gap['due']:,} completed at least a year before their snapshot, of "
        f"which {gap['silent_due']:,} ({ui.percent(gap['silent_share'])}) show neither results posted nor a result or "
        "PubMed-linked publication. By sponsor class and by country, only trials past due are counted (a trial "
        "run in several countries counts in each; click a country to filter by it)."
    )


def stopped_note(view: dict[str, Any]) -> str:
    stop = view["stopped"]
    per_status = ", ".join(
        f"{n:,} {vocab.label(vocab.STATUSES, status).lower()}" for status, n in stop["per_status"].items()
    )
    return (
        f"{stop['n']:,} stopped trials ({per_status}). Reasons are read from the registry's why-stopped text by "
        "keyword; a trial that gives two reasons counts under each. The table lists every trial with its words."
    )


def enrollment_note(view: dict[str, Any]) -> str:
    sizes = view["enrollment"]
    median = "–" if sizes["median"] is None else f"{sizes['median']:,.0f}"
    return (
        f"{sizes['n']:,} of {sizes['completed']:,} completed trials report their actual enrollment (median "
        f"{median} participants); planned sizes are left out."
    )


NO_RCT = "No randomised controlled trial in this view"


def rct_summary(rows: list[dict[str, Any]]) -> str:
    return f"Show the table ({vocab.plural(len(rows))})" if rows else NO_RCT


def rct_table(rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return html.P(f"{NO_RCT}.", className="small")
    header = ["Trial", "Title", "Phase", "Status", "Enrollment", "Control", "Masking", "Results found"]
    body = [
        html.Tr(
            [
                html.Td(dcc.Link(row["trial_id"], href=trial_link.href(row["trial_id"]))),
                html.Td(row["title"]),
                *[html.Td(row[key]) for key in ("phase", "status", "enrollment", "control", "masking", "results")],
            ]
        )
        for row in rows
    ]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])), html.Tbody(body)],
        className="table table-sm small",
        id="ev-rct-table",
    )


@callback(
    output=dict(
        numbers=Output(NUMBERS, "children"),
        snapshot=Output(SNAPSHOT, "children"),
        empty=Output(EMPTY, "children"),
        hidden=Output(CHARTS, "hidden"),
        funnel=ChartCard.outputs(FUNNEL),
        design=ChartCard.outputs(DESIGN),
        gap=ChartCard.outputs(GAP),
        ended=ChartCard.outputs(ENDED),
        gap_note=Output(GAP_NOTE, "children"),
        ended_note=Output(ENDED_NOTE, "children"),
        rct_summary=Output("ev-rct-summary", "children"),
    ),
    inputs=dict(
        filter_data=Input(ids.FILTER_STORE, "data"), gap_by=Input(GAP_BY, "value"), ended_by=Input(ENDED_BY, "value")
    ),
)
def update_evidence(filter_data, gap_by, ended_by):
    view = views.evidence.view(FilterState.from_dict(filter_data))
    if view["empty"]:
        return {
            "numbers": None,
            "snapshot": None,
            "empty": ui.empty_state(view["scope"]),
            "hidden": True,
            **dict.fromkeys(("funnel", "design", "gap", "ended"), ChartCard.BLANK),
            **dict.fromkeys(("gap_note", "ended_note", "rct_summary"), None),
        }
    figures, titles = view["figures"], view["titles"]
    gap_key = f"gap_{gap_view(gap_by)}"
    ended_key = ended_view(ended_by)
    return {
        "numbers": numbers(view),
        "snapshot": snapshot_note(view),
        "empty": None,
        "hidden": False,
        "funnel": ChartCard.content(figures["funnel"], titles["funnel"]),
        "design": ChartCard.content(figures["design"], titles["design"]),
        "gap": ChartCard.content(figures[gap_key], titles[gap_key]),
        "ended": ChartCard.content(figures[ended_key], titles[ended_key]),
        "gap_note": gap_note(view),
        "ended_note": stopped_note(view) if ended_key == "stopped" else enrollment_note(view),
        "rct_summary": rct_summary(view["rcts"]),
    }


DESIGN_FILTERS = {
    "randomised": ("allocation", "randomised"),
    "blinded": ("blinded", "blinded"),
    "controlled": ("controlled", "controlled"),
}


def click_filter(trigger: Any, point: dict[str, Any], view: dict[str, Any]) -> dict[str, list[str]] | None:
    """The filter fields a click on one of the page's charts sets, or None for a click that names nothing."""
    custom = point.get("customdata")
    if trigger == FUNNEL and isinstance(custom, int) and 0 <= custom < len(view["funnel"]):
        return view["funnel"][custom]["set"] or None
    if trigger == DESIGN and isinstance(custom, list) and len(custom) == 2:
        phase, measure = custom
        if phase in vocab.PHASES and measure in DESIGN_FILTERS:
            key, value = DESIGN_FILTERS[measure]
            return {"phase": [phase], key: [value]}
    if trigger == GAP and isinstance(custom, str) and len(custom) == 3 and custom.isalpha():
        return {"country": [custom.upper()]}
    return None


@callback(
    Output(ids.CLICK_STORE, "data", allow_duplicate=True),
    inputs=dict(
        clicks=[Input(FUNNEL, "clickData"), Input(DESIGN, "clickData"), Input(GAP, "clickData")],
        filter_data=State(ids.FILTER_STORE, "data"),
    ),
    prevent_initial_call=True,
)
def filter_by_clicked_bar(clicks, filter_data):
    click = ctx.triggered[0]["value"] if ctx.triggered else None
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return dash.no_update
    if not isinstance(point, dict):
        return dash.no_update
    view = views.evidence.view(FilterState.from_dict(filter_data))
    chosen = None if view["empty"] else click_filter(ctx.triggered_id, point, view)
    return ui.click_payload(**chosen) if chosen else dash.no_update


# The charts' tables, built when a reader opens one (ChartCard.table), from the same cached view as the charts.
FILTER = Input(ids.FILTER_STORE, "data")


def _table_view(filter_data: Any) -> dict[str, Any] | None:
    view = views.evidence.view(FilterState.from_dict(filter_data))
    return None if view["empty"] else view


@ChartCard.table(FUNNEL, filter_data=FILTER)
def funnel_table(filter_data):
    view = _table_view(filter_data)
    if view is None:
        return None
    rows = [
        (s["stage"], s["n"], "" if not s["of"] else f"{s['n'] / s['of']:.0%} of {s['of']:,}") for s in view["funnel"]
    ]
    return ui.table(["Stage", "Trials", "Share"], rows)


@ChartCard.table(DESIGN, filter_data=FILTER)
def design_table(filter_data):
    view = _table_view(filter_data)
    if view is None:
        return None

    def cell(share: dict[str, Any]) -> str:
        return f"{share['hits']}/{share['known']} ({ui.percent(share['share'])})" if share["known"] else "not reported"

    rows = [
        (row["label"], row["n"], cell(row["randomised"]), cell(row["blinded"]), cell(row["controlled"]))
        for row in view["phases"]
    ]
    return ui.table(["Phase", "Trials", "Randomised", "Blinded", "Controlled"], rows)


@ChartCard.table(GAP, filter_data=FILTER, gap_by=Input(GAP_BY, "value"))
def gap_table(filter_data, gap_by):
    view = _table_view(filter_data)
    if view is None:
        return None
    rows = [
        (row["group"], row["reported"], row["silent"], row["unknown"]) for row in view["gap"][f"by_{gap_view(gap_by)}"]
    ]
    header = [GAP_VIEWS[gap_view(gap_by)], "Results posted or published", "None found", "No results source"]
    return ui.table(header, rows)


@ChartCard.table(ENDED, filter_data=FILTER, ended_by=Input(ENDED_BY, "value"))
def ended_table(filter_data, ended_by):
    view = _table_view(filter_data)
    if view is None:
        return None
    if ended_view(ended_by) == "enrollment":
        return ui.table(["Participants (actual)", "Completed trials"], view["enrollment"]["bins"])
    reasons = [(vocab.label(vocab.STOP_REASONS, key), n) for key, n in view["stopped"]["per_reason"]]
    return html.Div(
        [
            ui.table(["Reason", "Trials"], reasons),
            ui.table(["Trial", "Status", "Why stopped (registry's words)"], view["stopped"]["trials"]),
        ]
    )


@built_when_open(RCT_DETAILS, RCTS, RCT_REQUEST, filter_data=FILTER)
def rcts_table(filter_data):
    view = _table_view(filter_data)
    return rct_table([] if view is None else view["rcts"])
