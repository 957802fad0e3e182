"""Methods: the flow of records behind the dataset and the current view, a methods paragraph ready to paste, and the
publication table (XLSX, Markdown, CSV) and flow diagram (SVG) of the view."""

from __future__ import annotations

import dash
import flask
from dash import Input, Output, State, callback, dcc, html

from msc_atlas import data, ids, views, vocab
from msc_atlas.filters import FilterState
from msc_atlas.review import flow_svg, methods, table
from msc_atlas.selection import counts_by, trial_counts
from msc_atlas.ui.components import attrs

dash.register_page(__name__, path="/methods", name="Methods", order=6, title="Methods — MSC Trials Atlas")

FLOW, TEXT, LINK = "methods-flow", "methods-text", "methods-link"
EXPORTS = {"xlsx": "Table (Excel .xlsx)", "md": "Table (Markdown)", "csv": "Table (CSV)", "svg": "Flow diagram (SVG)"}


def _box(box_id: str, title: str, lines: list[str] | None = None, extra: str = "") -> html.Div:
    return html.Div(
        [html.Div(title, className="flow-title"), html.Ul([html.Li(line) for line in lines]) if lines else None],
        id=box_id,
        className=f"flow-box {extra}".strip(),
    )


def flow_boxes(flow: dict, view_label: str, view_trials: int) -> list:
    """The flow diagram as HTML boxes in reading order (main column, side boxes beside it on wide screens)."""
    arrow = html.Div("↓", className="flow-arrow", **attrs(aria_hidden="true"))
    included = [f"{vocab.label(vocab.PRODUCTS, k)}: {v:,}" for k, v in flow["included_by_product"].items()]
    return [
        html.Div(
            [
                _box(
                    "flow-records",
                    f"Records read: {flow['records_read']:,}",
                    [f"{s['label']}: {s['records']:,}" for s in flow["sources"]],
                ),
                _box(
                    "flow-removed",
                    f"Removed: {flow['duplicate_rows'] + flow['merged_records']:,}",
                    [
                        f"exact duplicate rows: {flow['duplicate_rows']:,}",
                        f"merged into another record of the same trial (cross-registrations, earlier snapshots): "
                        f"{flow['merged_records']:,}",
                    ],
                    "side",
                ),
            ],
            className="flow-row",
        ),
        arrow,
        html.Div(
            [
                _box("flow-screened", f"Trials screened: {flow['trials_screened']:,}"),
                _box(
                    "flow-excluded",
                    f"Excluded before classification: {flow['excluded_trials']:,}",
                    [f"{e['reason']}: {e['trials']:,}" for e in flow["excluded"]],
                    "side",
                ),
            ],
            className="flow-row",
        ),
        arrow,
        html.Div(
            [
                _box("flow-assessed", f"Trials classified: {flow['trials_assessed']:,}"),
                _box(
                    "flow-not-msc",
                    f"Not an MSC product: {flow['not_msc_trials']:,}",
                    [f"{e['reason']}: {e['trials']:,}" for e in flow["not_msc"]],
                    "side",
                ),
            ],
            className="flow-row",
        ),
        arrow,
        html.Div(
            [_box("flow-included", f"MSC-derived trials included: {flow['included_trials']:,}", included)],
            className="flow-row",
        ),
        arrow,
        html.Div(
            [_box("flow-view", f"In this view: {vocab.plural(view_trials)}", [view_label], "view")],
            className="flow-row",
        ),
    ]


def layout(**_query):
    return html.Div(
        [
            html.H1("Methods: from this view to a review", className="h4 mb-1"),
            html.P(
                "How the trials were found, merged and screened, what the current filter keeps, and the text, table "
                "and figures a systematic review needs. Everything follows the filter in the panel.",
                className="text-muted small mb-3",
            ),
            html.Section(
                [
                    html.H2("Flow of records", className="h5"),
                    html.P("Every record of every bundled registry file lands in exactly one box.", className="small"),
                    html.Div(id=FLOW, className="flow", role="group", **attrs(aria_label="Flow of records")),
                ],
                className="card-panel",
            ),
            html.Section(
                [
                    html.H2("Methods paragraph for this view", className="h5"),
                    html.Div(
                        [
                            dcc.Clipboard(target_id=TEXT, title="Copy the paragraph", className="copy-button"),
                            html.Span("Copy", className="small ms-1"),
                        ],
                        className="d-flex align-items-center mb-1",
                    ),
                    html.P(id=TEXT, className="methods-text", **attrs(aria_live="polite")),
                    html.P(["Link to this view: ", html.A(id=LINK, href="/")], className="small mb-0"),
                ],
                className="card-panel",
            ),
            html.Section(
                [
                    html.H2("Publication table and figures", className="h5"),
                    html.P(
                        "The filtered trials in the columns reviews print: registry ID, title, countries, phase, "
                        "enrollment, tissue source, donor, route, dose range, status, first posted. The Excel file has a "
                        "second sheet with the dataset version, the filter, the link, this methods paragraph and how to "
                        "cite. Every chart has its own SVG and 300 dpi PNG download buttons, titled with the filter.",
                        className="small",
                    ),
                    html.Div(
                        [
                            html.Button(
                                label,
                                id=f"methods-export-{kind}",
                                n_clicks=0,
                                className="btn btn-outline-primary btn-sm me-2 mb-2",
                            )
                            for kind, label in EXPORTS.items()
                        ]
                    ),
                    dcc.Download(id="methods-download"),
                ],
                className="card-panel",
            ),
        ]
    )


