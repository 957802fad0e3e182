"""The controlled vocabularies of the dataset: allowed values, their display labels and colours.

Every module (build, load, filters, figures, pages) takes its category names from here, so a value
means the same thing and gets the same colour on every page. Which column uses which vocabulary, and where it is
shown, is in the field registry (msc_atlas.fields).
"""

from __future__ import annotations

from collections.abc import Mapping

import pycountry

UNKNOWN = "unknown"
NOT_REPORTED = "not reported"  # what the UI shows for UNKNOWN / empty values
MULTI_SEP = ";"  # separator of multi-valued cells (other_ids, countries, source_tissue, route, sources)

FOCUS_AREAS = {"covid19_ards": "COVID-19 & ARDS", "liver": "Liver disease", "other": "Other conditions"}

DISEASE_GROUPS = {
    "covid19": "COVID-19",
    "lung": "Lung, incl. ARDS without COVID-19",
    "liver": "Liver",
    "musculoskeletal": "Musculoskeletal",
    "neurological": "Neurological",
    "cardiovascular": "Cardiovascular",
    "vascular": "Vascular / limb ischaemia",
    "gvhd_immune": "GvHD / autoimmune",
    "gastrointestinal": "Gastrointestinal",
    "kidney": "Kidney / urological",
    "diabetes_metabolic": "Diabetes / metabolic",
    "skin_wound": "Skin / wound",
    "eye": "Eye",
    "reproductive": "Reproductive",
    "haematological": "Haematological / transplant",
    "cancer": "Cancer",
    "ageing_frailty": "Ageing / frailty",
    "healthy": "Healthy volunteers",
    "other": "Other",
}

PRODUCTS = {
    "msc": "MSC cells",
    "msc_ev": "MSC exosomes / EVs",
    "msc_secretome": "MSC secretome / conditioned medium",
    "non_msc": "Not an MSC product",
}

SOURCE_TISSUES = {
    "bone_marrow": "Bone marrow",
    "umbilical_cord": "Umbilical cord",
    "wharton_jelly": "Wharton's jelly",
    "adipose": "Adipose tissue",
    "placenta": "Placenta",
    "amnion": "Amnion / amniotic",
    "cord_blood": "Cord blood",
    "dental_pulp": "Dental pulp",
    "menstrual_blood": "Menstrual blood",
    "olfactory_mucosa": "Olfactory mucosa",
    "skin": "Skin",
    "peripheral_blood": "Peripheral blood",
    "ips_derived": "iPSC / ESC-derived",
    "other": "Other tissue",
    UNKNOWN: NOT_REPORTED,
}

DONORS = {"allogeneic": "Allogeneic", "autologous": "Autologous", "both": "Both (arms differ)", UNKNOWN: NOT_REPORTED}

ROUTES = {
    "intravenous": "Intravenous",
    "inhalation": "Inhalation / nebulised",
    "intratracheal": "Intratracheal / bronchoscopic",
    "hepatic_artery": "Hepatic artery",
    "portal_vein": "Portal vein",
    "intrasplenic": "Intrasplenic",
    "intra_arterial": "Intra-arterial (other)",
    "intracoronary": "Intracoronary",
    "intramyocardial": "Intramyocardial",
    "intrathecal": "Intrathecal",
    "intracerebral": "Intracerebral / intranasal to CNS",
    "intramuscular": "Intramuscular",
    "intra_articular": "Intra-articular",
    "intradiscal": "Intradiscal",
    "intravitreal": "Intravitreal / ocular",
    "subcutaneous": "Subcutaneous",
    "intradermal": "Intradermal",
    "local_injection": "Local injection",
    "topical": "Topical",
    "implant": "Implant / scaffold",
    "intraperitoneal": "Intraperitoneal",
    "other": "Other route",
    UNKNOWN: NOT_REPORTED,
}

PHASES = {
    "early_phase1": "Early phase 1",
    "phase1": "Phase 1",
    "phase1_2": "Phase 1/2",
    "phase2": "Phase 2",
    "phase2_3": "Phase 2/3",
    "phase3": "Phase 3",
    "phase4": "Phase 4",
    "not_applicable": "Not applicable",
    UNKNOWN: NOT_REPORTED,
}

