"""The flow of records (in the style of a PRISMA flow chart): what every row of every source file became.

Every record read lands in exactly one box of the ledger (data/record_ledger.csv):
  duplicate_row      an exact duplicate of another row of the same file (dropped on reading)
  merged             another record of a trial already counted (a cross-registration, or the same trial in an
                     older snapshot): it adds IDs and fills fields, but is not a trial of its own
  excluded           the first record of a trial left out before classification (reason: no intervention
                     registered; matched only a broad filter; new in a refresh and not an MSC product)
  not_msc            the first record of a trial kept in trials.csv but flagged non_msc (reason class below)
  included           the first record of an MSC-derived trial (msc, msc_ev, msc_secretome)
data/record_flow.json holds the counts per box, per reason and per source file, which the Methods page draws.
Pure: the inputs are the records and the built tables; nothing is read here.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from msc_atlas.pipeline.classify import DIFFERENTIATED, EV_ORIGIN_UNSTATED, NO_MSC_NAMED, NOT_MSC_PRODUCT, NOTHING_GIVEN
from msc_atlas.pipeline.merge import group_records, trial_ids

LEDGER_COLUMNS = ["source", "record_id", "trial_id", "box", "reason"]
BOXES = ("duplicate_row", "merged", "excluded", "not_msc", "included")
# non_msc reason classes, from the prefix of the product evidence (msc_atlas.pipeline.classify)
NOT_MSC_CLASSES = [
    (NOTHING_GIVEN, "no product given to participants (observational, sampling or laboratory study)"),
    (NOT_MSC_PRODUCT, "another cell, tissue or EV product (mononuclear cells, BMAC, fat graft, PRP, T cells ...)"),
    (EV_ORIGIN_UNSTATED, "EVs or secretome of unstated origin"),
    (DIFFERENTIATED, "MSCs differentiated into another cell type (policy)"),
    (NO_MSC_NAMED, "no MSC product named in the interventions, arms or titles"),
    ("curated from review table", "not an MSC product per a cited review table"),
]


def not_msc_reason(evidence: str) -> str:
    for prefix, label in NOT_MSC_CLASSES:
        if evidence.startswith(prefix):
            return label
    return "another cell, tissue or EV product (mononuclear cells, BMAC, fat graft, PRP, T cells ...)"


def ledger(
    records: list[dict], rows_read: dict[str, int], trials: pd.DataFrame, excluded: pd.DataFrame
) -> pd.DataFrame:
    """One row per record read (duplicate rows counted from `rows_read`, the raw row count of each file)."""
    product = dict(zip(trials["trial_id"], trials["product"]))
    evidence = dict(zip(trials["trial_id"], trials["product_evidence"]))
    why_excluded = dict(zip(excluded["trial_id"], excluded["reason"]))
    out: list[dict] = []
    per_source = Counter(r["source"] for r in records)
    for source, read in rows_read.items():
        out += [
            {
                "source": source,
                "record_id": "",
                "trial_id": "",
                "box": "duplicate_row",
                "reason": "exact duplicate of another row of the same file",
            }
        ] * (read - per_source.get(source, 0))
    for group in group_records(records):
        primary, _ = trial_ids(group)
        for i, rec in enumerate(group):
            row = {"source": rec["source"], "record_id": rec["id"], "trial_id": primary}
            if i > 0:
                row.update(box="merged", reason="another record of the same trial (cross-registration or snapshot)")
            elif primary in why_excluded:
                row.update(box="excluded", reason=_exclusion_class(why_excluded[primary]))
            elif product.get(primary) == "non_msc":
                row.update(box="not_msc", reason=not_msc_reason(evidence[primary]))
            elif primary in product:
                row.update(box="included", reason=product[primary])
            else:
                raise AssertionError(f"{primary}: neither in trials.csv nor excluded")
            out.append(row)
    return pd.DataFrame(out, columns=LEDGER_COLUMNS)


def _exclusion_class(reason: str) -> str:
    if reason.startswith("no intervention"):
        return "no intervention registered"
    if reason.startswith("new in a refresh"):
        return "new in a refresh, not an MSC product"
    return "outside the MSC searches, and no MSC product term in title or interventions"


def summary(book: pd.DataFrame, source_labels: dict[str, str]) -> dict:
    """The counts the flow diagram draws; every number is a count of ledger rows or of trials."""
    order = list(source_labels)  # the labels come in priority order (vocab.SOURCES, then refresh sources)
    present = sorted(set(book["source"]), key=lambda s: order.index(s) if s in order else len(order))
    per_source = [
        {"source": s, "label": source_labels.get(s, s), "records": int((book["source"] == s).sum())} for s in present
    ]
    boxes = book["box"].value_counts()
    firsts = book[book["box"].isin(["excluded", "not_msc", "included"])]

    def reasons(box: str) -> list[dict]:
        counts = firsts[firsts["box"] == box]["reason"].value_counts()
        return [{"reason": r, "trials": int(n)} for r, n in counts.items()]

    return {
        "records_read": int(len(book)),
        "sources": per_source,
        "duplicate_rows": int(boxes.get("duplicate_row", 0)),
        "merged_records": int(boxes.get("merged", 0)),
        "trials_screened": int(len(firsts)),
        "excluded": reasons("excluded"),
        "excluded_trials": int(boxes.get("excluded", 0)),
        "trials_assessed": int(boxes.get("not_msc", 0) + boxes.get("included", 0)),
        "not_msc": reasons("not_msc"),
        "not_msc_trials": int(boxes.get("not_msc", 0)),
        "included_trials": int(boxes.get("included", 0)),
        "included_by_product": {r["reason"]: r["trials"] for r in reasons("included")},
    }
