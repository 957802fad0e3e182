"""Rule-based classifiers: registry free text of one trial -> controlled-vocabulary keys plus the evidence phrase.

Pure functions over a `TrialText` (no I/O, no pandas). Every value comes with the registry phrase it was decided
from, so the dashboard can show why; when the text does not say, the value is "unknown" and the evidence "".

Where each classifier looks
  * focus area / disease group: conditions and condition MeSH terms first, then brief and official title
    (disease group also keywords as a last resort). Never the summary: a summary mentions other diseases in passing.
  * product, tissue, donor, route, dose: "tier 1" = titles + intervention names/descriptions + arm descriptions;
    only when tier 1 says nothing, "tier 2" = brief summary + keywords. In tier 2 a sentence naming three or more
    tissues is background ("MSCs can be isolated from bone marrow, adipose tissue, ...") and is skipped.

Decisions (the judgement calls; change them here, nowhere else)
  * focus_area: covid19_ards = COVID-19 / SARS-CoV-2 / 2019-nCoV / coronavirus pneumonia, or ARDS / acute respiratory
    distress / acute lung injury. Neonatal RDS ("Respiratory Distress Syndrome, Newborn") alone is not ARDS.
    liver = liver / hepatic / hepatitis / cirrhosis / biliary / cholangitis / liver failure or transplant.
    Not liver: "hepatocyte growth factor", "hepatic artery" (a route), liver GvHD (-> gvhd_immune), liver
    metastases of another cancer. Hepatocellular carcinoma counts as liver. COVID wins over liver.
  * disease_group: the focus area decides covid19 (COVID-19 named) / lung (ARDS or lung injury without COVID-19)
    / liver. Organ complications of diabetes go to the organ
    (diabetic foot ulcer -> skin_wound, nephropathy -> kidney, retinopathy -> eye, limb ischaemia -> vascular,
    erectile dysfunction -> kidney); diabetes itself and neuropathy -> diabetes_metabolic. Multiple sclerosis ->
    neurological (the lesion and the outcome measures are neurological). Crohn's / perianal fistula / ulcerative
    colitis -> gastrointestinal; lupus nephritis -> kidney; other lupus, RA, systemic sclerosis, Sjogren -> gvhd_immune.
    Haematopoietic transplantation, engraftment, aplastic anaemia, haematological malignancy treated by HSCT ->
    haematological; solid tumours and GIST -> cancer. Sepsis / multi-organ failure -> other.
  * product: non_msc needs a positive statement (CAStem / hESC-derived immunity-and-matrix-regulatory cells,
    Stem Cell Educator, non-haematopoietic peripheral-blood stem cells, MSC-derived hepatocyte progenitors given
    alone, T-cell / amniotic-fluid / HEK293 / CD24 exosomes, or a cell product such as BM mononuclear cells, BMAC,
    PRP, HSCT or chondrocytes with no MSC named). Every record in the flat file matched a "mesenchymal" or MSC
    trade-name search, so with no statement either way the product is msc (evidence ""). Exosomes / EVs of
    unstated origin are msc_ev (the dataset is MSC trials). If MSC cells are given in any arm the trial is msc,
    even when EVs are given too. SVF / adipose-derived regenerative cells count as msc (adipose stromal cells).
  * source_tissue: a tissue word counts only next to a cell word ("umbilical cord MSCs", "MSCs derived from bone
    marrow") or as a recognised abbreviation (UC-MSC, BM-MSC, ADSC, DPSC, ...) or product name (evidence says so).
    Wharton's jelly is its own key; "umbilical cord Wharton's jelly" gives both. Decidua / chorion -> placenta;
    endometrial regenerative cells -> menstrual_blood; hESC / iPSC-derived -> ips_derived; synovium, muscle,
    periodontal ligament, endometrium, liver-derived -> other. "MSCs" without a tissue -> unknown.
  * donor: allogeneic / autologous words (incl. allogenic, "third-party", "healthy donor", "patient's own",
    "non-autologous" = allogeneic) applied to the cells, not to the transplant setting ("allogeneic HSCT",
    "autologous serum"). Both words in the same tier -> both. Umbilical cord etc. alone does not imply a donor.
  * route: one pattern per key; "IV" only as a word not preceded by phase/grade/stage/type/class/NYHA/level.
    Intranasal -> intracerebral for neurological trials, inhalation otherwise. Eye drops -> topical; ocular
    injections (intravitreal, subretinal, suprachoroidal, sub-Tenon, subconjunctival) -> intravitreal.
    Generic "infusion" means intravenous only when no other route is named; "injection" alone is no route.
    A route stated in a sentence that names the product beats one stated only for a comparator ("intra-articular
    corticosteroids"); summary routes count only in sentences naming the product.
  * dose: the first cell-count phrase in intervention descriptions, arms, intervention names, summary, titles
    (in that order). Numbers only for a single value ("1-3 x 10^6", "1, 2 or 3 million" give text only);
    concentrations (cells/ml) and exosome doses (particles, ug, mg) keep the text and no numbers.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from msc_atlas.vocab import MULTI_SEP, ROUTES, SOURCE_TISSUES, UNKNOWN


class TrialText(NamedTuple):
    """Registry free text of one trial. All str, "" when absent; multi-valued fields joined with " | "."""
    title: str = ""
    official_title: str = ""
    conditions: str = ""
    mesh_terms: str = ""
    keywords: str = ""
    interventions: str = ""
    intervention_descriptions: str = ""
    arm_descriptions: str = ""
    summary: str = ""


class Decision(NamedTuple):
    value: str      # a vocab key or "unknown"; multi-valued: ';'-joined keys in vocab order
    evidence: str   # the registry phrase the value was decided from; "" when unknown


class Dose(NamedTuple):
    text: str                    # the dose phrase as registered ("" if none)
    cells_per_kg: float | None
    cells_total: float | None


NO = Decision(UNKNOWN, "")
_EVIDENCE_MAX = 160

_TIER1 = ("title", "official_title", "interventions", "intervention_descriptions", "arm_descriptions")
_TIER2 = ("summary", "keywords")
_TITLES = ("title", "official_title")
_CONDITIONS = ("conditions", "mesh_terms")

class Texts(list):
    """Some fields of one trial as (text, lower-cased text) pairs, plus all of them joined for the rule gates."""

    def __init__(self, texts: Iterable[str]):
        super().__init__((x, x.lower()) for x in texts if x)
        self.low = " | ".join(low for _, low in self)
        self.text = " | ".join(x for x, _ in self)


class _Rule:
    """A case-insensitive regex that runs only when one of its gate substrings occurs in the trial's text.

    Why: a plain `in` test is ~100x faster than a regex scan, and most rules do not apply to most trials.
    Gates are space-separated ("_" stands for a space inside a gate). A lower-case gate is looked for in the
    lower-cased text, a gate with capitals (e.g. "IV") in the text as written. No gates: always run.
    `unless`: a lower-case phrase that switches the rule off for the whole text. `a | b`: either rule.
    """
    __slots__ = ("alternatives", "low_gates", "pattern", "raw_gates", "unless")

    def __init__(self, gates: str, pattern: str, unless: str = ""):
        gates_ = [g.replace("_", " ") for g in gates.split()]
        self.low_gates = tuple(g for g in gates_ if g.islower() or not any(c.isalpha() for c in g))
        self.raw_gates = tuple(g for g in gates_ if g not in self.low_gates)
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self.alternatives: tuple[_Rule, ...] = (self,)
        self.unless = unless

    def __or__(self, other: _Rule) -> _Rule:
        both = _Rule("", "")
        both.alternatives = self.alternatives + other.alternatives
        return both

    def open(self, text: str, low: str) -> list[re.Pattern]:
        """The patterns whose gates pass on this text (checked once, on all fields joined)."""
        out = []
        for r in self.alternatives:
            if r.unless and r.unless in low:
                continue
            if not (r.low_gates or r.raw_gates):
                out.append(r.pattern)
                continue
            for g in r.low_gates:
                if g in low:
                    out.append(r.pattern)
                    break
            else:
                for g in r.raw_gates:
                    if g in text:
                        out.append(r.pattern)
                        break
        return out

    def search(self, text: str, low: str) -> re.Match | None:
        """The earliest match in one text."""
        best = None
        for pattern in self.open(text, low):
            m = pattern.search(text)
            if m and (best is None or m.start() < best.start()):
                best = m
        return best


# ---------------------------------------------------------------------------------------------- text helpers

def _snippet(text: str, start: int, end: int, width: int = _EVIDENCE_MAX) -> str:
    """The matched words with some context, cut at word and ' | ' field boundaries, at most ~`width` chars."""
    seg_start = text.rfind(" | ", 0, start)
    seg_start = 0 if seg_start < 0 else seg_start + 3
    seg_end = text.find(" | ", end)
    seg_end = len(text) if seg_end < 0 else seg_end
    end = min(end, start + width - 2)
    pad = max(0, (width - 2 - (end - start)) // 2)
    a, b = max(seg_start, start - pad), min(seg_end, end + pad)
    if a > seg_start:  # do not start or stop mid-word
        sp = text.find(" ", a, start)
        a = sp + 1 if sp >= 0 else a
    if b < seg_end:
        sp = text.rfind(" ", end, b)
        b = sp if sp >= 0 else b
    out = " ".join(text[a:b].split())
    return ("…" if a > seg_start else "") + out + ("…" if b < seg_end else "")


def _texts(t: TrialText, fields: Iterable[str]) -> Texts:
    return Texts(getattr(t, f) for f in fields)


def _first(rule: _Rule, texts: Texts) -> tuple[str, re.Match] | None:
    """The first text (in field order) where `rule` matches, and its earliest match."""
    patterns = rule.open(texts.text, texts.low)
    for text, _ in texts if patterns else ():
        hits = [m for p in patterns for m in [p.search(text)] if m]
        if hits:
            return text, min(hits, key=lambda m: m.start())
    return None


def _evidence(hit: tuple[str, re.Match] | None, width: int = _EVIDENCE_MAX) -> str:
    return _snippet(hit[0], hit[1].start(), hit[1].end(), width) if hit else ""


def _multi(table: dict[str, _Rule], texts: Texts) -> Decision:
    """All keys of `table` (in table = vocab order) found in `texts`, with a short snippet each."""
    found = {k: hit for k, rule in table.items() for hit in [_first(rule, texts)] if hit}
    if not found:
        return NO
    width = max(60, _EVIDENCE_MAX // len(found))
    evid = dict.fromkeys(_evidence(hit, width) for hit in found.values())
    return Decision(MULTI_SEP.join(found), " / ".join(evid))


def _tiers(t: TrialText) -> tuple[Texts, Texts]:
    return _texts(t, _TIER1), _texts(t, _TIER2)


# ---------------------------------------------------------------------------------------------- focus area

_COVID = _Rule("cov corona", r"covid|sars[- ]?cov|2019[- ]?n[- ]?cov|\bncov\b|corona ?virus")
_ARDS = _Rule("ards respiratory distress lung ali ARDS ALI",
              r"\bARDS\b|acute respiratory distress|adult respiratory distress|respiratory distress syndrome,? adult"
              r"|acute lung injury|(?-i:\bALI\b)")
_LIVER = _Rule("liver hepat cirrho biliar cholang pbc psc nash nafld aclf wilson crigler",
               r"\bliver\b(?! metasta)|hepatic(?! arter)|hepatitis|hepato(?!cyte growth)(?!splenic)|cirrho|biliar|cholang"
               r"|\bPBC\b|\bPSC\b|\bNASH\b|\bNAFLD\b|\bACLF\b|wilson'?s? disease|crigler")
# Liver words that belong to another disease: GvHD of the liver.
_LIVER_NOT = _Rule("graft gvhd", r"graft[- ]?(?:versus|vs\.?)[- ]?host|\bgvhd\b")


def classify_focus_area(t: TrialText) -> Decision:
    """covid19_ards | liver | other, from conditions, MeSH terms and titles (never the summary)."""
    texts = _texts(t, _CONDITIONS + _TITLES)
    hit = _first(_COVID, texts) or _first(_ARDS, texts)
    if hit:
        return Decision("covid19_ards", _evidence(hit))
    for text, low in texts:
        m = _LIVER.search(text, low)
        if m and not _LIVER_NOT.search(text, low):
            return Decision("liver", _snippet(text, m.start(), m.end()))
    return Decision("other", "")


# ---------------------------------------------------------------------------------------------- disease group

# Order matters: the first rule that matches wins, so specific phrases come before general words.
_DISEASE_RULES: list[tuple[str, _Rule]] = [(k, _Rule("", p)) for k, p in [
    ("cancer", r"gastrointestinal stromal|\bGIST\b"),  # a tumour, not a GI disease or an MSC ("stromal")
    ("kidney", r"lupus nephritis|diabetic (?:nephropath|kidney)|erectile|peyronie|urinary incontinence|stress incontinence"
               r"|interstitial cystitis"),
    ("skin_wound", r"diabetic (?:foot|wound|ulcer|leg ulcer)|foot ulcer"),
    ("eye", r"diabetic retinopath|diabetic macular"),
    ("vascular", r"critical limb|limb isch|diabetic (?:angiopath|vascul|limb)|buerger|thromboangiitis|peripheral (?:arter|vascul)"
                 r"|intermittent claudication"),
    ("gvhd_immune", r"graft[- ]?(?:versus|vs\.?|-)[- ]?host|\bgvhd\b|\bgvh\b|lupus|rheumatoid|systemic sclerosis|scleroderma"
                    r"|sj[oö]gren|autoimmun|ankylosing|dermatomyositis|polymyositis|vasculitis|beh[cç]et|rejection"
                    r"|immune thrombocytop|myasthenia|immune system disease"),
    ("gastrointestinal", r"crohn|fistula|colitis|inflammatory bowel|\bIBD\b|pancreatitis|pouchitis|\bpouch\b|fa?ecal incontinence"
                         r"|anal sphincter|esophag|oesophag|gastr|intestin|bowel|xerostomia|dry mouth|hyposalivation|salivary|mucositis"),
    ("cancer", r"cancer|carcinoma|tumou?r|neoplasm|glioblastoma|glioma|sarcoma|melanoma"
               r"|neuroblastoma|oncolog"),
    ("haematological", r"aplastic|graft failure|poor graft function|engraftment|h(?:a)?ematopoietic|haemopoietic|stem cell transplant"
                       r"|bone marrow transplant|\bHSCT\b|\bHCT\b|leuk[ae]mia|lymphoma|myelodysplas|myeloma|h(?:a)?emophilia|thalass"
                       r"|sickle|diamond[- ]blackfan|fanconi|h(?:a)?ematolog|cytopeni|chimerism|immune reconstitution|myeloproliferative"
                       r"|myelofibrosis|neutropeni|an(?:a)?emia|malignan"),
    ("neurological", r"stroke|cerebral|brain|spinal cord|amyotrophic|\bALS\b|multiple sclerosis|parkinson|alzheimer|dementia"
                     r"|autis|huntington|multiple system atrophy|ataxia|neuro|palsy|epilep|demyelinat|nervous system|optic nerve"
                     r"|optic atrophy|charcot|duchenne|muscular dystroph|myelitis|encephal|hypoxic[- ]ischemic"
                     r"|intraventricular h(?:a)?emorrh|paralysis|parapleg|tetrapleg|quadripleg|spinal muscular"),
    ("cardiovascular", r"heart|cardi|myocard|coronary|angina|ventricular|hypoplastic left|pulmonary (?:arterial )?hypertension"),
    ("vascular", r"isch(?:a)?emi|vascular|arter(?:y|ial) disease|atheroscler|lymph(?:o)?edema|varic|endothelial dysfunction|raynaud"),
    ("lung", r"bronchopulmonary|\bBPD\b|\bCOPD\b|pulmonary|lung|emphysema|bronch|asthma|pneumon|respiratory|cystic fibrosis"
             r"|pneumoconiosis|silicosis|trache|laryn|airway|dysphonia|vocal"),
    ("kidney", r"kidney|renal|nephr|bladder|urolog|urethr|urinary|\bAKI\b|\bCKD\b|dialysis|glomerul"),
    ("diabetes_metabolic", r"diabet|insulin|\bT[12]DM?\b|metabolic|obesity|hypercholesterol|lipid|mucopolysacchar|lysosomal"
                           r"|hypophosphatasia|glucose"),
    ("skin_wound", r"burn|wound|ulcer|epidermolysis|psoria|dermatitis|eczema|skin|scar|cicatri|keloid|alopecia|vitiligo"
                   r"|lyell|necrolysis|photoaging|wrinkle|lipodystroph|romberg|hemiatrophy|radiation injur|radiodermatitis"),
    ("eye", r"\beye|retin|macula|cornea|glaucoma|optic|ocular|visual|vision|limbal|keratoconus|uveitis|blind"),
    ("reproductive", r"ovar|asherman|intrauterine adhesion|endometri|infertil|uter|pregnan|eclampsia|azoosperm|menopaus"
                     r"|hypogonad|testic|sperm"),
    ("musculoskeletal", r"arthrit|arthros|osteo|cartilag|chondr|\bbone|fracture|union|tendon|tendin|rotator|spine|spinal|disc\b"
                        r"|discs|disk|back pain|joint|knee|\bhip|shoulder|ankle|menisc|ligament|muscle|musculo|epicondyl|cleft"
                        r"|alveolar|periodont|maxill|craniofacial|avascular necrosis|femoral head|spondyl|arthrodesis|fusion"
                        r"|sarcopenia|elbow|plantar|achilles|skeletal|dental|tooth|teeth|gingiv|temporomandibular|leg length"),
    ("ageing_frailty", r"frailty|\baging|ageing|longevity|senescen"),
    ("healthy", r"healthy|normal volunteer"),
]]


def classify_disease_group(t: TrialText) -> Decision:
    """A key of vocab.DISEASE_GROUPS: the focus area, else conditions, MeSH, titles, keywords; "other" last."""
    focus = classify_focus_area(t)
    if focus.value == "covid19_ards":
        # COVID-19 apart from other ARDS / lung injury, so the mid-2020 COVID-19 landscape can be filtered exactly
        covid = _first(_COVID, _texts(t, _CONDITIONS + _TITLES))
        return Decision("covid19", _evidence(covid)) if covid else Decision("lung", focus.evidence)
    if focus.value != "other":
        return focus
    # Conditions before MeSH: MeSH adds broad ancestors ("Wounds and Injuries" for spinal cord injury).
    for field in ("conditions", "mesh_terms", "title", "official_title", "keywords"):
        text = getattr(t, field)
        if text:
            for key, rule in _DISEASE_RULES:
                m = rule.search(text, "")
                if m:
                    return Decision(key, _snippet(text, m.start(), m.end()))
    return Decision("other", "")


# ---------------------------------------------------------------------------------------------- product

_MSC_NAMES = (r"remestemcel|prochymal|multistem|stempeucel|PLX-?PAD|PLX-?R18|cartistem|\btemcell\b|alofisel|darvadstrocel"
              r"|cx601|nurown|lomecel|rexlemestrocel|cellgram|jointstem|astrostem|cupistem|cymerus|furestem|allorx|ALLO-ASC"
              r"|HB-adMSC|ORBCEL|ProTrans|XCEL-UMC|Cellistem")
_MSC = _Rule("mesenchym stromal msc mpc asc adsc adrc svf dpsc menscs stem progenitor precursor " + _MSC_NAMES.lower().replace("|", " ").replace("\\b", "").replace("-?", ""),
             r"mesenchymal|stromal|MSCs?\b|\bMPCs?\b|\bADSCs?\b|\bASCs?\b|\bADRCs?\b|\bSVF\b|\bDPSCs?\b|\bMenSCs?\b|"
             + _MSC_NAMES + r"|stem cells?|progenitor cells?|precursor cells?")
_MSC_CELLS = _Rule("msc mesenchym stromal", r"MSCs?\b(?!-(?:EX|EV|Exo|CM|sEV))|mesenchymal (?:stem |stromal )?cells?|stromal cells?")

_NON_MSC_PRODUCT = _Rule(
    "castem regulatory imrc educator hematopoietic haematopoietic nhpbsc exo hek t-rex cd24",
    r"CAStem|(?:immunity[- ]and[- ])?matrix[- ]regulatory cells|\bIMRCs?\b|stem cell educator"
    r"|non[- ]?h(?:a)?ematopoietic peripheral blood stem cells?|peripheral blood non[- ]?h(?:a)?ematopoietic stem cells?|\bNHPBSCs?\b"
    r"|(?:CSTC|T[- ]cells?)[- ]?(?:derived )?exo(?:some)?s?|amniotic fluid[- ](?:derived )?exosom|\bHEK[- ]?293|T-REx"
    r"|CD24[- ]?(?:exo|overexpress)|\bEXO-CD24")
_HEPATOCYTE_PROGENITOR = _Rule("hepatocyte", r"hepatocyte[- ](?:like|progenitor|precursor)\w*|(?:progenitors?|precursors?) of hepatocytes"
                               r"|differentiated into (?:\w+ ){0,2}hepatocytes|hepatocyte phenotype|trans-?differentiat\w* (?:into )?hepatocyte")
# Non-MSC cell products: decisive only when no MSC is named anywhere.
_OTHER_CELLS = _Rule(
    "mononuclear mnc bmac concentrate platelet prp prf transplant hsct cd34 cd133 chondrocyte endothelial fibroblast "
    "keratinocyte nk car dendritic lymphocyte marrow cells gist stromal tumo sample",
    r"mononuclear cells?|\bBM-?MNCs?\b|\bMNCs?\b|\bBMAC\b|bone marrow (?:aspirate )?concentrate|platelet[- ]rich|\bPRP\b|\bPRF\b"
    r"|h(?:a)?ematopoietic stem cell transplant\w*|stem cell transplant\w*|\bHSCT\b|\bCD34\+?|\bCD133\+?|chondrocytes?"
    r"|endothelial (?:progenitor )?cells?|fibroblasts?|keratinocytes?|\bNK cells?|\bCAR-?T\b|\bCAR-?T[- ]cells?|dendritic cells?|lymphocytes?"
    r"|bone marrow cells|gastrointestinal stromal|\bGIST\b|sample collection|blood samples?")

_EV = _Rule("exo vesicle EV Ev microvesic nanovesic MV",
            r"(?<!blood )(?<!plasma )(?<!serum )(?<!urine )exosom\w*(?!al metabolom)|\bexos?\b|extracellular vesicles?|\w*-?s?EVs?\b|\bExoFlo\b|micro-?vesicles?|nano-?vesicles?|\bMVs\b")
_SECRETOME = _Rule("secretome conditioned factors supernatant lysate",
                   r"secretome|conditioned medi(?:um|a)|MSC[- ]derived (?:soluble )?factors|culture supernatant|\blysate of (?:MSC|stem)")
_TITLE_CELLS = _Rule("msc mesenchym stromal stem", _MSC_CELLS.pattern.pattern + r"|stem cells?")
_ARMS = ("interventions", "intervention_descriptions", "arm_descriptions")
_CELL_DOSE = _Rule("cell", r"cells?\s*/\s*kg|cells? per (?:kg|kilogram)|\b(?:10\S*|million)\s*(?:\w+\s*){0,2}cells")
_PRODUCT_WORD = r"exo|vesic|\bs?EVs?\b|secret|conditioned|supernatant|-EX\b|-CM\b|drops\b"
_CLAUSE_END = re.compile(r"\b(?:and|plus|with|enriched|or|followed|then|versus|vs)\b|[,;.|]", re.IGNORECASE)
_AFTER = re.compile(_PRODUCT_WORD, re.IGNORECASE)                    # "MSC-derived exosomes", "MSC secretome"
_LINKED = re.compile(rf"(?:{_PRODUCT_WORD})\w*\s*-\s*$", re.IGNORECASE)  # "Secretome-MSCs", "Exosome-MSC"
_BEFORE = re.compile(rf"(?:{_PRODUCT_WORD}|particles|factors?)\S*\s.*\b(?:from|of|by)\b", re.IGNORECASE)  # "exosomes from MSCs"


def _is_source(text: str, m: re.Match) -> bool:
    """Is this MSC mention only the source of an EV / secretome product (not cells given to patients)?"""
    after = text[m.end():m.end() + 40]
    clause_end = _CLAUSE_END.search(after)
    after = after[:clause_end.start()] if clause_end else after
    before = text[max(0, m.start() - 80):m.start()]
    ends = list(_CLAUSE_END.finditer(before))
    before = before[ends[-1].end():] if ends else before
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


def classify_product(t: TrialText) -> Decision:
    """msc | msc_ev | msc_secretome | non_msc (never unknown)."""
    tiers = _tiers(t)
    for texts in tiers:
        hit = _first(_NON_MSC_PRODUCT, texts)
        if hit:
            return Decision("non_msc", _evidence(hit))
    for texts in tiers:
        ev, sec = _first(_EV, texts), _first(_SECRETOME, texts)
        if ev or sec:
            # MSCs given in any arm make it a cell trial. A title that names the EV / secretome is trusted over
            # descriptions (which mention MSCs as background); otherwise the interventions and arms decide.
            titles = Texts(x for x, low in _texts(t, _TITLES) if _EV.search(x, low) or _SECRETOME.search(x, low))
            if titles:
                cells = _cells_given(titles, (_TITLE_CELLS,))
            else:
                cells = _cells_given(_texts(t, _ARMS), (_CELL_DOSE, _MSC_CELLS))
            if cells:
                return Decision("msc", _evidence(cells))
            if ev and sec:  # the earlier mention names the product
                sec_first = texts.index(next(x for x in texts if x[0] is sec[0])) < texts.index(next(x for x in texts if x[0] is ev[0])) \
                    or (sec[0] is ev[0] and sec[1].start() < ev[1].start())
                ev = None if sec_first else ev
            return Decision("msc_ev", _evidence(ev)) if ev else Decision("msc_secretome", _evidence(sec))
    for texts in tiers:
        hit = _first(_MSC, texts)
        if hit:
            # MSCs differentiated into hepatocyte progenitors are another cell type (reviewers: other_cell).
            # Tier 1 only: summaries say "MSCs can differentiate into hepatocytes" as background.
            hp = _first(_HEPATOCYTE_PROGENITOR, tiers[0])
            if hp:
                return Decision("non_msc", _evidence(hp))
            return Decision("msc", _evidence(hit))
    for texts in tiers:
        hit = _first(_OTHER_CELLS, texts)
        if hit:
            return Decision("non_msc", _evidence(hit))
    return Decision("msc", "")


# ---------------------------------------------------------------------------------------------- source tissue

_CELL = (r"(?:\w*chymal|stromal|stem|progenitor|precursor|MSCs?|cells?|exosom\w*|extracellular|EVs?|secretome"
         r"|conditioned|derived|origin)")
_BETWEEN = (r"(?:tissue|derived|drived|based|origin\w*|isolated|sourced|cultured|expanded|adherent|regenerative|jelly|matrix|lining"
            r"|human|allogeneic|allogenic|autologous|adult|multipotent|\(\w+\))")
_SOURCE_OF = (r"(?:(?:(?:derived|drived|isolated|obtained|harvested|expanded|extracted|originat\w*|sourced|prepared|collected"
              r"|purified|cultured|separated|taken|and)[\s-]+){1,3}(?:from|of)?|from|of)[\s-]+(?:(?:the|a|human|healthy|donors?'?"
              r"|donated|patients?'?s?|own|autologous|allogeneic|allogenic|adult|young|newborns?'?|fetal|iliac(?: crest| bone)?"
              r"|[\w']+ and)[\s-]+){0,3}")


def _near(gates: str, tissue: str) -> _Rule:
    """`tissue` next to a cell word: "umbilical cord MSCs", "adipose tissue-derived stromal cells",
    "MSCs isolated from the placenta and umbilical cord" (not "MSCs for the treatment of skin ulcers")."""
    return _Rule(gates, rf"(?:{tissue})(?:[\s-]*{_BETWEEN}){{0,3}}[\s-]*{_CELL}\b|\b{_CELL}\)?[\s-]+{_SOURCE_OF}(?:{tissue})")


_TISSUE_RULES: dict[str, _Rule] = {  # vocab order; upper-case gates are abbreviations looked for as written
    "bone_marrow": _near("marrow", r"bone[- ]?marrow")
                   | _Rule("marrow", r"(?:harvest\w*|aspirat\w*|biops\w*|sampl\w*|collect\w*|puncture) (?:of )?(?:\w+ ){0,2}bone[- ]?marrow"
                                     r"|bone[- ]?marrow (?:aspirat|harvest|biops|puncture|concentrate)\w*")
                   | _Rule("BM", r"\bh?BM[- ]?h?MSCs?\b|\bh?BMSCs?\b|\bBM[- ]MPCs?\b|\bBM[- ]derived"),
    "umbilical_cord": _near("umbilic cord", r"umbilical[- ]cord(?![- ]?blood)|\bcord (?:tissue|lining|matrix)|umbilical(?! cord)(?! vein)")
                      | _Rule("UC UMSC", r"\bh?UC[- ]?h?MSCs?\b|\bh?UCMSCs?\b|\bUC[- ]derived|\bhUC\b|\bUMSCs?\b"),
    "wharton_jelly": _Rule("wharton WJ", r"wharton|\bWJ\b|\bWJ[- ]?h?MSCs?\b|\bWJ[- ]?derived"),
    "adipose": _near("adipo fat lipoaspirate", r"adipose|\bfat\b|lipoaspirate|adipocyte")
               | _Rule("ASC", r"\bh?ASCs?\b", unless="adherent stromal")  # Pluristem's placental "adherent stromal cells"
               | _Rule("AD Ad ASC AT ADRC SVF stromal_vascular lipoaspirate liposuction adipose",
                       r"\bh?AD[- ]?MSCs?\b|\bAdMSCs?\b|\bh?ADSCs?\b|\bAT[- ]?MSCs?\b|\bADRCs?\b|\bSVF\b"
                       r"|stromal vascular fraction|\bAD[- ]derived|adipose[- ](?:tissue[- ])?derived|\bAMSCs?\b|lipoaspirate"
                       r"|liposuction"),
    "placenta": _near("placent decidu chorion", r"placenta\w*|decidua\w*|chorion\w*")
                | _Rule("PD PL PMSC PLX", r"\bP[DL][- ]?MSCs?\b|\bPMSCs?\b|PLX-?PAD|PLX-?R18"),
    "amnion": _near("amnio", r"amnio\w*")
              | _Rule("AM hAEC amniotic", r"\bAM[- ]?MSCs?\b|\bhAECs?\b|amniotic (?:membrane|fluid|epithel)"),
    "cord_blood": _near("cord_blood cord-blood", r"cord[- ]blood") | _Rule("UCB CB", r"\bh?UCB[- ]?h?MSCs?\b|\bCB[- ]?MSCs?\b|\bUCB[- ]derived"),
    "dental_pulp": _near("pulp teeth tooth exfoliated", r"dental[- ]pulp|\bpulp|deciduous teeth|exfoliated|tooth|teeth")
                   | _Rule("DPSC SHED", r"\bh?DPSCs?\b|(?-i:\bSHEDs?\b)"),
    "menstrual_blood": _near("menstru", r"menstru\w*(?: blood)?") | _Rule("MenSC ERC endometrial_regenerative",
                                                             r"\bMenSCs?\b|endometrial regenerative cells?|\bERCs?\b"),
    "olfactory_mucosa": _Rule("olfactory", r"olfactory (?:mucosa|ensheathing|stem|ecto)\w*"),
    "skin": _near("skin derm hair", r"\bskin|dermal|dermis|hair follicle") | _Rule("ABCB5", r"ABCB5"),
    "peripheral_blood": _near("peripheral_blood peripheral-blood", r"peripheral[- ]blood(?! mononuclear)")
                        | _Rule("PB hematopoietic haematopoietic", r"\bPB[- ]?MSCs?\b|non[- ]?h(?:a)?ematopoietic peripheral blood stem cells?"),
    "ips_derived": _Rule("pluripotent ips iPS ESC embryonic CYP cymerus castem",
                         r"induced pluripotent|\bh?iPS\w*|\bESC[- ]derived|\bhESCs?\b|embryonic stem|\bCYP-00\d|cymerus|CAStem|pluripotent"),
    "other": _near("synovi muscle periodontal gingiva endometri liver-derived liver_derived fetal_liver",
                   r"synovi\w*|\bmuscle|periodontal ligament|gingiva\w*|endometri\w*(?! regenerative)|liver[- ]derived|fetal liver")
             | _Rule("hepastem PDLSC GMSC", r"hepastem|\bPDLSCs?\b|\bGMSCs?\b"),
}
# Product names whose tissue is public and stable; the evidence says so.
_PRODUCT_TISSUE: list[tuple[_Rule, str, str]] = [(_Rule(g, p), k, note) for g, p, k, note in [
    ("remestemcel prochymal ryoncil temcell", r"remestemcel\S*|prochymal|ryoncil|\btemcell\b", "bone_marrow", "bone marrow MSC product"),
    ("multistem", r"multistem", "bone_marrow", "bone marrow-derived MAPC product"),
    ("stempeucel", r"stempeucel", "bone_marrow", "pooled bone marrow MSC product"),
    ("exoflo", r"exoflo", "bone_marrow", "bone marrow MSC EV product"),
    ("rexlemestrocel", r"rexlemestrocel\S*", "bone_marrow", "bone marrow MPC product"),
    ("nurown msc-ntf", r"nurown|MSC-NTF", "bone_marrow", "autologous bone marrow MSC product"),
    ("lomecel", r"lomecel\S*", "bone_marrow", "bone marrow MSC product"),
    ("neuronata lenzumestrocel", r"neuronata\S*|lenzumestrocel", "bone_marrow", "autologous bone marrow MSC product"),
    ("stemirac", r"stemirac", "bone_marrow", "autologous bone marrow MSC product"),
    ("cellgram", r"\w*cellgram\S*", "bone_marrow", "bone marrow MSC product"),
    ("obnitix mc0518", r"obnitix|MC0518", "bone_marrow", "pooled bone marrow MSC product"),
    ("plx", r"PLX-?PAD|PLX-?R18", "placenta", "placenta-derived cell product"),
    ("cartistem", r"cartistem", "cord_blood", "umbilical cord blood MSC product"),
    ("alofisel darvadstrocel cx601", r"alofisel|darvadstrocel|cx601", "adipose", "adipose MSC product"),
    ("jointstem astrostem cupistem", r"jointstem|astrostem|cupistem", "adipose", "adipose MSC product"),
    ("cymerus cyp-00", r"cymerus|CYP-00\d", "ips_derived", "iPSC-derived MSC product"),
]]


def _tissues_in(texts: Texts) -> tuple[list[str], list[str]]:
    d = _multi(_TISSUE_RULES, texts)
    keys = [] if d.value == UNKNOWN else d.value.split(MULTI_SEP)
    evid = [d.evidence] if d.evidence else []
    for rule, key, note in _PRODUCT_TISSUE:
        hit = _first(rule, texts)
        if hit and key not in keys:
            keys.append(key)
            evid.append(f"{hit[1].group(0)} ({note})")
    return keys, evid


_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\s\|\s")


def classify_source_tissue(t: TrialText) -> Decision:
    """';'-joined SOURCE_TISSUES keys, or unknown."""
    tier1, tier2 = _tiers(t)
    keys, evid = _tissues_in(tier1)
    if not keys and tier2:
        keys, evid = _tissues_in(tier2)
        if len(keys) >= 3:
            # A summary sentence naming three or more tissues is background ("MSCs can be isolated from ...").
            keys, evid = [], []
            for text, _ in tier2:
                for sentence in _SENTENCE.split(text):
                    k, e = _tissues_in(Texts([sentence]))
                    if len(k) < 3:
                        keys += [x for x in k if x not in keys]
                        evid += e
    if not keys:
        return NO
    return Decision(MULTI_SEP.join(k for k in SOURCE_TISSUES if k in keys), " / ".join(dict.fromkeys(evid)))


# ---------------------------------------------------------------------------------------------- donor

# A donor word describes the cells, not the transplant setting or another material ("allogeneic HSCT", "autologous serum").
_SETTING = (r"(?![\s-]+(?:\w+[\s-]+){0,2}?(?:h(?:a)?ematopoietic|HSCT|HCT|BMT|SCT\b|stem cell transplant|bone marrow transplant"
            r"|(?:cord blood )?transplant(?:ation)?\b|serum|plasma|platelet|PRP|blood\b|chondrocyte|fat graft|fat transfer|bone graft"
            r"|T[- ]cells|lymphocytes|HSC\b|CAR|NK\b|recipients?|donors? lymph))")
_DONOR_RULES: dict[str, _Rule] = {
    "allogeneic": _Rule("allogen allogenic allo- autologous third donor",
                        r"(?:\ballo(?:gene(?:ic|ous)|genic|genetic)\b|\ballo-(?!HSCT|SCT|HCT|BMT|transplant)|non[- ]?autologous"
                        r"|third[- ]party|(?:healthy|unrelated|adult|young|screened|donated)(?:[\s-]+\w+)?[\s-]+donors?\b"
                        r"|\bdonor[- ]derived)" + _SETTING),
    "autologous": _Rule("auto own",
                        r"(?:(?<!non-)(?<!non )\bauto(?:logous|genous|genic)\b|\bauto-(?!HSCT|SCT|HCT|immun)|patient'?s'? own"
                        r"|their own|his own|(?:her|own) (?:bone marrow|adipose|fat|cells|stem cells|mesenchymal))" + _SETTING),
}


def classify_donor(t: TrialText) -> Decision:
    """allogeneic | autologous | both (arms differ) | unknown."""
    for texts in _tiers(t):
        d = _multi(_DONOR_RULES, texts)
        if d.value != UNKNOWN:
            return Decision("both" if MULTI_SEP in d.value else d.value, d.evidence)
    return NO


# ---------------------------------------------------------------------------------------------- route

# "IV" as a word, but not the Roman numeral of a phase, grade, stage, class ... (the look-behinds run after the match).
_IV = (r"(?-i:(?<![\w/-])IV(?![\w/-]))" + "".join(f"(?<!{w} iv)" for w in (
    "phase", "grade", "stage", "type", "class", "level", "nyha", "step", "part", "group", "arm", "cohort", "category",
    "and", "or", "to", "gold", "ckd", "fontaine", "kl", "outerbridge", "icrs")) + r"(?<!phaseiv)(?<!\(iv)")
_ROUTE_RULES: dict[str, _Rule] = {k: v if isinstance(v, _Rule) else _Rule(*v)  # type: ignore[misc]  # tuples or rules
                                  for k, v in {  # vocab order
    "intravenous": ("intraven i.v IV vein venous infus systemic vena intravenal",
                    r"intra-?venous\w*|\bi\.v\.|" + _IV + r"|peripheral(?:ly)? (?:vein|venous|infusion)|venous (?:infusion|injection|route"
                    r"|administration|catheter)|(?<!portal )(?<!hepatic )(?<!splenic )(?<!umbilical )(?<!renal )\bvein\b(?! graft)|(?:systemic|systemically|peripheral) (?:infusion|administration)"
                    r"|intravenal|\bvena\b"),
    "inhalation": ("nebuli aerosol inhal atomi", r"nebuli[sz]\w*|aerosol\w*|inhal\w*|atomi[sz]\w*"),
    "intratracheal": ("trache bronch pulmonary", r"intra-?trache\w*|endo-?trache\w*|bronchoscop\w*|intra-?bronch\w*|intra-?pulmonary"),
    "hepatic_artery": ("hepatic", r"hepatic arter\w*|arteria hepatica|hepatic intra-?arterial"),
    "portal_vein": ("portal", r"portal vein|intra-?portal|trans-?portal|portal venous"),
    "intrasplenic": ("splen spleen", r"intra-?splenic|splenic (?:arter|puncture|inject)\w*|into the spleen"),
    "intra_arterial": ("arteri carotid", r"intra-?arterial\w*|intra-?carotid|carotid arter\w*|femoral arter\w*|vertebral arter\w*"
                       r"|arterial (?:infusion|injection)|renal arter\w*"),
    "intracoronary": ("coronar", r"intra-?coronar\w*|coronary arter\w* (?:infusion|injection)"),
    "intramyocardial": ("myocard endocard epicard noga NOGA heart", r"intra-?myocardi\w*|trans-?endocardi\w*|endomyocardi\w*"
                        r"|epicardi\w*|\bNOGA\b|into the (?:myocardium|heart muscle)|myocardial injection"),
    "intrathecal": ("theca lumbar subarachnoid cistern", r"intra-?theca\w*|lumbar puncture|subarachnoid|intra-?cisternal"),
    "intracerebral": ("cerebr parenchym paranchym stereota ventricul striat nigr brain spinal medullary",
                      r"intra-?cerebral(?! h(?:a)?emorrh)|intra-?par[ae]n?chymal|stereota\w*|intra-?cerebroventricular"
                      r"|intraventricular(?! h(?:a)?emorrh)|intra-?striatal|intra-?nigral|into the brain|intra-?spinal"
                      r"|intra-?medullary (?:spinal|injection)"),
    "intramuscular": ("intramusc intra-musc i.m IM muscle", r"intra-?muscular\w*|\bi\.m\.|(?-i:(?<![\w/-])IM(?![\w/-]))"
                      r"|into the (?:\w+ ){0,2}muscles?|muscle injection"),
    "intra_articular": ("articular joint knee synovial capsular", r"intra-?articular\w*|into the (?:\w+ ){0,2}(?:joint|knee)"
                        r"|joint (?:cavity|space) injection|intra-?synovial|knee injection|joint injection|intra-?capsular"),
    "intradiscal": ("discal disc disk pulposus", r"intra-?discal|into the (?:\w+ ){0,2}dis[ck]s?\b|nucleus pulposus"),
    "intravitreal": ("vitreal vitreous retinal choroidal tenon conjunctival cameral bulbar ocular",
                     r"intra-?vitreal\w*|sub-?retinal\w*|supra-?choroidal|sub-?tenon|sub-?conjunctival|intra-?cameral"
                     r"|retrobulbar|peribulbar|intra-?ocular|vitreous cavity|into the vitreous"),
    "subcutaneous": ("subcutan sub-cutan s.c", r"sub-?cutaneous\w*|\bs\.c\."),
    "intradermal": ("dermal cutaneous", r"intra-?dermal\w*|intra-?cutaneous"),
    "local_injection": _Rule("local lesion fistul cavernos ovarian tendin glandular osseous pancrea perianal peri-anal sphincter "
                             "submucos myometr endometri",
                             r"local(?:ly)? (?:inject\w*|infiltrat\w*|administ\w*)|intra-?lesional\w*|peri-?lesional|peri-?fistul\w*"
                             r"|intra-?cavernos\w*|intra-?ovarian|intra-?tendin\w*|peri-?tendin\w*|intra-?glandular|intra-?osseous"
                             r"|intra-?pancrea\w*|peri-?anal injection|intra-?sphincter\w*|submucos\w*|intra-?myometr\w*"
                             r"|intra-?endometri\w*")
                       | _Rule("into_the to_the injected", r"(?:inject\w* (?:directly )?)?(?:into|to|around) the (?:\w+ ){0,2}(?:fistula|lesion|sphincter"
                                                    r"|wound bed|wound edges?|ulcer|scar|tendon|ovar\w*|penis|corpus cavernosum"
                                                    r"|gingiva\w*|defect)|injected (?:directly )?(?:into|around) the"),
    "topical": ("topical drop applied spray dressing gel ointment cream",
                r"topical\w*|eye ?drops?|/\s*drop\b|\bdrops? (?:\w+ )?(?:times|daily|a day)|applied (?:directly )?(?:on|onto|to) the (?:wound|ulcer|skin|burn|lesion|surface)"
                r"|spray(?:ed)? (?:on|onto)|dressing|\bgel\b|ointment|cream"),
    "implant": ("scaffold seeded hydrogel sheet fibrin patch membrane collagen phosphate tcp TCP hydroxyapatite substitute "
                "biomaterial carrier matrix graft implant",
                r"scaffold|seeded|hydrogel|cell sheets?|fibrin glue|\bpatch\b|collagen (?:matrix|sponge)"
                r"|tricalcium phosphate|\bTCP\b|hydroxyapatite|bone substitute|biomaterial|carrier|matrix|graft(?:ed|ing)? with"
                r"|(?:amniotic|collagen|resorbable|fibrin|PRF|scaffold|barrier) membrane"
                r"|implant\w*"),
    "intraperitoneal": ("peritone i.p", r"intra-?peritoneal\w*|\bi\.p\."),
    "other": ("intra-uterine intrauterine tympan vesical pleural pericard intrahepatic intra-hepatic intrarenal intra-renal "
              "amniotic intracardiac intra-cardiac nodal lymphatic gastric testicular rectal",
              r"intra-?uterine|intra-?tympanic|intra-?vesical|intra-?pleural|intra-?pericardial|intra-?hepatic(?! arter)"
              r"|intra-?renal|intra-?amniotic|intra-?cardiac|intra-?nodal|intra-?lymphatic|intra-?gastric|intra-?testicular"
              r"|\brectal(?:ly)? (?:administ|enema|instill)"),
}.items()}
_INTRANASAL = _Rule("nasal", r"intra-?nasal\w*|nasal (?:drops?|drip|spray|administration|route)")
_INFUSION = _Rule("infus drip", r"\binfus\w*|\bdrip\b")
_NEURO = dict(_DISEASE_RULES)["neurological"]


_PRODUCT_MENTION = _Rule("mesenchym stromal msc stem cell exosom vesic EV secretome conditioned product " + _MSC_NAMES.lower().replace("|", " ").replace("\\b", "").replace("-?", ""),
                         r"mesenchymal|stromal|MSC|stem|cells?\b|exosom|vesic|\bs?EVs?\b|secretome|conditioned|product|" + _MSC_NAMES)


def _segment(text: str, start: int, end: int) -> str:
    """The field part (" | ") or sentence around a match."""
    a = max(text.rfind(" | ", 0, start), text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    stops = [i for i in (text.find(" | ", end), text.find(". ", end), text.find("; ", end)) if i >= 0]
    return text[a + 1 if a >= 0 else 0:min(stops) if stops else len(text)]


def _routes(texts: Texts) -> tuple[dict[str, str], dict[str, str]]:
    """Route keys found in `texts` -> evidence: (those in a sentence naming the cell product, all)."""
    named: dict[str, str] = {}
    anywhere: dict[str, str] = {}
    for key, rule in _ROUTE_RULES.items():
        patterns = rule.open(texts.text, texts.low)
        for text, _low in texts if patterns else ():
            for m in (m for p in patterns for m in p.finditer(text)):
                if key not in anywhere:
                    anywhere[key] = _snippet(text, m.start(), m.end(), 80)
                seg = _segment(text, m.start(), m.end())
                if _PRODUCT_MENTION.search(seg, seg.lower()):
                    named[key] = _snippet(text, m.start(), m.end(), 80)
                    break
            if key in named:
                break
    return named, anywhere


def classify_route(t: TrialText) -> Decision:
    """';'-joined ROUTES keys, or unknown."""
    tier1, tier2 = _tiers(t)
    named, anywhere = _routes(tier1)
    # A route in a sentence naming the product beats one stated for a comparator ("intra-articular corticosteroids");
    # any tier-1 field next ("Intravenous injection" as an arm description); the summary only where it names the product.
    found = named or anywhere or _routes(tier2)[0]
    nasal = _first(_INTRANASAL, tier1) or (None if named or anywhere else _first(_INTRANASAL, tier2))
    if nasal:
        # Intranasal is a route to the brain in neurological trials and to the airway otherwise.
        neuro = _first(_NEURO, _texts(t, _CONDITIONS + _TITLES))
        found["intracerebral" if neuro else "inhalation"] = _evidence(nasal, 80)
    if not found:
        for texts in (tier1, tier2):
            inf = _first(_INFUSION, texts)
            if inf:  # a cell "infusion" with no route named is intravenous
                return Decision("intravenous", _evidence(inf))
        return NO
    keys = [k for k in ROUTES if k in found]
    evid = " / ".join(dict.fromkeys(found[k] for k in keys))
    return Decision(MULTI_SEP.join(keys), evid if len(evid) <= _EVIDENCE_MAX + 40 else evid[:_EVIDENCE_MAX + 39] + "…")


# ---------------------------------------------------------------------------------------------- dose

_NUM = r"\d+(?:[.,·]\d+)?"
_POW = (rf"(?P<m>{_NUM})?\s*(?:[x×\*·]|times)\s*10\s*(?:\^|\*\*|\*|e|E|\(|exp)?\s*\+?(?P<e>\d{{1,2}})(?!\d)\)?"
        rf"|(?P<m4>{_NUM})\s*[x×\*]\s*(?P<big2>10{{3,}})(?![\d,.])"  # "1x1000000"
        rf"|(?P<m2>{_NUM})\s*[eE]\+?0?(?P<e2>\d)\b|(?<![\d.])10\s*(?:\^|\*\*|e|E)\s*(?P<e3>\d{{1,2}})\b")
_WORDS = rf"(?P<w>{_NUM})\s*(?P<mult>million|mio\b|billion|thousand|(?-i:M\b)|mn\b)"
_RANGE = rf"(?P<range>(?:{_NUM}\s*(?:-|–|to|or|and|,|/)\s*)+)?"
_KG_AFTER = re.compile(r"\s*(?:/|per|each)\s*(?:kg\b|kilo)", re.IGNORECASE)
_PER_KG = r"\s*(?:[\w-]+\s*){0,3}?(?:/|per|each)\s*(?:kg|kilo\w*)|\s*/\s*kg"
_DOSE = _Rule("10 million mio billion thousand mn e6 e7 e8 e9 e+0 ,000,",
              rf"{_RANGE}(?:{_POW}|{_WORDS}|(?P<big>\d{{1,3}}(?:,\d{{3}}){{2,}}))"
              rf"(?P<unit>{_PER_KG}|(?:\s*[\w-]+){{0,4}}?\s*(?:cells?\b|MSCs?\b|[A-Za-z]*SCs?\b|particles|exosomes|EVs?\b|vesicles)"
              rf"|\s*(?:µg|ug|μg|mg|ml)\b)?")
_NOT_CELLS = re.compile(r"particles|exosom|\bEVs?\b|vesicles|µg|ug|μg|mg|\bml\b", re.IGNORECASE)
_PER_VOLUME = re.compile(r"^\s*(?:/|per)\s*\d*\s*(?:ml|cm3|l)\b", re.IGNORECASE)
_CELLS_BEFORE = re.compile(r"(?:cells?|MSCs?|[A-Za-z]*SCs?|stem cells?)\W{0,3}(?:\w+\W+){0,2}$", re.IGNORECASE)


def _value(g: dict[str, str | None]) -> float | None:
    num = lambda s: float(s.replace(",", ".").replace("·", "."))  # noqa: E731 - decimal comma / middle dot
    if g["e"] is not None:
        return num(g["m"] or "1") * 10.0 ** int(g["e"])
    if g["big2"] is not None:
        return num(g["m4"]) * float(g["big2"])
    if g["e2"] is not None:
        return num(g["m2"]) * 10.0 ** int(g["e2"])
    if g["e3"] is not None:
        return 10.0 ** int(g["e3"])
    if g["w"] is not None:
        mult = {"million": 1e6, "mio": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "thousand": 1e3}[str(g["mult"]).lower()]
        return num(g["w"]) * mult
    if g["big"] is not None:
        return float(g["big"].replace(",", ""))
    return None


def _dose_matches(texts: Texts) -> Iterable[tuple[str, re.Match]]:
    """Dose phrases in field order: a count with a unit, or a bare count right after "MSCs" / "cells"."""
    for pattern in _DOSE.open(texts.text, texts.low):
        for text, _ in texts:
            for m in pattern.finditer(text):
                if m.group("unit") or _CELLS_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
                    yield text, m


def parse_dose(t: TrialText) -> Dose:
    """The first dose phrase, and cells/kg or total cells when it states a single cell count."""
    order = ("intervention_descriptions", "arm_descriptions", "interventions", "summary", "title", "official_title")
    hit = next(iter(_dose_matches(_texts(t, order))), None)
    if not hit:
        return Dose("", None, None)
    text, m = hit
    phrase = _snippet(text, m.start(), m.end(), 120).strip("…")[:200]
    unit = m.group("unit") or ""
    value = _value(m.groupdict())
    per_volume = _PER_VOLUME.search(text[m.end():m.end() + 15])
    if (value is None or m.group("range") or per_volume
            or (_NOT_CELLS.search(unit) and not re.search(r"cell|MSC|SC", unit, re.IGNORECASE))):
        return Dose(phrase, None, None)  # a range, a list of doses, a concentration or an EV dose: text only
    # "1.5 million adipose-derived mesenchymal stem cells per kg": the body-weight unit follows the cell noun
    if re.search(r"kg|kilo", unit, re.IGNORECASE) or _KG_AFTER.match(text[m.end():m.end() + 20]):
        return Dose(phrase, value, None)
    return Dose(phrase, None, value)
