"""The refresh (msc_atlas.refresh): API v2 + ICTRP fixtures -> a valid dataset and a diff report; paging over a local
HTTP server; a failed refresh leaves the dataset byte-identical. Every test writes to a tmp copy of data/."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from msc_atlas import config, data
from msc_atlas.pipeline import build as B
from msc_atlas.pipeline.sources import SOURCES_DIR, read_ctgov_full
from msc_atlas.refresh import RefreshError, ctgov_v2, diff, ictrp
from msc_atlas.refresh import run as R

FIX = Path(__file__).parent / "fixtures" / "refresh"
PAGE = FIX / "ctgov_v2_page.json"
PAGED = FIX / "ctgov_v2_paged"
ICTRP_CSV = FIX / "ictrp_export.csv"
ICTRP_XML = FIX / "ictrp_export.xml"
DATA = config.BUNDLED_DATA_DIR


def _copy_data(tmp: Path) -> Path:
    out = tmp / "data"
    shutil.copytree(DATA, out)
    return out


def _hashes(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


# ------------------------------------------------------------------------------------------ a full refresh


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refresh")
    out = _copy_data(tmp)
    before = _hashes(out)
    code = R.main(
        [
            "--ctgov-json",
            str(PAGE),
            "--ictrp",
            str(ICTRP_CSV),
            str(ICTRP_XML),
            "--out",
            str(out),
            "--report",
            str(tmp / "run"),
        ]
    )
    assert code == 0
    return tmp, out, before


def test_refresh_produces_a_valid_dataset(refreshed):
    tmp, out, _ = refreshed
    trials = data.load_trials(out / "trials.csv")  # the app's own schema validation
    bundled = pd.read_csv(DATA / "trials.csv", dtype=str, keep_default_na=False)
    assert len(trials) == len(bundled) + 2
    v = data.load_version(out / "version.json")
    assert (v["dataset_version"], v["ctgov_as_of"], v["ictrp_as_of"]) == (
        "2025-04-01-refresh",
        "2025-03-20",
        "2025-04-01",
    )
    assert v["trial_count"] == len(trials)
    assert v["refresh"]["ctgov_api_v2"]["files"][0]["file"] == "tests/fixtures/refresh/ctgov_v2_page.json"
    assert v["refresh"]["ictrp_refresh"]["skipped_registries"] == {"DRKS": 1}
    assert "## Refresh" in (out / "README.md").read_text(encoding="utf-8")
    assert not [p for p in tmp.iterdir() if p.name.startswith(".data.refresh-")], "staging directory left behind"


def test_diff_report_lists_the_edits(refreshed):
    tmp, _, _ = refreshed
    d = pd.read_csv(tmp / "run" / "diff.csv", dtype=str, keep_default_na=False)
    got = {
        (r["change"], r["trial_id"], r["field"], r["old"], r["new"])
        for r in d.to_dict("records")
        if r["change"] == "changed"
    }
    assert got == {
        ("changed", "NCT04252118", "status", "unknown", "completed"),
        ("changed", "ChiCTR2000029990", "status", "recruiting", "completed"),
        ("changed", "NCT04276987", "phase", "phase1", "phase1_2"),
        ("changed", "NCT01728727", "countries", "CHN", "CHN;HKG"),
    }
    assert set(d.loc[d["change"] == "added", "trial_id"]) == {"NCT99000001", "ChiCTR9900000001"}
    assert not (d["change"] == "removed").any()
    md = (tmp / "run" / "report.md").read_text(encoding="utf-8")
    assert "added 2, removed 0; status changed 2, phase changed 1, countries changed 1" in md
    assert (
        "| NCT04252118 | Mesenchymal Stem Cell Treatment" in md
        and "Unknown status (CT.gov) or not stated | Completed" in md
    )


def test_cross_registration_becomes_one_row(refreshed):
    _, out, _ = refreshed
    t = pd.read_csv(out / "trials.csv", dtype=str, keep_default_na=False).set_index("trial_id")
    assert "ChiCTR9900000002" not in t.index  # the ICTRP row naming NCT04252118 as its secondary ID
    row = t.loc["NCT04252118"]
    assert row["other_ids"] == "ChiCTR9900000002"
    assert row["sources"].split(";")[:2] == ["ctgov_api_v2", "ctgov_full_2022-10"]
    assert "ictrp_refresh" in row["sources"].split(";")


def test_untouched_trials_and_files_stay_as_bundled(refreshed):
    _, out, before = refreshed
    new = pd.read_csv(out / "trials.csv", dtype=str, keep_default_na=False).set_index("trial_id")
    old = pd.read_csv(DATA / "trials.csv", dtype=str, keep_default_na=False).set_index("trial_id")
    assert new.loc["NCT04366063"].equals(old.loc["NCT04366063"])
    after = _hashes(out)
    for name in before:
        if name.startswith("mechanism_"):
            assert after[name] == before[name], name


# ------------------------------------------------------------------------------------------ failed refreshes


def _fails(tmp_path, match: str, **kw) -> None:
    out = _copy_data(tmp_path)
    before = _hashes(out)
    with pytest.raises(RefreshError, match=match):
        R.refresh(out_dir=out, report_dir=tmp_path / "run", verbose=False, **kw)
    assert _hashes(out) == before, "a failed refresh changed the dataset"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".data.refresh-")]


def test_truncated_json_changes_nothing(tmp_path):
    bad = tmp_path / "page.json"
    raw = PAGE.read_bytes()
    bad.write_bytes(raw[: len(raw) * 3 // 5])
    _fails(tmp_path, r"page\.json: line \d+, column \d+: invalid JSON .*truncated", ctgov_json=[bad])


@pytest.mark.parametrize(
    "mutate,match",
    [
        (
            lambda p: {"studies": {s["protocolSection"]["identificationModule"]["nctId"]: s for s in p["studies"]}},
            "expected an API v2 /studies page",
        ),
        (lambda p: [p], r"studies\[0\]: missing protocolSection; not an API v2 study record"),  # an array of pages
        (lambda p: [], "an empty JSON array"),
        (
            lambda p: (p["studies"][1]["protocolSection"]["designModule"].update(phases="PHASE1"), p)[1],
            r"studies\[1\] \(NCT04276987\): designModule\.phases: expected list, got str",
        ),
        (
            lambda p: (p["studies"][0]["protocolSection"]["identificationModule"].pop("nctId"), p)[1],
            r"studies\[0\]: protocolSection\.identificationModule\.nctId missing",
        ),
    ],
)
def test_wrong_shape_json_changes_nothing(tmp_path, mutate, match):
    bad = tmp_path / "page.json"
    bad.write_text(json.dumps(mutate(json.loads(PAGE.read_text(encoding="utf-8")))), encoding="utf-8")
    _fails(tmp_path, match, ctgov_json=[bad])


def test_corrupt_ictrp_csv_changes_nothing(tmp_path):
    text = ICTRP_CSV.read_text(encoding="utf-8")
    cut = tmp_path / "cut.csv"
    cut.write_text(text[: text.index("\n", text.index("\n") + 1) - 200] + "\n", encoding="utf-8")
    (tmp_path / "a").mkdir()
    _fails(tmp_path / "a", r"cut\.csv: line 2: \d+ fields, expected 32 \(file truncated", ictrp_files=[cut])
    header = tmp_path / "header.csv"
    header.write_text(text.replace("Recruitment Status", "Status", 1), encoding="utf-8")
    (tmp_path / "b").mkdir()
    _fails(tmp_path / "b", r"missing ICTRP column\(s\) \['Recruitment Status'\]", ictrp_files=[header])


def test_truncated_ictrp_xml_changes_nothing(tmp_path):
    bad = tmp_path / "export.xml"
    raw = ICTRP_XML.read_bytes()
    bad.write_bytes(raw[: len(raw) // 2])
    _fails(tmp_path, r"export\.xml: line \d+, column \d+: malformed XML", ictrp_files=[bad])


def test_older_than_bundled_snapshot_is_refused(tmp_path):
    _fails(tmp_path, "older than the bundled snapshot", ctgov_json=[PAGE], ctgov_as_of="2021-01-01")


def test_invalid_build_result_changes_nothing(tmp_path, monkeypatch):
    """A result the app's loader rejects is never swapped in (here a build that writes a bad status)."""
    real_build = B.build

    def bad_build(out_dir, *a, **kw):
        summary = real_build(out_dir, *a, **kw)
        p = Path(out_dir) / "trials.csv"
        p.write_text(p.read_text(encoding="utf-8").replace(",completed,", ",finished,", 1), encoding="utf-8")
        return summary

    monkeypatch.setattr(B, "build", bad_build)
    _fails(
        tmp_path,
        r"fails validation: .*column 'status': bad value 'finished'",
        ctgov_json=[PAGED],
        ctgov_as_of="2025-01-01",
    )


