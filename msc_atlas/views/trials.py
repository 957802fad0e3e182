"""The Trials page for a filter state: grid rows (labels instead of keys) and the CSV export of the shown rows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from msc_atlas import cache, fields
from msc_atlas.fields import Show
from msc_atlas.filters import FilterState
from msc_atlas.selection import filtered, trial_index
from msc_atlas.views.common import CACHE_SIZE


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
def rows(state: FilterState) -> list[dict[str, Any]]:
    """Grid records for the filtered trials, categories as labels, countries as names."""
    return _display_frame()[trial_index().mask(state)].to_dict("records")


CITATION = (
    "MSC Trials Atlas, dataset {version}: built from ClinicalTrials.gov (as of {ctgov}) and WHO ICTRP "
    "COVID-19 exports (as of {ictrp}); see /about for sources and licences."
)


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
            [trial_id for trial_id in wanted if trial_id in set(frame["trial_id"])]
        )
    version = load_version()
    lines = [
        "# "
        + CITATION.format(
            version=version["dataset_version"], ctgov=version["ctgov_as_of"], ictrp=version["ictrp_as_of"]
        ),
        f"# Filter: {state.describe()} ({state.to_query() or 'no filter'}); rows: {len(frame)}",
    ]
    body = frame[fields.trial_columns()].to_csv(index=False, lineterminator="\n")
    filename = f"msc-trials-atlas_{version['dataset_version']}_{len(frame)}-trials.csv"
    return "\n".join(lines) + "\n" + body, filename
