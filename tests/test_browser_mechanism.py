"""Mechanism page in a real browser: tap a node or an arrow, read the evidence behind it.

Cytoscape draws to a canvas, so a tap is sent to the graph's own Cytoscape instance (the container element keeps
it in `_cyreg.cy`) instead of clicking pixel coordinates that depend on the layout and the window size."""

from __future__ import annotations

import csv
import io
import pathlib
import struct

from conftest import severe_logs
from selenium.webdriver.support.ui import WebDriverWait

GRAPH = "mechanism-graph"
CY = f"document.getElementById('{GRAPH}')._cyreg.cy"


def wait_for_graph(dash_duo, timeout=15):
    WebDriverWait(dash_duo.driver, timeout).until(
        lambda d: d.execute_script(
            f"const el = document.getElementById('{GRAPH}');"
            f"return !!(el && el._cyreg && el._cyreg.cy && el._cyreg.cy.nodes('.product').length);"
        )
    )


def tap(dash_duo, element_id):
    found = dash_duo.driver.execute_script(
        f"const ele = {CY}.getElementById(arguments[0]); if (ele.empty()) return false; ele.emit('tap'); return true;",
        element_id,
    )
    assert found, f"{element_id} is not in the diagram"


def open_mechanism(dash_duo, atlas_app):
    # dash_duo names the server "localhost", which the host-resolver rule in conftest leaves unresolvable;
    # the server listens on 127.0.0.1, so go there directly.
    dash_duo.start_server(atlas_app, navigate=False)
    dash_duo.server.host = "127.0.0.1"
    dash_duo.server_url = f"{dash_duo.server.url}/mechanism"
    dash_duo.wait_for_element("#mech-panel")
    wait_for_graph(dash_duo)


def test_tap_a_node_lists_its_evidence(dash_duo, atlas_app):
    open_mechanism(dash_duo, atlas_app)
    tap(dash_duo, "treg")
    dash_duo.wait_for_contains_text("#mech-panel-title", "Regulatory T cells", timeout=10)
    claims = dash_duo.find_elements("#mech-panel li.mech-claim")
    assert len(claims) >= 5
    for link in dash_duo.find_elements("#mech-panel a.mech-source"):
        assert link.get_attribute("href").startswith(("https://", "http://"))
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel")
    badges = " ".join(b.text for b in dash_duo.find_elements("#mech-panel .mech-badge"))
    assert "Supports" in badges and "Review" in badges and "Animal" in badges
    # the chooser follows the tap, so keyboard users and mouse users share one selection
    assert dash_duo.driver.execute_script(f"return {CY}.nodes().length") > 20
    assert severe_logs(dash_duo) == []


def test_tap_an_arrow_and_the_contrasting_finding(dash_duo, atlas_app):
    open_mechanism(dash_duo, atlas_app)
    dash_duo.find_element("#mech-context input[value='liver']").click()
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.execute_script(
            f"return {CY}.getElementById('tsg6__inhibits__lung_injury').empty() && "
            f"!{CY}.getElementById('gamma_sev__inhibits__hepatic_stellate').empty()"
        )
    )
    tap(dash_duo, "gamma_sev__inhibits__hepatic_stellate")
    dash_duo.wait_for_contains_text("#mech-panel-title", "Hepatic stellate cells", timeout=10)
    item = dash_duo.find_element("#mech-panel li.mech-claim-contrasts")
    assert "Contrasts" in item.text and "NEGATIVE" in item.text
    assert dash_duo.find_element("#mech-panel .mech-tally-contrasts").text == "1 contrasting"
    # drawn grey and dashed, without an arrowhead: not an active arrow
    style = dash_duo.driver.execute_script(
        f"const e = {CY}.getElementById('gamma_sev__inhibits__hepatic_stellate');"
        "return [e.style('target-arrow-shape'), e.style('line-style')];"
    )
    assert style == ["none", "dashed"]
    assert severe_logs(dash_duo) == []


