"""FilterState: URL round trips, hostile input, and application to a frame."""

import pandas as pd
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

from msc_atlas.filters import LENSES, FilterState


def frame():
    rows = [
        # trial_id, other_ids, title, conditions, sponsor, focus, product, tissue, route, countries, posted, registry
        (
            "NCT00000001",
            "",
            "UC-MSC for COVID-19 ARDS",
            "COVID-19",
            "Uni A",
            "covid19_ards",
            "msc",
            "umbilical_cord",
            "intravenous",
            "CHN",
            "2020-03-01",
            "ClinicalTrials.gov",
        ),
        (
            "NCT00000002",
            "ChiCTR2000000001",
            "Exosome inhalation",
            "COVID-19",
            "Uni B",
            "covid19_ards",
            "msc_ev",
            "unknown",
            "inhalation",
            "CHN;USA",
            "2020-06-01",
            "ClinicalTrials.gov",
        ),
        (
            "NCT00000003",
            "",
            "BM-MSC cirrhosis",
            "Liver Cirrhosis",
            "Company C",
            "liver",
            "msc",
            "bone_marrow;adipose",
            "hepatic_artery;intravenous",
            "IRN",
            "2015-01-10",
            "ClinicalTrials.gov",
        ),
        (
            "NCT00000004",
            "",
            "CAStem",
            "COVID-19",
            "Company D",
            "covid19_ards",
            "non_msc",
            "ips_derived",
            "intravenous",
            "",
            "2020-04-01",
            "ClinicalTrials.gov",
        ),
    ]
    columns = [
        "trial_id",
        "other_ids",
        "title",
        "conditions",
        "sponsor",
        "focus_area",
        "product",
        "source_tissue",
        "route",
        "countries",
        "first_posted",
        "registry",
    ]
    df = pd.DataFrame(rows, columns=columns)
    for column in ("disease_group", "donor", "phase", "status"):
        df[column] = "unknown"
    df["reading_status"] = ["double_read", "double_read", "rules_only", "double_read"]
    # design and results (the evidence layer)
    df["allocation"] = ["randomised", "single_group", "non_randomised", "unknown"]
    df["blinding"] = ["blinded", "open_label", "open_label", "unknown"]
    df["controlled"] = ["controlled", "uncontrolled", "uncontrolled", "unknown"]
    df["age_groups"] = ["adult;older_adult", "adult", "child;adult", "unknown"]
    df["has_results"] = ["reported", "none_found", "none_found", "unknown"]
    df["primary_outcomes"] = ["28-day mortality [28 days]", "Adverse events [1 month]", "MELD score [6 months]", ""]
    # doses per administration: 1-2 x 10^6/kg; 2 x 10^8 EV particles; 5 x 10^5 and 5 x 10^6/kg; none
    nan = float("nan")
    df["dose_cells_per_kg_levels"] = ["1000000;2000000", "", "500000;5000000", ""]
    df["dose_cells_per_kg_min"] = pd.array([1e6, nan, 5e5, nan], dtype="Float64")
    df["dose_cells_total_min"] = pd.array([nan, nan, nan, nan], dtype="Float64")
    df["dose_ev_min"] = pd.array([nan, 2e8, nan, nan], dtype="Float64")
    return df


def ids(state):
    return list(reference.apply(state, frame())["trial_id"])


def test_default_state_hides_non_msc_products():
    assert ids(FilterState()) == ["NCT00000001", "NCT00000002", "NCT00000003"]


def test_non_msc_can_be_selected_explicitly():
    assert ids(FilterState(product=("non_msc",))) == ["NCT00000004"]


def test_multi_valued_columns_match_any_value():
    assert ids(FilterState(country=("USA",))) == ["NCT00000002"]
    assert ids(FilterState(route=("intravenous",))) == ["NCT00000001", "NCT00000003"]
    assert ids(FilterState(tissue=("adipose",))) == ["NCT00000003"]


def test_a_trial_giving_cells_and_evs_matches_either_product():
    both = frame()
    both.loc[both["trial_id"] == "NCT00000001", "product"] = "msc;msc_ev"
    by_product = {p: list(reference.apply(FilterState(product=(p,)), both)["trial_id"]) for p in ("msc", "msc_ev")}
    assert by_product == {"msc": ["NCT00000001", "NCT00000003"], "msc_ev": ["NCT00000001", "NCT00000002"]}


def test_reading_status_filters():
    assert ids(FilterState(reading=("rules_only",))) == ["NCT00000003"]


def test_unknown_is_a_selectable_value():
    assert ids(FilterState(tissue=("unknown",))) == ["NCT00000002"]


def test_free_text_searches_ids_titles_and_other_ids():
    assert ids(FilterState(q="chictr2000000001")) == ["NCT00000002"]
    assert ids(FilterState(q="cirrhosis")) == ["NCT00000003"]
    assert ids(FilterState(q="[(.*")) == []  # regex characters are plain text


