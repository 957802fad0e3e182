"""Load and validate the bundled dataset (data/) once per process.

`load_trials()` returns data/trials.csv as a DataFrame: every column is str ("" = not stated) except integer fields
(`enrollment`, `dose_levels`: Int64) and number fields (the dose ranges `dose_cells_per_kg_min/max`,
`dose_cells_total_min/max`, `dose_ev_min/max`: Float64). Any problem with the
file raises `DatasetError` with a message naming the file, the line, the column and the bad value. The schema and
the column types come from the field registry (msc_atlas.fields).
The frame is cached per path (msc_atlas.cache): treat it as read-only.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pycountry
from pandera.errors import SchemaError, SchemaErrors

from msc_atlas import cache, config, fields, vocab
from msc_atlas.fields import Field, Kind
from msc_atlas.vocab import MULTI_SEP

VERSION_KEYS = ("dataset_version", "ctgov_as_of", "ictrp_as_of")


def _in_data_dir(name: str) -> Path:
    """A file of the dataset directory ($MSC_ATLAS_DATA_DIR or the bundled data/), looked up at call time."""
    return config.data_dir() / name


class DatasetError(ValueError):
    """The bundled dataset is missing, unreadable or violates the contract in msc_atlas.fields."""


# ------------------------------------------------------------------------------------------ element checks

_ID_RX = {name: re.compile(rf"^(?:{rx})$") for name, rx in vocab.REGISTRIES.items()}
_ISO3 = {c.alpha_3 for c in pycountry.countries}
_DATE_RX = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _valid_id(x: str) -> bool:
    return any(rx.match(x) for rx in _ID_RX.values())


def _valid_date(x: str) -> bool:
    """ "" or ISO YYYY-MM-DD / YYYY-MM (month precision when the registry gives only a month)."""
    if x == "":
        return True
    m = _DATE_RX.match(x)
    if not m:
        return False
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return False
    return 1990 <= int(m.group(1)) <= 2100


def _non_negative_number(x: str, integer: bool) -> bool:
    if x == "":
        return True
    if integer:
        return re.fullmatch(r"\d+", x) is not None
    try:
        v = float(x)
    except ValueError:
        return False
    return v >= 0 and v == v and v != float("inf")


def _in(values, allow_empty: bool = False, multi: bool = False):
    """Element check: value in `values` (each ';'-part when multi)."""
    allowed = set(values)

    def check(x: str) -> bool:
        if x == "":
            return allow_empty
        parts = x.split(MULTI_SEP) if multi else [x]
        return all(p in allowed for p in parts) and len(set(parts)) == len(parts)

    return check


def _ids_list(x: str) -> bool:
    return x == "" or all(_valid_id(p) for p in x.split(MULTI_SEP))


def _countries(x: str) -> bool:
    if x == "":
        return True
    parts = x.split(MULTI_SEP)
    return all(p in _ISO3 for p in parts) and parts == sorted(set(parts))


def _number_list(x: str) -> bool:
    if x == "":
        return True
    parts = x.split(MULTI_SEP)
    if not all(_non_negative_number(p, False) and p for p in parts):
        return False
    values = [float(p) for p in parts]
    return values == sorted(set(values))


# Dose ranges: each (stem_min, stem_max) pair is empty on both ends or ordered.
RANGE_STEMS = ("dose_cells_per_kg", "dose_cells_total", "dose_ev")


def _ranges_ordered(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for stem in RANGE_STEMS:
        lo = pd.to_numeric(df[f"{stem}_min"], errors="coerce")
        hi = pd.to_numeric(df[f"{stem}_max"], errors="coerce")
        ok &= (lo.isna() == hi.isna()) & ~(lo > hi)
    return ok


def _el(fn, name: str) -> pa.Check:
    return pa.Check(lambda s: s.map(fn), element_wise=False, name=name)


def _row_id_matches_registry(df: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [bool(_ID_RX.get(r, re.compile("$^")).match(i)) for i, r in zip(df["trial_id"], df["registry"])], index=df.index
    )


def _checks(field: Field) -> list[pa.Check]:
    """The element checks of a field's column, from its kind (the check name is what an error message quotes)."""
    if field.kind is Kind.CATEGORY:
        assert field.vocabulary is not None  # a category always has one (Field.__post_init__)
        where = field.vocabulary_name or f"{field.column} vocabulary"
        if field.optional:  # empty when not stated, never the vocabulary's "unknown"
            allowed = [key for key in field.vocabulary if key != vocab.UNKNOWN]
            name = f"{where} keys (';'-list) or empty" if field.multi else f"{where} key or empty"
            return [_el(_in(allowed, allow_empty=True, multi=field.multi), name)]
        name = f"{where} keys (';'-list)" if field.multi else f"{where} key"
        return [_el(_in(field.vocabulary, multi=field.multi), name)]
    check = {
        Kind.ID: (_valid_id, "registry ID pattern (vocab.REGISTRIES)"),
        Kind.IDS: (_ids_list, "';'-separated registry IDs"),
        Kind.URL: (lambda x: x.startswith("https://") and " " not in x, "URL starting with https://"),
        Kind.TITLE: (lambda x: x.strip() != "", "non-empty title"),
        Kind.COUNTRIES: (_countries, "sorted ';'-list of ISO 3166-1 alpha-3 codes"),
        Kind.NUMBER: (lambda x: _non_negative_number(x, False), "non-negative number or empty"),
        Kind.INTEGER: (lambda x: _non_negative_number(x, True), "non-negative integer or empty"),
        Kind.DATE: (_valid_date, "ISO date YYYY-MM-DD or YYYY-MM, or empty"),
        Kind.SNAPSHOT_DATE: (lambda x: x != "" and _valid_date(x), "ISO date YYYY-MM-DD (snapshot of the record)"),
        Kind.NUMBER_LIST: (_number_list, "';'-list of non-negative numbers, ascending"),
    }.get(field.kind)
    return [_el(*check)] if check else []


