"""The trials grid's server-side row model (msc_atlas.views.trials): sorting, column filters (after the shared filter and its search text) and paging
give exactly the rows of the plain pandas / Python reference (tests/reference.py `grid_apply`), in the same order,
on the bundled data and on a resampled dataset full of ties; malformed grid requests are refused or trimmed to
their valid parts; the CSV export holds exactly the rows the grid shows."""

from __future__ import annotations

import csv
import io
import math

import pytest
import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msc_atlas import fields, vocab
from msc_atlas.data import load_trials
from msc_atlas.fields import Show
from msc_atlas.filters import FilterIndex, FilterState
from msc_atlas.views import trials
from msc_atlas.views.trials import MAX_BLOCK, NUMBER_TYPES, TEXT_TYPES, GridQuery, GridRequest, GridTable

TRIALS = load_trials()
COLUMNS = [field.name for field in fields.shown(Show.GRID)]
NUMBER_COLUMNS = [name for name, field in trials.grid_fields().items() if trials.filter_kind(field) == "number"]
TEXT_COLUMNS = [name for name in COLUMNS if name not in NUMBER_COLUMNS]
SEARCHED = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def shown(state: FilterState, sort=None, filters=None) -> list[dict]:
    return trials.rows(state, GridQuery.parse(sort, filters))


def expected(state: FilterState, sort=None, filters=None, frame=TRIALS) -> list[dict]:
    return reference.grid_apply(state, frame, sort, filters).to_dict("records")


def ids(rows: list[dict]) -> list[str]:
    return [row["trial_id"] for row in rows]


# ------------------------------------------------------------------------------------------------ sorting


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("column", COLUMNS)
def test_every_column_sorts_like_the_reference(column, direction):
    sort = [{"colId": column, "sort": direction}]
    assert shown(FilterState(), sort) == expected(FilterState(), sort)


def test_enrollment_sorts_as_numbers_and_not_reported_comes_last_both_ways():
    for direction in ("asc", "desc"):
        values = [row["enrollment"] for row in shown(FilterState(), [{"colId": "enrollment", "sort": direction}])]
        reported = [v for v in values if v is not None]
        assert reported == sorted(reported, reverse=direction == "desc")  # 1000 after 200, not before it
        assert values[len(reported) :] == [None] * (len(values) - len(reported))
    # dates: ISO text, newest first, "not reported" (24 trials without a start date) last
    starts = [row["start_date"] for row in shown(FilterState(), [{"colId": "start_date", "sort": "desc"}])]
    dated = [value for value in starts if value != vocab.NOT_REPORTED]
    assert dated == sorted(dated, reverse=True) and starts[len(dated) :] == [vocab.NOT_REPORTED] * (
        len(starts) - len(dated)
    )


def test_several_sort_keys_and_ties_in_dataset_order():
    sort = [{"colId": "phase", "sort": "asc"}, {"colId": "enrollment", "sort": "desc"}]
    assert shown(FilterState(), sort) == expected(FilterState(), sort)
    # one key with many ties: rows with the same value keep the dataset's order
    rows = shown(FilterState(), [{"colId": "focus", "sort": "asc"}])
    positions = {trial_id: n for n, trial_id in enumerate(TRIALS["trial_id"])}
    for _, group in _groups(rows, "focus"):
        assert [positions[row["trial_id"]] for row in group] == sorted(positions[row["trial_id"]] for row in group)


def _groups(rows, column):
    current, group = object(), []
    for row in rows:
        if row[column] != current:
            if group:
                yield current, group
            current, group = row[column], []
        group.append(row)
    if group:
        yield current, group


# ------------------------------------------------------------------------------------------------ filters