STATUSES = {
    "recruiting": "Recruiting",
    "not_yet_recruiting": "Not yet recruiting",
    "enrolling_by_invitation": "Enrolling by invitation",
    "active_not_recruiting": "Active, not recruiting",
    "completed": "Completed",
    "suspended": "Suspended",
    "terminated": "Terminated",
    "withdrawn": "Withdrawn",
    "available": "Expanded access: available",
    "no_longer_available": "Expanded access: no longer available",
    "temporarily_not_available": "Expanded access: temporarily not available",
    "approved_for_marketing": "Approved for marketing",
    # One value, two sources the status column does not tell apart (the registry does): ClinicalTrials.gov's own
    # "Unknown status" (not verified for two years; 431 of the 451 such trials in this build), and other registries'
    # "Not recruiting" / "Authorised" or no status at all.
    UNKNOWN: "Unknown status (CT.gov) or not stated",
}

REGISTRIES = {
    "ClinicalTrials.gov": r"NCT\d{8}",
    "ChiCTR": r"ChiCTR[0-9A-Za-z-]{6,30}",
    "IRCT": r"IRCT\d{6,}N\d+",
    "EU-CTR": r"EUCTR\d{4}-\d{6}-\d{2}(-[A-Z]{2})?",
    "ANZCTR": r"ACTRN\d{14}",
    "ISRCTN": r"ISRCTN\d{8}",
    "CTRI": r"CTRI/\d{4}/\d{2,3}/\d{6}",
    "ReBEC": r"RBR-[0-9a-z]{6,8}",
    "RPCEC": r"RPCEC\d{8,11}",  # real IDs have 8 digits (RPCEC00000322)
    "JPRN": r"JPRN-[A-Za-z]+-?\d+",  # JPRN-UMIN000012345, JPRN-jRCT2031200123, JPRN-JapicCTI-205465
}

# Inputs a trial row can come from (data/trials.csv `sources`), in priority order (newest registry snapshot first).
SOURCES = {
    "ctgov_full_2022-10": "ClinicalTrials.gov full records, Oct 2022",
    "ctgov_search_2022-09-29": "ClinicalTrials.gov MSC search export, 29 Sep 2022",
    "ctgov_covid_2020-10-12": "ClinicalTrials.gov COVID-19 export, 12 Oct 2020",
    "ctgov_covid_2020-06-30": "ClinicalTrials.gov COVID-19 export, 30 Jun 2020",
    "ebmdatalab_2020-12-16": "COVID-19 TrialsTracker (ICTRP, cleaned), 16 Dec 2020",
    "ictrp_2020-07-07": "WHO ICTRP COVID-19 export, Jul 2020",
    "ebmdatalab_2020-06-29": "COVID-19 TrialsTracker (ICTRP, cleaned), 29 Jun 2020",
    "published_facts": "Published review tables",
}

REGISTRY_LABELS = {name: name for name in REGISTRIES}  # a registry is shown by its name

# Inputs of a refresh (`python -m msc_atlas.refresh`, docs/refresh.md). Their dates are in data/version.json
# (ctgov_as_of / ictrp_as_of and "refresh"), not in the key, so a refreshed dataset keeps the same vocabulary.
REFRESH_SOURCES = {
    "ctgov_api_v2": "ClinicalTrials.gov API v2, refresh (date: ctgov_as_of in version.json)",
    "ctgov_website": "ClinicalTrials.gov website download (CSV), refresh (date: ctgov_as_of in version.json)",
    "ictrp_refresh": "WHO ICTRP export, refresh (date: ictrp_as_of in version.json)",
}

ALL_SOURCES = {**SOURCES, **REFRESH_SOURCES}

# Units of EV / secretome doses (data/trials.csv dose_ev_unit); never cells.
# Filter choices that stand for several values (a filter matches any of them): key -> (label, member values).
# Wharton's jelly is part of the umbilical cord; registries name either, so "the cord" takes both.
TISSUE_GROUPS = {
    "umbilical_cord_any": ("Umbilical cord, any part (cord or Wharton's jelly)", ("umbilical_cord", "wharton_jelly")),
}

EV_DOSE_UNITS = {
    "particles": "particles",
    "ug_protein": "µg protein",
    "mL": "mL of product",
    "units": "units",
    "other": "other unit",
    UNKNOWN: NOT_REPORTED,
}
# How a trial's derived values were decided (msc_atlas.pipeline.census_data).
READING_STATUSES = {
    "double_read": "Read twice (census)",
    "rules_only": "Rules only, not yet read",
}

