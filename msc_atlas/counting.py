"""The counts the pages show, taken from a row mask over codes built once per loaded frame, without copying rows.

`TrialCounts(index)` encodes the columns the Overview and Sources & routes pages count (one integer code per row of
a single-valued column, one (row, code) token per value of a multi-valued cell, and the (row, a, b) pairs of the
cross-tabulations) when the frame is loaded. Counting for a filter state is then `np.bincount` over the codes of
the kept rows: no frame is filtered, split, exploded or cross-tabulated per request, and the cost grows with the
rows like the filter mask itself.

Each method takes `keep` (a boolean row mask, e.g. `FilterIndex.mask(state)`) and returns exactly what the plain
pandas function of the same name in tests/reference.py returns for `frame[keep]`: the same values, order, dtypes
and names (tests/test_summaries_index.py). Multi-valued cells (countries, source_tissue, route) count a trial once
in each of its values. Pure functions of the frame and the mask; no Dash imports.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from msc_atlas import fields, vocab
from msc_atlas.fields import Field, Kind, Show
from msc_atlas.filters import FilterIndex

EV_PRODUCTS = ("msc_ev", "msc_secretome")
RECRUITING = ("recruiting", "not_yet_recruiting", "enrolling_by_invitation")


def split_values(column: pd.Series, empty_as: str | None = vocab.UNKNOWN) -> pd.Series:
    """One row per (trial, value) of a ';'-separated column, index kept; empty cells become `empty_as` (or are
    dropped when it is None)."""
    values = column.str.split(vocab.MULTI_SEP).explode()
    values = values[values.notna()]
    if empty_as is None:
        return values[values != ""]
    return values.replace("", empty_as)


DOSE_POINT_COLUMNS = ["trial_id", "dose_cells_per_kg_min", "dose_cells_per_kg_max", "dose_levels"]


def dose_points(frame: pd.DataFrame) -> pd.DataFrame:
    """(route, trial_id, lowest and highest cells per kg, levels) for trials that state a per-kg cell dose; a
    multi-route trial appears per route, rows in frame order."""
    dosed = frame[frame["dose_cells_per_kg_min"].notna() & (frame["dose_cells_per_kg_min"] > 0)]
    routes = split_values(dosed["route"]).rename("route")
    return pd.DataFrame(routes).join(dosed[DOSE_POINT_COLUMNS]).reset_index(drop=True)


class _Tokens:
    """One token per value of a multi-valued column: the row it belongs to and the value's code."""

    def __init__(self, column: pd.Series, empty_as: str | None):
        values = split_values(column.reset_index(drop=True), empty_as=empty_as)
        self.rows = values.index.to_numpy(dtype=np.intp)
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        self.codes = codes.astype(np.intp)
        self.values = np.asarray(uniques, dtype=object)

    def kept(self, keep: np.ndarray) -> np.ndarray:
        """Codes of the tokens of the kept rows, in row order."""
        return self.codes[keep[self.rows]]

    def counts(self, keep: np.ndarray) -> np.ndarray:
        return np.bincount(self.kept(keep), minlength=len(self.values))


