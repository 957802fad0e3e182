"""Small screens, as a phone user and a 1440 x 900 laptop user meet them: no page, state or open record is wider than
a 390 px viewport; the filter panel ends with a Done button that closes it; the year slider can be reached at the
bottom of the sticky panel on a laptop."""

from __future__ import annotations

import pytest
from a11y_support import set_width, settle
from conftest import severe_logs
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from msc_atlas import ids

OVERFLOW = """
const width = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== 'fixed'
    && !e.closest('.table-responsive, .ag-root-wrapper, .ag-body-viewport, [data-scroll-x]');
}).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + String(e.className.baseVal ?? e.className));
return [document.documentElement.scrollWidth, width, wide.slice(0, 5)];
"""


@pytest.mark.parametrize(
    "path, ready",
    [
        ("/", "#overview-map .main-svg"),
        ("/sources-routes", "#sr-matrix .main-svg"),
        ("/mechanism", "#mech-status strong"),
        ("/trials?trial=NCT04366063", "#trial-record-heading"),
        ("/evidence", "#ev-funnel .main-svg"),
        ("/methods", "#flow-view"),
        ("/about", "#about-version"),
    ],
)
def test_nothing_is_wider_than_a_phone(dash_duo, atlas_app, path, ready):
    dash_duo.start_server(atlas_app)
    set_width(dash_duo.driver, "phone")
    dash_duo.driver.get(dash_duo.server_url + path)
    settle(dash_duo.driver, ready)
    scroll_width, width, wide = dash_duo.driver.execute_script(OVERFLOW)
    assert width <= 400
    assert scroll_width <= width, f"{path}: the page is {scroll_width} px wide on a {width} px screen: {wide}"
    # and with the filter panel open
    dash_duo.driver.execute_script(f"document.getElementById('{ids.FILTER_TOGGLE}').click()")
    WebDriverWait(dash_duo.driver, 5).until(
        lambda d: d.execute_script(f"return document.getElementById('{ids.FILTER_PANEL}').offsetHeight > 0")
    )
    scroll_width, width, wide = dash_duo.driver.execute_script(OVERFLOW)
    assert scroll_width <= width, f"{path} with the filters open: {scroll_width} px: {wide}"
    assert severe_logs(dash_duo) == []


def test_done_closes_the_filter_panel_on_a_phone(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    set_width(dash_duo.driver, "phone")
    dash_duo.driver.get(dash_duo.server_url + "/evidence")
    settle(dash_duo.driver, "#ev-funnel .main-svg")
    driver = dash_duo.driver
    panel = f"document.getElementById('{ids.FILTER_PANEL}')"
    driver.execute_script(f"document.getElementById('{ids.FILTER_TOGGLE}').click()")
    WebDriverWait(driver, 5).until(lambda d: d.execute_script(f"return {panel}.offsetHeight > 0"))
    done = dash_duo.find_element(f"#{ids.FILTER_DONE}")
    # the last control of the panel, below the dose range
    assert driver.execute_script(f"return {panel}.lastElementChild.id") == ids.FILTER_DONE
    # pressed from the keyboard (the element a tap lands on: selenium's pointer maths is off under phone emulation)
    driver.execute_script("arguments[0].focus()", done)
    done.send_keys(Keys.ENTER)
    WebDriverWait(driver, 5).until(lambda d: d.execute_script(f"return {panel}.offsetHeight === 0"))
    toggle = driver.find_element("id", ids.FILTER_TOGGLE)
    assert toggle.get_attribute("aria-expanded") == "false"
    assert severe_logs(dash_duo) == []


def test_the_year_slider_is_reachable_on_a_laptop_screen(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.set_window_size(1440, 900)
    dash_duo.driver.get(dash_duo.server_url + "/")
    settle(dash_duo.driver, "#overview-map .main-svg")
    driver = dash_duo.driver
    assert not driver.find_element("id", ids.FILTER_DONE).is_displayed()  # desktop: the panel stays beside the page
    slider = driver.find_element("id", ids.control("years"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", slider)
    top, bottom, panel_bottom, viewport = driver.execute_script(
        f"""const r = arguments[0].getBoundingClientRect();
        const p = document.getElementById('{ids.FILTER_PANEL}').getBoundingClientRect();
        return [r.top, r.bottom, p.bottom, window.innerHeight];""",
        slider,
    )
    assert top >= 0 and bottom <= min(panel_bottom, viewport), (top, bottom, panel_bottom, viewport)


ROUTE_LABELS = """
const gd = document.querySelector('#sr-route .js-plotly-plot');
const labels = [...gd.querySelectorAll('.ytick text')].map(t => t.textContent);
return [labels, gd._fullLayout._size.w / gd._fullLayout.width];
"""


def test_a_phone_gets_bar_labels_it_can_read_whole_labels_in_downloads_and_the_diagram_as_text(dash_duo, atlas_app):
    from test_browser_chart_cards import download

    dash_duo.start_server(atlas_app)
    set_width(dash_duo.driver, "phone")
    dash_duo.driver.get(dash_duo.server_url + "/sources-routes")
    settle(dash_duo.driver, "#sr-route .main-svg")
    # long route names are cut, so the bars get most of the chart's width
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: any(text.endswith("…") for text in d.execute_script(ROUTE_LABELS)[0]), message="labels not cut"
    )
    labels, plot_share = dash_duo.driver.execute_script(ROUTE_LABELS)
    assert "Intravenous" in labels and all(len(text) <= 16 for text in labels)
    assert plot_share > 0.45, f"the bars get only {plot_share:.0%} of the chart's width"
    # a download keeps the whole labels
    svg = download(dash_duo, "sr-route", "svg").read_text(encoding="utf-8")
    assert "Intracerebral / intranasal to CNS" in svg and "Intracerebral…" not in svg
    # the mechanism diagram is too small to read on a phone: its text version starts open there
    dash_duo.driver.get(dash_duo.server_url + "/mechanism")
    settle(dash_duo.driver, "#mech-status strong")
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.execute_script("return document.getElementById('mech-text-details').open"), message="closed"
    )
    assert len(dash_duo.driver.find_elements("css selector", "#mech-text-alt li")) > 10
    # ... and closed at a desktop width, where the diagram reads well
    set_width(dash_duo.driver, "desktop")
    dash_duo.driver.get(dash_duo.server_url + "/mechanism")
    settle(dash_duo.driver, "#mech-status strong")
    assert dash_duo.driver.execute_script("return document.getElementById('mech-text-details').open") is False
    assert severe_logs(dash_duo) == []
