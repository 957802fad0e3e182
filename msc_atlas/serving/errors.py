"""Errors never reach a visitor as a traceback: a callback that raises is logged and shown as a short notice, a
request to the callback endpoint that is not a callback request gets a 400, anything else a plain 500."""

from __future__ import annotations

import json
import logging

import dash
from dash import html
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from msc_atlas import ids
from msc_atlas.serving.startup import one_line

LOG = logging.getLogger("msc_atlas")
DISPATCH_SUFFIX = "_dash-update-component"
USER_MESSAGE = (
    "Something went wrong while updating this view; the problem was logged. Try another filter, or reload the page."
)


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
    dash.set_props(
        ids.NOTICE, {"children": html.Div(USER_MESSAGE, className="alert alert-danger py-2 small mb-2", role="alert")}
    )
    return None


def install(server: Flask) -> None:
    """The error handler of every request (callback errors have their own: `on_callback_error`)."""

    @server.errorhandler(Exception)
    def _unexpected(err: Exception) -> HTTPException | Response:
        if isinstance(err, HTTPException):
            return err
        if request.path.endswith(DISPATCH_SUFFIX):
            # Callback exceptions never get here (on_callback_error handles them): what does is Dash failing to
            # read the request itself - a body that is not a callback request. The client's fault: 400.
            LOG.warning(
                "malformed callback request from %s: %s: %s",
                request.remote_addr,
                type(err).__name__,
                one_line(err)[:200],
            )
            return Response(
                json.dumps({"error": "malformed callback request"}), status=400, mimetype="application/json"
            )
        LOG.error("unhandled error on %s %s", request.method, request.path, exc_info=err)
        return Response("Internal server error; the problem was logged.", status=500, mimetype="text/plain")
