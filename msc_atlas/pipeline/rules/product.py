"""product: what participants receive, decided from the product's own interventions and arms first, titles next.

Where: "tier 1" (titles, intervention names / descriptions, arm descriptions); the summary and keywords only define
a product the interventions name generically or by a code ("CB-AC-02", "stem cells"). Phrases that contain
"mesenchymal" or "stromal" but name no product (epithelial-to-mesenchymal transition, GIST, tumour stroma, MSCs used
only as a feeder layer) are masked before any rule runs.

Decisions
  * msc needs an MSC named in the interventions, arms or titles (any tissue; MPCs, MAPCs, SVF / ADRCs; primed,
    gene-modified or scaffold-borne MSCs), a product of the reviewed dictionary (curation/msc_products.csv), or a
    generic / coded intervention ("CB-AC-02", "stem cells") that a summary sentence or keyword defines as MSCs.
  * non_msc: another product (CAStem / hESC-derived immunity-and-matrix-regulatory cells, Stem Cell Educator,
    non-haematopoietic peripheral-blood stem cells, T-cell / amniotic-fluid / HEK293 / CD24 exosomes, or a cell
    product such as BM mononuclear cells, BMAC, PRP, HSCT or chondrocytes with no MSC named); a study where nothing
    is given (observational, sampling, measuring; an observational follow-up of treated participants is msc); or
    no MSC product named at all.
  * Exosomes / EVs / secretome whose record never ties them to MSCs are non_msc (EV origin not stated). If MSC
    cells are given in any arm the trial is msc, even when EVs are given too. SVF / adipose-derived regenerative
    cells count as msc (adipose stromal cells).
  * MSCs differentiated into another cell type before they are given (hepatocyte-like, neural, insulin-producing,
    osteoblastic) are another product: non_msc.
  * The evidence of a non_msc decision starts with one of the reason constants below, so every such row has a
    reason class (record flow).
"""

from __future__ import annotations

import re

from msc_atlas.pipeline import products
from msc_atlas.pipeline.text import (
    ARMS,
    BACKGROUND,
    TIER1,
    TIER2,
    TITLES,
    Decision,
    Texts,
    TrialText,
    segment,
    tiers,
)
from msc_atlas.pipeline.text import Rule as _Rule
from msc_atlas.pipeline.text import evidence as _evidence
from msc_atlas.pipeline.text import first as _first
from msc_atlas.pipeline.text import texts_of as _texts

