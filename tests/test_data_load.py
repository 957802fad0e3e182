"""msc_atlas.data: the bundled dataset loads, and every kind of damage gives a DatasetError naming what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from msc_atlas import config, data, fields
from msc_atlas.data import DatasetError, load_trials, load_version

GOOD = config.BUNDLED_DATA_DIR / "trials.csv"


@pytest.fixture()
def lines() -> list[str]:
    return GOOD.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(tmp_path: Path, content: str | bytes, name: str = "trials.csv") -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8", newline="")
    return p


def _replace_cell(lines: list[str], line_no: int, column: str, value: str) -> str:
    """The file text with one cell changed (line_no is 1-based, header = 1)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(lines), newline="")))
    rows[line_no - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def test_bundled_dataset_loads():
    df = load_trials()
    assert len(df) >= 1500
    assert list(df.columns) == fields.trial_columns()
    assert str(df["enrollment"].dtype) == "Int64"
    for column in [f.column for f in fields.FIELDS if f.kind is fields.Kind.NUMBER]:
        assert str(df[column].dtype) == "Float64", column
    assert str(df["dose_levels"].dtype) == "Int64"
    dosed = df[df["dose_cells_per_kg_min"].notna()]
    assert (dosed["dose_cells_per_kg_min"] <= dosed["dose_cells_per_kg_max"]).all()
    assert (df["title"] != "").all() and df["conditions"].map(type).eq(str).all()  # "" stays ""
    assert df.attrs["version"]["dataset_version"]
    assert load_trials() is df  # cached once per process


def test_version_file():
    v = load_version()
    assert {"dataset_version", "ctgov_as_of", "ictrp_as_of"} <= set(v)
    assert v["ctgov_as_of"] == "2022-10-13" and v["ictrp_as_of"] == "2020-12-16"


def test_published_facts_and_conflicts_load():
    assert len(data.load_published_facts()) == 168
    assert {"trial_id", "field", "value_a", "source_a", "value_b", "source_b", "shown", "resolution"} == set(
        data.load_conflicts().columns
    )


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="not found"):
        load_trials(tmp_path / "nope.csv")


def test_empty_file(tmp_path):
    with pytest.raises(DatasetError, match=r"trials\.csv: file is empty"):
        load_trials(_write(tmp_path, b""))


def test_header_only(tmp_path, lines):
    with pytest.raises(DatasetError, match="no data rows"):
        load_trials(_write(tmp_path, lines[0]))


def test_missing_column(tmp_path, lines):
    df = pd.read_csv(GOOD, dtype=str, keep_default_na=False).drop(columns=["phase"])
    p = tmp_path / "trials.csv"
    df.to_csv(p, index=False, lineterminator="\n")
    with pytest.raises(DatasetError, match=r"line 1 \(header\): missing column\(s\) \['phase'\]"):
        load_trials(p)


def test_bad_id(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 5, "trial_id", "NCT123"))
    with pytest.raises(DatasetError, match=r"line 5 .*column 'trial_id': bad value 'NCT123'"):
        load_trials(p)


def test_bad_other_id(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 7, "other_ids", "IRCT-bogus"))
    with pytest.raises(DatasetError, match=r"line 7 .*column 'other_ids': bad value 'IRCT-bogus'"):
        load_trials(p)


def test_id_of_wrong_registry(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 4, "registry", "ChiCTR"))
    with pytest.raises(DatasetError, match=r"line 4, column 'trial_id/registry': bad value "):
        load_trials(p)


def test_bad_date(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 9, "start_date", "2020-13-45"))
    with pytest.raises(DatasetError, match=r"line 9 .*column 'start_date': bad value '2020-13-45'"):
        load_trials(p)


def test_us_style_date(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 3, "first_posted", "May 2, 2020"))
    with pytest.raises(DatasetError, match=r"line 3 .*column 'first_posted'"):
        load_trials(p)


def test_unknown_category(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 11, "product", "stem_cells"))
    with pytest.raises(DatasetError, match=r"line 11 .*column 'product': bad value 'stem_cells'.*PRODUCTS"):
        load_trials(p)


def test_unknown_value_in_multi_valued_cell(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 12, "route", "intravenous;by_mouth"))
    with pytest.raises(DatasetError, match=r"line 12 .*column 'route': bad value 'intravenous;by_mouth'"):
        load_trials(p)


def test_bad_country_code(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 6, "countries", "Iran"))
    with pytest.raises(DatasetError, match=r"line 6 .*column 'countries': bad value 'Iran'"):
        load_trials(p)


def test_negative_enrollment(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 8, "enrollment", "-5"))
    with pytest.raises(DatasetError, match=r"line 8 .*column 'enrollment': bad value '-5'"):
        load_trials(p)


def test_http_url(tmp_path, lines):
    p = _write(tmp_path, _replace_cell(lines, 10, "url", "http://clinicaltrials.gov/study/x"))
    with pytest.raises(DatasetError, match=r"line 10 .*column 'url'"):
        load_trials(p)


def test_duplicate_id(tmp_path, lines):
    dup = lines[:3] + [lines[2]] + lines[3:]
    with pytest.raises(DatasetError, match=r"lines 3 and 4, column 'trial_id': duplicate value"):
        load_trials(_write(tmp_path, "".join(dup)))


def test_truncated_file(tmp_path):
    raw = GOOD.read_bytes()
    with pytest.raises(DatasetError, match="truncated"):
        load_trials(_write(tmp_path, raw[: len(raw) // 2]))


def test_truncated_at_line_end(tmp_path, lines):
    short = lines[:50] + [",".join(lines[50].split(",")[:10]) + "\n"]
    with pytest.raises(DatasetError, match=rf"line 51: 10 fields, expected {len(fields.trial_columns())}"):
        load_trials(_write(tmp_path, "".join(short)))


def test_latin1_file(tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    assert any(ord(ch) > 127 and ch.encode("latin-1", "ignore") for ch in text)
    raw = text.encode("latin-1", errors="replace")
    with pytest.raises(DatasetError, match=r"line \d+: .*not valid UTF-8.*latin-1"):
        load_trials(_write(tmp_path, raw))


def test_utf16_file(tmp_path):
    raw = GOOD.read_text(encoding="utf-8").encode("utf-16")
    with pytest.raises(DatasetError, match="UTF-16"):
        load_trials(_write(tmp_path, raw))


def test_bad_version_file(tmp_path):
    shutil.copy(GOOD, tmp_path / "trials.csv")
    (tmp_path / "version.json").write_text('{"dataset_version": "x"}\n')
    with pytest.raises(DatasetError, match=r"version\.json: missing key"):
        load_trials(tmp_path / "trials.csv")
