"""The review kit: the record flow accounts for every record, the methods paragraph quotes the page's numbers,
and the publication table holds exactly the filtered trials in XLSX, Markdown and CSV."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pandas as pd
import pytest

from msc_atlas import data, vocab
from msc_atlas.config import BUNDLED_DATA_DIR as DATA_DIR
from msc_atlas.filters import FilterState
from msc_atlas.review import methods, table
from msc_atlas.selection import counts_by, trial_counts

FLOW = json.loads((DATA_DIR / "record_flow.json").read_text(encoding="utf-8"))
LEDGER = pd.read_csv(DATA_DIR / "record_ledger.csv", dtype=str, keep_default_na=False)
CENSUS = list(csv.DictReader((DATA_DIR / "census_accuracy.csv").open(encoding="utf-8")))


def test_every_record_read_lands_in_exactly_one_box():
    assert len(LEDGER) == FLOW["records_read"] == sum(s["records"] for s in FLOW["sources"])
    assert set(LEDGER["box"]) <= {"duplicate_row", "merged", "excluded", "not_msc", "included"}
    boxes = LEDGER["box"].value_counts()
    assert boxes.sum() == len(LEDGER)  # one box per row, no row without one
    assert FLOW["records_read"] == (
        FLOW["duplicate_rows"]
        + FLOW["merged_records"]
        + FLOW["excluded_trials"]
        + FLOW["not_msc_trials"]
        + FLOW["included_trials"]
    )
    assert FLOW["trials_screened"] == FLOW["excluded_trials"] + FLOW["trials_assessed"]
    assert FLOW["trials_assessed"] == FLOW["not_msc_trials"] + FLOW["included_trials"]
    assert sum(e["trials"] for e in FLOW["excluded"]) == FLOW["excluded_trials"]
    assert sum(e["trials"] for e in FLOW["not_msc"]) == FLOW["not_msc_trials"]


def test_the_flow_matches_the_dataset():
    trials = data.load_trials()
    excluded = pd.read_csv(DATA_DIR / "excluded_trials.csv", dtype=str, keep_default_na=False)
    assert FLOW["trials_assessed"] == len(trials)
    assert FLOW["included_trials"] == int((trials["product"] != "non_msc").sum())
    assert FLOW["excluded_trials"] == len(excluded)
    firsts = LEDGER[LEDGER["box"].isin(["excluded", "not_msc", "included"])]
    assert firsts["trial_id"].is_unique and set(firsts["trial_id"]) == set(trials["trial_id"]) | set(
        excluded["trial_id"]
    )
    assert FLOW["included_by_product"] == trials[trials["product"] != "non_msc"]["product"].value_counts().to_dict()


@pytest.mark.parametrize("state", [FilterState(), FilterState(focus=("liver",)), FilterState(country=("CHN",))])
def test_methods_paragraph_quotes_the_view_numbers(state):
    counts = trial_counts()
    numbers = counts.headline_numbers(counts.index.mask(state))
    text = methods.paragraph(
        scope=state.describe(),
        numbers=numbers,
        version=data.load_version(),
        flow=FLOW,
        census=CENSUS,
        reading=counts_by(state, "reading"),
        link="https://atlas.example/" + state.to_query(),
    )
    countries = vocab.plural(numbers["countries"], "country", "countries")  # China alone: "1 country"
    assert f"comprises {numbers['trials']:,} trials in {countries}" in text
    assert f"{numbers['participants']:,} participants planned or enrolled" in text
    assert f"{FLOW['included_trials']:,} trials of MSCs" in text and data.load_version()["dataset_version"] in text
    assert "https://atlas.example/" + state.to_query() in text
    reading = counts_by(state, "reading")
    read = reading.get("double_read", 0)
    assert f"of {read:,} of the {read + reading.get('rules_only', 0):,} trials were read" in text
    product = next(r for r in CENSUS if r["field"] == "product")
    assert f"agreed on {min(float(r['agreement']) for r in CENSUS):.1%}" in text
    if reading.get("rules_only"):
        assert f"product {float(product['rules_accuracy']):.1%} of {int(product['rules_n']):,}" in text


def test_publication_table_in_three_formats_holds_exactly_the_filtered_trials():
    state = FilterState(focus=("liver",))
    frame = trial_counts().index.apply(state)
    pub = table.publication_table(frame)
    assert list(pub.columns) == table.COLUMNS and pub["Registry ID"].tolist() == frame["trial_id"].tolist()
    book = openpyxl.load_workbook(io.BytesIO(table.to_xlsx(pub, {"Dataset": "v", "Filter": state.describe()})))
    assert book.sheetnames == ["Trials", "About this table"]
    ids = [row[0] for row in book["Trials"].iter_rows(min_row=2, values_only=True)]
    assert ids == frame["trial_id"].tolist()
    about = dict(book["About this table"].iter_rows(min_row=2, values_only=True))
    assert about == {"Dataset": "v", "Filter": "Liver disease"}
    markdown = table.to_markdown(pub)
    assert markdown.count("\n") == len(pub) + 2 and all(f"| {i} |" in markdown for i in frame["trial_id"])
    assert pd.read_csv(io.StringIO(table.to_csv(pub)))["Registry ID"].tolist() == frame["trial_id"].tolist()


def test_dose_range_text():
    row = {
        "dose_cells_per_kg_min": 1e6,
        "dose_cells_per_kg_max": 2e6,
        "dose_cells_total_min": None,
        "dose_cells_total_max": None,
        "dose_ev_min": None,
        "dose_ev_max": None,
        "dose_levels": 2,
    }
    assert table.dose_range(row) == "10^6 – 2 × 10^6 cells/kg (2 levels)"
    assert table.dose_range({**row, "dose_cells_per_kg_min": None, "dose_levels": None}) == "not reported"