# Named MSC products the patterns below know without the dictionary (the dictionary adds tissue and donor).
MSC_NAMES = (
    r"remestemcel|prochymal|multistem|stempeucel|PLX-?PAD|PLX-?R18|emiplacel|cartistem|\btemcell\b|alofisel"
    r"|darvadstrocel|cx601|cx611|nurown|lomecel|rexlemestrocel|cellgram|jointstem|astrostem|cupistem|cymerus"
    r"|furestem|allorx|ALLO-ASC|HB-adMSC|ORBCEL|ProTrans|XCEL-UMC|Cellistem|pneumostem|CYP-00\d|celyvir"
    r"|exoflo|NestaCell|obnitix|MC0518"
)
NAME_GATES = (
    "remestemcel prochymal multistem stempeucel plx emiplacel cartistem temcell alofisel darvadstrocel cx60 cx61 "
    "nurown lomecel rexlemestrocel cellgram jointstem astrostem cupistem cymerus furestem allorx allo-asc "
    "hb-admsc orbcel protrans xcel-umc cellistem pneumostem cyp-00 celyvir exoflo nestacell obnitix mc0518"
)
# Phrases that contain "mesenchymal" or "stromal" but name no MSC product; masked before any product rule runs.
_NOT_A_PRODUCT = re.compile(
    r"epithelial[- ](?:to[- ]|-)?mesenchymal[- ]transitions?\w*|\bEMT\b|mesenchymal[- ]epithelial[- ]transition"
    r"|mesenchymal[- ](?:phenotype|markers?|tumou?rs?|chondrosarcoma|neoplasms?|cancer|subtype|origin|features?)"
    r"|gastro-?intestinal stromal tumou?rs?|\bGISTs?\b|stromal (?:tumou?rs?|sarcomas?|nodules?|keratitis|neoplasms?)"
    r"|(?:tumou?r|cancer|corneal|endometrial|ovarian)[- ](?:associated[- ])?strom\w*(?: cells?)?"
    r"|bone[- ]marrow[- ]stromal (?:reaction|fibrosis)|stromal[- ]derived[- ]factor\w*|\bSDF-1\w*"
    # MSCs used only to grow another product (a feeder layer that expands cord blood)
    r"|(?:MPCs?|MSCs?|mesenchymal (?:stem |stromal |precursor )?cells?)[- ](?:expanded|co-?cultured|based expansion)"
    r"|(?:expanded|expansion|co-?cultured|co-?culture|grown) (?:with|on|over) (?:a )?(?:feeder )?(?:layer of )?"
    r"(?:MPCs?|MSCs?|mesenchymal)\w*"
    r"(?: (?:stem|stromal|precursor) cells?)?|feeder[- ]layers?",
    re.IGNORECASE,
)
MSC = _Rule(
    "mesenchym stromal msc mpc asc adsc adrc svf dpsc menscs wharton mapc adipose fat umbilical cord placent amnio "
    "dental menstrual decidua endometri synovi strocel stemcel " + NAME_GATES,
    r"mesenchym\w*|stromal cells?|stromal vascular fraction|MSCs?\b|\w+-MSCs?\b|\bMPCs?\b|\bADSCs?\b|\bh?ASCs?\b"
    r"|\bADRCs?\b|\bSVF\b|\bDPSCs?\b|\bMenSCs?\b|\bMAPCs?\b|wharton'?s? jelly"
    # INN stems of MSC products: -mestrocel / -strocel (stromal cells), -stemcel (remestemcel-L)
    r"|\b\w+(?:strocel|stemcel)\b|"
    + MSC_NAMES
    # stem cells of the tissues whose culture-expanded stem cells are MSCs
    + r"|(?:adipose|adipose[- ]tissue|fat|umbilical[- ]cord|cord[- ]tissue|placenta\w*|amnio\w*|dental[- ]pulp"
    r"|menstrual[- ]blood|decidua\w*|endometri\w*|synovi\w*)[- ](?:[\w-]+[- ]){0,2}?(?:stem|stromal|progenitor) cells?",
)
_MSC_CELLS = _Rule(
    "msc mesenchym stromal", r"MSCs?\b(?!-(?:EX|EV|Exo|CM|sEV))|mesenchymal (?:stem |stromal )?cells?|stromal cells?"
)

