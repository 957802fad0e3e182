"""The default refresh search finds every MSC trial of the shared website downloads, and the product rules admit
the MSC trials among what it finds and leave EV biomarker studies out."""

from __future__ import annotations

import pytest

from msc_atlas.pipeline.classify import TrialText, classify_product
from msc_atlas.pipeline.sources import SOURCES_DIR
from msc_atlas.refresh import ctgov_v2, query
from msc_atlas.refresh.ctgov_website import read_downloads

DOWNLOADS = sorted((SOURCES_DIR / "raw" / "ctgov_website_exports").glob("*.csv"))


def _rows():
    for path in DOWNLOADS:
        for rec in read_downloads([path]).records:
            text = " | ".join(rec[k] for k in ("title", "conditions", "interventions", "summary", "keywords"))
            product = classify_product(TrialText(**{k: rec[k] for k in TrialText._fields if k in rec})).value
            yield rec["id"], text, product


ROWS = list(_rows())


def test_the_default_query_is_the_documented_terms():
    q = ctgov_v2.DEFAULT_QUERY
    assert q == query.default_query() and len(q) < 2000  # fits a GET URL comfortably
    for term in (
        "mesenchymal",
        '"stromal cells"',
        '"Wharton\'s jelly"',
        "exosome",
        '"extracellular vesicle"',
        "secretome",
        '"conditioned medium"',
        "Lomecel-B",
        "ExoFlo",
        "remestemcel-L",
    ):
        assert term in q, term


def test_every_msc_trial_of_the_downloads_is_found_by_the_search():
    msc = [(i, text) for i, text, product in ROWS if product != "non_msc"]
    assert len(msc) >= 30
    assert [i for i, text in msc if not query.matches(text)] == []


@pytest.mark.parametrize(
    "trial_id, expected",
    [
        ("NCT06954740", "msc"),
        ("NCT06961383", "msc"),  # the 2025 download's two MSC trials
        ("NCT06550752", "msc"),
        ("NCT02087397", "msc"),
        ("NCT04424394", "msc"),  # missed by the 2022 "mesenchymal" search
        ("NCT06952751", "non_msc"),
        ("NCT06955767", "non_msc"),  # EV studies that give no MSC product
        ("NCT04849429", "non_msc"),  # PRP "enriched with exosomes" of unstated origin
    ],
)
def test_the_product_rules_admit_msc_trials_and_leave_ev_studies_out(trial_id, expected):
    product = {i: p for i, _, p in ROWS}[trial_id]
    assert (product == "non_msc") == (expected == "non_msc"), product


def test_the_search_also_finds_what_the_rules_then_leave_out():
    """Recall first: the search is broad, the classifier is the filter (EV biomarker studies are found, not kept)."""
    found = {i for i, text, _ in ROWS if query.matches(text)}
    assert {"NCT06952751", "NCT06955767"} <= found
