"""A trial's record link in headless Chromium: /trials?trial=<id> opens the record in view with the focus on its
heading; an unknown or malformed id shows a notice; selecting a row puts its link in the address without reloading
the page, Back returns to the previous record, and a filter change keeps the open record's link."""

from __future__ import annotations

import pytest
from conftest import severe_logs
from selenium.webdriver.support.ui import WebDriverWait

ROW = "#trials-grid .ag-row[row-id]"
HEADING = "#trial-record-heading"
# The record's heading: which trial, whether it has the focus, and whether it lies inside the window.
RECORD = """
const h = document.getElementById('trial-record-heading');
if (!h) { return null; }
const r = h.getBoundingClientRect();
return {trial: h.getAttribute('data-trial'), focused: document.activeElement === h,
        inView: r.top >= 0 && r.bottom <= window.innerHeight, text: h.textContent};
"""


def wait_for_record(dash_duo, trial_id: str, focused: bool | None = None, timeout: float = 15) -> dict:
    seen: dict = {}

    def shown(driver) -> bool:
        seen.clear()
        seen.update(driver.execute_script(RECORD) or {})
        return seen.get("trial") == trial_id and seen["inView"] and (focused is None or seen["focused"] is focused)

    WebDriverWait(dash_duo.driver, timeout).until(shown, message=lambda: f"record heading: {seen}")
    return seen


def wait_for_address(dash_duo, fragment: str, timeout: float = 10) -> None:
    WebDriverWait(dash_duo.driver, timeout).until(
        lambda d: fragment in d.current_url, message=lambda: f"address: {dash_duo.driver.current_url}"
    )


@pytest.mark.parametrize(
    "query, trial_id",
    [
        ("?trial=CTRI%2F2020%2F08%2F027043", "CTRI/2020/08/027043"),
        ("?focus=covid19_ards&trial=ChiCTR2000029569", "ChiCTR2000029569"),
        ("?trial=NCT04288102", "NCT04288102"),
    ],
)
def test_a_record_link_opens_the_record_in_view_with_focus_on_its_heading(dash_duo, atlas_app, query, trial_id):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials" + query)
    record = wait_for_record(dash_duo, trial_id, focused=True)
    assert record["text"].startswith(trial_id)
    assert dash_duo.find_element("#trial-record-copy button").text == "Copy link"
    dash_duo.wait_for_element(ROW, timeout=20)  # the grid still lists the filtered trials
    assert "Ignored" not in dash_duo.find_element("#filter-notice").text  # trial= is not an unknown filter key
    assert severe_logs(dash_duo) == []


@pytest.mark.parametrize(
    "query, notice",
    [
        ("?trial=NCT00000000", "No trial NCT00000000 in this dataset."),
        ("?trial=%3Cscript%3Ealert(1)%3C/script%3E", "No trial “<script>alert(1)</script>” in this dataset"),
        ("?trial=NCT04288102&trial=NCT04252118", "more than one trial"),
        ("?trial=%E0%A4%A", "No trial"),
    ],
)
def test_an_unknown_or_malformed_trial_shows_a_notice(dash_duo, atlas_app, query, notice):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials" + query)
    dash_duo.wait_for_contains_text("#trials-record-notice", notice, timeout=15)
    dash_duo.wait_for_element(ROW, timeout=20)
    assert dash_duo.find_element("#trials-detail").text == "Select a trial in the table to see its full record."
    assert not dash_duo.driver.find_elements("css selector", "#trials-detail script")
    assert severe_logs(dash_duo) == []


MARKED = "[...document.querySelectorAll('#trials-grid .ag-row.atlas-linked-row')].map(r => r.getAttribute('row-id'))"


def wait_for_marked_row(dash_duo, trial_id: str) -> None:
    """Every rendered part of the open record's row (pinned ID column and the rest) is marked, and no other row."""
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: set(d.execute_script(f"return {MARKED}")) == {trial_id}, message=f"{trial_id}'s row is not marked"
    )


def test_selecting_rows_puts_their_link_in_the_address_and_back_returns(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials?focus=liver")
    dash_duo.wait_for_element(ROW, timeout=20)
    driver = dash_duo.driver
    driver.execute_script("window.mscSamePage = true")  # gone if the page reloads
    first, second = (
        row.get_attribute("row-id")
        for row in dash_duo.find_elements("#trials-grid .ag-pinned-left-cols-container .ag-row[row-id]")[:2]
    )
    for trial_id in (first, second):
        dash_duo.find_element(f"#trials-grid .ag-row[row-id='{trial_id}'] .ag-cell[col-id='title']").click()
        wait_for_address(dash_duo, f"/trials?focus=liver&trial={trial_id}")
        wait_for_record(dash_duo, trial_id)
        wait_for_marked_row(dash_duo, trial_id)  # the open record's row is marked in the grid, and only it
    assert driver.execute_script("return window.mscSamePage") is True
    driver.back()  # the previous record, opened as by its link
    wait_for_address(dash_duo, f"trial={first}")
    wait_for_record(dash_duo, first, focused=True)
    wait_for_marked_row(dash_duo, first)
    assert severe_logs(dash_duo) == []


def test_a_filter_change_keeps_the_open_record_and_its_link(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials?trial=NCT04288102")
    wait_for_record(dash_duo, "NCT04288102", focused=True)
    dash_duo.find_element('[id*="\\"index\\":\\"liver\\""]').click()  # the Liver disease quick view
    wait_for_address(dash_duo, "/trials?focus=liver&trial=NCT04288102")
    dash_duo.wait_for_contains_text("#trials-count", "Liver disease", timeout=15)
    assert dash_duo.find_element(HEADING).get_attribute("data-trial") == "NCT04288102"
    assert severe_logs(dash_duo) == []


def test_copy_link_copies_the_records_address_and_keeps_the_focus(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": dash_duo.server_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    driver.get(dash_duo.server_url + "/trials?trial=CTRI%2F2020%2F08%2F027043")
    wait_for_record(dash_duo, "CTRI/2020/08/027043", focused=True)
    dash_duo.find_element("#trial-record-copy button").click()
    dash_duo.wait_for_text_to_equal("#trial-record-copy", "Link copied")
    copied = driver.execute_async_script("const done = arguments[0]; navigator.clipboard.readText().then(done, done);")
    assert copied == dash_duo.server_url + "/trials?trial=CTRI%2F2020%2F08%2F027043"
    dash_duo.wait_for_text_to_equal("#trial-record-copy", "Copy link")  # and back, the focus still on the button
    assert driver.execute_script("return document.activeElement.closest('#trial-record-copy') !== null")
    assert severe_logs(dash_duo) == []
