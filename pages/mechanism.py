"""Mechanism: how MSCs and their EVs act, as a diagram built from data/, with the evidence behind every arrow."""

from __future__ import annotations

import csv
import io
from typing import Any

import dash
import dash_bootstrap_components as dbc
import dash_cytoscape as cyto
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from msc_atlas import ids
from msc_atlas.filters import FilterState
from msc_atlas.mechanism import layout as mech_layout
from msc_atlas.mechanism import model as mech_model
from msc_atlas.mechanism import style as mech_style
from msc_atlas.ui import components as ui

# PNG export only: SVG would need cytoscape's "extra" bundle, which Dash then serves on every page
# (+270 KB gzipped, measured in bench/RESULTS.md), for a format few users of a diagram on screen need.
# The PNG is the whole diagram as cytoscape draws it, framed in the browser (assets/mechanism_export.js) with a
# title naming the view and filter, the legend and a citation line: a figure that stands on its own.

dash.register_page(__name__, path="/mechanism", name="Mechanism", order=2, title="Mechanism — MSC Trials Atlas")

GRAPH, WRAP, CONTEXT = "mechanism-graph", "mech-graph-wrap", "mech-context"
CHOOSER, PANEL = "mech-chooser", "mech-panel"
STATUS, ALT, PNG = "mech-status", "mech-text-alt", "mech-download-png"
ALT_DETAILS = "mech-text-details"  # open from the start on a phone (assets/mechanism_phone.js)
CLAIMS_CSV, CLAIMS_DOWNLOAD = "mech-download-claims", "mech-claims-download"
EXPORT_REQUEST, EXPORT_DONE = "mech-export-request", "mech-export-done"
PNG_SCALE = 4
FOLLOW = "follow"
CONTEXT_OPTIONS = [{"label": "Follow the filter", "value": FOLLOW}] + [
    {"label": label, "value": key} for key, label in mech_model.CONTEXTS.items()
]
EMPTY_PANEL = "Click a box or an arrow in the diagram, or choose one from the list, to see the claims behind it."
GAMMA_NOTE = (
    "Trials of IFN-γ pre-conditioned sEVs are not told apart in the registry data: the count is of all "
    "MSC exosome / EV trials."
)


