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

from msc_atlas.pipeline import products
from msc_atlas.pipeline.dose import Dose, parse_dose  # noqa: F401 - part of this module's interface
from msc_atlas.pipeline.text import EVIDENCE_MAX as _EVIDENCE_MAX
from msc_atlas.pipeline.text import NO, Decision, Texts, TrialText, trial_sentences
from msc_atlas.pipeline.text import Rule as _Rule
from msc_atlas.pipeline.text import evidence as _evidence
from msc_atlas.pipeline.text import first as _first
from msc_atlas.pipeline.text import multi as _multi
from msc_atlas.pipeline.text import snippet as _snippet
from msc_atlas.pipeline.text import texts_of as _texts
from msc_atlas.vocab import MULTI_SEP, ROUTES, SOURCE_TISSUES, UNKNOWN

_TIER1 = ("title", "official_title", "interventions", "intervention_descriptions", "arm_labels", "arm_descriptions")
_TIER2 = ("summary", "keywords")  # plus the trial's own sentences of the detailed description (_tiers)
_TITLES = ("title", "official_title")
_CONDITIONS = ("conditions", "mesh_terms")


def _tiers(t: TrialText) -> tuple[Texts, Texts]:
    """Tier 1: the product's own fields and titles; tier 2: summary, keywords and the sentences of the detailed
    description about this trial's own procedure (never its background)."""
    return _texts(t, _TIER1), Texts([t.summary, trial_sentences(t.detailed_description), t.keywords])


# ---------------------------------------------------------------------------------------------- focus area

_COVID = _Rule(
    "cov corona", r"(?<!non-)(?<!non )(?:covid|sars[- ]?cov|2019[- ]?n[- ]?cov|\bncov\b|corona ?virus|corona disease)"
)
_ARDS = _Rule(
    "ards respiratory distress lung ali ARDS ALI",
    r"\bARDS\b|acute respiratory distress|adult respiratory distress|respiratory distress syndrome,? adult"
    r"|(?:acute|surgery[- ]induced|post-?operative|ventilator[- ]induced|traumatic) lung injur\w*|(?-i:\bALI\b)",
)
_LIVER = _Rule(
    "liver hepat cirrho biliar cholang pbc psc nash nafld aclf wilson crigler hbv hcv",
    r"\bliver\b(?! metasta)|hepatic(?! arter)|hepatitis|hepato(?!cyte growth)(?!splenic)|(?<!renal )(?<!kidney )cirrho"
    r"|biliar|cholang|\bPBC\b|\bPSC\b(?!-\d)|\bNASH\b|\bNAFLD\b|\bACLF\b|wilson'?s? disease|crigler|\bHBV\b|\bHCV\b",
)
# A condition entry that names the procedure or the product, not a disease ("Stem Cell Transplantation",
# "Mesenchymal Stem Cells", "Cell Therapy", "Bone Marrow Donor"), or NCI's boilerplate "Cancer": it must not hide the
# disease listed beside it or in the MeSH terms.
_PROCEDURE_ENTRY = re.compile(
    r"^\W*(?:(?:human|adult|allogeneic|allogenic|autologous|umbilical|cord|adipose|bone|marrow|derived|mesenchymal|stromal"
    r"|stem|progenitor|cell|cellular|therapy)[\s-]+)*(?:cells?|MSCs?|therapy|therapies)(?:[\s-]+(?:transplant\w*|therapy"
    r"|therapies|infusion|injection|treatment|implantation|administration))?\W*$|^\W*(?:regenerative medicine|tissue "
    r"engineering|(?:bone marrow|healthy|stem cell) donors?|cancer)\W*$",
    re.IGNORECASE,
)  # NCI lists a bare "Cancer"


def _condition_texts(t: TrialText) -> Texts:
    """Condition and MeSH entries without the procedure entries (kept when nothing else is listed), then the titles."""
    entries = [e for field in _CONDITIONS for e in re.split(r"\s\|\s", getattr(t, field)) if e.strip()]
    diseases = [e for e in entries if not _PROCEDURE_ENTRY.match(e)]
    return Texts([*(diseases or entries), t.title, t.official_title])


# Liver words that belong to another disease: GvHD of the liver.
_LIVER_NOT = _Rule("graft gvhd", r"graft[- ]?(?:versus|vs\.?)[- ]?host|\bgvhd\b")


