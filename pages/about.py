"""About: sources and licences, how each field is derived, dataset version, limitations and how to cite."""

from __future__ import annotations

import dash
from dash import dcc, html

from msc_atlas import coverage, data
from msc_atlas.ui.components import attrs

dash.register_page(__name__, path="/about", name="About", order=7, title="About — MSC Trials Atlas")

SOURCES = [
    (
        "ClinicalTrials.gov full records, flattened (1,536 trials, pulled 7–13 Oct 2022)",
        "US National Library of Medicine public records; copied from GitHub jesnyder/mapClinical (GPL-3.0 code).",
        "https://clinicaltrials.gov/",
    ),
    (
        "ClinicalTrials.gov full records, every field (the same 1,536 trials, JSON Lines, pulled 7–13 Oct 2022)",
        "US NLM public records; same repository. The detailed descriptions the census reads and the classifiers use "
        "come from here.",
        "https://clinicaltrials.gov/",
    ),
    (
        "ClinicalTrials.gov classic search export “mesenchymal stem OR mesenchymal stromal” (1,389 rows, 29 Sep 2022)",
        "US NLM public records; same repository.",
        "https://clinicaltrials.gov/",
    ),
    (
        "ClinicalTrials.gov COVID-19 daily exports, 30 Jun and 12 Oct 2020 (MSC / exosome rows)",
        "US NLM public records; copied from GitHub kaustcovid19/data.",
        "https://clinicaltrials.gov/",
    ),
    (
        "WHO ICTRP COVID-19 export, about 6 Jul 2020 (MSC / exosome rows)",
        "WHO ICTRP and its source registries; copied from GitHub ebmdatalab/covid_trials_tracker-covid (MIT).",
        "https://trialsearch.who.int/",
    ),
    (
        "COVID-19 TrialsTracker cleaned ICTRP lists, 29 Jun and 16 Dec 2020",
        "EBM DataLab, MIT licence; WHO ICTRP data.",
        "https://github.com/ebmdatalab/covid_trials_tracker-covid",
    ),
    (
        "Published review tables (168 facts from 34 pages) and mechanism claims (77 from 21 pages)",
        "Each fact keeps the URL of the page it was read from; shown next to the trial it concerns.",
        None,
    ),
]


def layout(**_query):
    version = data.load_version()
    return html.Div(
        [
            html.H1("About MSC Trials Atlas", className="h4"),
            html.Section(
                [
                    html.P(
                        "MSC Trials Atlas maps registered clinical trials of mesenchymal stem/stromal cells (MSCs) and "
                        "MSC-derived products — exosomes / small extracellular vesicles, secretome and conditioned "
                        "medium — worldwide, with two focus areas: severe COVID-19 / ARDS and liver disease."
                    ),
                    html.P(
                        [
                            html.Strong("Dataset build: "),
                            html.Span(version["dataset_version"], id="about-version"),
                            f" (the date the dataset was built, not a data date: its data reach "
                            f"{coverage.data_to(version)}). ClinicalTrials.gov records as of {version['ctgov_as_of']}; "
                            f"other registries (via WHO ICTRP, COVID-19 trials only) as of {version['ictrp_as_of']}. "
                            "Statuses change: check the registry record (linked from every trial) for the current one.",
                        ]
                    ),
                ],
                className="card-panel",
            ),
            html.Section(
                [
                    html.H2("Sources and licences", className="h5"),
                    html.Ul(
                        [
                            html.Li(
                                [
                                    html.Strong(name),
                                    html.Br(),
                                    note,
                                    " ",
                                    html.A("link", href=url, target="_blank", rel="noopener noreferrer")
                                    if url
                                    else None,
                                ]
                            )
                            for name, note, url in SOURCES
                        ]
                    ),
                ],
                className="card-panel",
            ),
            html.Section(
                [
                    html.H2("How each field is derived", className="h5"),
                    html.Ul(
                        [
                            html.Li(
                                "Registry fields (title, conditions, phase, status, enrollment, dates, sponsor, countries) are "
                                "taken as registered; country names are mapped to ISO 3166-1 codes."
                            ),
                            html.Li(
                                "Focus area, disease group, product, tissue source, donor, route and dose are read from "
                                "each trial's registry text (titles, conditions, interventions, arms, summary and detailed "
                                "description) by two readers working blind, with a third reading where they differ: the "
                                "census. A trial nobody has read yet (marked “Rules only” under Reading) carries values "
                                "from documented text rules. The phrase each value was decided from is kept and shown on "
                                "the Trials page."
                            ),
                            html.Li(
                                "When the registry text does not say, the value is “not reported” — never a guess."
                            ),
                            html.Li(
                                "Where a registry is silent or wrong and a published review table states the fact, a curated "
                                "correction with its citation is applied; disagreements between sources are listed, "
                                "not hidden."
                            ),
                            html.Li(
                                "Design (allocation, masking, control arms, intervention model), eligibility (ages, sex, "
                                "healthy volunteers), primary outcomes, completion dates, why a trial stopped, results "
                                "posted and publications are read by code from each record's structured fields (the "
                                "ClinicalTrials.gov full record; for other registries the WHO ICTRP row and the COVID-19 "
                                "TrialsTracker row), keeping the registry's own words. “No results” means none found in "
                                "that snapshot; “derived” publications are PubMed's links to the trial number and can be "
                                "protocols or secondary papers."
                            ),
                            html.Li("A trial registered in two registries is one row; its other IDs are kept."),
                        ]
                    ),
                ],
                className="card-panel",
            ),
            census_section(data.load_census_accuracy(), data.load_trials()["reading_status"].value_counts().to_dict()),
            html.Section(
                [
                    html.H2("Limitations", className="h5"),
                    html.Ul(
                        [
                            html.Li(
                                "The ClinicalTrials.gov snapshot is from October 2022; non-NCT registries are covered only for "
                                "COVID-19, up to December 2020."
                            ),
                            html.Li(
                                "Classification is text-based: a trial whose record does not name its tissue, route or dose "
                                "shows “not reported”."
                            ),
                            html.Li(
                                "Enrollment is the registered number (planned for ongoing trials, actual for finished ones)."
                            ),
                            html.Li(
                                "Non-NCT liver trials are sparse; no exosome trial for liver disease appears in any source."
                            ),
                            html.Li(
                                "Hosts can bring the data up to date from ClinicalTrials.gov API v2 and WHO ICTRP exports "
                                "(docs/refresh.md in the code repository); the version above then ends in “-refresh” and "
                                "the as-of dates move."
                            ),
                        ]
                    ),
                ],
                className="card-panel",
            ),
            html.Section(
                [
                    html.H2("How to cite", className="h5"),
                    html.P(
                        f"MSC Trials Atlas, dataset build {version['dataset_version']} (data to "
                        f"{coverage.data_to(version)}). Built from "
                        "ClinicalTrials.gov and WHO ICTRP registry exports. Cite the registry record of each trial you "
                        "use. The COVID-19 landscape of mid-2020 follows Tsuchiya A. et al., Inflamm Regen 2020 "
                        "(doi 10.1186/s41232-020-00121-y); the liver review is Tsuchiya A. et al., Inflamm Regen 2019."
                    ),
                    dcc.Link("Back to the overview", href="/"),
                ],
                className="card-panel",
            ),
        ]
    )


