"""Reference implementations in plain pandas, for tests only: the oracles the run-time paths are checked against.

The app filters with `FilterIndex` (per-value masks) and counts with `TrialCounts` (integer codes); these functions
do the same from a frame, the obvious way, and tests/test_summaries_index.py, test_filters.py and test_views.py
assert that both give identical results (values, order, dtypes, names). The benchmarks use `apply` as their floor.
Multi-valued cells (countries, source_tissue, route) count a trial once in each of its values.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd

from msc_atlas import fields, figures, vocab
from msc_atlas.fields import Field
from msc_atlas.filters import FilterState


def mask(state: FilterState, frame: pd.DataFrame) -> pd.Series:
    """The rows of `frame` that `state` selects, by string tests on the columns."""
    keep = pd.Series(True, index=frame.index)
    for key, field in fields.filters().items():
        chosen = getattr(state, key) or field.default
        if not chosen:
            continue
        if field.multi:
            keep &= _multi_value_mask(frame[field.column], chosen)
        else:
            keep &= frame[field.column].isin(chosen)
    if state.year_from or state.year_to or state.posted_by:
        posted = frame["first_posted"]
        year = pd.to_numeric(posted.str[:4], errors="coerce")
        if state.year_from:
            keep &= year >= state.year_from
        if state.year_to:
            keep &= year <= state.year_to
        if state.posted_by:
            keep &= (posted != "") & (posted <= state.posted_by)
    if state.dose:
        stated = frame[["dose_cells_per_kg_min", "dose_cells_total_min", "dose_ev_min"]].notna().any(axis=1)
        keep &= stated if state.dose == "stated" else ~stated
    if state.kg_from is not None or state.kg_to is not None:
        low = -np.inf if state.kg_from is None else state.kg_from
        high = np.inf if state.kg_to is None else state.kg_to

        def some_level_inside(cell) -> bool:
            return any(low <= float(x) <= high for x in str(cell or "").split(";") if x)

        keep &= frame["dose_cells_per_kg_levels"].fillna("").map(some_level_inside).astype(bool)
    if state.q:
        searched = [field.column for field in fields.shown(fields.Show.SEARCH)]
        haystack = frame[searched].agg(" ".join, axis=1)
        for word in state.q.split():  # every word, anywhere, in any case
            keep &= haystack.str.contains(word, case=False, regex=False)
    return keep


def apply(state: FilterState, frame: pd.DataFrame) -> pd.DataFrame:
    return frame[mask(state, frame)]


def _multi_value_mask(column: pd.Series, chosen: tuple[str, ...]) -> pd.Series:
    pattern = r"(?:^|;)(?:" + "|".join(re.escape(value) for value in chosen) + r")(?:;|$)"
    if vocab.UNKNOWN in chosen:  # an empty multi-valued cell is "not reported" too
        return column.str.contains(pattern, regex=True) | (column == "")
    return column.str.contains(pattern, regex=True)


def split_values(column: pd.Series, empty_as: str | None = vocab.UNKNOWN) -> pd.Series:
    """One row per (trial, value) of a ';'-separated column, index kept; empty cells become `empty_as`."""
    values = column.str.split(vocab.MULTI_SEP).explode()
    values = values[values.notna()]
    if empty_as is None:
        return values[values != ""]
    return values.replace("", empty_as)


def count_by(frame: pd.DataFrame, field: Field) -> pd.Series:
    """Trials per category in vocabulary order, zero-count categories dropped, "unknown" last."""
    column = field.column
    values = split_values(frame[column]) if field.multi else frame[column].replace("", vocab.UNKNOWN)
    counts = values.value_counts()
    known = [key for key in field.vocabulary or {} if key != vocab.UNKNOWN and counts.get(key, 0) > 0]
    known.sort(key=lambda key: -counts[key])
    order = known + ([vocab.UNKNOWN] if counts.get(vocab.UNKNOWN, 0) > 0 else [])
    return counts.reindex(order).astype(int)


def country_counts(frame: pd.DataFrame) -> pd.Series:
    """Trials per ISO-3 country, largest first (trials with no reported country are not counted)."""
    return split_values(frame["countries"], empty_as=None).value_counts().astype(int)


def leading_tissues_by_country(frame: pd.DataFrame, top: int = 3) -> dict[str, str]:
    """For each country, its most frequent reported tissue sources as "Umbilical cord 12, Bone marrow 5"."""
    pairs = pd.DataFrame({"country": split_values(frame["countries"], empty_as=None)})
    pairs = pairs.join(frame["source_tissue"])
    pairs = pairs.assign(tissue=pairs["source_tissue"].str.split(vocab.MULTI_SEP)).explode("tissue")
    pairs = pairs[pairs["tissue"].notna() & ~pairs["tissue"].isin(["", vocab.UNKNOWN])]
    if pairs.empty:
        return {}
    counts = pairs.groupby(["country", "tissue"]).size().reset_index(name="n")
    counts = counts.sort_values(["country", "n", "tissue"], ascending=[True, False, True])
    text: dict[str, str] = {}
    for country, rows in counts.groupby("country", sort=False):
        text[country] = ", ".join(
            f"{vocab.label(vocab.SOURCE_TISSUES, t)} {n}" for t, n in zip(rows["tissue"][:top], rows["n"][:top])
        )
    return text


def tissue_route_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Trials per (tissue source, route) pair; rows and columns in the order of their totals, unknown last."""
    pairs = pd.DataFrame({"tissue": split_values(frame["source_tissue"])}).join(
        split_values(frame["route"]).rename("route")
    )
    if pairs.empty:
        return pd.DataFrame(dtype=int)
    matrix = pd.crosstab(pairs["tissue"], pairs["route"])
    rows = _order_with_unknown_last(matrix.sum(axis=1))
    columns = _order_with_unknown_last(matrix.sum(axis=0))
    return matrix.loc[rows, columns].astype(int)


