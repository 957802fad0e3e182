"""Command-line tools that need the whole assembled dataset. They sit above the build (nothing the build imports
depends on them), so the pipeline's modules import one way only: tools -> build -> curation / gold / report / ...

    python -m msc_atlas.pipeline.tools gold-score [--show FIELDS] [--split dev|heldout|all]
        per-field accuracy of the rules (before curation) against the gold labels, and the disagreements
    python -m msc_atlas.pipeline.tools candidates
        candidate corrections from the published review tables -> curation/corrections_candidates.csv (for review)
"""

from __future__ import annotations

import argparse

from msc_atlas.pipeline import gold
from msc_atlas.pipeline.build import assemble
from msc_atlas.pipeline.curation import CANDIDATES_FILE, candidate_corrections


def gold_score(show: str = "", split: str = "dev") -> None:
    trials = assemble()[0]
    comparison = gold.compare(trials, gold.load_labels())
    print(gold.score_table(gold.score(comparison)))
    if not show:
        return
    fields = set(show.split(",")) if show != "all" else None
    wrong = comparison[~comparison["right"]]
    if split != "all":
        wrong = wrong[wrong["split"] == split]
    for r in wrong.to_dict("records"):
        if fields is None or r["field"] in fields:
            print(f"{r['trial_id']:<24} {r['split']:<8} {r['field']:<18} gold={r['gold']!r:<40} built={r['built']!r}")


def candidates() -> None:
    """Write candidate corrections for review (does not touch data/ or corrections.csv)."""
    trials, facts, _ = assemble()
    cand = candidate_corrections(facts, trials)
    CANDIDATES_FILE.parent.mkdir(exist_ok=True)
    cand.to_csv(CANDIDATES_FILE, index=False, lineterminator="\n")
    print(f"{len(cand)} candidate corrections -> {CANDIDATES_FILE}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m msc_atlas.pipeline.tools", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sc = sub.add_parser("gold-score")
    sc.add_argument("--show", default="", help="print the disagreements of these fields (comma-separated, or all)")
    sc.add_argument("--split", default="dev", help="disagreements of this split only: dev (default), heldout, all")
    sub.add_parser("candidates")
    args = p.parse_args(argv)
    if args.cmd == "gold-score":
        gold_score(args.show, args.split)
    else:
        candidates()


if __name__ == "__main__":
    main()
