"""Source records -> one merged record per trial (cross-registrations joined), plus the inclusion decision."""

from __future__ import annotations

import re

from msc_atlas.pipeline.countries import to_iso3
from msc_atlas.pipeline.registry_ids import eudract_core, registry_of, sort_key
from msc_atlas.pipeline.sources import CTGOV_API, CTGOV_WEBSITE, ICTRP_REFRESH, SOURCE_ORDER, TEXT_KEYS, carries
from msc_atlas.vocab import UNKNOWN

BASE_SOURCES = ("ctgov_full_2022-10", "ctgov_search_2022-09-29")  # MSC searches: every row is MSC-related
REFRESH_SOURCES = (CTGOV_API, CTGOV_WEBSITE, ICTRP_REFRESH)
# Refresh records are not base: the refresh query also matches exosome / EV, stromal-cell and stem-cell studies that
# give no MSC product, so a trial new in a refresh is admitted by the product classifier (the same rules as every
# bundled row: msc_atlas.pipeline.classify.classify_product); one that gives no MSC product is excluded, with the
# reason, in excluded_trials.csv (msc_atlas.pipeline.build.assemble).
NEW_IN_REFRESH = "new in a refresh: admitted by the product rules"

# Free text is richer in the raw ICTRP export than in the ebmdatalab lists (which carry only the public title).
TEXT_ORDER = [
    CTGOV_API,
    CTGOV_WEBSITE,
    "ctgov_full_2022-10",
    "ctgov_search_2022-09-29",
    "ctgov_covid_2020-10-12",
    "ctgov_covid_2020-06-30",
    ICTRP_REFRESH,
    "ictrp_2020-07-07",
    "ebmdatalab_2020-12-16",
    "ebmdatalab_2020-06-29",
]

# README "strict" pattern: rows from the COVID-19 exports that only matched the broad filter (e.g. "stem cell" in a
# haematopoietic transplant cohort, cord blood, PRP, NK cells) are not MSC trials and are left out unless a review
# table cites them (then they stay, classified, usually as non_msc).
STRICT_MSC = re.compile(
    r"mesenchymal|stromal cell|\bMSCs?\b|-MSC|MSC-|exosom|extracellular vesicle|secretome|wharton|remestemcel"
    r"|multistem|PLX-?PAD|CAStem|ExoFlo|conditioned medi"
    # MSC products the README pattern misses (adipose stem cells, SVF, umbilical-lining cells, placental PLX cells)
    r"|adipose[- ](?:derived )?(?:stem|stromal|regenerative)|stromal vascular fraction|\bSVF\b|\bULSC\b|Emiplacel",
    re.IGNORECASE,
)


def _node(trial_id: str) -> str:
    core = eudract_core(trial_id)
    return f"EUCTR{core}" if core else trial_id


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def group_records(records: list[dict]) -> list[list[dict]]:
    """Records of the same trial (same ID, or linked by a cross-registration field) grouped, deterministic order."""
    uf = _UnionFind()
    for rec in records:
        uf.find(_node(rec["id"]))
        for other in rec["linked_ids"]:
            uf.union(_node(rec["id"]), _node(other))
    groups: dict[str, list[dict]] = {}
    for rec in records:
        groups.setdefault(uf.find(_node(rec["id"])), []).append(rec)
    prio = {s: i for i, s in enumerate(SOURCE_ORDER)}
    out = []
    for key in sorted(groups):
        recs = sorted(groups[key], key=lambda r: (prio[r["source"]], sort_key(r["id"])))
        out.append(recs)
    return out


def trial_ids(recs: list[dict]) -> tuple[str, list[str]]:
    """(primary ID, other IDs). NCT preferred; an EudraCT number is listed once (with its country suffix if known)."""
    ids = {r["id"] for r in recs} | {i for r in recs for i in r["linked_ids"]}
    ids = {i for i in ids if registry_of(i)}
    suffixed = {eudract_core(i) for i in ids if eudract_core(i) and len(i) > len("EUCTR0000-000000-00")}
    ids = {i for i in ids if not (eudract_core(i) in suffixed and len(i) == len("EUCTR0000-000000-00"))}
    ordered = sorted(ids, key=sort_key)
    return ordered[0], ordered[1:]


def _first(recs: list[dict], key: str, empty=("", None, UNKNOWN)):
    for r in recs:
        if carries(r, key) and r[key] not in empty and r[key] != []:
            return r
    return None


def snapshot_of(rec: dict | None) -> str:
    """ "ctgov_full_2022-10 as of 2022-10-13": the input and snapshot a value was taken from. Phase, status and
    enrollment are normalised when a source is read, so this, not a registry phrase, is their evidence."""
    return f"{rec['source']} as of {rec['as_of']}" if rec else ""


