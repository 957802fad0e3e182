"""focus_area and disease_group of a trial, from its conditions, condition MeSH terms and titles.

Where: conditions and condition MeSH terms first (entries that name the procedure or the product, "Stem Cell
Transplantation", are left out), then brief and official title; disease group also keywords as a last resort.
Never the summary: a summary mentions other diseases in passing.

Decisions
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
  * Organ transplants: rejection or tolerance of a transplanted kidney, lung, heart or islet graft (and chronic lung
    allograft dysfunction) -> gvhd_immune; the graft's function (delayed / primary graft dysfunction, ischaemia-
    reperfusion injury, tubular necrosis; a heart graft's vasculopathy) -> the organ, when conditions or titles name
    both the organ's transplant and its function. A liver graft is liver (focus area).
  * GvHD named in conditions or titles -> gvhd_immune even when the conditions list the HSCT's malignancy, unless
    engraftment / graft failure is named first (haematological).
  * The treated organ wins over a keyword beside it: eye words before skin words ("conjunctivitis of Lyell's
    syndrome"); an acute kidney injury is kidney whatever caused it (cisplatin in cancer patients).
  * Whole words, and no method or product words: "infusion" / "diffusion" are no spinal fusion, "in utero" no
    uterus; a masking phrase ("double-blind", "blind double") is no eye disease; "stromal vascular fraction" no
    vascular disease and "mesenchymal stem cell transplantation" no HSCT (masked in titles). A condition entry the
    trial excludes ("no severe IVH") is dropped.
  * Guide groups: sepsis, multi-organ failure, HIV / CMV infection, xerostomia -> other; atopic / allergic disease,
    vitiligo, urticaria -> gvhd_immune; lupus with nephritis (lupus glomerulonephritis, renal lupus) -> kidney;
    aortic aneurysm -> vascular; Tourette, migraine, nerve injury, IVH, myelomeningocele -> neurological; sexual
    dysfunction, hormone deficiency -> reproductive; MIS-C -> covid19_ards / covid19; an ARDS trial whose conditions,
    titles or keywords name COVID-19 -> covid19. "Hepatocyte" (a cell given) is no liver disease. An endotoxin (LPS)
    challenge is a model in healthy volunteers -> healthy.
"""

from __future__ import annotations

import re

from msc_atlas.pipeline.text import CONDITIONS, TITLES, Decision, Texts, TrialText
from msc_atlas.pipeline.text import Rule as _Rule
from msc_atlas.pipeline.text import evidence as _evidence
from msc_atlas.pipeline.text import first as _first
from msc_atlas.pipeline.text import snippet as _snippet
from msc_atlas.pipeline.text import texts_of as _texts

# ---------------------------------------------------------------------------------------------- focus area

