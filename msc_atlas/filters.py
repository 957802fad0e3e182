"""The filter state: one small frozen dataclass, parsed from and written to a URL query string, applied to a frame.

It is the one source of truth for "what is selected". Parsing never raises: whatever a URL or a callback payload
holds, the result is a valid state plus a list of human-readable notices about what was ignored.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import pycountry

from msc_atlas import vocab

# filter field -> (trials column, vocabulary of allowed values or None for countries, multi-valued column?)
CHOICE_FIELDS: dict[str, tuple[str, dict[str, str] | None, bool]] = {
    "focus": ("focus_area", vocab.FOCUS_AREAS, False),
    "disease": ("disease_group", vocab.DISEASE_GROUPS, False),
    "product": ("product", vocab.PRODUCTS, False),
    "tissue": ("source_tissue", vocab.SOURCE_TISSUES, True),
    "route": ("route", vocab.ROUTES, True),
    "donor": ("donor", vocab.DONORS, False),
    "phase": ("phase", vocab.PHASES, False),
    "status": ("status", vocab.STATUSES, False),
    "registry": ("registry", {name: name for name in vocab.REGISTRIES}, False),
    "country": ("countries", None, True),
}
SCALAR_FIELDS = ("year_from", "year_to", "posted_by", "q")
# URL keys of the scalar fields (short and readable in a shared link)
SCALAR_KEYS = {"year_from": "from", "year_to": "to", "posted_by": "posted_by", "q": "q"}
KNOWN_KEYS = set(CHOICE_FIELDS) | set(SCALAR_KEYS.values())

# Products shown when no product is selected: everything MSC-derived (non-MSC rows caught by text filters
# stay out of the default view, but can be selected explicitly).
DEFAULT_PRODUCTS = ("msc", "msc_ev", "msc_secretome")
YEAR_MIN, YEAR_MAX = 1995, 2030
MAX_TEXT = 200
MAX_VALUES = 100  # more values than any vocabulary has: the rest of a hostile list is ignored


@dataclasses.dataclass(frozen=True)
class FilterState:
    focus: tuple[str, ...] = ()
    disease: tuple[str, ...] = ()
    product: tuple[str, ...] = ()
    tissue: tuple[str, ...] = ()
    route: tuple[str, ...] = ()
    donor: tuple[str, ...] = ()
    phase: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    registry: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    posted_by: str | None = None  # ISO date: first posted on or before
    q: str = ""

    # -- construction -------------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> tuple["FilterState", list[str]]:
        """A valid state from untrusted key -> value(s), plus notices for everything ignored."""
        notices: list[str] = []
        if not isinstance(raw, Mapping):
            return cls(), ([] if raw in (None, "", [], {}) else ["Ignored a filter payload that is not a mapping."])
        values: dict[str, Any] = {}
        for key, value in raw.items():
            key_text = str(key)[:40]
            field = _field_for_key(key_text)
            if field is None:
                notices.append(f"Ignored unknown parameter “{_clip(key_text)}”.")
                continue
            if field in CHOICE_FIELDS:
                values[field] = _parse_choices(field, value, notices)
            else:
                parsed = _parse_scalar(field, value, notices)
                if parsed is not None:
                    values[field] = parsed
        state = cls(**values)
        if state.year_from and state.year_to and state.year_from > state.year_to:
            notices.append(f"Swapped the year range {state.year_from}–{state.year_to}: the start was after the end.")
            state = dataclasses.replace(state, year_from=state.year_to, year_to=state.year_from)
        return state, notices

    @classmethod
    def from_search(cls, search: str | None) -> tuple["FilterState", list[str]]:
        """Parse a URL query string ("?a=1&b=2"); bad percent-escapes and repeated keys are tolerated."""
        if not isinstance(search, str):
            return cls(), []
        pairs = parse_qs(search.lstrip("?")[:4000], keep_blank_values=False, errors="replace")
        return cls.parse({key: (vals if len(vals) > 1 else vals[0]) for key, vals in pairs.items()})

    @classmethod
    def from_dict(cls, data: Any) -> "FilterState":
        """The state kept in the browser store; anything malformed falls back to valid parts or the default."""
        if not isinstance(data, Mapping):
            return cls()
        raw = {}
        for field in CHOICE_FIELDS:
            if data.get(field):
                raw[field] = data[field]
        for field, key in SCALAR_KEYS.items():
            if data.get(field) not in (None, ""):
                raw[key] = data[field]
        return cls.parse(raw)[0]

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v)
                for f in dataclasses.fields(self)}

    def to_query(self) -> str:
        """Canonical query string ("" for the default state), values in vocabulary order, comma-joined."""
        params: list[tuple[str, str]] = []
        for field in CHOICE_FIELDS:
            chosen = getattr(self, field)
            if chosen:
                params.append((field, ",".join(chosen)))
        for field, key in SCALAR_KEYS.items():
            value = getattr(self, field)
            if value not in (None, ""):
                params.append((key, str(value)))
        return "?" + urlencode(params, safe=",") if params else ""

    def replace(self, **changes: Any) -> "FilterState":
        """A new state with some fields changed, re-validated."""
        merged = self.to_dict() | changes
        return FilterState.from_dict(merged)

    @property
    def is_default(self) -> bool:
        return self == FilterState()

    def key(self) -> str:
        """A stable cache key."""
        return self.to_query()

    # -- application -------------------------------------------------------------------------------------------
    def mask(self, frame: pd.DataFrame) -> pd.Series:
        keep = pd.Series(True, index=frame.index)
        for field, (column, _, multi) in CHOICE_FIELDS.items():
            chosen = getattr(self, field) or (DEFAULT_PRODUCTS if field == "product" else ())
            if not chosen:
                continue
            if multi:
                keep &= _multi_value_mask(frame[column], chosen)
            else:
                keep &= frame[column].isin(chosen)
        if self.year_from or self.year_to or self.posted_by:
            posted = frame["first_posted"]
            year = pd.to_numeric(posted.str[:4], errors="coerce")
            if self.year_from:
                keep &= year >= self.year_from
            if self.year_to:
                keep &= year <= self.year_to
            if self.posted_by:
                keep &= (posted != "") & (posted <= self.posted_by)
        if self.q:
            haystack = (frame["trial_id"] + " " + frame["other_ids"] + " " + frame["title"] + " "
                        + frame["conditions"] + " " + frame["sponsor"])
            keep &= haystack.str.contains(self.q, case=False, regex=False)
        return keep

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[self.mask(frame)]

    def describe(self) -> str:
        """One line naming the active filters, for chart titles ("all MSC-derived trials" when none)."""
        parts = []
        for field, (_, vocabulary, _) in CHOICE_FIELDS.items():
            chosen = getattr(self, field)
            if chosen:
                parts.append(" or ".join(_value_label(field, vocabulary, value) for value in chosen[:3])
                             + (f" (+{len(chosen) - 3})" if len(chosen) > 3 else ""))
        if self.year_from or self.year_to:
            parts.append(f"first posted {self.year_from or '…'}–{self.year_to or '…'}")
        if self.posted_by:
            parts.append(f"first posted by {self.posted_by}")
        if self.q:
            parts.append(f"matching “{_clip(self.q, 30)}”")
        return "; ".join(parts) if parts else "all MSC-derived trials"


class FilterIndex:
    """One boolean mask per (field, value) of a frame, built once: applying a filter state is then a few numpy
    operations instead of text scans of the multi-valued columns, and grows gently with the data.

    `FilterIndex(frame).mask(state)` equals `state.mask(frame)` (tested); the frame must not change afterwards.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.size = len(frame)
        self.masks: dict[str, dict[str, np.ndarray]] = {}
        for field, (column, _, multi) in CHOICE_FIELDS.items():
            cells = frame[column]
            if multi:  # a trial counts for each of its values; an empty cell is "not reported"
                tokens = cells.replace("", vocab.UNKNOWN).str.split(vocab.MULTI_SEP).explode()
                positions = np.arange(self.size)[np.repeat(np.arange(self.size),
                                                           cells.str.count(vocab.MULTI_SEP).to_numpy() + 1)]
                self.masks[field] = {}
                for value, rows in pd.Series(positions).groupby(tokens.to_numpy()):
                    mask = np.zeros(self.size, dtype=bool)
                    mask[rows.to_numpy()] = True
                    self.masks[field][value] = mask
            else:
                codes, uniques = pd.factorize(cells.to_numpy())
                self.masks[field] = {value: codes == code for code, value in enumerate(uniques)}
        posted = frame["first_posted"]
        self.year = pd.to_numeric(posted.str[:4], errors="coerce").to_numpy()
        self.posted = posted.to_numpy(dtype=object)
        self.haystack = (frame["trial_id"] + " " + frame["other_ids"] + " " + frame["title"] + " "
                         + frame["conditions"] + " " + frame["sponsor"]).str.lower()

    def mask(self, state: FilterState) -> np.ndarray:
        keep = np.ones(self.size, dtype=bool)
        for field in CHOICE_FIELDS:
            chosen = getattr(state, field) or (DEFAULT_PRODUCTS if field == "product" else ())
            if chosen:
                values = self.masks[field]
                any_of = np.zeros(self.size, dtype=bool)
                for value in chosen:
                    if value in values:
                        any_of |= values[value]
                keep &= any_of
        if state.year_from:
            keep &= self.year >= state.year_from
        if state.year_to:
            keep &= self.year <= state.year_to
        if state.posted_by:
            keep &= (self.posted != "") & (self.posted <= state.posted_by)
        if state.q:
            keep &= self.haystack.str.contains(state.q.lower(), regex=False).to_numpy()
        return keep

    def apply(self, state: FilterState) -> pd.DataFrame:
        return self.frame[self.mask(state)]


