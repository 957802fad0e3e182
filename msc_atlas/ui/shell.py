"""The page frame shared by every page: navbar, shared filter panel, notices and footer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from msc_atlas import coverage, fields, ids, vocab
from msc_atlas.fields import Field
from msc_atlas.filters import LENSES, YEAR_MAX
from msc_atlas.ui.components import attrs

YEAR_FLOOR = 2004  # the first MSC trial in the bundled data was posted in 2004
YEARS_LABEL = ids.control("years") + "-label"
KG_LABEL = ids.control("kg") + "-label"


def choice_options(field: Field, countries: list[str], counts: Mapping[str, int] | None = None) -> list[dict[str, str]]:
    """The options of a filter control: the vocabulary in its order (group choices first), or the dataset's
    countries by name; with `counts`, each label ends with the trials the value would match ("Bone marrow (402)")."""
    if field.vocabulary is None:
        pairs = sorted(((code, vocab.country_name(code)) for code in countries), key=lambda pair: pair[1])
    else:
        grouped = [(key, label) for key, (label, _) in (field.groups or {}).items()]
        pairs = grouped + [(key, vocab.label(field.vocabulary, key)) for key in field.vocabulary]
    if counts is None:
        return [{"label": label, "value": key} for key, label in pairs]
    return [{"label": f"{label} ({counts.get(key, 0):,})", "value": key} for key, label in pairs]


def navbar() -> dbc.Navbar:
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page["name"],
                href=page["relative_path"],
                active="exact",
                id={"type": ids.NAV_LINK, "index": page["relative_path"]},
            )
        )
        for page in dash.page_registry.values()
        if not page["module"].endswith("not_found_404")
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand([html.Span("MSC", className="brand-mark"), " Trials Atlas"], href="/"),
                html.Button(
                    "Filters",
                    id=ids.FILTER_TOGGLE,
                    className="btn btn-light btn-sm d-lg-none filter-toggle",
                    n_clicks=0,
                    **attrs(aria_controls=ids.FILTER_PANEL, aria_expanded="false"),
                ),
                dbc.Nav(links, navbar=True, className="main-nav"),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-0",
        expand=True,
    )


DESIGN_FILTERS = ("allocation", "blinded", "controlled", "age", "results")  # under their own heading in the panel


def filter_panel(countries: list[str]) -> html.Aside:
    controls: list[Any] = []
    for key, field in fields.filters().items():
        control_id = ids.control(key)
        if key == DESIGN_FILTERS[0]:
            controls.append(html.H2("Design and results", className="filter-group-heading"))
        controls.append(
            html.Div(
                [
                    html.Label(field.label, htmlFor=control_id, className="form-label small fw-semibold mb-1"),
                    dcc.Dropdown(
                        id=control_id,
                        options=choice_options(field, countries),
                        multi=True,
                        placeholder=field.placeholder,
                        persistence=False,
                        className="filter-dropdown",
                    ),
                ],
                className="mb-2",
            )
        )
    return html.Aside(
        [
            html.Div(
                [
                    html.Span(id=ids.MATCH_COUNT, className="match-count", role="status", **attrs(aria_live="polite")),
                    dbc.Button("Clear filters", id=ids.CLEAR, color="link", size="sm", n_clicks=0, className="p-0"),
                ],
                className="d-flex justify-content-between align-items-baseline mb-2",
            ),
            html.Div(
                [
                    html.Div("Quick views", className="form-label small fw-semibold mb-1"),
                    html.Div(
                        [
                            dbc.Button(
                                label,
                                id={"type": ids.LENS, "index": name},
                                n_clicks=0,
                                size="sm",
                                outline=True,
                                color="primary",
                                className="me-1 mb-1 lens-button",
                            )
                            for name, (label, _) in LENSES.items()
                        ]
                    ),
                ],
                className="mb-2",
            ),
            html.Div(
                [
                    html.Label("Search", htmlFor=ids.control("q"), className="form-label small fw-semibold mb-1"),
                    dcc.Input(
                        id=ids.control("q"),
                        type="search",
                        debounce=True,
                        placeholder="ID, title, condition, sponsor",
                        maxLength=200,
                        className="form-control form-control-sm",
                    ),
                ],
                className="mb-2",
            ),
            *controls,
            html.Div(
                [
                    html.Div("First posted (year)", id=YEARS_LABEL, className="form-label small fw-semibold mb-1"),
                    dcc.RangeSlider(
                        id=ids.control("years"),
                        min=YEAR_FLOOR,
                        max=YEAR_MAX - 4,
                        step=1,
                        value=[YEAR_FLOOR, YEAR_MAX - 4],
                        allowCross=False,
                        marks={year: str(year) for year in range(YEAR_FLOOR, YEAR_MAX - 3, 6)},
                        tooltip={"placement": "bottom", "always_visible": False},
                    ),
                ],
                className="mb-2",
                role="group",
                **attrs(aria_labelledby=YEARS_LABEL),
            ),  # names the slider's inputs
            html.Div(id=ids.POSTED_BY_NOTE, className="small text-muted"),
            dose_controls(),
            # on a phone the panel opens above the page: its end says how to get back to the results
            dbc.Button(
                "Done: show the results",
                id=ids.FILTER_DONE,
                color="primary",
                size="sm",
                n_clicks=0,
                className="d-lg-none w-100 mt-1",
            ),
        ],
        id=ids.FILTER_PANEL,
        className="filter-panel",
        **attrs(aria_label="Filters"),
    )


def dose_controls() -> html.Div:
    """Whether a trial states a dose, and the range of cells per kg one of its stated levels falls in."""
    return html.Div(
        [
            html.Label("Dose", htmlFor=ids.control("dose"), className="form-label small fw-semibold mb-1"),
            dcc.Dropdown(
                id=ids.control("dose"),
                options=[
                    {"label": "States a dose (cells or EVs)", "value": "stated"},
                    {"label": "States no dose", "value": "none"},
                ],
                multi=False,
                placeholder="Stated or not",
                persistence=False,
                className="filter-dropdown mb-2",
            ),
            html.Div("Cells per kg, per administration", id=KG_LABEL, className="form-label small fw-semibold mb-1"),
            html.Div(
                [
                    _kg_input("kg_from", "from", "e.g. 1e6"),
                    _kg_input("kg_to", "to", "e.g. 2e6"),
                ],
                className="d-flex gap-2",
                role="group",
                **attrs(aria_labelledby=KG_LABEL),
            ),
            html.Div(
                "A trial matches when one stated level lies in the range; 2e6, 2 million or 2 × 10^6 all work.",
                className="small text-muted mt-1",
            ),
        ],
        className="mb-2",
    )


def _kg_input(key: str, label: str, placeholder: str) -> html.Div:
    control_id = ids.control(key)
    return html.Div(
        [
            html.Label(label, htmlFor=control_id, className="small mb-0"),
            dcc.Input(
                id=control_id,
                type="text",
                debounce=True,
                placeholder=placeholder,
                maxLength=40,
                className="form-control form-control-sm",
            ),
        ],
        className="flex-fill",
    )


def footer(version: dict[str, str]) -> html.Footer:
    text = (
        f"MSC Trials Atlas {coverage.version_line(version)} (ClinicalTrials.gov records as of "
        f"{version['ctgov_as_of']}; other registries, COVID-19 only, as of {version['ictrp_as_of']})"
    )
    return html.Footer(
        [
            html.Span(text, id=ids.VERSION_FOOTER),
            html.Span(" · "),
            dcc.Link("Sources, method and how to cite", href="/about"),
        ],
        className="site-footer small text-muted",
    )


def frame(countries: list[str], version: dict[str, str]) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.FILTER_STORE),
            dcc.Store(id=ids.CLICK_STORE),
            # past the navbar and a dozen filter controls in one key press (WCAG 2.4.1); a fragment link does not
            # re-run the page router (it reads pathname and search only)
            html.A("Skip to the page content", href="#main", className="visually-hidden-focusable skip-link"),
            navbar(),
            html.Div(
                [
                    filter_panel(countries),
                    html.Main(
                        [
                            html.Div(id=ids.NOTICE, role="status"),
                            html.P(id=ids.COVERAGE, className="coverage-note small text-muted mb-2"),
                            dash.page_container,
                        ],
                        className="page-main",
                        id="main",
                        tabIndex="-1",
                    ),
                ],
                className="page-body",
            ),
            footer(version),
        ]
    )
