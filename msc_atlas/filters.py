"""The filter state: one small frozen dataclass, parsed from and written to a URL query string, applied to a frame.

It is the one source of truth for "what is selected". Parsing never raises: whatever a URL or a callback payload
holds, the result is a valid state plus a list of human-readable notices about what was ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import pycountry

from msc_atlas import doses, fields, trial_link, vocab

# URL keys of the scalar fields (short and readable in a shared link)
SCALAR_KEYS = {
    "year_from": "from",
    "year_to": "to",
    "posted_by": "posted_by",
    "dose": "dose",
    "kg_from": "kg_from",
    "kg_to": "kg_to",
    "q": "q",
}
# "States a dose": any cell or EV amount per administration stated, or none
DOSE_CHOICES = {"stated": "states a dose", "none": "states no dose"}
DOSE_ALIASES = {"yes": "stated", "any": "stated", "no": "none", "not_stated": "none"}
KG_MAX = 1e12  # cells per kg: far above any dose (the largest stated is about 10⁹/kg)
# the dose columns a trial "states a dose" by (the build leaves no dose phrase without one of them)
DOSE_STATED_COLUMNS = ("dose_cells_per_kg_min", "dose_cells_total_min", "dose_ev_min")

# Query keys a page reads for itself (the Trials page's record link, msc_atlas.trial_link): in the same address as
# the filter, but not part of it, so the filter neither parses them nor calls them unknown.
COMPARE_KEY = "vs"  # the Compare page's second view (msc_atlas.compare)
PAGE_KEYS = frozenset({trial_link.KEY, COMPARE_KEY})

YEAR_MIN, YEAR_MAX = 1995, 2030
MAX_TEXT = 200
MAX_VALUES = 100  # more values than any vocabulary has: the rest of a hostile list is ignored


class FilterState:
    """What is selected: the values chosen per filter field (one per field with `Show.FILTER` in the registry,
    named by its URL key: `FilterState(focus=("liver",)).focus`), the first-posted years, a first-posted-by date,
    and a search text. Frozen and hashable (views are cached per state); compares by value.
    """

    __slots__ = ("_choices", "_hash", "_identity", "dose", "kg_from", "kg_to", "posted_by", "q", "year_from", "year_to")
    _choices: tuple[tuple[str, tuple[str, ...]], ...]  # (key, values) of the fields with a choice, registry order
    _identity: tuple[Any, ...]
    _hash: int
    year_from: int | None
    year_to: int | None
    posted_by: str | None  # ISO date: first posted on or before
    dose: str | None  # "stated" / "none" (DOSE_CHOICES)
    kg_from: float | None  # some stated level of cells per kg per administration is at least this
    kg_to: float | None  # ... and at most this (the same level)
    q: str

    def __init__(
        self,
        *,
        year_from: int | None = None,
        year_to: int | None = None,
        posted_by: str | None = None,
        dose: str | None = None,
        kg_from: float | None = None,
        kg_to: float | None = None,
        q: str = "",
        **choices: Iterable[str],
    ) -> None:
        known = fields.filters()
        if any(key not in known for key in choices):
            unknown = sorted(set(choices) - set(known))
            raise TypeError(f"FilterState() has no filter(s) {unknown}; the filters are {list(known)}")
        chosen = tuple((key, tuple(choices[key])) for key in known if choices.get(key))
        identity = (chosen, year_from, year_to, posted_by, dose, kg_from, kg_to, q)  # what equality and hash compare
        for name, value in (
            ("_choices", chosen),
            ("year_from", year_from),
            ("year_to", year_to),
            ("posted_by", posted_by),
            ("dose", dose),
            ("kg_from", kg_from),
            ("kg_to", kg_to),
            ("q", q),
            ("_identity", identity),
            ("_hash", hash(identity)),
        ):
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> tuple[str, ...]:
        """The chosen values of a filter field (() when none); only called for names that are not slots."""
        if not name.startswith("_"):
            for key, values in self._choices:
                if key == name:
                    return values
            if name in fields.filters():
                return ()
        raise AttributeError(f"FilterState has no field {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FilterState is frozen: use .replace(...)")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FilterState) and self._identity == other._identity

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        parts = [f"{key}={values!r}" for key, values in self._choices]
        parts += [f"{name}={getattr(self, name)!r}" for name in SCALAR_KEYS if getattr(self, name) not in (None, "")]
        return f"FilterState({', '.join(parts)})"

    def chosen(self) -> dict[str, tuple[str, ...]]:
        """URL key -> chosen values, for the fields with a choice."""
        return dict(self._choices)

    # -- construction -------------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> tuple[FilterState, list[str]]:
        """A valid state from untrusted key -> value(s), plus notices for everything ignored."""
        notices: list[str] = []
        if not isinstance(raw, Mapping):
            return cls(), ([] if raw in (None, "", [], {}) else ["Ignored a filter payload that is not a mapping."])
        choice_fields = fields.filters()
        values: dict[str, Any] = {}
        for key, value in raw.items():
            key_text = str(key)[:40]
            if key_text in choice_fields:
                values[key_text] = _parse_choices(choice_fields[key_text], value, notices)
                continue
            scalar = _scalar_for_key(key_text)
            if scalar is None:
                notices.append(f"Ignored unknown parameter “{_clip(key_text)}”.")
                continue
            parsed = _parse_scalar(scalar, value, notices)
            if parsed is not None:
                values[scalar] = parsed
        year_from, year_to = values.get("year_from"), values.get("year_to")
        if year_from and year_to and year_from > year_to:
            notices.append(f"Swapped the year range {year_from}–{year_to}: the start was after the end.")
            values["year_from"], values["year_to"] = year_to, year_from
        kg_from, kg_to = values.get("kg_from"), values.get("kg_to")
        if kg_from is not None and kg_to is not None and kg_from > kg_to:
            notices.append(
                f"Swapped the dose range {doses.per_kg(kg_from)} – {doses.per_kg(kg_to)}: the low end was above the "
                "high end."
            )
            values["kg_from"], values["kg_to"] = kg_to, kg_from
        return cls(**values), notices

    @classmethod
    def from_search(cls, search: str | None) -> tuple[FilterState, list[str]]:
        """Parse a URL query string ("?a=1&b=2"); bad percent-escapes and repeated keys are tolerated."""
        if not isinstance(search, str):
            return cls(), []
        pairs = parse_qs(search.lstrip("?")[:4000], keep_blank_values=False, errors="replace")
        return cls.parse(
            {key: (vals if len(vals) > 1 else vals[0]) for key, vals in pairs.items() if key not in PAGE_KEYS}
        )

    @classmethod
    def from_dict(cls, data: Any) -> FilterState:
        """The state kept in the browser store; anything malformed falls back to valid parts or the default."""
        if not isinstance(data, Mapping):
            return cls()
        raw = {}
        for key in fields.filters():
            if data.get(key):
                raw[key] = data[key]
        for name, key in SCALAR_KEYS.items():
            if data.get(name) not in (None, ""):
                raw[key] = data[name]
        return cls.parse(raw)[0]

    def to_dict(self) -> dict[str, Any]:
        """Every filter field (a list of values) and scalar, as the browser store keeps them."""
        chosen = self.chosen()
        out: dict[str, Any] = {key: list(chosen.get(key, ())) for key in fields.filters()}
        return out | {name: getattr(self, name) for name in SCALAR_KEYS}

    def to_query(self) -> str:
        """Canonical query string ("" for the default state), values in vocabulary order, comma-joined."""
        params = [(key, ",".join(values)) for key, values in self._choices]
        for name, key in SCALAR_KEYS.items():
            value = getattr(self, name)
            if value not in (None, ""):
                params.append((key, doses.compact(value) if name in ("kg_from", "kg_to") else str(value)))
        return "?" + urlencode(params, safe=",") if params else ""

    def replace(self, **changes: Any) -> FilterState:
        """A new state with some fields changed, re-validated."""
        return FilterState.from_dict(self.to_dict() | changes)

    def key(self) -> str:
        """A stable cache key."""
        return self.to_query()

    def describe(self) -> str:
        """One line naming the active filters, for chart titles ("all MSC-derived trials" when none)."""
        choice_fields = fields.filters()
        parts = []
        for key, chosen in self._choices:
            field = choice_fields[key]
            parts.append(
                " or ".join(field.value_label(value) for value in chosen[:3])
                + (f" (+{len(chosen) - 3})" if len(chosen) > 3 else "")
            )
        if self.year_from or self.year_to:
            parts.append(f"first posted {self.year_from or '…'}–{self.year_to or '…'}")
        if self.posted_by:
            parts.append(f"first posted by {self.posted_by}")
        if self.dose:
            parts.append(DOSE_CHOICES[self.dose])
        if self.kg_from is not None or self.kg_to is not None:
            parts.append("a dose of " + kg_range(self.kg_from, self.kg_to) + " per administration")
        if self.q:
            parts.append(f"matching “{_clip(self.q, 30)}”")
        return "; ".join(parts) if parts else "all MSC-derived trials"


def kg_range(low: float | None, high: float | None) -> str:
    """ "1–2 × 10⁶/kg", "at least 1 × 10⁶/kg", "at most 2 × 10⁶/kg"."""
    if low is not None and high is not None:
        return doses.per_kg(low, high)
    if low is not None:
        return f"at least {doses.per_kg(low)}"
    return f"at most {doses.per_kg(high)}"


def _dose_stated(frame: pd.DataFrame) -> np.ndarray:
    """Whether each trial states a cell or EV dose per administration."""
    stated = np.zeros(len(frame), dtype=bool)
    for column in DOSE_STATED_COLUMNS:
        stated |= frame[column].notna().to_numpy(dtype=bool)
    return stated


def _per_kg_levels(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row position, level) of every stated per-kg level."""
    cells = frame["dose_cells_per_kg_levels"].fillna("").astype(str)
    levels = cells[cells != ""].str.split(vocab.MULTI_SEP).explode()
    rows = np.flatnonzero((cells != "").to_numpy())
    counts = cells[cells != ""].str.count(vocab.MULTI_SEP).to_numpy() + 1
    return np.repeat(rows, counts), levels.astype(float).to_numpy()


