"""In headless Chromium: the graph pages draw with the partial plotly.js (and never fetch the full one), and the
pages without a plotly graph load no plotly.js at all, until the user opens a graph page."""

from __future__ import annotations

import time

import pytest
from conftest import severe_logs
from selenium.webdriver.support.ui import WebDriverWait

from msc_atlas import plotly_bundle

# Every plotly.js file the page fetched (resource timing keeps one entry per request), with its decoded size.
PLOTLY_REQUESTS = """return performance.getEntriesByType('resource')
    .filter(function (e) { return /plotly/i.test(e.name); })
    .map(function (e) { return [e.name, e.decodedBodySize]; });"""
REGISTERED_TRACES = "return Object.keys(Plotly.PlotSchema.get().traces).sort();"
PARTIAL_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def assert_only_the_partial_bundle_loaded(dash_duo) -> None:
    requests = dash_duo.driver.execute_script(PLOTLY_REQUESTS)
    # one request, for the partial bundle (a size of 0: served from the browser cache after a revalidation)
    assert [url for url, _ in requests] == [dash_duo.server_url + PARTIAL_URL], requests
    assert requests[0][1] in (0, plotly_bundle.BUNDLE.stat().st_size), requests
    expected = sorted({*plotly_bundle.CORE_TRACE_TYPES, *plotly_bundle.TRACE_TYPES})
    assert dash_duo.driver.execute_script(REGISTERED_TRACES) == expected


def wait_for_all(dash_duo, selectors: list[str], timeout: float = 20) -> None:
    for selector in selectors:
        WebDriverWait(dash_duo.driver, timeout).until(
            lambda d, s=selector: d.find_elements("css selector", s), message=f"nothing drawn at {selector}"
        )


def test_overview_map_and_timeline_draw_with_the_partial_bundle(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    wait_for_all(
        dash_duo, ["#overview-map .choroplethlayer path.choroplethlocation", "#overview-timeline .barlayer .point"]
    )
    assert len(dash_duo.driver.find_elements("css selector", "#overview-map .choroplethlocation")) >= 45
    assert_only_the_partial_bundle_loaded(dash_duo)
    assert severe_logs(dash_duo) == []


def test_sources_routes_bars_matrix_and_doses_draw_with_the_partial_bundle(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/sources-routes")
    wait_for_all(
        dash_duo,
        [
            "#sr-tissue .barlayer .point",
            "#sr-route .barlayer .point",
            "#sr-switched .barlayer .point",
            "#sr-matrix .heatmaplayer image",
            "#sr-dose .scatterlayer .point",
        ],
    )
    assert_only_the_partial_bundle_loaded(dash_duo)
    assert severe_logs(dash_duo) == []


@pytest.mark.parametrize(
    "path, ready",
    [
        ("/trials", "#trials-grid .ag-row[row-id]"),
        ("/mechanism", "#mech-status strong"),
        ("/about", "#about-version"),
    ],
)
def test_pages_without_a_graph_load_no_plotly(dash_duo, atlas_app, path, ready):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element(ready, timeout=20)
    time.sleep(1.0)  # long enough for a lazy graph, had one mounted, to have asked for plotly.js
    assert dash_duo.driver.execute_script("return typeof window.Plotly") == "undefined"
    assert dash_duo.driver.execute_script(PLOTLY_REQUESTS) == []
    assert severe_logs(dash_duo) == []


def test_plotly_loads_on_the_first_graph_page_the_user_opens(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials")
    dash_duo.wait_for_element("#trials-grid .ag-row[row-id]", timeout=20)
    assert dash_duo.driver.execute_script(PLOTLY_REQUESTS) == []
    dash_duo.find_element('[id*="\\"index\\":\\"/sources-routes\\""]').click()  # the navbar: no page reload
    wait_for_all(dash_duo, ["#sr-matrix .heatmaplayer image", "#sr-tissue .barlayer .point"])
    assert_only_the_partial_bundle_loaded(dash_duo)
    assert severe_logs(dash_duo) == []
