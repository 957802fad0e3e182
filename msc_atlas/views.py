"""What each page shows for a filter state: figures, headline numbers and text alternatives, cached per state.

Pages call these and only wire the results to components. Caching by the (frozen, hashable) filter state means a
view asked for again (another client, back/forward, the same lens) costs a dictionary look-up.
"""
from __future__ import annotations

from urllib.parse import urlsplit
from typing import Any

import pandas as pd

from msc_atlas import cache, fields, figures, vocab
from msc_atlas.fields import Field, Show
from msc_atlas.filters import FilterState
from msc_atlas.selection import filtered, trial_counts, trial_index

CACHE_SIZE = 256


def _fig(fig) -> dict[str, Any]:
    # A plain dict is what dcc.Graph receives anyway; converting once here keeps cached values immutable-ish.
    return fig if isinstance(fig, dict) else fig.to_plotly_json()


def _rows(counts: pd.Series, field: Field) -> list[tuple[str, int]]:
    """(label, trials) per value of a field, in the order of `counts`."""
    return [(field.value_label(key), int(n)) for key, n in counts.items()]


def timeline_fields() -> dict[str, Field]:
    """column -> field, for the fields the registrations-per-year chart can be stacked by."""
    return {field.column: field for field in fields.shown(Show.TIMELINE)}


@cache.results(maxsize=CACHE_SIZE)
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
    stack = timeline_fields().get(stack_by) or fields.by_column("product")
    time_title = f"Trials first posted per year, by {stack.label.lower()} — {scope}"
    map_keep = keep if colour_by == "all" else counts.product_mask(keep, colour_by)
    per_country = counts.country_counts(map_keep)
    table = counts.registrations_by_year(keep, stack.column)
    vocabulary = stack.vocabulary or {}
    shown = [key for key in vocabulary if key in table.columns]
    per_year = table.to_numpy()[:, [table.columns.get_loc(key) for key in shown]]
    return {
        "empty": False,
        "scope": scope,
        "numbers": numbers,
        "map": _fig(figures.country_map(per_country, counts.leading_tissues_by_country(map_keep), map_title)),
        "map_title": map_title,
        "map_rows": _rows(per_country, fields.by_column("countries")),
        "no_country": counts.without_country(map_keep),
        "timeline": _fig(figures.timeline(table, time_title, stack)),
        "timeline_title": time_title,
        "timeline_header": ["Year", *[stack.value_label(key) for key in shown]],
        "timeline_rows": [(str(year), *row) for year, row in zip(table.index.tolist(), per_year.tolist())],
    }


@cache.results(maxsize=CACHE_SIZE)
def sources_routes(state: FilterState) -> dict[str, Any]:
    counts = trial_counts()
    keep = counts.index.mask(state)
    scope = state.describe()
    n = int(keep.sum())
    if n == 0:
        return {"empty": True, "scope": scope}
    result: dict[str, Any] = {"empty": False, "scope": scope, "n": n}
    for field in fields.shown(Show.CHART):  # a bar chart per field, named by its URL key
        per_value = counts.count_by(keep, field)
        title = f"{field.label} — {scope}"
        result[field.name] = {"figure": _fig(figures.category_bar(per_value, field, title)), "title": title,
                              "rows": _rows(per_value, field)}
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
    dose_title = f"Cell dose per kg by route (log scale) — {scope}"
    result["dose"] = {
        "figure": _fig(figures.dose_boxes(groups, dose_title)) if groups else None,
        "title": dose_title, "n_trials": counts.dose_trials(keep), "silent_share": counts.dose_reporting_share(keep),
        "rows": [(vocab.label(vocab.ROUTES, route), len(doses), median) for route, doses, median in groups],
    }
    return result


def _grid_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Grid records of every trial in `frame`, labels resolved once per distinct value."""
    table = pd.DataFrame({"url": frame["url"]}, index=frame.index)
    for field in fields.shown(Show.GRID):
        cells = frame[field.column].astype(object).tolist()
        shown = {value: field.grid_value(value) for value in set(cells)}
        table[field.name] = pd.Series([shown[value] for value in cells], index=frame.index, dtype=object)
    return table


def _display_frame() -> pd.DataFrame:
    """The grid table of the loaded trials, built once: a filter then only selects rows of it."""
    return cache.per_dataset("grid", trial_index().frame, _grid_table)


@cache.results(maxsize=CACHE_SIZE)
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
        "# " + CITATION.format(version=version["dataset_version"], ctgov=version["ctgov_as_of"],
                               ictrp=version["ictrp_as_of"]),
        f"# Filter: {state.describe()} ({state.to_query() or 'no filter'}); rows: {len(frame)}",
    ]
    body = frame[fields.trial_columns()].to_csv(index=False, lineterminator="\n")
    filename = f"msc-trials-atlas_{version['dataset_version']}_{len(frame)}-trials.csv"
    return "\n".join(lines) + "\n" + body, filename


@cache.results(maxsize=1024)
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
        "fields": [(field.label, field.text(row[field.column]), row[field.evidence] if field.evidence else "")
                   for field in fields.shown(Show.DETAIL)],
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
