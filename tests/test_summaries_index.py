"""The index-based counts (msc_atlas.counting) equal the frame-based reference exactly: values, order, dtypes, names.

The Overview and Sources & routes views count from the codes; tests/reference.py is the plain pandas oracle.
"""

import numpy as np
import pandas as pd
import pytest
import reference
from pandas.testing import assert_frame_equal, assert_series_equal

from msc_atlas import fields, figures, views, vocab
from msc_atlas.counting import TrialCounts
from msc_atlas.data import load_trials
from msc_atlas.filters import LENSES, FilterIndex, FilterState
from msc_atlas.selection import trial_counts, trial_index

TRIALS = load_trials()
INDEX = FilterIndex(TRIALS)
COUNTS = TrialCounts(INDEX)

STATES = [
    *[state for _, state in LENSES.values()],
    FilterState(focus=("liver",), product=("msc_ev",)),  # empty: no liver EV trial exists
    FilterState(country=("CHN",)),
    FilterState(country=("CHN", "USA")),
    FilterState(country=("IRN",), phase=("phase2",)),
    FilterState(tissue=("umbilical_cord", "adipose")),
    FilterState(tissue=(vocab.UNKNOWN,)),
    FilterState(route=("intravenous", "intrathecal")),
    FilterState(route=(vocab.UNKNOWN, "inhalation")),
    FilterState(tissue=("bone_marrow",), route=("intra_articular",)),
    FilterState(product=("non_msc",)),
    FilterState(product=("msc", "msc_ev", "msc_secretome", "non_msc")),
    FilterState(donor=("autologous",), status=("recruiting",)),
    FilterState(year_from=2019, year_to=2021),
    FilterState(q="cirrhosis"),
    FilterState(posted_by="2012-01-01"),
]
BREAKDOWNS = [fields.by_column(column) for column in ("source_tissue", "route", "donor", "phase", "status", "product")]


def test_the_states_include_an_empty_result_and_small_ones():
    sizes = [int(INDEX.mask(state).sum()) for state in STATES]
    assert 0 in sizes and any(0 < size < 20 for size in sizes)


@pytest.mark.parametrize("state", STATES, ids=lambda state: state.key() or "default")
def test_index_counts_equal_the_frame_summaries(state):
    keep = INDEX.mask(state)
    frame = reference.apply(state, TRIALS)
    for field in BREAKDOWNS:
        assert_series_equal(COUNTS.count_by(keep, field), reference.count_by(frame, field))
    assert_series_equal(COUNTS.country_counts(keep), reference.country_counts(frame))
    assert COUNTS.leading_tissues_by_country(keep) == reference.leading_tissues_by_country(frame)
    assert COUNTS.leading_tissues_by_country(keep, top=1) == reference.leading_tissues_by_country(frame, top=1)
    assert_frame_equal(COUNTS.dose_per_kg_by_route(keep), reference.dose_per_kg_by_route(frame))
    assert COUNTS.headline_numbers(keep) == reference.headline_numbers(frame)
    assert COUNTS.dose_reporting_share(keep) == reference.dose_reporting_share(frame)
    assert COUNTS.without_country(keep) == int((frame["countries"] == "").sum())
    if not frame.empty:  # the crosstabs of an empty frame are never drawn
        assert_frame_equal(COUNTS.tissue_route_matrix(keep), reference.tissue_route_matrix(frame))
        for column in ("product", "focus_area"):
            assert_frame_equal(
                COUNTS.registrations_by_year(keep, column), reference.registrations_by_year(frame, column)
            )