def _field_for_key(key: str) -> str | None:
    if key in CHOICE_FIELDS:
        return key
    for field, url_key in SCALAR_KEYS.items():
        if key in (url_key, field):
            return field
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


def _parse_choices(field: str, value: Any, notices: list[str]) -> tuple[str, ...]:
    _, vocabulary, _ = CHOICE_FIELDS[field]
    candidates = _flatten(value)
    if value not in (None, "", [], ()) and not candidates:
        notices.append(f"Ignored a malformed value for “{field}”.")
    accepted: list[str] = []
    for candidate in candidates[:MAX_VALUES]:
        normalised = _normalise_choice(field, vocabulary, candidate)
        if normalised is None:
            notices.append(f"Ignored unknown {field} “{_clip(candidate)}”.")
        elif normalised not in accepted:
            accepted.append(normalised)
    order = list(vocabulary) if vocabulary else sorted(accepted)
    return tuple(sorted(accepted, key=order.index))


def _normalise_choice(field: str, vocabulary: dict[str, str] | None, candidate: str) -> str | None:
    if vocabulary is None:  # countries: ISO 3166-1 alpha-3
        code = candidate.upper()
        return code if len(code) == 3 and pycountry.countries.get(alpha_3=code) else None
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


def _multi_value_mask(column: pd.Series, chosen: tuple[str, ...]) -> pd.Series:
    pattern = r"(?:^|;)(?:" + "|".join(re.escape(value) for value in chosen) + r")(?:;|$)"
    if vocab.UNKNOWN in chosen:  # an empty multi-valued cell is "not reported" too
        return column.str.contains(pattern, regex=True) | (column == "")
    return column.str.contains(pattern, regex=True)


def _value_label(field: str, vocabulary: dict[str, str] | None, value: str) -> str:
    if vocabulary is None:
        return country_name(value)
    return vocab.label(vocabulary, value)


def country_name(alpha_3: str) -> str:
    """Short English name of an ISO-3 code ("not reported" for an empty one)."""
    if not alpha_3:
        return vocab.NOT_REPORTED
    country = pycountry.countries.get(alpha_3=alpha_3)
    if country is None:
        return alpha_3
    return getattr(country, "common_name", None) or country.name


def _clip(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# One-click views. The reference view reproduces the landscape of Tsuchiya et al. (Inflamm Regen 2020):
# ClinicalTrials.gov COVID-19 trials of MSCs and MSC exosomes first posted by mid-May 2020.
LENSES: dict[str, tuple[str, FilterState]] = {
    "all": ("All MSC trials", FilterState()),
    "covid": ("COVID-19 & ARDS", FilterState(focus=("covid19_ards",))),
    "liver": ("Liver disease", FilterState(focus=("liver",))),
    "reference": ("Mid-2020 reference view", FilterState(
        focus=("covid19_ards",), disease=("covid19",), registry=("ClinicalTrials.gov",), posted_by="2020-05-15")),
}
