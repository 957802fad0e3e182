"""Helpers for the accessibility browser tests: window widths, waiting for a page to settle, running axe-core, and
keyboard-only input (selenium key events sent to whatever has the focus: no mouse, no element clicks)."""

from __future__ import annotations

import pathlib
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

AXE_JS = pathlib.Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": (1440, 1000), "phone": (390, 844)}

# Settled: Dash has rendered, no callback is pending, every plotly graph has drawn, the filter count is shown.
SETTLED = """
return !document.querySelector('._dash-loading')
    && !document.querySelector('[data-dash-is-loading="true"]')
    && [...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout)
    && !!(document.getElementById('match-count') || {}).textContent;
"""
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done(result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(n => n.target.join(' ')),
  }))))
  .catch(err => done([{id: 'axe-error', impact: 'critical', help: String(err), targets: []}]));
"""
DESCRIBE_FOCUS = """
const e = document.activeElement;
return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' +
    (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 60) : 'nothing';
"""


def set_width(driver, name: str) -> None:
    """Emulate the viewport (headless windows cannot be narrower than 500 px)."""
    width, height = WIDTHS[name]
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": name == "phone"},
    )


def settle(driver, ready_selector: str | None = None, timeout: float = 25) -> None:
    if ready_selector:
        WebDriverWait(driver, timeout).until(
            lambda d: d.find_elements("css selector", ready_selector), message=f"{ready_selector} never showed"
        )
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(SETTLED), message="the page never settled")
    time.sleep(0.5)  # plotly's and Bootstrap's transitions (opacity) end before colours are measured


def axe_violations(driver) -> list[dict]:
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(90)
    return driver.execute_async_script(RUN_AXE, WCAG_TAGS)


def press(driver, *keys: str, pause: float = 0.15) -> None:
    for key in keys:
        ActionChains(driver).send_keys(key).perform()
        time.sleep(pause)


def focused(driver, js_test: str) -> bool:
    return bool(driver.execute_script(f"const e = document.activeElement; return !!e && ({js_test});"))


def tab_until(driver, js_test: str, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element passes `js_test` (a JS expression over `e`)."""
    seen = []
    for _ in range(limit):
        if backwards:
            ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            ActionChains(driver).send_keys(Keys.TAB).perform()
        time.sleep(0.05)
        if focused(driver, js_test):
            return
        seen.append(driver.execute_script(DESCRIBE_FOCUS))
    raise AssertionError(f"Tab never reached {js_test}; focus went through: {seen}")


def wait_for_focus(driver, js_test: str, timeout: float = 5) -> None:
    WebDriverWait(driver, timeout).until(lambda d: focused(d, js_test), message=f"focus never reached {js_test}")
