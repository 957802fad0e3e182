"""The field registry: everything the app knows about each column of data/trials.csv, in one record per field.

A `Field` names its column, label, kind (how it is validated and shown), vocabulary and colours, whether a cell
holds several values, its evidence column, its URL key, and where it appears (`Show`). Everything else derives
from the registry: the pandera schema (msc_atlas.data), the filter state and its URL keys (msc_atlas.filters), the
filter controls (msc_atlas.ui.shell), the filter index and counts (msc_atlas.selection, msc_atlas.counting), the
trials grid, the detail panel and the breakdown charts (msc_atlas.views), and the data dictionary data/README.md
(msc_atlas.pipeline.datadoc). Every column is in the CSV export and the data dictionary.

Adding a categorical field is one `Field(...)` in `FIELDS` (in trials.csv column order) plus its data; `shown_after`
only when the UI should show it somewhere else than its column position.

Pure Python: no Dash, no pandas.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from msc_atlas import cache, doses, vocab


class Kind(enum.Enum):
    """How a column is validated (msc_atlas.data) and shown (grid, detail panel)."""

    ID = "registry ID"  # the trial's primary ID: unique, matches a vocab.REGISTRIES pattern
    IDS = "registry IDs"  # ';'-list of registry IDs
    URL = "URL"
    TITLE = "text, not empty"
    TEXT = "text"
    CATEGORY = "category"  # vocabulary key(s)
    COUNTRIES = "countries"  # sorted ';'-list of ISO 3166-1 alpha-3 codes
    NUMBER = "number"  # non-negative float or empty
    INTEGER = "integer"  # non-negative integer or empty
    DATE = "date"  # ISO YYYY-MM-DD or YYYY-MM, or empty
    SNAPSHOT_DATE = "snapshot date"  # ISO date, never empty: when a source last saw the record
    NUMBER_LIST = "numbers"  # ascending ';'-list of non-negative numbers, or empty


class Show(enum.Flag):
    """Where a field appears, besides the CSV export and the data dictionary (every column is in both)."""

    NONE = 0
    FILTER = enum.auto()  # a control in the filter panel and a key in the URL (needs `key`)
    GRID = enum.auto()  # a column of the trials grid
    DETAIL = enum.auto()  # a row of the trial detail panel (with its evidence, when it has an evidence column)
    CHART = enum.auto()  # a bar chart of trials per value on Sources & routes
    TIMELINE = enum.auto()  # a way to stack the registrations-per-year chart on the Overview
    SEARCH = enum.auto()  # searched by the free-text filter


EVIDENCE_DOC = (
    'The registry phrase the `{column}` value was decided from ("" when unknown); '
    "`curated from review table (<url>): <text>` for a curated value."
)


@dataclass(frozen=True)
class Field:
    column: str  # column of data/trials.csv
    label: str  # the one label of the field: filter control, grid header, detail panel, chart title
    kind: Kind
    doc: str  # meaning, for the data dictionary
    show: Show = Show.NONE
    key: str | None = None  # URL key and filter name (FilterState attribute); required with Show.FILTER
    vocabulary: Mapping[str, str] | None = None  # value -> label (CATEGORY)
    vocabulary_name: str = ""  # where the vocabulary is defined, for messages and the data dictionary
    colours: Mapping[str, str] | None = None  # value -> colour, the same on every page
    multi: bool = False  # ';'-separated values (a trial counts once in each)
    optional: bool = False  # a category left empty when not stated (instead of the vocabulary's "unknown")
    evidence: str | None = None  # column holding the registry phrase each value was decided from
    evidence_doc: str = EVIDENCE_DOC
    placeholder: str = ""  # the filter control's text when nothing is selected
    default: tuple[str, ...] = ()  # values the filter applies when none is selected
    shown_after: str | None = None  # column of the field this one follows in the UI; default: column order
    display: Callable[[Mapping[str, Any]], str] | None = None  # grid / detail text from the row (several columns)
    reads: tuple[str, ...] = ()  # the other columns `display` reads (the grid builds its cells from them)
    dose: str | None = None  # a cell dose: "per_kg" / "total" (msc_atlas.doses formats it, units included)
    sort_group: str | None = None  # a column the grid sorts by before the number (an amount's unit)
    # how the detail panel words the evidence cell; None: it is a registry phrase, shown quoted
    evidence_display: Callable[[str], str] | None = None
    # filter choices standing for several values: key -> (label, member values); a link or a control choosing the
    # key selects every member
    groups: Mapping[str, tuple[str, tuple[str, ...]]] | None = None

    def __post_init__(self) -> None:
        if Show.FILTER in self.show and not self.key:
            raise ValueError(f"field {self.column}: a filter needs a URL key")
        if self.kind is Kind.CATEGORY and self.vocabulary is None:
            raise ValueError(f"field {self.column}: a category needs a vocabulary")

    @property
    def name(self) -> str:
        """How code refers to the field: its URL key when it has one, else its column."""
        return self.key or self.column

    @property
    def columns(self) -> tuple[str, ...]:
        """Its columns in trials.csv: the field's own, then its evidence column."""
        return (self.column, self.evidence) if self.evidence else (self.column,)

    def value_label(self, value: str) -> str:
        """Label of one value ("not reported" for an empty or unknown one)."""
        if self.kind is Kind.COUNTRIES:
            return vocab.country_name(value)
        if self.vocabulary is not None:
            return vocab.label(self.vocabulary, value)
        return value or vocab.NOT_REPORTED

    def labels(self, cell: str) -> str:
        """A cell as text: the labels of its values, comma-separated."""
        if self.kind is Kind.COUNTRIES:
            return (
                ", ".join(vocab.country_name(code) for code in cell.split(vocab.MULTI_SEP) if code)
                or vocab.NOT_REPORTED
            )
        values = (cell or vocab.UNKNOWN).split(vocab.MULTI_SEP) if self.multi else [cell]
        return ", ".join(self.value_label(value) for value in values)

    def text(self, value: Any) -> str:
        """A cell as the detail panel shows it."""
        if _is_missing(value) or value == "":
            return vocab.NOT_REPORTED
        if self.dose and self.kind is Kind.NUMBER:
            return doses.FORMATS[self.dose](value, value)
        if self.dose and self.kind is Kind.NUMBER_LIST:
            return doses.level_list(value, self.dose)
        if self.kind is Kind.NUMBER:
            return f"{float(value):.3g}"
        if self.kind is Kind.INTEGER:
            return f"{int(value):,}"
        if self.kind is Kind.NUMBER_LIST:
            levels = [float(x) for x in str(value).split(vocab.MULTI_SEP)]
            shown = ", ".join(f"{x:.3g}" for x in levels)
            return (
                shown if len(levels) == 1 else f"{len(levels)} levels: {shown} (range {levels[0]:.3g}–{levels[-1]:.3g})"
            )
        if self.kind in (Kind.CATEGORY, Kind.COUNTRIES):
            return self.labels(value)
        return str(value)  # text, dates

    def detail_text(self, row: Mapping[str, Any]) -> str:
        """The field as the detail panel shows it, from the trial's row."""
        return self.display(row) if self.display else self.text(row[self.column])

    def evidence_text(self, row: Mapping[str, Any]) -> tuple[str, bool]:
        """(the evidence as the detail panel shows it, whether it is a registry phrase to quote); ("", False) when the
        field keeps none or the cell is empty."""
        cell = row[self.evidence] if self.evidence else ""
        if not isinstance(cell, str) or not cell:
            return "", False
        return (self.evidence_display(cell), False) if self.evidence_display else (cell, True)

    def grid_value(self, value: Any) -> Any:
        """A cell as the trials grid shows it (counts stay numbers; a dose reads with its unit, and the grid sorts it
        by `sort_number`)."""
        if self.kind is Kind.INTEGER:
            return None if _is_missing(value) else int(value)
        if self.dose and self.kind is Kind.NUMBER_LIST:
            return doses.level_range(value, self.dose)
        if self.dose and self.kind is Kind.NUMBER:
            return doses.FORMATS[self.dose](value, value)
        if self.kind in (Kind.CATEGORY, Kind.COUNTRIES):
            return self.labels(value)
        return value if value != "" else vocab.NOT_REPORTED

    def grid_cell(self, row: Mapping[str, Any]) -> Any:
        """The grid's cell from the row (its column, and the columns `display` reads)."""
        return self.display(row) if self.display else self.grid_value(row[self.column])

    @property
    def sorts_as_number(self) -> bool:
        """Whether the grid sorts (and number-filters) the column by `sort_number` rather than by its text."""
        return self.kind in (Kind.INTEGER, Kind.NUMBER, Kind.NUMBER_LIST)

    def sort_number(self, value: Any) -> float:
        """The number the grid sorts a cell by (NaN when not reported): a list of levels by its lowest."""
        if _is_missing(value) or (isinstance(value, str) and not value):
            return math.nan
        if self.kind is Kind.NUMBER_LIST:
            return float(str(value).split(vocab.MULTI_SEP)[0])
        return float(value)