_NON_MSC_PRODUCT = _Rule(
    "castem regulatory imrc educator hematopoietic haematopoietic nhpbsc exo hek t-rex cd24 rapa treg",
    r"CAStem|(?:immunity[- ]and[- ])?matrix[- ]regulatory cells|\bIMRCs?\b|stem cell educator"
    r"|non[- ]?h(?:a)?ematopoietic peripheral blood stem cells?|peripheral blood non[- ]?h(?:a)?ematopoietic stem cells?|\bNHPBSCs?\b"
    r"|(?:CSTC|T[- ]cells?)[- ]?(?:derived )?exo(?:some)?s?|amniotic fluid[- ](?:derived )?exosom|\bHEK[- ]?293|T-REx"
    r"|CD24[- ]?(?:exo|overexpress)|\bEXO-CD24",
)
# MSCs differentiated into another cell type before they are given: another product (policy, curation/gold/GUIDE.md).
_DIFFERENTIATED = _Rule(
    "hepatocyte neural neuron insulin osteoblast msc-np preob islet differentiat trans-differentiat transdifferentiat",
    r"hepatocyte[- ](?:like|progenitor|precursor)\w*|(?:progenitors?|precursors?) of hepatocytes"
    r"|(?:differentiated|trans-?differentiated|induced) (?:in ?vitro )?into (?:\w+ ){0,2}(?:hepatocytes?|neurons?|neural|insulin"
    r"|islet|osteoblast\w*|beta|cardiomyocyte)\w*|hepatocyte phenotype"
    r"|(?:trans-?)?differentiat\w* (?:of )?(?:[\w-]+ ){0,4}?(?:into|to) (?:\w+ ){0,2}(?:hepatocytes?|neurons?|neural|insulin"
    r"|islet|osteoblast\w*)"
    r"|(?:MSC|stem cell|stromal cell)s?[- ]derived (?:neural|hepatocyte|insulin|neuronal|islet)[- ]?(?:progenitor|precursor|like|producing)?"
    r"|\bMSC-NPs?\b|neural progenitors?|insulin[- ]producing cells?|osteoblastic cells|\bPREOB\b|neuron[- ]like cells?",
)
# Non-MSC cell or tissue products: decisive when the interventions, arms and titles name no MSC.
_OTHER_CELLS = _Rule(
    "mononuclear mnc bmac concentrat platelet prp prf transplant hsct cd34 cd133 chondrocyte endothelial fibroblast "
    "keratinocyte nk car dendritic lymphocyte marrow cells fat lipo graft microfrag nanofat aspirat blood rapa treg "
    "regulatory epidermal dermal melanocyte",
    r"mononuclear cells?|\bBM-?MNCs?\b|\bMNCs?\b|\bBMAC\b|bone marrow (?:aspirate )?concentrat\w*|\bBMC\b|platelet[- ]rich|\bPRP\b"
    r"|\bPRF\b|h(?:a)?ematopoietic stem cell transplant\w*|stem cell transplant\w*|\bHSCT\b|\bCD34\+?|\bCD133\+?"
    r"|chondrocytes?|endothelial (?:progenitor )?cells?|fibroblasts?|keratinocytes?|\bNK cells?|\bCAR-?T\b|dendritic cells?"
    r"|lymphocytes?|(?:autologous )?bone marrow (?:cells|transplant\w*|implant\w*|graft\w*|aspirate)|fat graft\w*|fat transfer"
    r"|fat (?:injection|filler)|lipofilling|lipo-?injection|microfat|nanofat|micro-?fragmented adipose|lipogems"
    r"|adipose tissue graft\w*|autologous fat|lipoaspirate|cord blood (?:units?|transplant\w*|infusion)|fetal blood"
    r"|blood transfusion|RAPA-\d+|regulatory T[- ]cells|\bTregs?\b|(?:epidermal|dermal) cell suspension|melanocytes?",
)
# Nothing is given to participants: the record samples, measures or observes (an observational study, a biomarker
# study, a manufacturing or laboratory study).
_MEASURED_ONLY = _Rule(
    "sampl collect biops harvest draw observ sequenc questionnaire measure analys imaging mri exercise diet count "
    "isolat characteri no_intervention",
    r"^(?:\w+: )?(?:[\w ,/&()-]*\b(?:samples?|sampling|collection|biops\w*|harvest\w*|blood draw|observation\w*|sequencing"
    r"|questionnaires?|measurements?|analys[ie]s|imaging|MRI|exercise|diet|counts?|isolation|characteri[sz]ation"
    r"|no intervention)\b[\w ,/&()-]*)$",
)
# An observational study of participants treated with MSCs before (a follow-up or a retrospective cohort) is about an
# MSC product: said by its title, or by a summary sentence about participants who received it.
_FOLLOW_UP_TITLE = re.compile(r"follow[- ]?up|long[- ]term|retrospective|extension (?:study|trial)", re.IGNORECASE)
_TREATED_BEFORE = re.compile(
    r"previously (?:received|treated|enrolled|participated)|who (?:received|were (?:treated"
    r"|administered|transplanted|injected)|participated|completed)|participated in"
    r"|(?:patients?|participants?|subjects?) (?:\w+ ){0,3}?(?:treated with|receiving|given|administered)",
    re.IGNORECASE,
)
# A title about MSCs as the subject of study, not as a product given ("Mobilization of MSCs", "MSCs in the
# synovial fluid", "Osteogenic potential of MSCs").
_STUDIED_NOT_GIVEN = re.compile(
    r"endogenous|mobili[sz]\w*|circulating|in the (?:synovial fluid|peripheral blood|blood|bone marrow|serum|plasma)"
    r"|potential of|characteri[sz]\w*|quantif\w*|counts?\b|levels? of|number of|isolation of|biomarkers?|imprint"
    r"|in ?vitro|ex ?vivo|differentiation of|release|recruit\w*|collection|xenograft|cell bank|inherent|contained in|present in|in the aspirate",
    re.IGNORECASE,
)
# A cell product named only generically or by code: the summary or keywords may say what it is.
_GENERIC_PRODUCT = _Rule(
    "",  # no gates: a product code has no fixed substring
    r"stem cells?|cell(?:ular)? therap\w*|cell transplant\w*|\bcells\b|\binj\b|investigational product"
    # a product code: letters and digits with a hyphen ("CB-AC-02", "allo-APZ2-EB") or 2+ capitals
    # and 2+ digits ("EN001", "CS10BR05"); not units or chemicals ("mm2", "CO2")
    r"|(?-i:(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Z]{2})[A-Za-z]\w*-[\w-]+|\b[A-Z]{2,}\d{2,}\w*)|\w+®|\w+™",
)

