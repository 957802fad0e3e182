"""ClinicalTrials.gov website downloads (Download -> CSV, `ctg-studies.csv`) into the build's intermediate records.

The website writes whichever columns the user ticked (from 9 to 30), one study per row, `|` inside multi-valued
cells. Every column is optional except `NCT Number`; a record says which fields its download carried
(`carried`), so the build keeps the richer bundled value of every field the download does not have: a 9-column
download updates the status and adds trials, and never turns a known tissue, route, donor or country into unknown.

Column -> record key (values as the website writes them):
  NCT Number                      -> id
  Study Title / Acronym           -> title / acronym
  Study Status                    -> status (RECRUITING -> recruiting; WITHHELD, UNKNOWN -> unknown)
  Brief Summary                   -> summary
  Conditions                      -> conditions ("a|b" -> "a | b")
  Interventions                   -> interventions + intervention_types ("BIOLOGICAL: UC-MSC|DRUG: x")
  Sponsor / Funder Type           -> sponsor / sponsor_class (INDUSTRY -> industry, OTHER -> academic_other, ...)
  Phases                          -> phase ("PHASE1|PHASE2" -> phase1_2, "NA" -> not_applicable)
  Enrollment                      -> enrollment (type not given: unknown)
  Study Type                      -> study_type
  Other IDs                       -> linked_ids (registry IDs only, never an NCT)
  Start Date / First Posted       -> start_date / first_posted ("2023-05", "2023-05-12", or "May 12, 2023")
  Last Update Posted              -> last_update_posted
  Locations                       -> countries_raw (the text after the last comma of each "Facility, City, ..., Country")
Other columns (outcomes, sex, age, design, results, documents) are not used.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from msc_atlas.pipeline.countries import split_location_countries
from msc_atlas.pipeline.registry_ids import ids_in_text
from msc_atlas.pipeline.sources import (
    CTGOV_WEBSITE,
    SPONSOR_CLASS_MAP,
    _not_nct,
    _record,
    intervention_types,
    iso_date,
    norm_enrollment,
)
from msc_atlas.refresh import RefreshError
from msc_atlas.refresh.ctgov_v2 import _PHASES, _STATUSES, _STUDY_TYPES, file_label
from msc_atlas.vocab import UNKNOWN

ID_COLUMN = "NCT Number"
# column -> the record keys it carries
COLUMNS: dict[str, tuple[str, ...]] = {
    "Study Title": ("title",),
    "Acronym": ("acronym",),
    "Study Status": ("status",),
    "Brief Summary": ("summary",),
    "Conditions": ("conditions",),
    "Interventions": ("interventions", "intervention_types"),
    "Sponsor": ("sponsor",),
    "Funder Type": ("sponsor_class",),
    "Phases": ("phase",),
    "Enrollment": ("enrollment",),
    "Study Type": ("study_type",),
    "Other IDs": ("linked_ids",),
    "Start Date": ("start_date",),
    "First Posted": ("first_posted",),
    "Last Update Posted": ("last_update_posted",),
    "Locations": ("countries_raw",),
}
DATE_COLUMNS = ("Last Update Posted", "First Posted")
_NCT = re.compile(r"^NCT\d{8}$")
_TYPED = re.compile(r"^\s*[A-Z_]+\s*:\s*")


@dataclass
class Download:
    """The studies of one or more website CSV downloads (a study in two files: the later-updated row wins)."""

    by_id: dict[str, dict] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)  # every column seen
    dated: bool = False  # some file has a date column
    warnings: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[dict]:
        return list(self.by_id.values())

    @property
    def newest_update(self) -> str:
        return max((r["last_update_posted"] or r["first_posted"] for r in self.by_id.values()), default="")


def _pipe(cell: str) -> list[str]:
    return [p.strip() for p in (cell or "").split("|") if p.strip()]


def _phase(cell: str, where: str, warnings: list[str]) -> str:
    parts = tuple(sorted(p.upper() for p in _pipe(cell)))
    if not parts:
        return UNKNOWN
    if parts not in _PHASES:
        warnings.append(f"{where}: Phases {cell!r} has no vocab key; read as unknown")
        return UNKNOWN
    return _PHASES[parts]


def _status(cell: str, where: str, warnings: list[str]) -> str:
    raw = cell.strip().upper().replace(" ", "_").replace(",", "")
    if not raw:
        return UNKNOWN
    if raw not in _STATUSES:
        warnings.append(f"{where}: Study Status {cell!r} is not a known value; read as unknown")
        return UNKNOWN
    return _STATUSES[raw]


def study_record(row: dict[str, str], where: str, warnings: list[str]) -> dict:
    """The intermediate record of one CSV row; `carried` lists the record keys its columns state."""
    nct = row[ID_COLUMN].strip()
    if not _NCT.match(nct):
        raise RefreshError(f"{where}: NCT Number {nct!r} is not an NCT ID; not a ClinicalTrials.gov download")
    get = lambda column: (row.get(column) or "").strip()  # noqa: E731 - a missing column reads as ""
    interventions = _pipe(get("Interventions"))
    carried = {"id"} | {key for column, keys in COLUMNS.items() if column in row for key in keys}
    enrollment = norm_enrollment(get("Enrollment"))
    return _record(
        id=nct,
        source=CTGOV_WEBSITE,
        carried=carried,
        linked_ids=_not_nct(ids_in_text(" | ".join(_pipe(get("Other IDs"))))),
        acronym=get("Acronym"),
        study_type=_STUDY_TYPES.get(get("Study Type").upper(), get("Study Type")),
        title=get("Study Title"),
        conditions=" | ".join(_pipe(get("Conditions"))),
        interventions=" | ".join(_TYPED.sub("", p) for p in interventions),
        intervention_types=intervention_types(get("Interventions").title().replace("_", " ")),
        summary=get("Brief Summary"),
        phase=_phase(get("Phases"), where, warnings),
        status=_status(get("Study Status"), where, warnings),
        enrollment=enrollment,
        start_date=iso_date(get("Start Date")),
        first_posted=iso_date(get("First Posted")),
        last_update_posted=iso_date(get("Last Update Posted")),
        sponsor=get("Sponsor"),
        sponsor_class=SPONSOR_CLASS_MAP.get(get("Funder Type").upper(), UNKNOWN),
        countries_raw=split_location_countries(get("Locations")),
    )


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]], bytes]:
    """Header and rows of one download, read strictly; RefreshError names the file and the problem."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise RefreshError(f"{path}: cannot read ({e.strerror})") from None
    if not raw.strip():
        raise RefreshError(f"{path}: empty file; expected a ClinicalTrials.gov website CSV download")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RefreshError(
            f"{path}: not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start}); the website "
            "writes UTF-8 — was the file re-saved by a spreadsheet program?"
        ) from None
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise RefreshError(f"{path}: malformed CSV ({e}): truncated or not a CSV file") from None
    header = [h.strip() for h in table[0]]
    if ID_COLUMN not in header:
        raise RefreshError(
            f"{path}: no '{ID_COLUMN}' column (got {header[:6]}{' ...' if len(header) > 6 else ''}); "
            "not a ClinicalTrials.gov website download (Download -> CSV)"
        )
    if not text.endswith(("\n", "\r")) and len(table) > 1 and len(table[-1]) != len(header):
        raise RefreshError(
            f"{path}: line {len(table)}: {len(table[-1])} fields, expected {len(header)}; the file looks truncated"
        )
    rows = []
    for n, cells in enumerate(table[1:], start=2):
        if not cells or not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise RefreshError(
                f"{path}: line {n}: {len(cells)} fields, expected {len(header)} "
                "(file truncated or not a website download)"
            )
        rows.append(dict(zip(header, cells)))
    if not rows:
        raise RefreshError(f"{path}: a header but no studies")
    return header, rows, raw


def read_downloads(paths: list[Path], root: Path | None = None) -> Download:
    """Every study of the given website CSV downloads."""
    acc = Download()
    for path in [Path(p) for p in paths]:
        header, rows, raw = _rows(path)
        acc.columns |= set(header)
        acc.dated = acc.dated or any(c in header for c in DATE_COLUMNS)
        kept = 0
        for i, row in enumerate(rows, start=2):
            rec = study_record(row, f"{path.name}: line {i}", acc.warnings)
            old = acc.by_id.get(rec["id"])
            if old is None or (rec["last_update_posted"] or "") >= (old["last_update_posted"] or ""):
                acc.by_id[rec["id"]] = rec
                kept += 1
        unused = sorted(set(header) - set(COLUMNS) - {ID_COLUMN})
        acc.files.append(
            {
                "file": file_label(path, root),
                "sha256": hashlib.sha256(raw).hexdigest(),
                "studies": kept,
                "columns": len(header),
                "unused_columns": unused,
            }
        )
    return acc
