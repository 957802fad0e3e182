"""Trial registry IDs: which registry an ID belongs to, validation, links, and IDs found in free text."""

from __future__ import annotations

import re
from urllib.parse import quote

from msc_atlas.vocab import REGISTRIES

_FULL = {name: re.compile(rf"^(?:{rx})$") for name, rx in REGISTRIES.items()}

# Order used to pick the primary ID of a cross-registered trial: the NCT id first, then the others.
REGISTRY_ORDER = list(REGISTRIES)

ICTRP_TRIAL_URL = "https://trialsearch.who.int/Trial2.aspx?TrialID={}"

# Stable public URL per registry. Registries whose record pages are keyed by an internal number (IRCT, CTRI, RPCEC,
# JPRN) link to the WHO ICTRP record of the trial, which is keyed by the registry ID.
URL_PATTERNS = {
    "ClinicalTrials.gov": "https://clinicaltrials.gov/study/{}",
    "ChiCTR": "https://www.chictr.org.cn/searchprojen.html?regno={}",
    "IRCT": ICTRP_TRIAL_URL,
    "EU-CTR": "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}",
    "ANZCTR": "https://www.anzctr.org.au/{}.aspx",
    "ISRCTN": "https://www.isrctn.com/{}",
    "CTRI": ICTRP_TRIAL_URL,
    "ReBEC": "https://ensaiosclinicos.gov.br/rg/{}",
    "RPCEC": ICTRP_TRIAL_URL,
    "JPRN": ICTRP_TRIAL_URL,
}


def registry_of(trial_id: str) -> str | None:
    """Registry key (vocab.REGISTRIES) whose pattern the whole ID matches, else None."""
    for name, rx in _FULL.items():
        if rx.match(trial_id or ""):
            return name
    return None


def is_valid(trial_id: str) -> bool:
    return registry_of(trial_id) is not None


def eudract_core(trial_id: str) -> str | None:
    """'2020-001682-36' of 'EUCTR2020-001682-36-ES' (the EudraCT number without the country suffix)."""
    m = re.match(r"^EUCTR(\d{4}-\d{6}-\d{2})", trial_id or "")
    return m.group(1) if m else None


def url_for(trial_id: str) -> str:
    """Public record URL of a validated ID; "" when the ID fails validation."""
    reg = registry_of(trial_id)
    if reg is None:
        return ""
    if reg == "EU-CTR":
        return URL_PATTERNS[reg].format(eudract_core(trial_id))
    return URL_PATTERNS[reg].format(quote(trial_id, safe="-"))


def sort_key(trial_id: str) -> tuple[int, str]:
    """Primary-ID preference: NCT first, then registry order, then the ID."""
    reg = registry_of(trial_id)
    return (REGISTRY_ORDER.index(reg) if reg else len(REGISTRY_ORDER), trial_id)


# IDs inside free text (secondary-ID fields). EudraCT numbers appear bare ("2020-001682-36", "EudraCT: ...").
_TEXT_PATTERNS = [
    re.compile(r"NCT\d{8}"),
    re.compile(r"ChiCTR(?:-[A-Z]{2,5}-)?\d{8,10}"),
    re.compile(r"IRCT\d{6,}N\d+"),
    re.compile(r"ACTRN\d{14}"),
    re.compile(r"ISRCTN\d{8}"),
    re.compile(r"CTRI/\d{4}/\d{2,3}/\d{6}"),
    re.compile(r"RBR-[0-9a-z]{6,8}"),
    re.compile(r"RPCEC\d{8,11}"),
    re.compile(r"JPRN-[A-Za-z]+-?\d+"),
]
_EUDRACT = re.compile(r"(?<!\d)(?<!\d-)((?:19|20)\d{2}-\d{6}-\d{2})(?:-([A-Z]{2}))?(?![\d])")


def ids_in_text(text: str) -> list[str]:
    """Registry IDs mentioned in a free-text field, normalised to the vocab.REGISTRIES forms, validated."""
    found: list[str] = []
    for rx in _TEXT_PATTERNS:
        found += rx.findall(text or "")
    for core, country in _EUDRACT.findall(text or ""):
        found.append(f"EUCTR{core}" + (f"-{country}" if country else ""))
    return sorted({i for i in found if is_valid(i)})
