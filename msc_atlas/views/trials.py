"""The Trials page for a filter state: the grid's rows a block at a time, sorted and column-filtered on the server,
the match count, and the CSV export of exactly the rows the grid shows.

The grid (AG Grid's infinite row model) asks for rows [start, end) with its sort model and column filter model; the
shared filter comes along (the page's search box is its search text: msc_atlas.filters). `GridQuery.parse` turns the
untrusted models into a small frozen query (anything malformed is dropped, never raised), `positions` gives the row
positions the grid shows, in order, and `block` / `export_csv` read them. The work per request is numpy over integer
codes built once per dataset (`GridTable`): a column filter is tested once per distinct value of a column, a sort by
one column is a boolean selection from an order computed once, so a request costs about as much at 160,000 trials as
at 1,600, apart from a few linear passes over a mask.

Semantics follow AG Grid's own client-side filters (text: case-insensitive contains / notContains / equals /
notEqual / startsWith / endsWith / blank / notBlank; number: equals / notEqual / greaterThan(OrEqual) /
lessThan(OrEqual) / inRange (exclusive) / blank / notBlank, blanks matching only `blank`; two conditions joined by
AND / OR). Sorting: numbers numerically, text case-insensitively, "not reported" last in either direction, ties in
dataset order. tests/reference.py holds the plain pandas version the tests compare against. No Dash imports.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from msc_atlas import cache, coverage, doses, fields, vocab
from msc_atlas.fields import Field, Show
from msc_atlas.filters import FilterState
from msc_atlas.selection import count_matches, trial_index

BLOCK_SIZE = 100  # rows per grid request (the grid's cacheBlockSize): four pages of 25
MAX_BLOCK = 1000  # the most rows one request may ask for; a larger range is refused
MAX_ROW = 10**9  # no start row beyond this (a real grid never gets near it)
MAX_TEXT = 200  # a column filter's text is cut to this length
MAX_CONDITIONS = 4  # conditions per column filter (AG Grid's default maxNumConditions is 2)
MAX_SORT = 8  # sort keys
SEARCH_ARRAY_BYTES = 32 * 2**20  # a column's distinct texts as one fixed-width numpy array up to this size

TEXT_TYPES = ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith", "blank", "notBlank")
NUMBER_TYPES = (
    "equals",
    "notEqual",
    "greaterThan",
    "greaterThanOrEqual",
    "lessThan",
    "lessThanOrEqual",
    "inRange",
    "blank",
    "notBlank",
)
NO_VALUE = ("blank", "notBlank")  # condition types without a filter value
NULL_TEXT_MATCHES = ("notEqual", "notContains", "blank")  # AG Grid's text filter on an empty cell


def filter_kind(field: Field) -> str:
    """The column filter a grid column has: "number" for counts and cell doses (a dose by its lowest level), "text"
    for everything else (an EV amount too: amounts in different units do not compare)."""
    return "number" if field.sorts_as_number and not field.sort_group else "text"


# ------------------------------------------------------------------------------------------------ the query


@dataclass(frozen=True)
class Condition:
    type: str
    value: str | float | None = None  # lower-cased text, or a finite number; None for blank / notBlank
    value_to: float | None = None  # inRange only


@dataclass(frozen=True)
class ColumnFilter:
    column: str  # grid column (field name)
    kind: str  # "text" or "number"
    conditions: tuple[Condition, ...]
    any_of: bool = False  # True: OR of the conditions; False: AND


@dataclass(frozen=True)
class GridQuery:
    """What the grid asks for besides the filter state: sort keys and column filters. Hashable, so the row positions
    are cached per (state, query)."""

    sort: tuple[tuple[str, bool], ...] = ()  # (column, descending), most significant first
    filters: tuple[ColumnFilter, ...] = ()

    @classmethod
    def parse(cls, sort_model: Any = None, filter_model: Any = None) -> GridQuery:
        """A valid query from the grid's untrusted sort model and filter model; a part that is malformed or names no
        grid column is left out (never raises)."""
        columns = grid_fields()
        return cls(
            sort=_parse_sort(sort_model, columns),
            filters=_parse_filters(filter_model, columns),
        )

    def narrows(self) -> bool:
        """Whether the table's own column filters leave out rows of the filter state."""
        return bool(self.filters)

    def describe(self) -> str:
        """One line for the CSV header: the sort and the column filters ("" when none)."""
        columns = grid_fields()
        parts = []
        if self.sort:
            keys = [f"{columns[name].label} ({'descending' if desc else 'ascending'})" for name, desc in self.sort]
            parts.append("sorted by " + ", then ".join(keys))
        for column_filter in self.filters:
            joiner = " or " if column_filter.any_of else " and "
            shown = joiner.join(_describe_condition(condition) for condition in column_filter.conditions)
            parts.append(f"{columns[column_filter.column].label} {shown}")
        return re.sub(r"[\x00-\x1f\x7f]", " ", "; ".join(parts))  # one line, whatever text a filter holds