def layout(**_query: Any) -> html.Div:
    return html.Div(
        [
            html.H1("How MSCs and their vesicles act — and the evidence for each step", className="h4"),
            html.P(
                [
                    "MSCs are thought to work less by replacing tissue than as ",
                    html.Em("conducting cells"),
                    ": they release mediators and extracellular vesicles (exosomes / sEVs) that re-tune the patient's own ",
                    html.Em("effector cells"),
                    " — macrophages, T, B, NK and dendritic cells, hepatic stellate cells. "
                    "Each arrow is drawn from short claims read from 21 published sources. Click a box or an arrow to see "
                    "every claim behind it, its evidence level and whether it supports or contrasts.",
                ],
                className="text-muted small mb-2",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Span("Context", id=f"{CONTEXT}-label", className="form-label small fw-semibold me-2"),
                            html.Div(
                                dbc.RadioItems(
                                    id=CONTEXT,
                                    options=CONTEXT_OPTIONS,
                                    value=FOLLOW,
                                    inline=True,
                                    className="small",
                                    name=CONTEXT,
                                ),  # one Tab stop, arrows choose
                                role="radiogroup",
                                className="d-inline-block",
                                **ui.attrs(aria_labelledby=f"{CONTEXT}-label"),
                            ),
                        ],
                        className="me-auto",
                    ),
                    html.Div(
                        [
                            dbc.Button("Download PNG", id=PNG, color="primary", outline=True, size="sm", n_clicks=0),
                            dbc.Button(
                                "Download the claims table (CSV)",
                                id=CLAIMS_CSV,
                                color="primary",
                                outline=True,
                                size="sm",
                                n_clicks=0,
                            ),
                            dcc.Download(id=CLAIMS_DOWNLOAD),
                            dcc.Store(id=EXPORT_REQUEST),
                            dcc.Store(id=EXPORT_DONE),
                        ],
                        className="d-flex flex-wrap gap-2",
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-2 mb-2",
            ),
            html.P(id=STATUS, className="small mb-2", role="status"),
            dbc.Row(
                [
                    dbc.Col(
                        html.Section(
                            [
                                html.Div(
                                    cyto.Cytoscape(
                                        id=GRAPH,
                                        elements=[],
                                        layout={"name": "preset", "fit": True, "padding": 24},
                                        stylesheet=mech_style.stylesheet(),
                                        className="mech-graph",
                                        responsive=True,
                                        userZoomingEnabled=True,
                                        userPanningEnabled=True,
                                        boxSelectionEnabled=False,
                                        autoungrabify=True,
                                        minZoom=0.15,
                                        maxZoom=3,
                                        # cytoscape.js's own default, set explicitly: dash-cytoscape always passes
                                        # this option, and cytoscape warns whenever it is passed (see
                                        # assets/mechanism_console.js)
                                        wheelSensitivity=1,
                                        style={"width": "100%", "height": "100%"},
                                    ),
                                    id=WRAP,
                                    role="img",
                                    className="mech-graph-wrap",
                                    **ui.attrs(aria_label="Mechanism diagram; a text version follows the legend."),
                                ),
                                html.P(
                                    [
                                        "Scroll or pinch to zoom, drag to pan. Thicker arrows rest on more citations.",
                                        html.Span(
                                            " On a phone, every arrow is also written out below the legend.",
                                            className="d-sm-none",
                                        ),
                                    ],
                                    className="chart-note mb-1",
                                ),
                                legend(),
                                html.Details(
                                    [html.Summary("Show the diagram as text"), html.Div(id=ALT)],
                                    id=ALT_DETAILS,
                                    open=False,
                                    className="text-alternative mt-2",
                                ),
                            ],
                            className="card-panel",
                        ),
                        xl=9,
                    ),
                    dbc.Col(
                        html.Section(
                            [
                                html.Label(
                                    "Show the evidence for",
                                    htmlFor=CHOOSER,
                                    className="form-label small fw-semibold mb-1",
                                ),
                                dcc.Dropdown(
                                    id=CHOOSER,
                                    options=[],
                                    placeholder="Choose a box or an arrow…",
                                    clearable=True,
                                    className="mb-2",
                                ),
                                html.Div(
                                    html.P(EMPTY_PANEL, className="text-muted mb-0"),
                                    id=PANEL,
                                    **ui.attrs(aria_live="polite"),
                                ),
                            ],
                            className="card-panel mech-evidence",
                        ),
                        xl=3,
                    ),
                ],
                className="g-3",  # a 1 rem gutter: the row fits the phone layout's 0.5 rem padding
            ),
        ]
    )


def legend() -> html.Div:
    node_items = [
        html.Li([html.Span(className=f"mech-swatch mech-swatch-{kind}"), style["label"]])
        for kind, style in mech_style.NODE_STYLES.items()
    ]
    edge_items = [
        html.Li(
            [html.Img(src=mech_style.legend_svg(kind), alt="", width=58, height=16, className="me-1"), style["label"]]
        )
        for kind, style in [*mech_style.EDGE_STYLES.items(), ("contrasting_only", mech_style.CONTRASTING_STYLE)]
    ]
    return html.Div(
        [
            html.Div([html.H2("Boxes", className="mech-legend-title"), html.Ul(node_items, className="mech-legend")]),
            html.Div([html.H2("Arrows", className="mech-legend-title"), html.Ul(edge_items, className="mech-legend")]),
        ],
        className="mech-legend-wrap",
        **ui.attrs(aria_label="Legend"),
    )


def selected_products(filter_data: Any) -> tuple[str, ...]:
    """The product keys the filter selects (each gets its box in the diagram); () for none or bad input."""
    return tuple(FilterState.from_dict(filter_data).product)


def resolve_context(choice: Any, filter_data: Any) -> tuple[str, bool]:
    """(context shown, whether it follows the filter)."""
    if isinstance(choice, str) and choice in mech_model.CONTEXTS:
        return choice, False
    return mech_model.context_for_focus(FilterState.from_dict(filter_data).focus), True


