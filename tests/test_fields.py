"""The field registry (msc_atlas.fields): what the app derives from it, and the promise that adding a categorical
field is one registry entry plus its data.

The second half registers a field the bundled data does not have (mask_level) on a small dataset made of eight
bundled trials plus a mask_level column, points the app's data directory at it, and finds the field in the schema,
the URL round trip, the filter controls, the counts, the breakdown chart, the grid, the detail panel, the CSV
export and the data dictionary - with no other code change.
"""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from dash import dcc

from msc_atlas import cache, config, data, fields, ids, views, vocab
from msc_atlas.fields import Field, Kind, Show
from msc_atlas.filters import FilterState

# -- the bundled registry ------------------------------------------------------------------------------------------


def test_every_column_of_trials_csv_is_a_field_or_an_evidence_column():
    with open(config.BUNDLED_DATA_DIR / "trials.csv", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == fields.trial_columns() == fields.TRIAL_COLUMNS


def test_every_filter_has_a_url_key_a_label_and_a_placeholder():
    for key, field in fields.filters().items():
        assert key == field.key and field.label and field.placeholder, field.column


def test_one_label_per_field():
    labels = [field.label for field in fields.FIELDS]
    assert len(labels) == len(set(labels))
    assert fields.by_column("focus_area").label == "Focus area"


def test_ui_order_keeps_the_panel_and_grid_order():
    assert list(fields.filters()) == [
        "focus",
        "disease",
        "product",
        "tissue",
        "route",
        "donor",
        "phase",
        "status",
        "country",
        "registry",
        "reading",
        "allocation",
        "blinded",
        "controlled",
        "age",
        "results",
    ]
    assert [field.name for field in fields.shown(Show.GRID)] == [
        "trial_id",
        "title",
        "focus",
        "product",
        "tissue",
        "route",
        "donor",
        "dose_cells_per_kg_levels",
        "dose_cells_total_levels",
        "dose_ev_min",
        "phase",
        "status",
        "enrollment",
        "country",
        "first_posted",
        "start_date",
        "last_update_posted",
        "record_as_of",
        "sponsor",
        "reading",
        "allocation",
        "masking",
        "control",
        "age",
        "primary_completion_date",
        "results_posted",
        "publications_result",
        "publications_derived",
    ]


def test_a_field_without_a_key_cannot_be_a_filter():
    with pytest.raises(ValueError, match="URL key"):
        Field("x", "X", Kind.TEXT, doc="", show=Show.FILTER)
    with pytest.raises(ValueError, match="vocabulary"):
        Field("x", "X", Kind.CATEGORY, doc="")


def test_registering_a_repeated_column_is_refused():
    with (
        pytest.raises(ValueError, match="repeated"),
        fields.registered(Field("route", "Route again", Kind.TEXT, doc="")),
    ):
        pass
    assert fields.by_column("route").label == "Route"


def test_values_are_shown_with_their_labels():
    route, countries = fields.by_column("route"), fields.by_column("countries")
    assert route.labels("intravenous;inhalation") == "Intravenous, Inhalation / nebulised"
    assert route.labels("") == vocab.NOT_REPORTED
    assert countries.labels("CHN;USA") == "China, United States"
    assert fields.by_column("enrollment").text(1200) == "1,200"
    assert fields.by_column("dose_cells_per_kg_min").text(1.5e6) == "1.5 × 10⁶/kg"
    assert fields.by_column("dose_cells_total_max").text(1e8) == "100 million cells"
    assert fields.by_column("dose_cells_per_kg_levels").text("1e6;2e6") == "2 levels: 1 × 10⁶/kg, 2 × 10⁶/kg"
    ev_dose = fields.by_column("dose_ev_min")
    assert (
        ev_dose.detail_text({"dose_ev_min": 1e9, "dose_ev_max": 5e9, "dose_ev_unit": "particles"})
        == "1–5 × 10⁹ particles"
    )


def test_a_dose_reads_per_administration_wherever_it_is_labelled():
    for field in fields.FIELDS:
        if field.column.startswith("dose_") and field.column not in ("dose_text", "dose_levels", "dose_ev_unit"):
            assert "per administration" in field.label and "per administration" in field.doc, field.column


def test_dose_columns_show_their_span_and_sort_by_the_lowest_level():
    per_kg = fields.by_column("dose_cells_per_kg_levels")
    assert per_kg.grid_value("1000000;2000000") == "1–2 × 10⁶/kg"
    assert per_kg.grid_value("") == vocab.NOT_REPORTED
    assert per_kg.sort_number("500000;2000000") == 5e5
    assert per_kg.sort_number("") != per_kg.sort_number("")  # NaN: not reported
    assert fields.by_column("dose_cells_total_levels").grid_value("100000000") == "100 million cells"
    assert fields.by_column("enrollment_type").text("anticipated") == "Anticipated"


# -- a new field ---------------------------------------------------------------------------------------------------

MASKING = Field(
    "mask_level",
    "Mask level",
    Kind.CATEGORY,
    key="mask_level",
    vocabulary={
        "open_label": "Open label",
        "single": "Single blind",
        "double": "Double blind",
        vocab.UNKNOWN: vocab.NOT_REPORTED,
    },
    vocabulary_name="the mask_level vocabulary",
    evidence="mask_level_evidence",
    show=Show.FILTER | Show.GRID | Show.DETAIL | Show.CHART,
    placeholder="Any mask_level",
    doc="Who is kept unaware of the assigned treatment (registry design module).",
)
MASKS = ["double", "double", "open_label", "single", "unknown", "double", "open_label", "double"]
PHRASES = {
    "double": "Mask level: Double (Participant, Investigator)",
    "single": "Mask level: Single (Participant)",
    "open_label": "Mask level: None (Open Label)",
    "unknown": "",
}


def _small_dataset(target, trial_rows: list[dict[str, str]]) -> None:
    target.mkdir()
    columns = fields.trial_columns()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row, mask in zip(trial_rows, MASKS):
        writer.writerow({**row, "mask_level": mask, "mask_level_evidence": PHRASES[mask]})
    (target / "trials.csv").write_text(out.getvalue(), encoding="utf-8")
    for name in (
        "version.json",
        "published_facts.csv",
        "conflicts.csv",
        "publications.csv",
        "mechanism_nodes.csv",
        "mechanism_edges.csv",
        "mechanism_claims.csv",
    ):
        shutil.copy(config.BUNDLED_DATA_DIR / name, target / name)


@pytest.fixture()
def with_mask_level(tmp_path, monkeypatch):
    """The registry with MASKING, and the app reading a dataset of eight MSC trials that have a mask_level column."""
    with open(config.BUNDLED_DATA_DIR / "trials.csv", encoding="utf-8", newline="") as f:
        bundled = [row for row in csv.DictReader(f) if row["product"] != "non_msc"][: len(MASKS)]
    with fields.registered(MASKING):
        _small_dataset(tmp_path / "data", bundled)
        monkeypatch.setenv(config.DATA_DIR_VARIABLE, str(tmp_path / "data"))
        cache.clear()
        yield [row["trial_id"] for row in bundled]
    cache.clear()


def test_the_new_field_is_validated_by_the_generated_schema(with_mask_level, tmp_path):
    trials = data.load_trials()
    assert list(trials["mask_level"]) == MASKS
    broken = tmp_path / "broken.csv"
    text = (tmp_path / "data" / "trials.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace(",open_label,", ",triple_blind,", 1), encoding="utf-8")
    with pytest.raises(
        data.DatasetError, match=r"column 'mask_level': bad value 'triple_blind'.*mask_level vocabulary"
    ):
        data.load_trials(broken)


def test_the_new_field_round_trips_through_the_url(with_mask_level):
    state, notices = FilterState.from_search("?mask_level=double,OPEN_LABEL&focus=liver")
    assert notices == []
    assert state.mask_level == ("open_label", "double")  # vocabulary order, case-insensitive keys
    assert state == FilterState(focus=("liver",), mask_level=("open_label", "double"))
    assert state.to_query() == "?focus=liver&mask_level=open_label,double"
    assert FilterState.from_search(state.to_query()) == (state, [])
    assert FilterState.from_dict(state.to_dict()) == state
    assert "Open label or Double blind" in state.describe()
    _, notices = FilterState.from_search("?mask_level=triple")
    assert notices == ["Ignored unknown mask_level “triple”."]


def test_the_new_field_has_a_filter_control(with_mask_level):
    from msc_atlas.ui import filter_sync, shell

    assert "mask_level" in ids.control_fields()
    panel = shell.filter_panel(["CHN"])
    control = next(c for c in _walk(panel) if isinstance(c, dcc.Dropdown) and c.id == ids.control("mask_level"))
    assert control.placeholder == "Any mask_level" and control.multi
    assert [option["label"] for option in control.options] == [
        "Open label",
        "Single blind",
        "Double blind",
        vocab.NOT_REPORTED,
    ]
    assert any(
        getattr(c, "htmlFor", None) == ids.control("mask_level") and c.children == "Mask level" for c in _walk(panel)
    )
    state, _ = filter_sync.state_from_controls(FilterState(), {"mask_level": ["single"], "focus": []})
    assert state.mask_level == ("single",)
    assert filter_sync.control_values(state)["mask_level"] == ["single"]


def test_the_new_field_is_filtered_and_counted(with_mask_level):
    from msc_atlas.selection import count_matches, counts_by, filtered

    double = FilterState(mask_level=("double",))
    assert count_matches(double) == (4, 8)
    assert list(filtered(double)["mask_level"]) == ["double"] * 4
    assert counts_by(FilterState(), "mask_level") == {"double": 4, "open_label": 2, "single": 1, "unknown": 1}
    chart = views.sources_routes.view(FilterState())["mask_level"]
    assert chart["rows"] == [("Double blind", 4), ("Open label", 2), ("Single blind", 1), (vocab.NOT_REPORTED, 1)]
    assert chart["title"].startswith("Mask level — ")
    bars = chart["figure"]["data"][0]
    assert list(bars["y"])[-1] == "Double blind" and list(bars["customdata"])[-1] == "double"


def test_the_new_field_is_in_the_grid_the_detail_panel_and_the_csv(with_mask_level):
    trial_ids = with_mask_level
    rows = views.trials.rows(FilterState(mask_level=("single",)))
    assert [row["trial_id"] for row in rows] == [trial_ids[3]] and rows[0]["mask_level"] == "Single blind"
    detail = views.detail.trial_detail(trial_ids[0])
    assert ("Mask level", "Double blind", PHRASES["double"], True) in detail["fields"]  # a registry phrase: quoted
    text, _ = views.trials.export_csv(FilterState(mask_level=("open_label",)))
    exported = list(csv.DictReader(io.StringIO("\n".join(x for x in text.splitlines() if not x.startswith("#")))))
    open_label = MASKING.vocabulary["open_label"]  # exports print the label, as every page does
    assert [row["mask_level"] for row in exported] == [open_label, open_label]
    assert exported[0]["mask_level_evidence"] == PHRASES["open_label"]


def test_the_new_field_is_on_the_pages(with_mask_level, atlas_app):
    import pages.sources_routes as sources_routes
    import pages.trials as trials

    assert {"field": "mask_level", "headerName": "Mask level"}.items() <= next(
        column for column in trials.column_defs() if column["field"] == "mask_level"
    ).items()
    assert "mask_level" in sources_routes.switched_choices()
    switch = next(c for c in _walk(sources_routes.layout()) if getattr(c, "id", None) == sources_routes.SWITCH)
    assert {"label": "Mask level", "value": "mask_level"} in switch.options


def test_the_new_field_is_in_the_data_dictionary(with_mask_level):
    from msc_atlas.pipeline import datadoc

    columns = datadoc._columns()
    assert "| `mask_level` | Mask level | filter (`mask_level=`), grid, detail, chart | Who is kept unaware" in columns
    assert "| `mask_level_evidence` | | detail, with Mask level | The registry phrase the `mask_level` value" in columns
    assert "**mask_level (the mask_level vocabulary)**" in datadoc._allowed_values(
        dict.fromkeys(vocab.REGISTRIES, "{}")
    )


def test_nothing_of_the_new_field_stays_behind():
    assert "mask_level" not in fields.filters() and "mask_level" not in fields.trial_columns()
    assert "mask_level" not in data.load_trials().columns
    with pytest.raises(TypeError, match="mask_level"):
        FilterState(mask_level=("double",))


def _walk(component):
    if isinstance(component, (list, tuple)):
        for child in component:
            yield from _walk(child)
    elif component is not None and not isinstance(component, (str, int, float)):
        yield component
        yield from _walk(getattr(component, "children", None))
