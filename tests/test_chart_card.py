"""ChartCard without a browser: the page callbacks send no tables (a first load carries none), each card's table
function builds the same table the page used to send, from the same cached view, and the card's parts and callbacks
are wired (a request store per card, one export callback for every card). The browser side is in
tests/test_browser_chart_cards.py."""

from __future__ import annotations

import json

import plotly
import pytest

from msc_atlas import views
from msc_atlas.filters import LENSES, FilterState
from msc_atlas.ui import components as ui
from msc_atlas.ui.chart_card import EXPORT, EXPORT_STATUS, GRAPH_CONFIG, PENDING, ChartCard

STATES = [FilterState(), FilterState(focus=("liver",)), LENSES["covid"][1], FilterState(q="no such trial anywhere")]


@pytest.fixture(scope="module")
def pages(atlas_app):
    import pages.overview as overview  # imported by the app's page loader
    import pages.sources_routes as sources_routes

    return overview, sources_routes


def component_types(value) -> list[str]:
    """Every Dash component type in a callback's answer, as the renderer receives it."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "namespace" in node and "type" in node:
                found.append(node["type"])
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder)))
    return found


def json_of(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True)


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.to_query() or "default")
def test_the_page_callbacks_send_no_table(pages, state):
    overview, sources_routes = pages
    answers = [overview.update_overview(state.to_dict(), "all", "product")]
    answers += [
        sources_routes.update_sources_routes(state.to_dict(), name) for name in sources_routes.switched_choices()
    ]
    for answer in answers:
        assert not {"Table", "Tr", "Td"} & set(component_types(answer))


def test_the_overview_tables_are_the_views_rows(pages):
    overview, _ = pages
    state = FilterState(focus=("liver",))
    view = views.overview.view(state, "msc_ev", "focus_area")
    made = overview.map_table(state.to_dict(), "msc_ev", "focus_area")
    caption = f"{view['no_country']:,} matching trials report no country."
    assert json_of(made) == json_of(ui.table(["Country", "Trials"], view["map_rows"], caption=caption))
    made = overview.timeline_table(state.to_dict(), "msc_ev", "focus_area")
    assert json_of(made) == json_of(ui.table(view["timeline_header"], view["timeline_rows"]))


def test_the_sources_routes_tables_are_the_views_rows(pages):
    _, page = pages
    state = LENSES["covid"][1]
    view = views.sources_routes.view(state)
    data = state.to_dict()
    for name in page.ALWAYS_SHOWN:
        made = page._bar_table(name)(data)
        assert json_of(made) == json_of(ui.table([page.charts()[name].label, "Trials"], view[name]["rows"])), name
    for name in page.switched_choices():
        made = page.switched_table(data, name)
        assert json_of(made) == json_of(ui.table([page.charts()[name].label, "Trials"], view[name]["rows"]))
    assert json_of(page.matrix_table(data)) == json_of(
        ui.table(["Tissue source", "Route", "Trials"], view["matrix"]["rows"])
    )
    dose_rows = [(route, n, f"{low:.2g}", f"{high:.2g}") for route, n, low, high in view["dose"]["rows"]]
    assert json_of(page.dose_table(data)) == json_of(ui.table(page.DOSE_HEADER, dose_rows))


@pytest.mark.parametrize("garbage", [None, [], {"focus": [["x"]]}, "liver", 7, {"q": "no such trial anywhere"}])
def test_table_functions_take_garbage_and_empty_views(pages, garbage):
    overview, page = pages
    for table in (overview.map_table(garbage, ["x"], {}), overview.timeline_table(garbage, None, 3)):
        assert table is None or component_types(table)[0] == "Table"
    for table in (page.matrix_table(garbage), page.dose_table(garbage), page.switched_table(garbage, {"a": 1})):
        assert table is None or component_types(table)[0] == "Table"
    assert page.matrix_table({"q": "no such trial anywhere"}) is None  # the cards are hidden then


def test_a_card_has_its_parts_and_a_closed_table_waiting(atlas_app):
    card = ChartCard("demo-card", note="A note.")
    tree = json.loads(json_of(card))
    text = json.dumps(tree, ensure_ascii=False)
    for part in ("demo-card", "demo-card-wrap", "demo-card-table", "demo-card-details", "demo-card-table-request"):
        assert f'"id": "{part}"' in text, part
    details = next(node for node in _nodes(tree) if node.get("type") == "Details")
    assert details["props"]["open"] is False
    assert PENDING in text
    buttons = [node for node in _nodes(tree) if node.get("type") == "Button"]
    assert [b["props"]["id"] for b in buttons] == [
        {"type": EXPORT, "card": "demo-card", "format": "svg"},
        {"type": EXPORT, "card": "demo-card", "format": "png"},
    ]
    assert [b["props"]["children"] for b in buttons] == ["SVG", "PNG, 300 dpi"]
    assert all(b["props"]["type"] == "button" and b["props"]["aria-describedby"] == "demo-card-wrap" for b in buttons)
    assert {"type": EXPORT_STATUS, "card": "demo-card"} in [node["props"].get("id") for node in _nodes(tree)]


def test_every_card_has_a_table_callback_and_one_export_callback_serves_all(atlas_app):
    atlas_app.server.test_client().get("/")  # registers every page's callbacks
    keys = list(atlas_app.callback_map)
    cards = ["overview-map", "overview-timeline", "sr-tissue", "sr-route", "sr-switched", "sr-matrix", "sr-dose"]
    for card in cards:
        assert any(key.startswith(f"..{card}-table-request.data...{card}-table.children@") for key in keys), card
        assert any(key.startswith(f"{card}-table.children@") for key in keys), card
    assert sum(EXPORT_STATUS in key for key in keys) == 1


def test_the_toolbar_has_no_second_way_to_save_a_chart():
    assert "toImage" in GRAPH_CONFIG["modeBarButtonsToRemove"]
    assert "toImageButtonOptions" not in GRAPH_CONFIG


def _nodes(tree):
    if isinstance(tree, dict):
        if "type" in tree and "props" in tree:
            yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)
