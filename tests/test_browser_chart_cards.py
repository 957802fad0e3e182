"""Chart cards in headless Chromium (other hosts unresolvable): a chart's table is built when its "Show the numbers
as a table" is opened, follows the filter and the card's own control while open, and is never shown out of date;
and every chart of the overview and of Sources & routes downloads as an SVG titled like the chart (with the filter)
and as a PNG of print width (>= 1,800 px, stated as 300 dpi)."""

from __future__ import annotations

import pathlib
import struct
import xml.etree.ElementTree as ET

import pytest
from conftest import severe_logs
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_pages import expected_count, wait_for_count

from msc_atlas import views
from msc_atlas.filters import FilterState
from msc_atlas.ui.chart_card import PENDING

LIVER = FilterState(focus=("liver",))
SVG_NS = "{http://www.w3.org/2000/svg}"


def summary(dash_duo, card: str):
    return dash_duo.find_element(f"#{card}-details summary")


def click(dash_duo, element) -> None:
    """A real click, on an element first scrolled to the middle of the window (clear of the sticky navbar; at once:
    Bootstrap makes scrolling smooth, and a click during the scroll lands elsewhere)."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def body_rows(dash_duo, card: str) -> int:
    return dash_duo.driver.execute_script(f"return document.querySelectorAll('#{card}-table tbody tr').length")


def wait_for_rows(dash_duo, card: str, expected: int) -> None:
    WebDriverWait(dash_duo.driver, 10).until(
        lambda _: body_rows(dash_duo, card) == expected, message=f"{card}'s table never had {expected} rows"
    )


def table_text(dash_duo, card: str) -> str:
    return dash_duo.driver.execute_script(f"return document.getElementById('{card}-table').textContent")


def test_tables_are_built_when_opened_and_follow_the_filter(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/sources-routes")
    dash_duo.wait_for_element("#sr-matrix .main-svg", timeout=15)
    wait_for_count(dash_duo, expected_count(""))
    # the first load carries no table: each waits, closed, until it is opened
    assert dash_duo.find_elements("#sr-charts table") == []
    assert table_text(dash_duo, "sr-matrix") == PENDING
    everything = views.sources_routes.view(FilterState())
    click(dash_duo, summary(dash_duo, "sr-matrix"))
    wait_for_rows(dash_duo, "sr-matrix", len(everything["matrix"]["rows"]))
    assert dash_duo.find_elements("#sr-charts table") == dash_duo.find_elements("#sr-matrix-table table")
    # open the tissue table, then close it again
    click(dash_duo, summary(dash_duo, "sr-tissue"))
    wait_for_rows(dash_duo, "sr-tissue", len(everything["tissue"]["rows"]))
    click(dash_duo, summary(dash_duo, "sr-tissue"))
    # a filter change: the open table follows it, the closed one drops its old numbers
    click(dash_duo, dash_duo.driver.find_element("xpath", "//button[normalize-space()='Liver disease']"))
    wait_for_count(dash_duo, expected_count("?focus=liver"))
    liver = views.sources_routes.view(LIVER)
    wait_for_rows(dash_duo, "sr-matrix", len(liver["matrix"]["rows"]))
    first = liver["matrix"]["rows"][0]
    assert dash_duo.find_element("#sr-matrix-table tbody tr").text.split() == " ".join(map(str, first)).split()
    WebDriverWait(dash_duo.driver, 5).until(lambda _: table_text(dash_duo, "sr-tissue") == PENDING)
    click(dash_duo, summary(dash_duo, "sr-tissue"))
    wait_for_rows(dash_duo, "sr-tissue", len(liver["tissue"]["rows"]))
    # the switchable card's own control: its open table follows the chart it shows
    click(dash_duo, summary(dash_duo, "sr-switched"))
    dash_duo.wait_for_contains_text("#sr-switched-table thead", "Donor")
    click(dash_duo, dash_duo.driver.find_element("xpath", "//*[@id='sr-switch']//label[normalize-space()='Phase']"))
    dash_duo.wait_for_contains_text("#sr-switched-table thead", "Phase")
    wait_for_rows(dash_duo, "sr-switched", len(liver["phase"]["rows"]))
    assert severe_logs(dash_duo) == []


def test_the_overview_map_table_follows_its_colour_choice(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + "/?focus=liver")
    dash_duo.wait_for_element("#overview-map .main-svg", timeout=15)
    click(dash_duo, summary(dash_duo, "overview-map"))
    wait_for_rows(dash_duo, "overview-map", len(views.overview.view(LIVER, "all", "product")["map_rows"]))
    click(dash_duo, dash_duo.driver.find_element("xpath", "//*[@id='overview-map-colour']//label[.='Exosomes / EVs']"))
    ev = views.overview.view(LIVER, "msc_ev", "product")
    wait_for_rows(dash_duo, "overview-map", len(ev["map_rows"]))
    dash_duo.wait_for_contains_text("#overview-map-table caption", f"{ev['no_country']:,} matching trials")
    assert severe_logs(dash_duo) == []


# ------------------------------------------------------------------------------------------------ downloads


def download(dash_duo, card: str, file_format: str) -> pathlib.Path:
    """Click the card's SVG or PNG button; the file it saved, once complete."""
    folder = pathlib.Path(dash_duo.download_path)
    before = set(folder.iterdir())
    button = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.chart-export-button')]"
        ".find(b => JSON.parse(b.id).card === arguments[0] && JSON.parse(b.id).format === arguments[1])",
        card,
        file_format,
    )
    click(dash_duo, button)
    found = WebDriverWait(dash_duo.driver, 30).until(
        lambda _: [f for f in set(folder.iterdir()) - before if f.suffix == f".{file_format}"],
        message=f"{card}: no {file_format} was downloaded",
    )
    return found[0]


