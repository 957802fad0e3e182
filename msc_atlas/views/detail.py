"""Everything known about one trial, for the detail panel: every field shown in the detail panel with the registry
phrase behind it, and the published facts, curated corrections and conflicts that concern it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from msc_atlas import cache, fields
from msc_atlas.fields import Show


@cache.results(maxsize=1024)
def trial_detail(trial_id: str) -> dict[str, Any] | None:
    """Everything known about one trial, or None for an id that is not in the dataset."""
    from msc_atlas import data

    trials = data.load_trials()
    match = trials[trials["trial_id"] == trial_id]
    if match.empty:
        return None
    row = match.iloc[0]
    related = _related_records(data, trial_id)
    return {
        "trial_id": row["trial_id"],
        "title": row["title"],
        "url": row["url"],
        "registry": row["registry"],
        "other_ids": row["other_ids"].replace(";", ", "),
        "sources": row["sources"].replace(";", ", "),
        "fields": [
            (field.label, field.detail_text(row), row[field.evidence] if field.evidence else "")
            for field in fields.shown(Show.DETAIL)
        ],
        **related,
    }


PUBLISHED_FIELDS = {
    "product": "product",
    "source_tissue": "tissue",
    "donor": "donor",
    "route": "route",
    "dose_text": "dose",
    "phase": "phase",
    "enrollment": "enrollment",
    "countries": "countries",
    "status_as_reported": "status",
    "notes": "notes",
}


def _source_label(url: str, date: str) -> str:
    """ "pmc.ncbi.nlm.nih.gov, 2020-08-22": where a published fact was read, readable without following the link."""
    host = urlsplit(url).netloc.removeprefix("www.") if isinstance(url, str) else ""
    return ", ".join(part for part in (host, date) if part) or "source"


def _related_records(data, trial_id: str) -> dict[str, list[dict[str, Any]]]:
    """Published review facts, curated corrections and recorded conflicts that concern one trial."""
    facts = data.load_published_facts()
    facts = facts[facts["trial_id"] == trial_id]
    conflicts = data.load_conflicts()
    corrections = data.load_corrections()
    return {
        "published": [
            {
                "reported_in": fact["reported_in"],
                "label": _source_label(fact["reported_in"], fact["reported_date"]),
                "facts": {
                    label: fact[column]
                    for column, label in PUBLISHED_FIELDS.items()
                    if fact[column] not in ("", "unknown")
                },
            }
            for _, fact in facts.iterrows()
        ],
        "conflicts": conflicts[conflicts["trial_id"] == trial_id].to_dict("records"),
        "corrections": corrections[corrections["trial_id"] == trial_id].to_dict("records"),
    }
