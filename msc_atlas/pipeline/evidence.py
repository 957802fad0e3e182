"""The evidence layer: design, eligibility, outcomes, completion, stopping and results of each trial.

Read by code from the registry's own structured fields, never guessed:
- ClinicalTrials.gov trials from their full records (sources/raw/ctgov_msc_full_records_2022-10.jsonl.gz, legacy
  API field names; a refresh's API v2 studies are turned into the same names by `from_api_v2`);
- trials of other registries from their WHO ICTRP row (design text, ages, sex, primary outcome) and their COVID-19
  TrialsTracker row (completion date, results type, date and link).

Every value comes with the registry phrase it was read from; a field the source leaves out is `unknown`. "No
results" means none found in the snapshot the values come from (`evidence_source` names it, with its date).
Pure functions over dicts and frames; the build (msc_atlas.pipeline.build) calls `derive`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from msc_atlas import vocab
from msc_atlas.pipeline.sources import SOURCE_AS_OF, iso_date
from msc_atlas.vocab import UNKNOWN

FULL_SOURCE = "ctgov_full_2022-10"  # the full records are the same Oct 2022 snapshot as the flat full-studies file
TRACKER_SOURCE = "ebmdatalab_2020-12-16"
ICTRP_SOURCE = "ictrp_2020-07-07"

EVIDENCE_COLUMNS = [
    "allocation",
    "allocation_evidence",
    "intervention_model",
    "masking",
    "masking_evidence",
    "blinding",
    "control",
    "control_evidence",
    "controlled",
    "age_groups",
    "age_evidence",
    "sex",
    "healthy_volunteers",
    "primary_outcomes",
    "primary_completion_date",
    "primary_completion_type",
    "completion_date",
    "completion_type",
    "stop_reason",
    "why_stopped",
    "results_posted",
    "results_url",
    "publications_result",
    "publications_derived",
    "reporting",
    "reporting_evidence",
    "has_results",
    "evidence_source",
]
from msc_atlas.data import PUBLICATION_COLUMNS  # noqa: E402 - the columns the app reads back

PHRASE_SEP = " · "
SNAPSHOT_KEY = "_snapshot"  # in a refresh's full record: ["<source> as of <date>"]
OUTCOME_SEP = " | "

_ALLOCATION = {"randomized": "randomised", "non-randomized": "non_randomised", "n/a": "single_group"}
_MODEL = {
    "parallel assignment": "parallel",
    "single group assignment": "single_group",
    "crossover assignment": "crossover",
    "sequential assignment": "sequential",
    "factorial assignment": "factorial",
}
_MASKING = {
    "none (open label)": "none",
    "single": "single",
    "double": "double",
    "triple": "triple",
    "quadruple": "quadruple",
}
_ARM_CONTROLS = {
    "placebo comparator": "placebo",
    "sham comparator": "sham",
    "active comparator": "active",
    "no intervention": "no_intervention",
}
_AGES = {"child": "child", "adult": "adult", "older adult": "older_adult"}
_SEX = {"all": "all", "both": "all", "female": "female", "male": "male"}
_YES_NO = {"accepts healthy volunteers": "yes", "yes": "yes", "no": "no"}
_DATE_TYPES = {"actual": "actual", "anticipated": "anticipated", "estimated": "anticipated"}
CONTROL_ARMS = ("placebo", "sham", "active", "no_intervention")

# Why a trial stopped, in a few categories; the registry's own words are kept beside them (`why_stopped`).
STOP_PATTERNS = {
    "covid19": r"covid|corona|pandemic|sars-cov",
    "recruitment": r"recruit|enrol|enrol|accru|no (?:eligible )?(?:patients|participants|subjects)|"
    r"lack of (?:patients|participants|subjects)|eligible (?:patients|participants)",
    "funding": r"fund|financ|budget|money|grant",
    "sponsor_decision": r"sponsor|business|strateg|commercial|company|portfolio|decision|priorit|management",
    "safety": r"safety|adverse|toxicit|death|died|serious",
}


def _iso(text: str) -> str:
    """A registry date as ISO: "March 2021" / "2021-03" -> "2021-03", "June 30, 2021" -> "2021-06-30"."""
    text = (text or "").strip()
    return text if re.fullmatch(r"\d{4}-\d{2}", text) else iso_date(text)


def _first(rec: Mapping[str, Sequence[str]], key: str) -> str:
    values = rec.get(key) or []
    return str(values[0]).strip() if values else ""


def _phrase(*parts: tuple[str, str]) -> str:
    """ "DesignAllocation: Randomized · DesignInterventionModel: Parallel Assignment" from (name, value) pairs."""
    return PHRASE_SEP.join(f"{name}: {value}" for name, value in parts if value)


def stop_reasons(text: str) -> list[str]:
    """Categories of a why-stopped text (several can hold); "other" for a reason none names; [] for no text."""
    t = (text or "").lower()
    if not t.strip():
        return []
    found = [reason for reason, pattern in STOP_PATTERNS.items() if re.search(pattern, t)]
    return found or ["other"]


def blinding(masking: str) -> str:
    """open_label for no masking, blinded for any (single to quadruple), unknown when not stated."""
    return {"none": "open_label", UNKNOWN: UNKNOWN}.get(masking, "blinded")


def controlled(control: str) -> str:
    """uncontrolled when no arm is a comparator, controlled for any comparator, unknown when not stated."""
    return {"none": "uncontrolled", UNKNOWN: UNKNOWN}.get(control, "controlled")


def _ages_from_bounds(low: float | None, high: float | None) -> list[str]:
    """Age groups a [low, high] years range (open ends allowed) overlaps: child < 18, adult 18-64, older adult 65+."""
    low = 0.0 if low is None else low
    high = 200.0 if high is None else high
    groups = []
    if low < 18:
        groups.append("child")
    if low < 65 and high >= 18:
        groups.append("adult")
    if high >= 65:
        groups.append("older_adult")
    return groups


def _years(text: str) -> float | None:
    """ "18 Years" / "6 Months" / "18" -> years; None for an empty or unreadable value ("N/A", "no limit")."""
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)", (text or "").lower())
    if not m:
        return None
    n, unit = float(m.group(1)), m.group(2)
    if unit.startswith("month"):
        return n / 12
    if unit.startswith("week"):
        return n / 52
    if unit.startswith("day"):
        return n / 365
    return n


def _outcomes(measures: Sequence[str], time_frames: Sequence[str]) -> str:
    frames = list(time_frames) if len(time_frames) == len(measures) else [""] * len(measures)
    parts = []
    for measure, frame in zip(measures, frames):
        measure = re.sub(r"\s+", " ", measure).strip()
        frame = re.sub(r"\s+", " ", frame).strip()
        if measure:
            parts.append(f"{measure} [{frame}]" if frame else measure)
    return OUTCOME_SEP.join(parts)


def _normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def publications(nct: str, rec: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """One row per reference of a full record: PMID (when the record pairs it), type, citation, and the retraction
    notice that concerns it (a notice is tied to the reference whose citation says "Retraction in: <source>").

    The legacy API drops empty values from each list, so a record whose PMID list is shorter than its reference
    list cannot say which reference a PMID belongs to: there the PMIDs are left unpaired (empty), not guessed.
    """
    types = list(rec.get("ReferenceType") or [])
    citations = list(rec.get("ReferenceCitation") or [])
    pmids = list(rec.get("ReferencePMID") or [])
    if len(citations) != len(types):
        citations = (citations + [""] * len(types))[: len(types)]
    paired = len(pmids) == len(types)
    notices = list(zip(rec.get("RetractionPMID") or [], rec.get("RetractionSource") or []))
    rows = []
    for i, (kind, citation) in enumerate(zip(types, citations)):
        citation = _normalise_space(citation)
        notice_pmid = notice_source = ""
        for pmid, source in notices:
            if source and "Retraction in:" in citation and _normalise_space(source) in citation:
                notice_pmid, notice_source = pmid, _normalise_space(source)
        rows.append(
            {
                "trial_id": nct,
                "pmid": pmids[i] if paired else "",
                "type": kind.strip().lower(),
                "citation": citation,
                "retraction_pmid": notice_pmid,
                "retraction_source": notice_source,
            }
        )
    return rows


def _reporting(posted: bool, n_result: int, n_derived: int) -> list[str]:
    found = [
        name
        for name, holds in (
            ("posted", posted),
            ("result_publication", n_result > 0),
            ("derived_publication", n_derived > 0),
        )
        if holds
    ]
    return found or ["none_found"]


def _snapshot(source: str) -> str:
    return f"{source} as of {SOURCE_AS_OF.get(source, '')}".strip()


def from_full_record(nct: str, rec: Mapping[str, Sequence[str]], source: str = FULL_SOURCE) -> dict[str, Any]:
    """Evidence columns of one ClinicalTrials.gov trial from its full record (legacy API field names)."""
    out: dict[str, Any] = {}
    allocation_text = _first(rec, "DesignAllocation")
    model_text = _first(rec, "DesignInterventionModel")
    out["allocation"] = _ALLOCATION.get(allocation_text.lower(), UNKNOWN)
    if out["allocation"] == UNKNOWN and model_text.lower() == "single group assignment":
        out["allocation"] = "single_group"  # no allocation stated, one group: nothing to allocate
    out["allocation_evidence"] = _phrase(("Allocation", allocation_text), ("Intervention model", model_text))
    out["intervention_model"] = _MODEL.get(model_text.lower(), UNKNOWN)

    masking_text = _first(rec, "DesignMasking")
    out["masking"] = _MASKING.get(masking_text.lower(), UNKNOWN)
    who = ", ".join(rec.get("DesignWhoMasked") or [])
    out["masking_evidence"] = _phrase(("Masking", masking_text), ("Masked", who))
    out["blinding"] = blinding(out["masking"])

    arm_types = [t.strip() for t in rec.get("ArmGroupType") or []]
    arm_labels = list(rec.get("ArmGroupLabel") or [])
    labels = arm_labels if len(arm_labels) == len(arm_types) else [""] * len(arm_types)
    controls = sorted(
        {_ARM_CONTROLS[t.lower()] for t in arm_types if t.lower() in _ARM_CONTROLS}, key=CONTROL_ARMS.index
    )
    if controls:
        out["control"] = vocab.MULTI_SEP.join(controls)
    elif arm_types or out["intervention_model"] == "single_group":
        out["control"] = "none"  # every arm is experimental (or other), or one group only
    else:
        out["control"] = UNKNOWN
    out["control_evidence"] = "; ".join(
        f"{kind}: {_normalise_space(label)}" if label else kind for kind, label in zip(arm_types, labels)
    ) or (f"Intervention model: {model_text}" if out["control"] == "none" else "")
    out["controlled"] = controlled(out["control"])

    std_ages = [_AGES[a.strip().lower()] for a in rec.get("StdAge") or [] if a.strip().lower() in _AGES]
    low, high = _first(rec, "MinimumAge"), _first(rec, "MaximumAge")
    if std_ages:
        out["age_groups"] = vocab.MULTI_SEP.join(a for a in _AGES.values() if a in std_ages)
    elif low or high:
        out["age_groups"] = vocab.MULTI_SEP.join(_ages_from_bounds(_years(low), _years(high)))
    else:
        out["age_groups"] = UNKNOWN
    out["age_evidence"] = (
        _phrase(("Minimum age", low or "none"), ("Maximum age", high or "none")) if (low or high) else ""
    )
    out["sex"] = _SEX.get(_first(rec, "Gender").lower(), UNKNOWN)
    out["healthy_volunteers"] = _YES_NO.get(_first(rec, "HealthyVolunteers").lower(), UNKNOWN)
    out["primary_outcomes"] = _outcomes(
        rec.get("PrimaryOutcomeMeasure") or [], rec.get("PrimaryOutcomeTimeFrame") or []
    )

    out["primary_completion_date"] = _iso(_first(rec, "PrimaryCompletionDate"))
    out["primary_completion_type"] = _date_type(rec, "PrimaryCompletionDateType", out["primary_completion_date"])
    out["completion_date"] = _iso(_first(rec, "CompletionDate"))
    out["completion_type"] = _date_type(rec, "CompletionDateType", out["completion_date"])
    why = _normalise_space(" ".join(rec.get("WhyStopped") or []))
    out["why_stopped"] = why
    out["stop_reason"] = vocab.MULTI_SEP.join(stop_reasons(why))

    posted = _iso(_first(rec, "ResultsFirstPostDate"))
    out["results_posted"] = posted
    out["results_url"] = f"https://clinicaltrials.gov/study/{nct}?tab=results" if posted else ""
    types = [t.strip().lower() for t in rec.get("ReferenceType") or []]
    out["publications_result"] = types.count("result")
    out["publications_derived"] = types.count("derived")
    found = _reporting(bool(posted), out["publications_result"], out["publications_derived"])
    out["reporting"] = vocab.MULTI_SEP.join(found)
    out["reporting_evidence"] = _phrase(
        ("Results first posted", _first(rec, "ResultsFirstPostDate")),
        ("References", ", ".join(f"{types.count(t)} {t}" for t in ("result", "derived", "background") if t in types)),
    )
    out["has_results"] = "none_found" if found == ["none_found"] else "reported"
    snapshot = rec.get(SNAPSHOT_KEY) or [_snapshot(source)]  # a refresh's record names its own snapshot
    out["evidence_source"] = snapshot[0]
    return out


def _date_type(rec: Mapping[str, Sequence[str]], key: str, date: str) -> str:
    if not date:
        return UNKNOWN
    return _DATE_TYPES.get(_first(rec, key).lower(), UNKNOWN)


def _design_from_text(design: str) -> dict[str, str]:
    """Allocation, masking, model and control from an ICTRP "Study design" text (CT.gov, IRCT, EU-CTR and ChiCTR
    wordings); what the text does not say stays unknown."""
    t = design.lower()
    out = {"allocation": UNKNOWN, "masking": UNKNOWN, "intervention_model": UNKNOWN, "control": UNKNOWN}
    m = re.search(r"allocation:\s*([a-z/\-]+)", t)
    if m:
        out["allocation"] = _ALLOCATION.get(m.group(1).rstrip("."), UNKNOWN)
    elif re.search(r"randomi[sz]ation:\s*not randomi|non[- ]randomi[sz]ed|randomi[sz]ed:\s*no", t):
        out["allocation"] = "non_randomised"
    elif re.search(r"randomi[sz]ation:\s*randomi|randomi[sz]ed:\s*yes|\brandomi[sz]ed\b", t):
        out["allocation"] = "randomised"
    elif re.search(r"single arm|single group", t):
        out["allocation"] = "single_group"
    m = re.search(r"masking:\s*(none \(open label\)|single|double|triple|quadruple)", t)
    if m:
        out["masking"] = _MASKING[m.group(1)]
    elif re.search(r"blinding:\s*not blinded|open:\s*yes|open[- ]label", t):
        out["masking"] = "none"
    elif re.search(r"double blind:\s*yes|blinding:\s*double|double[- ]blind", t):
        out["masking"] = "double"
    elif re.search(r"single blind:\s*yes|blinding:\s*single|single[- ]blind", t):
        out["masking"] = "single"
    for model_text, model in (
        ("parallel", "parallel"),
        ("single group", "single_group"),
        ("single arm", "single_group"),
        ("sequential", "sequential"),
        ("crossover", "crossover"),
        ("cross over: yes", "crossover"),
        ("factorial", "factorial"),
    ):
        if model_text in t:
            out["intervention_model"] = model
            break
    if re.search(r"placebo:\s*(yes|used)", t):
        out["control"] = "placebo"
    elif (
        re.search(r"placebo:\s*(no|not used)", t)
        and re.search(r"other:\s*yes|comparator", t)
        and "controlled: yes" in t
    ):
        out["control"] = "active"
    elif re.search(r"controlled:\s*no", t) or out["allocation"] == "single_group":
        out["control"] = "none"
    return out


def from_ictrp(row: Mapping[str, str]) -> dict[str, Any]:
    """Design, ages, sex and primary outcome of a trial of another registry from its WHO ICTRP row."""
    design = _normalise_space(row.get("Study design", ""))
    parsed = _design_from_text(design)
    out: dict[str, Any] = dict(parsed)
    phrase = _phrase(("Study design", design[:300]))
    out["allocation_evidence"] = phrase if parsed["allocation"] != UNKNOWN else ""
    out["masking_evidence"] = phrase if parsed["masking"] != UNKNOWN else ""
    out["control_evidence"] = phrase if parsed["control"] != UNKNOWN else ""
    out["blinding"] = blinding(parsed["masking"])
    out["controlled"] = controlled(parsed["control"])
    low, high = row.get("Inclusion agemin", "").strip(), row.get("Inclusion agemax", "").strip()
    low_years, high_years = _years(low), _years(high)
    if low_years is None and high_years is None:
        out["age_groups"], out["age_evidence"] = UNKNOWN, ""
    else:
        out["age_groups"] = vocab.MULTI_SEP.join(_ages_from_bounds(low_years, high_years))
        out["age_evidence"] = _phrase(("Inclusion agemin", low or "none"), ("Inclusion agemax", high or "none"))
    out["sex"] = _SEX.get(row.get("Inclusion gender", "").strip().lower(), UNKNOWN)
    out["primary_outcomes"] = OUTCOME_SEP.join(
        _normalise_space(part) for part in row.get("Primary outcome", "").split(";") if part.strip()
    )
    return out


def from_tracker(row: Mapping[str, str]) -> dict[str, Any]:
    """Completion and results of a COVID-19 trial of another registry from its TrialsTracker row (Dec 2020)."""
    out: dict[str, Any] = {}
    out["primary_completion_date"] = _iso(row.get("primary_completion_date", ""))
    out["primary_completion_type"] = UNKNOWN
    out["completion_date"] = _iso(row.get("full_completion_date", ""))
    out["completion_type"] = UNKNOWN  # the tracker does not say whether a date is actual or anticipated
    kind = row.get("results_type", "").strip()
    link = row.get("results_link", "").strip()
    date = _iso(row.get("results_publication_date", ""))
    posted = kind == "Registry Results"
    published = kind == "Journal Article"
    out["results_posted"] = date if posted else ""
    out["results_url"] = link if (posted or published) and link.startswith("http") else ""
    out["publications_result"] = 1 if published else 0
    out["publications_derived"] = 0
    found = _reporting(posted, out["publications_result"], 0)
    out["reporting"] = vocab.MULTI_SEP.join(found)
    out["reporting_evidence"] = _phrase(
        ("results_type", kind), ("results_publication_date", date), ("results_link", link)
    )
    out["has_results"] = "none_found" if found == ["none_found"] else "reported"
    out["evidence_source"] = _snapshot(TRACKER_SOURCE)
    return out


def empty() -> dict[str, Any]:
    """Every evidence column as "not reported": a trial no source describes."""
    out: dict[str, Any] = dict.fromkeys(EVIDENCE_COLUMNS, "")
    for column in (
        "allocation",
        "intervention_model",
        "masking",
        "blinding",
        "control",
        "controlled",
        "age_groups",
        "sex",
        "healthy_volunteers",
        "primary_completion_type",
        "completion_type",
        "reporting",
        "has_results",
    ):
        out[column] = UNKNOWN
    out["publications_result"] = out["publications_derived"] = None
    return out


def trial_evidence(
    ids: Iterable[str],
    full_records: Mapping[str, Mapping[str, Sequence[str]]],
    ictrp: Mapping[str, Mapping[str, str]],
    tracker: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    """The evidence columns of a trial known by `ids` (its primary ID first): its ClinicalTrials.gov full record
    when there is one; else its ICTRP row for design and its TrialsTracker row for completion and results."""
    ids = [i for i in ids if i]
    for trial_id in ids:
        if trial_id in full_records:
            return {**empty(), **from_full_record(trial_id, full_records[trial_id])}
    out = empty()
    ictrp_row = next((ictrp[i] for i in ids if i in ictrp), None)
    tracker_row = next((tracker[i] for i in ids if i in tracker), None)
    snapshots = []
    if ictrp_row is not None:  # design, ages, sex, primary outcome
        out.update(from_ictrp(ictrp_row))
        snapshots.append(_snapshot(ICTRP_SOURCE))
    if tracker_row is not None:  # completion and results (the ICTRP row says nothing of them)
        out.update(from_tracker(tracker_row))
        snapshots.append(_snapshot(TRACKER_SOURCE))
    out["evidence_source"] = vocab.MULTI_SEP.join(snapshots)
    return out


def derive(
    trials: pd.DataFrame,
    full_records: Mapping[str, Mapping[str, Sequence[str]]],
    ictrp_rows: Iterable[Mapping[str, str]],
    tracker_rows: Iterable[Mapping[str, str]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(evidence columns aligned with `trials`' index, publications of the trials with a full record)."""
    ictrp = {row["TrialID"].strip(): row for row in ictrp_rows}
    tracker = {row["trialid"].strip(): row for row in tracker_rows}
    rows, pubs = [], []
    for trial_id, other_ids in zip(trials["trial_id"], trials["other_ids"]):
        ids = [trial_id, *str(other_ids or "").split(vocab.MULTI_SEP)]
        rows.append(trial_evidence(ids, full_records, ictrp, tracker))
        nct = next((i for i in ids if i in full_records), None)
        if nct is not None:
            pubs += [{**pub, "trial_id": trial_id} for pub in publications(nct, full_records[nct])]
    evidence = pd.DataFrame(rows, index=trials.index, columns=EVIDENCE_COLUMNS)
    for column in ("publications_result", "publications_derived"):  # "" when no source lists references
        evidence[column] = ["" if n is None or n != n else str(int(n)) for n in evidence[column]]
    return evidence, pd.DataFrame(pubs, columns=PUBLICATION_COLUMNS)


