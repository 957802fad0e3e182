"""Doses as people read them: "2 × 10⁶/kg", "1–2 × 10⁶/kg", "100 million cells", "2 × 10⁸ particles".

The one formatter for a dose wherever the app shows one (the trials grid, the trial record, the CSV export), and the
one reader of a dose a person types ("2e6", "2 × 10^6", "2 million"). Every amount is per administration, as the
data dictionary defines the dose columns. Pure Python: no Dash, no pandas.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from msc_atlas import vocab

PER_ADMINISTRATION = "per administration"
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SCALES = ((1e9, "billion"), (1e6, "million"))  # cells in total: words, as registries write them
SCIENTIFIC_FROM = 1e5  # below this an amount reads better as a plain number


def _is_missing(value: Any) -> bool:
    """None, "", pandas.NA or NaN (pandas is not imported: the formatter stays importable without it)."""
    return (
        value is None
        or type(value).__name__ == "NAType"
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and value.strip() == "")
    )


def _plain(x: float) -> str:
    """3 significant digits, thousands grouped: 180000 -> "180,000", 0.5 -> "0.5", 12.5 -> "12.5"."""
    rounded = float(f"{x:.3g}")
    return f"{int(rounded):,}" if rounded.is_integer() else f"{rounded:.12f}".rstrip("0")


def _split(x: float) -> tuple[str, int]:
    """(mantissa text, exponent): 1500000 -> ("1.5", 6); the mantissa keeps 3 significant digits."""
    exponent = math.floor(math.log10(x))
    mantissa = float(f"{x / 10**exponent:.3g}")
    if mantissa >= 10:  # 9.995e6 rounds up to 10
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:g}", exponent


def scientific(x: float) -> str:
    """2000000 -> "2 × 10⁶"; amounts below SCIENTIFIC_FROM stay plain ("500")."""
    if x < SCIENTIFIC_FROM:
        return _plain(x)
    mantissa, exponent = _split(x)
    return f"{mantissa} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def _scientific_range(low: float, high: float) -> str:
    """ "1–2 × 10⁶" when both ends share a power of ten, else "5 × 10⁵–2 × 10⁶"."""
    if low == high:
        return scientific(low)
    if low >= SCIENTIFIC_FROM:
        (low_mantissa, low_exp), (high_mantissa, high_exp) = _split(low), _split(high)
        if low_exp == high_exp:
            return f"{low_mantissa}–{high_mantissa} × 10{str(high_exp).translate(_SUPERSCRIPT)}"
    return f"{scientific(low)}–{scientific(high)}"


def _plain_range(low: float, high: float) -> str:
    return _plain(low) if low == high else f"{_plain(low)}–{_plain(high)}"


def _ends(low: Any, high: Any) -> tuple[float, float] | None:
    if _is_missing(low):
        return None
    low_value = float(low)
    high_value = low_value if _is_missing(high) else float(high)
    return low_value, high_value


def per_kg(low: Any, high: Any = None) -> str:
    """Cells per kg body weight: "2 × 10⁶/kg", "1–2 × 10⁶/kg"; "not reported" when no dose is stated."""
    ends = _ends(low, high)
    return vocab.NOT_REPORTED if ends is None else f"{_scientific_range(*ends)}/kg"


def _scale(x: float) -> tuple[float, str]:
    return next(((scale, word) for scale, word in _SCALES if x >= scale), (1.0, ""))


def _cells(x: float) -> str:
    """500000 -> "500,000", 1.2e8 -> "120 million"."""
    scale, word = _scale(x)
    return f"{_plain(x / scale)} {word}" if word else _plain(x)


def cells_total(low: Any, high: Any = None) -> str:
    """A fixed number of cells: "100 million cells", "50–150 million cells", "1.2 billion cells",
    "500,000–2 million cells"."""
    ends = _ends(low, high)
    if ends is None:
        return vocab.NOT_REPORTED
    lo, hi = ends
    if lo == hi:
        return f"{_cells(lo)} cells"
    (low_scale, word), (high_scale, _) = _scale(lo), _scale(hi)
    if low_scale == high_scale and word:  # one word for both ends
        return f"{_plain(lo / low_scale)}–{_plain(hi / high_scale)} {word} cells"
    return f"{_cells(lo)}–{_cells(hi)} cells"


def ev_amount(low: Any, high: Any, unit: Any) -> str:
    """An EV / secretome amount with its unit: "2 × 10⁸ particles", "20–50 µg protein", "0.5 mL of product",
    "10,000 (other unit)"; never counted as cells."""
    ends = _ends(low, high)
    if ends is None:
        return vocab.NOT_REPORTED
    unit_key = "" if _is_missing(unit) else str(unit)
    label = vocab.label(vocab.EV_DOSE_UNITS, unit_key)
    if unit_key in ("particles", "other", "units"):  # counts that run to 10¹²
        amount = _scientific_range(*ends)
    else:
        amount = _plain_range(*ends)
    if unit_key in ("", vocab.UNKNOWN):
        return f"{amount} (unit not reported)"
    return f"{amount} ({label})" if unit_key == "other" else f"{amount} {label}"


def levels(cell: Any) -> list[float]:
    """The numbers of a ';'-list cell of levels ("1000000;2000000"), ascending as stored."""
    if _is_missing(cell):
        return []
    return [float(x) for x in str(cell).split(vocab.MULTI_SEP) if x.strip()]


def level_range(cell: Any, kind: str) -> str:
    """The span of a levels cell as the grid shows it: per_kg / cells_total of its lowest and highest level."""
    values = levels(cell)
    if not values:
        return vocab.NOT_REPORTED
    return FORMATS[kind](values[0], values[-1])


def level_list(cell: Any, kind: str) -> str:
    """Every level of a levels cell, for the record: "2 levels: 1 × 10⁶/kg, 2 × 10⁶/kg"."""
    values = levels(cell)
    if not values:
        return vocab.NOT_REPORTED
    shown = [FORMATS[kind](x, x) for x in values]
    return shown[0] if len(shown) == 1 else f"{len(shown)} levels: {', '.join(shown)}"


FORMATS = {"per_kg": per_kg, "total": cells_total}


def summary(row: Mapping[str, Any]) -> str:
    """Every dose a trial states, per administration, in one line: "1–2 × 10⁶/kg; 100 million cells" (the CSV's
    readable dose column); "not reported" when none is stated."""
    parts = [
        per_kg(row.get("dose_cells_per_kg_min"), row.get("dose_cells_per_kg_max")),
        cells_total(row.get("dose_cells_total_min"), row.get("dose_cells_total_max")),
        ev_amount(row.get("dose_ev_min"), row.get("dose_ev_max"), row.get("dose_ev_unit")),
    ]
    stated = [part for part in parts if part != vocab.NOT_REPORTED]
    return "; ".join(stated) if stated else vocab.NOT_REPORTED


# ------------------------------------------------------------------------------------------------ reading a dose

_WORDS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mio": 1e6, "billion": 1e9, "bn": 1e9}
_TIMES_POWER = re.compile(r"^([0-9]*\.?[0-9]+)\s*(?:[x×*]\s*)?10\s*(?:\^|\*\*)\s*([0-9]{1,2})$")
_WITH_WORD = re.compile(r"^([0-9]*\.?[0-9]+)\s*([a-z]+)$")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def parse_amount(text: Any, limit: float = 1e15) -> float | None:
    """A non-negative amount from what a person types: "2000000", "2,000,000", "2e6", "2 × 10^6", "2×10⁶",
    "2 million"; None for anything else (never raises)."""
    if isinstance(text, bool):
        return None
    value: float | None = None
    if isinstance(text, (int, float)):
        value = float(text)
    elif isinstance(text, str) and len(text) <= 40:
        cleaned = text.strip().lower().replace(",", "").replace("\u2009", "").replace("/kg", "")
        cleaned = re.sub(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: "10^" + m.group(1).translate(_SUPERSCRIPT_DIGITS), cleaned)
        value = _read(cleaned.strip())
    if value is None:
        return None
    return value if math.isfinite(value) and 0 <= value <= limit else None


def _read(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    power = _TIMES_POWER.match(text)
    if power:
        return float(power.group(1)) * 10 ** int(power.group(2))
    word = _WITH_WORD.match(text)
    if word and word.group(2) in _WORDS:
        return float(word.group(1)) * _WORDS[word.group(2)]
    return None


def compact(x: float) -> str:
    """An amount for a URL, short and exact to 13 digits: 2000000 -> "2e6", 1500000 -> "1.5e6", 500 -> "500"."""
    if x < 1e4:
        return f"{x:.13g}"
    mantissa, exponent = f"{x:.12e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