def _order_with_unknown_last(totals: pd.Series) -> list[str]:
    known = totals.drop(vocab.UNKNOWN, errors="ignore").sort_values(ascending=False, kind="stable")
    return list(known.index) + ([vocab.UNKNOWN] if vocab.UNKNOWN in totals.index else [])


def registrations_by_year(frame: pd.DataFrame, stack_column: str) -> pd.DataFrame:
    """Trials first posted per year (rows) and category of `stack_column` (columns)."""
    years = pd.to_numeric(frame["first_posted"].str[:4], errors="coerce")
    pairs = [  # a trial counts once under each of its values
        (int(year), value)
        for year, cell in zip(years, frame[stack_column])
        if year == year
        for value in cell.split(vocab.MULTI_SEP)
    ]
    table = pd.crosstab(
        pd.Series([y for y, _ in pairs], dtype="int64", name="first_posted"),
        pd.Series([v for _, v in pairs], dtype=object, name=stack_column),
    )
    return table.sort_index()


DOSE_POINT_COLUMNS = ["trial_id", "dose_cells_per_kg_min", "dose_cells_per_kg_max", "dose_levels"]


def dose_per_kg_by_route(frame: pd.DataFrame) -> pd.DataFrame:
    """(route, trial_id, lowest and highest cells per kg, levels) for trials that state a per-kg cell dose; a
    multi-route trial appears per route."""
    dosed = frame[frame["dose_cells_per_kg_min"].notna() & (frame["dose_cells_per_kg_min"] > 0)]
    routes = split_values(dosed["route"]).rename("route")
    return pd.DataFrame(routes).join(dosed[DOSE_POINT_COLUMNS]).reset_index(drop=True)


def dose_groups(points: pd.DataFrame) -> list[dict]:
    """Per route with dose points (routes by name): trial ids, lowest and highest doses, levels, and the medians of
    the lowest and of the highest doses: what the dose chart draws and its table lists."""
    groups = []
    for route, part in points.groupby("route", sort=True):
        low = part["dose_cells_per_kg_min"].to_numpy(dtype=float)
        high = part["dose_cells_per_kg_max"].to_numpy(dtype=float)
        groups.append(
            {
                "route": route,
                "trial_ids": part["trial_id"].tolist(),
                "low": low,
                "high": high,
                "levels": part["dose_levels"].fillna(0).to_numpy(dtype=int),
                "median_low": float(np.median(low)),
                "median_high": float(np.median(high)),
            }
        )
    return groups


