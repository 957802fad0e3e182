"""Two views side by side: headline numbers and the product, tissue, route and phase breakdowns of each, as counts
and shares of the view's trials (a trial with two values counts in each, so shares can add up to more than 100 %)."""

from __future__ import annotations

from typing import Any

from msc_atlas import cache, evidence_charts, fields, vocab
from msc_atlas.filters import FilterState
from msc_atlas.selection import trial_counts
from msc_atlas.views.common import CACHE_SIZE, figure_dict

BREAKDOWNS = ("product", "tissue", "route", "phase")  # filter field names
NUMBERS = (  # key, label, how it is shown
    ("trials", "Trials", "count"),
    ("countries", "Countries", "count"),
    ("participants", "Participants, planned or enrolled", "count"),
    ("ev_share", "Exosome / EV / secretome trials", "share"),
    ("recruiting_share", "Recruiting, or not yet recruiting", "share"),
)


def _number(value: Any, how: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if how == "share" else f"{int(value):,}"


@cache.results(maxsize=CACHE_SIZE)
def view(a: FilterState, b: FilterState) -> dict[str, Any]:
    counts = trial_counts()
    keep_a, keep_b = counts.index.mask(a), counts.index.mask(b)
    numbers_a, numbers_b = counts.headline_numbers(keep_a), counts.headline_numbers(keep_b)
    scopes = (a.describe(), b.describe())
    breakdowns = {}
    for name in BREAKDOWNS:
        field = fields.get(name)
        per_a, per_b = counts.count_by(keep_a, field), counts.count_by(keep_b, field)
        order = [key for key in field.vocabulary or {} if per_a.get(key, 0) or per_b.get(key, 0)]
        rows = [
            {
                "key": key,
                "label": field.value_label(key),
                "a": int(per_a.get(key, 0)),
                "b": int(per_b.get(key, 0)),
                "share_a": per_a.get(key, 0) / numbers_a["trials"] if numbers_a["trials"] else None,
                "share_b": per_b.get(key, 0) / numbers_b["trials"] if numbers_b["trials"] else None,
            }
            for key in order
        ]
        title = f"{field.label}: share of each view's trials — A: {scopes[0]} · B: {scopes[1]}"
        breakdowns[name] = {
            "label": field.label,
            "rows": rows,
            "title": title,
            "figure": figure_dict(evidence_charts.side_by_side(rows, title)),
        }
    return {
        "scopes": scopes,
        "queries": (a.to_query(), b.to_query()),
        "numbers": [(label, _number(numbers_a[key], how), _number(numbers_b[key], how)) for key, label, how in NUMBERS],
        "empty": (numbers_a["trials"] == 0, numbers_b["trials"] == 0),
        "breakdowns": breakdowns,
        "not_reported": vocab.NOT_REPORTED,
    }
