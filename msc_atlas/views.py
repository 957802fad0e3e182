"""What each page shows for a filter state: figures, headline numbers and text alternatives, cached per state.

Pages call these and only wire the results to components. Caching by the (frozen, hashable) filter state means a
view asked for again (another client, back/forward, the same lens) costs a dictionary look-up.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit
from typing import Any

import pandas as pd

from msc_atlas import figures, vocab
from msc_atlas.filters import FilterState, country_name
from msc_atlas.selection import derived, filtered, trial_counts, trial_index

CACHE_SIZE = 256


def _fig(fig) -> dict[str, Any]:
    # A plain dict is what dcc.Graph receives anyway; converting once here keeps cached values immutable-ish.
    return fig if isinstance(fig, dict) else fig.to_plotly_json()


def _rows(counts: pd.Series, vocabulary: dict[str, str] | None) -> list[tuple[str, int]]:
    if vocabulary is None:
        return [(country_name(key), int(n)) for key, n in counts.items()]
    return [(vocab.label(vocabulary, key), int(n)) for key, n in counts.items()]


@lru_cache(maxsize=CACHE_SIZE)
def overview(state: FilterState, colour_by: str = "all", stack_by: str = "product") -> dict[str, Any]:
    # Counted from the row mask over codes built once per dataset (msc_atlas.counting): no rows are copied.
    counts = trial_counts()
    keep = counts.index.mask(state)
    scope = state.describe()
    numbers = counts.headline_numbers(keep)
    if numbers["trials"] == 0:
        return {"empty": True, "scope": scope, "numbers": numbers}
    product_label = "all products" if colour_by == "all" else vocab.label(vocab.PRODUCTS, colour_by)
    map_title = f"Trials per country ({product_label}) — {scope}"
    stack_label = "product" if stack_by == "product" else "focus area"
    time_title = f"Trials first posted per year, by {stack_label} — {scope}"
    map_keep = keep if colour_by == "all" else counts.product_mask(keep, colour_by)
    per_country = counts.country_counts(map_keep)
    column, vocabulary = ("product", vocab.PRODUCTS) if stack_by == "product" else ("focus_area", vocab.FOCUS_AREAS)
    table = counts.registrations_by_year(keep, column)
    shown = [key for key in vocabulary if key in table.columns]
    per_year = table.to_numpy()[:, [table.columns.get_loc(key) for key in shown]]
    return {
        "empty": False,
        "scope": scope,
        "numbers": numbers,
        "map": _fig(figures.country_map(per_country, counts.leading_tissues_by_country(map_keep), map_title)),
        "map_title": map_title,
        "map_rows": _rows(per_country, None),
        "no_country": counts.without_country(map_keep),
        "timeline": _fig(figures.timeline(table, time_title, stack_by)),
        "timeline_title": time_title,
        "timeline_header": ["Year", *[vocab.label(vocabulary, key) for key in shown]],
        "timeline_rows": [(str(year), *row) for year, row in zip(table.index.tolist(), per_year.tolist())],
    }


# Breakdown charts of the sources & routes page: name -> (column, vocabulary, multi-valued?, colours)
BREAKDOWNS = {
    "tissue": ("source_tissue", vocab.SOURCE_TISSUES, True, None),
    "route": ("route", vocab.ROUTES, True, None),
    "donor": ("donor", vocab.DONORS, False, None),
    "phase": ("phase", vocab.PHASES, False, None),
    "status": ("status", vocab.STATUSES, False, None),
    "product": ("product", vocab.PRODUCTS, False, vocab.PRODUCT_COLOURS),
}
BREAKDOWN_TITLES = {
    "tissue": "Tissue source", "route": "Route of administration", "donor": "Donor",
    "phase": "Phase", "status": "Recruitment status", "product": "Product",
}


@lru_cache(maxsize=CACHE_SIZE)
def sources_routes(state: FilterState) -> dict[str, Any]:
    counts = trial_counts()
    keep = counts.index.mask(state)
    scope = state.describe()
    n = int(keep.sum())
    if n == 0:
        return {"empty": True, "scope": scope}
    result: dict[str, Any] = {"empty": False, "scope": scope, "n": n}
    for name, (column, vocabulary, multi, colours) in BREAKDOWNS.items():
        per_value = counts.count_by(keep, column, vocabulary, multi)
        title = f"{BREAKDOWN_TITLES[name]} — {scope}"
        result[name] = {"figure": _fig(figures.category_bar(per_value, vocabulary, title, colours)),
                        "title": title, "rows": _rows(per_value, vocabulary)}
    matrix = counts.tissue_route_matrix(keep)
    routes = matrix.columns.tolist()
    matrix_title = f"Tissue source × route (trials) — {scope}"
    result["matrix"] = {
        "figure": _fig(figures.tissue_route_heatmap(matrix, matrix_title)), "title": matrix_title,
        "rows": [(vocab.label(vocab.SOURCE_TISSUES, tissue), vocab.label(vocab.ROUTES, route), n_pair)
                 for tissue, row in zip(matrix.index.tolist(), matrix.to_numpy().tolist())
                 for route, n_pair in zip(routes, row) if n_pair],
    }
    groups = counts.dose_groups(keep)
    n_points = sum(len(g["trial_ids"]) for g in groups)
    dose_title = f"Cell dose per kg by route: each trial's stated range (log scale) — {scope}"
    result["dose"] = {
        "figure": _fig(figures.dose_ranges(groups, dose_title)) if n_points else None,
        "title": dose_title, "n_points": n_points, "n_trials": counts.dose_trials(keep),
        "silent_share": counts.dose_reporting_share(keep), "per_kg_trials": counts.per_kg_trials(keep),
        "rows": [(vocab.label(vocab.ROUTES, g["route"]), len(g["trial_ids"]), g["median_low"], g["median_high"])
                 for g in groups],
    }
    return result


def clear_caches() -> None:
    from msc_atlas.selection import count_matches, counts_by

    for cached in (overview, sources_routes, trial_rows, filtered, count_matches, counts_by):
        cached.cache_clear()


# Columns of the trials grid: key in the row records -> (header, trials column, vocabulary or None)
GRID_COLUMNS = {
    "trial_id": ("Trial ID", "trial_id", None),
    "title": ("Title", "title", None),
    "focus": ("Focus", "focus_area", vocab.FOCUS_AREAS),
    "product": ("Product", "product", vocab.PRODUCTS),
    "tissue": ("Tissue source", "source_tissue", vocab.SOURCE_TISSUES),
    "route": ("Route", "route", vocab.ROUTES),
    "donor": ("Donor", "donor", vocab.DONORS),
    "phase": ("Phase", "phase", vocab.PHASES),
    "status": ("Status", "status", vocab.STATUSES),
    "enrollment": ("Planned enrollment", "enrollment", None),
    "countries": ("Countries", "countries", None),
    "first_posted": ("First posted", "first_posted", None),
    "start_date": ("Start", "start_date", None),
    "sponsor": ("Sponsor", "sponsor", None),
}


def _labels(cell: str, vocabulary: dict[str, str]) -> str:
    return ", ".join(vocab.label(vocabulary, value) for value in (cell or vocab.UNKNOWN).split(vocab.MULTI_SEP))


def _display_cell(key: str, value: Any, vocabulary: dict[str, str] | None) -> Any:
    if vocabulary is not None:
        return _labels(value, vocabulary)
    if key == "countries":
        return ", ".join(country_name(code) for code in value.split(vocab.MULTI_SEP) if code) or vocab.NOT_REPORTED
    if key == "enrollment":
        return None if pd.isna(value) else int(value)
    return value if value != "" else vocab.NOT_REPORTED


def _grid_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Grid records of every trial in `frame`, labels resolved once per distinct value."""
    table = pd.DataFrame({"url": frame["url"]}, index=frame.index)
    for key, (_, column, vocabulary) in GRID_COLUMNS.items():
        cells = frame[column].astype(object).tolist()
        shown = {value: _display_cell(key, value, vocabulary) for value in set(cells)}
        table[key] = pd.Series([shown[value] for value in cells], index=frame.index, dtype=object)
    return table


