"""route: every route by which the product is given, a ';'-list in vocab order, or unknown.

Where: the product's own interventions and arms first, the titles next, then summary sentences (and the trial's own
sentences of the detailed description) that name the product and are not background.

Decisions
  * One pattern per key; "IV" only as a word not preceded by phase/grade/stage/type/class/NYHA/level.
  * Intranasal -> intracerebral for neurological trials, inhalation otherwise. Eye drops -> topical; ocular
    injections (intravitreal, subretinal, suprachoroidal, sub-Tenon, subconjunctival) -> intravitreal.
  * Generic "infusion" means intravenous only when no other route is named; "injection" alone is no route.
  * A route stated in a sentence that names the product beats one stated only for a comparator ("intra-articular
    corticosteroids", the vaccine of a vaccine-response trial); summary and description routes count only in
    sentences naming the product that are not about other work or MSCs in general.
  * Where the cells go decides (GUIDE.md): a catheter into the infarct-related / culprit artery -> intracoronary;
    an organ's artery (pancreatic, testicular, splenic, renal when cells go through it) -> intra_arterial; the
    peritoneal cavity -> intraperitoneal; an extracorporeal circuit or the cardiopulmonary bypass -> other;
    intramedullary -> intracerebral in neurological disease, else local_injection; a tendon, nerve, soft tissue, a
    lesion "applied locally" -> local_injection.
  * implant = cells in or on a pre-formed carrier (scaffold, sheet incl. a hydrogel sheet on a wound, membrane,
    patch, plug, matrix, biomaterial; "loaded on", "seeded onto" a carrier) or in fibrin glue placed at surgery.
    Not implant: words of manufacture ("seeded in flasks"), "matrix-derived" cells, extracellular matrix; cells in
    glue that are injected -> local_injection; a gel on a wound -> topical. Intra-osseous with a carrier -> implant
    only; a sheet applied on a wound -> implant, not also topical; a "local injection" phrase in the sentence of a
    more specific route (intradermal, subcutaneous, intramuscular, implant) is that route.
  * "topical ... injection" (a conjunctival injection) is an injection, never topical.
"""

from __future__ import annotations

import re

from msc_atlas.pipeline import products
from msc_atlas.pipeline.rules.disease import NEUROLOGICAL as _NEURO
from msc_atlas.pipeline.rules.product import MSC_NAMES, NAME_GATES
from msc_atlas.pipeline.text import (
    ARMS,
    CONDITIONS,
    NO,
    TITLES,
    Decision,
    Texts,
    TrialText,
    is_background,
    own_sentences,
    segment,
    tiers,
)
from msc_atlas.pipeline.text import EVIDENCE_MAX as _EVIDENCE_MAX
from msc_atlas.pipeline.text import Rule as _Rule
from msc_atlas.pipeline.text import evidence as _evidence
from msc_atlas.pipeline.text import first as _first
from msc_atlas.pipeline.text import snippet as _snippet
from msc_atlas.pipeline.text import texts_of as _texts
from msc_atlas.vocab import MULTI_SEP, ROUTES