def _describe_condition(condition: Condition) -> str:
    if condition.type in NO_VALUE:
        return condition.type
    if condition.type == "inRange":
        return f"between {condition.value:g} and {condition.value_to:g} (exclusive)"
    value = f"{condition.value:g}" if isinstance(condition.value, float) else f"“{condition.value}”"
    return f"{condition.type} {value}"


@dataclass(frozen=True)
class GridRequest:
    """One getRowsRequest of the grid, validated: rows [start, end) of what `query` selects."""

    start: int
    end: int
    query: GridQuery

    @classmethod
    def parse(cls, request: Any) -> GridRequest | None:
        """None when the request is not a mapping or asks for an impossible row range (negative, reversed, more
        than MAX_BLOCK rows, not whole numbers); otherwise the valid parts of its models."""
        if not isinstance(request, Mapping):
            return None
        start, end = _whole(request.get("startRow")), _whole(request.get("endRow"))
        if start is None or end is None or not 0 <= start < end <= start + MAX_BLOCK or start > MAX_ROW:
            return None
        return cls(start, end, GridQuery.parse(request.get("sortModel"), request.get("filterModel")))


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _number(value: Any) -> float | None:
    """A finite number from a JSON number (or a numeric string, as some clients send); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and len(value) <= 40:
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    return None


def _parse_sort(model: Any, columns: Mapping[str, Field]) -> tuple[tuple[str, bool], ...]:
    if not isinstance(model, (list, tuple)):
        return ()
    keys: list[tuple[str, bool]] = []
    for entry in model[: MAX_SORT * 4]:
        if not isinstance(entry, Mapping):
            continue
        column, direction = entry.get("colId"), entry.get("sort")
        if isinstance(column, str) and column in columns and direction in ("asc", "desc"):
            if column not in (name for name, _ in keys):
                keys.append((column, direction == "desc"))
    return tuple(keys[:MAX_SORT])


def _parse_filters(model: Any, columns: Mapping[str, Field]) -> tuple[ColumnFilter, ...]:
    if not isinstance(model, Mapping):
        return ()
    parsed = []
    for column, spec in itertools.islice(model.items(), 100):
        if not isinstance(column, str) or column not in columns or not isinstance(spec, Mapping):
            continue
        kind = filter_kind(columns[column])
        if spec.get("filterType", kind) != kind:
            continue  # a text model on a number column (or the reverse): not a filter this grid offers
        raw = spec.get("conditions")
        if raw is None:  # one condition: the model is the condition
            raw = [spec]
        if not isinstance(raw, (list, tuple)):
            continue
        conditions = [c for c in (_parse_condition(item, kind) for item in raw[:MAX_CONDITIONS]) if c is not None]
        if conditions:
            operator = spec.get("operator")
            parsed.append(ColumnFilter(column, kind, tuple(conditions), any_of=operator == "OR"))
    return tuple(sorted(parsed, key=lambda f: f.column))  # one query per set of filters, whatever the key order


def _parse_condition(item: Any, kind: str) -> Condition | None:
    if not isinstance(item, Mapping):
        return None
    kind_types = NUMBER_TYPES if kind == "number" else TEXT_TYPES
    condition_type = item.get("type")
    if not isinstance(condition_type, str) or condition_type not in kind_types:
        return None
    if condition_type in NO_VALUE:
        return Condition(condition_type)
    if kind == "text":
        value = item.get("filter")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or value == "":
            return None  # AG Grid leaves an empty condition out of its model too
        return Condition(condition_type, value[:MAX_TEXT].lower())
    number = _number(item.get("filter"))
    if number is None:
        return None
    if condition_type == "inRange":
        upper = _number(item.get("filterTo"))
        return None if upper is None else Condition(condition_type, number, upper)
    return Condition(condition_type, number)


# ------------------------------------------------------------------------------------------------ the table


def grid_fields() -> Mapping[str, Field]:
    """Grid column (field name) -> field, in grid order."""
    return {field.name: field for field in fields.shown(Show.GRID)}


def _missing_labels(field: Field) -> set[Any]:
    """What a cell of this field shows when nothing is reported (sorted last, in either direction)."""
    return {None, vocab.NOT_REPORTED, field.value_label(vocab.UNKNOWN)}


class _Column:
    """One grid column as codes: each row's code into the column's distinct shown values, and per distinct value its
    lower-cased text, its number (number columns), whether it is "not reported", and its sort rank."""

    def __init__(self, field: Field, shown: np.ndarray, numbers: np.ndarray, groups: np.ndarray | None = None):
        self.field = field
        self.kind = filter_kind(field)
        codes, uniques = pd.factorize(shown, use_na_sentinel=False)
        self.codes = codes.astype(np.intp)
        self.values: list[Any] = [None if _is_missing(value) else value for value in uniques]
        # a shown text stands for one number (a dose's text is its lowest level, to 3 significant digits): the
        # number and unit of the first row showing it
        first = np.zeros(len(uniques), dtype=np.intp)
        first[self.codes[::-1]] = np.arange(len(self.codes))[::-1]
        missing_labels = _missing_labels(field)
        self.missing = np.array([value in missing_labels for value in self.values], dtype=bool)
        self.text = [None if value is None else str(value).lower() for value in self.values]
        self.null = np.array([text is None for text in self.text], dtype=bool)
        # numpy's string functions test every distinct value in C, 4x as fast as a Python loop over 160,000 ids;
        # a column of long distinct texts (titles at 100x) would need too much memory as fixed-width, and loops
        width = max((len(text) for text in self.text if text), default=1)
        fits = len(self.text) * width * 4 <= SEARCH_ARRAY_BYTES
        self.array = np.array([text or "" for text in self.text], dtype=f"<U{width}") if fits else None
        self.number = numbers[first] if len(uniques) else np.zeros(0)
        group = [""] * len(uniques) if groups is None else list(groups[first])
        if field.sorts_as_number:
            sort_key: Callable[[int], Any] = lambda code: (group[code], self.number[code])  # noqa: E731 - short keys
        else:
            sort_key = lambda code: (self.text[code], str(self.values[code]))  # noqa: E731
        present = [code for code in range(len(self.values)) if not self.missing[code]]
        # equal keys share a rank (two dose texts with the same lowest level), so their rows keep dataset order
        ranked = sorted(present, key=sort_key)
        rank = np.zeros(len(self.values), dtype=np.intp)
        position = -1
        for index, code in enumerate(ranked):
            if index == 0 or sort_key(code) != sort_key(ranked[index - 1]):
                position += 1
            rank[code] = position
        last = position + 1
        rank[self.missing] = last  # "not reported": after every value
        self.rank = {False: rank, True: np.where(self.missing, last, last - 1 - rank)}  # descending: reversed
        self._orders: dict[bool, np.ndarray] = {}

    def key(self, descending: bool) -> np.ndarray:
        """Each row's sort key in one direction ("not reported" last either way)."""
        return self.rank[descending][self.codes]

    def order(self, descending: bool) -> np.ndarray:
        """Every row position sorted by this column, ties in dataset order; computed once per direction."""
        if descending not in self._orders:
            self._orders[descending] = np.argsort(self.key(descending), kind="stable")
        return self._orders[descending]

    def matches(self, column_filter: ColumnFilter) -> np.ndarray:
        """Rows that pass the column filter: each condition tested once per distinct value."""
        results = [self._passes(condition) for condition in column_filter.conditions]
        passed = np.logical_or.reduce(results) if column_filter.any_of else np.logical_and.reduce(results)
        return np.asarray(passed, dtype=bool)[self.codes]

    def _passes(self, condition: Condition) -> np.ndarray:
        """Whether each distinct value passes one condition."""
        if self.kind == "number":
            return _number_passes(condition, self.number)
        value, array = condition.value, self.array
        if array is not None and isinstance(value, str) and "\x00" not in value:  # numpy drops trailing NULs
            vectorised = {
                "contains": lambda: np.strings.find(array, value) >= 0,
                "notContains": lambda: np.strings.find(array, value) < 0,
                "equals": lambda: array == value,
                "notEqual": lambda: array != value,
                "startsWith": lambda: np.strings.startswith(array, value),
                "endsWith": lambda: np.strings.endswith(array, value),
            }[condition.type]()  # every text condition with a value
            return np.where(self.null, condition.type in NULL_TEXT_MATCHES, vectorised)
        return np.fromiter((_text_passes(condition, text) for text in self.text), dtype=bool, count=len(self.text))


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text_passes(condition: Condition, text: str | None) -> bool:
    kind, value = condition.type, condition.value
    if text is None:
        return kind in NULL_TEXT_MATCHES
    if kind == "blank":
        return text.strip() == ""
    if kind == "notBlank":
        return text.strip() != ""
    assert isinstance(value, str)
    if kind == "contains":
        return value in text
    if kind == "notContains":
        return value not in text
    if kind == "equals":
        return text == value
    if kind == "notEqual":
        return text != value
    if kind == "startsWith":
        return text.startswith(value)
    return text.endswith(value)  # endsWith