_COVID = _Rule(
    "cov corona multisystem MIS",
    r"(?<!non-)(?<!non )(?:covid|sars[- ]?cov|2019[- ]?n[- ]?cov|\bncov\b|corona ?virus|corona disease)"
    # the multisystem inflammatory syndrome (in children, MIS-C; in adults, MIS-A) is a sequel of COVID-19
    r"|multisystem inflammatory syndrome|(?-i:\bMIS-[CA]\b)",
)
_ARDS = _Rule(
    "ards respiratory distress lung ali ARDS ALI",
    r"\bARDS\b|acute respiratory distress|adult respiratory distress|respiratory distress syndrome,? adult"
    r"|(?:acute|surgery[- ]induced|post-?operative|ventilator[- ]induced|traumatic) lung injur\w*|(?-i:\bALI\b)",
)
_LIVER = _Rule(
    "liver hepat cirrho biliar cholang pbc psc nash nafld aclf wilson crigler hbv hcv",
    r"\bliver\b(?! metasta)|hepatic(?! arter)|hepatitis|hepato(?!cyte)(?!splenic)|(?<!renal )(?<!kidney )cirrho"
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
    entries = [e for field in CONDITIONS for e in re.split(r"\s\|\s", getattr(t, field)) if e.strip()]
    diseases = [e for e in entries if not _PROCEDURE_ENTRY.match(e)]
    return Texts([*(diseases or entries), t.title, t.official_title])


# Liver words that belong to another disease: GvHD of the liver. ("Hepatocyte" is a cell, given or grown, and
# no liver disease: "hepatocyte transplantation in familial hypercholesterolaemia", "hepatocyte growth factor".)
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
        # an acute kidney injury is the organ treated, whatever caused it (cisplatin in cancer patients, sepsis)
        ("kidney", r"acute (?:renal|kidney) (?:failure|injury)|\bAKI\b"),
        # infections (not COVID-19, which the focus area decides) and dry mouth: no organ group fits (GUIDE.md)
        (
            "other",
            r"\bsepsis|septic|multiple organ (?:failure|dysfunction)|multi-?organ (?:failure|dysfunction)|\bMODS\b|\bHIV\b"
            r"|cytomegalovirus|\bCMV\b|xerostomi\w*|dry mouth|hyposalivation",
        ),
        ("reproductive", r"uterine|cesarean|caesarean|asherman|intrauterine adhesion"),
        # allergic, atopic and autoimmune skin disease is immune disease, not a wound (GUIDE.md)
        ("gvhd_immune", r"psoria|atopic|allerg|vitiligo|urticaria"),
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
            r"lupus (?:glomerulo)?nephritis|renal (?:systemic )?lupus|lupus (?:\w+ ){0,3}?(?:glomerulo)?nephr\w*"
            r"|diabetic (?:nephropath|kidney)|erectile|peyronie|urinary incontinence|stress incontinence"
            r"|interstitial cystitis",
        ),
        ("skin_wound", r"diabetic (?:foot|wound|ulcer|leg ulcer)|foot ulcer"),
        ("eye", r"diabetic retinopath|diabetic macular"),
        ("vascular", r"aneurysms?\b"),
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
            r"|anal sphincter|esophag|oesophag|gastr|intestin|bowel|mucositis",
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
            r"|intraventricular h(?:a)?emorrh|\bIVH\b|paralysis|parapleg|tetrapleg|quadripleg|spinal muscular|\bnerves?\b"
            r"|migraine|headache|tourette|myelomeningocele|meningocele|spina bifida",
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
        # the treated organ wins: an eye disease is eye even in a record that names skin disease beside it
        (
            "eye",
            r"\beye|retin|macula|cornea|glaucoma|optic|ocular|visual|vision|limbal|keratoconus|uveitis|blind|conjunctiv",
        ),
        (
            "skin_wound",
            r"burn|wound|ulcer|donor sites?|skin graft\w*|breast reconstruction|soft[- ]tissue (?:defect|augmentation|deficien)|epidermolysis|psoria|dermatitis|eczema|skin|scar|cicatri|keloid|alopecia|vitiligo"
            r"|lyell|necrolysis|photoaging|wrinkle|lipodystroph|romberg|hemiatrophy|radiation injur|radiodermatitis",
        ),
        (
            "reproductive",
            r"ovar|asherman|intrauterine adhesion|endometri|infertil|\buter(?:us|ine)|pregnan|eclampsia|azoosperm|menopaus"
            r"|hypogonad|testic|sperm|sexual (?:function|dysfunction|hormone)|hormone deficiency",
        ),
        (
            "musculoskeletal",
            r"arthrit|arthros|osteo|cartilag|chondr|\bbone|fracture|\bunion|non-?union|tendon|tendin|rotator|spine|spinal|disc\b"
            r"|discs|disk|discogenic|lumbar|back pain|joint|knee|\bhip|shoulder|ankle|menisc|ligament|muscle|musculo|epicondyl|cleft"
            r"|alveolar|periodont|maxill|craniofacial|avascular necrosis|femoral head|spondyl|arthrodesis|\bfusion"
            r"|sarcopenia|elbow|plantar|achilles|skeletal|dental|tooth|teeth|gingiv|temporomandibular|leg length|skull|calvari|cranial (?:reconstruction|defect)",
        ),
        ("ageing_frailty", r"frailty|\baging|ageing|longevity|senescen"),
        ("healthy", r"healthy|normal volunteer|human volunteers|\bvolunteers\b"),
    ]
]