_EV = _Rule(
    "exo vesicle EV Ev microvesic nanovesic MV",
    r"(?<!blood )(?<!plasma )(?<!serum )(?<!urine )exosom\w*(?!al metabolom)|\bexos?\b|extracellular vesicles?|\w*-?s?EVs?\b"
    r"|\bExoFlo\b|micro-?vesicles?|nano-?vesicles?|\bMVs\b",
)
_SECRETOME = _Rule(
    "secretome conditioned factors supernatant lysate paracrine",
    r"secretome|conditioned medi(?:um|a)|MSC[- ]derived (?:soluble )?factors|culture supernatant|\blysate of (?:MSC|stem)"
    r"|paracrine factors",
)
_TITLE_CELLS = _Rule("msc mesenchym stromal stem", _MSC_CELLS.pattern.pattern + r"|stem cells?")
_CELL_DOSE = _Rule("cell", r"cells?\s*/\s*kg|cells? per (?:kg|kilogram)|\b(?:10\S*|million)\s*(?:\w+\s*){0,2}cells")
_PRODUCT_WORD = r"exo|vesic|\bs?EVs?\b|secret|conditioned|supernatant|paracrine|-EX\b|-CM\b|drops\b"
_CLAUSE_END = re.compile(r"\b(?:and|plus|with|enriched|or|followed|then|versus|vs)\b|[,;.|]", re.IGNORECASE)
_AFTER = re.compile(_PRODUCT_WORD, re.IGNORECASE)  # "MSC-derived exosomes", "MSC secretome"
_LINKED = re.compile(rf"(?:{_PRODUCT_WORD})\w*\s*-\s*$", re.IGNORECASE)  # "Secretome-MSCs", "Exosome-MSC"
_BEFORE = re.compile(
    rf"(?:{_PRODUCT_WORD}|particles|factors?)\S*\s.*\b(?:from|of|by)\b", re.IGNORECASE
)  # "exosomes from MSCs"


def _mask(text: str) -> str:
    """`text` with phrases that name no MSC product ("epithelial-to-mesenchymal transition") blanked, same length."""
    return _NOT_A_PRODUCT.sub(lambda m: "_" * len(m.group(0)), text)


def _masked(t: TrialText) -> TrialText:
    return t._replace(**{f: _mask(getattr(t, f)) for f in (*TIER1, *TIER2, "detailed_description")})


def _is_source(text: str, m: re.Match) -> bool:
    """Is this MSC mention only the source of an EV / secretome product (not cells given to patients)?"""
    after = text[m.end() : m.end() + 40]
    clause_end = _CLAUSE_END.search(after)
    after = after[: clause_end.start()] if clause_end else after
    before = text[max(0, m.start() - 80) : m.start()]
    ends = list(_CLAUSE_END.finditer(before))
    before = before[ends[-1].end() :] if ends else before
    return bool(_AFTER.search(after) or _BEFORE.search(before) or _LINKED.search(before))


def _cells_given(texts: Texts, rules: tuple[_Rule, ...]) -> tuple[str, re.Match] | None:
    """A cell dose or MSC mention that is not the source of an EV or secretome."""
    for text, low in texts:
        for rule in rules:
            for pattern in rule.open(text, low):
                for m in pattern.finditer(text):
                    if not _is_source(text, m):
                        return text, m
    return None