def _number_passes(condition: Condition, numbers: np.ndarray) -> np.ndarray:
    blank = np.isnan(numbers)
    kind = condition.type
    if kind == "blank":
        return blank
    if kind == "notBlank":
        return ~blank
    value = condition.value if isinstance(condition.value, float) else 0.0  # a number condition holds a number
    with np.errstate(invalid="ignore"):
        if kind == "equals":
            passed = numbers == value
        elif kind == "notEqual":
            passed = numbers != value
        elif kind == "greaterThan":
            passed = numbers > value
        elif kind == "greaterThanOrEqual":
            passed = numbers >= value
        elif kind == "lessThan":
            passed = numbers < value
        elif kind == "lessThanOrEqual":
            passed = numbers <= value
        else:  # inRange, exclusive at both ends (AG Grid's default)
            passed = (numbers > value) & (numbers < float(condition.value_to or 0.0))
    return passed & ~blank  # an empty cell matches only "blank"


def _grid_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Grid records of every trial in `frame`, labels resolved once per distinct value (of the columns a cell is
    built from)."""
    table = pd.DataFrame({"url": frame["url"]}, index=frame.index)
    for field in fields.shown(Show.GRID):
        names = (field.column, *field.reads)
        cells = list(zip(*(frame[name].astype(object).tolist() for name in names), strict=True))
        shown = {value: field.grid_cell(dict(zip(names, value, strict=True))) for value in set(cells)}
        table[field.name] = pd.Series([shown[value] for value in cells], index=frame.index, dtype=object)
    return table


def _sort_numbers(frame: pd.DataFrame, field: Field) -> np.ndarray:
    """Each row's number the grid sorts and number-filters the column by (NaN where not reported)."""
    if not field.sorts_as_number:
        return np.full(len(frame), np.nan)
    cells = frame[field.column].astype(object).tolist()
    numbers = {value: field.sort_number(value) for value in set(cells)}
    return np.array([numbers[value] for value in cells], dtype=float)


