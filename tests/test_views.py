"""Summaries, figures and page views on the bundled data, and the shared filter's decision logic."""

import csv
import io

import pytest
import reference

from msc_atlas import fields, figures, ids, views, vocab
from msc_atlas.data import load_trials
from msc_atlas.filters import LENSES, FilterState
from msc_atlas.ui import filter_sync, shell

TRIALS = load_trials()


def liver():
    return FilterState(focus=("liver",))


def test_count_by_is_sorted_with_unknown_last_and_sums_to_the_rows():
    frame = reference.apply(liver(), TRIALS)
    counts = reference.count_by(frame, fields.by_column("donor"))
    assert counts.sum() == len(frame)
    assert list(counts.index)[-1] == vocab.UNKNOWN
    known = counts.drop(vocab.UNKNOWN)
    assert list(known) == sorted(known, reverse=True)


def test_multi_valued_counts_count_a_trial_in_each_value():
    frame = TRIALS[TRIALS["countries"].str.contains(";")].head(20)
    per_country = reference.country_counts(frame)
    assert per_country.sum() == sum(len(c.split(";")) for c in frame["countries"])


def test_tissue_route_matrix_covers_every_trial():
    frame = reference.apply(FilterState(focus=("covid19_ards",)), TRIALS)
    matrix = reference.tissue_route_matrix(frame)
    assert matrix.values.sum() >= len(frame)
    assert matrix.index[-1] == vocab.UNKNOWN or vocab.UNKNOWN not in matrix.index


def test_headline_numbers_match_the_frame():
    frame = reference.apply(FilterState(focus=("covid19_ards",)), TRIALS)
    numbers = reference.headline_numbers(frame)
    assert numbers["trials"] == len(frame)
    assert numbers["participants"] == int(frame["enrollment"].dropna().sum())
    assert 0 < numbers["ev_share"] < 1
    assert reference.headline_numbers(frame.iloc[0:0])["ev_share"] is None


def test_world_map_draws_every_country_with_its_count():
    frame = reference.apply(liver(), TRIALS)
    fig = reference.world_map(frame, "Trials per country — liver")
    trace = fig["data"][0] if isinstance(fig, dict) else fig.to_plotly_json()["data"][0]
    counts = reference.country_counts(frame)
    assert list(trace["locations"]) == list(counts.index)
    china = list(trace["locations"]).index("CHN")
    assert f"{counts['CHN']} trials" in trace["text"][china]


def test_category_bar_greys_out_not_reported():
    frame = reference.apply(liver(), TRIALS)
    tissue = fields.by_column("source_tissue")
    counts = reference.count_by(frame, tissue)
    fig = figures.category_bar(counts, tissue, "Tissue — liver")
    bar = fig["data"][0] if isinstance(fig, dict) else fig.to_plotly_json()["data"][0]
    labels = list(bar["y"])
    assert labels[0] == vocab.NOT_REPORTED  # drawn at the bottom: listed last
    assert list(bar["marker"]["color"])[0] == vocab.GREY


def test_overview_view_for_the_reference_lens():
    view = views.overview.view(LENSES["reference"][1])
    assert not view["empty"]
    # the build's recount of Tsuchiya et al. 2020 (33 MSC + 1 exosome trial): the lens shows the same trials
    assert 33 <= view["numbers"]["trials"] <= 37
    assert "first posted by 2020-05-15" in view["map_title"]


def test_timeline_shades_the_months_after_the_snapshot_and_marks_where_other_registries_end():
    from msc_atlas.data import load_version

    version = load_version()
    figure = views.overview.view(FilterState())["timeline"]
    shapes = {shape["type"]: shape for shape in figure["layout"]["shapes"]}
    as_of = int(version["ctgov_as_of"][:4]), int(version["ictrp_as_of"][:4])
    # the grey band starts inside the ClinicalTrials.gov as-of year and runs to the end of the axis
    assert as_of[0] - 0.5 < shapes["rect"]["x0"] < as_of[0] + 0.5
    assert shapes["rect"]["x1"] == figure["layout"]["xaxis"]["range"][1] > as_of[0] + 1
    assert as_of[1] - 0.5 < shapes["line"]["x0"] < as_of[1] + 0.5
    assert figure["layout"]["annotations"][0]["text"] == "not<br>covered"


