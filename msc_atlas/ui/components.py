"""Small layout pieces the pages share: chart cards with text alternatives, headline numbers, empty states."""
from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import Any

import dash
from dash import dcc, html

# Every graph's config, the one place for it. Nothing in a chart's toolbar sends data to another origin: plotly.js 4.1
# shows "Share chart..." (sendChartToCloud: uploads the chart to plotlyServerURL, Plotly Cloud by default) unless
# showSendToCloud is off, and its logo links to plotly.com. The empty server URL makes an upload fail even if a
# later plotly.js brought the button back under another switch. tests/test_browser_a11y.py checks the toolbars.
NO_CLOUD = {"showSendToCloud": False, "plotlyServerURL": "", "displaylogo": False}
GRAPH_CONFIG = {
    **NO_CLOUD,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud"],
    "toImageButtonOptions": {"format": "png", "scale": 2},  # drawn and saved in the browser
}


def graph_config() -> dict[str, Any]:
    # plotly.js fetches the world topojson from its CDN unless told where a local copy lives.
    return GRAPH_CONFIG | {"topojsonURL": dash.get_asset_url("topojson/")}


def chart_card(graph_id: str, alt_id: str, controls: Any = None, note: Any = None,
               extra_class: str = "") -> html.Section:
    """A figure with an aria-label (set by the page callback) and a collapsible table of the same numbers."""
    return html.Section([
        controls,
        dcc.Loading(
            html.Div(dcc.Graph(id=graph_id, config=graph_config(), className="atlas-graph"),
                     id=f"{graph_id}-wrap", role="figure"),  # not "img": it holds the toolbar's buttons
            type="dot", delay_show=300,
        ),
        html.P(note, className="chart-note mb-1") if note is not None else None,
        html.Details([html.Summary("Show the numbers as a table"), html.Div(id=alt_id)],
                     className="text-alternative"),
    ], className=f"card-panel {extra_class}")


def choice_group(label: str, radio_items: Any) -> html.Div:
    """Radio buttons named as a group ("Colour the map by: MSC cells"), one Tab stop, arrow keys between choices."""
    radio_items.name = radio_items.id
    return html.Div(radio_items, role="radiogroup", **{"aria-label": label})


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str | None = None) -> html.Table:
    # Cached by content: the same view asked for again reuses the components (a few hundred cells on some pages
    # cost milliseconds to build). Components are only read when serialised, so sharing one is safe.
    try:
        return _cached_table(tuple(header), tuple(tuple(row) for row in rows), caption)
    except TypeError:  # an unhashable cell: build it fresh
        return _build_table(header, rows, caption)


@functools.lru_cache(maxsize=512)
def _cached_table(header: tuple, rows: tuple, caption: str | None) -> html.Table:
    return _build_table(header, rows, caption)


def _build_table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str | None) -> html.Table:
    def cell(value: Any) -> str:
        return f"{value:,}" if isinstance(value, int) else str(value)
    return html.Table([
        html.Caption(caption) if caption else None,
        html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
        html.Tbody([html.Tr([html.Td(cell(v)) for v in row]) for row in rows]),
    ], className="table table-sm table-striped mb-0")


def kpi(value: str, label: str, kpi_id: str | None = None) -> html.Div:
    return html.Div([html.Div(value, className="kpi-value"), html.Div(label, className="kpi-label")],
                    className="kpi", id=kpi_id or "")


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"  # None: no trial to take a share of


def empty_state(scope: str) -> html.Div:
    return html.Div([
        html.H2("No trial matches this filter", className="h5"),
        html.P(f"Nothing in the dataset matches: {scope}. Remove a filter in the panel, or start again."),
        html.A("Clear all filters", href="?", className="btn btn-primary btn-sm", id="empty-clear"),
    ], className="empty-state card-panel", role="status")


def click_payload(**fields: Any) -> dict[str, Any]:
    """What a chart click writes to the shared click store: the filter fields to set, plus a stamp so that the
    same click twice still counts as a change."""
    return {"set": fields, "at": time.time_ns()}
