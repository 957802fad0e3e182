"""source_tissue: the tissues the MSCs (or the EVs' parent MSCs) come from, a ';'-list in vocab order, or unknown.

Where: tier 1 (titles, interventions, arms); only when tier 1 names none, tier 2 (summary, the trial's own
sentences of the detailed description, keywords). In tier 2 a sentence naming three or more tissues is background
("MSCs can be isolated from bone marrow, adipose tissue, ...") and is skipped.

Decisions
  * A tissue word counts only next to a cell word ("umbilical cord MSCs", "MSCs derived from bone marrow") or as a
    recognised abbreviation (UC-MSC, BM-MSC, ADSC, DPSC, ...) or product name of the reviewed dictionary (evidence
    says so). A tissue named for a transplant ("bone marrow/peripheral blood stem cell transplant") is not the MSCs'.
  * Wharton's jelly is its own key; "umbilical cord Wharton's jelly" gives both. Decidua / chorion -> placenta;
    endometrial regenerative cells -> menstrual_blood; hESC / iPSC-derived -> ips_derived; synovium, muscle,
    periodontal ligament, endometrium, liver-derived -> other. "MSCs" without a tissue -> unknown.
  * "Wharton's jelly of the umbilical cord" names both, and so do the cord and its jelly named on different lines of
    one record; "umbilical cord/placenta-derived", "bone marrow & umbilical cord" name both tissues.
  * The product's own interventions and arms decide; the titles only when they name no tissue ("UC-MSC" in the
    title of cord-blood MSCs is cord_blood). The detailed description's sentences about this trial's product count
    when nothing else names a tissue ("Cells will be isolated from adipose tissue"), never sentences about other
    work, MSCs in general or three or more tissues.
  * Fat pads (buccal, infrapatellar) and micro-fragmented fat (Lipogems) are adipose; marrow explants, aspirates and
    marrow "collected from donors" are bone_marrow. An amniotic membrane scaffold, amniotic fluid and peripheral-blood
    stem cells (the haematopoietic graft) are no MSC source.
"""

from __future__ import annotations

import re

from msc_atlas.pipeline import products
from msc_atlas.pipeline.text import (
    ARMS,
    NO,
    SENTENCE,
    TITLES,
    Decision,
    Texts,
    TrialText,
    is_background,
    own_sentences,
    tiers,
)
from msc_atlas.pipeline.text import Rule as _Rule
from msc_atlas.pipeline.text import multi as _multi
from msc_atlas.pipeline.text import texts_of as _texts
from msc_atlas.vocab import MULTI_SEP, SOURCE_TISSUES, UNKNOWN

_CELL = (
    r"(?:\w*chymal|stromal|stem|progenitor|precursor|MSCs?|cells?|exosom\w*|extracellular|EVs?|secretome|fraction|SVF"
    r"|conditioned|derived|origin)"
)
_BETWEEN = (
    r"(?:tissue|derived|drived|based|origin\w*|isolated|sourced|cultured|expanded|adherent|regenerative|jelly|matrix|lining"
    r"|wharton'?s?|fluid|membrane|pad"
    r"|human|allogeneic|allogenic|autologous|adult|multipotent|\(\w+\))"
)
_VERB_OF = (
    r"derived|drived|isolated|obtained|harvested|expanded|extracted|originat\w*|sourced|prepared|collected|purified"
    r"|starting|grown"
    r"|cultured|separated|taken"
)
# "derived from", "isolated and expanded from", "of"; "derived" alone too ("MSCs derived bone marrow")
_SOURCE_OF = (
    rf"(?:(?:(?:{_VERB_OF}|and)[\s-]+){{1,3}}(?:from|of)[\s-]+|(?:(?:{_VERB_OF}|and)[\s-]+){{0,2}}(?:derived|drived)[\s-]+"
    r"|(?:from|of)[\s-]+)(?:(?:the|a|human|healthy|donors?'?|donated|patients?'?s?|own|autologous|allogeneic|allogenic"
    r"|adult|young|newborns?'?|fetal|iliac(?: crest| bone)?|[\w']+ and|[\w']+[\s-]+[\w']+\s*(?:and|&|or)|[\w']+\s*[/&])"
    r"[\s-]*){0,3}"
)


