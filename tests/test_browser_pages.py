"""What a user does, in headless Chromium against the real app and the bundled data (other hosts unresolvable)."""

from __future__ import annotations

import csv
import io
import pathlib

import dash
import pytest
import reference
from conftest import severe_logs
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait

from msc_atlas.data import load_trials
from msc_atlas.filters import FilterState

PAGES = [  # path, selector that holds real content once callbacks ran, text that must appear in it
    ("/", "#kpi-trials .kpi-value", None),
    ("/sources-routes", "#sr-tissue .xtick", None),
    ("/mechanism", "#mechanism-graph", None),
    ("/trials", "#trials-grid .ag-row[row-id]", None),
    ("/evidence", "#ev-kpi-randomised .kpi-value", None),
    ("/compare?vs=focus%3Dliver", "#cmp-numbers td", None),
    ("/methods", "#flow-view", "In this view"),
    ("/about", "#about-version", None),
]


def expected_count(query: str) -> int:
    state, _ = FilterState.from_search(query)
    return len(reference.apply(state, load_trials()))


def match_count(dash_duo) -> int:
    text = dash_duo.find_element("#match-count").text
    return int(text.split(" of ")[0].replace(",", ""))


def wait_for_count(dash_duo, expected: int, timeout: float = 10) -> None:
    WebDriverWait(dash_duo.driver, timeout).until(
        lambda _: dash_duo.find_element("#match-count").text.startswith(f"{expected:,} of"),
        message=f"match count never became {expected}",
    )


def click_graph(dash_duo, graph: str, move, point_js: str, url_fragment: str) -> None:
    """Click a plotly graph as a user does: move the mouse there (`move(actions)`), wait for plotly's hover label,
    click, and wait for the URL to show the filter. Plotly only turns a click into plotly_click from its hover data,
    and headless Chromium on a busy machine sometimes never delivers that hover; then the click is sent as plotly's
    own plotly_click event for the same point (`point_js`, evaluated with `gd` bound to the graph div), which is
    what dcc.Graph listens to. Either way the app's answer is what the test checks."""
    move(ActionChains(dash_duo.driver)).perform()
    try:
        WebDriverWait(dash_duo.driver, 5).until(
            lambda d: d.find_elements("css selector", f"{graph} .hoverlayer .hovertext")
        )
        ActionChains(dash_duo.driver).click().perform()
        wait_for_url(dash_duo, url_fragment, timeout=4)
    except Exception:  # noqa: BLE001 - no hover or no plotly_click from the synthetic mouse: use plotly's event
        dash_duo.driver.execute_script(
            f"const gd = document.querySelector('{graph} .js-plotly-plot');"
            f"gd.emit('plotly_click', {{points: [{point_js}], event: {{}}}});"
        )
        wait_for_url(dash_duo, url_fragment)


def wait_for_url(dash_duo, fragment: str, timeout: float = 10) -> None:
    WebDriverWait(dash_duo.driver, timeout).until(
        lambda d: fragment in d.current_url, message=f"URL never contained {fragment}"
    )


@pytest.mark.parametrize("path, selector, _", PAGES)
def test_every_page_renders_without_console_errors(dash_duo, atlas_app, path, selector, _):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element(selector, timeout=15)
    wait_for_count(dash_duo, expected_count(""))
    assert severe_logs(dash_duo) == []


