"""Keyboard only, in headless Chromium: everything the mouse does on the atlas, done with Tab, Enter, Space, Escape,
the arrow keys and typing, sent to whatever has the focus (no clicks, no element.click()). Choose a value in every
filter dropdown and the year slider, pick a country and a tissue source x route pair (the map's and the heatmap's
keyboard way: the filter panel, which the chart notes point to), open a chart's table, download a chart, open a
trial's record, open an arrow's evidence; and every Tab stop shows a focus ring."""

from __future__ import annotations

import pathlib

import pytest
from a11y_support import focused, press, set_width, settle, tab_until, wait_for_focus
from conftest import severe_logs
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_pages import expected_count, wait_for_count, wait_for_url

from msc_atlas import ids
from msc_atlas.mechanism import model as mech

DROPDOWN_OPEN = "document.querySelector('.dash-dropdown-content input')"


def open_page(dash_duo, atlas_app, path: str, ready: str, width: str = "desktop") -> None:
    dash_duo.start_server(atlas_app)
    set_width(dash_duo.driver, width)
    dash_duo.driver.get(dash_duo.server_url + path)
    settle(dash_duo.driver, ready)


def choose(driver, control_id: str, typed: str | None = None, downs: int = 1) -> None:
    """Tab to a dropdown, open it with Enter, optionally type to search, arrow down to an option, Enter, Escape."""
    if not driver.execute_script(f"return document.activeElement.id === '{control_id}'"):
        tab_until(driver, f"e.id === '{control_id}'")
    press(driver, Keys.ENTER)
    wait_for_focus(driver, "e.classList.contains('dash-dropdown-search')")
    if typed:
        press(driver, typed, pause=0.5)
    press(driver, *[Keys.ARROW_DOWN] * downs)
    wait_for_focus(driver, "e.classList.contains('dash-options-list-option-checkbox')")
    press(driver, Keys.ENTER, pause=0.4)
    if driver.execute_script(f"return !!{DROPDOWN_OPEN}"):
        press(driver, Keys.ESCAPE)  # multi-select lists stay open; Escape closes and gives the focus back
    wait_for_focus(driver, f"e.id === '{control_id}'")


def test_every_filter_dropdown_and_the_year_slider_work_from_the_keyboard(dash_duo, atlas_app):
    open_page(dash_duo, atlas_app, "/", "#overview-map .main-svg")
    driver = dash_duo.driver
    for field in [f for f in ids.control_fields() if f not in ("q", "years", "dose", "kg_from", "kg_to")]:
        choose(driver, ids.control(field))
        wait_for_url(dash_duo, f"{field}=")
    press(driver, Keys.TAB, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)  # the slider's first thumb: two years later
    wait_for_url(dash_duo, "from=2006")
    # the dose, below the slider: a single choice, then the low end of the per-kg range typed into its box
    tab_until(driver, f"e.id === '{ids.control('dose')}'")
    press(driver, Keys.ENTER)
    wait_for_focus(driver, "e.classList.contains('dash-dropdown-search')")
    press(driver, Keys.ARROW_DOWN, Keys.ENTER, pause=0.4)
    wait_for_url(dash_duo, "dose=stated")
    if driver.execute_script(f"return !!{DROPDOWN_OPEN}"):
        press(driver, Keys.ESCAPE)
    settle(driver)  # the dose choice answered: no callback rewrites the controls while the range is typed
    tab_until(driver, f"e.id === '{ids.control('kg_from')}'")
    press(driver, "1e5", Keys.ENTER)
    wait_for_url(dash_duo, "kg_from=1e5", timeout=20)
    wait_for_count(dash_duo, expected_count("?" + driver.current_url.split("?", 1)[1]))
    # and Clear filters, reached backwards from the controls
    tab_until(driver, f"e.id === '{ids.CLEAR}'", backwards=True)
    press(driver, Keys.ENTER)
    wait_for_count(dash_duo, expected_count(""))
    assert severe_logs(dash_duo) == []


