"""Citations of the review tables: every page facts are read from has a curated row, and a fact cites its article."""

from __future__ import annotations

import pandas as pd

from msc_atlas import config, review_sources
from msc_atlas.views import detail


def test_every_review_page_has_a_curated_citation_row():
    facts = pd.read_csv(config.SOURCES_DIR / "published_trial_facts.csv", dtype=str, keep_default_na=False)
    rows = review_sources.load()
    assert set(facts["reported_in"]) <= set(rows)
    for url, row in rows.items():
        assert row["note"], f"{url}: a citation row says where its values come from"
        assert not row["doi"] or row["doi"].startswith("10."), url
        assert not row["pmid"] or row["pmid"].isdigit(), url


def test_a_citation_prefers_the_doi_and_falls_back_to_what_is_known():
    rows = {
        "https://a/1": {
            "authors": "Khoury et al.",
            "year": "2020",
            "journal": "Eur Respir J",
            "doi": "10.1/x",
            "pmid": "1",
        },
        "https://b/2": {"journal": "Heliyon", "year": "2024", "pmid": "22"},
        "https://c/3": {"pmcid": "PMC1"},
        "https://www.d.org/4": {},
    }
    assert review_sources.citation("https://a/1", rows) == {
        "text": "Khoury et al. 2020, Eur Respir J",
        "link": "https://doi.org/10.1/x",
        "link_text": "doi:10.1/x",
    }
    assert review_sources.citation("https://b/2", rows)["text"] == "Heliyon 2024"
    assert review_sources.citation("https://b/2", rows)["link"] == "https://pubmed.ncbi.nlm.nih.gov/22/"
    assert review_sources.citation("https://c/3", rows)["link"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/"
    assert review_sources.citation("https://www.d.org/4", rows) == {"text": "d.org", "link": None, "link_text": None}


def test_the_record_cites_the_review_article():
    record = detail.trial_detail("NCT04288102")
    cited = [fact for fact in record["published"] if fact["article_url"]]
    assert cited and all(fact["article_url"].startswith("https://") for fact in cited)
    assert any(" et al. " in fact["label"] for fact in record["published"])
