"""Starting the app: logs to stdout, a dataset check that stops a start on broken data with one clear line, and
Dash's first-request set-up and the default views done once before gunicorn forks its workers."""

from __future__ import annotations

import logging
import sys

import pandas as pd
from flask import Flask

LOG = logging.getLogger("msc_atlas")


class StartupError(SystemExit):
    """Raised instead of a traceback when the dataset cannot be used: exits with status 1 and one line on stderr."""


def one_line(message: object) -> str:
    return " ".join(str(message).split())


def load_dataset_or_exit() -> pd.DataFrame:
    """Load and validate every data/ table the app serves; on any problem print one line and exit non-zero.

    A broken dataset must stop the start: an app that starts on it could show silently wrong numbers.
    """
    from msc_atlas import data
    from msc_atlas.mechanism import model as mechanism

    try:
        trials = data.load_all()
    except (data.DatasetError, mechanism.MechanismDataError, OSError) as err:
        message = f"MSC Trials Atlas cannot start: {one_line(err)}"
        print(message, file=sys.stderr, flush=True)
        raise StartupError(1) from None
    return trials


def configure_logging(debug: bool = False) -> None:
    """Application logs to stdout (under gunicorn, next to its access log); leaves existing handlers alone."""
    if LOG.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.DEBUG if debug else logging.INFO)
    LOG.propagate = False


def finish_dash_setup(server: Flask) -> None:
    """Run Dash's first-request set-up now (gunicorn.conf.py calls this in the master, before workers fork).

    Dash fills its callback map and the pages router in a before_request hook that marks itself done *before* it
    finishes; two threads of a fresh worker racing on their first requests could see a half-filled map and fail
    ("Callback function not found": measured as 400s under load after a worker restart). One in-process request
    here does the set-up once. Not called from harden(): Flask refuses new handlers after a first request, and
    `app.run(debug=True)` / the test runners still add some.
    """
    response = server.test_client().get("/health")
    if response.status_code != 200:
        raise RuntimeError(f"the app did not answer /health while starting: {response.status_code}")


def warm_default_views() -> None:
    """Compute what a first visit to each page shows (the default filter) once, in the master before the workers
    fork: every worker then starts with those views cached instead of its first visitors paying for them (about
    0.1 s per page: bench/bench_first_load.py measures first loads)."""
    from msc_atlas import selection, views
    from msc_atlas.filters import FilterState

    state = FilterState()
    selection.count_matches(state)
    selection.option_counts(state)
    views.coverage.text(state)
    views.overview.view(state)
    views.sources_routes.view(state)
    views.evidence.view(state)
    views.trials.positions(state)