def _v2_word(value: Any) -> str:
    """ "PLACEBO_COMPARATOR" -> "Placebo Comparator" (the legacy API's wording of an API v2 enum)."""
    return str(value or "").replace("_", " ").title().strip()


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _dicts(obj: Any, path: str) -> list[dict]:
    value = _get(obj, path)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def from_api_v2(study: Mapping[str, Any]) -> dict[str, list[str]]:
    """The fields `from_full_record` reads, in legacy API names, out of one API v2 study (a refresh's record).
    A missing or malformed part is left out, so its values read as not reported."""
    ps = study.get("protocolSection") if isinstance(study, dict) else None
    if not isinstance(ps, dict):
        return {}
    design = _get(ps, "designModule.designInfo") or {}
    allocation = {"RANDOMIZED": "Randomized", "NON_RANDOMIZED": "Non-Randomized", "NA": "N/A"}
    masking = _get(design, "maskingInfo.masking")
    rec: dict[str, list[str]] = {
        "DesignAllocation": [allocation.get(str(design.get("allocation")), "")] if isinstance(design, dict) else [],
        "DesignInterventionModel": [_v2_word(design.get("interventionModel")) + " Assignment"]
        if isinstance(design, dict) and design.get("interventionModel")
        else [],
        "DesignMasking": ["None (Open Label)" if masking == "NONE" else _v2_word(masking)] if masking else [],
        "DesignWhoMasked": [_v2_word(w) for w in _get(design, "maskingInfo.whoMasked") or [] if isinstance(w, str)],
    }
    arms = _dicts(ps, "armsInterventionsModule.armGroups")
    rec["ArmGroupType"] = [_v2_word(a.get("type")) for a in arms]
    rec["ArmGroupLabel"] = [str(a.get("label") or "") for a in arms]
    found = ps.get("eligibilityModule")
    eligibility: dict[str, Any] = found if isinstance(found, dict) else {}
    rec["MinimumAge"] = [str(eligibility["minimumAge"])] if eligibility.get("minimumAge") else []
    rec["MaximumAge"] = [str(eligibility["maximumAge"])] if eligibility.get("maximumAge") else []
    rec["StdAge"] = [_v2_word(a) for a in eligibility.get("stdAges") or [] if isinstance(a, str)]
    rec["Gender"] = [_v2_word(eligibility["sex"])] if eligibility.get("sex") else []
    healthy = eligibility.get("healthyVolunteers")
    rec["HealthyVolunteers"] = [] if healthy is None else ["Accepts Healthy Volunteers" if healthy else "No"]
    outcomes = _dicts(ps, "outcomesModule.primaryOutcomes")
    rec["PrimaryOutcomeMeasure"] = [str(o.get("measure") or "") for o in outcomes]
    rec["PrimaryOutcomeTimeFrame"] = [str(o.get("timeFrame") or "") for o in outcomes]
    date_types = {"ACTUAL": "Actual", "ESTIMATED": "Anticipated", "ANTICIPATED": "Anticipated"}
    for name, struct in (
        ("PrimaryCompletionDate", "primaryCompletionDateStruct"),
        ("CompletionDate", "completionDateStruct"),
    ):
        date = _get(ps, f"statusModule.{struct}.date")
        rec[name] = [str(date)] if date else []
        rec[f"{name}Type"] = [date_types.get(str(_get(ps, f"statusModule.{struct}.type")), "")] if date else []
    why = _get(ps, "statusModule.whyStopped")
    rec["WhyStopped"] = [str(why)] if why else []
    posted = _get(ps, "statusModule.resultsFirstPostDateStruct.date")
    rec["ResultsFirstPostDate"] = [str(posted)] if posted else []
    references = _dicts(ps, "referencesModule.references")
    rec["ReferencePMID"] = [str(r.get("pmid") or "") for r in references]
    rec["ReferenceType"] = [str(r.get("type") or "").lower() for r in references]
    citations, notices, sources = [], [], []
    for r in references:
        citation = str(r.get("citation") or "")
        for retraction in r.get("retractions") or []:
            if isinstance(retraction, dict) and retraction.get("source"):
                notices.append(str(retraction.get("pmid") or ""))
                sources.append(str(retraction["source"]))
                if "Retraction in:" not in citation:  # ties the notice to its reference, as legacy citations do
                    citation = f"{citation} Retraction in: {retraction['source']}"
        citations.append(citation)
    rec["ReferenceCitation"], rec["RetractionPMID"], rec["RetractionSource"] = citations, notices, sources
    return {key: value for key, value in rec.items() if value}