def _display_frame() -> pd.DataFrame:
    """The grid table of the loaded trials, built once: a filter then only selects rows of it."""
    return derived("grid", trial_index().frame, _grid_table)


@lru_cache(maxsize=CACHE_SIZE)
def trial_rows(state: FilterState) -> list[dict[str, Any]]:
    """Grid records for the filtered trials, categories as labels, countries as names."""
    return _display_frame()[trial_index().mask(state)].to_dict("records")


CITATION = ("MSC Trials Atlas, dataset {version}: built from ClinicalTrials.gov (as of {ctgov}) and WHO ICTRP "
            "COVID-19 exports (as of {ictrp}); see /about for sources and licences.")


def export_csv(state: FilterState, visible_rows: Any = None) -> tuple[str, str]:
    """CSV text of the filtered trials (all columns), headed by the dataset version, filter and a citation line.

    `visible_rows` are the grid's rows after its own column filters and sorting; when given, exactly those
    trials are exported, in that order.
    """
    from msc_atlas.data import load_version  # late import: views stays importable without data at hand

    frame = filtered(state)
    if isinstance(visible_rows, list):
        wanted = [row.get("trial_id") for row in visible_rows if isinstance(row, dict)]
        frame = frame.set_index("trial_id", drop=False).reindex(
            [trial_id for trial_id in wanted if trial_id in set(frame["trial_id"])])
    version = load_version()
    lines = [
        "# " + CITATION.format(version=version.get("dataset_version", "unversioned"),
                               ctgov=version.get("ctgov_as_of", "not reported"),
                               ictrp=version.get("ictrp_as_of", "not reported")),
        f"# Filter: {state.describe()} ({state.to_query() or 'no filter'}); rows: {len(frame)}",
    ]
    body = frame[vocab.TRIAL_COLUMNS].to_csv(index=False, lineterminator="\n")
    filename = f"msc-trials-atlas_{version.get('dataset_version', 'unversioned')}_{len(frame)}-trials.csv"
    return "\n".join(lines) + "\n" + body, filename


