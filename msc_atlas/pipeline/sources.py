"""Readers of the raw registry exports into one intermediate record shape (one record per source row).

Every reader returns a list of `Record` dicts with the keys in RECORD_KEYS. Values are normalised to vocab keys
here (phase, status, enrollment, dates, sponsor class); free text is passed on as registered. The build reads only
from the vendored `sources/` directory of this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from msc_atlas.config import SOURCES_DIR
from msc_atlas.pipeline.countries import split_location_countries
from msc_atlas.pipeline.registry_ids import ids_in_text, registry_of
from msc_atlas.vocab import UNKNOWN

RAW = SOURCES_DIR / "raw"

# Source name -> file (relative to sources/). The order is the priority order used when sources disagree:
# newest ClinicalTrials.gov snapshot first; the cleaned ebmdatalab Dec 2020 list before the raw ICTRP export.
SOURCE_FILES = {
    "ctgov_full_2022-10": "raw/ctgov_msc_full_studies_flat_2022-10.csv",
    "ctgov_search_2022-09-29": "raw/ctgov_msc_search_export_2022-09-29.csv",
    "ctgov_covid_2020-10-12": "raw/ctgov_covid19_export_2020-10-12_msc_exo_rows.tsv",
    "ctgov_covid_2020-06-30": "raw/ctgov_covid19_export_2020-06-30_msc_exo_rows.tsv",
    "ebmdatalab_2020-12-16": "raw/ebmdatalab_covid19_trialstracker_2020-12-16_msc_exo_rows.csv",
    "ictrp_2020-07-07": "raw/who_ictrp_covid19_export_2020-07-07_msc_exo_rows.csv",
    "ebmdatalab_2020-06-29": "raw/ebmdatalab_covid19_trialstracker_2020-06-29_msc_exo_rows.csv",
}
PUBLISHED_FACTS = "published_facts"
PUBLISHED_FILE = "published_trial_facts.csv"
# Records of a refresh (msc_atlas.refresh, vocab.REFRESH_SOURCES) are newer than every bundled snapshot of their
# registry: API v2 studies come before the 2022 CT.gov files, a new ICTRP export before the 2020 ICTRP-based lists
# (but after every CT.gov source, which stays the record of an NCT trial).
CTGOV_API = "ctgov_api_v2"
CTGOV_WEBSITE = "ctgov_website"  # website Download -> CSV (ctg-studies.csv), msc_atlas.refresh.ctgov_website
ICTRP_REFRESH = "ictrp_refresh"
_CTGOV_FILES = [s for s in SOURCE_FILES if s.startswith("ctgov_")]
SOURCE_ORDER = [
    CTGOV_API,
    CTGOV_WEBSITE,
    *_CTGOV_FILES,
    ICTRP_REFRESH,
    *(s for s in SOURCE_FILES if s not in _CTGOV_FILES),
] + [PUBLISHED_FACTS]
# The snapshot date of each bundled input: `record_as_of` of a trial whose record comes from it (a refresh sets the
# date of its own records). The same dates as version.json's as-of keys.
SOURCE_AS_OF = {
    "ctgov_full_2022-10": "2022-10-13",
    "ctgov_search_2022-09-29": "2022-09-29",
    "ctgov_covid_2020-10-12": "2020-10-12",
    "ctgov_covid_2020-06-30": "2020-06-30",
    "ebmdatalab_2020-12-16": "2020-12-16",
    "ictrp_2020-07-07": "2020-07-06",
    "ebmdatalab_2020-06-29": "2020-06-29",
}

TEXT_KEYS = [
    "title",
    "official_title",
    "conditions",
    "mesh_terms",
    "keywords",
    "interventions",
    "intervention_types",
    "intervention_descriptions",
    "arm_labels",
    "arm_descriptions",
    "summary",
    "detailed_description",
]
RECORD_KEYS = [
    "id",
    "source",
    "linked_ids",
    "acronym",
    "study_type",
    *TEXT_KEYS,
    "phase",
    "status",
    "enrollment",
    "enrollment_type",
    "start_date",
    "first_posted",
    "last_update_posted",
    "sponsor",
    "sponsor_class",
    "countries_raw",
    "intervention_class",
    "as_of",
    "carried",
]

# ---------------------------------------------------------------- value normalisers (pure)

MONTHS = {  # English month names -> 1..12 (registry dates; not the locale's names)
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def iso_date(text: str) -> str:
    """'May 2, 2020' -> '2020-05-02'; 'May 2015' -> '2015-05' (month precision kept); ISO passes; else ''."""
    t = (text or "").strip()
    if not t:
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?", t)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.fullmatch(r"([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})", t)
    if m and m.group(1).lower() in MONTHS:
        return f"{m.group(3)}-{MONTHS[m.group(1).lower()]:02d}-{int(m.group(2)):02d}"
    m = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", t)
    if m and m.group(1).lower() in MONTHS:
        return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"
    return ""


_CTGOV_PHASES = {
    "early phase 1": "early_phase1",
    "phase 1": "phase1",
    "phase 1 | phase 2": "phase1_2",
    "phase 1/phase 2": "phase1_2",
    "phase 1|phase 2": "phase1_2",
    "phase 2": "phase2",
    "phase 2 | phase 3": "phase2_3",
    "phase 2|phase 3": "phase2_3",
    "phase 2/phase 3": "phase2_3",
    "phase 3": "phase3",
    "phase 4": "phase4",
    "not applicable": "not_applicable",
    "n/a": "not_applicable",
    "phase 1 / phase 2": "phase1_2",
    "phase ii": "phase2",
    "phase i": "phase1",
    "phase iii": "phase3",
    "phase i/ii": "phase1_2",
}
# ICTRP gives IRCT/ChiCTR phases as bare numbers; ChiCTR's "0" is read as not applicable, as the ebmdatalab
# TrialsTracker (hand-cleaned ICTRP) reads every overlapping ChiCTR record; "1-2" / "2-3" were turned into Excel date serials on the way
# (43862 = 1 Feb 2020 <- "1-2", 43892 = 2 Mar 2020 <- "2-3"); checked against the ebmdatalab phase of the same IDs.
_ICTRP_CODES = {
    "0": "not_applicable",
    "1": "phase1",
    "2": "phase2",
    "3": "phase3",
    "4": "phase4",
    "43862": "phase1_2",
    "43892": "phase2_3",
}


def norm_phase(text: str) -> str:
    t = re.sub(r"\s+", " ", (text or "").strip()).lower()
    if not t:
        return UNKNOWN
    if t in _CTGOV_PHASES:
        return _CTGOV_PHASES[t]
    if t in _ICTRP_CODES:
        return _ICTRP_CODES[t]
    if "human pharmacology" in t:  # EU-CTR: one yes/no line per phase
        yes = [
            n
            for n, rx in (
                (1, r"phase i\): yes"),
                (2, r"phase ii\): yes"),
                (3, r"phase iii\): yes"),
                (4, r"phase iv\): yes"),
            )
            if re.search(rx, t)
        ]
        combos = {
            (1,): "phase1",
            (2,): "phase2",
            (3,): "phase3",
            (4,): "phase4",
            (1, 2): "phase1_2",
            (2, 3): "phase2_3",
        }
        return combos.get(tuple(yes), UNKNOWN)
    return UNKNOWN


_STATUSES = {
    "recruiting": "recruiting",
    "not yet recruiting": "not_yet_recruiting",
    "enrolling by invitation": "enrolling_by_invitation",
    "active, not recruiting": "active_not_recruiting",
    "completed": "completed",
    "suspended": "suspended",
    "terminated": "terminated",
    "withdrawn": "withdrawn",
    "available": "available",
    "no longer available": "no_longer_available",
    "temporarily not available": "temporarily_not_available",
    "approved for marketing": "approved_for_marketing",
    "unknown status": UNKNOWN,
    # ICTRP / ebmdatalab: "Not recruiting" does not say whether the trial has not started or has ended, and the
    # EU-CTR "Authorised" is an approval state, so both stay unknown rather than being guessed.
    "not recruiting": UNKNOWN,
    "authorised": UNKNOWN,
}


def norm_status(text: str) -> str:
    return _STATUSES.get((text or "").strip().lower(), UNKNOWN)


SPONSOR_CLASS_MAP = {
    "INDUSTRY": "industry",
    "OTHER": "academic_other",
    "OTHER_GOV": "government",
    "NIH": "government",
    "FED": "government",
    "NETWORK": "network",
    "INDIV": "academic_other",
    "UNKNOWN": UNKNOWN,
}
# Classic export "Funded Bys" values (first one = lead sponsor).
_FUNDED_BY_MAP = {"Industry": "industry", "Other": "academic_other", "NIH": "government", "U.S. Fed": "government"}


def norm_enrollment(text: str) -> int | None:
    """Integer when the cell is a number, or a ChiCTR-style list of 'group:number' parts (summed)."""
    t = (text or "").strip()
    if re.fullmatch(r"\d+(\.0+)?", t):
        return int(float(t))
    parts = [p for p in re.split(r"[;；]", t) if p.strip()]
    if parts and all(re.fullmatch(r"\s*[^:：]*[:：]\s*\d+\s*", p) for p in parts):
        return sum(int(m.group(1)) for p in parts if (m := re.search(r"(\d+)\s*$", p)))
    return None


def _pipe(text: str) -> str:
    """Multi-valued cell -> ' | '-joined text."""
    return " | ".join(p.strip() for p in re.split(r"\s*\|\s*", text or "") if p.strip())


_TYPE_PREFIX = re.compile(
    r"^\s*(Biological|Drug|Device|Procedure|Other|Behavioral|Genetic|Dietary Supplement|Radiation"
    r"|Diagnostic Test|Combination Product)\s*:",
    re.IGNORECASE,
)


def intervention_types(cell: str) -> str:
    """'Biological: MSC|Drug: X' (classic and website exports) -> 'Biological | Drug' ('' when no part is typed)."""
    types = [m.group(1) for part in (cell or "").split("|") for m in [_TYPE_PREFIX.match(part)] if m]
    return " | ".join(types)


def _not_nct(ids: list[str]) -> list[str]:
    """A ClinicalTrials.gov record's own secondary IDs never name another NCT trial as the same trial
    (NCT02062931 lists 'NCT22310154', which is not a real registration)."""
    return [i for i in ids if not i.startswith("NCT")]


def _record(**kw) -> dict:
    """A record with every key; `carried` is None when the source states every field (a full record), else the set
    of keys its file has columns for (a website download with the columns its user ticked)."""
    rec: dict[str, Any] = dict.fromkeys(RECORD_KEYS, "")
    rec.update(
        linked_ids=[],
        countries_raw=[],
        enrollment=None,
        phase=UNKNOWN,
        status=UNKNOWN,
        enrollment_type=UNKNOWN,
        sponsor_class=UNKNOWN,
        carried=None,
    )
    rec.update(kw)
    if not rec["as_of"]:
        rec["as_of"] = SOURCE_AS_OF.get(rec["source"], "")
    return rec


def carries(rec: dict, key: str) -> bool:
    """Does this record's source state `key` at all (a column for it exists)?"""
    return rec.get("carried") is None or key in rec["carried"]


