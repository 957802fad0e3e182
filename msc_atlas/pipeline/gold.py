"""The gold sample: a seeded, stratified draw of trials, the registry text a labeller reads, and the build's score.

The labels themselves (curation/gold/gold_labels.csv) are written by people reading the raw registry records that
`dossier()` prints, following curation/gold/GUIDE.md; they are never copied from classifier output.

    python -m msc_atlas.pipeline.gold draw            # (re)draw the sample -> curation/gold/gold_sample.csv
    python -m msc_atlas.pipeline.gold dossier NCT...  # the raw registry rows of one trial, as a labeller reads them
    python -m msc_atlas.pipeline.gold score           # per-field accuracy of data/trials.csv against the gold labels
"""
from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import pandas as pd

from msc_atlas.config import CURATION_DIR, REPO_ROOT
from msc_atlas.pipeline.merge import group_records, inclusion, merge_group
from msc_atlas.pipeline.sources import SOURCE_FILES, SOURCES_DIR, read_all_registry_records, read_published_facts

GOLD_DIR = CURATION_DIR / "gold"
SAMPLE_FILE = GOLD_DIR / "gold_sample.csv"
LABELS_FILE = GOLD_DIR / "gold_labels.csv"

SEED = 20261130
# Strata are decided on the raw registry text (never on derived values), first match wins, in this order.
# Quotas: (development, held-out). Development labels guide classifier work; held-out labels are scored once
# the rules are settled, as the honest estimate of accuracy on trials nobody tuned for.
STRATA: list[tuple[str, str, tuple[str, ...], tuple[int, int]]] = [
    ("covid19_ards", r"covid|sars[- ]?cov|corona ?virus|2019[- ]?ncov|\bARDS\b|acute respiratory distress|acute lung injury",
     ("title", "official_title", "conditions"), (34, 16)),
    ("liver", r"\bliver\b|hepat|cirrho|biliar|cholang", ("title", "official_title", "conditions"), (30, 15)),
    ("ev_secretome", r"exosom|extracellular vesicle|secretome|conditioned medi|\bs?EVs?\b",
     ("title", "official_title", "interventions", "intervention_descriptions"), (24, 12)),
    ("dose_stated", r"10\s*\^|[x×]\s*10|\d\s*[eE]\+?\d|million|billion|cells?\s*/\s*kg|/\s*kg",
     ("interventions", "intervention_descriptions", "arm_descriptions"), (34, 16)),
    ("rest", r"", (), (38, 21)),
]
_ID_COLUMNS = {"NCTId", "NCT Number", "trialid", "TrialID"}


def included_groups(sources_dir: Path = SOURCES_DIR) -> list[dict]:
    """Every trial the build keeps (before classification): merged record with its IDs and text."""
    facts = read_published_facts(sources_dir)
    published = {i.strip() for i in facts["registry_id"] if i.strip()}
    out = []
    for recs in group_records(read_all_registry_records(sources_dir)):
        merged = merge_group(recs)
        if inclusion(merged, recs, published)[0]:
            out.append(merged)
    return out


def stratum_of(text: dict) -> str:
    for name, pattern, fields, _ in STRATA:
        if not pattern or re.search(pattern, " | ".join(text[f] for f in fields), re.IGNORECASE):
            return name
    raise AssertionError("the last stratum matches everything")


def draw(seed: int = SEED, sources_dir: Path = SOURCES_DIR) -> pd.DataFrame:
    """trial_id, stratum, split (dev / heldout), order: a reproducible stratified random sample."""
    groups = included_groups(sources_dir)
    by_stratum: dict[str, list[str]] = {name: [] for name, *_ in STRATA}
    for m in groups:
        by_stratum[stratum_of(m["text"])].append(m["trial_id"])
    rng = random.Random(seed)
    rows = []
    for name, _, _, (dev, held) in STRATA:
        ids = sorted(by_stratum[name])
        picked = rng.sample(ids, min(len(ids), dev + held))
        rows += [{"trial_id": t, "stratum": name, "split": "dev" if i < dev else "heldout",
                  "stratum_size": len(ids)} for i, t in enumerate(picked)]
    out = pd.DataFrame(rows)
    out["order"] = range(1, len(out) + 1)
    return out


def _raw_tables(sources_dir: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name, rel in SOURCE_FILES.items():
        path = sources_dir / rel
        tables[name] = pd.read_csv(path, sep="\t" if path.suffix == ".tsv" else ",", dtype=str,
                                   keep_default_na=False, encoding="utf-8")
    return tables


def dossier(trial_ids: list[str], sources_dir: Path = SOURCES_DIR) -> dict[str, str]:
    """trial_id -> Markdown with every raw registry row of that trial (all IDs of the merged group), verbatim.

    Registry rows only: published review tables are a separate, cited input and not what the labels are read from.
    """
    groups = {m["trial_id"]: m for m in included_groups(sources_dir)}
    tables = _raw_tables(sources_dir)
    out = {}
    for tid in trial_ids:
        ids = set(groups[tid]["all_ids"])
        parts = [f"# {tid}", f"IDs: {', '.join(sorted(ids))}", ""]
        for name, df in tables.items():
            col = next(c for c in df.columns if c in _ID_COLUMNS)
            for _, row in df[df[col].str.strip().isin(ids)].drop_duplicates().iterrows():
                parts.append(f"## source: {name} ({SOURCE_FILES[name]})")
                parts += [f"- **{k}**: {' '.join(str(v).split())}" for k, v in row.items() if str(v).strip()]
                parts.append("")
        out[tid] = "\n".join(parts) + "\n"
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m msc_atlas.pipeline.gold", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("draw")
    d = sub.add_parser("dossier")
    d.add_argument("trial_ids", nargs="+")
    d.add_argument("--out-dir", type=Path, help="write one TRIAL.md per trial here instead of printing")
    args = p.parse_args(argv)
    if args.cmd == "draw":
        sample = draw()
        GOLD_DIR.mkdir(parents=True, exist_ok=True)
        sample.to_csv(SAMPLE_FILE, index=False, lineterminator="\n")
        print(sample.groupby(["stratum", "split"]).size().to_string())
        print(f"{len(sample)} trials -> {SAMPLE_FILE.relative_to(REPO_ROOT)} (seed {SEED})")
    elif args.cmd == "dossier":
        docs = dossier(args.trial_ids)
        if args.out_dir:
            args.out_dir.mkdir(parents=True, exist_ok=True)
            for tid, text in docs.items():
                (args.out_dir / f"{tid.replace('/', '_')}.md").write_text(text, encoding="utf-8")
        else:
            print("\n".join(docs.values()))


if __name__ == "__main__":
    main()
