"""Build report: dataset counts, share of unknown per derived field, the reference-review check, and agreement
with the published review tables."""

from __future__ import annotations

import re

import pandas as pd

from msc_atlas.pipeline.curation import agrees
from msc_atlas.pipeline.gold import score_table
from msc_atlas.vocab import MULTI_SEP, UNKNOWN

DISAGREEMENT_COLUMNS = [  # agreement_report's table, in this order in the CSV and the Markdown
    "trial_id",
    "field",
    "registry_value",
    "registry_evidence",
    "published_value",
    "published_text",
    "reported_in",
]
COVID_RX = re.compile(r"covid|sars-cov|coronavirus|2019-ncov|ncov", re.IGNORECASE)
UNKNOWN_FIELDS = [
    "focus_area",
    "disease_group",
    "product",
    "source_tissue",
    "donor",
    "route",
    "dose_text",
    "phase",
    "status",
    "enrollment",
    "start_date",
    "sponsor_class",
    "countries",
]
AGREEMENT_FIELDS = {"source_tissue": "source_tissue_key", "route": "route_key", "countries": "countries_iso3"}
REFERENCE_CUTOFF = "2020-05-15"


def _unknown(series: pd.Series) -> pd.Series:
    return series.isin(["", UNKNOWN])


def _countries(frame: pd.DataFrame) -> set[str]:
    return {c for v in frame["countries"] for c in v.split(MULTI_SEP) if c}


def counts(trials: pd.DataFrame) -> dict:
    """Counts of the MSC-derived trials (what every page shows by default), plus the rows flagged non_msc."""
    msc = trials[trials["product"] != "non_msc"]
    covid = msc[msc["focus_area"] == "covid19_ards"]
    return {
        "total": len(trials),
        "msc_products": len(msc),
        "non_msc": int((trials["product"] == "non_msc").sum()),
        "covid19_ards": len(covid),
        "covid19_ards_nct": int((covid["registry"] == "ClinicalTrials.gov").sum()),
        "covid19_ards_other_registries": int((covid["registry"] != "ClinicalTrials.gov").sum()),
        "liver": int((msc["focus_area"] == "liver").sum()),
        "ev_secretome": int(msc["product"].isin(["msc_ev", "msc_secretome"]).sum()),
        "countries": len(_countries(msc)),
        "by_registry": msc["registry"].value_counts().sort_index().to_dict(),
        "unknown_share": {f: round(float(_unknown(msc[f]).mean()), 3) for f in UNKNOWN_FIELDS},
    }


def snapshot_countries(records: list[dict]) -> dict[str, list[str]]:
    """trial_id -> ISO3 codes listed in the given registry snapshot records (union over the records of a trial)."""
    from msc_atlas.pipeline.countries import to_iso3_list

    out: dict[str, set[str]] = {}
    for r in records:
        out.setdefault(r["id"], set()).update(to_iso3_list(r["countries_raw"]))
    return {k: sorted(v) for k, v in out.items()}


def mid2020_countries(sources_dir=None) -> dict[str, list[str]]:
    """Countries as registered in mid-2020 (CT.gov COVID-19 export of 2020-06-30 + WHO ICTRP export of 2020-07-07),
    the snapshots nearest the reference review (published 22 Jun 2020)."""
    from msc_atlas.pipeline.sources import SOURCES_DIR, read_ctgov_classic, read_ictrp

    d = sources_dir or SOURCES_DIR
    return snapshot_countries(read_ctgov_classic("ctgov_covid_2020-06-30", d) + read_ictrp(d))


def reference_review(
    trials: pd.DataFrame, cutoff: str = REFERENCE_CUTOFF, countries_then: dict[str, list[str]] | None = None
) -> dict:
    """Tsuchiya et al. 2020 recount: COVID-19 trials of MSC cells / MSC exosomes first posted on
    ClinicalTrials.gov on or before `cutoff`.

    Countries: the review counted sites listed in mid-2020, so when `countries_then` (mid2020_countries()) lists
    countries for a trial, those are used; otherwise the dataset's (Oct 2022 snapshot). Both are returned.
    """
    # COVID-19 named in the title or conditions, or read as a COVID-19 trial (an ARDS trial with a COVID-19 cohort,
    # which ClinicalTrials.gov's own COVID-19 list of mid-2020 carried)
    covid = (trials["title"] + " " + trials["conditions"]).str.contains(COVID_RX) | (
        trials["disease_group"] == "covid19"
    )
    sel = trials[
        (trials["registry"] == "ClinicalTrials.gov")
        & covid
        & (trials["first_posted"] <= cutoff)
        & (trials["first_posted"] != "")
    ]
    products = sel["product"].str.split(MULTI_SEP)
    cells = sel[products.apply(lambda p: "msc" in p)]  # a trial giving cells and EVs counts with the cell trials
    exo = sel[products.apply(lambda p: "msc" not in p and bool({"msc_ev", "msc_secretome"} & set(p)))]
    both = pd.concat([cells, exo])
    countries = set()
    for tid, now in zip(both["trial_id"], both["countries"]):
        then = (countries_then or {}).get(tid)
        countries |= set(then) if then else {c for c in now.split(MULTI_SEP) if c}
    return {
        "cutoff": cutoff,
        "msc_cells": cells["trial_id"].tolist(),
        "msc_exosome": exo["trial_id"].tolist(),
        "countries": sorted(countries),
        "countries_now": sorted(_countries(both)),
        "excluded_non_msc": sel[sel["product"] == "non_msc"]["trial_id"].tolist(),
    }