def test_product_node_links_to_its_trials(dash_duo, atlas_app):
    open_mechanism(dash_duo, atlas_app)
    tap(dash_duo, "msc_ev")
    dash_duo.wait_for_contains_text("#mech-panel-title", "MSC exosomes", timeout=10)
    link = dash_duo.find_element("#mech-trials-link")
    assert link.text.startswith("Open ")
    assert "/trials?" in link.get_attribute("href") and "product=msc_ev" in link.get_attribute("href")
    assert severe_logs(dash_duo) == []


def test_the_png_export_is_the_whole_diagram_at_print_resolution(dash_duo, atlas_app):
    open_mechanism(dash_duo, atlas_app)
    folder = pathlib.Path(dash_duo.download_path)
    dash_duo.find_element("#mech-download-png").click()
    WebDriverWait(dash_duo.driver, 20).until(lambda _: list(folder.glob("*.png")), message="no PNG was downloaded")
    data = next(folder.glob("*.png")).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1800 and height >= 1000, (width, height)  # 17 cm at 300 dpi is 2,008 px
    # the whole diagram, not the part in view: the image spans every box at 4 pixels per layout unit
    span = dash_duo.driver.execute_script(f"const b = {CY}.elements().boundingBox(); return [b.w, b.h];")
    assert width >= 0.95 * 4 * span[0] and height >= 0.95 * 4 * span[1], (width, height, span)
    assert severe_logs(dash_duo) == []


# Dash's test browser keeps only SEVERE console entries, so warnings are recorded in the page itself, by a script
# that runs before any of the app's own (Chrome DevTools: Page.addScriptToEvaluateOnNewDocument).
RECORD_WARNINGS = """
window.__consoleWarnings = [];
const original = console.warn.bind(console);
console.warn = function (...args) { window.__consoleWarnings.push(String(args[0])); original(...args); };
"""


def test_claims_read_as_citations_and_download_as_a_table_without_console_warnings(dash_duo, atlas_app):
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_WARNINGS})
    open_mechanism(dash_duo, atlas_app)
    tap(dash_duo, "tsg6__inhibits__macrophage_m1")
    dash_duo.wait_for_contains_text("#mech-panel-title", "TSG-6", timeout=10)
    cite = dash_duo.find_element("#mech-panel a.mech-cite")
    assert cite.text == "Choi et al., 2011, Blood"
    assert cite.get_attribute("href") == "https://doi.org/10.1182/blood-2010-12-327353"
    assert "noopener" in cite.get_attribute("rel") and cite.get_attribute("target") == "_blank"
    item = dash_duo.find_element("#mech-panel li.mech-claim")
    assert "read from" in item.text and "pmc.ncbi.nlm.nih.gov" in item.text

    folder = pathlib.Path(dash_duo.download_path)
    dash_duo.find_element("#mech-download-claims").click()
    WebDriverWait(dash_duo.driver, 20).until(lambda _: list(folder.glob("*.csv")), message="no CSV was downloaded")
    rows = list(csv.DictReader(io.StringIO(next(folder.glob("*.csv")).read_text(encoding="utf-8"))))
    assert len({r["fact_id"] for r in rows}) == 77  # "Follow the filter" with no focus: every claim
    choi = [r for r in rows if r["read_from"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC3138686"]
    assert choi and all(r["citation"] == "Choi et al., 2011, Blood" and r["pmid"] == "21551236" for r in choi)

    assert dash_duo.driver.execute_script("return window.__consoleWarnings") == []  # no wheel-sensitivity warning
    assert severe_logs(dash_duo) == []


def test_ev_filter_draws_the_ev_box_in_the_covid_view(dash_duo, atlas_app):
    dash_duo.start_server(atlas_app, navigate=False)
    dash_duo.server.host = "127.0.0.1"
    dash_duo.server_url = f"{dash_duo.server.url}/mechanism?focus=covid19_ards&product=msc_ev"
    dash_duo.wait_for_element("#mech-panel")
    wait_for_graph(dash_duo)
    label = dash_duo.driver.execute_script(
        f"const n = {CY}.getElementById('msc_ev'); return n.empty() ? '' : n.data('label');"
    )
    assert "trial" in label, label
    assert severe_logs(dash_duo) == []
