"""curation/mechanism_sources.csv: who wrote each page a mechanism claim was read from, as a citation.

The raw claims (sources/mechanism_facts.csv) point at the page they were read from: a PMC table, a Mendeley
catalogue page, a publisher's preview host, a text-mining mirror. None of those says who wrote what. The curated
table gives each cited page its article: authors (first author et al.), year, title, journal, DOI, PMID and PMCID,
each filled only where a page confirmed it (the row's `note` says how); an empty cell is "not confirmed", never
a guess. This module checks the table (every cited page has a row, identifiers have a valid shape) and turns a
row into the citation text and link the Mechanism page shows. Pure Python.
"""

from __future__ import annotations

import re

SOURCES_FILE = "mechanism_sources.csv"
SOURCE_COLUMNS = ("url", "authors", "year", "title", "journal", "doi", "pmid", "pmcid", "note")

# Crossref's recommended pattern for modern DOIs; PubMed ids are plain integers (8 digits today); PMC ids "PMC" + digits
DOI_RE = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
PMCID_RE = re.compile(r"^PMC[1-9]\d{0,9}$")
YEAR_RE = re.compile(r"^(19|20)\d\d$")


def validate_sources(rows: list[dict], cited_urls: set[str]) -> list[str]:
    """Every problem with the source table, as sentences; [] when each cited page has one well-formed row."""
    problems = []
    if rows and set(SOURCE_COLUMNS) - set(rows[0]):
        problems.append(f"{SOURCES_FILE}: missing columns {sorted(set(SOURCE_COLUMNS) - set(rows[0]))}")
        return problems
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        url = row["url"]
        if url in seen:
            problems.append(f"{SOURCES_FILE} line {line}: duplicate row for {url}")
        seen.add(url)
        for column, pattern in (("doi", DOI_RE), ("pmid", PMID_RE), ("pmcid", PMCID_RE), ("year", YEAR_RE)):
            if row[column] and not pattern.match(row[column]):
                problems.append(f"{SOURCES_FILE} line {line}: {column} {row[column]!r} is not a valid {column}")
        if not row["note"]:
            problems.append(f"{SOURCES_FILE} line {line}: say in `note` how the row was confirmed")
    missing = sorted(cited_urls - seen)
    if missing:
        problems.append(f"{SOURCES_FILE}: cited pages without a row: {missing}")
    unused = sorted(seen - cited_urls)
    if unused:
        problems.append(f"{SOURCES_FILE}: rows no claim cites: {unused}")
    return problems


def citation_text(row: dict) -> str:
    """'Author et al., Year, Journal' from the confirmed cells; '' when none is confirmed."""
    return ", ".join(row[c] for c in ("authors", "year", "journal") if row.get(c))


def citation_href(row: dict) -> str:
    """The article's own address: its DOI, else PubMed, else PubMed Central; '' when none is confirmed."""
    if row.get("doi"):
        return f"https://doi.org/{row['doi']}"
    if row.get("pmid"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/"
    if row.get("pmcid"):
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{row['pmcid']}/"
    return ""