def _sort_groups(frame: pd.DataFrame, field: Field) -> np.ndarray | None:
    """Each row's group label the column sorts by first (an EV amount's unit), or None."""
    if not field.sort_group:
        return None
    return frame[field.sort_group].astype(object).fillna("").astype(str).to_numpy(dtype=object)


class GridTable:
    """The grid of the loaded trials, built once per dataset: the shown values of every row (for the blocks sent)
    and one `_Column` of codes per grid column (for sorting and column filters)."""

    def __init__(self, frame: pd.DataFrame):
        self.size = len(frame)
        table = _grid_table(frame)
        self.names = list(table.columns)  # "url", then the grid columns
        self.cells = [table[name].to_numpy(dtype=object) for name in self.names]
        self.columns = {
            field.name: _Column(
                field,
                table[field.name].to_numpy(dtype=object),
                _sort_numbers(frame, field),
                _sort_groups(frame, field),
            )
            for field in grid_fields().values()
        }

    def keep(self, base: np.ndarray, query: GridQuery) -> np.ndarray:
        """`base` (the filter state's rows) narrowed by the column filters."""
        keep = base.copy()
        for column_filter in query.filters:
            keep &= self.columns[column_filter.column].matches(column_filter)
        return keep

    def order(self, keep: np.ndarray, sort: tuple[tuple[str, bool], ...]) -> np.ndarray:
        """Positions of the kept rows in display order."""
        if not sort:
            return np.flatnonzero(keep)
        if len(sort) == 1:
            name, descending = sort[0]
            order = self.columns[name].order(descending)
            return order[keep[order]]
        rows = np.flatnonzero(keep)
        keys = [self.columns[name].key(descending)[rows] for name, descending in reversed(sort)]
        return rows[np.lexsort(keys)]  # stable: ties keep dataset order

    def records(self, positions: np.ndarray) -> list[dict[str, Any]]:
        """The grid records (url and shown values) of the rows at `positions`, in that order."""
        picked = [cells[positions] for cells in self.cells]
        return [dict(zip(self.names, values, strict=True)) for values in zip(*picked, strict=True)]


