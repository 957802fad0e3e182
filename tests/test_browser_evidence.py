"""The Evidence page as a user meets it: its numbers are the data's for the filter in the address, a click on a
chart filters every page, the design filters work from a shared link, and a trial's record lists its results."""

from __future__ import annotations

from conftest import severe_logs
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_pages import click_graph, expected_count, wait_for_count, wait_for_url

from msc_atlas.filters import FilterState
from msc_atlas.views import evidence


def percent(share: float) -> str:
    return f"{share:.0%}"


def wait_for_numbers(dash_duo, query: str) -> dict:
    view = evidence.view(FilterState.from_search(query)[0])
    randomised = view["design"]["randomised"]
    dash_duo.wait_for_text_to_equal("#ev-kpi-randomised .kpi-value", percent(randomised["share"]), timeout=20)
    return view


def test_the_numbers_are_the_datas_and_a_funnel_click_filters(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/evidence?focus=liver")
    view = wait_for_numbers(dash_duo, "?focus=liver")
    randomised = view["design"]["randomised"]
    assert f"{randomised['hits']:,} of {randomised['known']:,}" in dash_duo.find_element("#ev-kpi-randomised").text
    gap = view["gap"]
    silent = dash_duo.find_element("#ev-kpi-silent").text
    assert f"({gap['silent_due']:,} of {gap['due']:,})" in silent
    assert "as of 13 Oct 2022" in dash_duo.find_element("#ev-snapshot").text
    # the funnel's "Completed" bar (the second stage; plotly draws the first stage on top)
    dash_duo.wait_for_element("#ev-funnel .main-svg", timeout=15)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: not d.find_elements("css selector", "#ev-funnel-wrap [data-dash-is-loading='true']")
    )
    drag = dash_duo.find_element("#ev-funnel .nsewdrag")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", drag)
    completed = view["funnel"][1]["n"]
    dx, dy = dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#ev-funnel .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        return [xa.d2p(arguments[0] / 2), ya.d2p('Completed')];
        """,
        completed,
    )
    point = "{curveNumber: 0, pointNumber: 3, customdata: gd.data[0].customdata[3], y: 'Completed'}"
    click_graph(
        dash_duo,
        "#ev-funnel",
        lambda actions: actions.move_to_element_with_offset(drag, int(dx), int(dy)),
        point,
        "status=completed",
    )
    wait_for_count(dash_duo, expected_count("?focus=liver&status=completed"))
    assert expected_count("?focus=liver&status=completed") == completed
    dash_duo.wait_for_text_to_equal("#ev-kpi-completed .kpi-value", f"{completed:,}")
    # the largest RCTs of the view now shown: built when opened, each linked to its record
    rcts = [row["trial_id"] for row in evidence.view(FilterState(focus=("liver",), status=("completed",)))["rcts"]]
    dash_duo.wait_for_text_to_equal("#ev-rct-summary", f"Show the table ({len(rcts)} trials)")
    dash_duo.driver.execute_script("document.getElementById('ev-rct-details').open = true")
    dash_duo.wait_for_element("#ev-rct-table", timeout=10)
    links = dash_duo.driver.find_elements("css selector", "#ev-rct-table tbody td:first-child a")
    assert rcts and [a.text for a in links] == rcts
    assert links[0].get_attribute("href").endswith(f"/trials?trial={rcts[0]}")
    assert severe_logs(dash_duo) == []


def test_design_filters_work_from_a_shared_link(dash_duo, atlas_app):
    query = "?allocation=randomised&blinded=blinded&age=child"
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/evidence" + query)
    wait_for_count(dash_duo, expected_count(query), timeout=20)
    dash_duo.wait_for_text_to_equal("#ev-kpi-randomised .kpi-value", "100%")
    dash_duo.wait_for_text_to_equal("#ev-kpi-blinded .kpi-value", "100%")
    dash_duo.wait_for_contains_text("#control-allocation", "Randomised")
    dash_duo.wait_for_contains_text("#control-age", "Children")
    # the same filter carries to the grid, whose count agrees
    dash_duo.find_element('a[href^="/trials?"]').click()
    wait_for_url(dash_duo, "/trials?")
    state, _ = FilterState.from_search(dash_duo.driver.current_url.split("?", 1)[1])
    assert state.allocation == ("randomised",) and state.blinded == ("blinded",) and state.age == ("child",)
    wait_for_count(dash_duo, expected_count(query))
    assert severe_logs(dash_duo) == []


def test_a_trial_record_lists_its_design_and_publications(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/trials?trial=NCT02307435")
    dash_duo.wait_for_contains_text("#trial-record-heading", "NCT02307435", timeout=20)
    record = dash_duo.find_element("#trials-detail")
    dash_duo.wait_for_contains_text("#trials-detail", "Results publications the sponsor lists")
    text = record.text
    assert "Allocation" in text and "Single group (no allocation)" in text
    assert "Primary outcomes" in text and "cell viability [3 months]" in text
    # the one result paper with a retraction notice links to PubMed, and so does the notice
    links = [a.get_attribute("href") for a in record.find_elements("css selector", "a")]
    assert "https://pubmed.ncbi.nlm.nih.gov/23936800/" in links
    assert "https://pubmed.ncbi.nlm.nih.gov/33178822/" in links
    assert "Retracted:" in text
    assert severe_logs(dash_duo) == []