def read_rows(name: str, sources_dir: Path = SOURCES_DIR) -> list[dict[str, str]]:
    """The rows of one bundled input as they are in the file (strings), for readers of columns the records skip."""
    return _read(name, sources_dir).to_dict("records")


def _read(name: str, sources_dir: Path) -> pd.DataFrame:
    path = sources_dir / SOURCE_FILES[name]
    sep = "\t" if path.suffix == ".tsv" else ","
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8")


# ---------------------------------------------------------------- readers


def read_ctgov_full(sources_dir: Path = SOURCES_DIR) -> list[dict]:
    """Full-study records (base table). Exact duplicate rows (one NCT id appears twice) collapse to one."""
    df = _read("ctgov_full_2022-10", sources_dir).drop_duplicates()
    detail = {nct: " ".join(rec.get("DetailedDescription", [])) for nct, rec in read_full_records(sources_dir).items()}
    out = []
    for r in df.to_dict("records"):
        enr_type = r["EnrollmentType"].strip().lower()
        out.append(
            _record(
                id=r["NCTId"].strip(),
                source="ctgov_full_2022-10",
                linked_ids=_not_nct(ids_in_text(r["SecondaryId"] + " | " + r["OrgStudyId"])),
                acronym=r["Acronym"],
                study_type=r["StudyType"],
                title=r["BriefTitle"],
                official_title=r["OfficialTitle"],
                conditions=_pipe(r["Condition"]),
                mesh_terms=_pipe(r["ConditionMeshTerm"]),
                keywords=_pipe(r["Keyword"]),
                interventions=_pipe(r["InterventionName"]),
                intervention_types=_pipe(r["InterventionType"]),
                intervention_descriptions=_pipe(r["InterventionDescription"]),
                arm_labels=_pipe(r["ArmGroupLabel"]),
                arm_descriptions=_pipe(r["ArmGroupDescription"]),
                summary=r["BriefSummary"],
                detailed_description=detail.get(r["NCTId"].strip(), ""),
                phase=norm_phase(r["Phase"]),
                status=norm_status(r["OverallStatus"]),
                enrollment=norm_enrollment(r["EnrollmentCount"]),
                enrollment_type=enr_type if enr_type in ("actual", "anticipated") else UNKNOWN,
                start_date=iso_date(r["StartDate"]),
                first_posted=iso_date(r["StudyFirstPostDate"]),
                last_update_posted=iso_date(r["LastUpdatePostDate"]),
                sponsor=r["LeadSponsorName"].strip(),
                sponsor_class=SPONSOR_CLASS_MAP.get(r["LeadSponsorClass"], UNKNOWN),
                countries_raw=[c.strip() for c in r["LocationCountry"].split("|") if c.strip()],
            )
        )
    return out


