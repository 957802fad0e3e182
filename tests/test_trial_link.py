"""A trial's record link (/trials?trial=<registry ID>): reading it, writing it, the shared filter leaving it alone,
and the record data it opens (input and snapshot of phase / status / enrollment, review-table disagreements)."""

from __future__ import annotations

import pytest
from dash import html

from msc_atlas import fields, trial_link, views
from msc_atlas.filters import FilterState
from msc_atlas.pipeline.merge import snapshot_of
from msc_atlas.ui import filter_sync, trial_detail

KNOWN = {"NCT04288102": "NCT04288102", "CTRI/2020/08/027043": "CTRI/2020/08/027043", "RBR-7JZ9S8": "RBR-7jz9s8"}


@pytest.mark.parametrize(
    "value, trial_id",
    [
        ("NCT04288102", "NCT04288102"),
        ("  nct04288102 ", "NCT04288102"),  # typed or pasted: case and spaces do not matter
        ("CTRI/2020/08/027043", "CTRI/2020/08/027043"),  # the '/' arrives decoded from %2F
        ("rbr-7jz9s8", "RBR-7jz9s8"),  # the dataset's own spelling comes back
    ],
)
def test_a_link_opens_the_trial_it_names(value, trial_id):
    assert trial_link.parse(value, KNOWN) == trial_link.TrialLink(trial_id=trial_id)


@pytest.mark.parametrize("value", [None, ""])
def test_no_trial_value_opens_nothing_and_says_nothing(value):
    assert trial_link.parse(value, KNOWN) == trial_link.TrialLink()


@pytest.mark.parametrize(
    "value, says",
    [
        ("NCT99999999", "No trial NCT99999999 in this dataset."),
        ("ChiCTR2099999999", "No trial ChiCTR2099999999 in this dataset."),
        (
            "<script>alert(1)</script>",
            "No trial “<script>alert(1)</script>” in this dataset: that is not a registry ID",
        ),
        ("x" * 500, "No trial “xxxxxxxx"),
        (["NCT04288102", "NCT04288102"], "more than one trial"),
        ({"a": 1}, "not a registry ID"),
        (7, "not a registry ID"),
    ],
)
def test_an_unknown_or_malformed_trial_gives_a_notice_never_an_error(value, says):
    link = trial_link.parse(value, KNOWN)
    assert link.trial_id is None and says in link.notice
    assert len(link.notice) < 200  # hostile input is clipped, not echoed whole


def test_the_notice_names_the_id_on_the_real_dataset():
    assert views.detail.link("NCT00000000").notice == "No trial NCT00000000 in this dataset."
    assert views.detail.link("ChiCTR2000029569").trial_id == "ChiCTR2000029569"
    assert views.detail.link("CTRI/2020/08/027043").trial_id == "CTRI/2020/08/027043"


def test_the_record_address_percent_encodes_the_id():
    assert trial_link.href("NCT04288102") == "/trials?trial=NCT04288102"
    assert trial_link.href("CTRI/2020/08/027043") == "/trials?trial=CTRI%2F2020%2F08%2F027043"


def test_with_trial_sets_or_replaces_the_trial_and_keeps_the_filter():
    assert trial_link.with_trial("", "NCT04288102") == "?trial=NCT04288102"
    assert trial_link.with_trial(None, "NCT04288102") == "?trial=NCT04288102"
    assert (
        trial_link.with_trial("?focus=liver&route=hepatic_artery,intravenous&trial=NCT1", "CTRI/2020/08/027043")
        == "?focus=liver&route=hepatic_artery,intravenous&trial=CTRI%2F2020%2F08%2F027043"
    )
    assert trial_link.with_trial("?focus=liver&trial=NCT04288102", None) == "?focus=liver"
    assert trial_link.with_trial("?trial=NCT04288102", None) == ""


def test_value_in_reads_the_raw_trial_value():
    assert trial_link.value_in("?focus=liver&trial=CTRI%2F2020%2F08%2F027043") == "CTRI/2020/08/027043"
    assert trial_link.value_in("?focus=liver") is None
    assert trial_link.value_in(None) is None
    assert trial_link.value_in("?trial=%E0%A4%A") is not None  # bad escapes are read, not raised


def test_the_shared_filter_does_not_call_the_trial_parameter_unknown():
    state, notices = FilterState.from_search("?focus=liver&trial=NCT04288102")
    assert state == FilterState(focus=("liver",)) and notices == []
    assert FilterState.from_search("?trial=x&nonsense=1")[1] == ["Ignored unknown parameter “nonsense”."]


def test_a_filter_change_keeps_the_open_record_in_the_address():
    assert filter_sync.address("?focus=liver&trial=NCT04288102", "?focus=covid19_ards") == (
        "?focus=covid19_ards&trial=NCT04288102"
    )
    assert filter_sync.address("?focus=liver", "?focus=covid19_ards") == "?focus=covid19_ards"
    assert filter_sync.address(None, "") == ""
    assert filter_sync.address("?trial=NCT04288102", "") == "?trial=NCT04288102"  # Clear filters: record stays


