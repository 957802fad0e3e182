"""The first-load baseline: a minimal Dash app with one dcc.Graph (one bar trace), served the same way as the atlas.

gunicorn -c gunicorn.conf.py --chdir bench minimal_app:server
"""

from dash import Dash, dcc, html

app = Dash(__name__, serve_locally=True, title="Minimal")
app.layout = html.Div(
    [
        dcc.Graph(
            id="graph",
            figure={
                "data": [{"type": "bar", "x": ["a", "b", "c"], "y": [1, 3, 2]}],
                "layout": {"title": {"text": "One graph"}},
            },
        )
    ]
)
server = app.server


@server.route("/health")
def health():
    return {"status": "ok"}