def grid_table() -> GridTable:
    """The grid table of the loaded trials, built once: a request then only selects and orders rows of it."""
    return cache.per_dataset("grid", trial_index().frame, GridTable)


@cache.results(maxsize=32)  # an array of up to one int per trial: fewer kept than the per-state views
def positions(state: FilterState, query: GridQuery = GridQuery()) -> np.ndarray:
    """Row positions (in the loaded frame) the grid shows for `state` and `query`, in display order: the filter
    state, then the column filters, then the sort. Read-only (shared between callers)."""
    table = grid_table()
    shown = table.order(table.keep(trial_index().mask(state), query), query.sort)
    shown.flags.writeable = False
    return shown


@dataclass(frozen=True)
class Block:
    rows: list[dict[str, Any]]  # grid records of the rows asked for
    total: int  # rows the grid shows (the filter state, narrowed by the table's column filters)
    matching: int  # trials matching the filter state alone


def block(state: FilterState, request: GridRequest) -> Block:
    """The rows [start, end) the grid asked for, with the totals the page shows."""
    shown = positions(state, request.query)
    rows = grid_table().records(shown[request.start : request.end])
    return Block(rows=rows, total=len(shown), matching=count_matches(state)[0])


def rows(state: FilterState, query: GridQuery = GridQuery()) -> list[dict[str, Any]]:
    """Every grid record for `state` and `query` (categories as labels, countries as names)."""
    return grid_table().records(positions(state, query))


DOSE_COLUMN = "dose_per_administration"  # the CSV's one column not in trials.csv
DOSE_SUMMARY_READS = [
    "dose_cells_per_kg_min",
    "dose_cells_per_kg_max",
    "dose_cells_total_min",
    "dose_cells_total_max",
    "dose_ev_min",
    "dose_ev_max",
    "dose_ev_unit",
]

CITATION = (
    "MSC Trials Atlas, dataset build {version} (data to {data_to}): built from ClinicalTrials.gov (as of {ctgov}) "
    "and WHO ICTRP COVID-19 exports (as of {ictrp}); see /about for sources and licences."
)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every category and country cell as its labels: one vocabulary for every export (the grid, the
    record and the Methods table print the same words). An optional category's empty cell stays empty (nothing
    stated there is no missing value), unless the field words it from the row (why a trial stopped)."""
    out = frame.copy()
    for column in frame.columns:
        try:
            field = fields.by_column(column)
        except KeyError:
            continue
        if field.kind not in (fields.Kind.CATEGORY, fields.Kind.COUNTRIES):
            continue
        if field.display and all(c in frame.columns for c in (column, *field.reads)):
            out[column] = [field.display(row) for row in frame[[column, *field.reads]].to_dict("records")]
            continue
        words = {cell: ("" if field.optional and cell == "" else field.labels(cell)) for cell in frame[column].unique()}
        out[column] = frame[column].map(words)
    return out


def export_csv(state: FilterState, query: GridQuery = GridQuery()) -> tuple[str, str]:
    """CSV text of the trials the grid shows for `state` and `query` (all columns, in the grid's order), headed by
    the dataset version, the filter, the table's sort / filters / search and a citation line."""
    from msc_atlas.data import load_version  # late import: views stays importable without data at hand

    frame = trial_index().frame.take(positions(state, query))
    version = load_version()
    table = query.describe()
    lines = [
        "# "
        + CITATION.format(
            version=version["dataset_version"],
            data_to=coverage.data_to(version),
            ctgov=version["ctgov_as_of"],
            ictrp=version["ictrp_as_of"],
        ),
        f"# Filter: {state.describe()} ({state.to_query() or 'no filter'})"
        + (f"; table: {table}" if table else "")
        + f"; rows: {len(frame)}",
    ]
    lines.append(
        "# Values as the app and the Methods table show them (“Phase 3”, “not reported” where a source is silent); "
        "columns as in data/README.md"
    )
    table = labelled(frame[fields.trial_columns()])
    # the stated doses as people read them, beside the numbers they come from ("1–2 × 10⁶/kg; 100 million cells")
    table[DOSE_COLUMN] = [doses.summary(row) for row in frame[DOSE_SUMMARY_READS].to_dict("records")]
    body = table.to_csv(index=False, lineterminator="\n")
    filename = f"msc-trials-atlas_{version['dataset_version']}_{len(frame)}-trials.csv"
    return "\n".join(lines) + "\n" + body, filename
