"""The methods paragraph of a view: sources and as-of dates, search terms, inclusion rules, how fields were derived
and checked, the counts of the view, the dataset version, the view's link and how to cite. Plain text, ready to
paste; every number comes from the same data the pages show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# How the bundled inputs were searched (sources/README.md): quoted so a reader can repeat the search.
SEARCHES = (
    "ClinicalTrials.gov full records and search export for \u201cmesenchymal\u201d with tissue terms and MSC trade "
    "names (as of {ctgov}); ClinicalTrials.gov COVID-19 downloads and the WHO ICTRP COVID-19 export (as of {ictrp}) "
    "filtered for \u201cmesenchymal, stromal, stem cell, MSC, exosome, extracellular vesicle, secretome, Wharton, "
    "remestemcel, MultiStem, PLX-PAD, CAStem, ExoFlo\u201d in titles and interventions"
)
CITATION = "MSC Trials Atlas, dataset {version} (ClinicalTrials.gov as of {ctgov}; WHO ICTRP as of {ictrp}). {url}"
ACCURACY_FIELDS = {
    "product": "product",
    "source_tissue": "tissue source",
    "donor": "donor",
    "route": "route",
    "disease_group": "disease group",
    "dose_per_kg_range": "dose per kg",
}


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def paragraph(
    *, scope: str, numbers: Mapping, version: Mapping[str, str], flow: Mapping, accuracy: Sequence[Mapping], link: str
) -> str:
    """The methods text of one view. `numbers` are the view's headline numbers (msc_atlas.counting), `flow` the
    record flow (data/record_flow.json), `accuracy` the gold-sample scores (data/gold_accuracy.csv rows)."""
    ctgov, ictrp = version.get("ctgov_as_of", "not reported"), version.get("ictrp_as_of", "not reported")
    excluded = "; ".join(f"{e['reason']} ({e['trials']:,})" for e in flow["excluded"])
    not_msc = "; ".join(f"{e['reason']} ({e['trials']:,})" for e in flow["not_msc"])
    scored = {row["field"]: row for row in accuracy}
    accuracy_text = ", ".join(
        f"{label} {float(scored[f]['accuracy']):.1%}" for f, label in ACCURACY_FIELDS.items() if f in scored
    )
    gold_n = max((int(row["n"]) for row in accuracy), default=0)
    sentences = [
        f"Trials were identified in the MSC Trials Atlas (dataset {version.get('dataset_version', '')}), which "
        f"combines {SEARCHES.format(ctgov=ctgov, ictrp=ictrp)}.",
        f"Of {flow['records_read']:,} records read, {_n(flow['duplicate_rows'], 'exact duplicate row')} "
        f"{'was' if flow['duplicate_rows'] == 1 else 'were'} removed and "
        f"{flow['merged_records']:,} records were merged with another record of the same trial "
        f"(cross-registrations and earlier snapshots), leaving {flow['trials_screened']:,} trials.",
        f"{flow['excluded_trials']:,} were excluded before classification ({excluded}), and "
        f"{flow['not_msc_trials']:,} gave participants no MSC product ({not_msc}), leaving "
        f"{flow['included_trials']:,} trials of MSCs, MSC-derived extracellular vesicles or secretome.",
        "Product, tissue source, donor, route, dose, disease group and focus area were derived from the registry "
        "text of each trial by documented rules, keeping the phrase each value was decided from; values the "
        "registry does not state were recorded as not reported.",
        f"Against a random, stratified gold sample of {gold_n} trials labelled by reading the registry records, the "
        f"derived values were correct for {accuracy_text}."
        if accuracy_text
        else "",
        f"The view analysed here ({scope}) comprises {numbers['trials']:,} trials in {numbers['countries']:,} "
        f"countries with {numbers['participants']:,} planned participants ({numbers['enrollment_reported']:,} "
        f"trials report enrollment); {_pct(numbers.get('ev_share'))} test exosomes, extracellular vesicles or "
        f"secretome and {_pct(numbers.get('recruiting_share'))} were recruiting or about to recruit when last "
        "updated.",
        f"The view can be reopened at {link}.",
        "Cite as: " + CITATION.format(version=version.get("dataset_version", ""), ctgov=ctgov, ictrp=ictrp, url=link),
    ]
    return " ".join(s for s in sentences if s)
