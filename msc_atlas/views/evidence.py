"""The Evidence page for a filter state: how far the trials got, how they are designed, what came of them.

Counted from the evidence columns (msc_atlas.pipeline.evidence) of the kept rows. Every share comes with its
numerator and denominator; a value the registry leaves out is left out of the denominator and counted as "not
reported". "No results" means none found in the snapshot the trial's values come from, never "none exist".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from msc_atlas import cache, evidence_charts, fields, vocab
from msc_atlas.filters import FilterState
from msc_atlas.selection import trial_index
from msc_atlas.views.common import CACHE_SIZE, figure_dict

STOPPED = ("terminated", "withdrawn", "suspended")
DUE_AFTER_DAYS = 365  # results are due a year after (primary) completion (US FDAAA 801); sooner is not "silent"
YEAR_BINS = (  # (label, lowest years since completion, below this)
    ("Under 1 year (not due)", 0.0, 1.0),
    ("1–2 years", 1.0, 2.0),
    ("2–3 years", 2.0, 3.0),
    ("3–5 years", 3.0, 5.0),
    ("5–10 years", 5.0, 10.0),
    ("10 years or more", 10.0, 1000.0),
)
NO_DATE = "Completion date not reported"
ENROLLMENT_BINS = ((1, 10), (11, 20), (21, 50), (51, 100), (101, 200), (201, 500), (501, 10**9))
LARGEST_RCTS = 15
GAP_COUNTRIES = 15
DESIGN_MEASURES = {  # name -> (column, value that counts, label)
    "randomised": ("allocation", "randomised", "Randomised"),
    "blinded": ("blinding", "blinded", "Blinded"),
    "controlled": ("controlled", "controlled", "Controlled"),
}


def snapshot_date(evidence_source: str) -> str:
    """The date of the snapshot a trial's results fields come from: the last `as of` of its evidence_source cell
    (for a trial of another registry, the TrialsTracker row that carries results comes last)."""
    dates = fields.snapshot_dates(evidence_source)
    return dates[-1] if dates else ""


def _date(iso: str) -> dt.date | None:
    """A date from "YYYY-MM-DD" or "YYYY-MM" (the middle of the month), None when empty or unreadable."""
    try:
        if len(iso) == 7:
            return dt.date.fromisoformat(iso + "-15")
        return dt.date.fromisoformat(iso[:10])
    except (TypeError, ValueError):
        return None


def years_since_completion(row: Any) -> float | None:
    """Years from the trial's (primary) completion to its snapshot: primary completion first (results fall due a
    year after it), else study completion; None when neither date or the snapshot is known."""
    done = _date(row["primary_completion_date"]) or _date(row["completion_date"])
    seen = _date(snapshot_date(row["evidence_source"]))
    if done is None or seen is None:
        return None
    return max((seen - done).days, 0) / 365.25


def _year_bin(years: float | None) -> str:
    if years is None or years != years:  # None, or NaN once in a float column
        return NO_DATE
    return next(label for label, low, high in YEAR_BINS if low <= years < high)


def _share(hits: int, known: int) -> dict[str, Any]:
    return {"hits": hits, "known": known, "share": hits / known if known else None}


def design_share(frame: pd.DataFrame, measure: str) -> dict[str, Any]:
    """{hits, known, share} of one design measure: trials with the value among those whose value is reported."""
    column, value, _ = DESIGN_MEASURES[measure]
    known = frame[column] != vocab.UNKNOWN
    return _share(int((frame[column] == value).sum()), int(known.sum()))


def _has(frame: pd.DataFrame, value: str) -> pd.Series:
    return frame["reporting"].str.split(vocab.MULTI_SEP).map(lambda values: value in values)


def funnel(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Registered -> completed -> results posted / published, as (stage, trials, of what, filter to set)."""
    completed = frame[frame["status"] == "completed"]
    reported = completed["has_results"] == "reported"
    return [
        {"stage": "Registered", "short": "Registered", "n": len(frame), "of": None, "set": {}},
        {
            "stage": "Completed",
            "short": "Completed",
            "n": len(completed),
            "of": len(frame),
            "set": {"status": ["completed"]},
        },
        {
            "stage": "Completed, results posted on the registry",
            "short": "Completed:<br>results posted",
            "n": int(_has(completed, "posted").sum()),
            "of": len(completed),
            "set": {"status": ["completed"], "results": ["reported"]},
        },
        {
            "stage": "Completed, a results publication listed",
            "short": "Completed:<br>results publication",
            "n": int(_has(completed, "result_publication").sum()),
            "of": len(completed),
            "set": {"status": ["completed"], "results": ["reported"]},
        },
        {
            "stage": "Completed, results posted or any publication",
            "short": "Completed: posted<br>or any publication",
            "n": int(reported.sum()),
            "of": len(completed),
            "set": {"status": ["completed"], "results": ["reported"]},
        },
    ]


