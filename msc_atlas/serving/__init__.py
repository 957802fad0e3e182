"""Serving concerns, kept out of app.py, one module per job:

* `startup`: logs to stdout, a start that fails with one clear line on a broken dataset, Dash's first-request
  set-up done before gunicorn forks;
* `errors`: one handler for every callback error (a notice, never a traceback), 400 for malformed callback requests;
* `headers`: Content-Security-Policy and the other security headers;
* `compression`: gzip for static files, compressed once per file and process;
* `reload`: a refreshed dataset version served without a restart (a repointed data directory is loaded, validated
  and swapped in by each worker);
* `harden(app)` (here): all of the above on an app, plus /health.
"""

from __future__ import annotations

import json

import dash
from flask import Response

from msc_atlas.serving import compression, errors, headers, reload
from msc_atlas.serving.errors import on_callback_error
from msc_atlas.serving.startup import (
    LOG,
    StartupError,
    configure_logging,
    finish_dash_setup,
    load_dataset_or_exit,
    warm_default_views,
)

__all__ = [
    "LOG",
    "StartupError",
    "configure_logging",
    "finish_dash_setup",
    "harden",
    "load_dataset_or_exit",
    "on_callback_error",
    "warm_default_views",
]


def harden(app: dash.Dash, compress_static: bool = True) -> None:
    """Security headers on every response, /health, gzip for static files (cached), and no 5xx or traceback for a
    malformed callback request."""
    headers.install(app)
    if compress_static:
        compression.install(app.server)
    errors.install(app.server)
    reload.install(app.server)
    app.server.add_url_rule("/health", "health", health, methods=["GET"])


def health() -> Response:
    """200 with the number of trials and the dataset version once the app is up (for a load balancer)."""
    from msc_atlas import data

    body = {
        "status": "ok",
        "trials": len(data.load_trials()),
        "dataset_version": data.load_version()["dataset_version"],
    }
    return Response(json.dumps(body), mimetype="application/json", headers={"Cache-Control": "no-store"})