CENSUS_LABELS = {
    "product": "Product",
    "source_tissue": "Tissue source",
    "donor": "Donor",
    "route": "Route",
    "focus_area": "Focus area",
    "disease_group": "Disease group",
    "dose_cells_per_kg": "Dose, cells per kg",
    "dose_cells_total": "Dose, cells in total",
    "ev_dose": "Dose, EVs / secretome",
}


def _share(value: str) -> str:
    return "–" if value in ("", "nan") else f"{float(value):.1%}"


def census_section(rows: list[dict], reading: dict[str, int]) -> html.Section:
    """How right the values are: the census's reader agreement and kappa per field, and how often the rules (which
    decide the trials not yet read) matched the census."""
    read, rules_only = reading.get("double_read", 0), reading.get("rules_only", 0)
    header = ["Field", "Trials read twice", "Readers agreed", "Cohen's kappa", "Rules matched the census"]
    body = [
        html.Tr(
            [
                html.Th(CENSUS_LABELS.get(r["field"], r["field"]), scope="row"),
                html.Td(f"{int(r['n']):,}"),
                html.Td(_share(r["agreement"])),
                html.Td("–" if r["kappa"] in ("", "nan") else f"{float(r['kappa']):.2f}"),
                html.Td(
                    f"{_share(r['rules_accuracy'])} of {int(r['rules_n']):,}" if r["rules_n"] not in ("", "0") else "–"
                ),
            ]
        )
        for r in rows
    ]
    return html.Section(
        [
            html.H2("How right the values are", className="h5"),
            html.P(
                f"{read:,} of {read + rules_only:,} trials have been read twice so far (the census, "
                "curation/census/ in the code repository). The readers' agreement before the third reading, and "
                "Cohen's kappa, say how clear the registry text is; the last column says how often the documented "
                "rules gave the census's value on these same trials. The rules were last revised against these "
                "readings, so that column is an upper bound for what they give on trials a refresh adds or changes "
                f"({rules_only:,} trials carry rules' values now); their score on trials they were not tuned on is the "
                "held-out column of data/gold_accuracy.csv. "
                "Tissue, donor, route and doses are compared on trials of MSC-derived products."
            ),
            html.Div(  # a phone scrolls the table sideways: a named region the keyboard can reach (WCAG 2.1.1)
                html.Table(
                    [html.Thead(html.Tr([html.Th(h, scope="col") for h in header])), html.Tbody(body)],
                    className="table table-sm",
                ),
                className="table-responsive",
                tabIndex="0",
                role="region",
                **attrs(aria_label="Agreement and accuracy per field"),
            ),
        ],
        className="card-panel",
        id="about-census",
    )