def classify_focus_area(t: TrialText) -> Decision:
    """covid19_ards | liver | other, from conditions, MeSH terms and titles (never the summary)."""
    texts = _condition_texts(t)
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
_DISEASE_RULES: list[tuple[str, _Rule]] = [
    (k, _Rule("", p))
    for k, p in [
        (
            "other",
            r"depressi|alcohol use|schizophren|bipolar|psychiatr|anxiety|addiction|substance use|post-?traumatic stress",
        ),
        ("reproductive", r"uterine|cesarean|caesarean|asherman|intrauterine adhesion"),
        ("gvhd_immune", r"psoria"),
        ("lung", r"airway|tracheo\w*|respiratory tract|broncho-?pleural"),
        ("neurological", r"multiple sclerosis|cerebrovascular|isch(?:a)?emic stroke|cerebral infarct"),
        ("musculoskeletal", r"avascular necrosis|osteonecrosis"),
        ("skin_wound", r"foot, diabetic|diabetic foot"),
        # a transplanted organ's rejection or tolerance (not the organ's disease); a liver transplant is liver (focus area)
        (
            "gvhd_immune",
            r"(?:kidney|renal|lung|heart|islet|solid organ|organ) (?:allo)?transplant\w*|allograft"
            r"|(?:transplant\w*|graft|allograft) (?:\w+ ){0,3}?(?:rejection|tolerance)|(?:rejection|tolerance) "
            r"(?:\w+ ){0,4}?(?:transplant\w*|graft|allograft)",
        ),
        ("cancer", r"gastrointestinal stromal|\bGIST\b"),  # a tumour, not a GI disease or an MSC ("stromal")
        (
            "kidney",
            r"lupus nephritis|diabetic (?:nephropath|kidney)|erectile|peyronie|urinary incontinence|stress incontinence"
            r"|interstitial cystitis",
        ),
        ("skin_wound", r"diabetic (?:foot|wound|ulcer|leg ulcer)|foot ulcer"),
        ("eye", r"diabetic retinopath|diabetic macular"),
        (
            "vascular",
            r"critical limb|limb isch|diabetic (?:angiopath|vascul|limb)|buerger|thromboangiitis|peripheral (?:arter|vascul)"
            r"|intermittent claudication",
        ),
        (
            "gvhd_immune",
            r"graft[- ]?(?:versus|vs\.?|-)[- ]?host|\bgvhd\b|\bgvh\b|lupus|rheumatoid|systemic sclerosis|scleroderma"
            r"|sj[oö]gren|autoimmun|ankylosing|dermatomyositis|polymyositis|vasculitis|beh[cç]et|rejection"
            r"|immune thrombocytop|myasthenia|immune system disease",
        ),
        (
            "gastrointestinal",
            r"crohn|fistula|colitis|inflammatory bowel|\bIBD\b|pancreatitis|pouchitis|\bpouch\b|fa?ecal incontinence"
            r"|anal sphincter|esophag|oesophag|gastr|intestin|bowel|xerostomia|dry mouth|hyposalivation|salivary|mucositis",
        ),
        (
            "cancer",
            r"cancer|carcinoma|tumou?r|neoplasm|glioblastoma|glioma|sarcoma|melanoma"
            r"|neuroblastoma|oncolog",
        ),
        (
            "haematological",
            r"aplastic|graft failure|poor graft function|engraftment|h(?:a)?ematopoietic|haemopoietic|stem cell transplant"
            r"|bone marrow transplant|\bHSCT\b|\bHCT\b|leuk[ae]mia|lymphoma|myelodysplas|myeloma|h(?:a)?emophilia|thalass"
            r"|sickle|diamond[- ]blackfan|fanconi|h(?:a)?ematolog|cytopeni|chimerism|immune reconstitution|myeloproliferative"
            r"|myelofibrosis|neutropeni|an(?:a)?emia|malignan",
        ),
        (
            "neurological",
            r"stroke|cerebral|brain|spinal cord|amyotrophic|\bALS\b|multiple sclerosis|parkinson|alzheimer|dementia"
            r"|autis|huntington|multiple system atrophy|ataxia|neuro|palsy|epilep|demyelinat|nervous system|optic nerve"
            r"|optic atrophy|charcot|duchenne|muscular dystroph|myelitis|encephal|hypoxic[- ]ischemic"
            r"|intraventricular h(?:a)?emorrh|paralysis|parapleg|tetrapleg|quadripleg|spinal muscular",
        ),
        (
            "cardiovascular",
            r"heart|cardi|myocard|coronary|angina|ventricular|hypoplastic left|pulmonary (?:arterial )?hypertension",
        ),
        (
            "vascular",
            r"isch(?:a)?emi|(?<!a)vascular|arter(?:y|ial) disease|atheroscler|lymph(?:o)?edema|varic|endothelial dysfunction|raynaud",
        ),
        (
            "lung",
            r"bronchopulmonary|\bBPD\b|\bCOPD\b|pulmonary|lung|emphysema|bronch|asthma|pneumon|respiratory|cystic fibrosis"
            r"|pneumoconiosis|silicosis|trache|laryn|airway|dysphonia|vocal",
        ),
        ("kidney", r"kidney|renal|nephr|bladder|urolog|urethr|urinary|\bAKI\b|\bCKD\b|dialysis|glomerul"),
        (
            "diabetes_metabolic",
            r"diabet|insulin|\bT[12]DM?\b|metabolic|obesity|hypercholesterol|lipid|mucopolysacchar|lysosomal"
            r"|hypophosphatasia|glucose",
        ),
        (
            "skin_wound",
            r"burn|wound|ulcer|epidermolysis|psoria|dermatitis|eczema|skin|scar|cicatri|keloid|alopecia|vitiligo"
            r"|lyell|necrolysis|photoaging|wrinkle|lipodystroph|romberg|hemiatrophy|radiation injur|radiodermatitis",
        ),
        ("eye", r"\beye|retin|macula|cornea|glaucoma|optic|ocular|visual|vision|limbal|keratoconus|uveitis|blind"),
        (
            "reproductive",
            r"ovar|asherman|intrauterine adhesion|endometri|infertil|uter|pregnan|eclampsia|azoosperm|menopaus"
            r"|hypogonad|testic|sperm",
        ),
        (
            "musculoskeletal",
            r"arthrit|arthros|osteo|cartilag|chondr|\bbone|fracture|union|tendon|tendin|rotator|spine|spinal|disc\b"
            r"|discs|disk|discogenic|lumbar|back pain|joint|knee|\bhip|shoulder|ankle|menisc|ligament|muscle|musculo|epicondyl|cleft"
            r"|alveolar|periodont|maxill|craniofacial|avascular necrosis|femoral head|spondyl|arthrodesis|fusion"
            r"|sarcopenia|elbow|plantar|achilles|skeletal|dental|tooth|teeth|gingiv|temporomandibular|leg length",
        ),
        ("ageing_frailty", r"frailty|\baging|ageing|longevity|senescen"),
        ("healthy", r"healthy|normal volunteer|human volunteers|\bvolunteers\b"),
    ]
]