# "IV" as a word, but not the Roman numeral of a phase, grade, stage, class ... (the look-behinds run after the match).
_IV = (
    r"(?-i:(?<![\w/-])(?:IV|iv)(?![\w/-])(?!\)))"
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
            "intraven i.v i. v IV iv vein venous infus systemic vena intravenal",
            r"intra[- ]?venous\w*|\bi\.\s?v\b\.?|"
            + _IV
            + r"|peripheral(?:ly)? (?:vein|venous|infusion)|venous (?:infusion|transfusion"
            r"|injection|route|administration|catheter)|(?<!portal )(?<!hepatic )(?<!splenic )(?<!umbilical )(?<!renal )"
            r"\bvein\b(?! graft)|(?:systemic|systemically|peripheral) (?:infusion|administration|delivery)"
            r"|intravenal|\bvena\b",
        ),
        "inhalation": (
            "nebuli aerosol inhal atomi",
            r"nebuli[sz]\w*|aerosol\w*|inhal(?:ation|ed|er|ing)\w*|atomi[sz]\w*",
        ),
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
            "arteri arter carotid",
            r"intra[- ]?arterial\w*|intra[- ]?carotid|carotid arter\w*|femoral arter\w*"
            r"|vertebral arter\w*|arterial (?:infusion|injection)|(?:via|through|into|by) (?:the |a )?renal arter\w*|renal arter\w* (?:injection|infusion|route)|pancrea\w* arter\w*|testicular arter\w*"
            r"|splenic arter\w*|mesenteric arter\w*",
        ),
        "intracoronary": (
            "coronar infarct culprit",
            r"intra[- ]?coronar\w*|coronary arter\w* (?:infusion|injection)"
            r"|(?:infarct[- ]related|culprit) (?:coronary )?(?:blood )?(?:arter\w*|vessels?)",
        ),
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
            r"|intraventricular(?! h(?:a)?emorrh)|intra[- ]?striatal|intra[- ]?nigral|into the brain|intra[- ]?spinal",
        ),
        "intramuscular": (
            "intramusc intra-musc intra musc i.m IM muscle",
            r"(?<!local )intra[- ]?muscular\w*|\bi\.m\.|(?-i:(?<![\w/-])IM(?![\w/-]))"
            r"|into the (?:\w+ ){0,2}muscles?|muscle injection",
        ),
        "intra_articular": (
            "articular joint knee synovial capsular",
            r"intra[- ]?articular\w*|" + _INTO + r"(?:joint|knee)s?\b"
            r"|articular cavity|joint (?:cavity|space)|intra[- ]?synovial|knee (?:injection|administration)|joint injection"
            r"|intra[- ]?capsular",
        ),
        "intradiscal": (
            "discal disc disk pulposus vertebral",
            r"intra[- ]?discal|" + _INTO + r"dis[ck]s?\b|nucleus pulposus"
            r"|intra[- ]?vertebral disc|disc injection|(?:into|to) (?:the |a |each |both )?(?:[\w-]+ ){0,3}?"
            r"(?:intervertebral|lumbar|cervical) dis[ck]s?\b(?! (?:degenerat|herniat|disease|prolapse|pain))",
        ),
        "intravitreal": (
            "vitreal vitreous retinal choroidal tenon conjunctival cameral bulbar ocular",
            r"intra[- ]?vitreal\w*|sub[- ]?retinal\w*|supra[- ]?choroidal|sub[- ]?tenon|sub[- ]?conjunctival"
            r"|intra[- ]?cameral|retrobulbar|peribulbar|intra[- ]?ocular|vitreous cavity|into the vitreous|conjunctival injections?",
        ),
        "subcutaneous": (
            "subcutan sub-cutan sub cutan s.c",
            r"sub[- ]?cutaneous\w*(?! (?:fat|adipose|tissue|lipo))|\bs\.c\.",
        ),
        "intradermal": ("dermal dermic cutaneous", r"intra[- ]?derm(?:al|ic)\w*|intra[- ]?cutaneous"),
        "local_injection": _Rule(
            "local soft lesion fistul cavern ovar tendin glandular osseous pancrea perianal peri-anal sphincter "
            "submucos myometr endometri tumor tumour testi",
            r"local(?:ly)? (?:intra[- ]?muscular )?(?:inject\w*|infiltrat\w*|administ\w*)|intra[- ]?lesional\w*|peri[- ]?lesional"
            r"|peri[- ]?fistul\w*|intra[- ]?cavern\w*|intra[- ]?ovarian|intra[- ]?tendin\w*|intra[- ]?tendon\w*|peri[- ]?tendin\w*"
            r"|intra[- ]?glandular|intra[- ]?osseous|intra[- ]?pancrea\w*|peri[- ]?anal injection"
            r"|intra[- ]?sphincter\w*|submucos\w*|intra[- ]?myometr\w*|intra[- ]?endometri\w*|intra[- ]?tumou?ral"
            r"|intra[- ]?testicular|rete testis|soft[- ]tissue injections?"
            r"|appli\w* (?:of )?(?:[\w-]+ ){0,3}?locally|locally appli\w*",
        )
        | _Rule(
            "into to in around injected inject",
            r"(?:inject\w* (?:directly )?)?" + _INTO + r"(?:fistula|fistulas|fistulae|lesions?|sphincter|wound bed"
            r"|wound edges?|ulcers?|scars?|tendons?|ovar\w*|penis|corpus cavernosum|gingiva\w*|defects?|keloids?"
            r"|nonunion|non-union|fracture|footprint|tumou?rs?|testis|testes|testicular (?:tubules|tissue|parenchyma)|nerves?)\b",
        ),
        "topical": (
            "topical drop applied appli spray dressing gel ointment cream use sheet",
            r"topical\w*(?! (?:\w+ )?injections?)|eye ?drops?|/\s*drop\b|\bdrops? (?:\w+ )?(?:times|daily|a day)"
            r"|(?:appli\w*|use\w*|spread\w*|paint\w*|rub\w*) (?:of (?:[\w-]+ ){1,4})?(?:directly )?(?:on|onto|to|over) "
            r"(?:the |a |an )?(?:[\w'’-]+ ){0,3}?(?:wounds?|ulcers?|skin|burns?|lesions?|surface|scalp|hair|face)\b"
            r"|(?:wounds?|ulcers?|burns?|skin) (?:\w+ ){0,4}(?:receive|treated with) (?:\w+ ){0,2}appli\w*"
            r"|spray(?:ed)? (?:on|onto)|dressing|\bgel\b|ointment|cream|serum (?:on|to) the",
        ),
        # Cells held in or on a pre-formed carrier placed in or on the body; cells in fibrin glue placed at surgery.
        # Words of manufacture ("seeded in flasks") are no route.
        "implant": (
            "scaffold seeded hydrogel sheet fibrin patch membrane collagen phosphate tcp TCP hydroxyapatite substitute "
            "biomaterial carrier matrix graft loaded coated plug embedded",
            r"(?<!injectable )(?<!injectable collagen )(?<!glue )scaffold|(?<!injectable )hydrogel|cell sheets?|(?<!data )(?<!information )(?<!report )(?<!record )(?<!consent )\bsheets?\b|fibrin glue|\bpatch\b"
            r"|collagen (?:matrix|sponge)|tricalcium phosphate|\bTCP\b|hydroxyapatite|bone substitute|biomaterial|carrier"
            r"|(?<!extracellular )matrix(?![- ]derived)|graft(?:ed|ing)? with|\bplugs?\b"
            r"|(?:amniotic|collagen|resorbable|fibrin|PRF|scaffold|barrier|periosteal)(?: type \w+)? membrane|periosteal flap"
            r"|covered (?:by|with) (?:\w+ ){0,3}(?:membrane|flap|patch)"
            r"|(?:seeded|loaded|coated|embedded|incorporated|included|immobili[sz]ed) (?:on|onto|in|into|within|with) "
            r"(?:a |an |the )?(?:[\w-]+ ){0,3}?(?:scaffolds?|matri(?:x|ces)|membranes?|grafts?|allografts?|carriers?"
            r"|sponges?|sheets?|patch\w*|biomaterials?|substitutes?|plugs?|FDBA|granules?|ECM|conduits?)"
            r"|\b(?:MSCs?|cells?)[- ](?:loaded|coated|seeded)\b",
        ),
        "intraperitoneal": ("peritone i.p", r"intra[- ]?peritoneal\w*|\bi\.p\.|peritoneal cavity|into the peritoneum"),
        "other": (
            "intra-uterine intrauterine intra uterine tympan vesical pleural pericard intrahepatic intra-hepatic intrarenal "
            "intra-renal amniotic intracardiac intra-cardiac nodal lymphatic gastric rectal caudate extracorporeal "
            "extra-corporeal bypass dialysis",
            r"intra[- ]?uterine|intra[- ]?tympanic|intra[- ]?vesical|intra[- ]?pleural|intra[- ]?pericardial"
            r"|intra[- ]?hepatic(?! arter)|intra[- ]?renal|intra[- ]?amniotic|intra[- ]?cardiac|intra[- ]?nodal"
            r"|intra[- ]?lymphatic|intra[- ]?gastric|\brectal(?:ly)? (?:administ|enema|instill)"
            r"|into (?:the )?(?:\w+ ){0,3}(?:liver|hepatic) (?:parenchyma|segments?|lobes?)|caudate lobe"
            # cells in or through an extracorporeal circuit (a dialysis cartridge, the cardiopulmonary bypass)
            r"|extra-?corporeal(?! shock)(?! photopheres)(?! membrane)(?! life)|cardiopulmonary bypass|bypass circuit|dialysis (?:circuit|line)",
        ),
    }.items()
}
_INTRAOSSEOUS = re.compile(r"intra[- ]?osseous", re.IGNORECASE)
_GLUE = re.compile(r"\bglue\b", re.IGNORECASE)
_INJECTION = _Rule("inject", r"inject\w*")
_INTRANASAL = _Rule("nasal", r"intra[- ]?nasal\w*|nasal (?:drops?|drip|spray|administration|route)")
# Into the parenchyma of an organ: the brain in neurological disease, another organ (kidney, liver) otherwise.
_PARENCHYMAL = _Rule("parenchym paranchym", r"intra[- ]?par[ae]n?chymal\w*")
# Into the medulla: the spinal cord in neurological disease, the marrow cavity of a bone otherwise (not a nail).
_MEDULLARY = _Rule("medullary", r"intra[- ]?medullary(?! (?:nail|rod|canal|pin|fixation))")
_INFUSION = _Rule("infus drip transfus", r"\binfus\w*|\bdrip\b|\btransfus\w*")
# Injected into a named place that no route rule knows: a local injection (used only when no route is found).
_INJECTED_INTO = _Rule("inject", r"inject\w* (?:directly )?(?:into|around) the \w+")