def test_pick_a_country_from_the_keyboard(dash_duo, atlas_app):
    open_page(dash_duo, atlas_app, "/", "#overview-map .main-svg")
    driver = dash_duo.driver
    # the map's text alternative opens from the keyboard
    tab_until(driver, "e.tagName === 'SUMMARY' && !!e.closest('section').querySelector('#overview-map')")
    press(driver, Keys.ENTER, pause=0.4)
    assert driver.execute_script("return document.activeElement.parentElement.open") is True
    dash_duo.wait_for_contains_text("#overview-map-table", "China")  # built when opened
    # the note under the map says where a keyboard picks a country: the Country filter
    assert "under Country in the filters" in driver.execute_script(
        "return document.querySelector('#overview-map-wrap').closest('section').textContent"
    )
    tab_until(driver, f"e.id === '{ids.control('country')}'", backwards=True)
    choose(driver, ids.control("country"), typed="China")
    wait_for_url(dash_duo, "country=CHN")
    wait_for_count(dash_duo, expected_count("?country=CHN"))
    dash_duo.wait_for_contains_text("#control-country", "China")
    # the map's name, which a screen reader announces, follows the filter
    WebDriverWait(driver, 10).until(
        lambda d: (
            "China"
            in (
                d.execute_script("return document.getElementById('overview-map-wrap').getAttribute('aria-label')") or ""
            )
        )
    )
    assert severe_logs(dash_duo) == []


def test_pick_a_tissue_route_pair_from_the_keyboard(dash_duo, atlas_app):
    open_page(dash_duo, atlas_app, "/sources-routes", "#sr-matrix .main-svg")
    driver = dash_duo.driver
    # the first match is the group choice "Umbilical cord, any part": it selects the cord and Wharton's jelly
    choose(driver, ids.control("tissue"), typed="Umbilical cord")
    choose(driver, ids.control("route"), typed="Intravenous")
    wait_for_url(dash_duo, "tissue=umbilical_cord,wharton_jelly")
    wait_for_url(dash_duo, "route=intravenous")
    wait_for_count(dash_duo, expected_count("?tissue=umbilical_cord,wharton_jelly&route=intravenous"))
    # the heatmap's table lists the pair, opened from the keyboard
    tab_until(driver, "e.tagName === 'SUMMARY' && !!e.closest('section').querySelector('#sr-matrix')")
    press(driver, Keys.ENTER, pause=0.4)
    dash_duo.wait_for_contains_text("#sr-matrix-table", "Umbilical cord")
    assert "Intravenous" in dash_duo.find_element("#sr-matrix-table").text
    assert severe_logs(dash_duo) == []


def test_download_a_chart_from_the_keyboard(dash_duo, atlas_app):
    open_page(dash_duo, atlas_app, "/", "#overview-map .main-svg")
    driver = dash_duo.driver
    folder = pathlib.Path(dash_duo.download_path)
    export = "e.classList.contains('chart-export-button') && JSON.parse(e.id).card === 'overview-map'"
    tab_until(driver, f"{export} && JSON.parse(e.id).format === 'svg'")
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda _: list(folder.glob("*.svg")), message="Enter saved no SVG")
    press(driver, Keys.TAB)
    assert focused(driver, f"{export} && JSON.parse(e.id).format === 'png'")
    press(driver, Keys.SPACE)
    WebDriverWait(driver, 20).until(lambda _: list(folder.glob("*.png")), message="Space saved no PNG")
    assert severe_logs(dash_duo) == []


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_open_a_trial_record_from_the_keyboard(dash_duo, atlas_app, width):
    open_page(dash_duo, atlas_app, "/trials?q=NCT04252118", "#trials-grid .ag-row[row-id]", width)
    driver = dash_duo.driver
    press(driver, Keys.TAB)
    assert driver.execute_script("return document.activeElement.className").startswith("visually-hidden-focusable")
    press(driver, Keys.ENTER)  # skip link: past the navbar and the filter panel
    tab_until(driver, "e.classList.contains('ag-header-cell')", limit=10)
    press(driver, Keys.ARROW_DOWN, Keys.SPACE, pause=0.3)  # into the first row; Space selects it
    dash_duo.wait_for_contains_text("#trials-detail", "Tissue source")
    # Tab leaves the grid (no walk through every cell) and reaches the record: its own link, Copy link, the registry
    tab_until(driver, "!!e.closest('#trials-detail') && e.tagName === 'A'", limit=12)
    assert driver.execute_script("return document.activeElement.href").endswith("/trials?trial=NCT04252118")
    press(driver, Keys.TAB)
    assert driver.execute_script("return document.activeElement.textContent") == "Copy link"
    tab_until(driver, "e.href === 'https://clinicaltrials.gov/study/NCT04252118'", limit=3)
    assert severe_logs(dash_duo) == []