TEXT_CASES = [
    ("title", {"type": "contains", "filter": "COVID"}),
    ("title", {"type": "notContains", "filter": "covid"}),
    ("phase", {"type": "equals", "filter": "phase 2"}),
    ("phase", {"type": "notEqual", "filter": "Phase 2"}),
    ("trial_id", {"type": "startsWith", "filter": "chictr"}),
    ("sponsor", {"type": "endsWith", "filter": "university"}),
    ("tissue", {"type": "contains", "filter": "marrow"}),
    ("country", {"type": "equals", "filter": "china"}),
    ("first_posted", {"type": "startsWith", "filter": "2020-0"}),
    ("start_date", {"type": "equals", "filter": vocab.NOT_REPORTED}),
    ("route", {"type": "blank"}),
    ("donor", {"type": "notBlank"}),
]
NUMBER_CASES = [
    {"type": "equals", "filter": 20},
    {"type": "notEqual", "filter": 20},
    {"type": "greaterThan", "filter": 100},
    {"type": "greaterThanOrEqual", "filter": 100},
    {"type": "lessThan", "filter": 10},
    {"type": "lessThanOrEqual", "filter": 10},
    {"type": "inRange", "filter": 20, "filterTo": 40},
    {"type": "blank"},
    {"type": "notBlank"},
]


@pytest.mark.parametrize("column, condition", TEXT_CASES, ids=lambda case: str(case)[:30])
def test_text_filters_match_ag_grid_semantics(column, condition):
    filters = {column: {"filterType": "text", **condition}}
    rows = shown(FilterState(), None, filters)
    assert rows == expected(FilterState(), None, filters)
    if condition["type"] not in ("blank", "notBlank", "notContains", "notEqual"):
        assert rows, "the case should match something"


@pytest.mark.parametrize("condition", NUMBER_CASES, ids=lambda c: c["type"])
def test_the_enrollment_number_filter_matches_ag_grid_semantics(condition):
    filters = {"enrollment": {"filterType": "number", **condition}}
    rows = shown(FilterState(), None, filters)
    assert rows == expected(FilterState(), None, filters)
    if condition["type"] == "inRange":  # exclusive at both ends, as AG Grid's default
        assert rows and all(20 < row["enrollment"] < 40 for row in rows)
    if condition["type"] == "notEqual":  # a trial without a number matches only "blank"
        assert all(row["enrollment"] is not None for row in rows)


def test_two_conditions_and_two_columns():
    filters = {
        "title": {
            "filterType": "text",
            "operator": "OR",
            "conditions": [{"type": "contains", "filter": "liver"}, {"type": "contains", "filter": "hepat"}],
        },
        "enrollment": {
            "filterType": "number",
            "operator": "AND",
            "conditions": [{"type": "greaterThan", "filter": 10}, {"type": "lessThan", "filter": 200}],
        },
    }
    sort = [{"colId": "enrollment", "sort": "asc"}]
    rows = shown(FilterState(focus=("liver",), q="hospital"), sort, filters)
    assert rows and rows == expected(FilterState(focus=("liver",), q="hospital"), sort, filters)


def test_the_search_text_needs_every_word_somewhere_in_the_trial():
    """The grid's search box is the shared filter's search text: every word in the IDs, title, conditions, sponsor
    or primary outcomes, in any order and case."""
    rows = shown(FilterState(q="Umbilical  COVID"))
    assert rows == expected(FilterState(q="covid umbilical"))
    ids = [row["trial_id"] for row in rows]
    each = [{row["trial_id"] for row in shown(FilterState(q=word))} for word in ("umbilical", "covid")]
    assert ids and set(ids) == each[0] & each[1]  # both words, wherever each one is
    assert [row["trial_id"] for row in shown(FilterState(q="nct04252118"))] == ["NCT04252118"]
    assert shown(FilterState(q="umbilical no-such-word-anywhere")) == []


