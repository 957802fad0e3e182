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


# ------------------------------------------------------------------------------------------ refreshes from downloads

import hashlib  # noqa: E402 - the refresh runs below share these helpers
import json  # noqa: E402
import shutil  # noqa: E402

import pandas as pd  # noqa: E402

from msc_atlas import config  # noqa: E402
from msc_atlas.refresh import run as R  # noqa: E402

GUARDED = ("source_tissue", "route", "donor", "countries", "phase")
PAGE = Path(__file__).parent / "fixtures" / "refresh" / "ctgov_v2_page.json"


def _copy(tmp: Path) -> Path:
    out = tmp / "data"
    shutil.copytree(config.BUNDLED_DATA_DIR, out)
    return out


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _table(folder: Path, name: str = "trials.csv") -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _no_known_value_lost(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[str, str]]:
    old, new = before.set_index("trial_id"), after.set_index("trial_id")
    return [
        (t, f)
        for t in old.index.intersection(new.index)
        for f in GUARDED
        if old.at[t, f] not in ("", "unknown") and new.at[t, f] in ("", "unknown")
    ]


@pytest.fixture(scope="module")
def full_30(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("full30")
    out = _copy(tmp)
    R.refresh(ctgov_csv=[FULL_30], out_dir=out, report_dir=tmp / "run", verbose=False)
    return out, tmp / "run"


def test_thirty_column_download_adds_the_msc_trials_and_leaves_ev_studies_out(full_30):
    out, run = full_30
    trials, excluded = _table(out).set_index("trial_id"), _table(out, "excluded_trials.csv").set_index("trial_id")
    for trial_id in ("NCT06954740", "NCT06961383"):
        assert trials.at[trial_id, "product"] == "msc" and trials.at[trial_id, "sources"] == "ctgov_website"
        assert trials.at[trial_id, "record_as_of"] == "2025-05-09"
    for trial_id in ("NCT06952751", "NCT06955767"):  # EV studies that give no MSC product
        assert trial_id not in trials.index and excluded.at[trial_id, "reason"].startswith("new in a refresh")
    report = (run / "report.md").read_text(encoding="utf-8")
    assert "NCT06952751" in report and "not admitted" in report
    version = json.loads((out / "version.json").read_text(encoding="utf-8"))
    assert version["ctgov_as_of"] == "2025-05-09" and version["refresh"]["ctgov_website"]["files"][0]["columns"] == 30


def test_twenty_nine_column_download_updates_statuses_and_loses_no_known_value(tmp_path):
    out = _copy(tmp_path)
    before = _table(out)
    R.refresh(ctgov_csv=[UROLOGY_29], out_dir=out, report_dir=tmp_path / "run", verbose=False)
    after = _table(out).set_index("trial_id")
    assert after.at["NCT03933995", "status"] == "unknown"  # "Recruiting" in 2022, UNKNOWN in the download
    # the registry's own last update is old (2020), the snapshot is the download's
    assert after.at["NCT03933995", "last_update_posted"] == "2020-10-22"
    assert after.at["NCT03933995", "record_as_of"] == "2024-09-23"
    assert {"NCT02087397", "NCT04424394", "NCT06550752"} <= set(after.index)  # missed by the 2022 search
    assert _no_known_value_lost(before, after.reset_index()) == []


def test_eleven_column_download_needs_a_date_and_blanks_nothing(tmp_path):
    out = _copy(tmp_path)
    before, hashes = _table(out), _hashes(out)
    with pytest.raises(RefreshError, match="no date column.*--ctgov-as-of"):
        R.refresh(ctgov_csv=[CHOSEN_11], out_dir=out, report_dir=tmp_path / "run", verbose=False)
    assert _hashes(out) == hashes
    R.refresh(ctgov_csv=[CHOSEN_11], ctgov_as_of="2022-10-20", out_dir=out, report_dir=tmp_path / "run", verbose=False)
    after = _table(out)
    assert _no_known_value_lost(before, after) == []
    row = after.set_index("trial_id").loc["NCT04397796"]  # bundled, and in the 11-column download
    assert row["record_as_of"] == "2022-10-20" and row["countries"] and row["phase"] != "unknown"


def test_the_websites_bare_json_array_is_read(tmp_path):
    studies = json.loads(PAGE.read_text(encoding="utf-8"))["studies"]
    download = tmp_path / "ctg-studies.json"
    download.write_text(json.dumps(studies), encoding="utf-8")
    out = _copy(tmp_path)
    result = R.refresh(ctgov_json=[download], out_dir=out, report_dir=tmp_path / "run", verbose=False)
    assert result["trials"] >= 1594 and "ctgov_api_v2" in set(_table(out)["sources"].str.split(";").explode())


@pytest.mark.parametrize("cut", ["half", "header-only", "wrong-shape"])
def test_a_broken_download_leaves_the_dataset_byte_identical(tmp_path, cut):
    raw = UROLOGY_29.read_bytes()
    bad = tmp_path / "ctg-studies.csv"
    bad.write_bytes(
        {
            "half": raw[: len(raw) // 2],
            "header-only": raw.split(b"\n", 1)[0] + b"\n",
            "wrong-shape": b'{"studies": []}',
        }[cut]
    )
    out = _copy(tmp_path)
    hashes = _hashes(out)
    with pytest.raises(RefreshError):
        R.refresh(ctgov_csv=[bad], out_dir=out, report_dir=tmp_path / "run", verbose=False)
    assert _hashes(out) == hashes
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".data.refresh-")]


def test_a_versioned_layout_gets_a_new_directory_and_an_atomically_repointed_symlink(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    first = versions / "bundled"
    shutil.copytree(config.BUNDLED_DATA_DIR, first)
    current = tmp_path / "current"
    current.symlink_to("versions/bundled")
    hashes = _hashes(first)
    R.refresh(ctgov_csv=[FULL_30], out_dir=current, report_dir=tmp_path / "run", verbose=False)
    assert current.is_symlink() and current.resolve() == (versions / "2025-05-09-refresh").resolve()
    assert json.loads((current / "version.json").read_text())["dataset_version"] == "2025-05-09-refresh"
    assert _hashes(first) == hashes  # the old version stays as it was: a rollback is one symlink away
    assert not list(tmp_path.glob(".current*")) and not list(versions.glob(".*"))
    mode = (versions / "2025-05-09-refresh").stat().st_mode & 0o777
    assert mode & 0o055 == 0o055 & ~_umask()  # readable by the server's user even when it is not the refresh's


def _umask():
    import os

    current = os.umask(0)
    os.umask(current)
    return current
