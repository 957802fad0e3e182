"""Screenshots of every page at desktop and phone width, from a running app (default http://127.0.0.1:8050).

    python scripts/screenshots.py [base_url] [out_dir]

Waits until each page's graphs have drawn, prints browser console errors, writes <page>-<width>.png.
"""

from __future__ import annotations

import base64
import pathlib
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

PAGES = {
    "overview": "/",
    "sources-routes": "/sources-routes",
    "mechanism": "/mechanism",
    "trials": "/trials",
    "evidence": "/evidence",
    "compare": "/compare?focus=covid19_ards&vs=focus%3Dliver",
    "methods": "/methods",
    "about": "/about",
}
WIDTHS = {"desktop": (1440, 1000), "phone": (390, 844)}
READY = (
    "return !document.querySelector('._dash-loading') && "
    "[...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout) && "
    "!document.querySelector('[data-dash-is-loading=\"true\"]')"
)


def driver(width: int, height: int) -> webdriver.Chrome:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    if width < 500:  # headless windows are at least 500 px wide: emulate the phone's viewport instead
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
        )
    return browser


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050"
    out = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    only = sys.argv[3].split(",") if len(sys.argv) > 3 else list(PAGES)
    out.mkdir(parents=True, exist_ok=True)
    for width_name, (width, height) in WIDTHS.items():
        browser = driver(width, height)
        try:
            for name in only:
                browser.get(base + PAGES[name])
                deadline = time.time() + 20
                time.sleep(1.0)
                while time.time() < deadline and not browser.execute_script(READY):
                    time.sleep(0.25)
                time.sleep(1.0)  # let transitions settle before the picture
                full_height = min(browser.execute_script("return document.documentElement.scrollHeight"), 6000)
                path = out / f"{name}-{width_name}.png"
                if width < 500:  # whole page, viewport kept at phone size (so vh units stay true)
                    shot = browser.execute_cdp_cmd(
                        "Page.captureScreenshot",
                        {
                            "captureBeyondViewport": True,
                            "fromSurface": True,
                            "clip": {"x": 0, "y": 0, "width": width, "height": full_height, "scale": 1},
                        },
                    )
                    path.write_bytes(base64.b64decode(shot["data"]))
                else:
                    browser.set_window_size(width, max(height, full_height))
                    time.sleep(0.5)
                    browser.save_screenshot(str(path))
                    browser.set_window_size(width, height)
                errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
                print(f"{path}: {len(errors)} console errors", *errors[:5], sep="\n  ")
        finally:
            browser.quit()


if __name__ == "__main__":
    main()
