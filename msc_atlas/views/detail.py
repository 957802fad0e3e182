"""Everything known about one trial, for the detail panel: every field shown in the detail panel with the registry
phrase (or input and snapshot) behind it, and the published facts, curated corrections and review-table
disagreements that concern it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from msc_atlas import cache, fields, review_sources, trial_link, vocab
from msc_atlas.fields import Show


class FieldRow(NamedTuple):
    """One row of the record: the field's label, its value as text, and its evidence, `quoted` when the evidence is
    a registry phrase (else it says where the value was taken from)."""

    label: str
    value: str
    evidence: str
    quoted: bool


def trial_ids() -> Mapping[str, str]:
    """Every trial ID of the loaded dataset keyed by its upper-case form, for reading links (msc_atlas.trial_link)."""
    from msc_atlas import data

    trials = data.load_trials()
    return cache.per_dataset("trial_ids", trials, lambda frame: {tid.upper(): tid for tid in frame["trial_id"]})


def link(value: Any) -> trial_link.TrialLink:
    """A link's `trial` value read against the dataset: the trial to open, or the notice why none opens."""
    return trial_link.parse(value, trial_ids())


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
        "href": trial_link.href(row["trial_id"]),
        "registry": row["registry"],
        "other_ids": row["other_ids"].replace(";", ", "),
        "sources": row["sources"].replace(";", ", "),
        "fields": [
            FieldRow(field.label, field.detail_text(row), *field.evidence_text(row))
            for field in fields.shown(Show.DETAIL)
        ],
        "results_url": row["results_url"],
        "publications": _publications(data, trial_id),
        **related,
    }


PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"


def _publications(data, trial_id: str) -> dict[str, list[dict[str, str]]]:
    """The trial's references by type (result, derived, background), each with its PubMed link when the record
    pairs a PMID with it; a retraction notice is kept only on a result or derived reference."""
    pubs = data.load_publications()
    out: dict[str, list[dict[str, str]]] = {kind: [] for kind in vocab.PUBLICATION_TYPES}
    for pub in pubs[pubs["trial_id"] == trial_id].to_dict("records"):
        kind = pub["type"] if pub["type"] in out else "background"
        concerns_results = kind in ("result", "derived")
        out[kind].append(
            {
                "citation": pub["citation"] or "citation not given",
                "pmid": pub["pmid"],
                "url": f"{PUBMED}{pub['pmid']}/" if pub["pmid"].isdigit() else "",
                "retraction": pub["retraction_source"] if concerns_results else "",
                "retraction_url": f"{PUBMED}{pub['retraction_pmid']}/"
                if concerns_results and pub["retraction_pmid"].isdigit()
                else "",
            }
        )
    return out


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
    """ "Khoury et al. 2020, Eur Respir J" (msc_atlas.review_sources), else "pmc.ncbi.nlm.nih.gov, 2020-08-22": where
    a published fact was read, readable without following the link."""
    cited = review_sources.citation(url)["text"] if isinstance(url, str) else ""
    host = review_sources.host(url)
    if cited and cited != host:
        return cited
    return ", ".join(part for part in (host, date) if part) or "source"


def _article(url: str) -> dict[str, str | None]:
    """The article behind a review-table page: its DOI / PubMed / PMC link and how to print it."""
    cited = review_sources.citation(url) if isinstance(url, str) else None
    return (
        {"article_url": cited["link"], "article_id": cited["link_text"]}
        if cited
        else {"article_url": None, "article_id": None}
    )


REGISTRY_SOURCE = "registry: "  # conflicts.csv names a registry input as "registry: <source>", a review by its URL


def _conflict_source(source: str) -> dict[str, str | None]:
    """A source of a disagreeing value: a review table (its link, named by its host) or a registry input."""
    if source.startswith(REGISTRY_SOURCE):
        key = source.removeprefix(REGISTRY_SOURCE).strip()
        return {"label": f"registry: {vocab.ALL_SOURCES.get(key, key)}", "url": None}
    if source.startswith(("https://", "http://")):
        return {"label": _source_label(source, ""), "url": source, **_article(source)}
    return {"label": source or "source not recorded", "url": None}


def _value_text(column: str, value: Any) -> str:
    """A disagreeing value in the words the record uses ("Secretome / conditioned medium", "Spain", "63")."""
    try:
        field = fields.by_column(column)
    except KeyError:
        return str(value) if value not in (None, "") else vocab.NOT_REPORTED
    return field.text(value)


def disagreements(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """conflicts.csv rows of one trial, one entry per field: each value stated with every source that states it,
    what the atlas shows and why. (The file has a row per pair of disagreeing sources, so a value and its source
    recur across rows; here each is listed once.)"""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        column = row["field"]
        entry = out.setdefault(
            column,
            {
                "field": fields.by_column(column).label if column in fields.TRIAL_COLUMNS else column,
                "values": {},
                "shown": _value_text(column, row["shown"]),
                "why": row["resolution"] or "no reason recorded",
            },
        )
        for value, source in ((row["value_a"], row["source_a"]), (row["value_b"], row["source_b"])):
            sources = entry["values"].setdefault(_value_text(column, value), [])
            if all(known["label"] != _conflict_source(source)["label"] for known in sources):
                sources.append(_conflict_source(source))
    return [
        {**entry, "values": [{"value": value, "sources": sources} for value, sources in entry["values"].items()]}
        for entry in out.values()
    ]


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
                **_article(fact["reported_in"]),
                "facts": {
                    label: fact[column]
                    for column, label in PUBLISHED_FIELDS.items()
                    if fact[column] not in ("", "unknown")
                },
            }
            for _, fact in facts.iterrows()
        ],
        "conflicts": disagreements(conflicts[conflicts["trial_id"] == trial_id].to_dict("records")),
        "corrections": corrections[corrections["trial_id"] == trial_id].to_dict("records"),
    }