def test_doses_read_with_their_unit_and_sort_as_numbers_by_the_lowest_level():
    by_id = TRIALS.set_index("trial_id")
    for direction in ("asc", "desc"):
        rows = shown(FilterState(), [{"colId": "dose_cells_per_kg_levels", "sort": direction}])
        stated = [row for row in rows if row["dose_cells_per_kg_levels"] != vocab.NOT_REPORTED]
        lows = [by_id.at[row["trial_id"], "dose_cells_per_kg_min"] for row in stated]
        assert lows == sorted(lows, reverse=direction == "desc") and len(set(lows)) > 5  # 5 × 10⁵ before 2 × 10⁶
        assert all(row["dose_cells_per_kg_levels"].endswith("/kg") for row in stated)
        assert all(r["dose_cells_per_kg_levels"] == vocab.NOT_REPORTED for r in rows[len(stated) :])
    totals = {row["dose_cells_total_levels"] for row in shown(FilterState())}
    assert "100 million cells" in totals and not any("e+" in text for text in totals)
    evs = [row["dose_ev_min"] for row in shown(FilterState(), [{"colId": "dose_ev_min", "sort": "asc"}])]
    assert any(text.endswith(" particles") for text in evs) and any(text.endswith("µg protein") for text in evs)


def test_a_number_filter_on_a_dose_tests_its_lowest_level():
    filters = {"dose_cells_per_kg_levels": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 2e6}}
    rows = shown(FilterState(), None, filters)
    lows = TRIALS.set_index("trial_id").loc[ids(rows), "dose_cells_per_kg_min"]
    assert len(rows) > 20 and (lows >= 2e6).all()
    assert rows == expected(FilterState(), None, filters)


# ------------------------------------------------------------------------------------------------ any query


def _values(column: str) -> list[str]:
    records = reference.grid_records(TRIALS)
    return sorted({str(v) for v in records[column] if v is not None})


@st.composite
def text_conditions(draw, column):
    kind = draw(st.sampled_from(TEXT_TYPES))
    if kind in ("blank", "notBlank"):
        return {"type": kind}
    value = draw(st.sampled_from(_VALUES[column]))
    start = draw(st.integers(0, max(0, len(value) - 1)))
    cut = value[start : start + draw(st.integers(1, 12))]
    return {"type": kind, "filter": draw(st.sampled_from([cut, cut.upper(), value]))}


@st.composite
def number_conditions(draw, column):
    kind = draw(st.sampled_from(NUMBER_TYPES))
    condition = {"type": kind}
    scale = 1 if column == "enrollment" else 10**5  # doses: cells per kg or in total
    if kind not in ("blank", "notBlank"):
        condition["filter"] = draw(st.sampled_from([0, 10, 20, 24, 30, 60, 100, 1000])) * scale
        if kind == "inRange":
            condition["filterTo"] = condition["filter"] + draw(st.sampled_from([5, 50, 500])) * scale
    return condition


@st.composite
def filter_models(draw):
    model = {}
    for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=2, unique=True)):
        number = column in NUMBER_COLUMNS
        conditions = draw(
            st.lists(number_conditions(column) if number else text_conditions(column), min_size=1, max_size=2)
        )
        spec = {"filterType": "number" if number else "text"}
        if len(conditions) == 1:
            spec |= conditions[0]
        else:
            spec |= {"operator": draw(st.sampled_from(["AND", "OR"])), "conditions": conditions}
        model[column] = spec
    return model


sort_models = st.lists(
    st.fixed_dictionaries({"colId": st.sampled_from(COLUMNS), "sort": st.sampled_from(["asc", "desc"])}),
    max_size=3,
    unique_by=lambda entry: entry["colId"],
)
states = st.sampled_from(
    [
        FilterState(),
        FilterState(focus=("covid19_ards",)),
        FilterState(country=("CHN",)),
        FilterState(q="liver"),
        FilterState(q="umbilical covid"),
        FilterState(q="NCT04"),
    ]
)
_VALUES = {column: _values(column) for column in TEXT_COLUMNS}


@SEARCHED
@given(state=states, sort=sort_models, filters=filter_models())
def test_any_sort_filter_and_search_gives_the_reference_rows(state, sort, filters):
    assert shown(state, sort, filters) == expected(state, sort, filters)


