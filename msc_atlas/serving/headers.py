"""Security headers on every response: a Content-Security-Policy with hashes of the inline scripts Dash writes
(no 'unsafe-eval'), no framing, no sniffing, a strict referrer policy."""

from __future__ import annotations

import dash
from flask import Response

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


def content_security_policy(app: dash.Dash) -> str:
    directives = {name: list(values) for name, values in CSP_DIRECTIVES.items()}
    directives["script-src"] += app.csp_hashes()
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install(app: dash.Dash) -> None:
    policy: dict[str, str] = {}

    @app.server.after_request
    def _security_headers(response: Response) -> Response:
        # Computed on the first response: by then every page module (and any clientside callback) is registered.
        if "csp" not in policy:
            policy["csp"] = content_security_policy(app)
        response.headers["Content-Security-Policy"] = policy["csp"]
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