def test_the_overview_states_the_as_of_dates_in_words():
    ctgov, others = views.overview.coverage()
    note = views.overview.coverage_note()
    assert f"{int(ctgov[8:10])} " in note and ctgov[:4] in note and others[:4] in note
    assert "not in these numbers" in note
    assert views.common.long_date("2022-10-13") == "13 Oct 2022"
    assert views.common.long_date("not a date") == "not a date"
    assert others[:4] in views.overview.timeline_note()


def test_empty_filter_gives_an_empty_view_not_empty_axes():
    state = FilterState(focus=("liver",), product=("msc_ev",))  # no liver EV trial exists in any source
    assert views.overview.view(state)["empty"] is True
    assert views.sources_routes.view(state)["empty"] is True
    assert views.trials.rows(state) == []


def test_export_csv_holds_exactly_the_filtered_rows_with_version_and_citation():
    state = liver()
    text, filename = views.trials.export_csv(state)
    lines = text.splitlines()
    assert lines[0].startswith("# MSC Trials Atlas, dataset ") and "ClinicalTrials.gov" in lines[0]
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if not line.startswith("#")))))
    assert sorted(r["trial_id"] for r in rows) == sorted(reference.apply(state, TRIALS)["trial_id"])
    assert filename.endswith(f"_{len(rows)}-trials.csv")


def test_export_csv_respects_the_rows_the_grid_shows():
    state = liver()
    sort = [{"colId": "enrollment", "sort": "desc"}]
    narrowed = {"country": {"filterType": "text", "type": "contains", "filter": "china"}}
    shown = list(reference.grid_apply(state, TRIALS, sort, narrowed)["trial_id"])
    text, _ = views.trials.export_csv(state, views.trials.GridQuery.parse(sort, narrowed))
    rows = list(csv.DictReader(io.StringIO("\n".join(x for x in text.splitlines() if not x.startswith("#")))))
    assert [r["trial_id"] for r in rows] == shown and 0 < len(shown) < len(reference.apply(state, TRIALS))


def test_trial_detail_has_evidence_and_unknown_ids_give_none():
    detail = views.detail.trial_detail("NCT04348461")
    fields = {row.label: (row.value, row.evidence) for row in detail["fields"]}
    assert fields["Route"][0] == "Intravenous" and "intravenous" in fields["Route"][1].lower()
    assert detail["conflicts"], "the Spain / Ukraine disagreement is recorded"
    assert views.detail.trial_detail("NCT00000000") is None
    assert views.detail.trial_detail("<script>") is None


@pytest.mark.parametrize(
    "trigger, expected_push, expected_set",
    [
        (None, False, True),
        ("url", False, True),
        ("control-focus", True, False),
        ("filter-clear", True, True),
    ],
)
def test_resolve_decides_who_leads(trigger, expected_push, expected_set):
    state, notices, push, set_controls = filter_sync.resolve(
        trigger, "?focus=liver", {"focus": ["covid19_ards"]}, None, None
    )
    assert (push, set_controls) == (expected_push, expected_set)
    if trigger in (None, "url"):
        assert state.focus == ("liver",)
    if trigger == "control-focus":
        assert state.focus == ("covid19_ards",)
    if trigger == "filter-clear":
        assert state == FilterState()


def test_resolve_lens_click_and_garbage():
    state, *_ = filter_sync.resolve({"type": "lens", "index": "liver"}, "", {}, None, None)
    assert state == LENSES["liver"][1]
    previous = FilterState(focus=("liver",)).to_dict()
    state, *_ = filter_sync.resolve("filter-click", "", {}, previous, {"set": {"country": ["CHN"]}, "at": 1})
    assert state.focus == ("liver",) and state.country == ("CHN",)
    state, notices, push, _ = filter_sync.resolve("filter-click", "", {}, previous, {"set": "x"})
    assert state.focus == ("liver",) and push is False
    state, *_ = filter_sync.resolve({"type": "lens", "index": "nope"}, "", {}, previous, None)
    assert state == FilterState()


def test_controls_keep_the_posted_by_limit_of_the_reference_lens():
    previous = LENSES["reference"][1]
    state, _ = filter_sync.state_from_controls(previous, {"focus": ["covid19_ards"], "years": [2004, 2026]})
    assert state.posted_by == "2020-05-15"


