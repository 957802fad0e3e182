"""Shown for any path that is not a page: a way back instead of a blank screen."""

from __future__ import annotations

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", name="Not found", title="Page not found — MSC Trials Atlas")


def layout(**_query):
    return html.Div(
        [
            html.H1("This page does not exist", className="h4"),
            html.P("The address may be mistyped or out of date. The atlas has these pages:"),
            html.Ul(
                [
                    html.Li(dcc.Link(page["name"], href=page["relative_path"]))
                    for page in dash.page_registry.values()
                    if page["module"] != __name__
                ]
            ),
        ],
        className="card-panel",
        role="status",
    )
