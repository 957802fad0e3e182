"""Compare as a user does it: open a shared comparison, pin the current filter as B, change the filter (A follows,
B stays in the address), swap the two."""

from __future__ import annotations

from conftest import severe_logs
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_pages import expected_count, wait_for_count, wait_for_url

from msc_atlas import compare
from msc_atlas.filters import FilterState


def numbers(dash_duo) -> list[list[str]]:
    """The headline table's cells, read in one script: a table re-rendered between reading its rows and their
    cells would leave stale element references."""
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#cmp-numbers tbody tr')]"
        ".map(row => [...row.querySelectorAll('td, th')].map(cell => cell.innerText.trim()))"
    )


def test_pin_change_and_swap(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/compare?focus=covid19_ards&vs=focus%3Dliver")
    covid, liver = expected_count("?focus=covid19_ards"), expected_count("?focus=liver")
    dash_duo.wait_for_contains_text("#cmp-scopes", "Liver disease", timeout=20)
    WebDriverWait(dash_duo.driver, 10).until(lambda _: numbers(dash_duo)[0] == ["Trials", f"{covid:,}", f"{liver:,}"])
    # pin A (COVID-19) as B, then change A to the liver view: B keeps COVID-19
    dash_duo.find_element("#cmp-pin").click()
    wait_for_url(dash_duo, "vs=focus%3Dcovid19_ards")
    dash_duo.find_element('[id*="\\"index\\":\\"liver\\""]').click()  # the Liver disease quick view
    wait_for_count(dash_duo, liver)
    WebDriverWait(dash_duo.driver, 10).until(lambda _: numbers(dash_duo)[0] == ["Trials", f"{liver:,}", f"{covid:,}"])
    search = "?" + dash_duo.driver.current_url.split("?", 1)[1]
    assert compare.parse(compare.value_in(search))[0] == FilterState(focus=("covid19_ards",))
    # swap: the filter becomes COVID-19 again and B the liver view
    dash_duo.find_element("#cmp-swap").click()
    wait_for_count(dash_duo, covid)
    WebDriverWait(dash_duo.driver, 10).until(lambda _: numbers(dash_duo)[0] == ["Trials", f"{covid:,}", f"{liver:,}"])
    assert severe_logs(dash_duo) == []
