"""The default ClinicalTrials.gov search of an online refresh, and a local stand-in to measure its recall.

The bundled 2022 snapshot came from a search for "mesenchymal" (plus a few trade names), which misses MSC trials
that say "adipose-derived stromal cells", "Wharton's jelly", "SVF" or only a product name. The refresh searches
`query.term` for every term below, joined with OR (ClinicalTrials.gov's search matches these words in titles,
conditions, interventions, keywords and descriptions). A broad search also finds EV biomarker studies and
haematopoietic transplants; the product classifier (the same rules as the bundled build) decides what is admitted.

`matches(text)` applies the same terms to a record's text offline (tests/test_refresh_query.py shows every MSC
trial of the shared website downloads is found), so the list and its recall are checked without the network.
"""

from __future__ import annotations

import re

from msc_atlas.pipeline import products

# Words and phrases of the search, grouped by why they are there. Phrases are searched as phrases.
MSC_TERMS = [
    "mesenchymal",
    "MSC",
    "MSCs",
    "stromal cell",
    "stromal cells",
    "stromal vascular fraction",
    "SVF",
    "mesenchymoangioblast",
    "multipotent adult progenitor",
    "Wharton's jelly",
    "Wharton jelly",
]
# Abbreviations written as one word, which a word search for "MSC" does not find.
ABBREVIATIONS = [
    "UC-MSC",
    "UCMSC",
    "UCMSCs",
    "hUC-MSC",
    "HUCMSC",
    "HUCMSCs",
    "hUCMSC",
    "BM-MSC",
    "BMMSC",
    "BMSC",
    "BMSCs",
    "AD-MSC",
    "ADMSC",
    "ADSC",
    "ADSCs",
    "WJ-MSC",
    "WJMSC",
    "DPSC",
    "MSC-Exo",
    "MSC-EV",
    "MSC-EVs",
    "ADRC",
    "ADRCs",
]
# The stem cells of tissues whose culture-expanded stem cells are MSCs: any tissue word AND any cell phrase.
TISSUE_WORDS = [
    "adipose",
    "fat",
    "lipoaspirate",
    "umbilical",
    "placenta",
    "placental",
    "amniotic",
    "decidua",
    "dental pulp",
    "menstrual",
    "endometrial",
    "synovial",
]
CELL_PHRASES = ["stem cell", "stem cells", "stromal", "regenerative cells", "progenitor cells"]
CELL_FREE_TERMS = [
    "exosome",
    "exosomes",
    "extracellular vesicle",
    "extracellular vesicles",
    "secretome",
    "conditioned medium",
    "conditioned media",
]


def product_names() -> list[str]:
    """The reviewed dictionary's product names (curation/msc_products.csv), as searchable words."""
    names = []
    for entry in products.named_products():
        for name in re.split(r"\s*[(/]\s*|\)", entry.name):
            name = name.strip()
            if len(name) >= 4 and name not in names:
                names.append(name)
    return names


def terms() -> list[str]:
    """The single words and phrases of the search (the tissue x cell pairs come on top: `default_query`)."""
    return [*MSC_TERMS, *ABBREVIATIONS, *CELL_FREE_TERMS, *product_names()]


def _quoted(term: str) -> str:
    return f'"{term}"' if re.search(r"[\s'-]", term) else term


def default_query() -> str:
    """query.term for the API (ClinicalTrials.gov search syntax: OR, AND, quoted phrases, parentheses)."""
    tissue = " OR ".join(_quoted(t) for t in TISSUE_WORDS)
    cells = " OR ".join(_quoted(t) for t in CELL_PHRASES)
    return " OR ".join(_quoted(t) for t in terms()) + f" OR (({tissue}) AND ({cells}))"


def _pattern(term: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", term.replace("'s", "").replace("'", ""))]
    return r"(?<![\w-])" + r"(?:'?s)?[\s-]+".join(words) + r"s?(?![\w-])"


_MATCHER = re.compile("|".join(_pattern(t) for t in terms()), re.IGNORECASE)
_TISSUE = re.compile("|".join(_pattern(t) for t in TISSUE_WORDS), re.IGNORECASE)
_CELLS = re.compile("|".join(_pattern(t) for t in CELL_PHRASES), re.IGNORECASE)


def matches(text: str) -> str | None:
    """The search term found in `text` (a record's title, conditions, interventions, keywords, summary), or None:
    what the online search would find in these fields (it also searches the detailed description, and stems)."""
    text = text.replace("\u2019", "'")
    m = _MATCHER.search(text)
    if m:
        return m.group(0)
    tissue, cells = _TISSUE.search(text), _CELLS.search(text)
    return f"{tissue.group(0)} AND {cells.group(0)}" if tissue and cells else None