def _ev_dose(row: Mapping[str, Any]) -> str:
    """ "2 × 10⁸ particles" for an EV / secretome dose per administration; never shown as cells."""
    return doses.ev_amount(row["dose_ev_min"], row["dose_ev_max"], row["dose_ev_unit"])


SNAPSHOT_EVIDENCE_DOC = (
    "`<source> as of <date>`: the input (`sources` table) and snapshot the `{column}` value was taken from "
    '("" when no source states it). Sources are read into vocabulary values, so no registry phrase is kept.'
)


def snapshot_phrase(cell: str) -> str:
    """ "from ClinicalTrials.gov full records, Oct 2022, snapshot of 2022-10-13" out of an evidence cell
    "ctgov_full_2022-10 as of 2022-10-13" (msc_atlas.pipeline.merge.snapshot_of). Only what the cell states."""
    source, _, as_of = cell.partition(" as of ")
    label = vocab.ALL_SOURCES.get(source.strip(), source.strip())
    label = label.split(" (date:")[0]  # a refresh source's label says where its date is kept; here the date is given
    return f"from {label}, snapshot of {as_of.strip()}" if as_of.strip() else f"from {label}"


def snapshot_dates(cell: Any) -> list[str]:
    """The dates of a `;`-list of "<source> as of <date>" cells, in order ("" parts and parts without a date left
    out): the snapshots an evidence_source cell names."""
    parts = str(cell or "").split(vocab.MULTI_SEP)
    return [
        part.rpartition(" as of ")[2].strip()
        for part in parts
        if " as of " in part and part.rpartition(" as of ")[2].strip()
    ]


