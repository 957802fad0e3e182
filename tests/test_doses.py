"""The dose formatter and reader (msc_atlas.doses): what the grid, the record and the CSV export print."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msc_atlas import doses, vocab


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        (2e6, 2e6, "2 × 10⁶/kg"),
        (1e6, 2e6, "1–2 × 10⁶/kg"),
        (5e5, 2e6, "5 × 10⁵–2 × 10⁶/kg"),
        (1.5e6, None, "1.5 × 10⁶/kg"),
        (9.996e6, 9.996e6, "1 × 10⁷/kg"),  # rounding carries into the power of ten
        (1.0e10, 1.0e10, "1 × 10¹⁰/kg"),
        (500, 500, "500/kg"),
        (None, None, vocab.NOT_REPORTED),
        (float("nan"), float("nan"), vocab.NOT_REPORTED),
        ("", "", vocab.NOT_REPORTED),
    ],
)
def test_per_kg(low, high, text):
    assert doses.per_kg(low, high) == text


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        (1e8, 1e8, "100 million cells"),
        (5e7, 1.5e8, "50–150 million cells"),
        (1.2e9, 1.2e9, "1.2 billion cells"),
        (5e5, 5e5, "500,000 cells"),
        (5e5, 2e6, "500,000–2 million cells"),
        (1, 1e6, "1–1 million cells"),
        (None, None, vocab.NOT_REPORTED),
    ],
)
def test_cells_in_total(low, high, text):
    assert doses.cells_total(low, high) == text


@pytest.mark.parametrize(
    ("low", "high", "unit", "text"),
    [
        (2e8, 1.6e9, "particles", "2 × 10⁸–1.6 × 10⁹ particles"),
        (8e11, 1.2e12, "particles", "8 × 10¹¹–1.2 × 10¹² particles"),
        (20, 50, "ug_protein", "20–50 µg protein"),
        (180000, 180000, "ug_protein", "180,000 µg protein"),
        (0.5, 0.5, "mL", "0.5 mL of product"),
        (1.22e6, 1.51e6, "other", "1.22–1.51 × 10⁶ (other unit)"),
        (10, 10, "", "10 (unit not reported)"),
        (None, None, "particles", vocab.NOT_REPORTED),
    ],
)
def test_ev_amounts_keep_their_unit(low, high, unit, text):
    assert doses.ev_amount(low, high, unit) == text


def test_levels_read_as_a_span_in_the_grid_and_a_list_in_the_record():
    assert doses.level_range("500000;1600000;5000000", "per_kg") == "5 × 10⁵–5 × 10⁶/kg"
    assert doses.level_list("500000;1600000;5000000", "per_kg") == "3 levels: 5 × 10⁵/kg, 1.6 × 10⁶/kg, 5 × 10⁶/kg"
    assert doses.level_list("100000000", "total") == "100 million cells"
    assert doses.level_range("", "per_kg") == doses.level_list(None, "total") == vocab.NOT_REPORTED


def test_summary_names_every_stated_dose_and_nothing_else():
    row = {
        "dose_cells_per_kg_min": 1e6,
        "dose_cells_per_kg_max": 2e6,
        "dose_cells_total_min": float("nan"),
        "dose_cells_total_max": float("nan"),
        "dose_ev_min": 2e8,
        "dose_ev_max": 2e8,
        "dose_ev_unit": "particles",
    }
    assert doses.summary(row) == "1–2 × 10⁶/kg; 2 × 10⁸ particles"
    assert doses.summary({}) == vocab.NOT_REPORTED


@pytest.mark.parametrize(
    "text", ["2000000", "2,000,000", "2e6", "2E6", "2 × 10^6", "2×10⁶", "2 x 10^6", "2 million", "2M", "2e6/kg", 2e6]
)
def test_a_typed_dose_is_read_in_the_ways_people_write_it(text):
    assert doses.parse_amount(text) == 2e6


@pytest.mark.parametrize("text", ["", "abc", "-1", "1e400", "nan", "inf", True, None, [2e6], "2 lots", "1" * 50])
def test_anything_else_is_no_dose(text):
    assert doses.parse_amount(text) is None


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_compact_round_trips_through_the_reader(x):
    assert math.isclose(doses.parse_amount(doses.compact(x)), x, rel_tol=1e-12)


@given(st.floats(min_value=1, max_value=1e14, allow_nan=False), st.floats(min_value=1, max_value=1e14, allow_nan=False))
def test_no_dose_prints_in_e_notation(a, b):
    low, high = sorted((a, b))
    for text in (doses.per_kg(low, high), doses.cells_total(low, high), doses.ev_amount(low, high, "particles")):
        assert "e+" not in text and "e-" not in text
