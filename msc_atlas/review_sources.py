"""Citations of the published review tables the atlas reads facts from (curation/review_sources.csv): authors, year,
journal and a DOI, PubMed or PMC link for each table page, so a fact reads "Khoury et al. 2020, Eur Respir J" and
links to the article, not only to the page it was read from. Curated from the articles' own records; a value
that could not be confirmed is empty and the citation falls back to what is known (journal and year, the PMC ID,
or the page's host)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

from msc_atlas import cache, config

REVIEW_SOURCES_FILE = config.CURATION_DIR / "review_sources.csv"
COLUMNS = ["url", "authors", "year", "title", "journal", "doi", "pmid", "pmcid", "note"]


class Citation(TypedDict):
    text: str  # "Khoury et al. 2020, Eur Respir J"
    link: str | None  # the article: doi.org, PubMed or PMC
    link_text: str | None  # "doi:10.1183/13993003.00858-2020"


@cache.dataset(maxsize=2)
def load(path: str = str(REVIEW_SOURCES_FILE)) -> dict[str, dict[str, str]]:
    """url -> its row; an absent file gives no citations (the record then names the page's host)."""
    file = Path(path)
    if not file.exists():
        return {}
    with file.open(encoding="utf-8", newline="") as fh:
        return {row["url"]: {key: (row.get(key) or "").strip() for key in COLUMNS} for row in csv.DictReader(fh)}


def host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") if isinstance(url, str) else ""


def citation(url: str, rows: dict[str, dict[str, str]] | None = None) -> Citation:
    """How to cite the article behind a review-table page."""
    row = (load() if rows is None else rows).get(url) or {}
    authors, year, journal = row.get("authors", ""), row.get("year", ""), row.get("journal", "")
    head = " ".join(part for part in (authors, year) if part)
    text = ", ".join(part for part in (head, journal) if part) if authors else " ".join(p for p in (journal, year) if p)
    doi, pmid, pmcid = row.get("doi", ""), row.get("pmid", ""), row.get("pmcid", "")
    link: str | None
    link_text: str | None
    if doi:
        link, link_text = f"https://doi.org/{doi}", f"doi:{doi}"
    elif pmid:
        link, link_text = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/", f"PMID {pmid}"
    elif pmcid:
        link, link_text = f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/", pmcid
    else:
        link = link_text = None
    return {"text": text or (pmcid or host(url) or "source"), "link": link, "link_text": link_text}
