"""Compare: the second view rides in one page key (`vs`), survives filter changes, and its numbers are the data's."""

from __future__ import annotations

import pytest
import reference

from msc_atlas import compare, views
from msc_atlas.data import load_trials
from msc_atlas.filters import FilterState
from msc_atlas.ui import filter_sync


def test_the_second_view_round_trips_through_the_address():
    b = FilterState(focus=("liver",), product=("msc_ev", "msc_secretome"))
    search = compare.with_vs("?focus=covid19_ards", b)
    assert search == "?focus=covid19_ards&vs=focus%3Dliver%26product%3Dmsc_ev,msc_secretome"
    assert compare.parse(compare.value_in(search)) == (b, [])
    # the filter does not read vs, and keeps it when it changes
    assert FilterState.from_search(search) == (FilterState(focus=("covid19_ards",)), [])
    assert (
        filter_sync.address(search, "?focus=liver") == "?focus=liver&vs=focus%3Dliver%26product%3Dmsc_ev,msc_secretome"
    )
    assert compare.with_vs(search, None) == "?focus=covid19_ards"


@pytest.mark.parametrize("raw", ["focus=nonsense", "%%%", ["a", "b"], 12, "x" * 5000])
def test_a_hostile_second_view_gives_a_notice_never_an_error(raw):
    state, notices = compare.parse(raw)
    assert isinstance(state, FilterState)
    if raw == "focus=nonsense":
        assert notices and notices[0].startswith("Second view:")


def test_the_numbers_of_both_views_are_the_datas():
    a, b = FilterState(focus=("covid19_ards",)), FilterState(focus=("liver",))
    view = views.compare.view(a, b)
    trials = load_trials()
    rows_a, rows_b = reference.apply(a, trials), reference.apply(b, trials)
    assert view["numbers"][0] == ("Trials", f"{len(rows_a):,}", f"{len(rows_b):,}")
    product = {row["key"]: row for row in view["breakdowns"]["product"]["rows"]}
    ev_a = int(rows_a["product"].str.split(";").map(lambda v: "msc_ev" in v).sum())
    assert product["msc_ev"]["a"] == ev_a
    assert product["msc_ev"]["share_a"] == pytest.approx(ev_a / len(rows_a))
    route = {row["key"]: row for row in view["breakdowns"]["route"]["rows"]}
    assert route["hepatic_artery"]["b"] == int(rows_b["route"].str.contains("hepatic_artery").sum())