def read_ctgov_classic(name: str, sources_dir: Path = SOURCES_DIR) -> list[dict]:
    """ClinicalTrials.gov classic CSV/TSV exports (the 2022 MSC search and the 2020 COVID-19 downloads)."""
    df = _read(name, sources_dir)
    out = []
    for r in df.to_dict("records"):
        funded = r["Funded Bys"].split("|")[0].strip()
        out.append(
            _record(
                id=r["NCT Number"].strip(),
                source=name,
                linked_ids=_not_nct(ids_in_text(r["Other IDs"])),
                acronym=r["Acronym"],
                study_type=r["Study Type"],
                title=r["Title"],
                conditions=_pipe(r["Conditions"]),
                interventions=_pipe(r["Interventions"]),
                intervention_types=intervention_types(r["Interventions"]),
                phase=norm_phase(r["Phases"]),
                status=norm_status(r["Status"]),
                enrollment=norm_enrollment(r["Enrollment"]),
                start_date=iso_date(r["Start Date"]),
                first_posted=iso_date(r["First Posted"]),
                last_update_posted=iso_date(r["Last Update Posted"]),
                sponsor=r["Sponsor/Collaborators"].split("|")[0].strip(),
                sponsor_class=_FUNDED_BY_MAP.get(funded, UNKNOWN),
                countries_raw=split_location_countries(r["Locations"]),
            )
        )
    return out