def test_a_resampled_dataset_full_of_ties_gives_the_reference_rows():
    """Ten times the bundled rows, resampled (every value repeated): sorting must keep ties in dataset order."""
    frame = TRIALS.sample(n=len(TRIALS) * 10, replace=True, random_state=3).reset_index(drop=True)
    frame["trial_id"] = [f"NCT{n:08d}" for n in range(len(frame))]
    table, index = GridTable(frame), FilterIndex(frame)
    for state, sort, filters in [
        (FilterState(), [{"colId": "first_posted", "sort": "desc"}], None),
        (FilterState(focus=("liver",), q="hospital"), [{"colId": "status", "sort": "asc"}], None),
        (FilterState(), [{"colId": "enrollment", "sort": "desc"}, {"colId": "title", "sort": "asc"}], None),
        (
            FilterState(),
            [{"colId": "tissue", "sort": "desc"}],
            {"enrollment": {"filterType": "number", "type": "lessThan", "filter": 50}},
        ),
    ]:
        query = GridQuery.parse(sort, filters)
        positions = table.order(table.keep(index.mask(state), query), query.sort)
        assert table.records(positions) == expected(state, sort, filters, frame=frame)


# ------------------------------------------------------------------------------------------------ paging


def test_blocks_page_through_exactly_the_reference_rows():
    state, sort = FilterState(), [{"colId": "title", "sort": "asc"}]
    want = expected(state, sort)
    query = GridQuery.parse(sort)
    got = []
    for start in range(0, len(want) + trials.BLOCK_SIZE, trials.BLOCK_SIZE):
        block = trials.block(state, GridRequest(start, start + trials.BLOCK_SIZE, query))
        assert block.total == len(want) and block.matching == len(want)
        got += block.rows
    assert got == want  # every block in turn, the last one short, past the end empty
    liver_in_title = {"title": {"filterType": "text", "type": "contains", "filter": "liver"}}
    narrowed = trials.block(state, GridRequest(0, 10, GridQuery.parse(sort, liver_in_title)))
    assert narrowed.total < narrowed.matching == len(want)


# ------------------------------------------------------------------------------------------------ hostile input


@pytest.mark.parametrize(
    "request_",
    [
        None,
        [],
        "startRow=0",
        {},
        {"startRow": -1, "endRow": 100},
        {"startRow": 100, "endRow": 100},
        {"startRow": 100, "endRow": 50},
        {"startRow": 0, "endRow": MAX_BLOCK + 1},
        {"startRow": 0, "endRow": 10**18},
        {"startRow": 10**12, "endRow": 10**12 + 100},
        {"startRow": "0", "endRow": "100"},
        {"startRow": 0.5, "endRow": 100},
        {"startRow": True, "endRow": 100},
        {"startRow": None, "endRow": 100},
        {"startRow": float("nan"), "endRow": float("inf")},
        {"startRow": [0], "endRow": {"x": 1}},
    ],
)
def test_impossible_row_ranges_are_refused(request_):
    assert GridRequest.parse(request_) is None


def test_a_request_keeps_only_what_it_can_use():
    asked = GridRequest.parse(
        {
            "startRow": 0.0,
            "endRow": 100,
            "sortModel": [
                {"colId": "no_such_column", "sort": "asc"},
                {"colId": "enrollment", "sort": "sideways"},
                "title",
                {"colId": "title", "sort": "desc"},
                {"colId": "title", "sort": "asc"},  # repeated: the first wins
                {"colId": ["phase"], "sort": "asc"},
            ],
            "filterModel": {
                "no_such_column": {"filterType": "text", "type": "contains", "filter": "x"},
                "url": {"filterType": "text", "type": "contains", "filter": "https"},  # not a grid column
                "title": {"filterType": "text", "type": "regex", "filter": ".*"},
                "phase": {"filterType": "number", "type": "equals", "filter": 2},  # wrong kind for the column
                "enrollment": {
                    "filterType": "number",
                    "operator": "OR",
                    "conditions": [
                        {"type": "equals", "filter": float("nan")},
                        {"type": "inRange", "filter": "1e309", "filterTo": 5},  # no finite lower end
                        {"type": "lessThan", "filter": True},
                        {"type": "greaterThan", "filter": "30"},  # the one valid condition
                        {"type": "greaterThan", "filter": 1},  # past MAX_CONDITIONS: not read
                    ],
                },
                "sponsor": {"filterType": "text", "type": "contains", "filter": ""},
                "donor": {"filterType": "text", "conditions": "not a list"},
                "status": ["not", "a", "mapping"],
                "country": {"filterType": "text", "type": "contains", "filter": {"$gt": ""}},
            },
        },
    )
    assert asked is not None and (asked.start, asked.end) == (0, 100)
    query = asked.query
    assert query.sort == (("title", True),)
    assert [(f.column, f.conditions) for f in query.filters] == [
        ("enrollment", (trials.Condition("greaterThan", 30.0),))
    ]
    assert all(not math.isnan(c.value) for f in query.filters for c in f.conditions if isinstance(c.value, float))


