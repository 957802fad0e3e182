"""What a view covers: which registries its trials come from and up to when, said where the numbers are read.

The data are uneven: ClinicalTrials.gov is searched for every MSC trial (records to Oct 2022), the other registries
only through WHO ICTRP's COVID-19 exports (records to Dec 2020). A liver view is therefore ClinicalTrials.gov only,
and a COVID-19 view mixes two dates. `describe` states this for the trials of the current filter, from their
`registry` and `record_as_of` and data/version.json; `version_line` names the dataset build so that its version
cannot be read as a data date. Pure: no Dash.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from msc_atlas import vocab

CTGOV = "ClinicalTrials.gov"
OTHERS = "other registries (WHO ICTRP COVID-19 exports)"
NAMED = 3  # other registries named in full; the rest are counted


def month(iso_date: Any) -> str:
    """ "2022-10-13" -> "Oct 2022" (an unreadable value is shown as it is)."""
    try:
        day = dt.date.fromisoformat(str(iso_date)[:10])
    except ValueError:
        return str(iso_date)
    return f"{day:%b %Y}"


def data_to(version: Mapping[str, Any]) -> str:
    """The month of the newest record any source holds: "Oct 2022"."""
    dates = [str(version[key]) for key in ("ctgov_as_of", "ictrp_as_of") if version.get(key)]
    return month(max(dates)) if dates else vocab.NOT_REPORTED


def version_line(version: Mapping[str, Any]) -> str:
    """ "dataset build 2026.11.30 · data to Oct 2022": the build's name next to the date its data reach."""
    return f"dataset build {version.get('dataset_version', vocab.NOT_REPORTED)} · data to {data_to(version)}"


def describe(registries: Iterable[str], as_of: Iterable[str], version: Mapping[str, Any]) -> str:
    """One sentence on the registries and record dates of a view's trials (`registry` and `record_as_of` of each);
    "" for an empty view."""
    rows = list(zip(registries, as_of, strict=True))
    if not rows:
        return ""
    ctgov = [day for registry, day in rows if registry == CTGOV]
    others = Counter(registry for registry, _ in rows if registry != CTGOV)
    other_dates = [day for registry, day in rows if registry != CTGOV]
    ictrp_to = month(version.get("ictrp_as_of", max(other_dates, default="")))
    parts = []
    if ctgov:
        newest = max(ctgov)
        earlier = sum(1 for day in ctgov if month(day) != month(newest))
        text = f"{CTGOV}{' only' if not others else ''}, records to {month(newest)}"
        if earlier:
            text += f" ({vocab.plural(earlier, 'record')} last seen in an earlier download)"
        parts.append(text)
    if others:
        names = [f"{name} {n:,}" for name, n in others.most_common(NAMED)]
        if len(others) > NAMED:
            names.append(f"{vocab.plural(len(others) - NAMED, 'more registry', 'more registries')}")
        parts.append(
            f"{OTHERS if ctgov else OTHERS + ' only'}, records to {month(max(other_dates))}: {', '.join(names)}"
        )
    sentence = "This view covers " + "; ".join(parts) + "."
    if not others:
        sentence += f" Other registries are in the data for COVID-19 only, up to {ictrp_to}."
    return sentence
