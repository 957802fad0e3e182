"""The partial plotly.js (msc_atlas.plotly_bundle): it registers every trace type the app draws, it is what the URL
dcc.Graph loads plotly.js from answers (never the full bundle), and it is the file its README and build describe."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import plotly
import pytest
import reference

from msc_atlas import fields, figures, plotly_bundle
from msc_atlas.data import load_trials
from msc_atlas.filters import LENSES, FilterState

ROOT = Path(__file__).resolve().parent.parent
FULL = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
REGISTERED = set(plotly_bundle.CORE_TRACE_TYPES) | set(plotly_bundle.TRACE_TYPES)
STATES = [
    FilterState(),
    *[state for _, state in LENSES.values()],
    FilterState(country=("CHN",)),
    FilterState(product=("msc_ev",)),
    FilterState(route=("intravenous",), tissue=("umbilical_cord",)),
    FilterState(q="no trial says this zqxj"),
]  # the last one matches nothing: the empty state


def figures_in(value):
    """Every plotly figure (a dict with a "data" list or a "layout") inside a callback's return value."""
    if isinstance(value, dict):
        if isinstance(value.get("data"), list) or "layout" in value:
            yield value
        else:
            for item in value.values():
                yield from figures_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from figures_in(item)


def trace_types(figure: dict) -> set[str]:
    """The trace types plotly.js needs for a figure: its traces (scatter when untyped) and its template's traces."""
    kinds = {trace.get("type", "scatter") for trace in figure.get("data") or []}
    template = (figure.get("layout") or {}).get("template") or {}
    return kinds | set(template.get("data") or {})


@pytest.fixture(scope="module")
def pages(atlas_app):
    import pages.overview as overview  # imported by the app's page loader
    import pages.sources_routes as sources_routes

    return overview, sources_routes


@pytest.fixture(scope="module")
def drawn(pages) -> list[dict]:
    """Every figure the overview and sources & routes callbacks send, over filter states and chart switches."""
    overview, sources_routes = pages
    found = []
    for state in STATES:
        data = state.to_dict()
        for colour in (option["value"] for option in overview.COLOUR_OPTIONS):
            for stack in (option["value"] for option in overview.stack_options()):
                found += figures_in(overview.update_overview(data, colour, stack))
        for switched in sources_routes.switched_choices():
            found += figures_in(sources_routes.update_sources_routes(data, switched))
    return found


def test_every_figure_the_pages_send_draws_with_the_bundle(drawn):
    kinds = set().union(*(trace_types(figure) for figure in drawn))
    assert kinds <= REGISTERED, f"add {sorted(kinds - REGISTERED)} to TRACE_TYPES and rebuild the bundle"
    # and the list is no longer than needed: each registered type is drawn somewhere (scatter comes with the core)
    assert kinds >= set(plotly_bundle.TRACE_TYPES)


def test_every_figure_function_draws_with_the_bundle():
    frame = load_trials()
    made = [
        reference.world_map(frame, "t"),
        reference.world_map(frame, "t", colour_by="msc_ev"),
        reference.registrations_over_time(frame, "t", "product"),
        reference.registrations_over_time(frame, "t", "focus_area"),
        figures.category_bar(reference.count_by(frame, fields.by_column("donor")), fields.by_column("donor"), "t"),
        figures.tissue_route_heatmap(reference.tissue_route_matrix(frame), "t"),
        reference.dose_by_route(reference.dose_per_kg_by_route(frame), "t"),
    ]
    assert set().union(*(trace_types(figure) for figure in made)) <= REGISTERED


def test_the_built_bundle_registers_exactly_the_listed_trace_types():
    built = plotly_bundle.BUNDLE.read_bytes()
    assert set(plotly_bundle.bundle_traces(built)) == REGISTERED
    # the header comes from the build of this very file: the plotly.js version is the one the installed plotly ships
    assert f"v{plotly_bundle.PLOTLY_JS_VERSION}\n".encode() in built[:300]
    assert f"plotly.js v{plotly_bundle.PLOTLY_JS_VERSION}\n".encode() in FULL.read_bytes()[:100]


def test_the_build_pins_the_same_plotly_js_and_the_readme_states_the_files_sha256():
    package = json.loads((ROOT / "js/plotly-partial/package.json").read_text())
    lock = json.loads((ROOT / "js/plotly-partial/package-lock.json").read_text())
    assert package["devDependencies"]["plotly.js"] == plotly_bundle.PLOTLY_JS_VERSION
    assert lock["packages"]["node_modules/plotly.js"]["version"] == plotly_bundle.PLOTLY_JS_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["devDependencies"]["esbuild"]), "pin esbuild exactly"
    readme = (plotly_bundle.BUNDLE.parent / "README.md").read_text()
    assert f"sha256: `{hashlib.sha256(plotly_bundle.BUNDLE.read_bytes()).hexdigest()}`" in readme
    assert "node_modules/" in (ROOT / ".gitignore").read_text().split()


@pytest.fixture(scope="module")
def client():
    import app

    return app.server.test_client()


@pytest.mark.parametrize("url", [URL, URL.replace("plotly.min.js", "plotly.v7_1_0m1700000000.min.js")])
def test_the_plotly_url_serves_the_partial_bundle(client, url):
    partial = plotly_bundle.BUNDLE.read_bytes()
    plain = client.get(url)
    dash_js = client.get("/_dash-component-suites/dash/dcc/async-graph.js")
    assert plain.status_code == 200 and plain.mimetype == dash_js.mimetype
    assert plain.data == partial
    assert len(partial) < FULL.stat().st_size / 2
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})  # msc_atlas.serving's gzip cache applies
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == partial
    assert len(zipped.data) < len(gzip.compress(FULL.read_bytes(), 6)) / 2
    assert "script-src 'self'" in zipped.headers["Content-Security-Policy"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_other_component_suites_are_untouched(client):
    import dash

    response = client.get("/_dash-component-suites/dash/dcc/async-graph.js")
    assert response.status_code == 200
    assert response.data == (Path(dash.__file__).resolve().parent / "dcc" / "async-graph.js").read_bytes()


def test_dcc_still_asks_for_the_url_served_here():
    """dcc.Graph fetches plotly.js from window._dashPlotlyJSURL, which the renderer sets to this fixed URL: if a Dash
    upgrade changes either, the partial bundle would silently stop being used."""
    import dash

    dash_dir = Path(dash.__file__).resolve().parent
    assert "window.Plotly||" in (dash_dir / "dcc" / "dash_core_components.js").read_text()
    renderer = (dash_dir / "dash-renderer" / "build" / "dash_renderer.min.js").read_text()
    assert f'"_dash-component-suites/plotly/{plotly_bundle.FULL_BUNDLE}"' in renderer
