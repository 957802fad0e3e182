"""Counts and shares of a (filtered) trials frame: what the figures draw and the text alternatives list.

Pure functions of a frame. Multi-valued cells (countries, source_tissue, route) count a trial once in each of its
values, so a trial run in two countries adds one to each.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from msc_atlas import vocab


def split_values(column: pd.Series, empty_as: str | None = vocab.UNKNOWN) -> pd.Series:
    """One row per (trial, value) of a ';'-separated column, index kept; empty cells become `empty_as`."""
    values = column.str.split(vocab.MULTI_SEP).explode()
    values = values[values.notna()]
    if empty_as is None:
        return values[values != ""]
    return values.replace("", empty_as)


def count_by(frame: pd.DataFrame, column: str, vocabulary: dict[str, str], multi: bool = False) -> pd.Series:
    """Trials per category in vocabulary order, zero-count categories dropped, "unknown" last."""
    values = split_values(frame[column]) if multi else frame[column].replace("", vocab.UNKNOWN)
    counts = values.value_counts()
    known = [key for key in vocabulary if key != vocab.UNKNOWN and counts.get(key, 0) > 0]
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
        text[country] = ", ".join(f"{vocab.label(vocab.SOURCE_TISSUES, t)} {n}"
                                  for t, n in zip(rows["tissue"][:top], rows["n"][:top]))
    return text


def tissue_route_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Trials per (tissue source, route) pair; rows and columns in the order of their totals, unknown last."""
    pairs = pd.DataFrame({"tissue": split_values(frame["source_tissue"])}).join(
        split_values(frame["route"]).rename("route"))
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
    table = pd.crosstab(years[years.notna()].astype(int), frame.loc[years.notna(), stack_column])
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
        groups.append({"route": route, "trial_ids": part["trial_id"].tolist(), "low": low, "high": high,
                       "levels": part["dose_levels"].fillna(0).to_numpy(dtype=int),
                       "median_low": float(np.median(low)), "median_high": float(np.median(high))})
    return groups


def headline_numbers(frame: pd.DataFrame) -> dict[str, float | int | None]:
    """Trials, countries, planned participants, share of EV/secretome trials, share recruiting."""
    trials = len(frame)
    if trials == 0:
        return {"trials": 0, "countries": 0, "participants": 0, "ev_share": None, "recruiting_share": None,
                "enrollment_reported": 0}
    enrollment = frame["enrollment"].dropna()
    return {
        "trials": trials,
        "countries": int(country_counts(frame).size),
        "participants": int(enrollment.sum()),
        "enrollment_reported": int(enrollment.size),
        "ev_share": float(frame["product"].isin(["msc_ev", "msc_secretome"]).mean()),
        "recruiting_share": float(frame["status"].isin(["recruiting", "not_yet_recruiting",
                                                         "enrolling_by_invitation"]).mean()),
    }


def dose_reporting_share(frame: pd.DataFrame) -> float | None:
    """Share of trials that state no cell dose at all (neither per kg nor total nor a dose phrase)."""
    if frame.empty:
        return None
    silent = (frame["dose_cells_per_kg_min"].isna() & frame["dose_cells_total_min"].isna()
              & frame["dose_ev_min"].isna() & (frame["dose_text"] == ""))
    return float(silent.mean())