# The function of a transplanted organ (delayed or primary graft dysfunction, ischaemia-reperfusion injury, tubular
# necrosis; a heart graft's vasculopathy treated for perfusion) goes to the organ, not to rejection (GUIDE.md): when
# conditions or titles name both the organ's transplant and its graft function. Chronic allograft dysfunction (CLAD)
# is chronic rejection and stays gvhd_immune.
_GRAFT_FUNCTION = _Rule(
    "",
    r"(?<!chronic )(?<!chronic lung )(?<!chronic renal )(?<!chronic kidney )(?<!\w)(?:allo)?graft (?:dys)?function|delayed graft|isch\w*[- ]reperfusion|reperfusion injur\w*"
    r"|tubular necrosis|(?:graft|transplant) (?:coronary )?vasculopathy|coronary graft disease",
)
_ORGAN_TRANSPLANT = {
    key: re.compile(
        rf"\b(?:{organ})[- ](?:allo)?(?:grafts?|transplant\w*)|(?:allografts?|transplant\w*) (?:\w+ ){{0,2}}?(?:{organ})\b",
        re.I,
    )
    for key, organ in (("kidney", "kidney|renal"), ("lung", "lung"), ("cardiovascular", "heart|cardiac"))
}
# GvHD is immune disease even in a record whose conditions list the malignancy of the HSCT, unless the trial's first-
# named aim is the graft itself (engraftment, graft failure, poor graft function: haematological).
_GVHD = re.compile(r"graft[- ]?(?:versus|vs\.?|-)[- ]?host|\bgvhd\b|\bgvh\b", re.IGNORECASE)
_ENGRAFTMENT = re.compile(r"(?<!islet )engraftment|graft failure|poor graft function|chimerism", re.IGNORECASE)
# Words of a title that name the trial's method or product, not a disease: a masking phrase ("double-blind" is no
# eye disease) and the MSC product ("stromal vascular fraction" is no vascular disease, "mesenchymal stem cell
# transplantation" no HSCT).
_CHALLENGE = _Rule("", r"lipopolysacchar\w*|\bLPS\b|endotox(?:in|a?emia) challenge")
_EXCLUDED_ENTRY = re.compile(r"^\W*(?:no|not|without)\s", re.IGNORECASE)
_NOT_A_DISEASE = re.compile(
    r"(?:double|single|triple|quadruple|open|non)[- ]?blind\w*|blind(?:ed)?[- ](?:double|single|triple)|\bblinded"
    r"|stromal vascular fraction|(?:mesenchymal|stromal|MSCs?|adipose|umbilical|cord|marrow)[\w\s()-]{0,40}?"
    r"(?:stem |stromal |progenitor )?cells?[\s-]+(?:transplant\w*|infusions?|injections?|implant\w*)",
    re.IGNORECASE,
)


def _disease_texts(t: TrialText) -> list[tuple[str, str]]:
    """(field, text) in the order they decide: conditions, MeSH, titles, keywords. Condition entries that name a
    procedure or the product ("Stem Cell Transplantation") or a disease the trial excludes ("no severe IVH") are left
    out; titles lose their method and product words."""
    out = []
    for field in ("conditions", "mesh_terms", "title", "official_title", "keywords"):
        text = getattr(t, field)
        if field in CONDITIONS:
            entries = [e for e in re.split(r"\s\|\s", text) if e.strip() and not _EXCLUDED_ENTRY.match(e)]
            text = " | ".join(e for e in entries if not _PROCEDURE_ENTRY.match(e))
        elif field in TITLES:
            text = _NOT_A_DISEASE.sub(lambda m: "_" * len(m.group(0)), text)
        out.append((field, text))
    return out


def classify_disease_group(t: TrialText) -> Decision:
    """A key of vocab.DISEASE_GROUPS: the focus area, else conditions, MeSH, titles, keywords; "other" last."""
    focus = classify_focus_area(t)
    if focus.value == "covid19_ards":
        # COVID-19 apart from other ARDS / lung injury, so the mid-2020 COVID-19 landscape can be filtered exactly
        covid = _first(_COVID, _texts(t, (*CONDITIONS, *TITLES, "keywords")))
        return Decision("covid19", _evidence(covid)) if covid else Decision("lung", focus.evidence)
    if focus.value != "other":
        return focus
    texts = _disease_texts(t)
    named = " | ".join(text for field, text in texts if field != "keywords")  # conditions, MeSH, titles
    challenge = _CHALLENGE.search(named, "")
    if challenge:  # an endotoxin challenge is a model in healthy volunteers, whatever condition it models
        return Decision("healthy", _snippet(named, challenge.start(), challenge.end()))
    function = _GRAFT_FUNCTION.search(named, "")
    if function:
        for key, transplant in _ORGAN_TRANSPLANT.items():
            if transplant.search(named):
                return Decision(key, _snippet(named, function.start(), function.end()))
    # Conditions before MeSH: MeSH adds broad ancestors ("Wounds and Injuries" for spinal cord injury).
    decision = next(
        (
            Decision(key, _snippet(text, m.start(), m.end()))
            for _field, text in texts
            for key, rule in _DISEASE_RULES
            for m in [rule.search(text, "") if text else None]
            if m
        ),
        Decision("other", ""),
    )
    gvhd, graft = _GVHD.search(named), _ENGRAFTMENT.search(named)
    if decision.value == "haematological" and gvhd and not (graft and graft.start() < gvhd.start()):
        return Decision("gvhd_immune", _snippet(named, gvhd.start(), gvhd.end()))
    return decision


# The neurological words, for rules that depend on a neurological disease (an intranasal route goes to the brain).
NEUROLOGICAL = dict(_DISEASE_RULES)["neurological"]
