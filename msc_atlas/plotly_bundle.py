"""A partial plotly.js, with only the trace types the atlas draws, served at the URL dcc.Graph loads plotly.js from.

Why this wiring: Dash 4.4.1's dcc.Graph loads plotly.js lazily, when the first graph mounts: it takes
`window.Plotly` if the page already has it, else appends a <script> for `window._dashPlotlyJSURL`, which the renderer
sets (with serve_locally) to the fixed `<prefix>_dash-component-suites/plotly/package_data/plotly.min.js`, not to a
URL from Dash's resource registry. Answering that one URL with the partial bundle keeps dcc's own lazy loading:
pages without a graph (Trials, Mechanism, About) still download no plotly.js, graph pages get 1.5 MB instead of
4.8 MB (0.5 MB instead of 1.5 MB gzipped), and the full bundle is never sent, fingerprinted forms of the URL
included (Dash writes those when `eager_loading=True`). Rejected: a global <script> (assets/ or external_scripts)
loads plotly.js on every page; re-registering the `plotly` resource does not change what that fixed URL serves.

The answer passes through the app's after_request hooks like any static file: msc_atlas.serving's gzip cache (the
path is under /_dash-component-suites/) and the Content-Security-Policy (same origin; the bundle has no eval).

The bundle is built by scripts/build_plotly_bundle.sh (js/plotly-partial/, plotly.js pinned to the version the
installed plotly package bundles) from TRACE_TYPES below; msc_atlas/vendor/README.md states version and sha256.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path

from dash.fingerprint import check_fingerprint

# The trace types msc_atlas.figures draws (tests/test_plotly_bundle.py checks every figure the views build).
# scripts/build_plotly_bundle.sh reads this tuple; plotly.js core always adds "scatter".
TRACE_TYPES = ("bar", "choropleth", "heatmap")
CORE_TRACE_TYPES = ("scatter",)
PLOTLY_JS_VERSION = "4.1.1"  # the version plotly 7.1.0 (and so Dash 4.4.1) bundles; pinned in js/plotly-partial

BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly-partial.min.js"
SUITE = "_dash-component-suites/plotly/"
FULL_BUNDLE = "package_data/plotly.min.js"  # the plotly package path dcc.Graph asks for
MIMETYPE = mimetypes.types_map.get(".js", "application/javascript")  # as Dash serves its own .js files
ONE_YEAR = 31536000


def bundle_traces(bundle: bytes | str) -> tuple[str, ...]:
    """The trace types a built bundle registers, from the `traces:` line the build writes into its header."""
    head = bundle[:2000].decode("utf-8", "replace") if isinstance(bundle, bytes) else bundle[:2000]
    found = re.search(r"^\* traces: ([a-z0-9,]+)$", head, re.MULTILINE)
    return tuple(found.group(1).split(",")) if found else ()


def serve_partial(app, bundle: Path = BUNDLE) -> None:
    """Answer every request for plotly's own plotly.min.js with the partial bundle (call once, after Dash())."""
    from flask import Response, request

    if not app.config.serve_locally:
        raise ValueError("the partial plotly.js needs Dash(serve_locally=True): otherwise dcc loads plotly from a CDN")
    body = bundle.read_bytes()
    etag = hashlib.sha256(body).hexdigest()[:32]
    prefix = app.config.routes_pathname_prefix + SUITE

    def partial_plotly():
        if request.method not in ("GET", "HEAD") or not request.path.startswith(prefix):
            return None
        in_package, fingerprinted = check_fingerprint(request.path[len(prefix) :])
        if in_package != FULL_BUNDLE:
            return None
        # the gzip cache answers with the ETag "<etag>-gzip": either one names this bundle
        for tag in (etag, f"{etag}-gzip"):
            if tag in request.if_none_match:
                response = Response(status=304)
                response.set_etag(tag)
                return response
        response = Response(body, mimetype=MIMETYPE)
        response.set_etag(etag)
        if fingerprinted:
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.public = True
        else:  # the same URL across deployments: the browser revalidates (304 when unchanged)
            response.cache_control.no_cache = True
        return response

    app.server.before_request(partial_plotly)
