"""Label widths estimated on the server (msc_atlas.text_metrics) and the margins the figures get from them."""

from __future__ import annotations

import math

import pytest

from msc_atlas import figures, views
from msc_atlas.filters import FilterState
from msc_atlas.text_metrics import rotated_height, text_width, widest


def test_widths_grow_with_the_text_and_the_font_size():
    assert text_width("", 13) == 0
    assert text_width("iii", 13) < text_width("mmm", 13)  # narrow and wide letters differ
    assert text_width("Intravenous", 26) == pytest.approx(2 * text_width("Intravenous", 13))
    assert text_width("Umbilical cord", 13) < text_width("Umbilical cord / Wharton's jelly", 13)
    # not below DejaVu Sans, the widest default sans-serif (13 px "not reported" is 82 px there, in Chromium)
    assert text_width("not reported", 13) >= 82
    assert text_width("ÄÖÜ ×", 13) > 0  # characters outside the table still count


def test_widest_and_slanted_labels():
    assert widest([], 13) == 0
    assert widest(["a", "abc", "ab"], 13) == text_width("abc", 13)
    assert rotated_height(100, 13, 0) == pytest.approx(13)
    assert rotated_height(100, 13, 90) == pytest.approx(100)
    assert rotated_height(100, 13, -30) == pytest.approx(50 + 13 * math.cos(math.radians(30)))


@pytest.mark.parametrize("state", [FilterState(), FilterState(focus=("liver",))], ids=["all", "liver"])
def test_category_bars_get_a_left_margin_for_their_longest_label(state):
    view = views.sources_routes.view(state)
    for name in ("tissue", "route"):
        figure = view[name]["figure"]
        labels = figure["data"][0]["y"]
        assert figure["layout"]["margin"]["l"] >= widest(labels, figures.FONT_SIZE) + figures.LABEL_GAP
        assert figure["layout"]["margin"]["l"] < widest(labels, figures.FONT_SIZE) + 40  # not wastefully wide


def test_the_heatmap_has_room_below_for_its_slanted_route_names():
    figure = views.sources_routes.view(FilterState())["matrix"]["figure"]
    columns = figure["data"][0]["x"]
    needed = rotated_height(widest(columns, figures.FONT_SIZE), figures.FONT_SIZE, 40)
    assert figure["layout"]["margin"]["b"] >= needed
    assert figure["layout"]["xaxis"]["automargin"] is True  # a wider font than estimated still fits
