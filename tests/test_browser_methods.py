"""The Methods page in headless Chromium: the flow of records adds up, the methods paragraph quotes the page's
numbers, and the Excel table holds exactly the filtered trials plus the metadata sheet."""

from __future__ import annotations

import io
import pathlib
import re

import openpyxl
import reference
from conftest import severe_logs
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from msc_atlas.data import load_record_flow, load_trials
from msc_atlas.filters import FilterState


def _number(text: str) -> int:
    found = re.search(r"([\d,]+)", text)
    assert found is not None, text
    return int(found.group(1).replace(",", ""))


def test_flow_diagram_adds_up_and_follows_the_filter(dash_duo, atlas_app):
    query = "?focus=liver"
    expected = len(reference.apply(FilterState.from_search(query)[0], load_trials()))
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/methods" + query)
    dash_duo.wait_for_contains_text("#flow-view", f"In this view: {expected:,} trials", timeout=20)
    box = {
        name: dash_duo.find_element(f"#flow-{name}").text
        for name in ("records", "removed", "screened", "excluded", "assessed", "not-msc", "included", "view")
    }
    read, removed = _number(box["records"]), _number(box["removed"])
    screened, excluded = _number(box["screened"]), _number(box["excluded"])
    assessed, not_msc, included = _number(box["assessed"]), _number(box["not-msc"]), _number(box["included"])
    assert read == removed + screened and screened == excluded + assessed and assessed == not_msc + included
    per_source = [_number(line.rsplit(":", 1)[1]) for line in box["records"].splitlines()[1:]]
    assert sum(per_source) == read == load_record_flow()["records_read"]
    assert included == int((load_trials()["product"] != "non_msc").sum())
    # the methods text quotes the same counts as the page
    text = dash_duo.find_element("#methods-text").text
    assert f"comprises {expected:,} trials" in text and f"{included:,} trials of MSCs" in text
    assert f"Of {read:,} records read" in text
    assert dash_duo.find_element("#methods-link").text.endswith("/" + query)
    assert severe_logs(dash_duo) == []


def test_excel_table_holds_exactly_the_filtered_trials_and_the_metadata(dash_duo, atlas_app):
    query = "?focus=liver&product=msc"
    expected = reference.apply(FilterState.from_search(query)[0], load_trials())["trial_id"].tolist()
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/methods" + query)
    dash_duo.wait_for_contains_text("#flow-view", f"In this view: {len(expected):,} trials", timeout=20)
    button = dash_duo.find_element("#methods-export-xlsx")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.send_keys(Keys.ENTER)  # as a keyboard user would (the button is below the fold of the test window)
    folder = pathlib.Path(dash_duo.download_path)
    WebDriverWait(dash_duo.driver, 15).until(lambda _: list(folder.glob("*.xlsx")), message="no .xlsx downloaded")
    book = openpyxl.load_workbook(io.BytesIO(next(folder.glob("*.xlsx")).read_bytes()))
    assert book.sheetnames == ["Trials", "About this table"]
    header = [c.value for c in next(book["Trials"].iter_rows(max_row=1))]
    assert header[:4] == ["Registry ID", "Title", "Countries", "Phase"]
    assert [row[0] for row in book["Trials"].iter_rows(min_row=2, values_only=True)] == expected
    about = dict(book["About this table"].iter_rows(min_row=2, values_only=True))
    assert about["Trials"] == str(len(expected)) and "Liver disease" in about["Filter"]
    assert about["Dataset version"] and about["Link"].endswith("/" + query)
    assert f"comprises {len(expected):,} trials" in about["Methods"] and "Cite as" in about["Methods"]
    assert severe_logs(dash_duo) == []