def trials_schema() -> pa.DataFrameSchema:
    """The pandera schema of data/trials.csv, from the field registry: one column per field (checked by its kind)
    and one per evidence column (text), in file order; every cell is a string ("" = not stated)."""
    columns: dict[str, pa.Column] = {}
    for field in fields.FIELDS:
        columns[field.column] = pa.Column(str, checks=_checks(field), nullable=False, unique=field.kind is Kind.ID)
        if field.evidence:
            columns[field.evidence] = pa.Column(str, nullable=False)
    return pa.DataFrameSchema(
        columns,
        checks=[
            pa.Check(_row_id_matches_registry, name="trial_id matches the pattern of its registry"),
            pa.Check(_ranges_ordered, name="dose range minimum <= maximum"),
        ],
        strict=True,
        ordered=True,
    )


# ------------------------------------------------------------------------------------------ reading


def _read_text(path: Path) -> str:
    """The file as UTF-8 text, or DatasetError (missing, empty, wrong encoding, truncated)."""
    if not path.exists():
        raise DatasetError(f"{path}: file not found (rebuild with `python -m msc_atlas.pipeline`)")
    raw = path.read_bytes()
    if not raw:
        raise DatasetError(f"{path}: file is empty (0 bytes)")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) > 3 and raw[1:4:2] == b"\x00\x00"):
        raise DatasetError(f"{path}: file is UTF-16 encoded; expected UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DatasetError(
            f"{path}: line {line}: byte 0x{raw[e.start]:02x} at offset {e.start} is not valid UTF-8 "
            f"(file saved as latin-1/cp1252?); expected UTF-8"
        ) from None
    if "\x00" in text:
        raise DatasetError(f"{path}: file contains NUL bytes (binary or UTF-16 data); expected UTF-8 text")
    text = text.removeprefix("\ufeff")
    if not text.endswith("\n"):
        last = text.count("\n") + 1
        raise DatasetError(f"{path}: line {last}: file does not end with a newline; it looks truncated")
    return text