def classify_disease_group(t: TrialText) -> Decision:
    """A key of vocab.DISEASE_GROUPS: the focus area, else conditions, MeSH, titles, keywords; "other" last."""
    focus = classify_focus_area(t)
    if focus.value == "covid19_ards":
        # COVID-19 apart from other ARDS / lung injury, so the mid-2020 COVID-19 landscape can be filtered exactly
        covid = _first(_COVID, _texts(t, _CONDITIONS + _TITLES))
        return Decision("covid19", _evidence(covid)) if covid else Decision("lung", focus.evidence)
    if focus.value != "other":
        return focus
    # Conditions before MeSH: MeSH adds broad ancestors ("Wounds and Injuries" for spinal cord injury). Entries that
    # name a procedure or the product ("Stem Cell Transplantation") are left out of both.
    for field in ("conditions", "mesh_terms", "title", "official_title", "keywords"):
        text = getattr(t, field)
        if field in _CONDITIONS:
            entries = [e for e in re.split(r"\s\|\s", text) if e.strip()]
            text = " | ".join(e for e in entries if not _PROCEDURE_ENTRY.match(e))
        if text:
            for key, rule in _DISEASE_RULES:
                m = rule.search(text, "")
                if m:
                    return Decision(key, _snippet(text, m.start(), m.end()))
    return Decision("other", "")


# ---------------------------------------------------------------------------------------------- product