def agreement(facts: pd.DataFrame, trials: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Share of (review row, field) pairs where the registry-derived value and the review agree (both stated)."""
    reg = trials.set_index("trial_id")
    out, rows = {}, []
    known = facts[facts["trial_id"] != ""]
    for field, col in AGREEMENT_FIELDS.items():
        n = ok = 0
        for f in known.to_dict("records"):
            reg_value = reg.at[f["trial_id"], f"{field}_registry"]
            if f[col] == "" or reg_value in ("", UNKNOWN):
                continue
            n += 1
            if agrees(field, reg_value, f[col]):
                ok += 1
            else:
                rows.append(
                    {
                        "trial_id": f["trial_id"],
                        "field": field,
                        "registry_value": reg_value,
                        "registry_evidence": reg.at[f["trial_id"], f"{field}_evidence"],
                        "published_value": f[col],
                        "published_text": f[field],
                        "reported_in": f["reported_in"],
                    }
                )
        out[field] = {"compared": n, "agree": ok, "share": round(ok / n, 3) if n else None}
    return out, pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def agreement_markdown(agr: dict, dis: pd.DataFrame) -> str:
    lines = [
        "# Agreement of registry-derived values with published review tables",
        "",
        "Generated by `python -m msc_atlas.pipeline`. A (review row, field) pair is compared when both the review",
        "and the registry-derived value (before curation) state a value; they agree when they share a value",
        "(Wharton's jelly counts as umbilical cord).",
        "",
        "| field | compared | agree | share |",
        "|---|---|---|---|",
    ]
    for field, a in agr.items():
        share = "" if a["share"] is None else f"{a['share']:.1%}"
        lines.append(f"| {field} | {a['compared']} | {a['agree']} | {share} |")
    lines += ["", f"## Disagreements ({len(dis)})", ""]
    if len(dis):
        lines += [
            "| trial_id | field | registry | registry evidence | review | review text | page |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in dis.to_dict("records"):
            cells = [str(r[k]).replace("|", "/").replace("\n", " ")[:160] for k in DISAGREEMENT_COLUMNS]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def summary_text(summary: dict) -> str:
    c = summary["counts"]
    lines = [
        f"trials: {c['total']} rows: {c['msc_products']} MSC-derived, {c['non_msc']} not an MSC product (counts below:"
        " MSC-derived)",
        f"COVID-19/ARDS: {c['covid19_ards']} (ClinicalTrials.gov {c['covid19_ards_nct']}, other registries "
        f"{c['covid19_ards_other_registries']})",
        f"liver: {c['liver']}",
        f"MSC-EV/secretome: {c['ev_secretome']}",
        f"countries: {c['countries']}",
        "by registry: " + ", ".join(f"{k} {v}" for k, v in c["by_registry"].items()),
        "unknown share: " + ", ".join(f"{k} {v:.1%}" for k, v in c["unknown_share"].items()),
        "agreement with review tables: "
        + ", ".join(
            f"{k} {a['agree']}/{a['compared']} ({a['share']:.1%})" if a["share"] is not None else f"{k} n/a"
            for k, a in summary["agreement"].items()
        ),
        f"excluded (broad-filter, non-MSC): {summary['excluded']}; conflicts recorded: {summary['conflicts']}",
    ]
    if summary["skipped_corrections"]:
        lines.append("corrections not applied: " + "; ".join(summary["skipped_corrections"]))
    ref = summary.get("reference")
    if ref:
        lines.append(
            f"reference review (COVID-19, ClinicalTrials.gov, first posted <= {ref['cutoff']}): "
            f"{len(ref['msc_cells'])} MSC cell + {len(ref['msc_exosome'])} MSC-exosome trials in "
            f"{len(ref['countries'])} countries ({', '.join(ref['countries'])}); "
            f"Tsuchiya et al. 2020: 33 + 1 in 13"
        )
    gold = summary.get("gold")
    if gold is not None:
        lines.append("accuracy against the gold sample (curation/gold/, registry-derived values before curation):")
        lines.append(score_table(gold))
    lines.append(f"built in {summary['seconds']:.1f} s")
    return "\n".join(lines)
