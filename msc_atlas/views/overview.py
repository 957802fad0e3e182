"""The Overview for a filter state: headline numbers, trials per country (map), registrations per year."""

from __future__ import annotations

from typing import Any

from msc_atlas import cache, data, fields, figures, vocab
from msc_atlas.fields import Field, Show
from msc_atlas.filters import FilterState
from msc_atlas.selection import trial_counts
from msc_atlas.views.common import CACHE_SIZE, figure_dict, long_date, value_rows


def timeline_fields() -> dict[str, Field]:
    """column -> field, for the fields the registrations-per-year chart can be stacked by."""
    return {field.column: field for field in fields.shown(Show.TIMELINE)}


def coverage() -> tuple[str, str]:
    """(ClinicalTrials.gov as-of date, other registries' as-of date) of the dataset being served."""
    version = data.load_version()
    return version["ctgov_as_of"], version["ictrp_as_of"]


def coverage_note() -> str:
    """The as-of dates beside the headline numbers: what the counts cannot include."""
    ctgov, others = coverage()
    return (
        f"Registry records as of {long_date(ctgov)} (ClinicalTrials.gov) and {long_date(others)} (other "
        "registries, via WHO ICTRP): trials registered or updated later are not in these numbers."
    )


def timeline_note() -> str:
    """Under the timeline: what its grey band and dotted line mean."""
    ctgov, others = coverage()
    return (
        f"Grey: after {long_date(ctgov)}, the date of the ClinicalTrials.gov records, so not covered; the dotted "
        f"line marks {long_date(others)}, where the other registries' records (WHO ICTRP) end. Fewer trials "
        "there is missing data, not a trend."
    )


@cache.results(maxsize=CACHE_SIZE)
def view(state: FilterState, colour_by: str = "all", stack_by: str = "product") -> dict[str, Any]:
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
        "map": figure_dict(figures.country_map(per_country, counts.leading_tissues_by_country(map_keep), map_title)),
        "map_title": map_title,
        "map_rows": value_rows(per_country, fields.by_column("countries")),
        "no_country": counts.without_country(map_keep),
        "timeline": figure_dict(
            figures.timeline(table, time_title, stack, *coverage())  # the months after the snapshot are shaded
        ),
        "timeline_title": time_title,
        "timeline_header": ["Year", *[stack.value_label(key) for key in shown]],
        "timeline_rows": [(str(year), *row) for year, row in zip(table.index.tolist(), per_year.tolist())],
    }