def _no_product_given(t: TrialText) -> str | None:
    """Why the record gives participants no product at all, or None."""
    observational = t.study_type.strip().lower().startswith("observational")
    follow_up = _FOLLOW_UP_TITLE.search(f"{t.title} | {t.official_title}") or _TREATED_BEFORE.search(t.summary)
    if observational and not follow_up:
        return NOTHING_GIVEN + "observational study"
    names = [p for p in re.split(r"\s\|\s", t.interventions) if p.strip()]
    descriptions = re.split(r"\s\|\s", t.intervention_descriptions)
    descriptions = descriptions if len(descriptions) == len(names) else [""] * len(names)
    if (
        names
        and not follow_up
        and not _first(MSC, _texts(t, ARMS))
        and all(
            _MEASURED_ONLY.search(n, n.lower()) or (d and _MEASURED_ONLY.search(d, d.lower()))
            for n, d in zip(names, descriptions)
        )
    ):
        return NOTHING_GIVEN + "the registered interventions only sample, measure or observe: " + t.interventions[:120]
    return None


_PRODUCT_INTERVENTION = re.compile(r"biological|drug|genetic|combination|procedure", re.IGNORECASE)


def _arms_give_a_product(t: TrialText) -> bool:
    """False when typed interventions and arms name no MSC / EV product and none is a biological, drug or procedure
    (a nutrition or behavioural trial whose title mentions EVs)."""
    arms = _texts(t, ARMS)
    if not t.intervention_types.strip() or _first(MSC, arms) or _first(_EV, arms) or _first(_SECRETOME, arms):
        return True
    return bool(_PRODUCT_INTERVENTION.search(t.intervention_types))


def _msc_named(t: TrialText) -> tuple[str, re.Match] | None:
    """An MSC product named in the interventions and arms, or in a title, in a clause that gives MSCs (not one that
    studies MSCs already in the body: "mobilisation of", "in the synovial fluid", "inherent in the aspirate").
    A title alone does not make an MSC trial when the typed interventions are only drugs, devices or behavioural
    interventions that name no cell product ("...Stem Cell Collection for Xenograft Studies" giving filgrastim)."""
    arms = _texts(t, ARMS)
    typed = t.intervention_types.strip()
    title_counts = not (
        typed
        and not re.search(r"biological|genetic|combination|procedure", typed, re.IGNORECASE)
        and not _first(_CELLISH, arms)
    )
    for fields in (ARMS, TITLES) if title_counts else (ARMS,):
        for text, low in _texts(t, fields):
            for pattern in MSC.open(text, low):
                for m in pattern.finditer(text):
                    clause = segment(text, m.start(), m.end())
                    if not (_STUDIED_NOT_GIVEN.search(clause) and t.interventions):
                        return text, m
    return None


_CELLISH = _Rule(
    "cell inj", r"stem cells?|\bcells\b|cell(?:ular)? therap\w*|cell transplant\w*|\binj\b|cells?\s*/\s*kg"
)
_PRODUCT_TYPES = re.compile(r"biological|drug|genetic|combination", re.IGNORECASE)


def _defined_in_summary(t: TrialText) -> tuple[str, re.Match] | None:
    """The interventions name a cell product only generically or by code; a summary sentence naming it, or (for a
    biological / drug intervention) a keyword, says it is an MSC product."""
    arms = _texts(t, ARMS)
    code, cellish = _first(_GENERIC_PRODUCT, arms), _first(_CELLISH, arms)
    if not (code or cellish):
        return None
    typed = t.intervention_types.strip()
    if _PRODUCT_TYPES.search(typed) if typed else cellish:
        for text, low in _texts(t, ("keywords",)):
            m = MSC.search(text, low)
            if m:
                return text, m
    names = {m.group(0).lower() for text, _ in arms for m in _GENERIC_PRODUCT.pattern.finditer(text)} if code else set()
    for text in filter(None, (t.summary,)):
        for sentence in re.split(r"(?<=[.;!?])\s+", text):
            m = MSC.search(sentence, sentence.lower())
            low = sentence.lower()
            if m and not BACKGROUND.search(sentence) and (cellish or any(n in low for n in names)):
                return sentence, m
    return None