def test_unknown_countries_are_dropped_with_a_notice():
    state, notices = filter_sync.keep_known_countries(FilterState(country=("ATA", "CHN")), {"CHN", "USA"})
    assert state.country == ("CHN",)
    assert notices and "Antarctica" in notices[0]


def test_grid_rows_use_labels_and_not_reported():
    rows = views.trials.rows(liver())
    assert len(rows) == len(reference.apply(liver(), TRIALS))
    assert all(row["url"].startswith("https://") for row in rows)
    assert {row["focus"] for row in rows} == {"Liver disease"}
    assert any(row["tissue"] == vocab.NOT_REPORTED for row in rows)
    assert all(isinstance(r["enrollment"], int) or r["enrollment"] in (None, vocab.NOT_REPORTED) for r in rows)


def test_reference_lens_shows_exactly_the_trials_of_the_reference_recount():
    from msc_atlas.pipeline import report

    recount = report.reference_review(TRIALS)
    lens = reference.apply(LENSES["reference"][1], TRIALS)
    assert sorted(lens["trial_id"]) == sorted(recount["msc_cells"] + recount["msc_exosome"])


def test_counts_by_product_from_the_index_equals_a_count_of_the_rows():
    from msc_atlas.selection import counts_by

    for state in (FilterState(), liver(), FilterState(focus=("covid19_ards",), country=("CHN",))):
        assert counts_by(state, "product") == reference.trial_counts_by_product(reference.apply(state, TRIALS))


def test_counts_read_in_the_right_number():
    assert vocab.plural(1) == "1 trial" and vocab.plural(0) == "0 trials" and vocab.plural(1425) == "1,425 trials"
    assert vocab.plural(1, "country", "countries") == "1 country"
    assert vocab.plural(64, "country", "countries") == "64 countries"


def test_the_dose_controls_set_and_show_the_dose_filters():
    state, notices = filter_sync.state_from_controls(
        FilterState(), {"dose": "stated", "kg_from": "1 million", "kg_to": "2e6", "years": [2004, 2026]}
    )
    assert notices == [] and (state.dose, state.kg_from, state.kg_to) == ("stated", 1e6, 2e6)
    values = filter_sync.control_values(state)
    assert (values["dose"], values["kg_from"], values["kg_to"]) == ("stated", "1e6", "2e6")
    state, notices = filter_sync.state_from_controls(FilterState(), {"kg_from": "lots"})
    assert state.kg_from is None and "cells per kg" in notices[0]


@pytest.mark.parametrize("state", [FilterState(), FilterState(focus=("liver",)), FilterState(country=("CHN",))])
def test_the_count_without_a_dose_is_what_the_states_no_dose_filter_lists(state):
    from msc_atlas.selection import count_matches, trial_counts

    counts = trial_counts()
    silent = counts.without_dose(counts.index.mask(state))
    assert silent > 0 and silent == count_matches(state.replace(dose="none"))[0]
    assert views.sources_routes.view(state)["dose"]["n_silent"] == silent


def test_choosing_a_tissue_group_selects_its_members_and_resets_the_control():
    options = [o["value"] for o in shell.choice_options(fields.get("tissue"), [])]
    assert options[0] == "umbilical_cord_any"  # the group leads its control's options
    state, notices, push, set_controls = filter_sync.resolve(
        "control-tissue", "", {"tissue": ["umbilical_cord_any"]}, None, None
    )
    assert state.tissue == ("umbilical_cord", "wharton_jelly") and notices == []
    assert push and set_controls  # the control shows the two members it stands for
    assert filter_sync.control_values(state)["tissue"] == ["umbilical_cord", "wharton_jelly"]


def test_a_pages_search_box_types_into_the_filter_only_when_it_triggered_with_text():
    mirrored_search = filter_sync.mirrored_search
    box = {"type": ids.SEARCH_MIRROR, "index": "trials"}
    assert mirrored_search(box, [{"id": box, "value": "cord covid"}]) == "cord covid"
    assert mirrored_search(box, [{"id": box, "value": ""}]) == ""  # emptied: the search goes
    assert mirrored_search(box, [{"id": box, "value": None}]) is None  # appeared with its page: not typing
    assert mirrored_search("control-q", [{"id": box, "value": "x"}]) is None  # another control triggered
    for hostile in (None, "boxes", [None, 3, {"id": box, "value": {"$gt": ""}}], [{"id": "other", "value": "x"}]):
        assert mirrored_search(box, hostile) is None