def headline_numbers(frame: pd.DataFrame) -> dict[str, float | int | None]:
    """Trials, countries, planned participants, share of EV/secretome trials, share recruiting."""
    trials = len(frame)
    if trials == 0:
        return {
            "trials": 0,
            "countries": 0,
            "participants": 0,
            "ev_share": None,
            "recruiting_share": None,
            "enrollment_reported": 0,
        }
    enrollment = frame["enrollment"].dropna()
    return {
        "trials": trials,
        "countries": int(country_counts(frame).size),
        "participants": int(enrollment.sum()),
        "enrollment_reported": int(enrollment.size),
        "ev_share": float(
            frame["product"].map(lambda p: bool({"msc_ev", "msc_secretome"} & set(p.split(vocab.MULTI_SEP)))).mean()
        ),
        "recruiting_share": float(
            frame["status"].isin(["recruiting", "not_yet_recruiting", "enrolling_by_invitation"]).mean()
        ),
    }


def dose_reporting_share(frame: pd.DataFrame) -> float | None:
    """Share of trials that state no cell dose at all (neither per kg nor total nor a dose phrase)."""
    if frame.empty:
        return None
    silent = (
        frame["dose_cells_per_kg_min"].isna()
        & frame["dose_cells_total_min"].isna()
        & frame["dose_ev_min"].isna()
        & (frame["dose_text"] == "")
    )
    return float(silent.mean())


# -- figures from a frame ------------------------------------------------------------------------------------------


def world_map(frame: pd.DataFrame, title: str, colour_by: str = "all") -> figures.Figure:
    """Choropleth of trials per country. colour_by: "all" trials, or one product key (e.g. msc_ev)."""
    subset = (
        frame
        if colour_by == "all"
        else frame[frame["product"].str.split(vocab.MULTI_SEP).map(lambda p: colour_by in p)]
    )
    return figures.country_map(country_counts(subset), leading_tissues_by_country(subset), title)


def registrations_over_time(frame: pd.DataFrame, title: str, stack_by: str = "product") -> figures.Figure:
    """Trials first posted per year, stacked by product or by focus area."""
    return figures.timeline(registrations_by_year(frame, stack_by), title, fields.by_column(stack_by))


def dose_by_route(points: pd.DataFrame, title: str) -> figures.Figure:
    """Cells per kg by route, log scale: each trial's stated range as a vertical line (a dot when one level)."""
    return figures.dose_ranges(dose_groups(points), title)


# -- the mechanism page's product counts -------------------------------------------------------------------------


def trial_counts_by_product(frame) -> dict[str, int]:
    """Distinct trials per product key in an (already filtered) trials frame; {} when it has no product column."""
    if frame is None or not hasattr(frame, "columns") or "product" not in frame.columns:
        return {}
    ids = frame["trial_id"] if "trial_id" in frame.columns else frame.index.to_series(index=frame.index)
    keys = frame["product"].map(
        lambda v: [k.strip() for k in v.split(vocab.MULTI_SEP) if k.strip()] if isinstance(v, str) else []
    )
    pairs = {(key, trial) for trial, row_keys in zip(ids, keys) for key in row_keys}
    counts: dict[str, int] = defaultdict(int)
    for key, _ in pairs:
        counts[key] += 1
    return dict(sorted(counts.items()))


# -- the trials grid: what it shows for a filter state, sort model and column filter model ---------------------------


def grid_records(frame: pd.DataFrame) -> pd.DataFrame:
    """The grid's records of every row of `frame`: url, then each grid column's shown value."""
    records = pd.DataFrame({"url": frame["url"]}, index=frame.index)
    for field in fields.shown(fields.Show.GRID):
        rows = frame[[field.column, *field.reads]].to_dict("records")
        shown = [field.grid_cell(row) for row in rows]
        records[field.name] = pd.Series(shown, index=frame.index, dtype=object)
    return records