_PRODUCT_MENTION = _Rule(
    "mesenchym stromal msc stem cell exosom vesic EV secretome conditioned product mixture suspension "
    "preparation imp " + NAME_GATES,
    r"mesenchymal|stromal|MSC|stem|cells?\b|exosom|vesic|\bs?EVs?\b|secretome|conditioned|product"
    r"|mixture|suspension|preparation|\bIMP\b|" + MSC_NAMES,
)
# What the product is compared with: a route next to these words belongs to the placebo, the control or a co-drug.
_COMPARATOR = re.compile(
    r"placebo|saline|sodium chloride|vehicle|sham|control|growth medium|standard (?:of )?care"
    r"|conventional|corticosteroid|steroids?|hyaluronic|\bHA\b|PRP|heparin|antibiotic|tablet"
    r"|capsule|\bmg\b|drug|vaccin\w*|moisturi[sz]\w*|emollient",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r",\s*(?:and|while|whereas)\s+|;\s*|\s+(?:versus|vs\.?|compared (?:to|with))\s+", re.IGNORECASE)


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
# A pre-formed carrier stays an implant on a wound (a hydrogel sheet); a gel on a wound is a dressing (topical).
_PREFORMED = re.compile(r"sheet|scaffold|membrane|patch|matri|plug|graft|substitute|\bECM\b", re.IGNORECASE)
_INJECTED = re.compile(r"inject\w*|infus\w*", re.IGNORECASE)
_ON_A_WOUND = re.compile(r"wounds?|ulcers?|burns?|\bskin\b|dressing", re.IGNORECASE)