def test_open_an_arrows_evidence_from_the_keyboard(dash_duo, atlas_app):
    nodes, edges = mech.subgraph("all")
    sentence, edge = next(
        (s, e) for s, e in zip(mech.edge_sentences(nodes, edges), edges) if s.startswith("HGF inhibits")
    )
    open_page(dash_duo, atlas_app, "/mechanism", "#mech-status strong")
    driver = dash_duo.driver
    tab_until(driver, "e.id === 'mech-chooser'")
    press(driver, Keys.ENTER)
    wait_for_focus(driver, "e.classList.contains('dash-dropdown-search')")
    press(driver, "HGF inhibits", pause=0.5)
    press(driver, Keys.ARROW_DOWN)
    assert driver.execute_script("return document.activeElement.closest('label').textContent") == sentence
    press(driver, Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#mech-panel-title", mech.describe(edge["edge_id"])["title"], timeout=10)
    assert dash_duo.find_elements("#mech-panel li.mech-claim")
    # the evidence's source links come next in the Tab order
    tab_until(driver, "e.classList.contains('mech-source')", limit=5)
    assert severe_logs(dash_duo) == []


def test_phone_filter_toggle_opens_the_panel_from_the_keyboard(dash_duo, atlas_app):
    open_page(dash_duo, atlas_app, "/", "#overview-map .main-svg", "phone")
    driver = dash_duo.driver
    toggle = f"document.getElementById('{ids.FILTER_TOGGLE}')"
    assert driver.execute_script(f"return {toggle}.getAttribute('aria-expanded')") == "false"
    tab_until(driver, f"e.id === '{ids.FILTER_TOGGLE}'")
    press(driver, Keys.ENTER, pause=0.4)
    WebDriverWait(driver, 5).until(
        lambda d: d.execute_script(f"return {toggle}.getAttribute('aria-expanded')") == "true"
    )
    choose(driver, ids.control("focus"))
    wait_for_url(dash_duo, "focus=")
    assert severe_logs(dash_duo) == []


# Every Tab stop draws a ring: an outline at least 2 px wide (assets/20-a11y.css), not the faint glows of Bootstrap,
# plotly or the Dash components.
RING = """
const e = document.activeElement, s = getComputedStyle(e);
return [s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + String(e.className.baseVal ?? e.className)];
"""


@pytest.mark.parametrize(
    "path, ready, stops",
    [
        ("/", "#overview-map .main-svg", 45),
        ("/trials", "#trials-grid .ag-row[row-id]", 35),
        ("/mechanism", "#mech-status strong", 35),
    ],
)
def test_every_tab_stop_shows_a_focus_ring(dash_duo, atlas_app, path, ready, stops):
    open_page(dash_duo, atlas_app, path, ready)
    driver = dash_duo.driver
    without_ring = []
    reached = 0
    for _ in range(stops):
        press(driver, Keys.TAB, pause=0.05)
        ringed, name = driver.execute_script(RING)
        if name.startswith("body"):  # past the last stop: the browser's own UI has the focus
            continue
        reached += 1
        if not ringed:
            without_ring.append(name)
    assert without_ring == []
    assert reached >= 20
