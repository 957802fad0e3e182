"""Sources & routes for a filter state: a bar chart per chart field, the tissue x route matrix, doses per route."""

from __future__ import annotations

from typing import Any

from msc_atlas import cache, fields, figures, vocab
from msc_atlas.fields import Show
from msc_atlas.filters import FilterState
from msc_atlas.selection import trial_counts
from msc_atlas.views.common import CACHE_SIZE, figure_dict, value_rows


@cache.results(maxsize=CACHE_SIZE)
def view(state: FilterState) -> dict[str, Any]:
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
        result[field.name] = {
            "figure": figure_dict(figures.category_bar(per_value, field, title)),
            "title": title,
            "rows": value_rows(per_value, field),
        }
    matrix = counts.tissue_route_matrix(keep)
    routes = matrix.columns.tolist()
    matrix_title = f"Tissue source × route (trials) — {scope}"
    result["matrix"] = {
        "figure": figure_dict(figures.tissue_route_heatmap(matrix, matrix_title)),
        "title": matrix_title,
        "rows": [
            (vocab.label(vocab.SOURCE_TISSUES, tissue), vocab.label(vocab.ROUTES, route), n_pair)
            for tissue, row in zip(matrix.index.tolist(), matrix.to_numpy().tolist())
            for route, n_pair in zip(routes, row)
            if n_pair
        ],
    }
    groups = counts.dose_groups(keep)
    dose_title = f"Cell dose per kg by route: each trial's stated range (log scale) — {scope}"
    result["dose"] = {
        "figure": figure_dict(figures.dose_ranges(groups, dose_title)) if groups else None,
        "title": dose_title,
        "n_trials": counts.dose_trials(keep),
        "silent_share": counts.dose_reporting_share(keep),
        "n_silent": counts.without_dose(keep),
        "rows": [
            (vocab.label(vocab.ROUTES, g["route"]), len(g["trial_ids"]), g["median_low"], g["median_high"])
            for g in groups
        ],
    }
    return result