def _is_missing(value: Any) -> bool:
    """None, pandas.NA or NaN (pandas is not imported here: the registry stays importable without it)."""
    return value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and value != value)


FIELDS: list[Field] = [
    Field(
        "trial_id",
        "Trial ID",
        Kind.ID,
        show=Show.GRID | Show.SEARCH,
        doc="Primary registry ID. The NCT id when the trial is cross-registered on ClinicalTrials.gov; otherwise "
        "the ID of the registry it came from. Validated against `vocab.REGISTRIES`; unique.",
    ),
    Field(
        "other_ids",
        "Other registry IDs",
        Kind.IDS,
        show=Show.SEARCH,
        doc="Other registry IDs of the same trial (`;`-separated): from CT.gov SecondaryId / OrgStudyId / Other IDs "
        "(EudraCT numbers become `EUCTR<number>`), and ebmdatalab `cross_registrations`.",
    ),
    Field(
        "registry",
        "Registry",
        Kind.CATEGORY,
        key="registry",
        vocabulary=vocab.REGISTRY_LABELS,
        vocabulary_name="vocab.REGISTRIES",
        show=Show.FILTER,
        placeholder="Any registry",
        shown_after="sources",  # last in the panel: few trials come from other registries
        doc="Registry of `trial_id` (table below).",
    ),
    Field(
        "url",
        "Registry record",
        Kind.URL,
        doc="Public record URL built from the validated `trial_id` only (patterns below).",
    ),
    Field("title", "Title", Kind.TITLE, show=Show.GRID | Show.SEARCH, doc="Brief / public title as registered."),
    Field(
        "conditions",
        "Conditions",
        Kind.TEXT,
        show=Show.DETAIL | Show.SEARCH,
        doc="Conditions as registered (` | `-separated).",
    ),
    Field(
        "focus_area",
        "Focus area",
        Kind.CATEGORY,
        key="focus",
        vocabulary=vocab.FOCUS_AREAS,
        vocabulary_name="vocab.FOCUS_AREAS",
        colours=vocab.FOCUS_COLOURS,
        evidence="focus_area_evidence",
        show=Show.FILTER | Show.GRID | Show.DETAIL | Show.TIMELINE,
        placeholder="All conditions",
        doc="covid19_ards / liver / other (classifier).",
    ),
    Field(
        "disease_group",
        "Disease group",
        Kind.CATEGORY,
        key="disease",
        vocabulary=vocab.DISEASE_GROUPS,
        vocabulary_name="vocab.DISEASE_GROUPS",
        evidence="disease_group_evidence",
        show=Show.FILTER | Show.DETAIL,
        placeholder="All disease groups",
        doc="Disease group (classifier).",
    ),
    Field(
        "product",
        "Product",
        Kind.CATEGORY,
        key="product",
        vocabulary=vocab.PRODUCTS,
        vocabulary_name="vocab.PRODUCTS",
        colours=vocab.PRODUCT_COLOURS,
        multi=True,  # a trial that gives cells and EVs gives both, and counts under each
        evidence="product_evidence",
        show=Show.FILTER | Show.GRID | Show.DETAIL | Show.CHART | Show.TIMELINE,
        placeholder="All MSC-derived products",
        # Rows that registry text filters caught but that are not MSC products stay out of the default view;
        # they can be selected explicitly.
        default=("msc", "msc_ev", "msc_secretome"),
        doc="Every MSC-derived product participants receive, `;`-list of msc / msc_ev / msc_secretome (a trial giving "
        "cells and EVs is `msc;msc_ev`), or non_msc alone (census reading, else classifier; curated where a review "
        "shows it wrong).",
    ),
    Field(
        "source_tissue",
        "Tissue source",
        Kind.CATEGORY,
        key="tissue",
        vocabulary=vocab.SOURCE_TISSUES,
        vocabulary_name="vocab.SOURCE_TISSUES",
        groups=vocab.TISSUE_GROUPS,
        multi=True,
        evidence="source_tissue_evidence",
        show=Show.FILTER | Show.GRID | Show.DETAIL | Show.CHART,
        placeholder="Any tissue",
        doc="Tissue of origin, `;`-list (classifier; curated where registry silent).",
    ),
    Field(
        "donor",
        "Donor",
        Kind.CATEGORY,
        key="donor",
        vocabulary=vocab.DONORS,
        vocabulary_name="vocab.DONORS",
        evidence="donor_evidence",
        show=Show.FILTER | Show.GRID | Show.DETAIL | Show.CHART,
        placeholder="Any donor",
        doc="allogeneic / autologous / both / unknown.",
    ),
    Field(
        "route",
        "Route",
        Kind.CATEGORY,
        key="route",
        vocabulary=vocab.ROUTES,
        vocabulary_name="vocab.ROUTES",
        multi=True,
        evidence="route_evidence",
        show=Show.FILTER | Show.GRID | Show.DETAIL | Show.CHART,
        placeholder="Any route",
        shown_after="source_tissue",  # the two are read together (tissue x route matrix)
        doc="Route(s) of administration, `;`-list.",
    ),
    Field(
        "dose_text",
        "Dose (as registered)",
        Kind.TEXT,
        show=Show.DETAIL,
        doc='The dose phrase(s) the numbers were read from, as registered ("" when none found).',
    ),
    Field(
        "dose_cells_per_kg_min",
        "Lowest dose, cells per kg per administration",
        Kind.NUMBER,
        dose="per_kg",
        doc="Lowest MSC dose per kg body weight per administration over every level the registry states (equal to "
        "the maximum when one level is stated; empty when none).",
    ),
    Field(
        "dose_cells_per_kg_max",
        "Highest dose, cells per kg per administration",
        Kind.NUMBER,
        dose="per_kg",
        doc="Highest MSC dose per kg body weight per administration over every stated level.",
    ),
    Field(
        "dose_cells_total_min",
        "Lowest dose, cells in total per administration",
        Kind.NUMBER,
        dose="total",
        doc='The same for fixed cell counts per administration (caps such as "up to 200 million" and cumulative '
        "totals are not levels): the lowest.",
    ),
    Field(
        "dose_cells_total_max",
        "Highest dose, cells in total per administration",
        Kind.NUMBER,
        dose="total",
        doc="The highest fixed cell count per administration.",
    ),
    Field(
        "dose_levels",
        "Dose levels",
        Kind.INTEGER,
        doc="Number of distinct cell-dose values stated (per kg and in total; a range counts its two ends).",
    ),
    Field(
        "dose_cells_per_kg_levels",
        "Cells per kg, per administration",
        Kind.NUMBER_LIST,
        dose="per_kg",
        show=Show.GRID | Show.DETAIL,  # the grid shows the span ("1–2 × 10⁶/kg"), the record every level
        doc="Every stated per-kg level per administration, ascending, `;`-separated.",
    ),
    Field(
        "dose_cells_total_levels",
        "Cells in total, per administration",
        Kind.NUMBER_LIST,
        dose="total",
        show=Show.GRID | Show.DETAIL,
        doc="Every stated fixed-count level per administration, ascending, `;`-separated.",
    ),
    Field(
        "dose_ev_min",
        "EVs / secretome, per administration",
        Kind.NUMBER,
        show=Show.GRID | Show.DETAIL,
        display=_ev_dose,  # with its maximum and unit: "2 × 10⁸–1.6 × 10⁹ particles"
        reads=("dose_ev_max", "dose_ev_unit"),
        sort_group="dose_ev_unit",  # amounts compare within a unit only
        doc="Lowest EV / secretome amount of an msc_ev or msc_secretome product per administration, in "
        "`dose_ev_unit` (never counted as cells).",
    ),
    Field(
        "dose_ev_max",
        "Highest dose, EVs / secretome per administration",
        Kind.NUMBER,
        doc="Highest EV / secretome amount per administration.",
    ),
    Field(
        "dose_ev_unit",
        "EV / secretome dose unit",
        Kind.CATEGORY,
        vocabulary=vocab.EV_DOSE_UNITS,
        vocabulary_name="vocab.EV_DOSE_UNITS",
        optional=True,
        doc="`particles`, `ug_protein` or `mL` (empty when no EV amount is stated).",
    ),
    Field(
        "phase",
        "Phase",
        Kind.CATEGORY,
        key="phase",
        vocabulary=vocab.PHASES,
        vocabulary_name="vocab.PHASES",
        evidence="phase_evidence",
        evidence_doc=SNAPSHOT_EVIDENCE_DOC,
        evidence_display=snapshot_phrase,
        show=Show.FILTER | Show.GRID | Show.DETAIL | Show.CHART,
        placeholder="Any phase",
        doc="`vocab.PHASES` key. ICTRP numeric codes: 0 -> not_applicable (as the hand-cleaned ebmdatalab lists read "
        'every overlapping ChiCTR record); Excel-mangled "1-2"/"2-3" (43862/43892) -> phase1_2/phase2_3.',
    ),
    Field(
        "status",
        "Status",
        Kind.CATEGORY,
        key="status",
        vocabulary=vocab.STATUSES,
        vocabulary_name="vocab.STATUSES",
        evidence="status_evidence",
        evidence_doc=SNAPSHOT_EVIDENCE_DOC,
        evidence_display=snapshot_phrase,
        show=Show.FILTER | Show.GRID | Show.DETAIL | Show.CHART,
        placeholder="Any status",
        doc="`vocab.STATUSES` key from the newest snapshot holding the trial (CT.gov Oct 2022 first). ICTRP "
        '"Not recruiting" and EU-CTR "Authorised" are ambiguous and stay unknown; ChiCTR titles prefixed '
        '"Cancelled by the investigator" -> withdrawn.',
    ),
    Field(
        "enrollment",
        "Enrollment",
        Kind.INTEGER,
        evidence="enrollment_evidence",
        evidence_doc=SNAPSHOT_EVIDENCE_DOC,
        evidence_display=snapshot_phrase,
        show=Show.GRID | Show.DETAIL,
        doc='Integer (planned or actual) or empty. ChiCTR target sizes given per group ("A:18;B:15") are summed.',
    ),
    Field(
        "enrollment_type",
        "Enrollment type",
        Kind.CATEGORY,
        vocabulary=vocab.ENROLLMENT_TYPES,
        vocabulary_name="vocab.ENROLLMENT_TYPES",
        show=Show.DETAIL,
        doc="actual / anticipated (CT.gov type; ICTRP target sizes are anticipated) / unknown (classic exports "
        "give no type).",
    ),
    Field(
        "start_date",
        "Start date",
        Kind.DATE,
        show=Show.GRID | Show.DETAIL,
        doc='ISO date; `YYYY-MM` when the registry gives only a month (CT.gov "May 2015"). ICTRP: date of first '
        "enrolment.",
    ),
    Field(
        "first_posted",
        "First posted",
        Kind.DATE,
        show=Show.GRID | Show.DETAIL,
        shown_after="countries",  # before the start date: the grid sorts by it
        doc="ISO date first posted (CT.gov) / date of registration (other registries).",
    ),
    Field(
        "last_update_posted",
        "Last update posted",
        Kind.DATE,
        show=Show.GRID | Show.DETAIL,
        doc="ISO date the registry last posted a change to the record (ClinicalTrials.gov LastUpdatePostDate); "
        "empty when the source does not give it.",
    ),
    Field(
        "record_as_of",
        "Record as of",
        Kind.SNAPSHOT_DATE,
        show=Show.GRID | Show.DETAIL,
        doc="ISO date of the snapshot the trial's status comes from (the newest source that states a status): the "
        "as-of date of a bundled input, or of a refresh's own records.",
    ),
    Field(
        "sponsor",
        "Sponsor",
        Kind.TEXT,
        show=Show.GRID | Show.DETAIL | Show.SEARCH,
        doc="Lead sponsor as registered (ebmdatalab normalised name for ICTRP-only trials).",
    ),
    Field(
        "sponsor_class",
        "Sponsor class",
        Kind.CATEGORY,
        vocabulary=vocab.SPONSOR_CLASSES,
        vocabulary_name="vocab.SPONSOR_CLASSES",
        show=Show.DETAIL,
        doc="CT.gov LeadSponsorClass: INDUSTRY -> industry, OTHER -> academic_other, OTHER_GOV/NIH/FED -> "
        'government, NETWORK -> network; classic export "Funded Bys" mapped the same way; unknown for other '
        "registries (no class given, not guessed).",
    ),
    Field(
        "countries",
        "Countries",
        Kind.COUNTRIES,
        key="country",
        multi=True,
        evidence="countries_evidence",
        evidence_doc="`<source>: <raw country strings>` the codes were mapped from.",
        show=Show.FILTER | Show.GRID | Show.DETAIL,
        placeholder="Any country",
        shown_after="enrollment_type",  # after the trial's design, before its dates
        doc="ISO 3166-1 alpha-3 codes, sorted, `;`-separated; empty when no location is reported. Taken from the "
        "highest-priority source that lists a country (CT.gov 2022 first; for ICTRP trials the cleaned ebmdatalab "
        "list first).",
    ),
    Field(
        "sources",
        "Sources",
        Kind.CATEGORY,
        vocabulary=vocab.ALL_SOURCES,
        vocabulary_name="vocab.SOURCES / vocab.REFRESH_SOURCES",
        multi=True,
        doc="Inputs that contributed the row, `;`-separated (table below).",
    ),
    Field(
        "reading_status",
        "Reading",
        Kind.CATEGORY,
        key="reading",
        vocabulary=vocab.READING_STATUSES,
        vocabulary_name="vocab.READING_STATUSES",
        evidence="reading_status_note",
        evidence_doc="How the census decided the trial (two readings agreed, or which fields a third reading "
        "decided), or why it is not read yet.",
        show=Show.FILTER | Show.GRID | Show.DETAIL,
        placeholder="Read or not",
        doc="`double_read`: the derived values (product, tissue, donor, route, focus area, disease group, doses) come "
        "from two blind readings of the registry text and a third where they differed (curation/census/); "
        "`rules_only`: nobody has read the trial yet (or its registry text changed since), the values come from the "
        "rules.",
    ),
]

