"""About: sources and licences, how each field is derived, dataset version, limitations and how to cite."""

from __future__ import annotations

import dash
from dash import dcc, html

from msc_atlas import data

dash.register_page(__name__, path="/about", name="About", order=5, title="About — MSC Trials Atlas")

SOURCES = [
    (
        "ClinicalTrials.gov full records, flattened (1,536 trials, pulled 7–13 Oct 2022)",
        "US National Library of Medicine public records; copied from GitHub jesnyder/mapClinical (GPL-3.0 code).",
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
                            html.Strong("Dataset version: "),
                            html.Span(version["dataset_version"], id="about-version"),
                            f". ClinicalTrials.gov records as of {version['ctgov_as_of']}; "
                            f"other registries (via WHO ICTRP) as of {version['ictrp_as_of']}. "
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
                                "Focus area, disease group, product, tissue source, donor, route and dose are decided by "
                                "documented text rules from the registry's titles, conditions, interventions, arms and "
                                "summary. The phrase each value was decided from is kept and shown on the Trials page."
                            ),
                            html.Li(
                                "When the registry text does not say, the value is “not reported” — never a guess."
                            ),
                            html.Li(
                                "Where a registry is silent or wrong and a published review table states the fact, a curated "
                                "correction with its citation is applied; disagreements between sources are listed, "
                                "not hidden."
                            ),
                            html.Li("A trial registered in two registries is one row; its other IDs are kept."),
                        ]
                    ),
                ],
                className="card-panel",
            ),
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
                        f"MSC Trials Atlas, dataset {version['dataset_version']}. Built from "
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
