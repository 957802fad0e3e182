"""Serving concerns, kept out of app.py: security headers, /health, logs to stdout, one handler for every callback
error, and a start that fails with one clear line on a broken dataset.

`harden(app)` is called once after the Dash app exists; `on_callback_error` is given to `Dash(on_error=...)`;
`load_dataset_or_exit()` runs before the app is built.
"""
from __future__ import annotations

import gzip
import json
import logging
import sys
import threading
import dash
from dash import html

from msc_atlas import ids

LOG = logging.getLogger("msc_atlas")
DISPATCH_SUFFIX = "_dash-update-component"

# Plotly and Dash inject <style> elements and style attributes at run time, hence 'unsafe-inline' for styles only.
# Scripts: our own origin plus the hash of each inline script Dash writes into the index page; never 'unsafe-eval'.
CSP_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}
STATIC_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
USER_MESSAGE = ("Something went wrong while updating this view; the problem was logged. "
                "Try another filter, or reload the page.")


# ------------------------------------------------------------------------------------------------ start-up

class StartupError(SystemExit):
    """Raised instead of a traceback when the dataset cannot be used: exits with status 1 and one line on stderr."""


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def load_dataset_or_exit():
    """Load and validate every data/ table the app serves; on any problem print one line and exit non-zero.

    A broken dataset must stop the start: an app that starts on it could show silently wrong numbers.
    """
    from msc_atlas import data
    from msc_atlas.mechanism import model as mechanism

    try:
        trials = data.load_trials()
        data.load_version()
        data.load_published_facts()
        data.load_conflicts()
        data.load_corrections()
        mechanism.default_model()
    except (data.DatasetError, mechanism.MechanismDataError, OSError) as err:
        message = f"MSC Trials Atlas cannot start: {one_line(err)}"
        print(message, file=sys.stderr, flush=True)
        raise StartupError(1) from None
    return trials


# ------------------------------------------------------------------------------------------------ logging

def configure_logging(debug: bool = False) -> None:
    """Application logs to stdout (under gunicorn, next to its access log); leaves existing handlers alone."""
    if LOG.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.DEBUG if debug else logging.INFO)
    LOG.propagate = False


# ------------------------------------------------------------------------------------------------ callbacks

def on_callback_error(err: Exception) -> None:
    """Global Dash callback error handler: log the traceback, tell the user in the notice area, change nothing else.

    Returning None makes Dash answer with no_update for the callback's own outputs, so the page keeps what it
    showed; the response carries the notice and never a traceback.
    """
    try:
        where = dash.callback_context.triggered_id
    except Exception:  # noqa: BLE001 - outside a request (direct calls in tests)
        where = None
    LOG.error("callback failed (trigger %r): %s", where, err, exc_info=err)
    dash.set_props(ids.NOTICE, {"children": html.Div(USER_MESSAGE, className="alert alert-danger py-2 small mb-2",
                                                     role="alert")})
    return None


# ------------------------------------------------------------------------------------------------ compression

# Static files worth compressing, and the smallest size that pays (a gzip header costs ~20 bytes).
COMPRESSIBLE = ("application/javascript", "text/javascript", "text/css", "application/json", "image/svg+xml")
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
MIN_COMPRESS_BYTES = 1024
GZIP_LEVEL = 6  # level 9 saves 0.2 % more on plotly.min.js for 30 % more CPU (bench/RESULTS.md)


class StaticGzipCache:
    """gzip for the static JS / CSS / JSON that Dash serves, compressed once per file and process, then reused.

    Compressing plotly.min.js (4.8 MB -> 1.5 MB) costs ~130 ms of CPU: doing it per request would make every first
    visit pay it; cached, it is paid once per worker. Keyed by path + query (Dash fingerprints component-suite
    URLs with their version, assets with their mtime) and the body's length, so a changed file is recompressed.
    """

    def __init__(self, max_entries: int = 256):
        self._entries: dict[tuple[str, int], bytes] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: str, body: bytes) -> bytes:
        entry_key = (key, len(body))
        found = self._entries.get(entry_key)
        if found is None:
            found = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            with self._lock:
                if len(self._entries) >= self._max:
                    self._entries.clear()
                self._entries[entry_key] = found
        return found


def _compress_static(response, request, cache: StaticGzipCache):
    if (response.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "")
            or not request.path.startswith(STATIC_PREFIXES) or response.headers.get("Content-Encoding")
            or response.mimetype not in COMPRESSIBLE or request.method != "GET"):
        return response
    response.direct_passthrough = False  # send_file streams; read the file once to compress it
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(cache.get(request.full_path, body))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:  # the gzip body is a different representation: it must not share the plain file's ETag
        response.set_etag(f"{etag}-gzip", weak=weak)
    response.headers["Content-Length"] = str(len(response.get_data()))
    response.vary.add("Accept-Encoding")
    return response


# ------------------------------------------------------------------------------------------------ HTTP

def content_security_policy(app: dash.Dash) -> str:
    directives = {name: list(values) for name, values in CSP_DIRECTIVES.items()}
    directives["script-src"] += app.csp_hashes()
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def harden(app: dash.Dash, compress_static: bool = True) -> None:
    """Security headers on every response, /health, gzip for static files (cached), and no 5xx or traceback for a
    malformed callback request."""
    from flask import Response, request
    from werkzeug.exceptions import HTTPException

    from msc_atlas import data

    server = app.server
    policy: dict[str, str] = {}
    gzip_cache = StaticGzipCache()

    @server.after_request
    def _security_headers(response: Response) -> Response:
        if compress_static:
            response = _compress_static(response, request, gzip_cache)
        # Computed on the first response: by then every page module (and any clientside callback) is registered.
        if "csp" not in policy:
            policy["csp"] = content_security_policy(app)
        response.headers["Content-Security-Policy"] = policy["csp"]
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def health() -> Response:
        body = {"status": "ok", "trials": int(len(data.load_trials())),
                "dataset_version": data.load_version()["dataset_version"]}
        return Response(json.dumps(body), mimetype="application/json", headers={"Cache-Control": "no-store"})

    server.add_url_rule("/health", "health", health, methods=["GET"])

    @server.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return err
        if request.path.endswith(DISPATCH_SUFFIX):
            # Callback exceptions never get here (on_callback_error handles them): what does is Dash failing to
            # read the request itself - a body that is not a callback request. The client's fault: 400.
            LOG.warning("malformed callback request from %s: %s: %s", request.remote_addr,
                        type(err).__name__, one_line(err)[:200])
            return Response(json.dumps({"error": "malformed callback request"}), status=400,
                            mimetype="application/json")
        LOG.error("unhandled error on %s %s", request.method, request.path, exc_info=err)
        return Response("Internal server error; the problem was logged.", status=500, mimetype="text/plain")



def finish_dash_setup(server) -> None:
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