DESIGN_EVIDENCE_DOC = (
    'The registry\'s own words the `{column}` value was read from (`Name: value` pairs joined by ` · `; "" when '
    "the source is silent); the source and its date are in `evidence_source`."
)


def evidence_sources(row: Mapping[str, Any]) -> str:
    """ "from ClinicalTrials.gov full records …, snapshot of 2022-10-13" for the evidence_source cell of a row."""
    cells = [cell for cell in str(row.get("evidence_source") or "").split(vocab.MULTI_SEP) if cell.strip()]
    return "; ".join(snapshot_phrase(cell) for cell in cells) or vocab.NOT_REPORTED


STOPPED_STATUSES = ("terminated", "withdrawn", "suspended")


def stop_reasons(row: Mapping[str, Any]) -> str:
    """Why a trial stopped, in words: its reasons; "no reason given" for a stopped trial without one; "not
    stopped" for the rest (an empty cell there is no missing value)."""
    cell = str(row.get("stop_reason") or "")
    if cell:
        return ", ".join(vocab.label(vocab.STOP_REASONS, key) for key in cell.split(vocab.MULTI_SEP))
    stopped = row.get("status") in STOPPED_STATUSES
    return vocab.STOP_REASONS[vocab.UNKNOWN] if stopped else "not stopped"


