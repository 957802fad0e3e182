"""ChartCard: a chart with its accessible name and a table of the same numbers, as one All-in-One component.

The card owns the ids of its parts, all derived from one name, so a page names a card once and its callbacks
address the parts through the card:

    ChartCard("overview-map", note="Click a country ...")          # in the layout
    output=dict(map=ChartCard.outputs("overview-map"), ...)        # in the page callback
    return {"map": ChartCard.content(figure, title), ...}          # or ChartCard.BLANK when nothing is drawn

    @ChartCard.table("overview-map", filter_data=Input(...), colour_by=Input(...))
    def map_table(filter_data, colour_by): ...                     # the table of the same numbers

The table is built only when its <details> is opened (a first load sends none of them: on Sources & routes they were
62 KB and 775 components, bench/NOTES.md), and built again while it is open whenever one of its Inputs changes. How:
assets/chart_card.js keeps each <details>' `open` prop in step with the page (html.Details does not report it); a
clientside callback per card asks for the table (writes the card's request store) when the <details> is open and the
Inputs differ from those of the table shown, and empties the table when they change while it is closed, so an old
table is never shown; the server callback then calls the page's function with the Inputs and States as they are.

Every card also has two download buttons, "SVG" and "PNG, 300 dpi": plotly.js draws the export in the browser
(Plotly.toImage; nothing is sent anywhere) at a journal figure's size, titled like the chart (with the filter). One
clientside callback serves every card (pattern-matching ids); it says what was saved in the card's status line.

Ids (plain strings, so that CSS, <label for>, tests and benchmarks can select them): `name` is the dcc.Graph,
`name-wrap` the role="figure" wrapper whose aria-label states what the chart shows, `name-table` the container of the
text alternative inside the <details> `name-details`. The export buttons and status line have pattern-matching ids
({"type": EXPORT, "card": name, "format": "svg" | "png"}, {"type": EXPORT_STATUS, "card": name}).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import dash
from dash import MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html

from msc_atlas.ui.components import attrs

F = TypeVar("F", bound=Callable[..., Any])

# Every graph's config, the one place for it. Nothing in a chart's toolbar sends data to another origin: plotly.js 4.1
# shows "Share chart..." (sendChartToCloud: uploads the chart to plotlyServerURL, Plotly Cloud by default) unless
# showSendToCloud is off, and its logo links to plotly.com. The empty server URL makes an upload fail even if a
# later plotly.js brought the button back under another switch. tests/test_browser_a11y.py checks the toolbars.
# The toolbar's camera ("toImage") is gone too: the card's own buttons save the chart, named, from the keyboard, at
# print size, and one way to save a chart is less to explain than two that give different files.
NO_CLOUD = {"showSendToCloud": False, "plotlyServerURL": "", "displaylogo": False}
GRAPH_CONFIG = {
    **NO_CLOUD,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud", "toImage"],
}

EXPORT, EXPORT_STATUS = "chart-export", "chart-export-status"  # pattern-matching id types
EXPORT_FORMATS = {"svg": "SVG", "png": "PNG, 300 dpi"}
PENDING = "Loading the table…"  # assets/chart_card.js shows the same words when it empties an out-of-date table


def graph_config() -> Any:  # dcc.Graph's Config type; a plain dict is what it receives
    # plotly.js fetches the world topojson from its CDN unless told where a local copy lives.
    return GRAPH_CONFIG | {"topojsonURL": dash.get_asset_url("topojson/")}


class ChartCard(html.Section):
    """A figure with an aria-label (set by the page callback), download buttons, and a collapsible table of the same
    numbers built when it is opened."""

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

        @staticmethod
        def details(name: str) -> str:
            return f"{name}-details"

        @staticmethod
        def table_request(name: str) -> str:
            return f"{name}-table-request"

        @staticmethod
        def export(name: str, file_format: str) -> dict[str, str]:
            return {"type": EXPORT, "card": name, "format": file_format}

        @staticmethod
        def export_status(name: str) -> dict[str, str]:
            return {"type": EXPORT_STATUS, "card": name}

    # What the card's outputs receive when the page has nothing to draw (the cards are hidden then).
    BLANK: dict[str, Any] = {"figure": {}, "label": ""}

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
                html.Div(
                    [html.P(note, className="chart-note mb-0") if note is not None else None, export_buttons(name)],
                    className="chart-card-foot",
                ),
                html.Details(
                    [html.Summary("Show the numbers as a table"), html.Div(PENDING, id=self.ids.table(name))],
                    id=self.ids.details(name),
                    open=False,
                    className="text-alternative",
                ),
                dcc.Store(id=self.ids.table_request(name)),
            ],
            className="card-panel",
        )

    @classmethod
    def outputs(cls, name: str) -> dict[str, Output]:
        """The card's outputs, for a callback's `output=dict(...)`: figure and accessible name."""
        return {"figure": Output(cls.ids.graph(name), "figure"), "label": Output(cls.ids.wrap(name), "aria-label")}

    @staticmethod
    def content(figure: Any, label: str) -> dict[str, Any]:
        """The values of `outputs(name)`: the figure and the sentence that names it."""
        return {"figure": figure, "label": label}

    @classmethod
    def table(cls, name: str, **dependencies: Input | State) -> Callable[[F], F]:
        """Register `build(**values)` as the builder of the card's table (returns `build` itself, to test directly).

        `dependencies` name the values `build` receives: an Input makes an open table follow its changes, a State is
        only read (pass the arguments of the cached view the table comes from, so that it is the same view).
        """
        return built_when_open(cls.ids.details(name), cls.ids.table(name), cls.ids.table_request(name), **dependencies)


def built_when_open(details: str, target: str, request: str, **dependencies: Input | State) -> Callable[[F], F]:
    """Register `build(**values)` as the builder of `target`'s children, asked for only while the <details> `details`
    is open (and again when an Input changes while it is open); `request` is a dcc.Store beside it and `target`
    starts with PENDING. Nothing is built on a first load: the page's first draw does not wait for it."""
    inputs = {key: dep for key, dep in dependencies.items() if isinstance(dep, Input)}

    def register(build: F) -> F:
        clientside_callback(
            ClientsideFunction("atlas", "tableRequest"),
            Output(request, "data"),
            Output(target, "children", allow_duplicate=True),
            Input(details, "open"),
            *[Input(dep.component_id, dep.component_property) for dep in inputs.values()],
            State(request, "data"),
            prevent_initial_call=True,
        )

        @callback(
            Output(target, "children", allow_duplicate=True),
            inputs=dict(asked=Input(request, "data")),
            state={key: State(dep.component_id, dep.component_property) for key, dep in dependencies.items()},
            prevent_initial_call=True,
        )
        def build_when_asked(asked: Any, **values: Any) -> Any:
            if not isinstance(asked, dict):  # the request store is only ever written by tableRequest
                return dash.no_update
            return build(**values)

        return build

    return register


