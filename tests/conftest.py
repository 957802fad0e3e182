"""Shared fixtures. Browser tests run in Debian chromium, headless, with every host but this one unresolvable,
so a request to a CDN fails the page instead of silently passing."""

from __future__ import annotations

import os

import pytest

BLOCK_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"


def pytest_configure(config):
    """Under pytest-xdist (scripts/test.sh runs two workers), each worker serves its test apps from its own range
    of ports: dash.testing counts up from 58050 in every process, so two workers would collide."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
    if worker.startswith("gw") and worker[2:].isdigit():
        from dash.testing.application_runners import BaseDashRunner

        BaseDashRunner._next_port = 58050 + 500 * int(worker[2:])


def pytest_setup_options():
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        BLOCK_OTHER_HOSTS,
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-gpu",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    return options


@pytest.fixture(scope="session")
def atlas_app():
    """The real app (app.py at the repo root), imported once per test session."""
    from dash.testing.application_runners import import_app

    return import_app("app")


def severe_logs(dash_duo):
    """Browser console entries at error level (Dash's own dev-tools noise excluded)."""
    return [entry for entry in (dash_duo.get_logs() or []) if entry.get("level") == "SEVERE"]
