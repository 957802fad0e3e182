"""donor: allogeneic | autologous | both (arms differ) | unknown, from sentences that name the product.

Where: the sentences of tier 1 that name the product, then those of tier 2 that are not background; a named
product of the reviewed dictionary fixes the donor when the text is silent.

Decisions
  * Allogeneic / autologous words (incl. allogenic, "third-party", "healthy donor", "patient's own",
    "non-autologous" = allogeneic) applied to the cells, not to the transplant setting ("allogeneic HSCT",
    "autologous serum"). Both words in the same tier -> both. Umbilical cord etc. alone does not imply a donor.
  * Words that say whose cells they are (GUIDE.md): "from (related or unrelated) donors", "donor ex-vivo expanded
    MSCs", "from a single donor", "haploidentical MSCs", "allogenous" -> allogeneic; cells "harvested from ... of the
    patients", "the patient's own bone marrow / cells" -> autologous (not "their own bone" grown after surgery). A cell
    bank decides allogeneic only when no donor word does (a patient's own cells may be banked). Third-party antigens
    of an immune assay name no donor.
  * Where: the sentences naming the product in tier 1, then in the summary, keywords and the detailed description;
    a description sentence in the past or perfect tense ("MSCs were derived from the donor's bone marrow", "in 2004 ...
    used third-party MSCs") reports other work unless it states this trial; a sentence that states this trial is not
    background for a "have been" or "potential" in it, but one that cites previous studies is.
  * A named product of the reviewed dictionary fixes the donor when the text is silent (GUIDE.md, product names).
"""

from __future__ import annotations

import re

from msc_atlas.pipeline import products
from msc_atlas.pipeline.rules.product import MSC, NAME_GATES
from msc_atlas.pipeline.text import (
    NO,
    SENTENCE,
    TIER1,
    TIER2,
    Decision,
    Texts,
    TrialText,
    is_background,
    own_sentences,
    tiers,
    trial_sentences,
)
from msc_atlas.pipeline.text import Rule as _Rule
from msc_atlas.pipeline.text import evidence as _evidence
from msc_atlas.pipeline.text import first as _first
from msc_atlas.pipeline.text import multi as _multi
from msc_atlas.pipeline.text import texts_of as _texts
from msc_atlas.vocab import MULTI_SEP, UNKNOWN

# A donor word describes the cells, not the transplant setting or another material ("allogeneic HSCT", "autologous
# serum", "allogeneic kidney transplant"); words that name MSCs may stand between ("autologous mesenchymal stem cell
# transplantation", "autologous BMDMSC transplantation").
_NOT_MSC_WORD = r"(?!(?:mesenchymal|stromal|\w*MSCs?|\w*ASCs?|MPCs?|umbilical|adipose|wharton)\b)"
_HSCT_SETTING = r"h(?:a)?emato¬?poietic|HSCT|HCT|BMT|SCT\b|stem cell transplant|bone marrow transplant|(?:cord blood )?transplant(?:ation)?\b"
_OTHER_MATERIAL = (
    r"serum|plasma|platelet|PRP|blood\b|chondrocyte|fat graft|fat transfer|bone graft|T[- ]cells|lymphocytes|HSC\b"
    r"|CAR|NK\b|recipients?|donors? lymph|neural|NPCs?|islets?|hepatocytes?|kidney|liver|renal|organ|mononuclear"
    r"|BM-?MNC|bone marrow (?:cells|concentrate|aspirate)|BMAC"
)