def test_cli_reports_failure(tmp_path, capsys):
    out = _copy_data(tmp_path)
    before = _hashes(out)
    assert R.main(["--ctgov-json", str(tmp_path / "missing.json"), "--out", str(out)]) == 2
    assert "The dataset was not changed" in capsys.readouterr().err
    assert _hashes(out) == before


# ------------------------------------------------------------------------------------------ API v2 paging


class _FakeAPI(BaseHTTPRequestHandler):
    """/api/v2/studies on 127.0.0.1: page 1 without a pageToken, page 2 for the token page 1 gave."""

    requests: list[dict] = []
    status = 200

    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        type(self).requests.append(q)
        if type(self).status != 200:
            self.send_error(type(self).status, "fake outage")
            return
        body = ((PAGED / "page-0002.json") if "pageToken" in q else (PAGED / "page-0001.json")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def fake_api():
    _FakeAPI.requests, _FakeAPI.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v2/studies"
    server.shutdown()
    server.server_close()


def test_paging_follows_next_page_token(fake_api, tmp_path):
    acc, pages, meta = R.fetch_online("mesenchymal OR exosome", None, 2, fake_api, None, 5.0)
    assert [r["id"] for r in acc.records] == ["NCT04366063", "NCT04361942", "NCT03011541"]
    first, second = _FakeAPI.requests
    assert first["query.term"] == ["mesenchymal OR exosome"] and first["pageSize"] == ["2"]
    assert first["format"] == ["json"] and "pageToken" not in first
    token = json.loads((PAGED / "page-0001.json").read_text())["nextPageToken"]
    assert second["pageToken"] == [token]
    assert meta["complete"] and meta["pages"] == 2 and meta["total_count"] == 3
    # the saved pages repeat the refresh offline, byte for byte
    saved = R.save_pages(tmp_path / "run", pages, meta, acc)
    again = ctgov_v2.read_saved([saved])
    assert again.records == acc.records and again.fetched_at == acc.fetched_at
    assert (saved / "page-0001.json").read_bytes() == (PAGED / "page-0001.json").read_bytes()


def test_max_pages_stops_early(fake_api):
    acc, pages, meta = R.fetch_online("mesenchymal", 1, 1000, fake_api, None, 5.0)
    assert len(pages) == 1 and not meta["complete"] and len(_FakeAPI.requests) == 1
    assert any("stopped after 1 page" in w for w in acc.warnings)


def test_http_errors_are_clear(fake_api):
    _FakeAPI.status = 503
    with pytest.raises(RefreshError, match=r"HTTP 503"):
        ctgov_v2.http_get(fake_api, timeout=5, retries=1, sleep=lambda s: None)
    assert len(_FakeAPI.requests) == 2  # retried once
    with pytest.raises(RefreshError, match="cannot reach ClinicalTrials.gov"):
        ctgov_v2.http_get("http://127.0.0.1:9/api/v2/studies", timeout=2, retries=0)


# ------------------------------------------------------------------------------------------ field mapping


def test_api_v2_records_match_the_flat_export():
    """Unedited API v2 renderings of bundled studies read to the same record as the Oct 2022 flat file."""
    api = ctgov_v2.read_saved([PAGED]).by_id
    flat = {r["id"]: r for r in read_ctgov_full(SOURCES_DIR) if r["id"] in api}
    assert set(flat) == set(api)
    for nct, rec in api.items():
        for key in (
            "linked_ids",
            "title",
            "official_title",
            "conditions",
            "mesh_terms",
            "keywords",
            "interventions",
            "intervention_descriptions",
            "arm_descriptions",
            "summary",
            "phase",
            "status",
            "enrollment",
            "enrollment_type",
            "start_date",
            "first_posted",
            "sponsor",
            "sponsor_class",
            "countries_raw",
        ):
            assert rec[key] == flat[nct][key], (nct, key)


@pytest.mark.parametrize(
    "phases,key",
    [
        ([], "unknown"),
        (["NA"], "not_applicable"),
        (["EARLY_PHASE1"], "early_phase1"),
        (["PHASE2", "PHASE1"], "phase1_2"),
        (["PHASE2", "PHASE3"], "phase2_3"),
    ],
)
def test_phase_enums(phases, key):
    study = json.loads(PAGE.read_text(encoding="utf-8"))["studies"][0]
    study["protocolSection"]["designModule"]["phases"] = phases
    assert ctgov_v2.study_record(study, "s", [])[0]["phase"] == key


@pytest.mark.parametrize(
    "text,iso",
    [
        ("2020-02-17", "2020-02-17"),
        ("20200217", "2020-02-17"),
        ("17/02/2020", "2020-02-17"),
        ("31 March 2025", "2025-03-31"),
        ("05/04/2025 10:12:30", "2025-04-05"),
        ("February 2020", "2020-02"),
        ("", ""),
        ("sometime", ""),
    ],
)
def test_ictrp_dates(text, iso):
    assert ictrp.ictrp_date(text) == iso


def test_diff_names_merged_and_excluded_trials():
    cols = ["trial_id", "other_ids", "title", "status", "phase", "countries"]
    old = pd.DataFrame(
        [
            ["ChiCTR1", "", "a", "unknown", "phase1", "CHN"],
            ["NCT1", "", "b", "recruiting", "phase2", ""],
            ["NCT2", "", "c", "completed", "phase3", "USA"],
        ],
        columns=cols,
    )
    new = pd.DataFrame([["NCT1", "ChiCTR1", "b", "completed", "phase2", ""]], columns=cols)
    excluded = pd.DataFrame([["NCT2", "no intervention registered"]], columns=["trial_id", "reason"])
    d = diff.diff_trials(old, new, excluded).set_index("trial_id")
    assert d.at["ChiCTR1", "note"] == "merged into NCT1 (cross-registration)"
    assert d.at["NCT2", "note"] == "excluded: no intervention registered"
    assert diff.summary(diff.diff_trials(old, new, excluded)) == {
        "added": 0,
        "removed": 2,
        "status_changed": 1,
        "phase_changed": 0,
        "countries_changed": 0,
    }
