"""Mechanism page callbacks, called as plain functions with good and garbage inputs (no browser)."""

from __future__ import annotations

import csv
import io

import dash
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict


@pytest.fixture(scope="module")
def page(atlas_app):
    import pages.mechanism as page  # imported by the app's page loader

    return page


def text_of(component) -> str:
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def test_layout_accepts_anything(page):
    assert page.layout() is not None
    assert page.layout(context="liver", foo=["1", "2"], product="<script>") is not None


GARBAGE = [None, "", 5, "zzz", ["msc"], {"id": "msc"}, "msc__inhibits__nothing", "#treg"]


@pytest.mark.parametrize("choice", [None, "follow", "liver", "all", 7, ["x"], "<b>"])
@pytest.mark.parametrize("filter_data", [None, {}, {"focus": ["covid19_ards"]}, {"focus": 9}, "garbage", [1]])
def test_draw_never_raises(page, choice, filter_data):
    out = page.draw(choice, filter_data)
    elements, layout, aria, options = out["elements"], out["layout"], out["label"], out["options"]
    assert elements and layout["name"] == "preset" and aria and options
    assert {o["value"] for o in options} >= {"msc"}


def test_draw_follows_the_focus_filter(page):
    out = page.draw("follow", {"focus": ["liver"]})
    assert "Liver" in out["label"] and "following the focus-area filter" in text_of(out["status"])
    assert "COVID-19" in page.draw("covid19_ards", {"focus": ["liver"]})["label"]


@pytest.mark.parametrize("item", GARBAGE)
def test_show_evidence_on_garbage_is_a_message(page, item):
    out = page.show_evidence(item, "all", None)
    assert "Click a box" in text_of(out["panel"])
    assert out["stylesheet"] == page.mech_style.stylesheet()


def test_show_evidence_for_a_node_and_out_of_view(page):
    out = page.show_evidence("hepatic_stellate", "liver", {})
    text = text_of(out["panel"])
    assert "Contrasting (1)" in text and "Supporting" in text
    assert len(out["stylesheet"]) > len(page.mech_style.stylesheet())
    out = page.show_evidence("hepatic_stellate", "covid19_ards", {})
    assert "Not part of the COVID-19" in text_of(out["panel"])


def test_product_panel_links_to_filtered_trials(page):
    panel = page.show_evidence("msc_ev", "all", {"focus": ["covid19_ards"]})["panel"]
    links = [c for c in _walk(panel) if isinstance(c, dash.dcc.Link)]
    assert any(
        link.href.startswith("/trials?") and "product=msc_ev" in link.href and "focus=covid19_ards" in link.href
        for link in links
    )


def _walk(component):
    if isinstance(component, (list, tuple)):
        for c in component:
            yield from _walk(c)
    elif component is not None and not isinstance(component, (str, int, float)):
        yield component
        yield from _walk(getattr(component, "children", None))


@pytest.mark.parametrize("node, edge", [(None, None), ("x", 3), ({}, {}), ({"id": 5}, None), ({"id": "zzz"}, None)])
def test_pick_ignores_garbage(page, node, edge):
    assert page.pick(node, edge) is dash.no_update


def test_pick_a_node(page):
    assert page.pick({"id": "treg", "label": "x"}, None) == "treg"


def test_export_image(page):
    assert page.export_image(1, "all", None) is dash.no_update  # no trigger
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{page.PNG}.n_clicks", "value": 1}]))
    request = page.export_image(1, "liver", {"product": ["msc_ev"]})
    assert request["type"] == "png" and request["action"] == "download" and "liver" in request["filename"]
    # a figure that stands on its own: the view and filter in the title, the legend, a citation line
    assert "Liver" in request["title"] and "EV" in request["subtitle"]
    kinds = {(e["type"], e["label"]) for e in request["legend"]}
    assert ("arrow", "inhibits") in kinds and any(t == "box" for t, _ in kinds) and len(kinds) == 12
    assert request["citation"].startswith("MSC Trials Atlas, dataset ") and "21 sources" in request["citation"]
    assert page.export_image(2, "<b>", "garbage")["title"].endswith("All contexts")


def test_each_claim_reads_as_a_citation_linked_to_the_article(page):
    panel = page.show_evidence("tsg6__inhibits__macrophage_m1", "all", None)["panel"]
    anchors = [c for c in _walk(panel) if isinstance(c, dash.html.A)]
    cites = [a for a in anchors if a.className == "mech-cite"]
    assert [a.children for a in cites] == ["Choi et al., 2011, Blood"]
    assert cites[0].href == "https://doi.org/10.1182/blood-2010-12-327353" and "noopener" in cites[0].rel
    assert any(a.className == "mech-source" and a.href.endswith("PMC3138686") for a in anchors)
    assert "read from" in text_of(panel)


def test_an_unidentified_source_says_so_and_keeps_the_page_it_was_read_from(page):
    panel = page.show_evidence("ido__inhibits__effector_t", "all", None)["panel"]
    text = text_of(panel)
    assert "Article not identified" in text  # the oalib reference-list page (Meisel et al. 2004 title)
    assert "do not draw" not in text.casefold()


def test_ev_filter_in_the_covid_focus_draws_the_ev_box_with_its_trials(page):
    out = page.draw("follow", {"focus": ["covid19_ards"], "product": ["msc_ev"]})
    products = {el["data"]["id"]: el["data"]["label"] for el in out["elements"] if el.get("classes") == "product"}
    assert "msc_ev" in products and "trial" in products["msc_ev"]
    assert "gamma_sev" not in products  # the primed variant is not the product the filter chose


@pytest.mark.parametrize("filter_data", [None, {"product": ["msc_ev"]}, {"focus": ["liver"]}, "garbage", [1]])
def test_claims_csv_download(page, filter_data):
    assert page.export_claims(0, "all", filter_data) is dash.no_update
    sent = page.export_claims(1, "follow", filter_data)
    assert sent["type"] == "text/csv" and sent["filename"].startswith("msc-mechanism-claims-")
    rows = list(csv.DictReader(io.StringIO(sent["content"])))
    assert rows and {"citation", "link", "read_from", "doi", "pmid"} <= set(rows[0])
    assert all(r["citation"] and r["read_from"].startswith("http") for r in rows)
    assert all("do not draw" not in r["note"].casefold() for r in rows)


def test_claims_csv_of_every_context_counts_each_fact_once_per_arrow(page):
    rows = list(csv.DictReader(io.StringIO(page.claims_csv("all", ()))))
    assert len({r["fact_id"] for r in rows}) == 77 and len({(r["fact_id"], r["arrow"]) for r in rows}) == len(rows)
