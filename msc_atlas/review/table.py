"""The publication table: the filtered trials in the columns reviews print, as XLSX (with a metadata sheet),
Markdown and CSV."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from msc_atlas import fields, vocab
from msc_atlas.vocab import country_name

# column heading -> how it is made from a trials row
COLUMNS = [
    "Registry ID",
    "Title",
    "Countries",
    "Phase",
    "Enrollment",
    "Tissue source",
    "Donor",
    "Route",
    "Dose per administration",
    "Status",
    "First posted",
    "Allocation",
    "Masking",
    "Control",
    "Primary completion",
    "Results posted",
    "Results publications",
    "PubMed-linked publications",
    "Results found",
]


def _labels(cell: str, vocabulary: Mapping[str, str]) -> str:
    return ", ".join(vocab.label(vocabulary, v) for v in (cell or vocab.UNKNOWN).split(vocab.MULTI_SEP))


def _sci(x: float) -> str:
    """1500000 -> "1.5 × 10^6" (plain text, readable in every spreadsheet and journal template)."""
    if x <= 0:
        return "0"
    exponent = len(str(int(x))) - 1 if x >= 1 else 0
    mantissa = x / 10**exponent
    text = f"{mantissa:.3g}"
    return f"10^{exponent}" if text == "1" else f"{text} × 10^{exponent}"


def dose_range(row: Mapping) -> str:
    """ "1 × 10^6 – 2 × 10^6 cells/kg (2 levels)", "5 × 10^7 cells", "8 × 10^11 particles", or not reported."""
    parts = []
    for stem, unit in (("dose_cells_per_kg", "cells/kg"), ("dose_cells_total", "cells")):
        low, high = row.get(f"{stem}_min"), row[f"{stem}_max"]
        if low is not None and not pd.isna(low):
            span = _sci(float(low)) if low == high else f"{_sci(float(low))} – {_sci(float(high))}"
            parts.append(f"{span} {unit}")
    low, high = row.get("dose_ev_min"), row["dose_ev_max"]
    if low is not None and not pd.isna(low):
        unit = vocab.label(vocab.EV_DOSE_UNITS, row.get("dose_ev_unit", ""))
        parts.append((_sci(float(low)) if low == high else f"{_sci(float(low))} – {_sci(float(high))}") + f" {unit}")
    levels = row.get("dose_levels")
    text = "; ".join(parts) if parts else vocab.NOT_REPORTED
    if levels is not None and not pd.isna(levels) and int(levels) > 1:
        text += f" ({int(levels)} levels)"
    return text


def _dated(date: str | None, kind: str | None) -> str:
    """ "2021-03 (actual)", or not reported."""
    if not date:
        return vocab.NOT_REPORTED
    return f"{date} ({vocab.label(vocab.DATE_TYPES, kind or '').lower()})"


def _count(value) -> int | None:
    return None if value is None or pd.isna(value) or value == "" else int(value)


def _snapshot_dates(cell: str) -> str:
    dates = fields.snapshot_dates(cell)
    return ", ".join(dates) or "no snapshot with results fields"


def publication_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per trial of `frame` (the filtered trials, in their order), labels instead of keys."""
    rows = []
    for row in frame.to_dict("records"):
        enrollment = row["enrollment"]
        rows.append(
            {
                "Registry ID": row["trial_id"],
                "Title": row["title"],
                "Countries": ", ".join(country_name(c) for c in row["countries"].split(vocab.MULTI_SEP) if c)
                or vocab.NOT_REPORTED,
                "Phase": vocab.label(vocab.PHASES, row["phase"]),
                "Enrollment": None if enrollment is None or pd.isna(enrollment) else int(enrollment),
                "Tissue source": _labels(row["source_tissue"], vocab.SOURCE_TISSUES),
                "Donor": vocab.label(vocab.DONORS, row["donor"]),
                "Route": _labels(row["route"], vocab.ROUTES),
                "Dose per administration": dose_range(row),
                "Status": vocab.label(vocab.STATUSES, row["status"]),
                "First posted": row["first_posted"] or vocab.NOT_REPORTED,
                "Allocation": vocab.label(vocab.ALLOCATIONS, row.get("allocation", "")),
                "Masking": vocab.label(vocab.MASKINGS, row.get("masking", "")),
                "Control": _labels(row.get("control", ""), vocab.CONTROLS),
                "Primary completion": _dated(row.get("primary_completion_date"), row.get("primary_completion_type")),
                "Results posted": row.get("results_posted") or "none found",
                "Results publications": _count(row.get("publications_result")),
                "PubMed-linked publications": _count(row.get("publications_derived")),
                "Results found": _labels(row.get("reporting", ""), vocab.REPORTING)
                + f" (as of {_snapshot_dates(row.get('evidence_source', ''))})",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def to_xlsx(table: pd.DataFrame, metadata: Mapping[str, str]) -> bytes:
    """An .xlsx workbook: sheet "Trials" (the table) and sheet "About this table" (version, filter, link, methods,
    citation), written with openpyxl through pandas."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="Trials", index=False)
        pd.DataFrame(list(metadata.items()), columns=["Item", "Value"]).to_excel(
            writer, sheet_name="About this table", index=False
        )
        sheet = writer.sheets["Trials"]
        widths = {"A": 16, "B": 60, "C": 24, "D": 14, "E": 11, "F": 22, "G": 14, "H": 24, "I": 30, "J": 20, "K": 12}
        for column, width in widths.items():
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "B2"
        about = writer.sheets["About this table"]
        about.column_dimensions["A"].width = 22
        about.column_dimensions["B"].width = 120
    return buf.getvalue()


def to_markdown(table: pd.DataFrame) -> str:
    """A Markdown pipe table (pipes inside cells escaped), ready for a manuscript draft."""

    def cell(value) -> str:
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def to_csv(table: pd.DataFrame) -> str:
    return table.to_csv(index=False, lineterminator="\n")
