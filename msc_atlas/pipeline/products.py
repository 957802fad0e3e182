"""The reviewed dictionary of named MSC products (curation/msc_products.csv): name -> product, tissue, donor.

Each entry cites the registry record whose own text defines the product (`cited_id`, `cited_text`), so a trial
that names only "Pneumostem" or "CS20AT04" is recognised with the tissue and donor that record states. A value the
cited text does not state is `unknown`. tests/test_products.py checks every citation against the bundled sources.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import NamedTuple

from msc_atlas import vocab
from msc_atlas.config import CURATION_DIR

PRODUCTS_FILE = CURATION_DIR / "msc_products.csv"
COLUMNS = ["name", "pattern", "product", "source_tissue", "donor", "cited_id", "cited_text"]


class NamedProduct(NamedTuple):
    name: str
    pattern: re.Pattern
    product: str
    source_tissue: str
    donor: str
    cited_id: str
    cited_text: str


@functools.lru_cache(maxsize=4)
def named_products(path: Path = PRODUCTS_FILE) -> tuple[NamedProduct, ...]:
    """The dictionary, validated: known vocabulary keys, a compilable pattern, a citation per entry."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for n, row in enumerate(rows, start=2):
        if list(row) != COLUMNS:
            raise ValueError(f"{path}: header must be {COLUMNS}")
        checks = {"product": vocab.PRODUCTS, "source_tissue": vocab.SOURCE_TISSUES, "donor": vocab.DONORS}
        for column, allowed in checks.items():
            if row[column] not in allowed:
                raise ValueError(f"{path}: line {n}: {column} {row[column]!r} is not a vocabulary key")
        if not row["cited_id"].strip() or not row["cited_text"].strip():
            raise ValueError(f"{path}: line {n}: {row['name']} has no citation")
        out.append(
            NamedProduct(
                row["name"],
                re.compile(rf"(?<![\w-])(?:{row['pattern']})", re.IGNORECASE),
                row["product"],
                row["source_tissue"],
                row["donor"],
                row["cited_id"],
                row["cited_text"],
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _any_product(path: Path = PRODUCTS_FILE) -> re.Pattern:
    """One alternation of every entry (group p<i> = entry i): a text is scanned once, not once per entry."""
    return re.compile(
        "|".join(f"(?P<p{i}>{p.pattern.pattern})" for i, p in enumerate(named_products(path))), re.IGNORECASE
    )


def find(text: str) -> tuple[NamedProduct, re.Match] | None:
    """The first dictionary product named in `text` (earliest mention; the first entry when two match there)."""
    m = _any_product().search(text)
    if m is None:
        return None
    product = named_products()[int(str(m.lastgroup)[1:])]
    return product, product.pattern.match(text, m.start()) or m


def find_all(text: str) -> list[tuple[NamedProduct, re.Match]]:
    """Every dictionary product named in `text`, in order of mention."""
    out = []
    for m in _any_product().finditer(text):
        product = named_products()[int(str(m.lastgroup)[1:])]
        out.append((product, m))
    return out