def _sort_values(frame: pd.DataFrame) -> dict[str, list]:
    """Per grid column that sorts as numbers, each row's (unit, number) key: a dose's lowest level, a count."""
    keys = {}
    for field in fields.shown(fields.Show.GRID):
        if field.kind in (fields.Kind.INTEGER, fields.Kind.NUMBER, fields.Kind.NUMBER_LIST):
            groups = frame[field.sort_group].fillna("").astype(str) if field.sort_group else [""] * len(frame)
            numbers = [field.sort_number(value) for value in frame[field.column]]
            keys[field.name] = list(zip(groups, numbers, strict=True))
    return keys


def _text_condition(condition: dict, cell) -> bool:
    """AG Grid's text filter (caseSensitive false) on one shown value."""
    kind = condition["type"]
    if cell is None:
        return kind in ("notEqual", "notContains", "blank")
    text = str(cell).lower()
    wanted = str(condition.get("filter", "")).lower()
    return {
        "contains": lambda: wanted in text,
        "notContains": lambda: wanted not in text,
        "equals": lambda: text == wanted,
        "notEqual": lambda: text != wanted,
        "startsWith": lambda: text.startswith(wanted),
        "endsWith": lambda: text.endswith(wanted),
        "blank": lambda: text.strip() == "",
        "notBlank": lambda: text.strip() != "",
    }[kind]()


def _number_condition(condition: dict, cell) -> bool:
    """AG Grid's number filter (default params: blanks match only "blank", inRange exclusive) on one value."""
    kind = condition["type"]
    if cell is None:
        return kind == "blank"
    value, low, high = float(cell), float(condition.get("filter", 0)), float(condition.get("filterTo", 0))
    return {
        "equals": lambda: value == low,
        "notEqual": lambda: value != low,
        "greaterThan": lambda: value > low,
        "greaterThanOrEqual": lambda: value >= low,
        "lessThan": lambda: value < low,
        "lessThanOrEqual": lambda: value <= low,
        "inRange": lambda: low < value < high,
        "blank": lambda: False,
        "notBlank": lambda: True,
    }[kind]()


def _passes(spec: dict, cell, number=None) -> bool:
    if spec["filterType"] == "number" and number is not None:  # a dose shows text and filters by its lowest level
        cell = None if number != number else number
    test = _number_condition if spec["filterType"] == "number" else _text_condition
    conditions = spec.get("conditions") or [spec]
    results = [test(condition, cell) for condition in conditions]
    return any(results) if spec.get("operator") == "OR" else all(results)


def _not_reported(field: fields.Field, cell) -> bool:
    return cell is None or cell in (vocab.NOT_REPORTED, field.value_label(vocab.UNKNOWN))


def _sort_key(field: fields.Field):
    if field.kind in (fields.Kind.INTEGER, fields.Kind.NUMBER, fields.Kind.NUMBER_LIST):
        return lambda row: row[_SORT + field.name]
    return lambda row: (str(row[field.name]).lower(), str(row[field.name]))


_SORT = "\x00sort:"  # hidden keys of the reference rows


def grid_apply(
    state: FilterState,
    frame: pd.DataFrame,
    sort_model: list[dict] | None = None,
    filter_model: dict | None = None,
) -> pd.DataFrame:
    """The grid's records for the filter state, then the column filters, and the sort (numbers numerically, text case-insensitively, "not reported" last
    in either direction, ties in dataset order): row by row, in plain Python."""
    chosen = apply(state, frame)
    records = grid_records(chosen)
    grid = {field.name: field for field in fields.shown(fields.Show.GRID)}
    rows = records.to_dict("records")
    for name, keys in _sort_values(chosen).items():
        for row, key in zip(rows, keys, strict=True):
            row[_SORT + name] = key
    for column, spec in (filter_model or {}).items():
        rows = [row for row in rows if _passes(spec, row[column], row.get(_SORT + column, (None, None))[1])]
    for entry in reversed(sort_model or []):  # least significant first; each sort is stable
        field, descending = grid[entry["colId"]], entry["sort"] == "desc"
        present = [row for row in rows if not _not_reported(field, row[field.name])]
        missing = [row for row in rows if _not_reported(field, row[field.name])]
        present.sort(key=_sort_key(field), reverse=descending)
        rows = present + missing
    return pd.DataFrame(rows, columns=list(records.columns), dtype=object)
