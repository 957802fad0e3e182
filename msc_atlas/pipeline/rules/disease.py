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
    Rejection or tolerance of a transplanted kidney, lung, heart or islet graft -> gvhd_immune (a liver graft is liver).
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
    entries = [e for field in CONDITIONS for e in re.split(r"\s\|\s", getattr(t, field)) if e.strip()]
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
        covid = _first(_COVID, _texts(t, CONDITIONS + TITLES))
        return Decision("covid19", _evidence(covid)) if covid else Decision("lung", focus.evidence)
    if focus.value != "other":
        return focus
    # Conditions before MeSH: MeSH adds broad ancestors ("Wounds and Injuries" for spinal cord injury). Entries that
    # name a procedure or the product ("Stem Cell Transplantation") are left out of both.
    for field in ("conditions", "mesh_terms", "title", "official_title", "keywords"):
        text = getattr(t, field)
        if field in CONDITIONS:
            entries = [e for e in re.split(r"\s\|\s", text) if e.strip()]
            text = " | ".join(e for e in entries if not _PROCEDURE_ENTRY.match(e))
        if text:
            for key, rule in _DISEASE_RULES:
                m = rule.search(text, "")
                if m:
                    return Decision(key, _snippet(text, m.start(), m.end()))
    return Decision("other", "")


# The neurological words, for rules that depend on a neurological disease (an intranasal route goes to the brain).
NEUROLOGICAL = dict(_DISEASE_RULES)["neurological"]