# The evidence of a non_msc decision starts with one of these, so every such row has a reason class (record flow).
NOTHING_GIVEN = "no product given: "
NOT_MSC_PRODUCT = "another cell, tissue or EV product: "
EV_ORIGIN_UNSTATED = "EVs / secretome of unstated origin: "
DIFFERENTIATED = "MSC-differentiated cells: "
NO_MSC_NAMED = "no MSC, MSC-EV or secretome product named in the interventions, arms or titles"
NOT_MSC_REASONS = (NOTHING_GIVEN, NOT_MSC_PRODUCT, EV_ORIGIN_UNSTATED, DIFFERENTIATED, NO_MSC_NAMED)


def classify_product(t: TrialText) -> Decision:
    """msc | msc_ev | msc_secretome | non_msc (never unknown): what participants are given, decided from the
    product's own interventions and arms first, titles next; the summary and keywords only define a product the
    interventions name generically ("CB-AC-02", "stem cells")."""
    t = _masked(t)
    tier1, tier2 = tiers(t)
    hit = _first(_NON_MSC_PRODUCT, tier1)
    if hit:
        return Decision("non_msc", NOT_MSC_PRODUCT + _evidence(hit))
    reason = _no_product_given(t)
    if reason:
        return Decision("non_msc", reason)
    named = products.find(" | ".join(x for x, _ in tier1))
    ev, sec = _first(_EV, tier1), _first(_SECRETOME, tier1)
    if named and named[0].product != "msc" and not (ev or sec):
        return Decision(named[0].product, f"{named[1].group(0)} ({named[0].name}, {named[0].cited_id})")
    if (ev or sec) and not _arms_give_a_product(t):
        return Decision(
            "non_msc",
            NOTHING_GIVEN
            + "the registered interventions give no MSC product ("
            + (t.intervention_types or "no biological")
            + "); the EVs are named only in the title",
        )
    if (ev or sec) and not (_first(MSC, tier1) or _first(MSC, tier2) or named):
        return Decision("non_msc", EV_ORIGIN_UNSTATED + _evidence(ev or sec))
    if ev or sec:
        # MSCs given in any arm make it a cell trial. A title that names the EV / secretome is trusted over
        # descriptions (which mention MSCs as background); otherwise the interventions and arms decide.
        titles = Texts(x for x, low in _texts(t, TITLES) if _EV.search(x, low) or _SECRETOME.search(x, low))
        if titles:
            cells = _cells_given(titles, (_TITLE_CELLS,)) or _cells_given(
                _texts(t, ("interventions", "arm_labels")), (_MSC_CELLS,)
            )
        else:
            cells = _cells_given(_texts(t, ARMS), (_CELL_DOSE, _MSC_CELLS))
        if cells:
            return _msc_unless_differentiated(tier1, _evidence(cells))
        if ev and sec:  # the earlier mention names the product
            sec_first = tier1.index(next(x for x in tier1 if x[0] is sec[0])) < tier1.index(
                next(x for x in tier1 if x[0] is ev[0])
            ) or (sec[0] is ev[0] and sec[1].start() < ev[1].start())
            ev = None if sec_first else ev
        return Decision("msc_ev", _evidence(ev)) if ev else Decision("msc_secretome", _evidence(sec))
    hit = _msc_named(t)
    if hit:
        return _msc_unless_differentiated(tier1, _evidence(hit))
    if named:
        return Decision("msc", f"{named[1].group(0)} ({named[0].name}, {named[0].cited_id})")
    other = _first(_OTHER_CELLS, tier1)
    if other:
        return Decision("non_msc", NOT_MSC_PRODUCT + _evidence(other))
    defined = _defined_in_summary(t)
    if defined:
        return _msc_unless_differentiated(tier1, _evidence(defined))
    hit = _first(_NON_MSC_PRODUCT, tier2)
    if hit:
        return Decision("non_msc", NOT_MSC_PRODUCT + _evidence(hit))
    return Decision("non_msc", NO_MSC_NAMED)


def _msc_unless_differentiated(tier1: Texts, evidence: str) -> Decision:
    # MSCs differentiated into hepatocyte-like, neural, insulin-producing ... cells are another product (policy).
    # Tier 1 only: summaries say "MSCs can differentiate into hepatocytes" as background.
    hp = _first(_DIFFERENTIATED, tier1)
    if hp:
        return Decision("non_msc", DIFFERENTIATED + _evidence(hp))
    return Decision("msc", evidence)