def export_buttons(name: str) -> html.Div:
    """ "Download: SVG | PNG, 300 dpi" as a named group of real buttons, and a status line that says what was saved."""
    return html.Div(
        [
            html.Span("Download", className="chart-export-label", **attrs(aria_hidden="true")),
            *[
                html.Button(
                    label,
                    id=ChartCard.ids.export(name, file_format),
                    type="button",
                    n_clicks=0,
                    className="btn btn-outline-primary btn-sm chart-export-button",
                    **attrs(aria_describedby=ChartCard.ids.wrap(name)),  # the chart's name: which chart is saved
                )
                for file_format, label in EXPORT_FORMATS.items()
            ],
            html.Span(id=ChartCard.ids.export_status(name), role="status", className="chart-export-status"),
        ],
        role="group",
        className="chart-export",
        **attrs(aria_label="Download the chart"),
    )


def register_downloads() -> None:
    """One callback for the download buttons of every card: plotly.js makes the file in the browser
    (assets/chart_card.js). Called by app.py, once per app: a callback registered when this module is imported would
    go to whichever app took Dash's callback list first (a second app in the same process would lack it)."""
    clientside_callback(
        ClientsideFunction("atlas", "exportChart"),
        Output({"type": EXPORT_STATUS, "card": MATCH}, "children"),
        Input({"type": EXPORT, "card": MATCH, "format": "svg"}, "n_clicks"),
        Input({"type": EXPORT, "card": MATCH, "format": "png"}, "n_clicks"),
        prevent_initial_call=True,
    )