def _reading(state: FilterState) -> dict[str, int]:
    """The view's trials per reading status (double_read / rules_only)."""
    return counts_by(state, "reading")


def _view(filter_data) -> tuple[FilterState, dict, str]:
    state = FilterState.from_dict(filter_data)
    counts = trial_counts()
    numbers = counts.headline_numbers(counts.index.mask(state))
    try:  # the address the reader used, so the link works from the same host
        root = flask.request.host_url.rstrip("/")
    except RuntimeError:
        root = ""
    return state, numbers, f"{root}/{state.to_query()}"


@callback(
    output=dict(
        flow=Output(FLOW, "children"),
        text=Output(TEXT, "children"),
        link=Output(LINK, "children"),
        href=Output(LINK, "href"),
    ),
    inputs=dict(filter_data=Input(ids.FILTER_STORE, "data")),
)
def update_methods(filter_data):
    state, numbers, link = _view(filter_data)
    flow = data.load_record_flow()
    text = methods.paragraph(
        scope=state.describe(),
        numbers=numbers,
        version=data.load_version(),
        flow=flow,
        census=data.load_census_accuracy(),
        reading=_reading(state),
        link=link,
        evidence=views.evidence.view(state),
    )
    return dict(flow=flow_boxes(flow, state.describe(), numbers["trials"]), text=text, link=link, href=link)


@callback(
    Output("methods-download", "data"),
    *[Input(f"methods-export-{kind}", "n_clicks") for kind in EXPORTS],
    State(ids.FILTER_STORE, "data"),
    prevent_initial_call=True,
)
def export(*args):
    kind = str(dash.ctx.triggered_id or "").removeprefix("methods-export-")
    if kind not in EXPORTS or not dash.ctx.triggered or not dash.ctx.triggered[0]["value"]:
        return dash.no_update
    state, numbers, link = _view(args[-1])
    version = data.load_version()
    name = f"msc-trials-atlas_{version['dataset_version']}_{numbers['trials']}-trials"
    if kind == "svg":
        svg = flow_svg.render(
            data.load_record_flow(),
            state.describe(),
            numbers["trials"],
            f"Flow of records — MSC Trials Atlas {version['dataset_version']}",
        )
        return {"content": svg, "filename": f"{name}_flow.svg", "type": "image/svg+xml"}
    pub = table.publication_table(trial_counts().index.apply(state))
    if kind == "md":
        return {"content": table.to_markdown(pub), "filename": f"{name}.md", "type": "text/markdown"}
    if kind == "csv":
        return {"content": table.to_csv(pub), "filename": f"{name}.csv", "type": "text/csv"}
    text = methods.paragraph(
        scope=state.describe(),
        numbers=numbers,
        version=version,
        flow=data.load_record_flow(),
        census=data.load_census_accuracy(),
        reading=_reading(state),
        link=link,
        evidence=views.evidence.view(state),
    )
    about = {
        "Dataset version": version["dataset_version"],
        "ClinicalTrials.gov as of": version["ctgov_as_of"],
        "WHO ICTRP as of": version["ictrp_as_of"],
        "Filter": state.describe(),
        "Link": link,
        "Trials": str(len(pub)),
        "Methods": text,
        "Cite as": methods.CITATION.format(
            version=version["dataset_version"], ctgov=version["ctgov_as_of"], ictrp=version["ictrp_as_of"], url=link
        ),
    }
    return dcc.send_bytes(table.to_xlsx(pub, about), f"{name}.xlsx")
