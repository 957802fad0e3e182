"""curation/mechanism_sources.csv: every page a mechanism claim cites has a row, every identifier has a valid
shape, and the citation text and link are built from the confirmed cells only."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from msc_atlas.pipeline import mechanism_sources as sources
from msc_atlas.pipeline import mechanism_tables as build

ROOT = Path(__file__).resolve().parents[1]


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows():
    return read(ROOT / "curation" / sources.SOURCES_FILE)


@pytest.fixture(scope="module")
def cited():
    return {r["reported_in"] for r in read(ROOT / "sources" / "mechanism_facts.csv")}


def test_every_cited_page_has_exactly_one_row(rows, cited):
    urls = [r["url"] for r in rows]
    assert len(urls) == len(set(urls)) == len(cited) == 21
    assert set(urls) == cited
    assert sources.validate_sources(rows, cited) == []


def test_identifiers_have_valid_shapes(rows):
    for r in rows:
        assert tuple(r) == sources.SOURCE_COLUMNS
        assert not r["doi"] or sources.DOI_RE.match(r["doi"]), r
        assert not r["pmid"] or sources.PMID_RE.match(r["pmid"]), r
        assert not r["pmcid"] or sources.PMCID_RE.match(r["pmcid"]), r
        assert not r["year"] or sources.YEAR_RE.match(r["year"]), r
        assert r["note"], f"{r['url']}: the note says how the row was confirmed"


def test_ids_printed_in_the_url_agree_with_the_row(rows):
    # a PMC id, a PubMed id or a DOI in the address the claim was read from is the row's own
    for r in rows:
        url = r["url"]
        if "/articles/PMC" in url:
            assert r["pmcid"] and r["pmcid"] in url, r
        if "pubmed.ncbi.nlm.nih.gov/" in url:
            assert r["pmid"] and f"/{r['pmid']}/" in url, r
        if "/10." in url:
            assert r["doi"] and r["doi"] in url, r


def test_most_pages_are_tied_to_an_article(rows):
    linked = [r for r in rows if sources.citation_href(r)]
    assert len(linked) >= 16  # the rest are said to be unidentified in their note, never guessed
    for r in rows:
        if not sources.citation_href(r):
            assert "left empty" in r["note"]


@pytest.mark.parametrize(
    ("doi", "pmid", "pmcid", "year", "bad"),
    [
        ("10.1182/blood-2010-12-327353", "21551236", "PMC3138686", "2011", set()),
        ("doi:10.1182/x", "", "", "", {"doi"}),
        ("10.12/x", "", "", "", {"doi"}),
        ("", "PMID21551236", "", "", {"pmid"}),
        ("", "0123", "", "", {"pmid"}),
        ("", "", "3138686", "", {"pmcid"}),
        ("", "", "", "11", {"year"}),
        ("10.1000/x y", "", "", "", {"doi"}),
    ],
)
def test_validate_rejects_malformed_identifiers(doi, pmid, pmcid, year, bad):
    row = dict.fromkeys(sources.SOURCE_COLUMNS, "") | {"url": "https://x.org/a", "note": "how"}
    row |= {"doi": doi, "pmid": pmid, "pmcid": pmcid, "year": year}
    problems = sources.validate_sources([row], {"https://x.org/a"})
    assert {p.split(" is not a valid ")[-1] for p in problems} == bad


def test_validate_reports_missing_duplicate_unused_and_unexplained_rows():
    row = dict.fromkeys(sources.SOURCE_COLUMNS, "") | {"url": "https://x.org/a", "note": "how"}
    problems = sources.validate_sources([row, row, {**row, "url": "https://x.org/b", "note": ""}], {"https://x.org/c"})
    text = "\n".join(problems)
    assert "duplicate row" in text and "say in `note`" in text
    assert "without a row: ['https://x.org/c']" in text and "rows no claim cites" in text


def test_citation_text_and_link_use_confirmed_cells_only():
    full = {"authors": "Choi et al.", "year": "2011", "journal": "Blood", "doi": "10.1182/b", "pmid": "1"}
    assert sources.citation_text(full) == "Choi et al., 2011, Blood"
    assert sources.citation_href(full) == "https://doi.org/10.1182/b"
    assert sources.citation_href({"pmid": "21551236"}) == "https://pubmed.ncbi.nlm.nih.gov/21551236/"
    assert sources.citation_href({"pmcid": "PMC1"}) == "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/"
    assert sources.citation_text({"year": "2022", "journal": "Cells"}) == "2022, Cells"
    assert sources.citation_text({}) == sources.citation_href({}) == ""


def test_the_build_refuses_a_cited_page_without_a_source_row():
    facts = read(ROOT / "sources" / "mechanism_facts.csv")
    nodes = read(ROOT / "curation" / "mechanism_nodes.csv")
    node_map = read(ROOT / "curation" / "mechanism_node_map.csv")
    rows = read(ROOT / "curation" / sources.SOURCES_FILE)
    with pytest.raises(build.MechanismBuildError, match="cited pages without a row"):
        build.build_mechanism_tables(facts, nodes, node_map, rows[1:])
    bad = [dict(rows[0], pmid="12x"), *rows[1:]]
    with pytest.raises(build.MechanismBuildError, match="pmid '12x' is not a valid pmid"):
        build.build_mechanism_tables(facts, nodes, node_map, bad)


def test_public_note_drops_the_curators_instructions_only():
    note = "NEGATIVE finding: gamma-sEVs did NOT prevent HSC activation in vitro; do not draw as an active edge"
    assert build.public_note(note) == "NEGATIVE finding: gamma-sEVs did NOT prevent HSC activation in vitro"
    assert build.public_note("zymosan peritonitis model") == "zymosan peritonitis model"
    assert build.public_note("") == ""