def csv_rows(path: Path, text: str, error: type[Exception] = DatasetError) -> list[list[str]]:
    """Rows of a CSV text read strictly (header first); `error` names the file when it is malformed or empty."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise error(f"{path}: malformed CSV ({e}): truncated or not a CSV file") from None
    if not rows:
        raise error(f"{path}: file has no header line")
    return rows


def _parse_csv(path: Path, text: str, columns: list[str]) -> pd.DataFrame:
    rows = csv_rows(path, text)
    header = rows[0]
    if header != columns:
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        detail = []
        if missing:
            detail.append(f"missing column(s) {missing}")
        if extra:
            detail.append(f"unexpected column(s) {extra}")
        if not detail:
            detail.append("columns are in the wrong order")
        raise DatasetError(f"{path}: line 1 (header): {'; '.join(detail)}; expected {columns}")
    if len(rows) == 1:
        raise DatasetError(f"{path}: file has a header but no data rows")
    for n, r in enumerate(rows[1:], start=2):
        if len(r) != len(columns):
            raise DatasetError(
                f"{path}: line {n}: {len(r)} fields, expected {len(columns)} "
                f"(file truncated or malformed; trial {r[0]!r})"
                if r
                else f"{path}: line {n}: empty line"
            )
    return pd.DataFrame(rows[1:], columns=columns, dtype=str)


def _schema_message(path: Path, df: pd.DataFrame, err: SchemaErrors | SchemaError) -> str:
    """The first problem (lowest line) as 'file: line N (trial X), column C: bad value V — expected ...'."""
    fc = err.failure_cases
    if fc is None or len(fc) == 0:
        return f"{path}: {err}"
    fc = fc.copy()
    fc["_idx"] = pd.to_numeric(fc["index"], errors="coerce") if "index" in fc else float("nan")
    col_fc = fc[fc["schema_context"] == "Column"] if "schema_context" in fc else fc
    row_fc = fc.drop(col_fc.index).drop_duplicates("_idx")
    n_problems = len(col_fc.drop_duplicates(["_idx", "column"])) + len(row_fc)
    more = f" ({n_problems - 1} more problem(s) in the file)" if n_problems > 1 else ""
    if len(col_fc):
        first = col_fc.sort_values("_idx", kind="mergesort", na_position="last").iloc[0]
        col, check, i = str(first["column"]), str(first["check"]), first["_idx"]
        if i != i:  # no row index: a column-level failure
            return f"{path}: column '{col}': {check} failed ({first['failure_case']!r}){more}"
        i = int(i)
        value = df.at[i, col]
        if check == "field_uniqueness":
            dup_lines = [str(k + 2) for k in df.index[df[col] == value]]
            return f"{path}: lines {' and '.join(dup_lines)}, column '{col}': duplicate value {value!r}{more}"
        return (
            f"{path}: line {i + 2} (trial {df.at[i, 'trial_id']}), column '{col}': bad value {value!r} "
            f"— expected {check}{more}"
        )
    first = row_fc.sort_values("_idx", kind="mergesort", na_position="last").iloc[0]
    if first["_idx"] != first["_idx"]:  # no row: a check on the whole table
        return f"{path}: {first['check']} failed ({first['failure_case']!r}){more}"
    i = int(first["_idx"])
    if "dose range" in str(first["check"]):
        return (
            f"{path}: line {i + 2} (trial {df.at[i, 'trial_id']}), dose columns: a range minimum is above its "
            f"maximum or one end is missing — expected {first['check']}{more}"
        )
    return (
        f"{path}: line {i + 2}, column 'trial_id/registry': bad value "
        f"{df.at[i, 'trial_id']!r} / {df.at[i, 'registry']!r} — expected {first['check']}{more}"
    )


@cache.dataset(maxsize=8)
def _load_trials(path_str: str) -> pd.DataFrame:
    path = Path(path_str)
    df = _parse_csv(path, _read_text(path), fields.trial_columns())
    try:
        trials_schema().validate(df, lazy=True)
    except (SchemaErrors, SchemaError) as e:
        raise DatasetError(_schema_message(path, df, e)) from None
    out = df.copy()
    for field in fields.FIELDS:
        cells = df[field.column]
        if field.kind is Kind.INTEGER:
            out[field.column] = pd.array([int(x) if x else None for x in cells], dtype="Int64")
        elif field.kind is Kind.NUMBER:
            out[field.column] = pd.array([float(x) if x else None for x in cells], dtype="Float64")
    version_file = path.parent / "version.json"
    out.attrs["version"] = load_version(version_file) if version_file.exists() else {}
    out.attrs["path"] = str(path)
    return out


def load_trials(path: str | Path | None = None) -> pd.DataFrame:
    """data/trials.csv validated against `trials_schema()` (cached per path). Raises DatasetError."""
    return _load_trials(str(Path(path or _in_data_dir("trials.csv")).resolve()))


def load_version(path: str | Path | None = None) -> dict:
    """data/version.json: dataset_version and the as-of date of every input."""
    path = Path(path or _in_data_dir("version.json"))
    try:
        info = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise DatasetError(f"{path}: line {e.lineno}: invalid JSON: {e.msg}") from None
    missing = [k for k in VERSION_KEYS if not isinstance(info.get(k), str) or not info.get(k)]
    if missing:
        raise DatasetError(f"{path}: missing key(s) {missing}")
    return info


def _load_simple(path: Path, columns: list[str]) -> pd.DataFrame:
    return _parse_csv(path, _read_text(path), columns)


PUBLISHED_FACTS_COLUMNS = [
    "trial_id",
    "registry_id",
    "disease_area",
    "product",
    "product_key",
    "source_tissue",
    "source_tissue_key",
    "donor",
    "donor_key",
    "route",
    "route_key",
    "dose_text",
    "phase",
    "enrollment",
    "status_as_reported",
    "countries",
    "countries_iso3",
    "sponsor",
    "reported_in",
    "reported_date",
    "notes",
]
CONFLICT_COLUMNS = ["trial_id", "field", "value_a", "source_a", "value_b", "source_b", "shown", "resolution"]


def _resolved(path: str | Path | None, name: str) -> str:
    """The file to read, as a resolved path string: the cache key, so a swapped dataset directory is read anew."""
    return str(Path(path or _in_data_dir(name)).resolve())


def load_published_facts(path: str | Path | None = None) -> pd.DataFrame:
    """data/published_facts.csv: what each review table says per trial (trial_id = dataset ID, "" if not in it)."""
    return _load_published_facts(_resolved(path, "published_facts.csv"))


@cache.dataset(maxsize=4)
def _load_published_facts(path: str) -> pd.DataFrame:
    return _load_simple(Path(path), PUBLISHED_FACTS_COLUMNS)


def load_conflicts(path: str | Path | None = None) -> pd.DataFrame:
    """data/conflicts.csv: disagreements reviewer vs registry and reviewer vs reviewer."""
    return _load_conflicts(_resolved(path, "conflicts.csv"))


@cache.dataset(maxsize=4)
def _load_conflicts(path: str) -> pd.DataFrame:
    return _load_simple(Path(path), CONFLICT_COLUMNS)


PUBLICATION_COLUMNS = ["trial_id", "pmid", "type", "citation", "retraction_pmid", "retraction_source"]


def load_publications(path: str | Path | None = None) -> pd.DataFrame:
    """data/publications.csv: every reference the trials' full registry records list (result, derived, background),
    with the retraction notice tied to a reference."""
    return _load_publications(_resolved(path, "publications.csv"))


@cache.dataset(maxsize=4)
def _load_publications(path: str) -> pd.DataFrame:
    return _load_simple(Path(path), PUBLICATION_COLUMNS)


CORRECTION_COLUMNS = ["trial_id", "field", "value", "applies_when", "published_text", "citation_url", "note"]


@cache.dataset(maxsize=4)
def load_corrections(path: str | Path | None = None) -> pd.DataFrame:
    """curation/corrections.csv: the reviewed corrections the build applied, each with its citation."""
    return _load_simple(Path(path or config.CORRECTIONS_FILE), CORRECTION_COLUMNS)


FLOW_KEYS = (
    "records_read",
    "sources",
    "duplicate_rows",
    "merged_records",
    "trials_screened",
    "excluded",
    "excluded_trials",
    "trials_assessed",
    "not_msc",
    "not_msc_trials",
    "included_trials",
    "included_by_product",
)
ACCURACY_COLUMNS = ["field", "n", "right", "accuracy", "dev_accuracy", "heldout_accuracy"]
# data/census_accuracy.csv: per field, the two blind readings' agreement and kappa, and the rules' census accuracy
CENSUS_ACCURACY_COLUMNS = ["field", "n", "agree", "agreement", "kappa", "rules_n", "rules_right", "rules_accuracy"]


def load_record_flow(path: str | Path | None = None) -> dict:
    """data/record_flow.json: records read, merged, excluded and included (msc_atlas.pipeline.flow); the boxes add up."""
    return _load_record_flow(_resolved(path, "record_flow.json"))


@cache.dataset(maxsize=4)
def _load_record_flow(path_str: str) -> dict:
    path = Path(path_str)
    try:
        flow = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise DatasetError(f"{path}: line {e.lineno}: invalid JSON: {e.msg}") from None
    missing = [k for k in FLOW_KEYS if k not in flow]
    if missing:
        raise DatasetError(f"{path}: missing key(s) {missing}")
    parts = (
        flow["duplicate_rows"]
        + flow["merged_records"]
        + flow["excluded_trials"]
        + flow["not_msc_trials"]
        + flow["included_trials"]
    )
    if parts != flow["records_read"]:
        raise DatasetError(f"{path}: the boxes hold {parts} records, not the {flow['records_read']} read")
    return flow


def load_gold_accuracy(path: str | Path | None = None) -> list[dict]:
    """data/gold_accuracy.csv: per derived field, its accuracy against the gold sample."""
    return _load_gold_accuracy(_resolved(path, "gold_accuracy.csv"))


@cache.dataset(maxsize=4)
def _load_gold_accuracy(path: str) -> list[dict]:
    return _load_simple(Path(path), ACCURACY_COLUMNS).to_dict("records")


def load_census_accuracy(path: str | Path | None = None) -> list[dict]:
    """data/census_accuracy.csv: per census field, reader agreement, Cohen's kappa and the rules' accuracy."""
    return _load_census_accuracy(_resolved(path, "census_accuracy.csv"))


@cache.dataset(maxsize=4)
def _load_census_accuracy(path: str) -> list[dict]:
    return _load_simple(Path(path), CENSUS_ACCURACY_COLUMNS).to_dict("records")


def load_all(directory: str | Path | None = None) -> pd.DataFrame:
    """Load and validate every table the app serves from `directory` (default: the dataset directory), warming
    the caches; raises DatasetError (or the mechanism's error) naming the first problem. Returns the trials."""
    from msc_atlas.mechanism import model as mechanism

    folder = Path(directory) if directory else None
    at = (lambda name: folder / name) if folder else (lambda name: None)
    trials = load_trials(at("trials.csv"))
    load_version(at("version.json"))
    load_published_facts(at("published_facts.csv"))
    load_conflicts(at("conflicts.csv"))
    load_publications(at("publications.csv"))
    load_record_flow(at("record_flow.json"))
    load_gold_accuracy(at("gold_accuracy.csv"))
    load_census_accuracy(at("census_accuracy.csv"))
    load_corrections()
    mechanism.model_at(folder)
    return trials