def _mentions_product(segment: str) -> bool:
    return bool(_PRODUCT_MENTION.search(segment, segment.lower()) or products.find(segment))


def _belongs_to_product(text: str, m: re.Match, product: str = "") -> bool | None:
    """Does the route phrase at `m` describe the product (True), a comparator (False), or is it unclear (None)?

    The nearer of the product's and the comparator's words in the same sentence decides: "IV 0.3 million/kg UC-MSCs
    once, and nasal drop 0.5 ml/day (growth medium)" gives the nasal route to the growth medium."""
    seg = segment(text, m.start(), m.end())
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
                if skip_background and is_background(segment(text, m.start(), m.end())):
                    continue
                owner = _belongs_to_product(text, m, product)
                if owner is False:
                    continue
                if key in _GIVEN_AS_IMPLANT and (
                    _INJECTED.search(segment(text, m.start(), m.end()))
                    or (_ON_A_WOUND.search(segment(text, m.start(), m.end())) and not _PREFORMED.search(m.group(0)))
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


def _in_one_sentence(key: str, other: str, texts: Texts) -> bool:
    """Does a sentence that states route `key` also state route `other`?"""
    for text, low in texts:
        for pattern in _ROUTE_RULES[key].open(text, low):
            for m in pattern.finditer(text):
                sentence = segment(text, m.start(), m.end())
                if _ROUTE_RULES[other].search(sentence, sentence.lower()):
                    return True
    return False


def classify_route(t: TrialText, product: str = "") -> Decision:
    """';'-joined ROUTES keys, or unknown: the routes stated for the product, in its own interventions and arms first."""
    tier1, tier2 = tiers(t)
    arms, titles = _texts(t, ARMS), _texts(t, TITLES)
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
    # In the summary and description a route counts in any sentence that names the product and is not about other
    # work or MSCs in general ("The intra-articular injection of JOINTSTEM is expected to ..."), GUIDE.md.
    described = Texts([t.summary, own_sentences(t.detailed_description), t.keywords])
    found = found or _routes(described, _ROUTE_RULES, skip_background=True, product=product)[0]
    neuro = _first(_NEURO, _texts(t, CONDITIONS + TITLES))
    special = {"nasal": _INTRANASAL, "parenchymal": _PARENCHYMAL, "medullary": _MEDULLARY}
    named_special, any_special = _routes(tier1, special, product=product)
    if not found and not (named_special or any_special):
        named_special = _routes(tier2, special, skip_background=True, product=product)[0]
    for kind, evidence in (named_special or any_special).items():
        # Intranasal is a route to the brain in neurological trials and to the airway otherwise; an intraparenchymal
        # injection goes into the brain or spinal cord in neurological trials and into another organ otherwise.
        key = {"nasal": "inhalation", "parenchymal": "other", "medullary": "local_injection"}[kind]
        key = "intracerebral" if neuro else key
        found[key] = evidence
    if not found:
        for rule, key in ((_INFUSION, "intravenous"), (_INJECTED_INTO, "local_injection")):
            for texts in (tier1, tier2):
                hit = _first(rule, texts)
                # a cell "infusion" with no route named is intravenous; "injected into the <place>" a local injection
                if hit and _belongs_to_product(*hit, product) is not False:
                    return Decision(key, _evidence(hit))
        return NO
    intraosseous = _INTRAOSSEOUS.search(found.get("local_injection", ""))
    carrier = found.get("implant") or _evidence(_first(_ROUTE_RULES["implant"], tier1)) if intraosseous else ""
    if intraosseous and carrier:
        del found["local_injection"]  # into a bone defect on a scaffold or biomaterial is an implant (GUIDE.md)
        found["implant"] = carrier
    if "implant" in found and _GLUE.search(found["implant"]) and _first(_INJECTION, arms):
        found["local_injection"] = found.pop("implant")  # cells in glue injected into a lesion (GUIDE.md)
    everywhere = Texts([*(x for x, _ in tier1), *(x for x, _ in described)])
    if "local_injection" in found and any(
        k in found and _in_one_sentence("local_injection", k, everywhere)
        for k in ("intradermal", "subcutaneous", "intramuscular", "implant")
    ):
        # "intradermic application around the ulcer", "cells loaded on a graft placed in the defect": the phrase that
        # looked like a local injection names a more specific route of the same administration
        del found["local_injection"]
    if "implant" in found and _PREFORMED.search(found.get("topical", "")):
        del found["topical"]  # a sheet, membrane or patch applied on a wound is an implant, not a dressing (GUIDE.md)
    keys = [k for k in ROUTES if k in found]
    evid = " / ".join(dict.fromkeys(found[k] for k in keys))
    return Decision(MULTI_SEP.join(keys), evid if len(evid) <= _EVIDENCE_MAX + 40 else evid[: _EVIDENCE_MAX + 39] + "…")