# A second tissue joined to the first before the cell word: "umbilical cord/placenta-derived MSCs".
_AND_ANOTHER = r"(?:\s*(?:/|&|\band\b|\bor\b)\s*[\w'-]+(?:[\s-]+(?!derived)[\w'-]+)?)?"


# "MSCs will be isolated from ...", "cells are derived from ..."
_AUX = r"(?:(?:will|shall|are|is|were|was|be|been|to|being|then)[\s-]+){0,3}"


def _near(gates: str, tissue: str) -> _Rule:
    """`tissue` next to a cell word: "umbilical cord MSCs", "adipose tissue-derived stromal cells",
    "umbilical cord/placenta-derived MSCs", "MSCs isolated from the placenta and umbilical cord" (not "MSCs for the
    treatment of skin ulcers")."""
    return _Rule(
        gates,
        rf"(?:{tissue}){_AND_ANOTHER}(?:[\s-]*{_BETWEEN}){{0,3}}[\s-]*{_CELL}\b"
        rf"|\b{_CELL}\)?[\s-]+{_AUX}{_SOURCE_OF}(?:{tissue})",
    )


_TISSUE_RULES: dict[str, _Rule] = {  # vocab order; upper-case gates are abbreviations looked for as written
    "bone_marrow": _near("marrow", r"bone[- ]?marrow")
    | _Rule(
        "marrow",
        r"(?:harvest\w*|aspirat\w*|biops\w*|sampl\w*|collect\w*|puncture) (?:of )?(?:\w+ ){0,2}bone[- ]?marrow"
        r"|bone[- ]?marrow (?:aspirat|harvest|biops|puncture|concentrate|explant)\w*"
        r"|bone[- ]?marrow(?: \([^)]{0,20}\))? (?:will be |is |was |were )?(?:collected|aspirated|harvested)",
    )
    | _Rule("BM", r"\bh?BM[- ]?h?MSCs?\b|\bh?BMSCs?\b|\bBM[- ]MPCs?\b|\bBM[- ]derived"),
    "umbilical_cord": _near(
        "umbilic cord", r"umbilical[- ]cord(?![- ]?blood)|\bcord (?:tissue|lining|matrix)|umbilical(?! cord)(?! vein)"
    )
    | _Rule("UC UMSC", r"\bh?UC[- ]?h?MSCs?\b|\bh?UCMSCs?\b|\bUC[- ]derived|\bhUC\b|\bh?UMSCs?\b|\bUCT-?MSCs?\b")
    # Wharton's jelly of the umbilical cord names both (GUIDE.md)
    | _Rule(
        "wharton",
        r"wharton'?s?'? jelly (?:of|from|in) (?:the |a |human )?umbilical[- ]cords?|umbilical[- ]cords?'?s?'? wharton",
    ),
    "wharton_jelly": _Rule("wharton WJ", r"wharton|\bWJ\b|\bWJ[- ]?h?MSCs?\b|\bWJ[- ]?derived"),
    "adipose": _near("adipo fat lipoaspirate", r"adipose|\bfat\b|lipoaspirate|adipocyte")
    # micro-fragmented fat (Lipogems) given for its stromal cells is an adipose MSC product (GUIDE.md)
    | _Rule("fragment lipogems", r"micro-?fragmented (?:autologous )?(?:adipose|fat)|lipogems")
    | _Rule("ASC", r"\bh?ASCs?\b", unless="adherent stromal")  # Pluristem's placental "adherent stromal cells"
    | _Rule(
        "AD Ad ASC AT ADRC SVF stromal_vascular lipoaspirate liposuction adipose",
        r"\bh?AD[- ]?MSCs?\b|\bAdMSCs?\b|\bh?ADSCs?\b|\bAT[- ]?MSCs?\b|\bADRCs?\b|\bSVF\b"
        r"|stromal vascular fraction|\bAD[- ]derived|adipose[- ](?:tissue[- ])?derived|\bAMSCs?\b|lipoaspirate"
        r"|liposuction",
    ),
    "placenta": _near("placent decidu chorion", r"placenta\w*|decidua\w*|chorion\w*")
    | _Rule("PD PL PMSC PLX", r"\bP[DL][- ]?MSCs?\b|\bPMSCs?\b|PLX-?PAD|PLX-?R18"),
    "amnion": _near("amnio", r"amnio\w*")
    # an amniotic membrane used as a scaffold, or amniotic fluid, is no MSC source without a cell word
    | _Rule("AM hAEC amniotic", r"\bAM[- ]?MSCs?\b|\bhAECs?\b|amniotic epithel\w*"),
    "cord_blood": _near("cord_blood cord-blood", r"cord[- ]blood")
    | _Rule("UCB CB", r"\bh?UCB[- ]?h?MSCs?\b|\bCB[- ]?MSCs?\b|\bUCB[- ]derived"),
    "dental_pulp": _near("pulp teeth tooth exfoliated", r"dental[- ]pulp|\bpulp|deciduous teeth|exfoliated|tooth|teeth")
    | _Rule("DPSC SHED", r"\bh?DPSCs?\b|(?-i:\bSHEDs?\b)"),
    "menstrual_blood": _near("menstru", r"menstru\w*(?: blood)?")
    | _Rule("MenSC ERC endometrial_regenerative", r"\bMenSCs?\b|endometrial regenerative cells?|\bERCs?\b"),
    "olfactory_mucosa": _Rule("olfactory", r"olfactory (?:mucosa|ensheathing|stem|ecto)\w*"),
    "skin": _near("skin derm hair", r"\bskin|dermal|dermis|hair follicle") | _Rule("ABCB5", r"ABCB5"),
    # peripheral-blood stem cells are the haematopoietic graft, not MSCs
    "peripheral_blood": _near(
        "peripheral_blood peripheral-blood",
        r"peripheral[- ]blood(?! mononuclear)(?![\s-]+(?:h(?:a)?ematopoietic[\s-]+)?(?:stem|progenitor)[\s-]+cells?)",
    )
    | _Rule(
        "PB hematopoietic haematopoietic", r"\bPB[- ]?MSCs?\b|non[- ]?h(?:a)?ematopoietic peripheral blood stem cells?"
    ),
    "ips_derived": _Rule(
        "pluripotent ips iPS ESC embryonic CYP cymerus castem",
        r"induced pluripotent|\bh?iPS\w*|\bESC[- ]derived|\bhESCs?\b|embryonic stem|\bCYP-00\d|cymerus|CAStem|pluripotent",
    ),
    "other": _near(
        "synovi muscle periodontal gingiva endometri liver-derived liver_derived fetal_liver",
        r"synovi\w*|\bmuscle|periodontal ligament|gingiva\w*|endometri\w*(?! regenerative)|liver[- ]derived|fetal liver",
    )
    | _Rule("hepastem PDLSC GMSC", r"hepastem|\bPDLSCs?\b|\bGMSCs?\b"),
}
# A tissue named for a transplant, not for MSCs ("bone marrow/peripheral blood stem cell transplant").
_TRANSPLANT_TISSUE = re.compile(
    r"(?:bone[- ]marrow|peripheral[- ]blood|(?:umbilical )?cord[- ]blood)(?:\s*(?:/|or|and)\s*(?:bone[- ]marrow"
    r"|peripheral[- ]blood|(?:umbilical )?cord[- ]blood))?[\s-]+(?:(?:h(?:a)?ematopoietic|stem|progenitor)"
    r"[\s-]+)?(?:cells?[\s-]+)?(?:transplant\w*|graft\w*|donors?|units?)",
    re.IGNORECASE,
)


