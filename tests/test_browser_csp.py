"""The Content-Security-Policy (no 'unsafe-eval', hashed inline scripts) lets every page work: headless Chromium
logs no CSP violation while each page loads and draws (plotly, dash-ag-grid, dash-cytoscape, the Dash renderer)."""

from __future__ import annotations

from conftest import severe_logs

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""
PAGES = [
    ("/", "#overview-map .main-svg"),
    ("/sources-routes", "#sr-matrix .main-svg"),
    ("/mechanism", "#mech-status strong"),
    ("/trials", "#trials-grid .ag-row[row-id]"),
    ("/evidence", "#ev-funnel .main-svg"),
    ("/about", "#about-version"),
]


def test_no_page_violates_the_content_security_policy(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    for path, selector in PAGES:
        driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(selector, timeout=20)
        policy = driver.execute_async_script(
            "var done = arguments[0]; fetch(location.href).then(function (r) {"
            " done(r.headers.get('Content-Security-Policy')); });"
        )
        assert policy and "unsafe-eval" not in policy and "script-src 'self' 'sha256-" in policy
        assert driver.execute_script("return window.__cspViolations") == [], path
        logs = [entry["message"] for entry in severe_logs(dash_duo)]
        assert not [m for m in logs if "Content Security Policy" in m or "Content-Security-Policy" in m], logs
    # the trials grid evaluates its getRowId / cell renderer strings without eval: select a row, see its detail
    driver.get(dash_duo.server_url + "/trials")
    dash_duo.wait_for_element("#trials-grid .ag-row[row-id] .ag-cell", timeout=20).click()
    dash_duo.wait_for_element("#trials-detail table", timeout=10)
    assert driver.execute_script("return window.__cspViolations") == []
    # and the recorder does see a violation: an injected inline script is refused
    driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__ran = 1';document.body.appendChild(s);"
    )
    dash_duo.wait_for_element("body", timeout=2)
    assert driver.execute_script("return window.__ran") is None
    assert any("script-src" in v for v in driver.execute_script("return window.__cspViolations"))