def test_free_text_needs_every_word_somewhere_in_any_order():
    assert ids(FilterState(q="inhalation exosome")) == ["NCT00000002"]  # both words, reversed
    assert ids(FilterState(q="exosome  COVID-19")) == ["NCT00000002"]  # title word + condition, any case
    assert ids(FilterState(q="exosome cirrhosis")) == []  # one word matches no field of that trial


def test_design_and_results_filters():
    assert ids(FilterState(allocation=("randomised",))) == ["NCT00000001"]
    assert ids(FilterState(blinded=("open_label",))) == ["NCT00000002", "NCT00000003"]
    assert ids(FilterState(controlled=("unknown",), product=("non_msc",))) == ["NCT00000004"]
    assert ids(FilterState(age=("child",))) == ["NCT00000003"]
    assert ids(FilterState(age=("older_adult",), results=("reported",))) == ["NCT00000001"]
    assert ids(FilterState(q="meld score")) == ["NCT00000003"]  # primary outcomes are searched


def test_design_and_results_filters_round_trip_through_the_url():
    state, notices = FilterState.from_search(
        "?allocation=randomised&blinded=blinded&controlled=controlled&age=child,adult&results=none_found"
    )
    assert notices == []
    assert state.age == ("child", "adult")
    assert FilterState.from_search(state.to_query()) == (state, [])
    _, notices = FilterState.from_search("?allocation=coin_toss")
    assert notices and "coin_toss" in notices[0]


def test_years_and_posted_by():
    assert ids(FilterState(year_from=2016)) == ["NCT00000001", "NCT00000002"]
    assert ids(FilterState(posted_by="2020-05-15", focus=("covid19_ards",))) == ["NCT00000001"]


def test_query_round_trip_is_canonical():
    state, notices = FilterState.from_search("?route=inhalation,intravenous&focus=covid19_ards&country=usa&from=2019")
    assert notices == []
    assert state.route == ("intravenous", "inhalation")  # vocabulary order, not URL order
    assert state.country == ("USA",)
    query = state.to_query()
    assert query == "?focus=covid19_ards&route=intravenous,inhalation&country=USA&from=2019"
    assert FilterState.from_search(query) == (state, [])


def test_repeated_keys_are_accepted():
    state, _ = FilterState.from_search("?product=msc&product=msc_ev")
    assert state.product == ("msc", "msc_ev")


def test_unknown_and_malformed_parameters_give_notices_not_errors():
    state, notices = FilterState.from_search("?foo=1&phase=phase9&from=abc&to=1800&posted_by=yesterday&q=%ZZ")
    assert state.phase == () and state.year_from is None and state.year_to is None and state.posted_by is None
    assert len(notices) == 5
    assert any("foo" in n for n in notices)
    assert any("phase9" in n for n in notices)


def test_reversed_year_range_is_swapped_with_a_notice():
    state, notices = FilterState.from_search("?from=2021&to=2010")
    assert (state.year_from, state.year_to) == (2010, 2021)
    assert notices and "Swapped" in notices[0]


def test_hostile_payloads_fall_back_to_valid_state():
    assert FilterState.from_dict(None) == FilterState()
    assert FilterState.from_dict("x" * 10_000) == FilterState()
    state = FilterState.from_dict({"focus": [{"a": 1}, ["liver"], 3], "q": {"x": 1}, "year_from": [1, 2]})
    assert state.focus == ("liver",)
    assert state.q == "" and state.year_from is None
    long_text = FilterState.from_dict({"q": "a" * 5000})
    assert len(long_text.q) == 200


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=12),
        st.one_of(
            st.none(),
            st.text(max_size=50),
            st.integers(),
            st.floats(allow_nan=True),
            st.lists(st.one_of(st.text(max_size=20), st.integers(), st.none()), max_size=5),
            st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
        ),
        max_size=8,
    )
)
def test_parse_never_raises_and_round_trips(raw):
    state, notices = FilterState.parse(raw)
    assert isinstance(notices, list)
    again, again_notices = FilterState.from_search(state.to_query())
    assert again == state and again_notices == []
    reference.apply(state, frame())  # applies without error


def test_states_a_dose_counts_cell_and_ev_doses():
    assert ids(FilterState(dose="stated")) == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert ids(FilterState(dose="none", product=("msc", "non_msc"))) == ["NCT00000004"]


def test_the_per_kg_range_keeps_trials_with_a_stated_level_inside_it():
    assert ids(FilterState(kg_from=1e6)) == ["NCT00000001", "NCT00000003"]  # 5 x 10^6 is inside
    assert ids(FilterState(kg_from=2.5e6, kg_to=4e6)) == []  # levels 1, 2 and 0.5, 5 x 10^6: none inside
    assert ids(FilterState(kg_from=2e6, kg_to=2e6)) == ["NCT00000001"]  # ends included
    assert ids(FilterState(kg_to=5e5)) == ["NCT00000003"]