def trial_counts(filter_data: Any) -> dict[str, int] | None:
    """Trials per product key in the current filter; None when the trial data cannot be read."""
    try:
        from msc_atlas.selection import counts_by

        return counts_by(FilterState.from_dict(filter_data), "product")
    except Exception:  # noqa: BLE001 - the diagram stands without counts; the data layer reports its own errors
        return None


def evidence_tally(claims: list[dict]) -> str:
    if not claims:
        return "no claims"
    # a fact about cells and their EVs sits on both products' arrows: count it once
    facts = {c.get("fact_id") or c["claim_id"]: c["evidence_level"] for c in claims}
    levels = list(facts.values())
    parts = [f"{levels.count(k)} {label.lower()}" for k, label in mech_model.EVIDENCE_LEVELS.items() if k in levels]
    return f"{len(facts)} claim{'s' if len(facts) != 1 else ''} ({', '.join(parts)})"


@callback(
    output=dict(
        elements=Output(GRAPH, "elements"),
        layout=Output(GRAPH, "layout"),
        label=Output(WRAP, "aria-label"),
        status=Output(STATUS, "children"),
        text=Output(ALT, "children"),
        options=Output(CHOOSER, "options"),
    ),
    inputs=dict(choice=Input(CONTEXT, "value"), filter_data=Input(ids.FILTER_STORE, "data")),
)
def draw(choice, filter_data):
    context, following = resolve_context(choice, filter_data)
    nodes, edges = mech_model.subgraph(context, products=selected_products(filter_data))
    elements = mech_layout.cytoscape_elements(nodes, edges, trial_counts(filter_data))
    claims = sorted({c for e in edges for c in e["claim_ids"]})
    all_claims = [mech_model.default_model().claims[c] for c in claims]
    label = mech_model.CONTEXTS[context]
    status = [
        html.Strong(label),
        " — following the focus-area filter" if following else "",
        f": {len(nodes)} boxes, {len(edges)} arrows, {evidence_tally(all_claims)}.",
    ]
    aria = (
        f"Mechanism diagram, {label}: {len(nodes)} boxes and {len(edges)} arrows from products through "
        "mediators to target cells and outcomes. A text version follows the legend."
    )
    sentences = mech_model.edge_sentences(nodes, edges)
    alt = html.Ul([html.Li(s) for s in sentences], className="small mb-0")
    options = [{"label": n["label"], "value": n["node_id"]} for n in nodes] + [
        {"label": s, "value": e["edge_id"]} for s, e in zip(sentences, edges)
    ]
    return {
        "elements": elements,
        "layout": mech_layout.layout_option(elements),
        "label": aria,
        "status": status,
        "text": alt,
        "options": options,
    }


@callback(
    Output(CHOOSER, "value"),
    Input(GRAPH, "tapNodeData"),
    Input(GRAPH, "tapEdgeData"),
    prevent_initial_call=True,
)
def pick(node_data, edge_data):
    data = edge_data if _triggered_prop() == "tapEdgeData" else node_data
    item = data.get("id") if isinstance(data, dict) else None
    return item if isinstance(item, str) and mech_model.describe(item) else dash.no_update


def _triggered_prop() -> str:
    try:
        triggered = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
    except Exception:  # noqa: BLE001 - called outside a callback (tests): no trigger
        return ""
    return str(triggered).rsplit(".", 1)[-1]


def _triggered_id() -> Any:
    try:
        return ctx.triggered_id
    except Exception:  # noqa: BLE001 - called outside a callback (tests): no trigger
        return None


