"""Mechanism page callbacks, called as plain functions with good and garbage inputs (no browser)."""

from __future__ import annotations

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
    request = page.export_image(1, "liver", None)
    assert request["type"] == "png" and request["action"] == "download" and "liver" in request["filename"]