def _named_product_tissues(texts: Texts) -> tuple[list[str], list[str]]:
    """Tissues fixed by a named product of the reviewed dictionary (curation/msc_products.csv), with its citation."""
    keys: list[str] = []
    evid: list[str] = []
    for text, _ in texts:
        for product, m in products.find_all(text):
            if product.source_tissue != UNKNOWN and product.source_tissue not in keys:
                keys.append(product.source_tissue)
                evid.append(f"{m.group(0)} ({product.name}: {product.cited_id})")
    return keys, evid


def _tissues_in(texts: Texts) -> tuple[list[str], list[str]]:
    texts = Texts(_TRANSPLANT_TISSUE.sub(lambda m: "_" * len(m.group(0)), x) for x, _ in texts)
    d = _multi(_TISSUE_RULES, texts)
    keys = [] if d.value == UNKNOWN else d.value.split(MULTI_SEP)
    evid = [d.evidence] if d.evidence else []
    named_keys, named_evid = _named_product_tissues(texts)
    for key, e in zip(named_keys, named_evid):
        if key not in keys:
            keys.append(key)
            evid.append(e)
    return keys, evid


_CORD_AND_JELLY = {"umbilical_cord", "wharton_jelly"}
# A sentence about MSCs in general, other work or an earlier patient, not this trial's product.
_GENERAL = re.compile(
    r"\b(?:have|has|had)(?: \w+)? been\b|\bthere (?:are|is|were)\b|\b(?:MSCs?|cells|stem cells|they)\)? (?:are|is|have|has|can"
    r"|could|may|might)\b|\bwork\b|\bcase\b|\b(?:wo)?man\b|\bhowever\b|\btypes? of\b",
    re.IGNORECASE,
)


