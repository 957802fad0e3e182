"""The census: readings compared field by field, Cohen's kappa, third readings, reading status, the build taking
census values with their phrases, text changes sending a trial back to the rules, and readings taken from a CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from msc_atlas.pipeline import census, census_data
from msc_atlas.pipeline.build import fmt_num

DATA = Path(__file__).resolve().parents[1] / "data"
CENSUS = Path(__file__).resolve().parents[1] / "curation" / "census"


def reading(tid: str, **values: str) -> dict[str, str]:
    base = dict.fromkeys(census.READING_KEYS, "")
    base.update(
        trial_id=tid,
        product="msc",
        source_tissue="umbilical_cord",
        donor="allogeneic",
        route="intravenous",
        focus_area="covid19_ards",
        disease_group="covid19",
        dose_cells_per_kg_levels="1e6",
        product_phrase="UC-MSC",
        route_phrase="intravenous infusion",
    )
    base.update(values)
    return base


def frame(*rows: tuple[str, str, dict]) -> pd.DataFrame:
    return pd.DataFrame([{"pass": p, "reader": r, "file": "x", **v} for p, r, v in rows])


def test_canonical_values_compare_sets_numbers_and_silence():
    a = reading("T", source_tissue="wharton_jelly;umbilical_cord", dose_cells_per_kg_levels="2e6;1e6")
    b = reading("T", source_tissue="umbilical_cord;wharton_jelly", dose_cells_per_kg_levels="1000000;2000000.0")
    for name in census_data.FIELDS:
        assert census_data.canonical(name, a) == census_data.canonical(name, b), name
    assert census_data.canonical("donor", reading("T", donor="n/a")) == "unknown"
    assert census_data.canonical("ev_dose", reading("T", ev_dose_levels="1e9", ev_dose_unit="particles")) == (
        "1e+09 particles"
    )


def test_cohen_kappa_on_a_worked_example():
    # 10 items, 8 agree; A and B each 6 yes / 4 no -> p_o 0.8, p_e 0.36 + 0.16 = 0.52, kappa 0.28 / 0.48
    a = ["y"] * 6 + ["n"] * 4
    b = ["y"] * 5 + ["n"] + ["n"] * 3 + ["y"]
    assert census_data.cohen_kappa(a, b) == pytest.approx(0.28 / 0.48)
    assert census_data.cohen_kappa(["y", "n"], ["y", "n"]) == 1.0
    assert census_data.cohen_kappa([], []) is None


def test_agreeing_readings_give_double_read_and_a_difference_waits_for_a_third_reading():
    readings = frame(
        ("A", "r1", reading("T1")),
        ("B", "r2", reading("T1")),
        ("A", "r1", reading("T2")),
        ("B", "r2", reading("T2", route="intra_arterial", route_phrase="into the hepatic artery")),
        ("A", "r1", reading("T3")),
    )
    none = pd.DataFrame(columns=["trial_id", "field", "value", "phrase", "reason"])
    out = census_data.resolve(readings, none)
    assert out["T1"].status == census_data.DOUBLE_READ and out["T1"].phrases["route"] == "intravenous infusion"
    assert out["T2"].status == census_data.RULES_ONLY and out["T2"].pending == ["route"]
    assert out["T3"].status == census_data.RULES_ONLY and "read once" in out["T3"].reason
    third = pd.DataFrame(
        [{"trial_id": "T2", "field": "route", "value": "intra_arterial", "phrase": "hepatic artery", "reason": "r"}]
    )
    decided = census_data.resolve(readings, third)["T2"]
    assert decided.status == census_data.DOUBLE_READ and decided.values["route"] == "intra_arterial"
    assert decided.how["route"] == "third reading"
    assert list(census_data.disagreements(readings)["field"]) == ["route"]


def test_a_changed_registry_text_sends_a_read_trial_back_to_the_rules():
    readings = frame(("A", "r1", reading("T1")), ("B", "r2", reading("T1")))
    none = pd.DataFrame(columns=["trial_id", "field", "value", "phrase", "reason"])
    same = census_data.resolve(readings, none, {"T1": "abc"}, {"T1": "abc"})["T1"]
    changed = census_data.resolve(readings, none, {"T1": "def"}, {"T1": "abc"})["T1"]
    assert same.status == census_data.DOUBLE_READ
    assert changed.status == census_data.RULES_ONLY and "changed" in changed.reason


def test_apply_takes_census_values_with_phrases_and_keeps_the_rules_elsewhere():
    rules = pd.DataFrame([_rules_row("T1"), _rules_row("T2")])
    readings = frame(
        ("A", "r1", reading("T1", product="msc;msc_ev", ev_dose_levels="1e9", ev_dose_unit="particles")),
        ("B", "r2", reading("T1", product="msc_ev;msc", ev_dose_levels="1e9", ev_dose_unit="particles")),
    )
    none = pd.DataFrame(columns=["trial_id", "field", "value", "phrase", "reason"])
    out, comparison = census_data.apply(rules, census_data.resolve(readings, none), fmt_num)
    t1, t2 = out.iloc[0], out.iloc[1]
    assert t1["product"] == "msc;msc_ev" and t1["product_evidence"] == "census: UC-MSC"
    assert t1["route"] == "intravenous" and t1["route_evidence"] == "census: intravenous infusion"
    assert (t1["dose_cells_per_kg_min"], t1["dose_ev_min"], t1["dose_ev_unit"]) == (
        "1000000",
        "1000000000",
        "particles",
    )
    assert t1["reading_status"] == "double_read"
    assert t2["route"] == "inhalation" and t2["reading_status"] == "rules_only"
    route = comparison[(comparison["trial_id"] == "T1") & (comparison["field"] == "route")].iloc[0]
    assert (route["census"], route["rules"], route["agree"]) == ("intravenous", "inhalation", False)


def _rules_row(tid: str) -> dict[str, str]:
    row = {
        "trial_id": tid,
        "product": "msc",
        "source_tissue": "umbilical_cord",
        "donor": "unknown",
        "route": "inhalation",
        "focus_area": "covid19_ards",
        "disease_group": "covid19",
        "dose_text": "",
        "dose_levels": "",
        "dose_cells_per_kg_levels": "",
        "dose_cells_total_levels": "",
    }
    for f in ("product", "source_tissue", "donor", "route", "focus_area", "disease_group"):
        row[f"{f}_evidence"] = "rules"
    for c in ("min", "max"):
        row[f"dose_cells_per_kg_{c}"] = row[f"dose_cells_total_{c}"] = row[f"dose_ev_{c}"] = ""
    row["dose_ev_unit"] = ""
    return row


def test_the_shape_check_names_what_is_wrong():
    good = reading("T")
    assert census.check_reading(good) == []
    bad = dict(good, route="into the vein", dose_cells_per_kg_levels="1x10^6", product="msc;non_msc")
    problems = " ".join(census.check_reading(bad))
    assert "route" in problems and "plain numbers" in problems and "non_msc cannot be combined" in problems


def test_take_adds_readings_from_a_csv_and_refuses_bad_or_repeated_ones(tmp_path):
    csv_path = tmp_path / "host_batch.csv"
    pd.DataFrame([reading("NCT00000001")]).to_csv(csv_path, index=False)
    out = census.take(csv_path, "A", "host1", census_dir=tmp_path)
    assert out == tmp_path / "readings" / "A" / "host_batch.host1.jsonl"
    assert json.loads(out.read_text().splitlines()[0])["route"] == "intravenous"
    with pytest.raises(ValueError, match="read it already"):
        census.take(csv_path, "A", "host2", census_dir=tmp_path)
    pd.DataFrame([reading("NCT00000002", route="vein")]).to_csv(csv_path, index=False)
    with pytest.raises(ValueError, match="route"):
        census.take(csv_path, "B", "host1", census_dir=tmp_path)


def test_no_reader_reads_in_both_passes_and_every_reading_file_has_the_right_shape():
    readers = {p: {f.name.split(".")[1] for f in (CENSUS / "readings" / p).glob("*.jsonl")} for p in "AB"}
    assert readers["A"] and readers["B"] and not readers["A"] & readers["B"]
    for f in sorted((CENSUS / "readings").rglob("*.jsonl")):
        assert census.check_file(f) == [], f


def test_every_third_reading_gives_its_reason_and_decides_a_real_difference():
    readings = census_data.load_readings(CENSUS / "readings")
    third = census_data.load_adjudications(CENSUS / "adjudications")
    differing = set(zip(*census_data.disagreements(readings)[["trial_id", "field"]].to_numpy().T))
    by_trial = {(r["trial_id"], r["pass"]): r for r in readings.to_dict("records")}
    for r in third.to_dict("records"):
        assert r["reason"].strip(), r
        if (r["trial_id"], r["field"]) not in differing:
            # a reader corrected their own reading after the dispute was listed: the two now agree, and the third
            # reading must say the same
            agreed = census_data.canonical(r["field"], by_trial[(r["trial_id"], "A")])
            assert census_data.canonical(r["field"], census_data._as_reading(r["field"], r["value"])) == agreed, r


def test_the_dataset_takes_every_double_read_trial_from_the_census():
    trials = pd.read_csv(DATA / "trials.csv", dtype=str, keep_default_na=False)
    read = trials[trials["reading_status"] == "double_read"]
    assert len(read) > 0 and set(trials["reading_status"]) <= {"double_read", "rules_only"}
    for column in ("product_evidence", "focus_area_evidence"):
        assert read[column].str.startswith("census: ").all(), column
    comparison = pd.read_csv(DATA / "census_vs_rules.csv", dtype=str, keep_default_na=False)
    assert set(comparison["trial_id"]) == set(read["trial_id"])


def test_a_policy_re_read_can_change_a_value_both_readers_agreed_on():
    readings = frame(
        ("A", "r1", reading("T1", disease_group="other")), ("B", "r2", reading("T1", disease_group="other"))
    )
    none = pd.DataFrame(columns=["trial_id", "field", "value", "phrase", "reason"])
    reread = pd.DataFrame(
        [{"trial_id": "T1", "field": "disease_group", "value": "neurological", "phrase": "autism", "reason": "rule"}]
    )
    out = census_data.resolve(readings, none, rereads=reread)["T1"]
    assert out.values["disease_group"] == "neurological" and out.how["disease_group"] == "policy re-read"
    kept = reread.assign(value="other")
    assert census_data.resolve(readings, none, rereads=kept)["T1"].how["disease_group"] == "agreed"