def read_ictrp(sources_dir: Path = SOURCES_DIR) -> list[dict]:
    """WHO ICTRP COVID-19 export (all registries). Countries are ';'-separated; enrollment is the target size."""
    df = _read("ictrp_2020-07-07", sources_dir)
    out = []
    for r in df.to_dict("records"):
        enrollment = norm_enrollment(r["Target size"])
        title = re.sub(r"\s+", " ", r["Public title"]).strip()
        # ChiCTR marks withdrawn registrations by prefixing the title with "Cancelled by the investigator".
        cancelled = title.lower().startswith("cancelled by the investigator")
        out.append(
            _record(
                id=r["TrialID"].strip(),
                source="ictrp_2020-07-07",
                acronym=r["Acronym"],
                study_type=r["Study type"],
                title=title,
                official_title=r["Scientific title"],
                conditions=r["Condition"].strip(),
                interventions=r["Intervention"].strip(),
                phase=norm_phase(r["Phase"]),
                status="withdrawn" if cancelled else norm_status(r["Recruitment Status"]),
                enrollment=enrollment,
                enrollment_type="anticipated" if enrollment is not None else UNKNOWN,
                start_date=iso_date(r["Date enrollement"]),
                first_posted=iso_date(r["Date registration"]),
                sponsor=r["Primary sponsor"].strip(),
                countries_raw=[c.strip() for c in r["Countries"].split(";") if c.strip()],
            )
        )
    return out