def design_by_phase(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per phase present (vocabulary order): its trials and the randomised, blinded and controlled shares."""
    rows = []
    for phase, label in vocab.PHASES.items():
        in_phase = frame[frame["phase"] == phase]
        if len(in_phase):
            rows.append(
                {
                    "phase": phase,
                    "label": label,
                    "n": len(in_phase),
                    **{measure: design_share(in_phase, measure) for measure in DESIGN_MEASURES},
                }
            )
    return rows


def _gap_rows(groups: pd.Series, results: pd.Series, order: list[str]) -> list[dict[str, Any]]:
    """(group, reported, silent, unknown) counts per group in `order`; groups and results are aligned by position
    (a multi-country trial repeats its row index once per country)."""
    table = pd.crosstab(groups.to_numpy(), results.to_numpy())
    rows = []
    for group in order:
        if group not in table.index:
            continue
        counts = table.loc[group]
        rows.append(
            {
                "group": group,
                "reported": int(counts.get("reported", 0)),
                "silent": int(counts.get("none_found", 0)),
                "unknown": int(counts.get(vocab.UNKNOWN, 0)),
            }
        )
    return rows


def reporting_gap(frame: pd.DataFrame) -> dict[str, Any]:
    """Completed trials with and without results, by years since completion; the sponsor-class and country views
    count only trials whose results were due (completed at least a year before their snapshot)."""
    completed = frame[frame["status"] == "completed"]
    years = completed.apply(years_since_completion, axis=1) if len(completed) else pd.Series(dtype=float)
    bins = years.map(_year_bin) if len(completed) else pd.Series(dtype=str)
    due = completed[(years >= DUE_AFTER_DAYS / 365.25).to_numpy(dtype=bool)] if len(completed) else completed
    by_years = _gap_rows(bins, completed["has_results"], [label for label, _, _ in YEAR_BINS] + [NO_DATE])
    sponsor = due["sponsor_class"].map(lambda key: vocab.label(vocab.SPONSOR_CLASSES, key))
    by_sponsor = _gap_rows(
        sponsor, due["has_results"], sorted(set(sponsor), key=lambda s: (s == vocab.NOT_REPORTED, s))
    )
    countries = due["countries"].str.split(vocab.MULTI_SEP).explode()
    countries = countries[countries.fillna("") != ""]
    top = countries.value_counts().head(GAP_COUNTRIES).index.tolist()
    by_country = _gap_rows(countries, due.loc[countries.index, "has_results"], top)
    for row in by_country:
        row["code"], row["group"] = row["group"], vocab.country_name(row["group"])
    silent_due = int((due["has_results"] == "none_found").sum())
    return {
        "completed": len(completed),
        "due": len(due),
        "silent_due": silent_due,
        "silent_share": silent_due / len(due) if len(due) else None,
        "by_years": by_years,
        "by_sponsor": by_sponsor,
        "by_country": by_country,
    }


def stopped(frame: pd.DataFrame) -> dict[str, Any]:
    """Terminated, withdrawn and suspended trials: how many per status and per stated reason (a trial can give
    several), with their registry words."""
    rows = frame[frame["status"].isin(STOPPED)]
    reasons = rows["stop_reason"].replace("", vocab.UNKNOWN).str.split(vocab.MULTI_SEP).explode()
    per_reason = reasons.value_counts()
    order = [key for key in vocab.STOP_REASONS if key in per_reason.index]
    order.sort(key=lambda key: (key == vocab.UNKNOWN, -per_reason[key]))
    return {
        "n": len(rows),
        "per_status": {status: int((rows["status"] == status).sum()) for status in STOPPED},
        "per_reason": [(key, int(per_reason[key])) for key in order],
        "trials": [
            (r["trial_id"], vocab.label(vocab.STATUSES, r["status"]), r["why_stopped"] or vocab.NOT_REPORTED)
            for r in rows[["trial_id", "status", "why_stopped"]].to_dict("records")
        ],
    }


def enrollment_of_completed(frame: pd.DataFrame) -> dict[str, Any]:
    """Actual enrollment of completed trials in size bins (planned sizes are left out: they are not outcomes)."""
    completed = frame[(frame["status"] == "completed") & (frame["enrollment_type"] == "actual")]
    sizes = pd.to_numeric(completed["enrollment"], errors="coerce").dropna()
    bins = [
        (f"{low}–{high}" if high < 10**9 else f"over {low - 1}", int(((sizes >= low) & (sizes <= high)).sum()))
        for low, high in ENROLLMENT_BINS
    ]
    return {
        "n": int(len(sizes)),
        "completed": int((frame["status"] == "completed").sum()),
        "median": float(sizes.median()) if len(sizes) else None,
        "bins": bins,
    }


def largest_rcts(frame: pd.DataFrame, limit: int = LARGEST_RCTS) -> list[dict[str, Any]]:
    """The largest randomised controlled trials by enrollment (actual or planned, as registered)."""
    rcts = frame[(frame["allocation"] == "randomised") & (frame["controlled"] == "controlled")].copy()
    rcts["size"] = pd.to_numeric(rcts["enrollment"], errors="coerce")
    rcts = rcts[rcts["size"].notna()].sort_values(["size", "trial_id"], ascending=[False, True]).head(limit)
    return [
        {
            "trial_id": r["trial_id"],
            "title": r["title"],
            "phase": vocab.label(vocab.PHASES, r["phase"]),
            "status": vocab.label(vocab.STATUSES, r["status"]),
            "enrollment": f"{int(r['size']):,} ({vocab.label(vocab.ENROLLMENT_TYPES, r['enrollment_type']).lower()})",
            "control": ", ".join(vocab.label(vocab.CONTROLS, c) for c in r["control"].split(vocab.MULTI_SEP)),
            "masking": vocab.label(vocab.MASKINGS, r["masking"]),
            "results": ", ".join(vocab.label(vocab.REPORTING, v) for v in r["reporting"].split(vocab.MULTI_SEP)),
        }
        for r in rcts.to_dict("records")
    ]


def snapshots(frame: pd.DataFrame) -> list[tuple[str, int]]:
    """(snapshot date, trials) of the results fields in view, newest first: what "none found" is as of."""
    dates = frame["evidence_source"].map(snapshot_date)
    counts = dates[dates != ""].value_counts()
    return sorted(((str(d), int(n)) for d, n in counts.items()), reverse=True)


@cache.results(maxsize=CACHE_SIZE)
def view(state: FilterState) -> dict[str, Any]:
    index = trial_index()
    frame = index.frame[index.mask(state)]
    scope = state.describe()
    if frame.empty:
        return {"empty": True, "scope": scope}
    design = {measure: design_share(frame, measure) for measure in DESIGN_MEASURES}
    stages = funnel(frame)
    phases = design_by_phase(frame)
    gap = reporting_gap(frame)
    stop = stopped(frame)
    sizes = enrollment_of_completed(frame)
    titles = {
        "funnel": f"From registration to results (trials) — {scope}",
        "design": f"Randomised, blinded and controlled, by phase — {scope}",
        "gap_years": f"Results of completed trials, by years since completion — {scope}",
        "gap_sponsor": f"Results of completed trials past due, by sponsor — {scope}",
        "gap_country": f"Results of completed trials past due, by country — {scope}",
        "stopped": f"Why trials stopped — {scope}",
        "enrollment": f"Actual enrollment of completed trials — {scope}",
    }
    return {
        "empty": False,
        "scope": scope,
        "n": len(frame),
        "design": design,
        "funnel": stages,
        "phases": phases,
        "gap": gap,
        "stopped": stop,
        "enrollment": sizes,
        "rcts": largest_rcts(frame),
        "snapshots": snapshots(frame),
        "titles": titles,
        "figures": {
            "funnel": figure_dict(evidence_charts.funnel(stages, titles["funnel"])),
            "design": figure_dict(evidence_charts.design_by_phase(phases, titles["design"])),
            "gap_years": figure_dict(evidence_charts.gap(gap["by_years"], titles["gap_years"])),
            "gap_sponsor": figure_dict(evidence_charts.gap(gap["by_sponsor"], titles["gap_sponsor"])),
            "gap_country": figure_dict(evidence_charts.gap(gap["by_country"], titles["gap_country"], codes=True)),
            "stopped": figure_dict(evidence_charts.stop_reasons(stop["per_reason"], titles["stopped"])),
            "enrollment": figure_dict(evidence_charts.enrollment_bins(sizes["bins"], titles["enrollment"])),
        },
    }
