"""Doses in headless Chromium: a shared link with the dose filters opens the trials it names, with the controls set
and the coverage of the view stated; the grid's dose column reads with its unit and sorts as numbers on the server;
a malformed dose in a link gives a notice; typing a dose range in the panel filters and lands in the URL."""

from __future__ import annotations

from conftest import severe_logs
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_trials_grid import DEFAULT_SORT, READY, click_header, expected_ids, wait_for_rows

from msc_atlas import ids

PER_KG = "dose_cells_per_kg_levels"
LINK = "?focus=liver&dose=stated&kg_from=1e6&kg_to=2e6"


def test_a_dose_link_filters_the_grid_and_sets_the_dose_controls(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials" + LINK)
    dash_duo.wait_for_element(READY, timeout=20)
    want = expected_ids(LINK, DEFAULT_SORT)
    assert 0 < len(want) < 74  # a part of the liver trials
    dash_duo.wait_for_contains_text("#trials-count", f"{len(want):,} trial")
    dash_duo.wait_for_contains_text("#trials-count", "a dose of 1–2 × 10⁶/kg per administration")
    wait_for_rows(dash_duo, want)
    assert dash_duo.find_element(f"#{ids.control('kg_from')}").get_attribute("value") == "1e6"
    assert dash_duo.find_element(f"#{ids.control('kg_to')}").get_attribute("value") == "2e6"
    dash_duo.wait_for_contains_text(f"#{ids.control('dose')}", "States a dose")
    dash_duo.wait_for_contains_text(f"#{ids.COVERAGE}", "ClinicalTrials.gov only, records to Oct 2022")
    # the per-kg column, brought into view, sorts every row on the server by the lowest stated level
    dash_duo.driver.execute_script(f"dash_ag_grid.getApi('trials-grid').ensureColumnVisible('{PER_KG}')")
    click_header(dash_duo, PER_KG)
    wait_for_rows(dash_duo, expected_ids(LINK, [{"colId": PER_KG, "sort": "asc"}]))
    cells = dash_duo.driver.execute_script(
        f"return [...document.querySelectorAll(\"#trials-grid .ag-center-cols-container .ag-cell[col-id='{PER_KG}']\")]"
        ".map(c => c.textContent)"
    )
    assert cells and all(text.endswith("/kg") and "e+" not in text for text in cells), cells
    assert severe_logs(dash_duo) == []


def test_a_malformed_dose_in_a_link_gives_a_notice(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials?dose=maybe&kg_from=lots")
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "use dose=stated or dose=none", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.NOTICE}", "needs cells per kg as a number")
    dash_duo.wait_for_element(READY, timeout=20)
    assert severe_logs(dash_duo) == []


def test_typing_a_dose_range_filters_and_goes_into_the_url(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials?focus=covid19_ards")
    dash_duo.wait_for_element(READY, timeout=20)
    box = dash_duo.find_element(f"#{ids.control('kg_from')}")
    box.send_keys("5 million", Keys.ENTER)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "kg_from=5e6" in d.current_url)
    want = expected_ids("?focus=covid19_ards&kg_from=5e6", DEFAULT_SORT)
    dash_duo.wait_for_contains_text("#trials-count", f"{len(want):,} trial")
    wait_for_rows(dash_duo, want)
    assert severe_logs(dash_duo) == []
