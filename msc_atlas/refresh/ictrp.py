"""WHO ICTRP exports (CSV with the column names of the bundled COVID-19 export, or the XML download
<Trials_downloaded_from_ICTRP><Trial>...) -> the build's intermediate records, for the non-NCT registries.

XML elements use the CSV names with "_" for " " (Public_title = "Public title", Secondary_ID = "Secondary ID").
Cross-registrations: every registry ID named in Secondary ID(s) links the row to that trial, so a ChiCTR row
listing an NCT number joins the NCT trial (one row in trials.csv). Rows of registries the dataset does not cover
(vocab.REGISTRIES: DRKS, NL-OMON, CTIS numbers, KCT, TCTR, ...) are skipped and listed in the report.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from msc_atlas.data import csv_rows as read_csv_rows
from msc_atlas.pipeline.registry_ids import ids_in_text, registry_of
from msc_atlas.pipeline.sources import (
    ICTRP_REFRESH,
    MONTHS,
    _not_nct,
    _record,
    norm_enrollment,
    norm_phase,
    norm_status,
)
from msc_atlas.refresh import RefreshError
from msc_atlas.refresh.ctgov_v2 import file_label
from msc_atlas.vocab import UNKNOWN

XML_ROOT = "Trials_downloaded_from_ICTRP"
REQUIRED = [
    "TrialID",
    "Public title",
    "Scientific title",
    "Primary sponsor",
    "Date registration",
    "Recruitment Status",
    "Countries",
    "Condition",
    "Intervention",
    "Phase",
    "Target size",
]
SECONDARY_ID_COLUMNS = ("Secondary ID", "Secondary IDs", "SecondaryIDs")

# ICTRP phase spellings norm_phase does not know (ChiCTR / IRCT / JPRN write them bare)
_PHASE_ALIASES = {
    "1-2": "Phase 1 | Phase 2",
    "2-3": "Phase 2 | Phase 3",
    "phase 1-2": "Phase 1 | Phase 2",
    "phase 2-3": "Phase 2 | Phase 3",
    "phase 0": "0",
    "phase-1": "Phase 1",
    "phase-2": "Phase 2",
    "phase 1/2": "Phase 1 | Phase 2",
    "phase 2/3": "Phase 2 | Phase 3",
    "i": "Phase 1",
    "ii": "Phase 2",
    "iii": "Phase 3",
    "not applicable": "N/A",
    "not specified": "",
    "early phase 1": "Early Phase 1",
}


@dataclass
class Export:
    """Records read from ICTRP exports, one per trial ID (the most recently refreshed row wins)."""

    by_id: dict[str, dict] = field(default_factory=dict)  # TrialID -> record
    refreshed: dict[str, str] = field(default_factory=dict)  # TrialID -> Last Refreshed on (ISO)
    files: list[dict] = field(default_factory=list)
    as_of: str = ""  # newest "Last Refreshed on" / export date
    skipped: Counter = field(default_factory=Counter)  # registry prefix -> rows skipped (not covered)
    warnings: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[dict]:
        return list(self.by_id.values())


def ictrp_date(text: str) -> str:
    """ICTRP date spellings -> ISO ('' when absent or unreadable): 2020-02-17, 20200217, 17/02/2020 (day first),
    '17 February 2020', 'February 17, 2020', 'February 2020' (-> 2020-02), '17/02/2020 04:51:51'."""
    t = re.sub(r"\s+", " ", (text or "").strip())
    if not t:
        return ""
    for rx, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", "ymd"),
        (r"(\d{4})(\d{2})(\d{2})", "ymd"),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})(?: .*)?", "dmy"),
    ):
        m = re.fullmatch(rx, t)
        if m:
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                return ""
    m = re.fullmatch(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})", t)
    if m and m.group(2).lower() in MONTHS:
        return _safe(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    m = re.fullmatch(r"([A-Za-z]+) (\d{1,2}),? (\d{4})", t)
    if m and m.group(1).lower() in MONTHS:
        return _safe(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
    m = re.fullmatch(r"([A-Za-z]+),? (\d{4})", t)
    if m and m.group(1).lower() in MONTHS:
        return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"
    return ""


def _safe(y: int, m: int, d: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def _clean(text: str) -> str:
    """Whitespace and the HTML line breaks ICTRP leaves in its text collapsed to single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"(?i)<br\s*/?>", " ", text or "")).strip()


def _phase(text: str) -> str:
    t = _clean(text)
    return norm_phase(_PHASE_ALIASES.get(t.lower(), t))


def row_record(row: dict[str, str], where: str) -> dict:
    """One ICTRP row (CSV column names) -> intermediate record. The ID must already be validated."""
    tid = row["TrialID"].strip()
    title = _clean(row["Public title"])
    # ChiCTR marks withdrawn registrations by prefixing the title with "Cancelled by the investigator".
    cancelled = title.lower().startswith("cancelled by the investigator")
    secondary = " | ".join(row.get(c, "") for c in SECONDARY_ID_COLUMNS)
    linked = [i for i in ids_in_text(secondary) if i != tid]
    if tid.startswith("NCT"):
        linked = _not_nct(linked)  # as for ClinicalTrials.gov records: an NCT record never names another NCT as itself
    enrollment = norm_enrollment(_clean(row["Target size"]))
    return _record(
        id=tid,
        source=ICTRP_REFRESH,
        linked_ids=linked,
        acronym=_clean(row.get("Acronym", "")),
        study_type=_clean(row.get("Study type", "")),
        title=title,
        official_title=_clean(row["Scientific title"]),
        conditions=_clean(row["Condition"]),
        interventions=_clean(row["Intervention"]),
        phase=_phase(row["Phase"]),
        status="withdrawn" if cancelled else norm_status(_clean(row["Recruitment Status"])),
        enrollment=enrollment,
        enrollment_type="anticipated" if enrollment is not None else UNKNOWN,
        start_date=ictrp_date(row.get("Date enrollement", "")),
        first_posted=ictrp_date(row.get("Date registration3", "")) or ictrp_date(row["Date registration"]),
        sponsor=_clean(row["Primary sponsor"]),
        countries_raw=[c.strip() for c in re.split(r"[;\n]", row["Countries"]) if c.strip()],
    )