def test_phase_status_and_enrollment_say_which_input_and_snapshot_they_came_from():
    assert snapshot_of({"source": "ctgov_full_2022-10", "as_of": "2022-10-13"}) == "ctgov_full_2022-10 as of 2022-10-13"
    assert snapshot_of(None) == ""
    assert fields.snapshot_phrase("ctgov_full_2022-10 as of 2022-10-13") == (
        "from ClinicalTrials.gov full records, Oct 2022, snapshot of 2022-10-13"
    )
    assert fields.snapshot_phrase("ctgov_api_v2 as of 2026-11-30") == (
        "from ClinicalTrials.gov API v2, refresh, snapshot of 2026-11-30"
    )
    rows = {row.label: row for row in views.detail.trial_detail("ChiCTR2000029569")["fields"]}
    for label in ("Phase", "Status", "Enrollment"):
        assert rows[label].evidence.startswith("from ") and "snapshot of 20" in rows[label].evidence
        assert rows[label].quoted is False  # not a registry phrase: not shown in quotes
    assert rows["Product"].quoted is True


def test_status_comes_from_the_snapshot_record_as_of_names():
    from msc_atlas import data

    trials = data.load_trials()
    dates = trials["status_evidence"].str.split(" as of ").str[1]
    assert (dates == trials["record_as_of"]).all()


def test_review_table_disagreements_list_each_value_once_with_its_sources():
    conflicts = views.detail.trial_detail("NCT04288102")["conflicts"]  # three rows in conflicts.csv
    assert [c["field"] for c in conflicts] == ["Enrollment"]
    values = {v["value"]: v["sources"] for v in conflicts[0]["values"]}
    assert sorted(values) == ["100", "18", "90"]
    assert all(len(sources) == 1 and sources[0]["url"].startswith("http") for sources in values.values())
    assert conflicts[0]["shown"] == "100" and conflicts[0]["why"].startswith("the registry's enrollment")
    product = views.detail.trial_detail("ChiCTR2000029569")["conflicts"][0]
    labels = {v["value"]: [s["label"] for s in v["sources"]] for v in product["values"]}
    assert labels["MSC secretome / conditioned medium"] == [
        "PMC7503434",  # the review known by its PMC ID only (curation/review_sources.csv)
        "registry: WHO ICTRP COVID-19 export, Jul 2020",
    ]
    secretome = next(v for v in product["values"] if v["value"] == "MSC secretome / conditioned medium")
    review = next(s for s in secretome["sources"] if s["url"])
    assert review["article_url"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7503434/"
    assert product["shown"] == "MSC secretome / conditioned medium"


def _text(component) -> str:
    if isinstance(component, (str, int, float)):
        return str(component)
    if component is None:
        return ""
    if isinstance(component, (list, tuple)):
        return "".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_the_record_heading_links_to_the_record_and_offers_copy_link(atlas_app):
    panel = trial_detail.panel("CTRI/2020/08/027043")
    heading = panel.children[0]
    link = heading.children[0].children
    assert isinstance(link, html.A) and link.href == "/trials?trial=CTRI%2F2020%2F08%2F027043"
    assert heading.children[1].id == trial_detail.COPY
    assert "Copy link" in _text(heading.children[1].children)
    text = _text(trial_detail.panel("NCT04288102"))
    assert "Review tables disagree" in text and "The atlas shows: “100”, because the registry's enrollment" in text


def test_selecting_a_row_puts_its_link_in_the_address(atlas_app):
    import pages.trials as page

    out = page.show_trial([{"trial_id": "CTRI/2020/08/027043"}], "?focus=covid19_ards&trial=NCT04288102")
    assert out["search"] == "?focus=covid19_ards&trial=CTRI%2F2020%2F08%2F027043"
    assert out["detail"].children[0].children[0].to_plotly_json()["props"]["data-reveal"] == "nearest"
    for hostile in ([], None, [{"trial_id": "<script>"}], [{"trial_id": 5}], "x", [["NCT04288102"]]):
        out = page.show_trial(hostile, "?focus=liver")
        assert all(value is page.dash.no_update for value in out.values())


def test_the_page_layout_opens_a_linked_record_or_says_why_not(atlas_app):
    import pages.trials as page

    opened = page.layout(trial="nct04288102", focus="liver")
    assert "NCT04288102" in _text(opened) and "Copy link" in _text(opened)
    unknown = _text(page.layout(trial="NCT00000000"))
    assert "No trial NCT00000000 in this dataset." in unknown and trial_detail.PROMPT in unknown
    assert "No trial" not in _text(page.layout())