@callback(
    output=dict(panel=Output(PANEL, "children"), stylesheet=Output(GRAPH, "stylesheet")),
    inputs=dict(
        item_id=Input(CHOOSER, "value"), choice=Input(CONTEXT, "value"), filter_data=Input(ids.FILTER_STORE, "data")
    ),
)
def show_evidence(item_id, choice, filter_data):
    context, _ = resolve_context(choice, filter_data)
    products = selected_products(filter_data)
    nodes, edges = mech_model.subgraph(context, products=products)
    info = mech_model.describe(item_id)
    if info is None:
        message = EMPTY_PANEL if item_id in (None, "") else "That item is not in the diagram. " + EMPTY_PANEL
        return {"panel": html.P(message, className="text-muted mb-0"), "stylesheet": mech_style.stylesheet()}
    claims = mech_model.evidence_for(item_id, context, products=products)
    if not claims:
        return {
            "panel": [
                html.H2(info["title"], className="h6"),
                html.P(
                    f"Not part of the {mech_model.CONTEXTS[context]} view. Choose “All contexts” to see it.",
                    className="text-muted mb-0",
                ),
            ],
            "stylesheet": mech_style.stylesheet(),
        }
    return {
        "panel": evidence_panel(info, claims, filter_data),
        "stylesheet": mech_style.stylesheet(item_id, nodes, edges),
    }


def evidence_panel(info: dict, claims: list[dict], filter_data: Any) -> list:
    supports = [c for c in claims if c["stance"] == "supports"]
    contrasts = [c for c in claims if c["stance"] == "contrasts"]
    kind = "Arrow" if info["type"] == "edge" else info["kind"].replace("_", " ").capitalize()
    out: list = [
        html.Div(kind, className="small text-muted text-uppercase"),
        html.H2(info["title"], className="h6 mb-1", id="mech-panel-title"),
        html.P(
            [
                html.Span(f"{len(supports)} supporting", className="mech-tally mech-tally-supports"),
                " · ",
                html.Span(
                    f"{len(contrasts)} contrasting",
                    className="mech-tally" + (" mech-tally-contrasts" if contrasts else ""),
                ),
                f" · {evidence_tally(claims)}",
            ],
            className="small mb-2",
        ),
    ]
    if info.get("kind") == "product" and info.get("product_key"):
        out.append(trials_link(info, filter_data))
    for title, group in (("Supporting", supports), ("Contrasting", contrasts)):
        if group:
            out.append(html.H3(f"{title} ({len(group)})", className="mech-group-title"))
            out.append(html.Ol([claim_item(c) for c in group], className="mech-claims"))
    return out


def trials_link(info: dict, filter_data: Any) -> html.Div:
    key = info["product_key"]
    counts = trial_counts(filter_data)
    state = FilterState.from_dict(filter_data)
    href = "/trials" + state.replace(product=[key]).to_query()
    body: list[Any]
    if counts is None:
        body = [dcc.Link("Open the trials of this product", href=href)]
    else:
        n = counts.get(key, 0)
        body = [
            f"{n:,} trial{'s' if n != 1 else ''} in the current filter test this product. ",
            dcc.Link(
                f"Open {n:,} trial{'s' if n != 1 else ''}", href=href, className="fw-semibold", id="mech-trials-link"
            ),
        ]
    if info["id"] == "gamma_sev":
        body.append(html.Div(GAMMA_NOTE, className="text-muted"))
    return html.Div(body, className="mech-trials small mb-2")


def claim_item(c: dict) -> html.Li:
    via = f" · via {c['mediator']}" if c["mediator"] and c["mediator"] not in c["claim"] else ""
    details = [
        html.Span(
            c["evidence_label"],
            className=f"badge mech-badge mech-level-{c['evidence_level']}",
            title=f"Evidence as stated: {c['evidence_raw']}",
        ),
        html.Span(c["stance_label"], className=f"badge mech-badge mech-stance-{c['stance']}"),
        html.Span(c["context_label"], className="badge mech-badge mech-context"),
    ]
    drawn = (
        "Drawn from the mediator: the source attributes the effect to it." if c["drawn_from"] == "mediator" else None
    )
    return html.Li(
        [
            html.Div(c["claim"] + via, className="mech-claim-text"),
            html.Div(details, className="mb-1"),
            html.Div(c["note"], className="mech-note") if c["note"] else None,
            html.Div(drawn, className="mech-note") if drawn else None,
            html.Div(["Arrow: ", c["edge_label"]], className="mech-note"),
            citation(c),
        ],
        className=f"mech-claim mech-claim-{c['stance']}",
    )