# ------------------------------------------------------------------------------------------ file readers


def _text(raw: bytes, path: Path) -> str:
    if not raw.strip():
        raise RefreshError(f"{path}: empty file; expected a WHO ICTRP CSV or XML export")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise RefreshError(f"{path}: file is UTF-16 encoded; save the export as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise RefreshError(
            f"{path}: line {line}: byte 0x{raw[e.start]:02x} is not UTF-8; save the export as UTF-8"
        ) from None


def csv_rows(path: Path, text: str) -> list[tuple[str, dict[str, str]]]:
    """(where, row) per data line of an ICTRP CSV; RefreshError for a wrong header or a malformed / cut line."""
    rows = read_csv_rows(path, text, RefreshError)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RefreshError(
            f"{path}: line 1 (header): missing ICTRP column(s) {missing}; expected the columns of the "
            "WHO ICTRP export (see sources/raw/who_ictrp_covid19_export_2020-07-07_msc_exo_rows.csv)"
        )
    out = []
    for n, r in enumerate(rows[1:], start=2):
        if not r:
            continue
        if len(r) != len(header):
            raise RefreshError(
                f"{path}: line {n}: {len(r)} fields, expected {len(header)} "
                f"(file truncated or malformed; trial {r[0]!r})"
            )
        out.append((f"{path}: line {n}", dict(zip(header, r))))
    if not out:
        raise RefreshError(f"{path}: header but no trial rows")
    return out


def xml_rows(path: Path, raw: bytes) -> list[tuple[str, dict[str, str]]]:
    """(where, row) per <Trial> of an ICTRP XML export, with element names turned into the CSV column names."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        line, col = e.position
        reason = re.sub(r": line \d+, column \d+$", "", str(e))
        raise RefreshError(
            f"{path}: line {line}, column {col}: malformed XML ({reason}) — truncated or not an ICTRP XML export"
        ) from None
    if root.tag != XML_ROOT:
        raise RefreshError(f"{path}: root element <{root.tag}>, expected <{XML_ROOT}> (WHO ICTRP XML export)")
    out = []
    for n, trial in enumerate(root, start=1):
        if trial.tag != "Trial":
            raise RefreshError(f"{path}: element {n} is <{trial.tag}>, expected <Trial>")
        row = {child.tag.replace("_", " "): (child.text or "").strip() for child in trial}
        missing = [c for c in ("TrialID", "Public title") if not row.get(c)]
        if missing:
            raise RefreshError(f"{path}: <Trial> {n}: missing {', '.join(m.replace(' ', '_') for m in missing)}")
        for c in REQUIRED:
            row.setdefault(c, "")  # an element WHO leaves out when empty
        out.append((f"{path}: <Trial> {n} ({row['TrialID']})", row))
    if not out:
        raise RefreshError(f"{path}: no <Trial> elements")
    return out


def _as_of(rows: list[dict[str, str]]) -> str:
    """Newest 'Last Refreshed on' of the rows; else the export date; else the newest registration date."""
    for col in ("Last Refreshed on", "Export date", "Date registration"):
        dates = [d for d in (ictrp_date(r.get(col, "")) for r in rows) if len(d) == 10]
        if dates:
            return max(dates)
    return ""


def read_exports(paths: list[Path], root: Path | None = None) -> Export:
    """Records from one or more ICTRP exports (.csv or .xml, told apart by content)."""
    acc = Export()
    for path in [Path(p) for p in paths]:
        if not path.is_file():
            raise RefreshError(f"{path}: no such file")
        raw = path.read_bytes()
        text = _text(raw, path)
        rows = xml_rows(path, raw) if text.lstrip().startswith("<") else csv_rows(path, text)
        kept = 0
        for where, row in rows:
            tid = row["TrialID"].strip()
            if registry_of(tid) is None:
                letters = re.match(r"[A-Za-z-]*", tid)
                prefix = (letters.group(0) if letters else "").rstrip("-") or tid[:8]
                acc.skipped[prefix or "?"] += 1
                continue
            refreshed = ictrp_date(row.get("Last Refreshed on", ""))
            if tid in acc.refreshed and refreshed < acc.refreshed[tid]:
                continue
            acc.by_id[tid] = row_record(row, where)
            acc.refreshed[tid] = refreshed
            kept += 1
        acc.as_of = max(acc.as_of, _as_of([r for _, r in rows]))
        acc.files.append({"file": file_label(path, root), "sha256": hashlib.sha256(raw).hexdigest(), "trials": kept})
    if not acc.by_id:
        raise RefreshError(f"no trials of a covered registry in {', '.join(str(p) for p in paths)}")
    if acc.skipped:
        acc.warnings.append(
            "rows skipped (registry not covered by the dataset): "
            + ", ".join(f"{k} {v}" for k, v in sorted(acc.skipped.items()))
        )
    return acc
