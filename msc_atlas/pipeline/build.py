"""Raw registry exports (sources/) -> data/: merge, classify, curate, validate, write. Deterministic.

Run: python -m msc_atlas.pipeline [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import pandas as pd

from msc_atlas import config, vocab
from msc_atlas.data import PUBLISHED_FACTS_COLUMNS  # the columns the app reads back
from msc_atlas.fields import TRIAL_COLUMNS
from msc_atlas.pipeline import census_data, datadoc, evidence, flow, gold, report
from msc_atlas.pipeline import classify as C
from msc_atlas.pipeline.curation import (
    CORRECTIONS_FILE,
    conflicts,
    load_corrections,
    normalise_facts,
    resolve_conflicts,
)
from msc_atlas.pipeline.mechanism_tables import write_mechanism_tables
from msc_atlas.pipeline.merge import NEW_IN_REFRESH, group_records, inclusion, merge_group
from msc_atlas.pipeline.registry_ids import URL_PATTERNS, url_for
from msc_atlas.pipeline.sources import (
    PUBLISHED_FACTS,
    PUBLISHED_FILE,
    SOURCE_FILES,
    SOURCE_ORDER,
    SOURCES_DIR,
    read_all_registry_records,
    read_full_records,
    read_published_facts,
    read_rows,
    rows_read,
)
from msc_atlas.vocab import MULTI_SEP, UNKNOWN

# The dataset version is a constant bumped by hand when the inputs or rules change: never the clock.
DATASET_VERSION = "2026.11.30"
AS_OF = {
    "ctgov_as_of": "2022-10-13",  # full-study records pulled 7-13 Oct 2022 (VersionHolder)
    "ctgov_search_as_of": "2022-09-29",  # classic MSC search export, newest First Posted
    "ctgov_covid_as_of": "2020-10-12",  # newest ClinicalTrials.gov COVID-19 daily download
    "ictrp_as_of": "2020-12-16",  # newest ICTRP-derived list (ebmdatalab TrialsTracker)
    "ictrp_raw_as_of": "2020-07-06",  # WHO ICTRP export (file says 2020-06-07; data run to 6 Jul 2020)
    "published_facts_as_of": "2024-02-19",  # newest review page date in published_trial_facts.csv
}

CLASSIFIED = ["focus_area", "disease_group", "product", "source_tissue", "donor", "route"]
DERIVED_REPORTED = [
    "focus_area",
    "disease_group",
    "product",
    "source_tissue",
    "donor",
    "route",
    "phase",
    "status",
    "enrollment",
    "sponsor_class",
    "countries",
    "dose",
]


def fmt_num(x: float | int | None) -> str:
    """Fixed number formatting: integers without a decimal point, others with 6 significant digits."""
    if x is None or x != x:
        return ""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _trial_text(merged: dict) -> C.TrialText:
    return C.TrialText(
        **{k: merged["text"][k] for k in C.TrialText._fields if k in merged["text"]}, study_type=merged["study_type"]
    )


def classify_one(t: C.TrialText) -> tuple[dict, C.Dose]:
    product = C.classify_product(t)
    dec = {
        "focus_area": C.classify_focus_area(t),
        "disease_group": C.classify_disease_group(t),
        "product": product,
        "source_tissue": C.classify_source_tissue(t),
        "donor": C.classify_donor(t),
        "route": C.classify_route(t, product.value),
    }
    return dec, C.parse_dose(t, dec["product"].value)


# The rules' answer per registry text, kept for the life of the process: the rules are code, so the same text always
# gets the same answer, and a refresh re-builds from texts that are mostly unchanged (a build classified ~2,200
# texts in ~16 s). Bounded: cleared when it outgrows a few datasets.
_CLASSIFIED: dict[C.TrialText, tuple[dict, C.Dose]] = {}
_CLASSIFIED_MAX = 20_000


def classify_all(texts: list[C.TrialText], workers: int = 2) -> list[tuple[dict, C.Dose]]:
    """Classify every trial; texts not classified before in this process are split over `workers` processes
    (results keep the input order)."""
    if len(_CLASSIFIED) > _CLASSIFIED_MAX:
        _CLASSIFIED.clear()
    new = list(dict.fromkeys(t for t in texts if t not in _CLASSIFIED))
    if workers <= 1 or len(new) < 200:
        _CLASSIFIED.update((t, classify_one(t)) for t in new)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            chunk = max(1, len(new) // (workers * 4))
            _CLASSIFIED.update(zip(new, pool.map(classify_one, new, chunksize=chunk), strict=True))
    return [_CLASSIFIED[t] for t in texts]


def _row(m: dict, classified: tuple[dict, C.Dose]) -> dict:
    dec, dose = classified
    row = {
        "trial_id": m["trial_id"],
        "other_ids": MULTI_SEP.join(m["other_ids"]),
        "registry": m["registry"],
        "url": url_for(m["trial_id"]),
        "title": m["text"]["title"] or m["text"]["official_title"],
        "conditions": m["text"]["conditions"],
    }
    for field, d in dec.items():
        row[field] = d.value
        row[f"{field}_evidence"] = d.evidence
    row.update(
        {
            "dose_text": dose.text,
            "dose_cells_per_kg_min": fmt_num(min(dose.per_kg, default=None)),
            "dose_cells_per_kg_max": fmt_num(max(dose.per_kg, default=None)),
            "dose_cells_total_min": fmt_num(min(dose.total, default=None)),
            "dose_cells_total_max": fmt_num(max(dose.total, default=None)),
            "dose_levels": str(dose.levels) if dose.levels else "",
            "dose_cells_per_kg_levels": MULTI_SEP.join(fmt_num(x) for x in dose.per_kg),
            "dose_cells_total_levels": MULTI_SEP.join(fmt_num(x) for x in dose.total),
            "dose_ev_min": fmt_num(min(dose.ev, default=None)),
            "dose_ev_max": fmt_num(max(dose.ev, default=None)),
            "dose_ev_unit": dose.ev_unit,
            "phase": m["phase"],
            "phase_evidence": m["phase_evidence"],
            "status": m["status"],
            "status_evidence": m["status_evidence"],
            "enrollment": "" if m["enrollment"] is None else str(int(m["enrollment"])),
            "enrollment_evidence": m["enrollment_evidence"],
            "enrollment_type": m["enrollment_type"] if m["enrollment"] is not None else UNKNOWN,
            "start_date": m["start_date"],
            "first_posted": m["first_posted"],
            "last_update_posted": m["last_update_posted"],
            "record_as_of": m["record_as_of"],
            "sponsor": m["sponsor"],
            "sponsor_class": m["sponsor_class"],
            "countries": MULTI_SEP.join(m["countries"]),
            "countries_evidence": m["countries_evidence"],
            "sources": MULTI_SEP.join(m["sources"]),
        }
    )
    for field in ("product", "source_tissue", "donor", "route", "countries"):
        row[f"{field}_registry"] = row[field]  # registry-derived value, before curation
    return row


def assemble(
    sources_dir: Path = SOURCES_DIR, workers: int = 2, extra_records: list[dict] | tuple = ()
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(trials before curation, normalised published facts, excluded trials).

    `extra_records` (RECORD_KEYS dicts from a refresh, msc_atlas.refresh) join the bundled records before merging.
    """
    records = read_all_registry_records(sources_dir) + list(extra_records)
    facts_raw = read_published_facts(sources_dir)
    published_ids = {i.strip() for i in facts_raw["registry_id"] if i.strip()}
    rows, excluded, id_map, kept = [], [], {}, []
    for recs in group_records(records):
        merged = merge_group(recs)
        ok, reason = inclusion(merged, recs, published_ids)
        if not ok:
            excluded.append(
                {
                    "trial_id": merged["trial_id"],
                    "other_ids": MULTI_SEP.join(merged["other_ids"]),
                    "title": merged["text"]["title"],
                    "sources": MULTI_SEP.join(merged["sources"]),
                    "reason": reason,
                }
            )
            continue
        kept.append((merged, reason))
    classified = classify_all([_trial_text(m) for m, _ in kept], workers=workers)
    for (merged, reason), cls in zip(kept, classified):
        product = cls[0]["product"]
        if reason == NEW_IN_REFRESH and product.value == "non_msc":
            excluded.append(
                {
                    "trial_id": merged["trial_id"],
                    "other_ids": MULTI_SEP.join(merged["other_ids"]),
                    "title": merged["text"]["title"],
                    "sources": MULTI_SEP.join(merged["sources"]),
                    "reason": f"new in a refresh, not an MSC product: {product.evidence}",
                }
            )
            continue
        row = _row(merged, cls)
        row["text_fingerprint"] = census_data.fingerprint(merged["text"])  # not written: the census's change check
        if reason == "cited by a published review table":
            row["sources"] = MULTI_SEP.join([*merged["sources"], PUBLISHED_FACTS])
        rows.append(row)
        for i in merged["all_ids"]:
            id_map[i] = merged["trial_id"]
    trials = pd.DataFrame(rows).sort_values("trial_id", kind="mergesort").reset_index(drop=True)
    facts = normalise_facts(facts_raw, id_map)
    excl = pd.DataFrame(excluded, columns=["trial_id", "other_ids", "title", "sources", "reason"])
    return trials, facts, excl.sort_values("trial_id", kind="mergesort").reset_index(drop=True)


