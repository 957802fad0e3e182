"""Country names as the registries spell them -> ISO 3166-1 alpha-3 codes (pycountry + an alias table)."""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry

# Spellings pycountry does not resolve (or resolves ambiguously), seen in the registry exports or the review tables.
# Mapping to None means "no country" (a placeholder the registry writes instead of a country).
ALIASES: dict[str, str | None] = {
    "palestinian territories, occupied": "PSE",
    "palestinian territory, occupied": "PSE",
    "palestine, state of": "PSE",
    "state of palestine": "PSE",
    "iran": "IRN",
    "iran, islamic republic of": "IRN",
    "iran (islamic republic of)": "IRN",
    "islamic republic of iran": "IRN",
    "korea, republic of": "KOR",
    "republic of korea": "KOR",
    "south korea": "KOR",
    "korea": "KOR",
    "korea, democratic people's republic of": "PRK",
    "north korea": "PRK",
    "russia": "RUS",
    "russian federation": "RUS",
    "turkey": "TUR",
    "türkiye": "TUR",
    "turkiye": "TUR",
    "taiwan": "TWN",
    "taiwan, province of china": "TWN",
    "viet nam": "VNM",
    "vietnam": "VNM",
    "hong kong": "HKG",
    "hong kong sar": "HKG",
    "macedonia": "MKD",
    "macedonia, the former yugoslav republic of": "MKD",
    "north macedonia": "MKD",
    "czechia": "CZE",
    "czech republic": "CZE",
    "united states": "USA",
    "united states of america": "USA",
    "usa": "USA",
    "us": "USA",
    "united kingdom": "GBR",
    "uk": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "great britain": "GBR",
    "venezuela": "VEN",
    "venezuela, bolivarian republic of": "VEN",
    "bolivia": "BOL",
    "moldova, republic of": "MDA",
    "tanzania, united republic of": "TZA",
    "syria": "SYR",
    "syrian arab republic": "SYR",
    "palestine": "PSE",
    "lao people's democratic republic": "LAO",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "uae": "ARE",
    "no country given": None,
    "not applicable": None,
    "n/a": None,
    "": None,
}

# Tails left when a "Name, Qualifier" country is split on its comma (ClinicalTrials.gov classic export locations).
_QUALIFIER_TAIL = re.compile(
    r"^(islamic republic of|republic of|democratic people's republic of|province of china|the former yugoslav republic of"
    r"|bolivarian republic of|plurinational state of|united republic of|the democratic republic of the|occupied)$",
    re.IGNORECASE,
)


def _key(name: str) -> str:
    name = unicodedata.normalize("NFC", name).strip().strip(".").strip()
    return re.sub(r"\s+", " ", name).lower()


@functools.cache
def to_iso3(name: str) -> str | None:
    """ISO alpha-3 code of a country name, None for placeholders; raises KeyError for an unmapped spelling."""
    key = _key(name)
    if key in ALIASES:
        return ALIASES[key]
    for lookup in (
        lambda: pycountry.countries.get(name=name.strip()),
        lambda: pycountry.countries.get(common_name=name.strip()),
        lambda: pycountry.countries.get(official_name=name.strip()),
    ):
        hit = lookup()
        if hit is not None:
            return hit.alpha_3
    try:
        matches = pycountry.countries.search_fuzzy(name.strip())
    except LookupError:
        matches = []
    if len(matches) == 1:
        return matches[0].alpha_3
    raise KeyError(f"unmapped country name: {name!r}")


def to_iso3_list(names: list[str]) -> list[str]:
    """Sorted, de-duplicated ISO3 codes of a list of country names (placeholders dropped)."""
    codes = {to_iso3(n) for n in names}
    return sorted(c for c in codes if c)


def split_location_countries(locations: str) -> list[str]:
    """Countries of a classic-export `Locations` cell: the text after the last comma of each '|' entry.

    "Iran, Islamic Republic of" and "Korea, Republic of" contain a comma, so a qualifier tail is joined back to
    the piece before it.
    """
    out: list[str] = []
    for entry in locations.split("|"):
        parts = [p.strip() for p in entry.split(",") if p.strip()]
        if not parts:
            continue
        country = parts[-1]
        if _QUALIFIER_TAIL.match(country) and len(parts) >= 2:
            country = f"{parts[-2]}, {country}"
        out.append(country)
    return out


def name_of(iso3: str) -> str:
    """English short name of an ISO3 code (for reports)."""
    c = pycountry.countries.get(alpha_3=iso3)
    return getattr(c, "common_name", None) or c.name if c else iso3