# Named MSC products the patterns below know without the dictionary (the dictionary adds tissue and donor).
_MSC_NAMES = (
    r"remestemcel|prochymal|multistem|stempeucel|PLX-?PAD|PLX-?R18|emiplacel|cartistem|\btemcell\b|alofisel"
    r"|darvadstrocel|cx601|cx611|nurown|lomecel|rexlemestrocel|cellgram|jointstem|astrostem|cupistem|cymerus"
    r"|furestem|allorx|ALLO-ASC|HB-adMSC|ORBCEL|ProTrans|XCEL-UMC|Cellistem|pneumostem|CYP-00\d|celyvir"
    r"|exoflo|NestaCell|obnitix|MC0518"
)
_NAME_GATES = (
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
_MSC = _Rule(
    "mesenchym stromal msc mpc asc adsc adrc svf dpsc menscs wharton mapc adipose fat umbilical cord placent amnio "
    "dental menstrual decidua endometri synovi strocel stemcel " + _NAME_GATES,
    r"mesenchym\w*|stromal cells?|stromal vascular fraction|MSCs?\b|\w+-MSCs?\b|\bMPCs?\b|\bADSCs?\b|\bh?ASCs?\b"
    r"|\bADRCs?\b|\bSVF\b|\bDPSCs?\b|\bMenSCs?\b|\bMAPCs?\b|wharton'?s? jelly"
    # INN stems of MSC products: -mestrocel / -strocel (stromal cells), -stemcel (remestemcel-L)
    r"|\b\w+(?:strocel|stemcel)\b|"
    + _MSC_NAMES
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
_BACKGROUND = re.compile(
    r"\b(?:have|has) been|\b(?:can|could|may|might|would)\b|are known|studies|previous|reported|shown"
    r"|widely|promising|is known|potential|possible|recent(?:ly)?\b|\binclude|identified|characteri[sz]ed"
    r"|described",
    re.IGNORECASE,
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
_ARMS = ("interventions", "intervention_descriptions", "arm_labels", "arm_descriptions")
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
    return t._replace(**{f: _mask(getattr(t, f)) for f in (*_TIER1, *_TIER2, "detailed_description")})


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
        and not _first(_MSC, _texts(t, _ARMS))
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
    arms = _texts(t, _ARMS)
    if not t.intervention_types.strip() or _first(_MSC, arms) or _first(_EV, arms) or _first(_SECRETOME, arms):
        return True
    return bool(_PRODUCT_INTERVENTION.search(t.intervention_types))


def _msc_named(t: TrialText) -> tuple[str, re.Match] | None:
    """An MSC product named in the interventions and arms, or in a title, in a clause that gives MSCs (not one that
    studies MSCs already in the body: "mobilisation of", "in the synovial fluid", "inherent in the aspirate").
    A title alone does not make an MSC trial when the typed interventions are only drugs, devices or behavioural
    interventions that name no cell product ("...Stem Cell Collection for Xenograft Studies" giving filgrastim)."""
    arms = _texts(t, _ARMS)
    typed = t.intervention_types.strip()
    title_counts = not (
        typed
        and not re.search(r"biological|genetic|combination|procedure", typed, re.IGNORECASE)
        and not _first(_CELLISH, arms)
    )
    for fields in (_ARMS, _TITLES) if title_counts else (_ARMS,):
        for text, low in _texts(t, fields):
            for pattern in _MSC.open(text, low):
                for m in pattern.finditer(text):
                    clause = _segment(text, m.start(), m.end())
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
    arms = _texts(t, _ARMS)
    code, cellish = _first(_GENERIC_PRODUCT, arms), _first(_CELLISH, arms)
    if not (code or cellish):
        return None
    typed = t.intervention_types.strip()
    if _PRODUCT_TYPES.search(typed) if typed else cellish:
        for text, low in _texts(t, ("keywords",)):
            m = _MSC.search(text, low)
            if m:
                return text, m
    names = {m.group(0).lower() for text, _ in arms for m in _GENERIC_PRODUCT.pattern.finditer(text)} if code else set()
    for text in filter(None, (t.summary,)):
        for sentence in re.split(r"(?<=[.;!?])\s+", text):
            m = _MSC.search(sentence, sentence.lower())
            low = sentence.lower()
            if m and not _BACKGROUND.search(sentence) and (cellish or any(n in low for n in names)):
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
    tier1, tier2 = _tiers(t)
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
    if (ev or sec) and not (_first(_MSC, tier1) or _first(_MSC, tier2) or named):
        return Decision("non_msc", EV_ORIGIN_UNSTATED + _evidence(ev or sec))
    if ev or sec:
        # MSCs given in any arm make it a cell trial. A title that names the EV / secretome is trusted over
        # descriptions (which mention MSCs as background); otherwise the interventions and arms decide.
        titles = Texts(x for x, low in _texts(t, _TITLES) if _EV.search(x, low) or _SECRETOME.search(x, low))
        if titles:
            cells = _cells_given(titles, (_TITLE_CELLS,)) or _cells_given(
                _texts(t, ("interventions", "arm_labels")), (_MSC_CELLS,)
            )
        else:
            cells = _cells_given(_texts(t, _ARMS), (_CELL_DOSE, _MSC_CELLS))
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


# ---------------------------------------------------------------------------------------------- source tissue

_CELL = (
    r"(?:\w*chymal|stromal|stem|progenitor|precursor|MSCs?|cells?|exosom\w*|extracellular|EVs?|secretome|fraction|SVF"
    r"|conditioned|derived|origin)"
)
_BETWEEN = (
    r"(?:tissue|derived|drived|based|origin\w*|isolated|sourced|cultured|expanded|adherent|regenerative|jelly|matrix|lining"
    r"|wharton'?s?|fluid"
    r"|human|allogeneic|allogenic|autologous|adult|multipotent|\(\w+\))"
)
_SOURCE_OF = (
    r"(?:(?:(?:derived|drived|isolated|obtained|harvested|expanded|extracted|originat\w*|sourced|prepared|collected"
    r"|purified|cultured|separated|taken|and)[\s-]+){1,3}(?:from|of)?|from|of)[\s-]+(?:(?:the|a|human|healthy|donors?'?"
    r"|donated|patients?'?s?|own|autologous|allogeneic|allogenic|adult|young|newborns?'?|fetal|iliac(?: crest| bone)?"
    r"|[\w']+ and)[\s-]+){0,3}"
)


def _near(gates: str, tissue: str) -> _Rule:
    """`tissue` next to a cell word: "umbilical cord MSCs", "adipose tissue-derived stromal cells",
    "MSCs isolated from the placenta and umbilical cord" (not "MSCs for the treatment of skin ulcers")."""
    return _Rule(
        gates, rf"(?:{tissue})(?:[\s-]*{_BETWEEN}){{0,3}}[\s-]*{_CELL}\b|\b{_CELL}\)?[\s-]+{_SOURCE_OF}(?:{tissue})"
    )


_TISSUE_RULES: dict[str, _Rule] = {  # vocab order; upper-case gates are abbreviations looked for as written
    "bone_marrow": _near("marrow", r"bone[- ]?marrow")
    | _Rule(
        "marrow",
        r"(?:harvest\w*|aspirat\w*|biops\w*|sampl\w*|collect\w*|puncture) (?:of )?(?:\w+ ){0,2}bone[- ]?marrow"
        r"|bone[- ]?marrow (?:aspirat|harvest|biops|puncture|concentrate)\w*",
    )
    | _Rule("BM", r"\bh?BM[- ]?h?MSCs?\b|\bh?BMSCs?\b|\bBM[- ]MPCs?\b|\bBM[- ]derived"),
    "umbilical_cord": _near(
        "umbilic cord", r"umbilical[- ]cord(?![- ]?blood)|\bcord (?:tissue|lining|matrix)|umbilical(?! cord)(?! vein)"
    )
    | _Rule("UC UMSC", r"\bh?UC[- ]?h?MSCs?\b|\bh?UCMSCs?\b|\bUC[- ]derived|\bhUC\b|\bh?UMSCs?\b|\bUCT-?MSCs?\b"),
    "wharton_jelly": _Rule("wharton WJ", r"wharton|\bWJ\b|\bWJ[- ]?h?MSCs?\b|\bWJ[- ]?derived"),
    "adipose": _near("adipo fat lipoaspirate", r"adipose|\bfat\b|lipoaspirate|adipocyte")
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
    | _Rule("AM hAEC amniotic", r"\bAM[- ]?MSCs?\b|\bhAECs?\b|amniotic (?:membrane|fluid|epithel)"),
    "cord_blood": _near("cord_blood cord-blood", r"cord[- ]blood")
    | _Rule("UCB CB", r"\bh?UCB[- ]?h?MSCs?\b|\bCB[- ]?MSCs?\b|\bUCB[- ]derived"),
    "dental_pulp": _near("pulp teeth tooth exfoliated", r"dental[- ]pulp|\bpulp|deciduous teeth|exfoliated|tooth|teeth")
    | _Rule("DPSC SHED", r"\bh?DPSCs?\b|(?-i:\bSHEDs?\b)"),
    "menstrual_blood": _near("menstru", r"menstru\w*(?: blood)?")
    | _Rule("MenSC ERC endometrial_regenerative", r"\bMenSCs?\b|endometrial regenerative cells?|\bERCs?\b"),
    "olfactory_mucosa": _Rule("olfactory", r"olfactory (?:mucosa|ensheathing|stem|ecto)\w*"),
    "skin": _near("skin derm hair", r"\bskin|dermal|dermis|hair follicle") | _Rule("ABCB5", r"ABCB5"),
    "peripheral_blood": _near("peripheral_blood peripheral-blood", r"peripheral[- ]blood(?! mononuclear)")
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


_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\s\|\s|\s*\n\s*")


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

# A donor word describes the cells, not the transplant setting or another material ("allogeneic HSCT", "autologous
# serum", "allogeneic kidney transplant"); words that name MSCs may stand between ("autologous mesenchymal stem cell
# transplantation", "autologous BMDMSC transplantation").
_NOT_MSC_WORD = r"(?!(?:mesenchymal|stromal|\w*MSCs?|\w*ASCs?|MPCs?|umbilical|adipose|wharton)\b)"
_HSCT_SETTING = r"h(?:a)?ematopoietic|HSCT|HCT|BMT|SCT\b|stem cell transplant|bone marrow transplant|(?:cord blood )?transplant(?:ation)?\b"
_OTHER_MATERIAL = (
    r"serum|plasma|platelet|PRP|blood\b|chondrocyte|fat graft|fat transfer|bone graft|T[- ]cells|lymphocytes|HSC\b"
    r"|CAR|NK\b|recipients?|donors? lymph|neural|NPCs?|islets?|hepatocytes?|kidney|liver|renal|organ|mononuclear"
    r"|BM-?MNC|bone marrow (?:cells|concentrate|aspirate)|BMAC"
)


def _donor_rules(setting: str) -> dict[str, _Rule]:
    not_setting = r"(?![\s-]+(?:" + _NOT_MSC_WORD + r"\w+[\s-]+){0,2}?(?:" + setting + r"))"
    return {
        "allogeneic": _Rule(
            "allogen allogenic allo- autologous third donor",
            r"(?:\ballo(?:gene(?:ic|ous)|genic|genetic)\b|\ballo-(?!HSCT|SCT|HCT|BMT|transplant)|non[- ]?autologous"
            r"|third[- ]party|(?:healthy|unrelated|adult|young|screened|donated)(?:[\s-]+\w+)?[\s-]+donors?\b"
            r"|\bdonor[- ](?:derived|mesenchymal|MSCs?|stromal|stem cells?)"
            r"|(?:MSCs?|cells) (?:\w+ ){0,3}from (?:the |a |an |healthy |unrelated )(?:\w+ ){0,2}donors?\b)"
            + not_setting,
        ),
        "autologous": _Rule(
            "auto own participant patient subject",
            r"(?:(?<!non-)(?<!non )\bauto(?:logous|genous|genic)\b|\bauto-(?!HSCT|SCT|HCT|immun)|patient'?s'? own"
            r"|their own|his own|(?:her|own) (?:bone marrow|adipose|fat|cells|stem cells|mesenchymal)"
            r"|from the recipient|recipient[- ]derived"
            # cells harvested from the participants themselves
            r"|(?:participants?|patients?|subjects?)(?:'s?)? (?:\w+ ){0,6}?(?:liposuction|lipoaspiration"
            r"|bone marrow (?:aspiration|harvest))\w*|(?:liposuction|lipoaspiration|bone marrow aspiration) "
            r"(?:\w+ ){0,3}(?:from|of) (?:the |each )?(?:participants?|patients?|subjects?))" + not_setting,
        ),
    }


_DONOR_RULES = _donor_rules(_HSCT_SETTING + "|" + _OTHER_MATERIAL)
# In a trial with no haematopoietic transplant, "allogeneic stem cell transplantation" is the MSCs' own transplantation.
_DONOR_RULES_NO_HSCT = _donor_rules(_OTHER_MATERIAL)
_HSCT_CONTEXT = _Rule(
    "hematopoietic haematopoietic hsct hct bmt gvhd graft leuk lymphoma myelo transplant",
    r"h(?:a)?ematopoietic|\bHSCT\b|\bHCT\b|\bBMT\b|gvhd|graft[- ]?(?:versus|vs\.?)[- ]?host|leuk(?:a)?emia|lymphoma"
    r"|myelo(?:ma|dysplas|fibrosis)|bone marrow transplant\w*",
)
# Sentences that name the product: donor words elsewhere describe another arm's cells or the background.
_DONOR_CONTEXT = _Rule(
    "mesenchym stromal msc mpc asc adsc svf stem cell product wharton exo vesic ev secretome umbilical cord "
    "placent adipose marrow imp " + _NAME_GATES,
    _MSC.alternatives[0].pattern.pattern + r"|stem cells?|\bcells?\b|exosom|vesicles?|\bs?EVs?\b|secretome"
    r"|investigational (?:medicinal )?product|\bIMP\b|umbilical cords?|placentas?|adipose tissue|bone marrow",
)


def _product_sentences(texts: Texts, skip_background: bool) -> Texts:
    out = []
    for text, _ in texts:
        for sentence in _SENTENCE.split(text):
            low = sentence.lower()
            if _DONOR_CONTEXT.search(sentence, low) and not (skip_background and _BACKGROUND.search(sentence)):
                out.append(sentence)
    return Texts(out)


def classify_donor(t: TrialText) -> Decision:
    """allogeneic | autologous | both (arms differ) | unknown, from sentences that name the product; a named product of
    the reviewed dictionary fixes the donor when the text is silent."""
    tier1, tier2 = _tiers(t)
    everything = _texts(t, (*_TIER1, *_TIER2, "conditions"))
    rules = _DONOR_RULES if _HSCT_CONTEXT.search(everything.text, everything.low) else _DONOR_RULES_NO_HSCT
    for texts, skip in ((tier1, False), (tier2, True)):
        d = _multi(rules, _product_sentences(texts, skip))
        if d.value != UNKNOWN:
            return Decision("both" if MULTI_SEP in d.value else d.value, d.evidence)
    named = products.find(" | ".join(x for x, _ in tier1))
    if named and named[0].donor != UNKNOWN:
        return Decision(named[0].donor, f"{named[1].group(0)} ({named[0].name}: {named[0].cited_id})")
    return NO


# ---------------------------------------------------------------------------------------------- route

# "IV" as a word, but not the Roman numeral of a phase, grade, stage, class ... (the look-behinds run after the match).
_IV = (
    r"(?-i:(?<![\w/-])IV(?![\w/-]))"
    + "".join(
        f"(?<!{w} iv)"
        for w in (
            "phase",
            "grade",
            "stage",
            "type",
            "class",
            "level",
            "nyha",
            "step",
            "part",
            "group",
            "arm",
            "cohort",
            "category",
            "and",
            "or",
            "to",
            "gold",
            "ckd",
            "fontaine",
            "kl",
            "outerbridge",
            "icrs",
        )
    )
    + r"(?<!phaseiv)(?<!\(iv)"
)
# "into the ..." anywhere; "in / to / at / on the ..." only after a verb of giving ("injected in the nonunion space",
# not "therapy in polycystic ovary").
_INTO = (
    r"(?:(?:inject|administ|deliver|implant|infus|transplant|placed|put)\w*\s+(?:[\w,()-]+\s+){0,6}?(?:in|to|at|on)"
    r"|into|onto|around) (?:the |a |an |each |both |his |her |their )?(?:[\w'’-]+ ){0,3}?"
)
_ROUTE_RULES: dict[str, _Rule] = {
    k: v if isinstance(v, _Rule) else _Rule(*v)  # type: ignore[misc]  # tuples or rules
    for k, v in {  # vocab order
        "intravenous": (
            "intraven i.v i. v IV vein venous infus systemic vena intravenal",
            r"intra[- ]?venous\w*|\bi\.\s?v\b\.?|"
            + _IV
            + r"|peripheral(?:ly)? (?:vein|venous|infusion)|venous (?:infusion"
            r"|injection|route|administration|catheter)|(?<!portal )(?<!hepatic )(?<!splenic )(?<!umbilical )(?<!renal )"
            r"\bvein\b(?! graft)|(?:systemic|systemically|peripheral) (?:infusion|administration|delivery)"
            r"|intravenal|\bvena\b",
        ),
        "inhalation": ("nebuli aerosol inhal atomi", r"nebuli[sz]\w*|aerosol\w*|inhal\w*|atomi[sz]\w*"),
        "intratracheal": (
            "trache bronch pulmonary",
            r"intra[- ]?trache\w*|endo[- ]?trache\w*|bronchoscop\w*|intra[- ]?bronch\w*"
            r"|endo[- ]?bronch\w*"
            r"|intra[- ]?pulmonary",
        ),
        "hepatic_artery": ("hepatic", r"hepatic arter\w*|arteria hepatica|hepatic intra[- ]?arterial"),
        "portal_vein": ("portal", r"portal vein|intra[- ]?portal|trans[- ]?portal|portal venous"),
        "intrasplenic": ("splen spleen", r"intra[- ]?splenic|splenic (?:arter|puncture|inject)\w*|into the spleen"),
        "intra_arterial": (
            "arteri carotid",
            r"intra[- ]?arterial\w*|intra[- ]?carotid|carotid arter\w*|femoral arter\w*"
            r"|vertebral arter\w*|arterial (?:infusion|injection)|renal arter\w*",
        ),
        "intracoronary": ("coronar", r"intra[- ]?coronar\w*|coronary arter\w* (?:infusion|injection)"),
        "intramyocardial": (
            "myocard endocard epicard noga NOGA heart infarct",
            r"intra[- ]?myocardi\w*|trans[- ]?endocardi\w*"
            r"|endomyocardi\w*|epicardi\w*|\bNOGA\b|into (?:the )?(?:\w+ )?(?:myocardium|heart muscle)"
            r"|myocardial injection|inject\w* (?:\w+ ){0,3}?(?:in|into) the (?:peri-?)?infarct\w*",
        ),
        "intrathecal": (
            "theca lumbar subarachnoid cistern",
            r"intra[- ]?theca\w*|lumbar puncture|subarachnoid|intra[- ]?cisternal",
        ),
        "intracerebral": (
            "cerebr stereota ventricul striat nigr brain spinal medullary",
            r"intra[- ]?cerebral(?! h(?:a)?emorrh)|stereota\w*|intra[- ]?cerebroventricular"
            r"|intraventricular(?! h(?:a)?emorrh)|intra[- ]?striatal|intra[- ]?nigral|into the brain|intra[- ]?spinal"
            r"|intra[- ]?medullary (?:spinal|injection)",
        ),
        "intramuscular": (
            "intramusc intra-musc intra musc i.m IM muscle",
            r"(?<!local )intra[- ]?muscular\w*|\bi\.m\.|(?-i:(?<![\w/-])IM(?![\w/-]))"
            r"|into the (?:\w+ ){0,2}muscles?|muscle injection",
        ),
        "intra_articular": (
            "articular joint knee synovial capsular",
            r"intra[- ]?articular\w*|" + _INTO + r"(?:joint|knee)s?\b"
            r"|articular cavity|joint (?:cavity|space)|intra[- ]?synovial|knee injection|joint injection"
            r"|intra[- ]?capsular",
        ),
        "intradiscal": (
            "discal disc disk pulposus vertebral",
            r"intra[- ]?discal|" + _INTO + r"dis[ck]s?\b|nucleus pulposus"
            r"|intra[- ]?vertebral disc|disc injection",
        ),
        "intravitreal": (
            "vitreal vitreous retinal choroidal tenon conjunctival cameral bulbar ocular",
            r"intra[- ]?vitreal\w*|sub[- ]?retinal\w*|supra[- ]?choroidal|sub[- ]?tenon|sub[- ]?conjunctival"
            r"|intra[- ]?cameral|retrobulbar|peribulbar|intra[- ]?ocular|vitreous cavity|into the vitreous",
        ),
        "subcutaneous": (
            "subcutan sub-cutan sub cutan s.c",
            r"sub[- ]?cutaneous\w*(?! (?:fat|adipose|tissue|lipo))|\bs\.c\.",
        ),
        "intradermal": ("dermal cutaneous", r"intra[- ]?dermal\w*|intra[- ]?cutaneous"),
        "local_injection": _Rule(
            "local lesion fistul cavern ovar tendin glandular osseous pancrea perianal peri-anal sphincter "
            "submucos myometr endometri tumor tumour testi",
            r"local(?:ly)? (?:intra[- ]?muscular )?(?:inject\w*|infiltrat\w*|administ\w*)|intra[- ]?lesional\w*|peri[- ]?lesional"
            r"|peri[- ]?fistul\w*|intra[- ]?cavern\w*|intra[- ]?ovarian|intra[- ]?tendin\w*|peri[- ]?tendin\w*"
            r"|intra[- ]?glandular|intra[- ]?osseous|intra[- ]?pancrea\w*|peri[- ]?anal injection"
            r"|intra[- ]?sphincter\w*|submucos\w*|intra[- ]?myometr\w*|intra[- ]?endometri\w*|intra[- ]?tumou?ral"
            r"|intra[- ]?testicular|rete testis",
        )
        | _Rule(
            "into to in around injected inject",
            r"(?:inject\w* (?:directly )?)?" + _INTO + r"(?:fistula|fistulas|fistulae|lesions?|sphincter|wound bed"
            r"|wound edges?|ulcers?|scars?|tendons?|ovar\w*|penis|corpus cavernosum|gingiva\w*|defects?|keloids?"
            r"|nonunion|non-union|fracture|footprint|tumou?rs?|testis|testes)\b",
        ),
        "topical": (
            "topical drop applied appli spray dressing gel ointment cream use sheet",
            r"topical\w*|eye ?drops?|/\s*drop\b|\bdrops? (?:\w+ )?(?:times|daily|a day)"
            r"|(?:appli\w*|use\w*|spread\w*|paint\w*|rub\w*) (?:of (?:[\w-]+ ){1,4})?(?:directly )?(?:on|onto|to|over) "
            r"(?:the |a |an )?(?:[\w'’-]+ ){0,3}?(?:wounds?|ulcers?|skin|burns?|lesions?|surface|scalp|hair|face)\b"
            r"|(?:wounds?|ulcers?|burns?|skin) (?:\w+ ){0,4}(?:receive|treated with) (?:\w+ ){0,2}appli\w*"
            r"|spray(?:ed)? (?:on|onto)|dressing|\bgel\b|hydrogel sheet|ointment|cream|serum (?:on|to) the",
        ),
        "implant": (
            "scaffold seeded hydrogel sheet fibrin patch membrane collagen phosphate tcp TCP hydroxyapatite substitute "
            "biomaterial carrier matrix graft",
            r"(?<!injectable )(?<!injectable collagen )scaffold|seeded|(?<!injectable )hydrogel|cell sheets?|fibrin glue|\bpatch\b|collagen (?:matrix|sponge)"
            r"|tricalcium phosphate|\bTCP\b|hydroxyapatite|bone substitute|biomaterial|carrier|matrix|graft(?:ed|ing)? with"
            r"|(?:amniotic|collagen|resorbable|fibrin|PRF|scaffold|barrier|periosteal) membrane|periosteal flap"
            r"|covered (?:by|with) (?:\w+ ){0,3}(?:membrane|flap|patch)",
        ),
        "intraperitoneal": ("peritone i.p", r"intra[- ]?peritoneal\w*|\bi\.p\."),
        "other": (
            "intra-uterine intrauterine intra uterine tympan vesical pleural pericard intrahepatic intra-hepatic intrarenal "
            "intra-renal amniotic intracardiac intra-cardiac nodal lymphatic gastric rectal caudate",
            r"intra[- ]?uterine|intra[- ]?tympanic|intra[- ]?vesical|intra[- ]?pleural|intra[- ]?pericardial"
            r"|intra[- ]?hepatic(?! arter)|intra[- ]?renal|intra[- ]?amniotic|intra[- ]?cardiac|intra[- ]?nodal"
            r"|intra[- ]?lymphatic|intra[- ]?gastric|\brectal(?:ly)? (?:administ|enema|instill)"
            r"|into (?:the )?(?:\w+ ){0,3}(?:liver|hepatic) (?:parenchyma|segments?|lobes?)|caudate lobe",
        ),
    }.items()
}
_INTRANASAL = _Rule("nasal", r"intra[- ]?nasal\w*|nasal (?:drops?|drip|spray|administration|route)")
# Into the parenchyma of an organ: the brain in neurological disease, another organ (kidney, liver) otherwise.
_PARENCHYMAL = _Rule("parenchym paranchym", r"intra[- ]?par[ae]n?chymal\w*")
_INFUSION = _Rule("infus drip transfus", r"\binfus\w*|\bdrip\b|\btransfus\w*")
# Injected into a named place that no route rule knows: a local injection (used only when no route is found).
_INJECTED_INTO = _Rule("inject", r"inject\w* (?:directly )?(?:into|around) the \w+")
_NEURO = dict(_DISEASE_RULES)["neurological"]

_PRODUCT_MENTION = _Rule(
    "mesenchym stromal msc stem cell exosom vesic EV secretome conditioned product mixture suspension "
    "preparation imp " + _NAME_GATES,
    r"mesenchymal|stromal|MSC|stem|cells?\b|exosom|vesic|\bs?EVs?\b|secretome|conditioned|product"
    r"|mixture|suspension|preparation|\bIMP\b|" + _MSC_NAMES,
)
# What the product is compared with: a route next to these words belongs to the placebo, the control or a co-drug.
_COMPARATOR = re.compile(
    r"placebo|saline|sodium chloride|vehicle|sham|control|growth medium|standard (?:of )?care"
    r"|conventional|corticosteroid|steroids?|hyaluronic|\bHA\b|PRP|heparin|antibiotic|tablet"
    r"|capsule|\bmg\b|drug",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r",\s*(?:and|while|whereas)\s+|;\s*|\s+(?:versus|vs\.?|compared (?:to|with))\s+", re.IGNORECASE)


def _segment(text: str, start: int, end: int) -> str:
    """The field part (" | ") or sentence around a match."""
    a = max(
        text.rfind(" | ", 0, start), text.rfind(". ", 0, start), text.rfind("; ", 0, start), text.rfind("\n", 0, start)
    )
    stops = [
        i for i in (text.find(" | ", end), text.find(". ", end), text.find("; ", end), text.find("\n", end)) if i >= 0
    ]
    return text[a + 1 if a >= 0 else 0 : min(stops) if stops else len(text)]


_CELL_WORDS = re.compile(r"cells?\b|MSCs?\b|mesenchymal|stromal|\bSVF\b", re.IGNORECASE)
_CELL_FREE = re.compile(
    r"secretom\w*|secretions?|conditioned medi\w*|exosom\w*|vesicles?|\bs?EVs?\b|lysate", re.IGNORECASE
)
# "adipose mesenchymal stem cell secretions": the cell words name the source of a cell-free product
_SOURCE_OF_CELL_FREE = re.compile(
    r"(?:cells?\b|MSCs?\b|mesenchymal|stromal)(?:[\s-]+[\w-]+){0,3}?[\s-]+(?:derived[\s-]+)?"
    r"(?:secretom\w*|secretions?|conditioned medi\w*|exosom\w*|vesicles?|\bs?EVs?\b|lysate)"
    r"|(?:secretom\w*|secretions?|conditioned medi\w*|exosom\w*|vesicles?|EVs?) (?:from|of) "
    r"(?:[\w-]+ ){0,4}?(?:cells?|MSCs?)",
    re.IGNORECASE,
)
_GIVEN_AS_IMPLANT = {"implant"}
_INJECTED = re.compile(r"inject\w*|infus\w*", re.IGNORECASE)
_ON_A_WOUND = re.compile(r"wounds?|ulcers?|burns?|\bskin\b|dressing", re.IGNORECASE)


def _mentions_product(segment: str) -> bool:
    return bool(_PRODUCT_MENTION.search(segment, segment.lower()) or products.find(segment))


def _belongs_to_product(text: str, m: re.Match, product: str = "") -> bool | None:
    """Does the route phrase at `m` describe the product (True), a comparator (False), or is it unclear (None)?

    The nearer of the product's and the comparator's words in the same sentence decides: "IV 0.3 million/kg UC-MSCs
    once, and nasal drop 0.5 ml/day (growth medium)" gives the nasal route to the growth medium."""
    seg = _segment(text, m.start(), m.end())
    offset = text.find(seg, max(0, m.start() - len(seg)))
    at = m.start() - offset if offset >= 0 else 0
    # the clause first: "…UC-MSCs once, and nasal drop 0.5 ml/day (growth medium)" -> the growth medium's route
    cuts = [0, *(c.end() for c in _CLAUSES.finditer(seg)), len(seg) + 1]
    clause = next(seg[a:b] for a, b in zip(cuts, cuts[1:]) if a <= at < b)
    if product == "msc" and _CELL_FREE.search(clause) and not _CELL_WORDS.search(_SOURCE_OF_CELL_FREE.sub(" ", clause)):
        return False  # the route of a cell-free co-product ("stem cell secretions ... intravenously") in a cell trial
    if _mentions_product(clause):
        return True
    if _COMPARATOR.search(clause):
        return False
    products_at = [p.start() for p in (x for pat in _PRODUCT_MENTION.open(seg, seg.lower()) for x in pat.finditer(seg))]
    others_at = [c.start() for c in _COMPARATOR.finditer(seg)]
    if not products_at:
        return False if others_at else None
    nearest_product = min(abs(p - at) for p in products_at)
    nearest_other = min((abs(c - at) for c in others_at), default=None)
    return nearest_other is None or nearest_product <= nearest_other


def _routes(
    texts: Texts, rules: dict[str, _Rule], skip_background: bool = False, product: str = ""
) -> tuple[dict[str, str], dict[str, str]]:
    """Route keys found in `texts` -> evidence: (those stated for the product, those not stated for a comparator)."""
    named: dict[str, str] = {}
    anywhere: dict[str, str] = {}
    for key, rule in rules.items():
        patterns = rule.open(texts.text, texts.low)
        for text, _low in texts if patterns else ():
            for m in (m for p in patterns for m in p.finditer(text)):
                if skip_background and _BACKGROUND.search(_segment(text, m.start(), m.end())):
                    continue
                owner = _belongs_to_product(text, m, product)
                if owner is False:
                    continue
                if key in _GIVEN_AS_IMPLANT and (
                    _INJECTED.search(_segment(text, m.start(), m.end()))
                    or _ON_A_WOUND.search(_segment(text, m.start(), m.end()))
                ):
                    # cells injected in a carrier gel or scaffold: the injection is the route; a hydrogel sheet laid
                    # on a wound or ulcer is a dressing (topical), not a surgical implant
                    continue
                if key not in anywhere:
                    anywhere[key] = _snippet(text, m.start(), m.end(), 80)
                if owner:
                    named[key] = _snippet(text, m.start(), m.end(), 80)
                    break
            if key in named:
                break
    return named, anywhere


def classify_route(t: TrialText, product: str = "") -> Decision:
    """';'-joined ROUTES keys, or unknown: the routes stated for the product, in its own interventions and arms first."""
    tier1, tier2 = _tiers(t)
    arms, titles = _texts(t, _ARMS), _texts(t, _TITLES)
    # The product's own interventions and arms first, the titles next (a title may list the routes a trial compares,
    # "via portal vein or hepatic artery or peripheral vein", when its arms use two); within them a route in a sentence
    # naming the product beats one stated for a comparator ("intra-articular corticosteroids"), then any route not
    # stated for a comparator ("Intravenous injection" as an arm description); the summary only where it names the
    # product and is not background ("intravenous MSCs have been shown to ...").
    found: dict[str, str] = {}
    for texts in (arms, titles):
        named, anywhere = _routes(texts, _ROUTE_RULES, product=product)
        found = named or anywhere
        if found:
            break
    found = found or _routes(tier2, _ROUTE_RULES, skip_background=True, product=product)[0]
    neuro = _first(_NEURO, _texts(t, _CONDITIONS + _TITLES))
    special = {"nasal": _INTRANASAL, "parenchymal": _PARENCHYMAL}
    named_special, any_special = _routes(tier1, special, product=product)
    if not found and not (named_special or any_special):
        named_special = _routes(tier2, special, skip_background=True, product=product)[0]
    for kind, evidence in (named_special or any_special).items():
        # Intranasal is a route to the brain in neurological trials and to the airway otherwise; an intraparenchymal
        # injection goes into the brain or spinal cord in neurological trials and into another organ otherwise.
        key = (
            ("intracerebral" if neuro else "inhalation") if kind == "nasal" else ("intracerebral" if neuro else "other")
        )
        found[key] = evidence
    if not found:
        for rule, key in ((_INFUSION, "intravenous"), (_INJECTED_INTO, "local_injection")):
            for texts in (tier1, tier2):
                hit = _first(rule, texts)
                # a cell "infusion" with no route named is intravenous; "injected into the <place>" a local injection
                if hit and _belongs_to_product(*hit, product) is not False:
                    return Decision(key, _evidence(hit))
        return NO
    keys = [k for k in ROUTES if k in found]
    evid = " / ".join(dict.fromkeys(found[k] for k in keys))
    return Decision(MULTI_SEP.join(keys), evid if len(evid) <= _EVIDENCE_MAX + 40 else evid[: _EVIDENCE_MAX + 39] + "…")