# The evidence layer (msc_atlas.pipeline.evidence): design, eligibility, outcomes, completion and results, read by
# code from the registry's structured fields. Shown after the census fields; "not reported" where a source is silent.
EVIDENCE_FIELDS: list[Field] = [
    Field(
        "allocation",
        "Allocation",
        Kind.CATEGORY,
        key="allocation",
        vocabulary=vocab.ALLOCATIONS,
        vocabulary_name="vocab.ALLOCATIONS",
        evidence="allocation_evidence",
        evidence_doc=DESIGN_EVIDENCE_DOC,
        show=Show.FILTER | Show.GRID | Show.DETAIL,
        placeholder="Randomised or not",
        doc="randomised / non_randomised / single_group (CT.gov DesignAllocation; `N/A` is a single-group study) "
        "/ unknown; other registries from the ICTRP study design text.",
    ),
    Field(
        "intervention_model",
        "Intervention model",
        Kind.CATEGORY,
        vocabulary=vocab.INTERVENTION_MODELS,
        vocabulary_name="vocab.INTERVENTION_MODELS",
        show=Show.DETAIL,
        doc="parallel / single_group / crossover / sequential / factorial / unknown (DesignInterventionModel).",
    ),
    Field(
        "masking",
        "Masking",
        Kind.CATEGORY,
        vocabulary=vocab.MASKINGS,
        vocabulary_name="vocab.MASKINGS",
        evidence="masking_evidence",
        evidence_doc=DESIGN_EVIDENCE_DOC,
        show=Show.GRID | Show.DETAIL,
        doc="none (open label) / single / double / triple / quadruple / unknown (DesignMasking; who is masked is in "
        "the evidence).",
    ),
    Field(
        "blinding",
        "Blinding",
        Kind.CATEGORY,
        key="blinded",
        vocabulary=vocab.BLINDING,
        vocabulary_name="vocab.BLINDING",
        show=Show.FILTER,
        placeholder="Blinded or open label",
        doc="blinded (any masking, single to quadruple) / open_label / unknown, from `masking`.",
    ),
    Field(
        "control",
        "Control",
        Kind.CATEGORY,
        vocabulary=vocab.CONTROLS,
        vocabulary_name="vocab.CONTROLS",
        multi=True,
        evidence="control_evidence",
        evidence_doc=DESIGN_EVIDENCE_DOC,
        show=Show.GRID | Show.DETAIL,
        doc="Comparator arms, `;`-list of placebo / sham / active / no_intervention from the registry's arm types "
        "(ArmGroupType); none when every arm is experimental or the study has one group; unknown when no arms "
        "are registered.",
    ),
    Field(
        "controlled",
        "Control arm",
        Kind.CATEGORY,
        key="controlled",
        vocabulary=vocab.CONTROLLED,
        vocabulary_name="vocab.CONTROLLED",
        show=Show.FILTER,
        placeholder="Controlled or not",
        doc="controlled (some comparator arm in `control`) / uncontrolled / unknown.",
    ),
    Field(
        "age_groups",
        "Age groups",
        Kind.CATEGORY,
        key="age",
        vocabulary=vocab.AGE_GROUPS,
        vocabulary_name="vocab.AGE_GROUPS",
        multi=True,
        evidence="age_evidence",
        evidence_doc=DESIGN_EVIDENCE_DOC,
        show=Show.FILTER | Show.GRID | Show.DETAIL,
        placeholder="Any age group",
        doc="Age groups eligible, `;`-list of child (under 18) / adult (18-64) / older_adult (65+): CT.gov StdAge, "
        "else from the minimum and maximum age.",
    ),
    Field(
        "sex",
        "Sex",
        Kind.CATEGORY,
        vocabulary=vocab.SEXES,
        vocabulary_name="vocab.SEXES",
        show=Show.DETAIL,
        doc="all / female / male / unknown (eligibility).",
    ),
    Field(
        "healthy_volunteers",
        "Accepts healthy volunteers",
        Kind.CATEGORY,
        vocabulary=vocab.YES_NO,
        vocabulary_name="vocab.YES_NO",
        show=Show.DETAIL,
        doc="yes / no / unknown (HealthyVolunteers).",
    ),
    Field(
        "primary_outcomes",
        "Primary outcomes",
        Kind.TEXT,
        show=Show.DETAIL | Show.SEARCH,
        doc="Primary outcome measures as registered, each with its time frame in brackets, ` | `-separated.",
    ),
    Field(
        "primary_completion_date",
        "Primary completion",
        Kind.DATE,
        show=Show.GRID | Show.DETAIL,
        doc="Primary completion date (actual or anticipated: `primary_completion_type`).",
    ),
    Field(
        "primary_completion_type",
        "Primary completion date is",
        Kind.CATEGORY,
        vocabulary=vocab.DATE_TYPES,
        vocabulary_name="vocab.DATE_TYPES",
        show=Show.DETAIL,
        doc="actual / anticipated / unknown.",
    ),
    Field(
        "completion_date",
        "Study completion",
        Kind.DATE,
        show=Show.DETAIL,
        doc="Study completion date (actual or anticipated: `completion_type`).",
    ),
    Field(
        "completion_type",
        "Study completion date is",
        Kind.CATEGORY,
        vocabulary=vocab.DATE_TYPES,
        vocabulary_name="vocab.DATE_TYPES",
        show=Show.DETAIL,
        doc="actual / anticipated / unknown.",
    ),
    Field(
        "stop_reason",
        "Why stopped",
        Kind.CATEGORY,
        vocabulary=vocab.STOP_REASONS,
        vocabulary_name="vocab.STOP_REASONS",
        multi=True,
        optional=True,
        evidence="why_stopped",
        evidence_doc="The registry's why-stopped text (WhyStopped), as registered.",
        show=Show.DETAIL,
        display=stop_reasons,
        reads=("status",),
        doc="`;`-list of recruitment / funding / sponsor_decision / safety / covid19 / other, read from the "
        "why-stopped text by keyword (msc_atlas.pipeline.evidence.STOP_PATTERNS); empty when the registry gives no "
        "reason.",
    ),
    Field(
        "results_posted",
        "Results posted",
        Kind.DATE,
        show=Show.GRID | Show.DETAIL,
        doc="Date results were first posted on the registry (ResultsFirstPostDate; TrialsTracker `Registry Results`).",
    ),
    Field(
        "results_url",
        "Results link",
        Kind.TEXT,
        doc="The registry's results page when results are posted, or the TrialsTracker results link (a DOI).",
    ),
    Field(
        "publications_result",
        "Results publications",
        Kind.INTEGER,
        show=Show.GRID,
        doc="References of type `result` the registry lists (the sponsor's results publications); empty when no "
        "source lists references.",
    ),
    Field(
        "publications_derived",
        "PubMed-linked publications",
        Kind.INTEGER,
        show=Show.GRID,
        doc="References of type `derived`: PubMed's links to the NCT number (can be protocols or secondary papers).",
    ),
    Field(
        "reporting",
        "Results found",
        Kind.CATEGORY,
        vocabulary=vocab.REPORTING,
        vocabulary_name="vocab.REPORTING",
        multi=True,
        evidence="reporting_evidence",
        evidence_doc=DESIGN_EVIDENCE_DOC,
        show=Show.DETAIL,
        doc="`;`-list of posted / result_publication / derived_publication; none_found when the snapshot shows none "
        "of them; unknown when no source with results fields holds the trial.",
    ),
    Field(
        "has_results",
        "Results",
        Kind.CATEGORY,
        key="results",
        vocabulary=vocab.HAS_RESULTS,
        vocabulary_name="vocab.HAS_RESULTS",
        show=Show.FILTER,
        placeholder="With or without results",
        doc="reported (results posted, or a result or derived publication listed) / none_found / unknown.",
    ),
    Field(
        "evidence_source",
        "Design and results read from",
        Kind.TEXT,
        show=Show.DETAIL,
        display=evidence_sources,
        doc="`<source> as of <date>` (`;`-list) of the snapshot(s) the evidence fields were read from: the full "
        "CT.gov record, or for other registries the ICTRP row (design) and the TrialsTracker row (results).",
    ),
]
FIELDS += EVIDENCE_FIELDS


