"""The trials grid in headless Chromium, rows served a block at a time: sorting by a column, a column filter, the
search box (the shared filter's search text: in the address, cleared by Clear filters), paging to a later block and the CSV export each show exactly the rows of the reference (tests/reference.py
`grid_apply`), in its order."""

from __future__ import annotations

import csv
import io
import pathlib

import reference
from conftest import severe_logs
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from msc_atlas.data import load_trials
from msc_atlas.filters import FilterState

READY = "#trials-grid .ag-row[row-id]"
DEFAULT_SORT = [{"colId": "first_posted", "sort": "desc"}]
# Rendered rows (AG Grid draws those in view) as {row index: trial id}; the pinned Trial ID column has every row. A
# row still loading has no row id yet.
RENDERED = """
const rows = document.querySelectorAll('#trials-grid .ag-pinned-left-cols-container .ag-row');
if ([...rows].some(r => !r.getAttribute('row-id'))) { return null; }
return Object.fromEntries([...rows].map(r => [r.getAttribute('row-index'), r.getAttribute('row-id')]));
"""


SEARCH_BOX = '[id*="search-mirror"]'  # the Trials page's own search box


def expected_ids(query: str, sort=None, filters=None) -> list[str]:
    state, _ = FilterState.from_search(query)
    return list(reference.grid_apply(state, load_trials(), sort, filters)["trial_id"])


def wait_for_rows(dash_duo, want: list[str], timeout: float = 15) -> dict[int, str]:
    """Wait until every rendered row is the reference row at its index (and some are rendered)."""
    seen: dict[int, str] = {}

    def matches(driver) -> bool:
        rendered = driver.execute_script(RENDERED)
        if not rendered:
            return False
        seen.clear()
        seen.update({int(index): trial_id for index, trial_id in rendered.items()})
        return all(index < len(want) and want[index] == trial_id for index, trial_id in seen.items())

    WebDriverWait(dash_duo.driver, timeout).until(matches, message=lambda: f"rows shown: {sorted(seen.items())[:5]}")
    return seen


def open_trials(dash_duo, atlas_app, query: str = "") -> None:
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials" + query)
    dash_duo.wait_for_element(READY, timeout=20)
    wait_for_rows(dash_duo, expected_ids(query, DEFAULT_SORT))


def click_header(dash_duo, column: str) -> None:
    dash_duo.find_element(f"#trials-grid .ag-header-cell[col-id='{column}'] .ag-header-cell-label").click()


def filter_column(dash_duo, column: str, text: str) -> None:
    """Open a column's filter from the funnel in its header, type the text (the default condition: contains)."""
    dash_duo.find_element(f"#trials-grid .ag-header-cell[col-id='{column}'] .ag-header-cell-filter-button").click()
    box = dash_duo.wait_for_element(".ag-filter input.ag-text-field-input", timeout=5)
    box.send_keys(text)
    box.send_keys(Keys.ESCAPE)


def test_sorting_by_a_column_sorts_every_row_on_the_server(dash_duo, atlas_app):
    open_trials(dash_duo, atlas_app, "?focus=liver")
    click_header(dash_duo, "title")  # ascending
    wait_for_rows(dash_duo, expected_ids("?focus=liver", [{"colId": "title", "sort": "asc"}]))
    click_header(dash_duo, "title")  # descending
    wait_for_rows(dash_duo, expected_ids("?focus=liver", [{"colId": "title", "sort": "desc"}]))
    assert severe_logs(dash_duo) == []