def _iso3(name: str, source: str) -> str | None:
    """to_iso3; a spelling no alias knows stops the bundled build (add it to ALIASES), but only drops that one name
    from a refreshed record (a scheduled refresh must not fail on a new spelling; countries_evidence keeps it)."""
    try:
        return to_iso3(name)
    except KeyError:
        if source in REFRESH_SOURCES:
            return None
        raise


def merge_group(recs: list[dict]) -> dict:
    """One merged trial from its source records (already in priority order)."""
    primary, others = trial_ids(recs)
    by_text = sorted(recs, key=lambda r: TEXT_ORDER.index(r["source"]))
    text = {}
    for key in TEXT_KEYS:
        hit = _first(by_text, key)
        text[key] = hit[key].strip() if hit else ""
    classes = sorted({r["intervention_class"] for r in recs if r["intervention_class"]})
    if classes and not text["interventions"]:
        # ebmdatalab's hand classification is the only intervention text for some ICTRP-only trials.
        text["interventions"] = " | ".join(classes)

    # the newest snapshot that states a status wins, even when it says "Unknown status" (a download without a status
    # column does not)
    status_rec = next(r for r in recs if carries(r, "status") or r is recs[-1])
    updated = _first(recs, "last_update_posted")
    phase_rec = _first(recs, "phase")
    enr = _first(recs, "enrollment")
    spons = _first(recs, "sponsor")
    country_rec, codes = None, []
    for r in recs:
        c = sorted({x for x in (_iso3(n, r["source"]) for n in r["countries_raw"]) if x})
        if c:
            country_rec, codes = r, c
            break
    if country_rec is None:
        country_rec = _first(recs, "countries_raw")
    sources = sorted({r["source"] for r in recs}, key=SOURCE_ORDER.index)
    return {
        "trial_id": primary,
        "other_ids": others,
        "registry": registry_of(primary),
        "text": text,
        "acronym": (_first(by_text, "acronym") or {"acronym": ""})["acronym"].strip(),
        "intervention_class": " | ".join(classes),
        "study_type": (_first(recs, "study_type") or {"study_type": ""})["study_type"],
        "phase": phase_rec["phase"] if phase_rec else UNKNOWN,
        "phase_evidence": snapshot_of(phase_rec),
        "status": status_rec["status"],
        "status_evidence": snapshot_of(status_rec),
        "enrollment": enr["enrollment"] if enr else None,
        "enrollment_type": enr["enrollment_type"] if enr else UNKNOWN,
        "enrollment_evidence": snapshot_of(enr),
        "start_date": (_first(recs, "start_date") or {"start_date": ""})["start_date"],
        "first_posted": (_first(recs, "first_posted") or {"first_posted": ""})["first_posted"],
        "last_update_posted": updated["last_update_posted"] if updated else "",
        "record_as_of": status_rec["as_of"],
        "sponsor": spons["sponsor"] if spons else "",
        "sponsor_class": spons["sponsor_class"] if spons else UNKNOWN,
        "countries": codes,
        "countries_evidence": (f"{country_rec['source']}: " + " | ".join(country_rec["countries_raw"]))
        if country_rec
        else "",
        "sources": sources,
        "all_ids": sorted({primary, *others}),
    }


_NA_PART = re.compile(r"^\s*(?:[^:：]*[:：])?\s*(?:NA|N/A|none|no intervention|other: no intervention)\s*$", re.I)


def _no_intervention(rec: dict) -> bool:
    """The record registers no intervention ('No Intervention', or ChiCTR 'group:NA;group:NA;')."""
    if rec["intervention_class"].strip().lower() == "no intervention":
        return True
    parts = [p for p in re.split(r"[;|]", rec["interventions"]) if p.strip()]
    return bool(parts) and all(_NA_PART.match(p) for p in parts)


def inclusion(merged: dict, recs: list[dict], published_ids: set[str]) -> tuple[bool, str]:
    """Is the trial in the dataset? Returns (included, reason)."""
    if any(r["source"] in BASE_SOURCES for r in recs):
        return True, "MSC search of ClinicalTrials.gov (base)"
    cited = sorted(set(merged["all_ids"]) & published_ids)
    if not cited and all(r["source"] in REFRESH_SOURCES for r in recs):
        return True, NEW_IN_REFRESH
    if not cited and all(_no_intervention(r) for r in recs if r["interventions"] or r["intervention_class"]):
        return False, "no intervention registered (observational / diagnostic study, e.g. exosome biomarkers)"
    for r in recs:
        for key in ("title", "official_title", "interventions", "acronym", "intervention_class"):
            m = STRICT_MSC.search(r[key] or "")
            if m:
                return True, f"{r['source']} {key}: '{m.group(0)}'"
    if cited:
        return True, "cited by a published review table"
    return False, "matched only the broad COVID-19 export filter; no MSC/MSC-product term in title or interventions"