def _check(fields: list[Field]) -> None:
    columns = [column for f in fields for column in f.columns]
    unanchored = [f.column for f in fields if f.shown_after and f.shown_after not in columns]
    if unanchored:
        raise ValueError(f"field registry: shown_after of {unanchored} names no column")
    names = [f.name for f in fields]
    for what, values in (("column", columns), ("name", names)):
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise ValueError(f"field registry: repeated {what}(s) {repeated}")


_check(FIELDS)


def trial_columns() -> list[str]:
    """Columns of data/trials.csv, in file order (each field's column, then its evidence column)."""
    return [column for f in FIELDS for column in f.columns]


TRIAL_COLUMNS = trial_columns()  # of the bundled registry; a field registered later is in trial_columns()


def by_column(column: str) -> Field:
    for f in FIELDS:
        if f.column == column:
            return f
    raise KeyError(column)


def get(name: str) -> Field:
    """A field by its name (URL key, or column for fields without one)."""
    for f in FIELDS:
        if f.name == name or f.column == name:
            return f
    raise KeyError(name)


@cache.dataset(maxsize=1)
def ui_order() -> tuple[Field, ...]:
    """Every field in the order the UI shows them: column order, each `shown_after` field moved behind its anchor
    (several behind one anchor keep their column order)."""
    order = [f for f in FIELDS if not f.shown_after]
    pending = [f for f in FIELDS if f.shown_after]
    while pending:
        placed = False
        for f in list(pending):
            anchor = next((i for i, g in enumerate(order) if g.column == f.shown_after), None)
            if anchor is None:
                continue
            position = anchor + 1
            while position < len(order) and order[position].shown_after == f.shown_after:
                position += 1
            order.insert(position, f)
            pending.remove(f)
            placed = True
        if not placed:
            raise ValueError(f"field registry: shown_after names no field: {[f.column for f in pending]}")
    return tuple(order)


@cache.dataset(maxsize=16)
def shown(where: Show) -> tuple[Field, ...]:
    """The fields shown in one place, in UI order (memoised: pages ask for it on every callback)."""
    return tuple(f for f in ui_order() if where in f.show)


@cache.dataset(maxsize=1)
def filters() -> Mapping[str, Field]:
    """URL key -> field, for every filterable field, in panel order (read-only)."""
    return MappingProxyType({f.name: f for f in shown(Show.FILTER)})


@contextmanager
def registered(*extra: Field) -> Iterator[None]:
    """Fields added to the registry for the duration of a block (tests, or a deployment's own fields); every cache
    is cleared on the way in and out, since the filter index, counts and views are built from the registry."""
    _check([*FIELDS, *extra])
    FIELDS.extend(extra)
    cache.clear()
    try:
        yield
    finally:
        for f in extra:
            FIELDS.remove(f)
        cache.clear()
