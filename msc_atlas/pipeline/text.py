"""The registry text of one trial as the classifiers read it, and the small matching toolkit they share.

Pure: no I/O, no pandas. `Rule` is a case-insensitive regex behind cheap substring gates; `snippet` cuts the
evidence phrase a decision keeps. Where the classifiers look is named here once (the field groups and `tiers`), so
every classifier of `msc_atlas.pipeline.rules` reads the same "tier 1" and "tier 2":

  * tier 1 = titles + intervention names / descriptions + arm labels / descriptions: the product's own fields;
  * tier 2 = brief summary + the sentences of the detailed description about this trial's own procedure + keywords,
    read only when tier 1 says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from msc_atlas.vocab import MULTI_SEP, UNKNOWN


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
    arm_labels: str = ""
    detailed_description: str = ""  # ClinicalTrials.gov DetailedDescription (full record; "" elsewhere)
    intervention_types: str = ""  # "Biological | Device", in the order of `interventions`
    study_type: str = ""  # as registered: "Interventional", "Observational", "Expanded Access", ...


class Decision(NamedTuple):
    value: str  # a vocab key or "unknown"; multi-valued: ';'-joined keys in vocab order
    evidence: str  # the registry phrase the value was decided from; "" when unknown


NO = Decision(UNKNOWN, "")
EVIDENCE_MAX = 160


class Texts(list):
    """Some fields of one trial as (text, lower-cased text) pairs, plus all of them joined for the rule gates."""

    def __init__(self, texts: Iterable[str]):
        super().__init__((x, x.lower()) for x in texts if x)
        self.low = " | ".join(low for _, low in self)
        self.text = " | ".join(x for x, _ in self)


class Rule:
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
        self.alternatives: tuple[Rule, ...] = (self,)
        self.unless = unless

    def __or__(self, other: Rule) -> Rule:
        both = Rule("", "")
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


def snippet(text: str, start: int, end: int, width: int = EVIDENCE_MAX) -> str:
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


def texts_of(t: TrialText, fields: Iterable[str]) -> Texts:
    return Texts(getattr(t, f) for f in fields)


def first(rule: Rule, texts: Texts) -> tuple[str, re.Match] | None:
    """The first text (in field order) where `rule` matches, and its earliest match."""
    patterns = rule.open(texts.text, texts.low)
    for text, _ in texts if patterns else ():
        hits = [m for p in patterns for m in [p.search(text)] if m]
        if hits:
            return text, min(hits, key=lambda m: m.start())
    return None


def evidence(hit: tuple[str, re.Match] | None, width: int = EVIDENCE_MAX) -> str:
    return snippet(hit[0], hit[1].start(), hit[1].end(), width) if hit else ""


def multi(table: dict[str, Rule], texts: Texts) -> Decision:
    """All keys of `table` (in table = vocab order) found in `texts`, with a short snippet each."""
    found = {k: hit for k, rule in table.items() for hit in [first(rule, texts)] if hit}
    if not found:
        return NO
    width = max(60, EVIDENCE_MAX // len(found))
    evid = dict.fromkeys(evidence(hit, width) for hit in found.values())
    return Decision(MULTI_SEP.join(found), " / ".join(evid))


# A sentence of a detailed description that describes this trial's own procedure ("patients will receive", "in this
# study"), and one that describes other work (earlier studies, animals, what MSCs can do in general).
_THIS_TRIAL = re.compile(
    r"\b(?:will|shall|to be (?:given|administered|infused|injected|transplanted|implanted)"
    r"|this (?:study|trial|protocol)|in (?:the|this) (?:present |current )?(?:study|trial)"
    r"|(?:patients|subjects|participants|investigators|we) (?:will|would|are to)|each (?:patient|subject|participant)"
    r"|(?:are|were|is|was) (?:randomi[sz]ed|assigned|allocated|enrolled)|(?:group|arm) [A-Z0-9]\b)",
    re.IGNORECASE,
)
_OTHER_WORK = re.compile(
    r"\b(?:have|has|had) been\b|\bprevious(?:ly)?\b|\bprior\b|\bstudies\b|\bdemonstrat\w*|\breported\b|\bshowed\b"
    r"|\bshown\b|\bpre-?clinical\b|\banimals?\b|\bmice\b|\bmurine\b|\brats?\b|\bin vitro\b|\bliterature\b"
    r"|\bcan be (?:isolated|obtained|derived|found|harvested)\b|\bfound that\b|\bpublished\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\s*\n\s*")


def trial_sentences(text: str) -> str:
    """The sentences of a long description that say what this trial does (future tense, "in this study", arms),
    without those about other work: a detailed description is mostly background, and a tissue, donor or route named
    for earlier studies describes no product of this trial."""
    kept = [s for s in _SENTENCE_END.split(text) if _THIS_TRIAL.search(s) and not _OTHER_WORK.search(s)]
    return " ".join(" ".join(s.split()) for s in kept)


def own_sentences(text: str) -> str:
    """The sentences of a long description that are not about other work (earlier studies, animals, the literature):
    wider than `trial_sentences`, for a rule that also checks that the sentence names the trial's own product."""
    kept = [s for s in _SENTENCE_END.split(text) if not _OTHER_WORK.search(s)]
    return " ".join(" ".join(s.split()) for s in kept)


