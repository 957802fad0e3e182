"""The methods paragraph of a view: sources and as-of dates, search terms, inclusion rules, how fields were derived
and checked, the counts of the view, the dataset version, the view's link and how to cite. Plain text, ready to
paste; every number comes from the same data the pages show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from msc_atlas import vocab

# How the bundled inputs were searched (sources/README.md): quoted so a reader can repeat the search.
SEARCHES = (
    "ClinicalTrials.gov full records and search export for \u201cmesenchymal\u201d with tissue terms and MSC trade "
    "names (as of {ctgov}); ClinicalTrials.gov COVID-19 downloads and the WHO ICTRP COVID-19 export (as of {ictrp}) "
    "filtered for \u201cmesenchymal, stromal, stem cell, MSC, exosome, extracellular vesicle, secretome, Wharton, "
    "remestemcel, MultiStem, PLX-PAD, CAStem, ExoFlo\u201d in titles and interventions"
)
CITATION = (
    "MSC Trials Atlas, dataset build {version} (ClinicalTrials.gov as of {ctgov}; WHO ICTRP as of {ictrp}). {url}"
)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


CENSUS_FIELDS = {
    "product": "product",
    "source_tissue": "tissue source",
    "donor": "donor",
    "route": "route",
    "disease_group": "disease group",
    "dose_cells_per_kg": "dose per kg",
}


def census_sentences(census: Sequence[Mapping], reading: Mapping[str, int]) -> list[str]:
    """How the view's derived values were decided: the census (two blind readings and a third where they differ)
    with its agreement and kappa, and the rules' accuracy against it for the trials not yet read."""
    rows = {row["field"]: row for row in census if str(row.get("n", "")) not in ("", "0")}
    read, rules_only = reading.get("double_read", 0), reading.get("rules_only", 0)
    if not rows:
        return [
            "Product, tissue source, donor, route, dose, disease group and focus area were derived from the registry "
            "text of each trial by documented rules, keeping the phrase each value was decided from; values the "
            "registry does not state were recorded as not reported."
        ]

    def share(row: Mapping, key: str) -> float:
        return float(row[key]) if str(row.get(key, "")) not in ("", "nan") else float("nan")

    agreement = [share(r, "agreement") for r in rows.values()]
    kappas = [share(r, "kappa") for r in rows.values() if share(r, "kappa") == share(r, "kappa")]
    out = [
        f"Product (every MSC-derived product participants receive), tissue source, donor, route, doses, disease group "
        f"and focus area of {read:,} of the {read + rules_only:,} trials were read from the registry text (titles, "
        "conditions, interventions, arms, summary and detailed description) by two independent readers blind to "
        "each other and to any derived value, with a third reading deciding every field on which they differed; "
        "each value keeps the phrase it was decided from, and values the registry does not state were recorded as "
        "not reported.",
        f"Across the {max(int(r['n']) for r in rows.values()):,} trials read twice so far, the two readings agreed on "
        f"{min(agreement):.1%}–{max(agreement):.1%} of values per field (Cohen's kappa "
        f"{min(kappas):.2f}–{max(kappas):.2f})."
        if kappas
        else "",
    ]
    if rules_only:
        scored = ", ".join(
            f"{label} {float(rows[f]['rules_accuracy']):.1%} of {int(rows[f]['rules_n']):,}"
            for f, label in CENSUS_FIELDS.items()
            if f in rows and str(rows[f].get("rules_accuracy", "")) not in ("", "nan")
        )
        out.append(
            f"The other {rules_only:,} trials, not yet read, carry values from documented text rules, which matched "
            f"the census on the double-read trials for {scored} (an upper bound: the rules were last revised "
            "against these readings)."
        )
    return [s for s in out if s]


def evidence_sentences(figures: Mapping | None) -> list[str]:
    """The view's design and reporting figures (msc_atlas.views.evidence), each share with its denominator, and the
    snapshot dates that limit them."""
    if not figures or figures.get("empty"):
        return []
    design, gap, funnel = figures["design"], figures["gap"], {s["stage"]: s["n"] for s in figures["funnel"]}

    def share(key: str, word: str) -> str:
        d = design[key]
        return f"{d['hits']:,} of {d['known']:,} reporting it were {word} ({_pct(d['share'])})"

    snapshots = "; ".join(f"{n:,} trials as of {date}" for date, n in figures["snapshots"])
    return [
        f"Design was read from each record's structured fields: {share('randomised', 'randomised')}, "
        f"{share('blinded', 'blinded')} and {share('controlled', 'controlled (placebo, sham, active or no-intervention arm)')}.",
        f"{gap['completed']:,} trials were completed; {funnel.get('Completed, results posted on the registry', 0):,} "
        f"posted results on the registry and {funnel.get('Completed, results posted or any publication', 0):,} had "
        "results posted or a result or PubMed-linked (derived) publication listed; of the "
        f"{gap['due']:,} completed at least a year before their snapshot, {gap['silent_due']:,} "
        f"({_pct(gap['silent_share'])}) showed neither. Derived publications are PubMed's links to the trial number "
        f"and may be protocols or secondary papers; results are as found in the registry snapshots ({snapshots}).",
    ]


def paragraph(
    *,
    scope: str,
    numbers: Mapping,
    version: Mapping[str, str],
    flow: Mapping,
    census: Sequence[Mapping],
    reading: Mapping[str, int],
    link: str,
    evidence: Mapping | None = None,
) -> str:
    """The methods text of one view. `numbers` are the view's headline numbers (msc_atlas.counting), `flow` the
    record flow (data/record_flow.json), `census` the census's agreement and the rules' accuracy against it
    (data/census_accuracy.csv rows), `reading` the view's trials per reading status, `evidence` the view's design
    and reporting figures (msc_atlas.views.evidence)."""
    ctgov, ictrp = version.get("ctgov_as_of", "not reported"), version.get("ictrp_as_of", "not reported")
    excluded = "; ".join(f"{e['reason']} ({e['trials']:,})" for e in flow["excluded"])
    not_msc = "; ".join(f"{e['reason']} ({e['trials']:,})" for e in flow["not_msc"])
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
        *census_sentences(census, reading),
        f"The view analysed here ({scope}) comprises {vocab.plural(numbers['trials'])} in "
        f"{vocab.plural(numbers['countries'], 'country', 'countries')} with {numbers['participants']:,} participants planned or enrolled ({vocab.plural(numbers['enrollment_reported'])} "
        f"{'reports' if numbers['enrollment_reported'] == 1 else 'report'} enrollment); {_pct(numbers.get('ev_share'))} test exosomes, extracellular vesicles or "
        f"secretome and {_pct(numbers.get('recruiting_share'))} were recruiting or not yet recruiting when last "
        "updated.",
        *evidence_sentences(evidence),
        f"The view can be reopened at {link}.",
        "Cite as: " + CITATION.format(version=version.get("dataset_version", ""), ctgov=ctgov, ictrp=ictrp, url=link),
    ]
    return " ".join(s for s in sentences if s)