class _Pairs:
    """Every (a value, b value) combination within each row of two token columns, as (row, pair code)."""

    def __init__(self, a: _Tokens, b: _Tokens, size: int, use_b: np.ndarray | None = None):
        b_rows, b_codes = b.rows, b.codes
        if use_b is not None:
            b_rows, b_codes = b_rows[use_b[b_codes]], b_codes[use_b[b_codes]]
        # b tokens grouped by row (tokens come in row order): start and count per row
        per_row = np.bincount(b_rows, minlength=size)
        start = np.concatenate(([0], np.cumsum(per_row)[:-1]))
        repeat = per_row[a.rows]  # each a token pairs with every b token of its row
        a_index = np.repeat(np.arange(len(a.rows)), repeat)
        offsets = np.arange(len(a_index)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        b_index = start[a.rows][a_index] + offsets
        self.rows = a.rows[a_index]
        self.width = len(b.values)
        self.codes = a.codes[a_index] * self.width + b_codes[b_index]
        self.shape = (len(a.values), len(b.values))

    def counts(self, keep: np.ndarray) -> np.ndarray:
        """(len(a values), len(b values)) matrix of pair counts over the kept rows."""
        kept = self.codes[keep[self.rows]]
        return np.bincount(kept, minlength=self.shape[0] * self.shape[1]).reshape(self.shape)


class _Codes:
    """One code per row of a single-valued column; with `multi`, one (row, code) pair per value of a ';'-list
    (`rows` says which row each code belongs to; for a single-valued column it is every row once, in order)."""

    def __init__(self, column: pd.Series, empty_as: str | None = None, multi: bool = False):
        cells = column.to_numpy(dtype=object)
        if empty_as is not None:
            cells = np.where(cells == "", empty_as, cells)
        if multi:
            parts = [str(cell).split(vocab.MULTI_SEP) for cell in cells]
            self.rows = np.repeat(np.arange(len(cells), dtype=np.intp), [len(p) for p in parts])
            cells = np.asarray([v for p in parts for v in p], dtype=object)
        else:
            self.rows = np.arange(len(cells), dtype=np.intp)
        codes, uniques = pd.factorize(cells)
        self.codes = codes.astype(np.intp)
        self.values = np.asarray(uniques, dtype=object)

    def counts(self, keep: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes[keep], minlength=len(self.values))


def _order_with_unknown_last(values: np.ndarray, totals: np.ndarray) -> list[int]:
    """Codes with a count, as the reference orders a crosstab's (name-sorted) totals: by total,
    largest first, ties by name, unknown last."""
    present = sorted(np.flatnonzero(totals).tolist(), key=lambda code: values[code])
    known = [code for code in present if values[code] != vocab.UNKNOWN]
    known.sort(key=lambda code: -totals[code])  # stable: ties keep the order by name
    return known + [code for code in present if values[code] == vocab.UNKNOWN]


class TrialCounts:
    """Codes of one loaded trials frame for the page summaries; build once, then count any row mask."""

    def __init__(self, index: FilterIndex):
        self.index = index
        frame = index.frame
        self.size = size = len(frame)
        counted = [
            field
            for field in fields.FIELDS
            if field.kind is Kind.CATEGORY and field.show & (Show.CHART | Show.TIMELINE | Show.FILTER)
        ]
        self.single = {
            field.column: _Codes(frame[field.column], empty_as=vocab.UNKNOWN) for field in counted if not field.multi
        }
        self.multi = {field.column: _Tokens(frame[field.column], vocab.UNKNOWN) for field in counted if field.multi}
        self.countries = _Tokens(frame["countries"], None)
        self.no_country = (frame["countries"] == "").to_numpy(dtype=bool)
        tissues, routes = self.multi["source_tissue"], self.multi["route"]
        self.tissue_route = _Pairs(tissues, routes, size)
        reported = np.asarray([value not in ("", vocab.UNKNOWN) for value in tissues.values], dtype=bool)
        self.country_tissue = _Pairs(self.countries, tissues, size, use_b=reported)
        # first-posted year per row (-1: none) and the raw stack columns of the timeline (crosstab keeps "")
        years = pd.to_numeric(frame["first_posted"].str[:4], errors="coerce").to_numpy(dtype=float)
        dated = ~np.isnan(years)
        self.years = np.unique(years[dated]).astype(np.int64)
        self.year_code = np.full(size, -1, dtype=np.intp)
        self.year_code[dated] = np.searchsorted(self.years, years[dated].astype(np.int64))
        self.stack = {
            field.column: _Codes(frame[field.column], multi=field.multi) for field in fields.shown(Show.TIMELINE)
        }
        enrollment = frame["enrollment"]
        self.enrolled = enrollment.notna().to_numpy(dtype=bool)
        self.enrollment = enrollment.fillna(0).to_numpy(dtype=np.int64)
        # a trial that gives EVs or secretome (with or without cells)
        self.ev = frame["product"].map(lambda p: bool(set(p.split(vocab.MULTI_SEP)) & set(EV_PRODUCTS))).to_numpy(bool)
        self.recruiting = frame["status"].isin(list(RECRUITING)).to_numpy(dtype=bool)
        per_kg = frame["dose_cells_per_kg_min"]
        self.silent = (
            per_kg.isna()
            & frame["dose_cells_total_min"].isna()
            & frame["dose_ev_min"].isna()
            & (frame["dose_text"] == "")
        ).to_numpy(bool)
        # dose ranges of every dosed trial, one per route (dose_points of the whole frame), and the row each
        # point belongs to
        positioned = frame.reset_index(drop=True)
        dosed = positioned[positioned["dose_cells_per_kg_min"].notna() & (positioned["dose_cells_per_kg_min"] > 0)]
        self.dose_rows = split_values(dosed["route"]).index.to_numpy(dtype=np.intp)
        self.dose_points = dose_points(positioned)
        routes, self.dose_routes = pd.factorize(self.dose_points["route"].to_numpy(dtype=object), sort=True)
        self.dose_route_code = routes.astype(np.intp)
        self.dose_routes = np.asarray(self.dose_routes, dtype=object)
        self.dose_trial_code = pd.factorize(self.dose_points["trial_id"].to_numpy(dtype=object))[0]
        self.dose_trial_ids = self.dose_points["trial_id"].to_numpy(dtype=object)
        self.dose_low = self.dose_points["dose_cells_per_kg_min"].to_numpy(dtype=float)
        self.dose_high = self.dose_points["dose_cells_per_kg_max"].to_numpy(dtype=float)
        self.dose_levels = self.dose_points["dose_levels"].fillna(0).to_numpy(dtype=int)
        self.no_dose_points = dose_points(positioned.iloc[:0])  # its dtypes differ

    # -- counts of the kept rows ----------------------------------------------------------------------------------
    def count_by(self, keep: np.ndarray, field: Field) -> pd.Series:
        """count_by(frame[keep], field): trials per value of a category field, by count (ties in
        vocabulary order), zero counts dropped, unknown last."""
        column, multi = field.column, field.multi
        coded = self.multi[column] if multi else self.single[column]
        found = dict(zip(coded.values.tolist(), coded.counts(keep).tolist()))
        known = [key for key in field.vocabulary or {} if key != vocab.UNKNOWN and found.get(key, 0) > 0]
        known.sort(key=lambda key: -found[key])
        order = known + ([vocab.UNKNOWN] if found.get(vocab.UNKNOWN, 0) > 0 else [])
        # (an empty result of an exploded column has an object index, as pandas gives it)
        index = pd.Index(order, dtype="str" if order or not multi else object, name=column)
        return pd.Series(np.array([found[key] for key in order], dtype=np.int64), index=index, name="count", copy=False)

    def country_counts(self, keep: np.ndarray) -> pd.Series:
        """country_counts(frame[keep]): largest first, ties in order of first appearance."""
        kept = self.countries.kept(keep)
        counts = np.bincount(kept, minlength=len(self.countries.values))
        seen = pd.unique(kept)  # codes in order of first appearance, like value_counts before its stable sort
        order = seen[np.argsort(-counts[seen], kind="stable")]
        index = pd.Index(self.countries.values[order], dtype="str" if len(order) else object, name="countries")
        return pd.Series(counts[order].astype(np.int64), index=index, name="count")

    def leading_tissues_by_country(self, keep: np.ndarray, top: int = 3) -> dict[str, str]:
        """leading_tissues_by_country(frame[keep], top)."""
        matrix = self.country_tissue.counts(keep)
        countries, tissues = np.nonzero(matrix)
        if not len(countries):
            return {}
        country_names = self.countries.values[countries]
        tissue_names = self.multi["source_tissue"].values[tissues]
        n = matrix[countries, tissues]
        order = sorted(range(len(n)), key=lambda i: (country_names[i], -n[i], tissue_names[i]))
        text: dict[str, list[str]] = {}
        for i in order:
            shown = text.setdefault(country_names[i], [])
            if len(shown) < top:
                shown.append(f"{vocab.label(vocab.SOURCE_TISSUES, tissue_names[i])} {int(n[i])}")
        return {country: ", ".join(parts) for country, parts in text.items()}

    def tissue_route_matrix(self, keep: np.ndarray) -> pd.DataFrame:
        """tissue_route_matrix(frame[keep]): rows and columns by totals, unknown last."""
        matrix = self.tissue_route.counts(keep)
        if not matrix.any():
            return pd.DataFrame(dtype=int)
        tissues, routes = self.multi["source_tissue"].values, self.multi["route"].values
        rows = _order_with_unknown_last(tissues, matrix.sum(axis=1))
        columns = _order_with_unknown_last(routes, matrix.sum(axis=0))
        return pd.DataFrame(
            matrix[np.ix_(rows, columns)].astype(np.int64),
            index=pd.Index(tissues[rows], dtype="str", name="tissue"),
            columns=pd.Index(routes[columns], dtype="str", name="route"),
        )

    def registrations_by_year(self, keep: np.ndarray, stack_column: str) -> pd.DataFrame:
        """registrations_by_year(frame[keep], stack_column): years ascending, categories sorted."""
        stack = self.stack[stack_column]
        years = self.year_code[stack.rows]
        kept = keep[stack.rows] & (years >= 0)  # per (row, value) pair: a trial counts once under each value
        width = len(stack.values)
        table = np.bincount(years[kept] * width + stack.codes[kept], minlength=len(self.years) * width).reshape(
            len(self.years), width
        )
        rows = np.flatnonzero(table.sum(axis=1))
        columns = sorted(np.flatnonzero(table.sum(axis=0)), key=lambda j: stack.values[j])
        return pd.DataFrame(
            table[np.ix_(rows, columns)].astype(np.int64),
            index=pd.Index(self.years[rows], dtype=np.int64, name="first_posted"),
            columns=pd.Index(stack.values[columns], dtype="str", name=stack_column),
        )

    def dose_per_kg_by_route(self, keep: np.ndarray) -> pd.DataFrame:
        """dose_per_kg_by_route(frame[keep]): one row per (dosed trial, route), in row order."""
        chosen = keep[self.dose_rows]
        if not chosen.any():
            return self.no_dose_points.copy()
        return self.dose_points[chosen].reset_index(drop=True)

    def dose_groups(self, keep: np.ndarray) -> list[dict]:
        """dose_groups(dose_per_kg_by_route(frame[keep])): per route (by name) its trials' dose ranges in row order
        and the medians of the lowest and highest doses."""
        chosen = keep[self.dose_rows]
        codes = self.dose_route_code[chosen]
        ids, low, high, levels = (
            a[chosen] for a in (self.dose_trial_ids, self.dose_low, self.dose_high, self.dose_levels)
        )
        groups = []
        for code in np.flatnonzero(np.bincount(codes, minlength=len(self.dose_routes))):
            at = codes == code
            groups.append(
                {
                    "route": self.dose_routes[code],
                    "trial_ids": ids[at].tolist(),
                    "low": low[at],
                    "high": high[at],
                    "levels": levels[at],
                    "median_low": float(np.median(low[at])),
                    "median_high": float(np.median(high[at])),
                }
            )
        return groups

    def dose_trials(self, keep: np.ndarray) -> int:
        """Distinct trials among the dose points of the kept rows."""
        return int(np.unique(self.dose_trial_code[keep[self.dose_rows]]).size)

    def headline_numbers(self, keep: np.ndarray) -> dict[str, float | int | None]:
        """headline_numbers(frame[keep])."""
        trials = int(np.count_nonzero(keep))
        if trials == 0:
            return {
                "trials": 0,
                "countries": 0,
                "participants": 0,
                "ev_share": None,
                "recruiting_share": None,
                "enrollment_reported": 0,
            }
        enrolled = keep & self.enrolled
        return {
            "trials": trials,
            "countries": int(np.count_nonzero(self.countries.counts(keep))),
            "participants": int(self.enrollment[enrolled].sum()),
            "enrollment_reported": int(np.count_nonzero(enrolled)),
            "ev_share": float(np.count_nonzero(keep & self.ev) / trials),
            "recruiting_share": float(np.count_nonzero(keep & self.recruiting) / trials),
        }

    def dose_reporting_share(self, keep: np.ndarray) -> float | None:
        """dose_reporting_share(frame[keep])."""
        trials = int(np.count_nonzero(keep))
        return None if trials == 0 else float(np.count_nonzero(keep & self.silent) / trials)

    def without_dose(self, keep: np.ndarray) -> int:
        """Kept trials that state no dose at all (no cell or EV amount, no dose phrase)."""
        return int(np.count_nonzero(keep & self.silent))

    def without_country(self, keep: np.ndarray) -> int:
        """Kept trials that report no country."""
        return int(np.count_nonzero(keep & self.no_country))

    def product_mask(self, keep: np.ndarray, product: str) -> np.ndarray:
        """`keep` narrowed to one product."""
        matches = self.index.masks["product"].get(product)
        return keep & matches if matches is not None else np.zeros_like(keep)