ENROLLMENT_TYPES = {"actual": "Actual", "anticipated": "Anticipated", UNKNOWN: NOT_REPORTED}

SPONSOR_CLASSES = {
    "industry": "Industry",
    "academic_other": "Academic / hospital / other",
    "government": "Government",
    "network": "Network",
    UNKNOWN: NOT_REPORTED,
}

# Design, eligibility and results (msc_atlas.pipeline.evidence reads them from the full registry records)
ALLOCATIONS = {
    "randomised": "Randomised",
    "non_randomised": "Non-randomised",
    "single_group": "Single group (no allocation)",
    UNKNOWN: NOT_REPORTED,
}
MASKINGS = {
    "none": "None (open label)",
    "single": "Single blind",
    "double": "Double blind",
    "triple": "Triple blind",
    "quadruple": "Quadruple blind",
    UNKNOWN: NOT_REPORTED,
}
BLINDING = {"blinded": "Blinded (any masking)", "open_label": "Open label", UNKNOWN: NOT_REPORTED}
CONTROLS = {
    "placebo": "Placebo",
    "sham": "Sham",
    "active": "Active comparator",
    "no_intervention": "No intervention",
    "none": "No control arm",
    UNKNOWN: NOT_REPORTED,
}
CONTROLLED = {"controlled": "Has a control arm", "uncontrolled": "No control arm", UNKNOWN: NOT_REPORTED}
INTERVENTION_MODELS = {
    "parallel": "Parallel",
    "single_group": "Single group",
    "crossover": "Crossover",
    "sequential": "Sequential",
    "factorial": "Factorial",
    UNKNOWN: NOT_REPORTED,
}
AGE_GROUPS = {
    "child": "Children (under 18)",
    "adult": "Adults (18–64)",
    "older_adult": "Older adults (65+)",
    UNKNOWN: NOT_REPORTED,
}
SEXES = {"all": "All", "female": "Female only", "male": "Male only", UNKNOWN: NOT_REPORTED}
YES_NO = {"yes": "Yes", "no": "No", UNKNOWN: NOT_REPORTED}
DATE_TYPES = {"actual": "Actual", "anticipated": "Anticipated", UNKNOWN: NOT_REPORTED}
STOP_REASONS = {
    "recruitment": "Recruitment",
    "funding": "Funding",
    "sponsor_decision": "Sponsor decision",
    "safety": "Safety",
    "covid19": "COVID-19",
    "other": "Other",
    UNKNOWN: "no reason given",
}
# What came of a trial, as found in the snapshot (several can hold)
REPORTING = {
    "posted": "Results posted on the registry",
    "result_publication": "Results publication listed",
    "derived_publication": "PubMed-linked publication",
    "none_found": "None found in the snapshot",
    UNKNOWN: NOT_REPORTED,
}
HAS_RESULTS = {
    "reported": "Results posted or published",
    "none_found": "None found in the snapshot",
    UNKNOWN: NOT_REPORTED,
}
PUBLICATION_TYPES = {"result": "Result", "derived": "Derived (PubMed link)", "background": "Background"}

# Okabe-Ito: colour-blind safe; one colour per category on every page.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GREY = "#9E9E9E"

PRODUCT_COLOURS = {"msc": "#0072B2", "msc_ev": "#E69F00", "msc_secretome": "#009E73", "non_msc": GREY}
FOCUS_COLOURS = {"covid19_ards": "#D55E00", "liver": "#009E73", "other": "#56B4E9"}


def plural(n: int, noun: str = "trial", nouns: str | None = None) -> str:
    """ "1 trial", "0 trials", "1,425 trials": a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


def label(vocabulary: Mapping[str, str], value: str) -> str:
    """Display label of a category value; unknown / empty values read "not reported"."""
    if value is None or value == "" or value == UNKNOWN:
        return vocabulary.get(UNKNOWN, NOT_REPORTED)
    return vocabulary.get(value, value)


def country_name(alpha_3: str) -> str:
    """Short English name of an ISO-3 code ("not reported" for an empty one)."""
    if not alpha_3:
        return NOT_REPORTED
    country = pycountry.countries.get(alpha_3=alpha_3)
    if country is None:
        return alpha_3
    return getattr(country, "common_name", None) or country.name
