"""First load of each page in headless Chromium, cache disabled: bytes transferred and time until every graph is
drawn, against a minimal Dash app with one dcc.Graph measured in the same run (bench/minimal_app.py).

Both apps run under gunicorn with gunicorn.conf.py on 127.0.0.1. Bytes are the encoded (on-the-wire) sizes from the
Chrome DevTools Network events; time is from navigation start to the moment every graph on the page has drawn
(plotly graphs hold their traces, the diagram's canvas and the grid's rows exist), read inside the browser.

    python bench/bench_first_load.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from common import GUNICORN, ROOT, free_port, ratio, start_process, stop_process, verdict

TARGET_RATIO = 1.0  # issue 13: no page loads slower or heavier than a bare one-graph Dash app
# page -> JavaScript condition that is true once everything the page draws is drawn
PLOTLY_DRAWN = """(function (n) {
  var graphs = Array.prototype.slice.call(document.querySelectorAll('.js-plotly-plot'));
  var visible = graphs.filter(function (g) { return g.offsetParent !== null; });
  return visible.length >= n && visible.every(function (g) {
    return g._fullLayout && g.data && g.data.length > 0 && g.querySelector('.main-svg'); });
})"""
READY = {
    "/": PLOTLY_DRAWN + "(2)",
    "/sources-routes": PLOTLY_DRAWN + "(5)",
    "/mechanism": "!!document.querySelector('[id$=graph] canvas') && "
    "document.querySelector('#mech-status') && document.querySelector('#mech-status').textContent.length > 0",
    "/trials": "!!document.querySelector('.ag-row')",
    "/evidence": PLOTLY_DRAWN + "(4)",
    "/compare": PLOTLY_DRAWN + "(1)",
    "/methods": "!!document.querySelector('#flow-view') && document.querySelector('#flow-view').textContent.length > 0",
    "/about": "!!document.querySelector('#about-version')",
}
MINIMAL_READY = PLOTLY_DRAWN + "(1)"
WAIT_SCRIPT = """
var done = arguments[arguments.length - 1], started = performance.now();
var ready = function () { return (%s); };
(function poll() {
  var ok = false;
  try { ok = !!ready(); } catch (e) { ok = false; }
  if (ok) { done(performance.now()); }
  else if (performance.now() - started > 30000) { done(-1); }
  else { setTimeout(poll, 5); }
})();
"""  # the condition is compiled into the script (not eval'd): the atlas's CSP forbids eval


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1400,1000",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(40)
    return driver


def load_once(driver, url: str, condition: str) -> dict[str, Any]:
    """One cold load: cache disabled, fresh page; returns bytes, requests and ms until `condition`."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.get("about:blank")
    driver.get_log("performance")  # drop earlier events
    driver.get(url)
    drawn = driver.execute_async_script(WAIT_SCRIPT % condition)
    if drawn < 0:
        raise RuntimeError(f"{url}: the page never finished drawing")
    encoded: dict[str, float] = {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.loadingFinished":
            encoded[message["params"]["requestId"]] = message["params"]["encodedDataLength"]
    return {"ms": drawn, "bytes": sum(encoded.values()), "requests": len(encoded)}


def measure(driver, url: str, condition: str, repeats: int) -> dict[str, Any]:
    load_once(driver, url, condition)  # warm-up: server-side first-call costs
    runs = [load_once(driver, url, condition) for _ in range(repeats)]
    return {
        "ms": statistics.median(r["ms"] for r in runs),
        "bytes": statistics.median(r["bytes"] for r in runs),
        "requests": statistics.median(r["requests"] for r in runs),
    }


def run(repeats: int = 5) -> dict[str, Any]:
    config = str(ROOT / "gunicorn.conf.py")
    logs = Path(tempfile.gettempdir())
    atlas_port = free_port()
    atlas = start_process([*GUNICORN, "-c", config, "app:server"], atlas_port, log=logs / "msc-atlas-bench-fl.log")
    minimal_port = free_port()  # after the atlas holds its port, so the two differ
    minimal = None
    driver = None
    try:
        minimal = start_process(
            [*GUNICORN, "-c", config, "--chdir", str(ROOT / "bench"), "minimal_app:server"],
            minimal_port,
            log=logs / "msc-atlas-bench-minimal.log",
        )
        driver = browser()
        baseline = measure(driver, f"http://127.0.0.1:{minimal_port}/", MINIMAL_READY, repeats)
        pages = {
            path: measure(driver, f"http://127.0.0.1:{atlas_port}{path}", condition, repeats)
            for path, condition in READY.items()
        }
        baseline_again = measure(driver, f"http://127.0.0.1:{minimal_port}/", MINIMAL_READY, repeats)
    finally:
        if driver is not None:
            driver.quit()
        for process in (atlas, minimal):
            if process is not None:
                stop_process(process)
    # the baseline measured before and after the pages: its median absorbs drift during the run
    baseline = {key: statistics.median([baseline[key], baseline_again[key]]) for key in baseline}
    return {"baseline": baseline, "pages": pages, "repeats": repeats}


def markdown(result: dict[str, Any]) -> str:
    base = result["baseline"]
    lines = [
        f"Headless Chromium, cache disabled, median of {result['repeats']} cold loads per page; baseline: a minimal "
        f"Dash app with one dcc.Graph (bench/minimal_app.py), same server set-up, same run: "
        f"{base['bytes'] / 1e6:.2f} MB in {base['requests']:.0f} requests, drawn after {base['ms']:.0f} ms.",
        "",
        "| Page | Bytes transferred | ratio | Requests | Time until all graphs drawn | ratio | "
        f"Target (≤ {TARGET_RATIO}x bytes and time) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for path, page in result["pages"].items():
        ok = page["bytes"] <= TARGET_RATIO * base["bytes"] and page["ms"] <= TARGET_RATIO * base["ms"]
        lines.append(
            f"| {path} | {page['bytes'] / 1e6:.2f} MB | {ratio(page['bytes'], base['bytes'])} | "
            f"{page['requests']:.0f} | {page['ms']:.0f} ms | {ratio(page['ms'], base['ms'])} | {verdict(ok)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.repeats)
    print(json.dumps(result, indent=1) if args.json else markdown(result))


if __name__ == "__main__":
    main()