# ---------------------------------------------------------------------------------------------- where rules look

TIER1 = ("title", "official_title", "interventions", "intervention_descriptions", "arm_labels", "arm_descriptions")
TIER2 = ("summary", "keywords")  # plus the trial's own sentences of the detailed description (tiers)
TITLES = ("title", "official_title")
CONDITIONS = ("conditions", "mesh_terms")
ARMS = ("interventions", "intervention_descriptions", "arm_labels", "arm_descriptions")


def tiers(t: TrialText) -> tuple[Texts, Texts]:
    """Tier 1: the product's own fields and titles; tier 2: summary, keywords and the sentences of the detailed
    description about this trial's own procedure (never its background)."""
    return texts_of(t, TIER1), Texts([t.summary, trial_sentences(t.detailed_description), t.keywords])


# A sentence about what is known or possible in general, not about what this trial gives.
BACKGROUND = re.compile(
    r"\b(?:have|has) been|\b(?:can|could|may|might|would)\b|are known|studies|previous|reported|shown"
    r"|widely|promising|is known|potential|possible|recent(?:ly)?\b|\binclude|identified|characteri[sz]ed"
    r"|described",
    re.IGNORECASE,
)


def is_background(sentence: str) -> bool:
    """A sentence about what is known or possible in general, unless it states this trial ("This study will explore
    allogeneic UC-MSCs in patients who have been resistant to ...")."""
    if _CITES_OTHER_WORK.search(sentence):
        return True
    return bool(BACKGROUND.search(sentence)) and not _THIS_TRIAL.search(sentence)


_CITES_OTHER_WORK = re.compile(
    r"\bprevious(?:ly)?\b|\bstudies\b|\breported\b|\bliterature\b|\bshown\b|\bdemonstrated\b|\bpublished\b",
    re.IGNORECASE,
)


# Sentences, " | "-separated field parts and lines.
SENTENCE = re.compile(r"(?<=[.;!?])\s+|\s\|\s|\s*\n\s*")


def segment(text: str, start: int, end: int) -> str:
    """The field part (" | ") or sentence around a match."""
    a = max(
        text.rfind(" | ", 0, start), text.rfind(". ", 0, start), text.rfind("; ", 0, start), text.rfind("\n", 0, start)
    )
    stops = [
        i for i in (text.find(" | ", end), text.find(". ", end), text.find("; ", end), text.find("\n", end)) if i >= 0
    ]
    return text[a + 1 if a >= 0 else 0 : min(stops) if stops else len(text)]