DETAIL_FIELDS = [  # (label, column, vocabulary, evidence column)
    ("Conditions", "conditions", None, None),
    ("Focus area", "focus_area", vocab.FOCUS_AREAS, "focus_area_evidence"),
    ("Disease group", "disease_group", vocab.DISEASE_GROUPS, "disease_group_evidence"),
    ("Product", "product", vocab.PRODUCTS, "product_evidence"),
    ("Tissue source", "source_tissue", vocab.SOURCE_TISSUES, "source_tissue_evidence"),
    ("Donor", "donor", vocab.DONORS, "donor_evidence"),
    ("Route", "route", vocab.ROUTES, "route_evidence"),
    ("Dose (as registered)", "dose_text", None, None),
    ("Dose, cells per kg", "dose_cells_per_kg_levels", None, None),
    ("Dose, cells in total", "dose_cells_total_levels", None, None),
    ("Dose, EVs / secretome", "dose_ev_min", None, None),
    ("Phase", "phase", vocab.PHASES, None),
    ("Status", "status", vocab.STATUSES, None),
    ("Enrollment", "enrollment", None, None),
    ("Enrollment type", "enrollment_type", None, None),
    ("Start date", "start_date", None, None),
    ("First posted", "first_posted", None, None),
    ("Sponsor", "sponsor", None, None),
    ("Sponsor class", "sponsor_class", vocab.SPONSOR_CLASSES, None),
    ("Countries", "countries", None, "countries_evidence"),
]


def _display(value: Any, column: str, vocabulary: dict[str, str] | None) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value == "":
        return vocab.NOT_REPORTED
    if vocabulary is not None:
        return _labels(value, vocabulary)
    if column == "countries":
        return ", ".join(country_name(code) for code in value.split(vocab.MULTI_SEP) if code)
    if column.endswith("_levels"):
        levels = [float(x) for x in str(value).split(vocab.MULTI_SEP)]
        shown = ", ".join(f"{x:.3g}" for x in levels)
        return shown if len(levels) == 1 else f"{len(levels)} levels: {shown} (range {levels[0]:.3g}–{levels[-1]:.3g})"
    if column.startswith("dose_cells"):
        return f"{float(value):.3g}"
    if column == "enrollment":
        return f"{int(value):,}"
    return str(value)


def _ev_dose(row: pd.Series) -> str:
    """"1e+09–5e+09 particles" for an EV / secretome dose; never shown as cells."""
    low, high = row["dose_ev_min"], row["dose_ev_max"]
    if low is None or low is pd.NA or pd.isna(low):
        return vocab.NOT_REPORTED
    unit = vocab.label(vocab.EV_DOSE_UNITS, row["dose_ev_unit"])
    return f"{float(low):.3g} {unit}" if low == high else f"{float(low):.3g}–{float(high):.3g} {unit}"


@lru_cache(maxsize=1024)
def trial_detail(trial_id: str) -> dict[str, Any] | None:
    """Everything known about one trial, or None for an id that is not in the dataset."""
    from msc_atlas import data

    trials = data.load_trials()
    match = trials[trials["trial_id"] == trial_id]
    if match.empty:
        return None
    row = match.iloc[0]
    related = _related_records(data, trial_id)
    return {
        "trial_id": row["trial_id"], "title": row["title"], "url": row["url"], "registry": row["registry"],
        "other_ids": row["other_ids"].replace(";", ", "), "sources": row["sources"].replace(";", ", "),
        "fields": [(name, _ev_dose(row) if column == "dose_ev_min" else _display(row[column], column, vocabulary),
                    row[evidence] if evidence else "")
                   for name, column, vocabulary, evidence in DETAIL_FIELDS],
        **related,
    }


PUBLISHED_FIELDS = {"product": "product", "source_tissue": "tissue", "donor": "donor", "route": "route",
                    "dose_text": "dose", "phase": "phase", "enrollment": "enrollment", "countries": "countries",
                    "status_as_reported": "status", "notes": "notes"}


def _source_label(url: str, date: str) -> str:
    """"pmc.ncbi.nlm.nih.gov, 2020-08-22": where a published fact was read, readable without following the link."""
    host = urlsplit(url).netloc.removeprefix("www.") if isinstance(url, str) else ""
    return ", ".join(part for part in (host, date) if part) or "source"


def _related_records(data, trial_id: str) -> dict[str, list[dict[str, Any]]]:
    """Published review facts, curated corrections and recorded conflicts that concern one trial."""
    facts = data.load_published_facts()
    facts = facts[facts["trial_id"] == trial_id]
    conflicts = data.load_conflicts()
    corrections = data.load_corrections()
    return {
        "published": [{"reported_in": fact["reported_in"], "label": _source_label(fact["reported_in"],
                                                                               fact["reported_date"]),
                       "facts": {label: fact[column] for column, label in PUBLISHED_FIELDS.items()
                                 if fact[column] not in ("", "unknown")}}
                      for _, fact in facts.iterrows()],
        "conflicts": conflicts[conflicts["trial_id"] == trial_id].to_dict("records"),
        "corrections": corrections[corrections["trial_id"] == trial_id].to_dict("records"),
    }
