"""The address of one trial's record: `/trials?trial=<registry ID>`. Reads the `trial` value of a link (never
raising) and writes it into a query string. Pure: no Dash, no data; which IDs exist is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from msc_atlas import vocab

KEY = "trial"
PATH = "/trials"
MAX_ID = 60  # longer than any registry ID pattern allows (vocab.REGISTRIES)
EXAMPLES = "such as NCT04288102, ChiCTR2000029569 or CTRI/2020/08/027043"
_ID_PATTERNS = [re.compile(rf"(?:{pattern})", re.IGNORECASE) for pattern in vocab.REGISTRIES.values()]


@dataclass(frozen=True)
class TrialLink:
    """What a link asks for: the trial whose record to open (an ID of the dataset), or why it opens none."""

    trial_id: str | None = None
    notice: str | None = None


def parse(value: Any, known: Mapping[str, str]) -> TrialLink:
    """The `trial` value of a link (a string; a list when the key repeats) against `known`, the dataset's IDs keyed
    by their upper-case form (so `nct04288102` opens NCT04288102). No value: no record and no notice."""
    if value is None or value == "":
        return TrialLink()
    if isinstance(value, (list, tuple)):
        return TrialLink(notice="The link names more than one trial; a record link names one (trial=<registry ID>).")
    if not isinstance(value, str):
        return TrialLink(notice="The link's trial parameter is not a registry ID.")
    text = re.sub(r"[\x00-\x1f\x7f]", "", value).strip()
    found = known.get(text.upper())
    if found:
        return TrialLink(trial_id=found)
    shown = _clip(text)
    if any(pattern.fullmatch(text) for pattern in _ID_PATTERNS):
        return TrialLink(notice=f"No trial {shown} in this dataset.")
    return TrialLink(notice=f"No trial “{shown}” in this dataset: that is not a registry ID ({EXAMPLES}).")


def query_value(search: Any, key: str) -> str | None:
    """The raw value of one key of a query string ("?a=1&trial=NCT…"), or None: for the page keys that ride beside
    the filter (`trial`, the Compare page's `vs`)."""
    if not isinstance(search, str):
        return None
    for name, value in parse_qsl(search.lstrip("?")[:4000], keep_blank_values=True, errors="replace"):
        if name == key:
            return value
    return None


def with_value(search: Any, key: str, value: str | None) -> str:
    """The query string with one key set to `value` (None: removed); every other parameter kept, in order. A value
    with '/' (CTRI/2020/08/027043) is percent-encoded, commas of filter values stay readable."""
    text = search.lstrip("?")[:4000] if isinstance(search, str) else ""
    pairs = [(name, v) for name, v in parse_qsl(text, keep_blank_values=True, errors="replace") if name != key]
    if value:
        pairs.append((key, value))
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def value_in(search: Any) -> str | None:
    """The raw `trial` value of a query string, or None."""
    return query_value(search, KEY)


def with_trial(search: Any, trial_id: str | None) -> str:
    """The query string with `trial` set to one ID (None: removed); every other parameter kept, in order."""
    return with_value(search, KEY, trial_id)


def href(trial_id: str) -> str:
    """The record's address, relative to the app's root."""
    return f"{PATH}?{KEY}={quote(trial_id, safe='')}"


def _clip(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