def svg_title(path: pathlib.Path) -> str:
    root = ET.parse(path).getroot()  # a well-formed SVG document, or this raises
    assert root.tag == f"{SVG_NS}svg"
    titles = [el for el in root.iter(f"{SVG_NS}text") if "gtitle" in (el.get("class") or "")]
    assert len(titles) == 1
    return "".join(titles[0].itertext())


def png_facts(path: pathlib.Path) -> tuple[int, int, int | None]:
    """Width and height in pixels, and the pixels per metre of its pHYs chunk (None without one)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    at, per_metre = 8, None
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I", data[at : at + 4])[0], data[at + 4 : at + 8]
        if kind == b"pHYs":
            x, y, unit = struct.unpack(">IIB", data[at + 8 : at + 17])
            assert x == y and unit == 1
            per_metre = x
        if kind == b"IEND":
            break
        at += 12 + length
    return width, height, per_metre


def status(dash_duo, card: str) -> str:
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.chart-export-status')]"
        ".find(s => JSON.parse(s.id).card === arguments[0]).textContent",
        card,
    )


def chart_titles(path: str, state: FilterState) -> dict[str, str]:
    """card -> the title of its chart, as the view gives it ("what — for which filter")."""
    if path == "/":
        view = views.overview.view(state, "all", "product")
        return {"overview-map": view["map_title"], "overview-timeline": view["timeline_title"]}
    view = views.sources_routes.view(state)
    return {
        "sr-tissue": view["tissue"]["title"],
        "sr-route": view["route"]["title"],
        "sr-matrix": view["matrix"]["title"],
        "sr-dose": view["dose"]["title"],
        "sr-switched": view["donor"]["title"],
    }


@pytest.mark.parametrize(
    "path, ready", [("/", "#overview-timeline .main-svg"), ("/sources-routes", "#sr-dose .main-svg")]
)
def test_every_chart_downloads_as_svg_and_print_png(dash_duo, atlas_app, path, ready):
    dash_duo.start_server(atlas_app)
    dash_duo.driver.get(dash_duo.server_url + path + "?focus=liver")
    dash_duo.wait_for_element(ready, timeout=15)
    wait_for_count(dash_duo, expected_count("?focus=liver"))
    for card, title in chart_titles(path, LIVER).items():
        what, _, scope = title.partition(" — ")
        drawn = svg_title(download(dash_duo, card, "svg"))
        assert what in drawn and scope in drawn and "Liver" in scope, (card, drawn)
        width, height, per_metre = png_facts(download(dash_duo, card, "png"))
        assert width >= 1800 and 300 <= height <= width, (card, width, height)
        assert per_metre == round(300 / 0.0254), card  # opens 17 cm wide: 300 dpi
        said = f"PNG saved ({width} × {height} px, 300 dpi)."  # the card's status line, read out by screen readers
        WebDriverWait(dash_duo.driver, 5).until(lambda _, c=card, s=said: status(dash_duo, c) == s, message=card)
    assert severe_logs(dash_duo) == []