def search_words(text: str) -> list[str]:
    """The words of a search text, lower-cased: a trial matches when every word is somewhere in its searched text
    (in any order), so "cord covid" finds a COVID-19 trial of umbilical cord cells."""
    return list(dict.fromkeys(text.lower().split()))


def _haystack(frame: pd.DataFrame) -> pd.Series:
    """The text the search box looks in: the searchable columns of a row, space-joined."""
    columns = [field.column for field in fields.shown(fields.Show.SEARCH)]
    text = frame[columns[0]]
    for column in columns[1:]:
        text = text + " " + frame[column]
    return text


class FilterIndex:
    """One boolean mask per (field, value) of a frame, built once: applying a filter state is then a few numpy
    operations instead of text scans of the multi-valued columns, and grows gently with the data.

    `FilterIndex(frame).mask(state)` equals the pandas reference in tests/reference.py (tested); the frame must
    not change afterwards.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.size = len(frame)
        self.masks: dict[str, dict[str, np.ndarray]] = {}
        self.fields = fields.filters()
        for key, field in self.fields.items():
            cells = frame[field.column]
            if field.multi:  # a trial counts for each of its values; an empty cell is "not reported"
                tokens = cells.replace("", vocab.UNKNOWN).str.split(vocab.MULTI_SEP).explode()
                positions = np.arange(self.size)[
                    np.repeat(np.arange(self.size), cells.str.count(vocab.MULTI_SEP).to_numpy() + 1)
                ]
                self.masks[key] = {}
                for value, rows in pd.Series(positions).groupby(tokens.to_numpy()):
                    mask = np.zeros(self.size, dtype=bool)
                    mask[rows.to_numpy()] = True
                    self.masks[key][value] = mask
            else:
                codes, uniques = pd.factorize(cells.to_numpy())
                self.masks[key] = {value: codes == code for code, value in enumerate(uniques)}
        posted = frame["first_posted"]
        self.year = pd.to_numeric(posted.str[:4], errors="coerce").to_numpy()
        self.posted = posted.to_numpy(dtype=object)
        self.haystack = _haystack(frame).str.lower()
        self.dose_stated = _dose_stated(frame)
        self.level_rows, self.levels = _per_kg_levels(frame)

    def mask(self, state: FilterState, skip: str | None = None) -> np.ndarray:
        """The rows `state` keeps; with `skip`, ignoring that filter field (and its default) altogether."""
        return self._field_mask(state, skip) & self._scalar_mask(state)

    def _field_mask(self, state: FilterState, skip: str | None = None) -> np.ndarray:
        """The rows the filter fields' choices keep (each field's default where nothing is chosen)."""
        keep = np.ones(self.size, dtype=bool)
        chosen_by_key = state.chosen()
        for key, field in self.fields.items():
            if key == skip:
                continue
            chosen = chosen_by_key.get(key) or field.default
            if chosen:
                values = self.masks[key]
                any_of = np.zeros(self.size, dtype=bool)
                for value in chosen:
                    if value in values:
                        any_of |= values[value]
                keep &= any_of
        return keep

    def _scalar_mask(self, state: FilterState) -> np.ndarray:
        """The rows the years, first-posted date, dose and search text keep."""
        keep = np.ones(self.size, dtype=bool)
        if state.year_from:
            keep &= self.year >= state.year_from
        if state.year_to:
            keep &= self.year <= state.year_to
        if state.posted_by:
            keep &= (self.posted != "") & (self.posted <= state.posted_by)
        if state.dose:
            keep &= self.dose_stated if state.dose == "stated" else ~self.dose_stated
        if state.kg_from is not None or state.kg_to is not None:
            keep &= self._per_kg_in(state.kg_from, state.kg_to)
        for word in search_words(state.q):
            keep &= self.haystack.str.contains(word, regex=False).to_numpy()
        return keep

    def option_counts(self, state: FilterState) -> dict[str, dict[str, int]]:
        """Per filter field, the trials each of its values would match given every other filter of `state` (the
        field's own choice left out, so a count says what choosing that value adds): the numbers beside the
        options of the filter controls. A group choice counts the trials with any of its members."""
        out: dict[str, dict[str, int]] = {}
        scalar = self._scalar_mask(state)  # once: the search text is the costly part
        for key, field in self.fields.items():
            others = self._field_mask(state, skip=key) & scalar
            counts = {value: int((others & mask).sum()) for value, mask in self.masks[key].items()}
            for group, (_, members) in (field.groups or {}).items():
                any_member = np.zeros(self.size, dtype=bool)
                for member in members:
                    if member in self.masks[key]:
                        any_member |= self.masks[key][member]
                counts[group] = int((others & any_member).sum())
            out[key] = counts
        return out

    def _per_kg_in(self, low: float | None, high: float | None) -> np.ndarray:
        """Trials that state some per-kg level within [low, high] (both ends included)."""
        inside = np.ones(len(self.levels), dtype=bool)
        if low is not None:
            inside &= self.levels >= low
        if high is not None:
            inside &= self.levels <= high
        found = np.zeros(self.size, dtype=bool)
        found[self.level_rows[inside]] = True
        return found

    def apply(self, state: FilterState) -> pd.DataFrame:
        return self.frame[self.mask(state)]


def _scalar_for_key(key: str) -> str | None:
    for name, url_key in SCALAR_KEYS.items():
        if key in (url_key, name):
            return name
    return None


def _flatten(value: Any, depth: int = 0) -> list[str]:
    """Strings out of a str / list / nested list payload; other types are dropped."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and depth < 2:
        out: list[str] = []
        for item in value[:MAX_VALUES]:
            out.extend(_flatten(item, depth + 1))
        return out
    return []


def _parse_choices(field: fields.Field, value: Any, notices: list[str]) -> tuple[str, ...]:
    candidates = _flatten(value)
    if value not in (None, "", [], ()) and not candidates:
        notices.append(f"Ignored a malformed value for “{field.name}”.")
    accepted: list[str] = []
    groups = field.groups or {}
    expanded: list[str] = []
    for candidate in candidates[:MAX_VALUES]:
        group = groups.get(candidate) or groups.get(candidate.lower())
        expanded += list(group[1]) if group else [candidate]
    for candidate in expanded:
        normalised = _normalise_choice(field, candidate)
        if normalised is None:
            notices.append(f"Ignored unknown {field.name} “{_clip(candidate)}”.")
        elif normalised not in accepted:
            accepted.append(normalised)
    order = list(field.vocabulary) if field.vocabulary else sorted(accepted)
    return tuple(sorted(accepted, key=order.index))


def _normalise_choice(field: fields.Field, candidate: str) -> str | None:
    if field.kind is fields.Kind.COUNTRIES:  # ISO 3166-1 alpha-3
        code = candidate.upper()
        return code if len(code) == 3 and pycountry.countries.get(alpha_3=code) else None
    vocabulary = field.vocabulary or {}
    if candidate in vocabulary:
        return candidate
    lowered = candidate.lower()
    for key in vocabulary:
        if key.lower() == lowered:
            return key
    return None


def _parse_scalar(field: str, value: Any, notices: list[str]) -> Any:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None or value == "":
        return None
    if field == "q":
        if not isinstance(value, (str, int, float)):
            notices.append("Ignored a malformed search text.")
            return None
        text = re.sub(r"[\x00-\x1f\x7f]", " ", str(value)).strip()
        if len(text) > MAX_TEXT:
            notices.append(f"Shortened the search text to {MAX_TEXT} characters.")
        return text[:MAX_TEXT] or None
    if field == "dose":
        choice = str(value).strip().lower()[:20] if isinstance(value, (str, int, float)) else ""
        choice = DOSE_ALIASES.get(choice, choice)
        if choice not in DOSE_CHOICES:
            notices.append(f"Ignored dose “{_clip(str(value))}”: use dose=stated or dose=none.")
            return None
        return choice
    if field in ("kg_from", "kg_to"):
        amount = doses.parse_amount(value, limit=KG_MAX)
        if amount is None:
            notices.append(
                f"Ignored {field} “{_clip(str(value))}”: needs cells per kg as a number, like 1e6 or 2000000."
            )
        return amount
    if field == "posted_by":
        try:
            return dt.date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            notices.append(f"Ignored “{_clip(str(value))}”: posted_by needs a date like 2020-05-15.")
            return None
    # year_from / year_to
    try:
        year = int(float(str(value)))
    except (ValueError, OverflowError):
        notices.append(f"Ignored year “{_clip(str(value))}”: not a year.")
        return None
    if not YEAR_MIN <= year <= YEAR_MAX:
        notices.append(f"Ignored year {year}: outside {YEAR_MIN}–{YEAR_MAX}.")
        return None
    return year


def _clip(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# One-click views. The reference view reproduces the landscape of Tsuchiya et al. (Inflamm Regen 2020):
# ClinicalTrials.gov COVID-19 trials of MSCs and MSC exosomes first posted by mid-May 2020.
LENSES: dict[str, tuple[str, FilterState]] = {
    "all": ("All MSC trials", FilterState()),
    "covid": ("COVID-19 & ARDS", FilterState(focus=("covid19_ards",))),
    "liver": ("Liver disease", FilterState(focus=("liver",))),
    "reference": (
        "Mid-2020 reference view",
        FilterState(
            focus=("covid19_ards",), disease=("covid19",), registry=("ClinicalTrials.gov",), posted_by="2020-05-15"
        ),
    ),
}