def test_a_filter_text_cannot_break_the_csv_header():
    query = GridQuery.parse(None, {"title": {"filterType": "text", "type": "contains", "filter": "a\nb,c\r\n#"}})
    text, _ = trials.export_csv(FilterState(), query)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert len(header) == 3 and "Title contains “a b,c  #”" in header[1]


# ------------------------------------------------------------------------------------------------ CSV export


def test_the_export_holds_exactly_the_rows_the_grid_shows_in_its_order():
    state = FilterState(focus=("covid19_ards",))
    sort = [{"colId": "enrollment", "sort": "desc"}]
    filters = {"country": {"filterType": "text", "type": "contains", "filter": "china"}}
    state = state.replace(q="stem")  # the search text is the filter's: the header names it with the filter
    text, filename = trials.export_csv(state, GridQuery.parse(sort, filters))
    lines = text.splitlines()
    assert lines[1].startswith(
        "# Filter: COVID-19 & ARDS; matching “stem” (?focus=covid19_ards&q=stem); table: sorted by Enrollment"
    )
    assert "Countries contains “china”" in lines[1]
    exported = list(csv.DictReader(io.StringIO("\n".join(lines[3:]))))
    want = ids(expected(state, sort, filters))
    assert [row["trial_id"] for row in exported] == want and want
    assert filename.endswith(f"_{len(want)}-trials.csv")
    # every column of trials.csv, not only the grid's, and the doses as the grid and the record print them
    assert list(exported[0]) == [*fields.trial_columns(), trials.DOSE_COLUMN]
    # one vocabulary: the labels the Methods table and the pages print, never the data's keys
    phases = {row["phase"] for row in exported}
    assert phases <= set(vocab.PHASES.values()) and "unknown" not in {row["donor"] for row in exported}
    assert all(row["focus_area"] == "COVID-19 & ARDS" for row in exported)
    assert all(row["stop_reason"] for row in exported)  # "not stopped", "no reason given" or the reasons


def test_columns_too_large_for_numpy_string_arrays_give_the_same_rows(monkeypatch):
    """Columns of many long distinct texts are searched with a Python loop instead of numpy's string functions."""
    monkeypatch.setattr(trials, "SEARCH_ARRAY_BYTES", 0)
    table, index = GridTable(TRIALS), FilterIndex(TRIALS)
    assert all(column.array is None for column in table.columns.values())
    for sort, filters in [
        (None, {"title": {"filterType": "text", "type": "startsWith", "filter": "MESENCHYMAL"}}),
        (None, {"sponsor": {"filterType": "text", "type": "notContains", "filter": "university"}}),
        ([{"colId": "title", "sort": "asc"}], {"phase": {"filterType": "text", "type": "notEqual", "filter": "x"}}),
    ]:
        query = GridQuery.parse(sort, filters)
        positions = table.order(table.keep(index.mask(FilterState()), query), query.sort)
        assert table.records(positions) == expected(FilterState(), sort, filters)


def test_text_with_nul_characters_is_matched_literally():
    assert shown(FilterState(), None, {"title": {"filterType": "text", "type": "contains", "filter": "\x00"}}) == []
    assert shown(FilterState(q="cell\x00")) == expected(FilterState(q="cell\x00")) == []