def read_ebmdatalab(name: str, sources_dir: Path = SOURCES_DIR) -> list[dict]:
    """COVID-19 TrialsTracker lists: cleaned countries (', '-separated), normalised sponsor, intervention class."""
    df = _read(name, sources_dir)
    out = []
    for r in df.to_dict("records"):
        cross = r["cross_registrations"].strip()
        enrollment = norm_enrollment(r["target_enrollment"])
        out.append(
            _record(
                id=r["trialid"].strip(),
                source=name,
                linked_ids=[] if cross in ("", "None") else ids_in_text(cross) or [cross],
                acronym=r.get("acronym", ""),
                study_type=r["study_type"],
                title=r["public_title"],
                intervention_class=r["intervention"].strip(),
                phase=norm_phase(r["phase"]),
                status=norm_status(r["recruitment_status"]),
                enrollment=enrollment,
                enrollment_type="anticipated" if enrollment is not None else UNKNOWN,
                start_date=iso_date(r["date_enrollement"]),
                first_posted=iso_date(r["date_registration"]),
                sponsor=r["normed_spon_names"].strip(),
                countries_raw=[c.strip() for c in r["countries"].split(",") if c.strip()],
            )
        )
    return out


def read_all_registry_records(sources_dir: Path = SOURCES_DIR) -> list[dict]:
    """All source rows, in SOURCE_ORDER."""
    recs = read_ctgov_full(sources_dir)
    recs += read_ctgov_classic("ctgov_search_2022-09-29", sources_dir)
    recs += read_ctgov_classic("ctgov_covid_2020-10-12", sources_dir)
    recs += read_ctgov_classic("ctgov_covid_2020-06-30", sources_dir)
    recs += read_ebmdatalab("ebmdatalab_2020-12-16", sources_dir)
    recs += read_ictrp(sources_dir)
    recs += read_ebmdatalab("ebmdatalab_2020-06-29", sources_dir)
    for rec in recs:
        if registry_of(rec["id"]) is None:
            raise ValueError(f"{rec['source']}: trial ID fails validation: {rec['id']!r}")
    return recs


def rows_read(sources_dir: Path = SOURCES_DIR) -> dict[str, int]:
    """Data rows of every bundled file as read, exact duplicates included (the record flow counts them)."""
    return {name: len(_read(name, sources_dir)) for name in SOURCE_FILES}


def read_published_facts(sources_dir: Path = SOURCES_DIR) -> pd.DataFrame:
    return pd.read_csv(sources_dir / PUBLISHED_FILE, dtype=str, keep_default_na=False, encoding="utf-8")


FULL_RECORDS = "raw/ctgov_msc_full_records_2022-10.jsonl.gz"


def read_full_records(sources_dir: Path = SOURCES_DIR) -> dict[str, dict[str, list[str]]]:
    """NCT ID -> every field of its ClinicalTrials.gov full record (legacy API, Oct 2022), each a list of strings.

    Parallel lists belong together by index (ArmGroupLabel[i] / ArmGroupType[i] / ArmGroupDescription[i];
    ReferencePMID[i] / ReferenceType[i] / ReferenceCitation[i]); sources/README.md section 1g.
    """
    import gzip
    import json

    path = sources_dir / FULL_RECORDS
    if not path.exists():
        return {}
    out: dict[str, dict[str, list[str]]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out[rec["NCTId"][0]] = rec
    return out