def add_evidence(
    trials: pd.DataFrame, sources_dir: Path, extra_records: list[dict] | tuple = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(trials with the evidence columns, their publications): design, eligibility, completion and results read
    from the full records (a refresh's API v2 studies first) and the ICTRP / TrialsTracker rows."""
    full = read_full_records(sources_dir)
    for rec in extra_records:
        if rec.get("full_record"):
            full[rec["id"]] = {**rec["full_record"], evidence.SNAPSHOT_KEY: [f"{rec['source']} as of {rec['as_of']}"]}
    found, publications = evidence.derive(
        trials.drop(columns=[c for c in evidence.EVIDENCE_COLUMNS if c in trials.columns]),
        full,
        read_rows(evidence.ICTRP_SOURCE, sources_dir),
        read_rows(evidence.TRACKER_SOURCE, sources_dir),
    )
    return trials.drop(columns=[c for c in found.columns if c in trials.columns]).join(found), publications


def take_census(trials: pd.DataFrame, census_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Every double-read trial takes its census values (curation/census/); the rest keep the rules' values.

    Returns (trials, census-vs-rules comparison, per-field agreement and rules accuracy, progress counts)."""
    readings = census_data.load_readings(census_dir / "readings")
    adjudications = census_data.load_adjudications(census_dir / "adjudications")
    read_fps = census_data.load_fingerprints(census_dir / "text_fingerprints.csv")
    now_fps = dict(zip(trials["trial_id"], trials["text_fingerprint"]))
    rereads = census_data.load_rereads(census_dir / "rereads")
    outcomes = census_data.resolve(readings, adjudications, now_fps, read_fps, rereads)
    trials, comparison = census_data.apply(trials, outcomes, fmt_num)
    accuracy = census_data.accuracy_table(readings, comparison)
    passes = readings.groupby("trial_id")["pass"].nunique() if len(readings) else pd.Series(dtype=int)
    progress = {
        "trials": len(trials),
        "read_once": int((passes == 1).sum()),
        "read_twice": int((passes == 2).sum()),
        "double_read": int((trials["reading_status"] == census_data.DOUBLE_READ).sum()),
        "awaiting_third_reading": sum(1 for o in outcomes.values() if o.pending),
        "third_readings": len(adjudications),
        "policy_rereads": len(rereads),
        "policy_changes": int(sum(how == "policy re-read" for o in outcomes.values() for how in o.how.values())),
    }
    return trials, comparison, accuracy, progress


def apply_corrections(trials: pd.DataFrame, corrections: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Fill fields the registry leaves silent from reviewed, cited corrections. Returns (trials, skipped notes)."""
    out = trials.set_index("trial_id", drop=False)
    skipped = []
    for r in corrections.to_dict("records"):
        tid, field = r["trial_id"], r["field"]
        if tid not in out.index:
            skipped.append(f"{tid} {field}: trial not in dataset")
            continue
        current = out.at[tid, field]
        if current == r["value"] and str(out.at[tid, f"{field}_evidence"]).startswith("census: "):
            skipped.append(f"{tid} {field}: the census reads {current!r} in the registry text already")
            continue
        if r["applies_when"] == "registry_confirms":
            if current != r["value"]:
                skipped.append(f"{tid} {field}: cited as {r['value']!r} but derived {current!r}; review the row")
            else:
                out.at[tid, f"{field}_evidence"] = (
                    f"{out.at[tid, f'{field}_evidence']} (confirmed: {r['citation_url']})"
                )
            continue
        if current not in ("", UNKNOWN) and r["applies_when"] != "registry_wrong":
            skipped.append(f"{tid} {field}: registry already states {current!r}")
            continue
        out.at[tid, field] = r["value"]
        ev_col = f"{field}_evidence"
        out.at[tid, ev_col] = f"curated from review table ({r['citation_url']}): {r['published_text']}"
        srcs = out.at[tid, "sources"].split(MULTI_SEP)
        if PUBLISHED_FACTS not in srcs:
            out.at[tid, "sources"] = MULTI_SEP.join(sorted([*srcs, PUBLISHED_FACTS], key=SOURCE_ORDER.index))
    return out.reset_index(drop=True), skipped


def _record_flow(
    trials: pd.DataFrame, excluded: pd.DataFrame, sources_dir: Path, extra_records: list[dict] | tuple
) -> tuple[pd.DataFrame, dict]:
    """(ledger of every record read, the flow counts): msc_atlas.pipeline.flow."""

    records = read_all_registry_records(sources_dir) + list(extra_records)
    read = rows_read(sources_dir)
    for rec in extra_records:
        read[rec["source"]] = read.get(rec["source"], 0) + 1
    book = flow.ledger(records, read, trials, excluded)
    return book, flow.summary(book, {**vocab.SOURCES, **vocab.REFRESH_SOURCES})


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8, '\n' line ends, one physical line per row (line breaks inside registry text become spaces)."""
    flat = df.astype(str).apply(lambda s: s.str.replace(r"\s*[\r\n]+\s*", " ", regex=True))
    flat.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def build(
    out_dir: Path = config.BUNDLED_DATA_DIR,
    sources_dir: Path = SOURCES_DIR,
    corrections_file: Path = CORRECTIONS_FILE,
    verbose: bool = True,
    extra_records: list[dict] | tuple = (),
    version_update: dict | None = None,
    census_dir: Path = census_data.CENSUS_DIR,
) -> dict:
    """Build every data/ file into out_dir; returns the report dict (counts, agreement).

    A refresh (msc_atlas.refresh) passes its registry records as `extra_records` and its version / as-of dates as
    `version_update` (merged into version.json); the bundled build passes neither.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    trials, facts, excluded = assemble(sources_dir, extra_records=extra_records)
    gold_scores = gold.score(gold.compare(trials, gold.load_labels()))  # registry-derived values, before curation
    trials, census_comparison, census_accuracy, census_progress = take_census(trials, census_dir)
    corrections = load_corrections(corrections_file)
    trials, skipped = apply_corrections(trials, corrections)
    trials, publications = add_evidence(trials, sources_dir, extra_records)

    conf = resolve_conflicts(conflicts(facts, trials), trials)
    agreement, disagreements = report.agreement(facts, trials)
    counts = report.counts(trials)
    ref = report.reference_review(trials, countries_then=report.mid2020_countries(sources_dir))

    _write_csv(trials[TRIAL_COLUMNS], out_dir / "trials.csv")
    _write_csv(facts[PUBLISHED_FACTS_COLUMNS], out_dir / "published_facts.csv")
    _write_csv(publications, out_dir / "publications.csv")
    _write_csv(conf, out_dir / "conflicts.csv")
    _write_csv(excluded, out_dir / "excluded_trials.csv")
    gold_scores.to_csv(out_dir / "gold_accuracy.csv", index=False, lineterminator="\n", float_format="%.4f")
    census_accuracy.to_csv(out_dir / "census_accuracy.csv", index=False, lineterminator="\n", float_format="%.4f")
    _write_csv(census_comparison, out_dir / "census_vs_rules.csv")
    flow = _record_flow(trials, excluded, sources_dir, extra_records)
    _write_csv(flow[0], out_dir / "record_ledger.csv")
    (out_dir / "record_flow.json").write_text(json.dumps(flow[1], indent=2) + "\n", encoding="utf-8")
    (out_dir / "agreement_report.md").write_text(report.agreement_markdown(agreement, disagreements), encoding="utf-8")
    write_mechanism_tables(sources_dir, out_dir)
    version = {
        "dataset_version": DATASET_VERSION,
        **AS_OF,
        "trial_count": len(trials),
        "inputs": {
            name: {"file": f"sources/{rel}", "sha256": _sha256(sources_dir / rel)}
            for name, rel in {**SOURCE_FILES, PUBLISHED_FACTS: PUBLISHED_FILE}.items()
        },
        "corrections": {
            "file": "curation/corrections.csv",
            "rows": len(corrections),
            "sha256": _sha256(Path(corrections_file)),
        },
    }
    version.update(version_update or {})
    (out_dir / "version.json").write_text(json.dumps(version, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    summary = {
        "counts": counts,
        "agreement": agreement,
        "reference": ref,
        "skipped_corrections": skipped,
        "excluded": len(excluded),
        "conflicts": len(conf),
        "gold": gold_scores,
        "census": census_accuracy,
        "census_progress": census_progress,
    }
    (out_dir / "README.md").write_text(datadoc.render(summary, version, URL_PATTERNS), encoding="utf-8")
    summary["seconds"] = time.perf_counter() - t0
    if verbose:
        print(report.summary_text(summary))
    return summary


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m msc_atlas.pipeline", description=__doc__)
    p.add_argument("--out", type=Path, default=config.BUNDLED_DATA_DIR, help="output directory (default: data/)")
    args = p.parse_args(argv)
    build(args.out)
