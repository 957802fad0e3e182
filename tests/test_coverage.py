"""What a view covers (msc_atlas.coverage): the registries and record dates of its trials, and a dataset build name
that cannot be read as a data date."""

from __future__ import annotations

from msc_atlas import coverage, views
from msc_atlas.data import load_version
from msc_atlas.filters import LENSES, FilterState

VERSION = {"dataset_version": "2026.11.30", "ctgov_as_of": "2022-10-13", "ictrp_as_of": "2020-12-16"}


def test_a_clinicaltrials_gov_only_view_says_so_and_where_other_registries_stop():
    text = coverage.describe(["ClinicalTrials.gov"] * 3, ["2022-10-13"] * 3, VERSION)
    assert text == (
        "This view covers ClinicalTrials.gov only, records to Oct 2022. Other registries are in the data for "
        "COVID-19 only, up to Dec 2020."
    )


def test_a_mixed_view_gives_both_dates_and_names_the_other_registries():
    registries = ["ClinicalTrials.gov", "ClinicalTrials.gov", "ChiCTR", "ChiCTR", "IRCT", "EU-CTR", "CTRI", "JPRN"]
    as_of = [
        "2022-10-13",
        "2020-10-12",
        "2020-12-16",
        "2020-07-06",
        "2020-12-16",
        "2020-12-16",
        "2020-12-16",
        "2020-12-16",
    ]
    text = coverage.describe(registries, as_of, VERSION)
    assert text.startswith("This view covers ClinicalTrials.gov, records to Oct 2022 (1 record last seen in an earlier")
    assert "other registries (WHO ICTRP COVID-19 exports), records to Dec 2020: ChiCTR 2, " in text
    assert text.endswith("2 more registries.")


def test_other_registries_alone_and_an_empty_view():
    assert coverage.describe(["IRCT"], ["2020-12-16"], VERSION) == (
        "This view covers other registries (WHO ICTRP COVID-19 exports) only, records to Dec 2020: IRCT 1."
    )
    assert coverage.describe([], [], VERSION) == ""


def test_the_dataset_build_is_named_beside_the_date_its_data_reach():
    assert coverage.version_line(VERSION) == "dataset build 2026.11.30 · data to Oct 2022"
    assert coverage.data_to({"dataset_version": "x"}) == "not reported"
    assert coverage.month("2020-12-16") == "Dec 2020" and coverage.month("garbage") == "garbage"


def test_the_lenses_on_the_bundled_data():
    """The liver view (39 of 74 trials in China) is ClinicalTrials.gov only; COVID-19 mixes two dates."""
    liver = views.coverage.text(LENSES["liver"][1])
    assert liver.startswith("This view covers ClinicalTrials.gov only, records to Oct 2022.")
    covid = views.coverage.text(LENSES["covid"][1])
    assert "ClinicalTrials.gov, records to Oct 2022" in covid and "records to Dec 2020: ChiCTR" in covid
    assert views.coverage.text(FilterState(q="no trial has this text")) == ""
    assert coverage.data_to(load_version()) == "Oct 2022"
