"""Screenshots of every page at desktop and phone width, from a running app (default http://127.0.0.1:8050).

    python scripts/screenshots.py [base_url] [out_dir]

Waits until each page's graphs have drawn, prints browser console errors, writes <page>-<width>.png.
"""
from __future__ import annotations

import pathlib
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

PAGES = {"overview": "/", "sources-routes": "/sources-routes", "mechanism": "/mechanism", "trials": "/trials",
         "about": "/about"}
WIDTHS = {"desktop": (1440, 1000), "phone": (390, 844)}
READY = ("return !document.querySelector('._dash-loading') && "
         "[...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout) && "
         "!document.querySelector('[data-dash-is-loading=\"true\"]')")


def driver(width: int, height: int) -> webdriver.Chrome:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--hide-scrollbars", f"--window-size={width},{height}",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


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
                full_height = browser.execute_script("return document.documentElement.scrollHeight")
                browser.set_window_size(width, min(max(height, full_height), 6000))
                time.sleep(0.5)
                path = out / f"{name}-{width_name}.png"
                browser.save_screenshot(str(path))
                browser.set_window_size(width, height)
                errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
                print(f"{path}: {len(errors)} console errors", *errors[:5], sep="\n  ")
        finally:
            browser.quit()


if __name__ == "__main__":
    main()