def test_dose_filters_round_trip_through_the_url():
    state, notices = FilterState.from_search("?kg_to=2%20%C3%97%2010%5E6&dose=yes&kg_from=1e6&focus=liver")
    assert notices == []
    assert (state.dose, state.kg_from, state.kg_to) == ("stated", 1e6, 2e6)
    assert state.to_query() == "?focus=liver&dose=stated&kg_from=1e6&kg_to=2e6"
    assert FilterState.from_search(state.to_query()) == (state, [])
    assert FilterState.from_dict(state.to_dict()) == state
    assert "states a dose; a dose of 1–2 × 10⁶/kg per administration" in state.describe()


def test_bad_dose_values_give_notices():
    state, notices = FilterState.from_search("?dose=maybe&kg_from=lots&kg_to=-5&from=2015")
    assert (state.dose, state.kg_from, state.kg_to, state.year_from) == (None, None, None, 2015)
    assert len(notices) == 3 and "dose=stated or dose=none" in notices[0]
    assert all("cells per kg" in notice for notice in notices[1:])
    state, notices = FilterState.from_search("?kg_from=5e6&kg_to=1e6")
    assert (state.kg_from, state.kg_to) == (1e6, 5e6) and "Swapped the dose range" in notices[0]
    assert FilterState.from_search("?kg_from=1e13")[0].kg_from is None  # beyond any dose


@pytest.mark.parametrize("name", list(LENSES))
def test_lenses_are_valid_states(name):
    _, state = LENSES[name]
    assert FilterState.from_search(state.to_query()) == (state, [])


def test_filter_index_equals_the_plain_mask_on_the_bundled_data():
    from msc_atlas.data import load_trials
    from msc_atlas.filters import FilterIndex

    trials = load_trials()
    index = FilterIndex(trials)
    states = [
        FilterState(),
        FilterState(product=("non_msc",)),
        FilterState(tissue=("unknown",)),
        FilterState(country=("CHN", "USA"), route=("intravenous", "inhalation")),
        FilterState(focus=("liver",), tissue=("bone_marrow", "umbilical_cord"), year_from=2012, year_to=2018),
        FilterState(posted_by="2020-05-15", disease=("covid19",)),
        FilterState(q="Wharton"),
        FilterState(country=("ATA",)),
        FilterState(dose="stated"),
        FilterState(dose="none", focus=("liver",)),
        FilterState(kg_from=1e6, kg_to=2e6),
        FilterState(kg_from=5e6),
        FilterState(kg_to=1e5, dose="stated"),
        *[state for _, state in LENSES.values()],
    ]
    for state in states:
        assert (index.mask(state) == reference.mask(state, trials).to_numpy()).all(), state


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["focus", "product", "tissue", "route", "donor", "phase", "country", "from", "to", "q", "dose", "kg_from"]
            + ["kg_to"]
        ),
        st.sampled_from(
            [
                "liver",
                "msc_ev",
                "non_msc",
                "adipose,unknown",
                "intravenous,inhalation",
                "autologous",
                "phase2",
                "CHN,IRN,USA",
                "2015",
                "2021",
                "cord",
                "unknown",
                "stated",
                "none",
                "1e6",
                "2000000",
                "5e5",
            ]
        ),
        max_size=5,
    )
)
def test_filter_index_equals_the_plain_mask_for_random_states(raw):
    from msc_atlas.filters import FilterIndex

    small = frame()
    state, _ = FilterState.parse(raw)
    assert (FilterIndex(small).mask(state) == reference.mask(state, small).to_numpy()).all()


def test_a_tissue_group_selects_every_part_of_the_cord():
    state, notices = FilterState.from_search("?tissue=umbilical_cord_any")
    assert notices == []
    assert state.tissue == ("umbilical_cord", "wharton_jelly")
    assert state.to_query() == "?tissue=umbilical_cord,wharton_jelly"  # the members, so the link says what it holds
    assert ids(state) == ["NCT00000001"]


def test_option_counts_say_what_each_choice_would_match():
    from msc_atlas.filters import FilterIndex

    index = FilterIndex(frame())
    counts = index.option_counts(FilterState(focus=("covid19_ards",)))
    # the field's own choice is left out: liver still counts what choosing it would give
    assert counts["focus"]["liver"] == 1 and counts["focus"]["covid19_ards"] == 2  # non_msc is out by default
    assert counts["route"]["inhalation"] == 1 and counts["route"]["intravenous"] == 1
    assert counts["product"]["non_msc"] == 1  # the product default is left out with the product choice
    assert counts["tissue"]["umbilical_cord_any"] == 1
    for key, per_value in counts.items():
        for value, n in per_value.items():
            if value in (index.fields[key].groups or {}) or (key == "country" and value == "unknown"):
                continue  # a group is its members; "no country" is no country control option
            state = FilterState(focus=("covid19_ards",)).replace(**{key: (value,)})
            assert n == len(ids(state)), (key, value)