def citation(c: dict) -> html.Div:
    """'Author et al., Year, Journal' linked to the article (DOI, else PubMed / PMC), then the page the claim was
    read from; a source no page identified says so."""
    text = c.get("citation") or "Article not identified"
    cite: Any = (
        html.A(text, href=c["citation_url"], target="_blank", rel="noopener noreferrer", className="mech-cite")
        if c.get("citation_url")
        else html.Span(text, className="mech-cite")
    )
    return html.Div(
        [
            cite,
            html.Div(c["citation_title"], className="mech-note fst-italic") if c.get("citation_title") else None,
            html.Div(
                [
                    "read from ",
                    html.A(
                        [c["source_label"], " ↗"],
                        href=c["url"],
                        target="_blank",
                        rel="noopener noreferrer",
                        className="mech-source",
                        title=c["url"],
                    ),
                ],
                className="mech-note",
            ),
        ],
        className="mech-citation",
    )


def claims_csv(context: str, products: tuple[str, ...]) -> str:
    """The claims of the view as CSV text: one row per claim on an arrow, with its citation; empty cells say
    "not reported"."""
    rows = mech_model.claims_table(context, products=products)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["claim_id"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@callback(
    Output(CLAIMS_DOWNLOAD, "data"),
    Input(CLAIMS_CSV, "n_clicks"),
    State(CONTEXT, "value"),
    State(ids.FILTER_STORE, "data"),
    prevent_initial_call=True,
)
def export_claims(n_clicks, choice, filter_data):
    if not n_clicks:
        return dash.no_update
    context, _ = resolve_context(choice, filter_data)
    text = claims_csv(context, selected_products(filter_data))
    return {"content": text, "filename": f"msc-mechanism-claims-{context}.csv", "type": "text/csv"}


def export_citation() -> str:
    """The line under an exported figure: the dataset it was drawn from and where its claims are listed."""
    from msc_atlas.data import load_version  # late import: the diagram stands without the trial data

    try:
        version = load_version().get("dataset_version", "")
    except Exception:  # noqa: BLE001 - a figure without a version is still a figure
        version = ""
    dataset = f"MSC Trials Atlas, dataset {version}" if version else "MSC Trials Atlas"
    n_sources = len({c["reported_in"] for c in mech_model.default_model().claims.values()})
    return (
        f"{dataset}. Each arrow rests on published claims ({n_sources} sources); the page's claims table (CSV) "
        "cites them with authors, year, journal and DOI / PubMed link."
    )


@callback(
    Output(EXPORT_REQUEST, "data"),
    Input(PNG, "n_clicks"),
    State(CONTEXT, "value"),
    State(ids.FILTER_STORE, "data"),
    prevent_initial_call=True,
)
def export_image(n_clicks, choice, filter_data):
    if _triggered_id() != PNG or not n_clicks:
        return dash.no_update
    context, _ = resolve_context(choice, filter_data)
    state = FilterState.from_dict(filter_data)
    return {
        "n": n_clicks,  # a new request per click, even with an unchanged view
        "type": "png",
        "action": "download",
        "filename": f"msc-mechanism-{context}.png",
        "title": f"How MSCs and their vesicles act: {mech_model.CONTEXTS[context]}",
        "subtitle": f"Filter: {state.describe()}",
        "legend": mech_style.export_legend(),
        "citation": export_citation(),
        # the whole diagram (not the part in view), on white, 4 pixels per layout unit: about 3,700 px wide, more
        # than a 17 cm journal figure at 300 dpi needs (2,008 px; tests/test_browser_mechanism.py checks >= 1,800)
        "scale": PNG_SCALE,
    }


# Draws the requested PNG in the browser (cytoscape's canvas + title, legend and citation) and downloads it.
clientside_callback(
    ClientsideFunction(namespace="mechanismExport", function_name="png"),
    Output(EXPORT_DONE, "data"),
    Input(EXPORT_REQUEST, "data"),
    State(GRAPH, "id"),
    prevent_initial_call=True,
)


clientside_callback(
    ClientsideFunction(namespace="mechanismPhone", function_name="openOnPhone"),
    Output(ALT_DETAILS, "open"),
    Input(ALT_DETAILS, "id"),
)