@pytest.mark.parametrize("state", STATES, ids=lambda state: state.key() or "default")
def test_index_figures_equal_the_frame_figures(state):
    from plotly.io.json import to_json_plotly

    keep = INDEX.mask(state)
    frame = reference.apply(state, TRIALS)
    if frame.empty:
        return
    for colour_by in ("all", "msc_ev"):
        narrowed = keep if colour_by == "all" else COUNTS.product_mask(keep, colour_by)
        assert to_json_plotly(
            figures.country_map(COUNTS.country_counts(narrowed), COUNTS.leading_tissues_by_country(narrowed), "t")
        ) == to_json_plotly(reference.world_map(frame, "t", colour_by))
    for stack_by, column in (("product", "product"), ("focus_area", "focus_area")):
        assert to_json_plotly(
            figures.timeline(COUNTS.registrations_by_year(keep, column), "t", fields.by_column(column))
        ) == to_json_plotly(reference.registrations_over_time(frame, "t", stack_by))
    points = reference.dose_per_kg_by_route(frame)
    if len(points):
        assert to_json_plotly(figures.dose_ranges(COUNTS.dose_groups(keep), "t")) == to_json_plotly(
            reference.dose_by_route(points, "t")
        )
        assert COUNTS.dose_trials(keep) == points["trial_id"].nunique()
        expected = reference.dose_groups(points)
        got = COUNTS.dose_groups(keep)
        assert [(g["route"], g["trial_ids"], g["median_low"], g["median_high"]) for g in got] == [
            (g["route"], g["trial_ids"], g["median_low"], g["median_high"]) for g in expected
        ]


def test_views_show_what_the_frame_summaries_give():
    state = FilterState(country=("CHN",), tissue=("umbilical_cord",))
    frame = reference.apply(state, TRIALS)
    overview = views.overview.view(state, "msc", "focus_area")
    assert overview["numbers"] == reference.headline_numbers(frame)
    subset = frame[frame["product"].str.split(";").map(lambda products: "msc" in products)]
    assert overview["map_rows"] == views.common.value_rows(
        reference.country_counts(subset), fields.by_column("countries")
    )
    assert overview["no_country"] == int((subset["countries"] == "").sum())
    per_year = reference.registrations_by_year(frame, "focus_area")
    assert overview["timeline_rows"] == [(str(year), *[int(v) for v in row]) for year, row in per_year.iterrows()]
    sources = views.sources_routes.view(state)
    tissue = fields.by_column("source_tissue")
    assert sources["tissue"]["rows"] == views.common.value_rows(reference.count_by(frame, tissue), tissue)
    matrix = reference.tissue_route_matrix(frame)
    assert sources["matrix"]["rows"] == [
        (vocab.label(vocab.SOURCE_TISSUES, t), vocab.label(vocab.ROUTES, r), int(n))
        for t, row in matrix.iterrows()
        for r, n in row.items()
        if n
    ]


def test_multi_valued_oddities_count_like_the_frame():
    """Empty tokens, repeated values and values outside the vocabulary are counted as the summaries count them."""
    frame = TRIALS.head(12).copy()
    frame["countries"] = ["CHN;USA", "", "USA;;CHN", "CHN;CHN", "XXX", "USA", "", "FRA;USA", "CHN", "USA", "ESP", ""]
    frame["route"] = [
        "intravenous;intravenous",
        "",
        "intravenous;",
        "odd_route",
        "unknown",
        "intrathecal;intravenous",
        "",
        "intravenous",
        "inhalation",
        "",
        "intravenous",
        "unknown",
    ]
    frame["source_tissue"] = [
        "",
        "unknown",
        "adipose;",
        "adipose;adipose",
        "bone_marrow",
        "umbilical_cord",
        "bone_marrow;adipose",
        "",
        "adipose",
        "unknown",
        "umbilical_cord",
        "bone_marrow",
    ]
    counts = TrialCounts(FilterIndex(frame))
    for keep in (np.ones(len(frame), dtype=bool), np.arange(len(frame)) % 3 != 1):
        subset = frame[keep]
        for field in BREAKDOWNS:
            assert_series_equal(counts.count_by(keep, field), reference.count_by(subset, field))
        assert_series_equal(counts.country_counts(keep), reference.country_counts(subset))
        assert counts.leading_tissues_by_country(keep) == reference.leading_tissues_by_country(subset)
        assert_frame_equal(counts.tissue_route_matrix(keep), reference.tissue_route_matrix(subset))
        assert_frame_equal(counts.dose_per_kg_by_route(keep), reference.dose_per_kg_by_route(subset))
        assert counts.headline_numbers(keep) == reference.headline_numbers(subset)


def test_counts_are_built_once_per_loaded_frame():
    assert trial_counts() is trial_counts()
    assert trial_counts().index is trial_index()
    assert isinstance(COUNTS.country_counts(INDEX.mask(FilterState())), pd.Series)