def test_overview_numbers_and_map_come_from_the_data(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.wait_for_element("#overview-map .choroplethlocation", timeout=15)
    trials = expected_count("")
    dash_duo.wait_for_text_to_equal("#kpi-trials .kpi-value", f"{trials:,}")
    countries = dash_duo.driver.find_elements("css selector", "#overview-map .choroplethlocation")
    assert len(countries) >= 45  # the map drew with the local topojson (CDN unreachable here)
    assert severe_logs(dash_duo) == []


def test_lens_changes_counts_figures_and_url(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.wait_for_element("#kpi-trials .kpi-value", timeout=15)
    dash_duo.find_element('[id*="\\"index\\":\\"liver\\""]').click()
    liver = expected_count("?focus=liver")
    wait_for_count(dash_duo, liver)
    wait_for_url(dash_duo, "focus=liver")
    dash_duo.wait_for_text_to_equal("#kpi-trials .kpi-value", f"{liver:,}")
    assert "Liver disease" in dash_duo.find_element("#overview-map .gtitle").text
    dash_duo.find_element("#filter-clear").click()
    wait_for_count(dash_duo, expected_count(""))
    assert severe_logs(dash_duo) == []


def test_shared_link_opens_the_same_view_and_navigation_keeps_it(dash_duo, atlas_app):
    query = "?focus=covid19_ards&route=intravenous"
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/sources-routes" + query)
    expected = expected_count(query)
    wait_for_count(dash_duo, expected)
    dash_duo.wait_for_contains_text("#control-route", "Intravenous")
    dash_duo.find_element('a[href^="/trials?"]').click()
    wait_for_url(dash_duo, "/trials?focus=covid19_ards&route=intravenous")
    dash_duo.wait_for_contains_text("#trials-count", f"{expected:,} trials")
    dash_duo.driver.back()
    wait_for_url(dash_duo, "/sources-routes")
    wait_for_count(dash_duo, expected)
    assert severe_logs(dash_duo) == []


def test_clicking_a_country_on_the_map_filters_every_page(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.wait_for_element("#overview-map .choroplethlocation", timeout=15)
    # The map and the numbers above it arrive in one response: once they show, the page no longer moves.
    dash_duo.wait_for_text_to_equal("#kpi-trials .kpi-value", f"{expected_count(''):,}")
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: not d.find_elements("css selector", "#overview-map-wrap [data-dash-is-loading='true']"),
        message="the map never finished loading",
    )
    # The path plotly drew for China (its bound datum carries the ISO-3 code), then a real mouse click on it.
    china = dash_duo.driver.execute_script("""
        return [...document.querySelectorAll('#overview-map .choroplethlocation')]
            .find(path => path.__data__ && path.__data__.loc === 'CHN');
    """)
    assert china is not None, "China is not on the map"
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", china)
    click_graph(
        dash_duo,
        "#overview-map",
        lambda actions: actions.move_to_element(china),
        "{curveNumber: 0, location: 'CHN'}",
        "country=CHN",
    )
    wait_for_count(dash_duo, expected_count("?country=CHN"))
    dash_duo.wait_for_contains_text("#control-country", "China")
    assert severe_logs(dash_duo) == []


def test_csv_export_holds_exactly_the_filtered_rows(dash_duo, atlas_app):
    query = "?focus=liver"
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials" + query)
    expected = sorted(reference.apply(FilterState.from_search(query)[0], load_trials())["trial_id"])
    dash_duo.wait_for_contains_text("#trials-count", f"{len(expected):,} trials")
    dash_duo.wait_for_element("#trials-grid .ag-row[row-id]")
    dash_duo.find_element("#trials-export").click()
    folder = pathlib.Path(dash_duo.download_path)
    WebDriverWait(dash_duo.driver, 10).until(lambda _: list(folder.glob("*.csv")), message="no CSV was downloaded")
    text = next(folder.glob("*.csv")).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# MSC Trials Atlas, dataset ")
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    assert sorted(row["trial_id"] for row in rows) == expected
    assert severe_logs(dash_duo) == []


def test_selecting_a_trial_shows_its_record_and_evidence(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials?q=NCT04252118")
    dash_duo.wait_for_contains_text("#trials-count", "1 trial —")
    dash_duo.find_element("#trials-grid .ag-row[row-id] .ag-cell[col-id='title']").click()
    dash_duo.wait_for_contains_text("#trials-detail", "Tissue source")
    heading = dash_duo.find_element("#trials-detail h2 a")  # the record's own address
    assert heading.get_attribute("href") == dash_duo.server_url + "/trials?trial=NCT04252118"
    registry = dash_duo.find_element("#trials-detail a[href^='https://clinicaltrials.gov/']")
    assert registry.get_attribute("href") == "https://clinicaltrials.gov/study/NCT04252118"
    assert registry.get_attribute("rel") == "noopener noreferrer"
    assert severe_logs(dash_duo) == []


@pytest.mark.parametrize(
    "query",
    [
        "?focus=%E0%A4%A&phase=<script>alert(1)</script>",
        "?from=99999999999999999999&to=-5",
        "?country=XXX,USA&&&=",
        "?" + "q=" + "x" * 5000,
        "?product=msc&product=msc&product=msc_ev&unknown_key=1",
    ],
)
def test_malformed_links_show_a_notice_and_still_work(dash_duo, atlas_app, query):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/" + query)
    dash_duo.wait_for_element("#kpi-trials .kpi-value", timeout=15)
    dash_duo.wait_for_contains_text("#filter-notice", "ignored")
    assert "<script>" not in dash_duo.driver.page_source.split("filter-notice")[0][-200:]
    assert severe_logs(dash_duo) == []


def test_clicking_a_source_route_cell_filters_by_that_pair(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/sources-routes")
    dash_duo.wait_for_element("#sr-matrix .heatmaplayer", timeout=15)
    dash_duo.wait_for_contains_text("#sr-dose-note", "matching trials")  # same response: the page has settled
    # The top-left cell is the largest pair (rows and columns are sorted by their totals).
    drag = dash_duo.find_element("#sr-matrix .nsewdrag")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", drag)
    dx, dy = dash_duo.driver.execute_script("""
        const gd = document.querySelector('#sr-matrix .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        return [xa.d2p(0), ya.d2p(0)];
    """)
    # selenium 4.2 (the cap of dash[testing]) measures the offset from the element's top-left corner
    click_graph(
        dash_duo,
        "#sr-matrix",
        lambda actions: actions.move_to_element_with_offset(drag, int(dx), int(dy)),
        "{curveNumber: 0, x: gd._fullLayout.xaxis._categories[0], y: gd._fullLayout.yaxis._categories[0]}",
        "tissue=",
    )
    state, _ = FilterState.from_search(dash_duo.driver.current_url.split("?", 1)[1])
    assert len(state.tissue) == 1 and len(state.route) == 1
    wait_for_count(dash_duo, expected_count("?" + dash_duo.driver.current_url.split("?", 1)[1]))
    assert severe_logs(dash_duo) == []


def test_an_unknown_path_shows_a_way_back(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/no-such-page?focus=liver")
    dash_duo.wait_for_contains_text("#_pages_content", "This page does not exist")
    pages = [page for page in dash.page_registry.values() if not page["module"].endswith("not_found_404")]
    assert len(dash_duo.driver.find_elements("css selector", "#_pages_content li a")) == len(pages) == 8  # every page
    assert "404" not in dash_duo.find_element(".main-nav").text
    assert severe_logs(dash_duo) == []
