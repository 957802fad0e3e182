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