def classify_source_tissue(t: TrialText) -> Decision:
    """';'-joined SOURCE_TISSUES keys, or unknown."""
    tier2 = tiers(t)[1]
    # The product's own interventions and arms decide; a title only when they name no tissue (GUIDE.md: lines that
    # name different tissues for the same product, "UC-MSC" in the title of cord-blood MSCs). One exception: the
    # cord and its Wharton's jelly named on different lines are both named (GUIDE.md: "umbilical cord Wharton's jelly").
    keys, evid = _tissues_in(_texts(t, ARMS))
    title_keys, title_evid = _tissues_in(_texts(t, TITLES))
    added = [k for k in title_keys if not keys or ({k, *keys} >= _CORD_AND_JELLY and k not in keys)]
    keys += added
    evid += title_evid if added else []
    if not keys and tier2:
        keys, evid = _tissues_in(tier2)
        if len(keys) >= 3:
            # A summary sentence naming three or more tissues is background ("MSCs can be isolated from ...").
            keys, evid = [], []
            for text, _ in tier2:
                for sentence in SENTENCE.split(text):
                    k, e = _tissues_in(Texts([sentence]))
                    if len(k) < 3:
                        keys += [x for x in k if x not in keys]
                        evid += e
    if not keys:
        # The detailed description's sentences that name the product's tissue ("Cells will be isolated from adipose
        # tissue, expanded ex vivo"), never those about other work, MSCs in general or three or more tissues.
        for sentence in SENTENCE.split(own_sentences(t.detailed_description)):
            general = is_background(sentence) or _GENERAL.search(sentence)
            k, e = _tissues_in(Texts([sentence])) if not general else ([], [])
            if len(k) < 3:
                keys += [x for x in k if x not in keys]
                evid += e
    if not keys:
        return NO
    return Decision(MULTI_SEP.join(k for k in SOURCE_TISSUES if k in keys), " / ".join(dict.fromkeys(evid)))
