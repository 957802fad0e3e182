"""ChartCard: a chart with its accessible name and a table of the same numbers, as one All-in-One component.

The card owns the ids of its parts, all derived from one name, so a page names a card once and its callback
addresses the parts through the card:

    ChartCard("overview-map", note="Click a country ...")          # in the layout
    output=dict(map=ChartCard.outputs("overview-map"), ...)        # in the callback
    return {"map": ChartCard.content(figure, title, table), ...}   # or ChartCard.BLANK when nothing is drawn

Ids (plain strings, so that CSS, <label for>, tests and benchmarks can select them): `name` is the dcc.Graph,
`name-wrap` the role="figure" wrapper whose aria-label states what the chart shows, `name-table` the container of the
text alternative inside a <details>.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Output, dcc, html

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


def graph_config() -> Any:  # dcc.Graph's Config type; a plain dict is what it receives
    # plotly.js fetches the world topojson from its CDN unless told where a local copy lives.
    return GRAPH_CONFIG | {"topojsonURL": dash.get_asset_url("topojson/")}


class ChartCard(html.Section):
    """A figure with an aria-label (set by the page callback) and a collapsible table of the same numbers."""

    class ids:  # noqa: N801 - the All-in-One convention: ChartCard.ids.graph(name)
        @staticmethod
        def graph(name: str) -> str:
            return name

        @staticmethod
        def wrap(name: str) -> str:
            return f"{name}-wrap"

        @staticmethod
        def table(name: str) -> str:
            return f"{name}-table"

    # What the card's outputs receive when the page has nothing to draw (the cards are hidden then).
    BLANK: dict[str, Any] = {"figure": {}, "label": "", "table": None}

    def __init__(self, name: str, controls: Any = None, note: Any = None) -> None:
        super().__init__(
            [
                controls,
                dcc.Loading(
                    html.Div(
                        dcc.Graph(id=self.ids.graph(name), config=graph_config(), className="atlas-graph"),
                        id=self.ids.wrap(name),
                        role="figure",  # not "img": it holds the toolbar's buttons
                    ),
                    type="dot",
                    delay_show=300,
                ),
                html.P(note, className="chart-note mb-1") if note is not None else None,
                html.Details(
                    [html.Summary("Show the numbers as a table"), html.Div(id=self.ids.table(name))],
                    className="text-alternative",
                ),
            ],
            className="card-panel",
        )

    @classmethod
    def outputs(cls, name: str) -> dict[str, Output]:
        """The card's outputs, for a callback's `output=dict(...)`: figure, accessible name, table."""
        return {
            "figure": Output(cls.ids.graph(name), "figure"),
            "label": Output(cls.ids.wrap(name), "aria-label"),
            "table": Output(cls.ids.table(name), "children"),
        }

    @staticmethod
    def content(figure: Any, label: str, table: Any) -> dict[str, Any]:
        """The values of `outputs(name)`: the figure, the sentence that names it, the table of its numbers."""
        return {"figure": figure, "label": label, "table": table}
