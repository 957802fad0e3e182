"""Charts arrive with margins that already fit their labels (msc_atlas.text_metrics), so plotly.js draws each one
once: in headless Chromium at desktop width, no graph's drawn margin is wider than the margin its figure gave.
(automargin stays on as a safety net; on a phone a wrapped legend or auto-rotated ticks may still grow one.)"""

from __future__ import annotations

import pytest
from conftest import severe_logs
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_pages import expected_count, wait_for_count

# run after two animation frames: plotly.js grows a margin in the draw's own promise chain, done by then
GROWN = """var done = arguments[arguments.length - 1];
requestAnimationFrame(function () { requestAnimationFrame(function () { done(Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(function (gd) { return gd._fullLayout && gd.data && gd.data.length; }).flatMap(function (gd) {
  var drawn = gd._fullLayout._size, given = gd.layout.margin, id = gd.closest('[id]').id;
  return ['l', 'r', 't', 'b'].filter(function (side) { return drawn[side] > given[side] + 0.5; })
    .map(function (side) { return id + '.' + side + ': ' + given[side] + ' -> ' + Math.round(drawn[side]); });
})); }); });"""
DRAWN = """return Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(function (gd) { return gd._fullLayout && gd.data && gd.data.length; }).length;"""


@pytest.mark.parametrize(
    "path, graphs",
    [
        ("/", 2),
        ("/sources-routes", 5),
        ("/sources-routes?focus=liver", 5),
        ("/sources-routes?product=msc_ev", 5),
        ("/evidence", 4),
        ("/evidence?focus=covid19_ards", 4),
    ],  # NCT05261360 gives MSCs and their EVs and states cells per kg: the EV view has a dose chart too
)
def test_no_margin_grows_after_the_first_draw(dash_duo, atlas_app, path, graphs):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(dash_duo.server_url + path)
    query = path.split("?", 1)[1] if "?" in path else ""
    wait_for_count(dash_duo, expected_count("?" + query if query else ""), timeout=20)
    WebDriverWait(dash_duo.driver, 20).until(lambda d: d.execute_script(DRAWN) == graphs, message="graphs not drawn")
    assert dash_duo.driver.execute_async_script(GROWN) == []
    assert severe_logs(dash_duo) == []