def _donor_rules(setting: str) -> dict[str, _Rule]:
    not_setting = r"(?![\s-]+(?:" + _NOT_MSC_WORD + r"\w+[\s-]+){0,2}?(?:" + setting + r"))"
    return {
        "allogeneic": _Rule(
            "allogen allogenic allo- autologous third donor bank haploidentical",
            r"(?:\ballo(?:gene(?:ic|ous)|genic|genetic|genous)(?:ly)?\b|\ballo-(?!HSCT|SCT|HCT|BMT|transplant)"
            r"|non[- ]?autologous|third[- ]party(?! antigen| stimul| response| cells? response)|(?:healthy|unrelated|adult|young|screened|donated)(?:[\s-]+\w+)?[\s-]+donors?\b"
            r"|\bdonor[- ](?:[\w-]+ ){0,2}?(?:derived|mesenchymal|MSCs?|stromal|stem cells?)"
            # "from related or unrelated HLA-mismatched donors", "from a single donor", "from donor bone marrows"
            r"|(?:MSCs?|cells|isolated|obtained|collected|procured|derived) (?:[\w-]+ ){0,3}?from (?:[\w-]+ ){0,6}?donors?\b"
            r"|from (?:a |the )?(?:single |healthy |unrelated |haploidentical )?donor (?:bone marrow|adipose|umbilical|cord"
            r"|placenta|tissue)\w*"
            # a haploidentical product is a relative's
            r"|haploidentical (?:[\w-]+ ){0,2}?(?:MSCs?|mesenchymal|stromal|stem cells?))" + not_setting,
        ),
        "autologous": _Rule(
            "auto own participant patient subject recipient",
            r"(?:(?<!non-)(?<!non )\bauto(?:logous|genous|genic)\b|\bauto-(?!HSCT|SCT|HCT|immun)"
            # "the patient's own bone marrow", not "producing their own bone"
            r"|(?:patient'?s'?|their|his|her) own (?:[\w-]+ ){0,2}?(?:bone marrow|marrow|adipose|fat|cells?|stem cells"
            r"|MSCs?|mesenchymal|tissue|blood)"
            r"|(?:harvest|collect|obtain|aspirat|isolat)\w* from (?:[\w-]+ ){0,5}?(?:of|from) (?:the |each )?"
            r"(?:patients?|participants?|subjects?)\b"
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
    "placent adipose marrow imp " + NAME_GATES,
    MSC.alternatives[0].pattern.pattern + r"|stem cells?|\bcells?\b|exosom|vesicles?|\bs?EVs?\b|secretome"
    r"|investigational (?:medicinal )?product|\bIMP\b|umbilical cords?|placentas?|adipose tissue|bone marrow",
)


def _product_sentences(texts: Texts, skip_background: bool) -> Texts:
    out = []
    for text, _ in texts:
        for sentence in SENTENCE.split(text):
            low = sentence.lower()
            if _DONOR_CONTEXT.search(sentence, low) and not (skip_background and is_background(sentence)):
                out.append(sentence)
    return Texts(out)


# A cell bank holds donors' cells (GUIDE.md), but a patient's own cells may be banked too: a bank decides only when
# no donor word does.
_BANK = _Rule("bank", r"(?:stem )?cell bank|\bbanked (?:[\w-]+ ){0,3}?(?:MSCs?|mesenchymal|stromal|cells)")
# A description's sentence in the past or perfect tense reports other work unless it states this trial.
_REPORTED = re.compile(
    r"\b(?:were|was|had|have|has)\b|\bour (?:team|group)\b|\bin clinical\b|\bin (?:19|20)\d\d\b|\bet al\b|\bothers\b"
    r"|\bsuccessful(?:ly)?\b",
    re.IGNORECASE,
)


def _described(text: str) -> str:
    return " ".join(s for s in SENTENCE.split(own_sentences(text)) if not _REPORTED.search(s) or trial_sentences(s))


def classify_donor(t: TrialText) -> Decision:
    """allogeneic | autologous | both (arms differ) | unknown, from sentences that name the product; a named product of
    the reviewed dictionary fixes the donor when the text is silent."""
    tier1 = tiers(t)[0]
    # the summary, keywords and the description's sentences that are not about other work (background is skipped)
    tier2 = Texts([t.summary, _described(t.detailed_description), t.keywords])
    everything = _texts(t, (*TIER1, *TIER2, "conditions"))
    rules = _DONOR_RULES if _HSCT_CONTEXT.search(everything.text, everything.low) else _DONOR_RULES_NO_HSCT
    for texts, skip in ((tier1, False), (tier2, True)):
        d = _multi(rules, _product_sentences(texts, skip))
        if d.value != UNKNOWN:
            return Decision("both" if MULTI_SEP in d.value else d.value, d.evidence)
    for texts, skip in ((tier1, False), (tier2, True)):
        bank = _first(_BANK, _product_sentences(texts, skip))
        if bank:
            return Decision("allogeneic", _evidence(bank))
    named = products.find(" | ".join(x for x, _ in tier1))
    if named and named[0].donor != UNKNOWN:
        return Decision(named[0].donor, f"{named[1].group(0)} ({named[0].name}: {named[0].cited_id})")
    return NO
