"""ClinicalTrials.gov website downloads (ctg-studies.csv with whichever columns the user ticked): real files from
sources/raw/ctgov_website_exports/ (30, 29 and 11 columns), malformed copies, and the merge with richer records."""

from __future__ import annotations

from pathlib import Path

import pytest

from msc_atlas.pipeline.merge import merge_group
from msc_atlas.pipeline.sources import SOURCES_DIR, _record, read_ctgov_full
from msc_atlas.refresh import RefreshError
from msc_atlas.refresh.ctgov_website import read_downloads

EXPORTS = SOURCES_DIR / "raw" / "ctgov_website_exports"
FULL_30 = EXPORTS / "Anand21J-V__Clinical-Trial-Semantic-Model-Query__ctg-studies.csv"
UROLOGY_29 = EXPORTS / "Marc-Morcos__ClinicalTrials-Urology-Database-Word-Counter__ctg-studies.csv"
CHOSEN_11 = EXPORTS / "onlyjazz__flask-ctrials__ctg-studies.csv"


@pytest.mark.parametrize("path, columns, studies", [(FULL_30, 30, 1000), (UROLOGY_29, 29, 635), (CHOSEN_11, 11, 682)])
def test_real_downloads_are_read_whatever_their_columns(path, columns, studies):
    got = read_downloads([path])
    assert got.files[0]["columns"] == columns and len(got.by_id) == studies
    assert got.dated == (columns > 11)  # the 11-column download has no date column


def test_fields_of_a_full_download():
    rec = read_downloads([UROLOGY_29]).by_id["NCT06550752"]
    assert rec["status"] in ("recruiting", "not_yet_recruiting", "completed", "active_not_recruiting", "unknown")
    assert "UC-MSCs" in rec["interventions"] and rec["intervention_types"].lower().startswith("combination")
    assert rec["first_posted"].startswith("2024") and rec["last_update_posted"] >= rec["first_posted"]
    assert rec["countries_raw"] and rec["carried"] >= {"status", "phase", "countries_raw", "interventions"}
    phases = {r["phase"] for r in read_downloads([UROLOGY_29]).records}
    assert {"phase1", "phase1_2", "phase2", "not_applicable"} <= phases


def test_an_eleven_column_download_carries_only_its_columns():
    rec = read_downloads([CHOSEN_11]).by_id["NCT04397796"]
    assert rec["carried"] == {
        "id",
        "title",
        "status",
        "conditions",
        "interventions",
        "intervention_types",
        "sponsor",
        "study_type",
        "start_date",
    }
    assert rec["start_date"] == "2020-06" or rec["start_date"].startswith("2020")  # "June 2020" style dates


def test_a_narrow_download_updates_status_and_keeps_every_other_bundled_value():
    """A 9-column download of a bundled trial: its status wins; phase, countries, enrollment, summary and arms
    stay those of the richer bundled record (never turned into unknown)."""
    bundled = next(r for r in read_ctgov_full() if r["id"] == "NCT04447833")
    narrow = _record(
        id="NCT04447833",
        source="ctgov_website",
        status="completed",
        title=bundled["title"],
        carried={"id", "title", "status", "conditions", "interventions", "sponsor", "study_type"},
    )
    merged = merge_group([narrow, bundled])
    assert merged["status"] == "completed"
    assert merged["phase"] == bundled["phase"] != "unknown"
    assert merged["countries"] == ["SWE"] and merged["enrollment"] == bundled["enrollment"]
    assert merged["text"]["arm_descriptions"] == bundled["arm_descriptions"].strip()
    assert merged["last_update_posted"] == bundled["last_update_posted"] and merged["record_as_of"] == ""


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"Rank,Title\n1,x\n", "no 'NCT Number' column"),
        (b"NCT Number,Study Title\nNCT0123,bad id\n", "not an NCT ID"),
        (b'NCT Number,Study Title,Study Status\nNCT04447833,"unterminated,RECRUITING\n', "malformed CSV|truncated"),
        (b"NCT Number,Study Title,Study Status\nNCT04447833,x\n", "2 fields, expected 3"),
        (b"NCT Number,Study Title\n", "a header but no studies"),
        ("NCT Number,Study Title\nNCT04447833,Caf\u00e9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_malformed_downloads_are_refused_with_the_reason(tmp_path: Path, content: bytes, message: str):
    bad = tmp_path / "ctg-studies.csv"
    bad.write_bytes(content)
    with pytest.raises(RefreshError, match=message):
        read_downloads([bad])


def test_a_truncated_real_download_is_refused(tmp_path: Path):
    raw = UROLOGY_29.read_bytes()
    cut = tmp_path / "ctg-studies.csv"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(RefreshError, match="truncated|fields, expected|malformed"):
        read_downloads([cut])
