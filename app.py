"""MSC Trials Atlas: the Dash app shell (navbar, shared filter, page container). `server` is for gunicorn."""

from __future__ import annotations

from dash import Dash

from msc_atlas import config, data, selection, serving, views
from msc_atlas.plotly_bundle import serve_partial
from msc_atlas.selection import count_matches, option_counts
from msc_atlas.ui import chart_card, filter_sync, shell

serving.configure_logging(config.from_environment().debug)
trials = serving.load_dataset_or_exit()  # a broken data/ stops the start with one clear line, no traceback
selection.trial_counts()  # build the filter index and count tables now (before gunicorn forks), not on a request
views.trials.grid_table()  # and the trials grid's codes

app = Dash(
    __name__,
    use_pages=True,
    title="MSC Trials Atlas",
    update_title=None,  # type: ignore[arg-type] # None turns the "Updating..." title off; Dash's hint says str
    suppress_callback_exceptions=True,
    serve_locally=True,
    on_error=serving.on_callback_error,  # logged, shown as a notice; never a traceback in a response
    meta_tags=[
        {"name": "viewport", "content": "width=device-width, initial-scale=1"},
        {"name": "description", "content": "Clinical trials of mesenchymal stromal cells and their exosomes"},
    ],
)
server = app.server
app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # WCAG 3.1.1 (axe html-has-lang)

countries = sorted({code for cell in trials["countries"] for code in cell.split(";") if code})
app.layout = shell.frame(countries, data.load_version())
filter_sync.register(count_matches, countries, coverage=views.coverage.text, option_counts=option_counts)
chart_card.register_downloads()  # the SVG / PNG buttons of every chart
serve_partial(app)  # dcc.Graph's lazy plotly.js request gets only the trace types drawn
serving.harden(app)  # security headers, /health, no 5xx for malformed callback requests

if __name__ == "__main__":
    settings = config.from_environment()
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