def test_a_column_filter_and_the_search_box_narrow_the_rows_and_the_search_is_in_the_address(dash_duo, atlas_app):
    open_trials(dash_duo, atlas_app)
    filters = {"title": {"filterType": "text", "type": "contains", "filter": "cirrhosis"}}
    filter_column(dash_duo, "title", "cirrhosis")
    want = expected_ids("", DEFAULT_SORT, filters)
    total = len(expected_ids(""))
    dash_duo.wait_for_contains_text("#trials-count", f"{len(want):,} of {total:,} trials")
    wait_for_rows(dash_duo, want)
    dash_duo.find_element(SEARCH_BOX).send_keys("china")
    both = expected_ids("?q=china", DEFAULT_SORT, filters)
    assert 0 < len(both) < len(want)
    dash_duo.wait_for_contains_text("#trials-count", f"{len(both):,} of {len(expected_ids('?q=china')):,} trials")
    wait_for_rows(dash_duo, both)
    # the search is the shared filter's: in the address and the filter panel's box
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "q=china" in d.current_url, message="no q= in the address")
    assert dash_duo.find_element("#control-q").get_attribute("value") == "china"
    # Clear filters empties both boxes and the address
    dash_duo.find_element("#filter-clear").click()
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _: dash_duo.find_element(SEARCH_BOX).get_attribute("value") == "", message="search box not cleared"
    )
    assert "q=" not in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text("#trials-count", f"{len(want):,} of {total:,} trials")
    # the shared filter panel still applies on top: a focus area from the URL
    dash_duo.driver.get(dash_duo.server_url + "/trials?focus=covid19_ards")
    dash_duo.wait_for_contains_text("#trials-count", f"{len(expected_ids('?focus=covid19_ards')):,} trials")
    assert severe_logs(dash_duo) == []


def test_paging_to_a_later_block_asks_the_server_for_it(dash_duo, atlas_app):
    open_trials(dash_duo, atlas_app)
    want = expected_ids("", DEFAULT_SORT)
    for _ in range(4):  # page 5 of 25 rows: rows 100-124, the second block of 100
        dash_duo.find_element("#trials-grid .ag-paging-button[aria-label='Next Page']").click()
    dash_duo.wait_for_text_to_equal("#trials-grid .ag-paging-row-summary-panel-number", "101")
    rendered = wait_for_rows(dash_duo, want)
    assert min(rendered) == 100 and max(rendered) <= 124
    dash_duo.find_element("#trials-grid .ag-paging-button[aria-label='Last Page']").click()
    rendered = wait_for_rows(dash_duo, want)
    assert min(rendered) == (len(want) - 1) // 25 * 25  # the last page (the block the last rows are in)
    assert severe_logs(dash_duo) == []


def test_csv_export_holds_the_rows_shown_after_a_column_filter_and_a_sort(dash_duo, atlas_app):
    query = "?focus=covid19_ards"
    open_trials(dash_duo, atlas_app, query)
    filter_column(dash_duo, "title", "stem")
    filters = {"title": {"filterType": "text", "type": "contains", "filter": "stem"}}
    wait_for_rows(dash_duo, expected_ids(query, DEFAULT_SORT, filters))
    click_header(dash_duo, "title")
    click_header(dash_duo, "title")
    sort = [{"colId": "title", "sort": "desc"}]
    want = expected_ids(query, sort, filters)
    rendered = wait_for_rows(dash_duo, want)
    dash_duo.find_element("#trials-export").click()
    folder = pathlib.Path(dash_duo.download_path)
    WebDriverWait(dash_duo.driver, 10).until(lambda _: list(folder.glob("*.csv")), message="no CSV was downloaded")
    lines = next(folder.glob("*.csv")).read_text(encoding="utf-8").splitlines()
    assert "table: sorted by Title (descending); Title contains “stem”" in lines[1]
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    exported = [row["trial_id"] for row in rows]
    assert exported == want and len(want) < len(expected_ids(query))
    assert [exported[index] for index in sorted(rendered)] == [rendered[index] for index in sorted(rendered)]
    assert severe_logs(dash_duo) == []


def test_a_search_that_matches_nothing_says_so_and_clearing_it_brings_the_rows_back(dash_duo, atlas_app):
    open_trials(dash_duo, atlas_app, "?focus=liver&q=cord")
    box = dash_duo.find_element(SEARCH_BOX)
    WebDriverWait(dash_duo.driver, 10).until(lambda _: box.get_attribute("value") == "cord", message="box not filled")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("no-such-word-anywhere")
    dash_duo.wait_for_contains_text("#trials-count", "0 trials")
    dash_duo.wait_for_contains_text("#trials-empty", "No trial")
    total = len(expected_ids("?focus=liver"))
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    dash_duo.wait_for_contains_text("#trials-count", f"{total:,} trials — Liver disease")
    wait_for_rows(dash_duo, expected_ids("?focus=liver", DEFAULT_SORT))
    assert dash_duo.find_element("#trials-empty").text == ""
    assert severe_logs(dash_duo) == []
