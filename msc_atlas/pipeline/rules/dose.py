"""Doses stated in registry text: every cell-dose level of the MSC product (per kg and in total), and EV doses.

Pure functions over a `TrialText` (no I/O). A trial that states several levels ("0.5, 1 or 2 ×10⁶ cells/kg",
"10⁵, 10⁶, 10⁷/kg", "low dose 1×10⁶/kg … high dose 2×10⁶/kg") keeps all of them; a range ("0.1–1 ×10⁶/kg",
"100–800 million cells") keeps both ends. Per administration: repeating a dose on several days is one level.

Rules (the judgement calls; change them here):
  * Where: intervention descriptions, arm descriptions, intervention names, arm labels, titles; the brief summary
    only when none of these states a dose.
  * A number counts as a cell dose with a cell unit ("cells", "MSCs", "UC-MSCs", "million cells") or right after
    a cell noun ("MSCs 1×10^8"); "/kg", "per kg", "/kg body weight" make it per kg. A list or range shares the unit
    written after its last number, and the power of ten written after it ("1, 2 or 3 ×10⁶/kg").
  * Not MSC doses: concentrations (cells/mL alone), doses in a sentence about another cell product and not about
    MSCs (peripheral-blood stem cells, CD34+, mononuclear cells, a graft), drug doses (mg/kg).
  * EV / secretome amounts (particles, µg or mg protein, mL of product) are EV doses with their unit, never cells.
  * Plausible cell doses only: 10³–10¹⁰ cells/kg, 10⁴–10¹² cells in total.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from msc_atlas.pipeline.text import TrialText, snippet

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺", "0123456789+")
_SUPER_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺]+")


class Dose(NamedTuple):
    text: str  # the dose phrase(s) as registered ("" if none)
    per_kg: tuple[float, ...] = ()  # distinct cell doses per kg body weight, ascending
    total: tuple[float, ...] = ()  # distinct fixed cell doses, ascending
    ev: tuple[float, ...] = ()  # EV / secretome amounts in `ev_unit`, ascending
    ev_unit: str = ""  # particles | ug_protein | mL

    @property
    def levels(self) -> int:
        return len(self.per_kg) + len(self.total)


def normalise(text: str) -> str:
    """Superscript powers ("10⁶") -> "10^6"; the text keeps its length otherwise irrelevant (phrases come from it)."""
    text = text.replace("√ó", "×")  # a UTF-8 "×" read as Mac Roman somewhere upstream (ICTRP exports)
    return _SUPER_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPT), text)


_NUM = r"\d+(?:[.,·]\d+)?"
# One quantity: a mantissa with a power of ten or a word multiplier, a power alone, or a long number.
_QTY = re.compile(
    rf"(?P<m>{_NUM})?\s*(?:[x×\*·]|times)\s*10\s*(?:\^|\*\*|\*|e|E|\(|exp)?\s*\+?\s*(?P<e>\d{{1,2}})(?![\d,])\)?"
    rf"|(?P<m6>{_NUM})\s*[x×\*]\s*(?P<big3>10{{3,}})(?![\d,.])"  # "1-2 x 1000000"
    rf"|(?P<m5>{_NUM})\s+10\s*[eE^]\s*\+?(?P<e5>\d{{1,2}})\b"  # "3,0 10E6" (the "x" lost)
    r"|(?<![\d.,])10[eE](?P<e7>\d)\b"  # "10e6" written for 10^6
    rf"|(?P<m2>{_NUM})\s*[eE]\s*\+?\s*0?(?P<e2>\d{{1,2}})\b"  # "1.0E+6"
    r"|(?<![\d.,])10\s*(?:\^|\*\*)\s*(?P<e3>\d{1,2})\b"  # "10^6"
    r"|(?<![\d.,×x*^])10(?P<e4>[4-9])(?=\s*(?:/|per)\s*kg|\s*(?:\w+[- ])?(?:cells|MSCs?))"  # "106/kg": a lost superscript
    rf"|(?P<w>{_NUM})\s*(?P<mult>million|mio\b|mln\b\.?|billion|bn\b|thousand|(?-i:M\b)|mn\b|lakhs?\b)"
    r"|(?<![\d.,])(?P<big>[1-9]\d{0,2}(?:[,. ]\d{3}){2,}|[1-9]\d{0,2},\d{3})(?![\d,])"
    rf"|(?P<bare>{_NUM})",
    re.IGNORECASE,
)
_MULT = {
    "million": 1e6,
    "mio": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mln.": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "thousand": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
}
_LIST_SEP = re.compile(r"^\s*(?:,|;|/|or|and|to|-|–|—|~|versus|vs\.?)\s*$", re.IGNORECASE)
_RANGE_SEP = re.compile(r"^\s*(?:to|-|–|—|~)\s*$", re.IGNORECASE)

_CELL_WORD = r"(?:cells?|MSCs?|[A-Za-z-]*MSCs?|[A-Za-z]*SCs?|stem cells?|stromal cells?|viable cells|CD\d+\+? cells)"
_PER_KG = re.compile(
    r"^\s*(?:[\w+()-]+\s*){0,7}?(?:/|per|each)\s*(?:kg|kilo\w*|BW\b|(?:body\s*)?weight)|^\s*/\s*kg"
    r"|^\s*(?:[\w-]+\s*)?kg\s*/?\s*(?:bb|bw|body ?weight)\b",
    re.IGNORECASE,
)  # "0.3 million kg/bb" (berat badan)
_CELL_UNIT = re.compile(rf"^\s*(?:[\w+()-]+\s*){{0,7}}?{_CELL_WORD}\b", re.IGNORECASE)
# A concentration ("2×10^7/ml", "per 1 mL"); "1×10^7 cells / 3 mL" is a dose given in 3 mL, not a concentration.
_PER_VOLUME = re.compile(
    r"^\s*(?:[\w+-]+\s*){0,3}?(?:/|per)\s*(?:1(?:\.0)?\s*)?(?:m[lL]|cm3|cc|µl|ul|l)\b", re.IGNORECASE
)
_PER_AREA = re.compile(r"^\s*(?:[\w+-]+\s*){0,3}?(?:/|per)\s*\d*\s*(?:cm2|cm²|cm\^2|square)", re.IGNORECASE)
# A cap or a cumulative amount is not a dose level ("up to a maximum of 200 million", "40 million in total").
_CAP_BEFORE = re.compile(
    r"(?:max(?:imal|imum)?\.?|up to|not (?:to )?exceed(?:ing)?|no more than|cumulative|total of|overall)"
    r"(?:\s+\w+){0,3}\W*$",
    re.IGNORECASE,
)
_CAP_AFTER = re.compile(r"^\W*(?:[\w-]+\s+){0,5}?(?:in total|cumulative|overall)\b", re.IGNORECASE)
_EV_UNIT = re.compile(
    r"^\s*(?:[\w-]+\s*){0,3}?(?P<u>particles|exosomes|EVs?\b|vesicles|nanovesicles|µg|ug|μg|mcg|mg\b|m[lL]\b|units?\b)",
    re.IGNORECASE,
)
_DRUG_UNIT = re.compile(r"^\s*(?:mg|g|µg|ug|μg|mcg|ng|iu|units?|ml|mmol)\b", re.IGNORECASE)
_ANOTHER_QUANTITY = re.compile(
    r"(?<![\^/\w.,])\d+(?:[.,]\d+)?\s*(?:million|billion|mio\b|mln\b|[x×\*·]\s*10|[eE]\+?\d)", re.IGNORECASE
)
_CELLS_BEFORE = re.compile(rf"{_CELL_WORD}\W{{0,3}}(?:\w+\W+){{0,3}}$", re.IGNORECASE)
# A sentence about another cell product (and not about MSCs): its numbers are not the MSC dose.
_OTHER_PRODUCT = re.compile(
    r"\bPBSCs?\b|peripheral blood (?:stem|progenitor)|\bCD34\+?|\bCD133|mononuclear|\bMNCs?\b"
    r"|h(?:a)?ematopoietic|\bHSCs?\b|cord blood units?|\bgraft\b|\bG-CSF|platelet",
    re.IGNORECASE,
)
_MSC_WORD = re.compile(r"mesenchymal|stromal|MSC|\bASCs?\b|\bADSCs?\b|\bSVF\b", re.IGNORECASE)
_EV_WORD = re.compile(r"exosom|vesicle|\bs?EVs?\b|secretome|conditioned|exoflo", re.IGNORECASE)

_DOSE_FIELDS = (
    "intervention_descriptions",
    "arm_descriptions",
    "interventions",
    "arm_labels",
    "title",
    "official_title",
)
_MAX_TEXT = 200


class _Quantity(NamedTuple):
    value: float | None  # None: a bare number still waiting for the power of its group
    mantissa: float
    start: int
    end: int
    scale: float = 0.0  # the power of ten or word multiplier the quantity carries (1e6 for "2 ×10^6", "3 million")


def _num(s: str) -> float:
    return float(s.replace(",", ".").replace("·", "."))


def _quantity(m: re.Match) -> _Quantity:
    g = m.groupdict()
    if g["e"] is not None:
        mantissa, scale = _num(g["m"] or "1"), 10.0 ** int(g["e"])
    elif g["big3"] is not None:
        mantissa, scale = _num(g["m6"]), float(g["big3"])
    elif g["e5"] is not None:
        mantissa, scale = _num(g["m5"]), 10.0 ** int(g["e5"])
    elif g["e2"] is not None:
        mantissa, scale = _num(g["m2"]), 10.0 ** int(g["e2"])
    elif g["e3"] is not None or g["e4"] is not None or g["e7"] is not None:
        mantissa, scale = 1.0, 10.0 ** int(g["e3"] or g["e4"] or g["e7"])
    elif g["w"] is not None:
        mantissa, scale = _num(g["w"]), _MULT[g["mult"].lower()]
    elif g["big"] is not None:
        return _Quantity(float(re.sub(r"[,. ]", "", g["big"])), 0.0, m.start(), m.end())
    else:
        return _Quantity(None, _num(g["bare"]), m.start(), m.end())
    return _Quantity(mantissa * scale, mantissa, m.start(), m.end(), scale)


def _groups(text: str) -> list[list[_Quantity]]:
    """Quantities joined by list / range separators ("0.5, 1 or 2 ×10^6"), in text order."""
    out: list[list[_Quantity]] = []
    for m in _QTY.finditer(text):
        q = _quantity(m)
        if out and _LIST_SEP.match(text[out[-1][-1].end : q.start]):
            out[-1].append(q)
        else:
            out.append([q])
    return out


class _Level(NamedTuple):
    kind: str  # "per_kg" | "total" | "ev"
    value: float
    unit: str  # EV unit
    start: int
    end: int


def _resolve(group: list[_Quantity]) -> list[_Quantity]:
    """Bare mantissas take the multiplier of the group's quantity that carries one: "1-3 ×10^6" -> 1e6, 3e6;
    "1, 5 and 10 million" -> 1e6, 5e6, 1e7."""
    if group[-1].value is None:
        return []
    scale = next((q.scale for q in reversed(group) if q.scale), 0.0)
    out = []
    for q in group:
        if q.value is not None:
            out.append(q)
        elif scale:
            out.append(q._replace(value=q.mantissa * scale, scale=scale))
    return out


def _levels_in(text: str, product_is_ev: bool) -> list[_Level]:
    out: list[_Level] = []
    for group in _groups(text):
        quantities = _resolve(group)
        if not quantities:
            continue
        after = text[group[-1].end : group[-1].end + 60]
        # a unit belongs to the nearest number before it: "60 million cells intrathecally (about 1 million cells
        # per kg)" -> 60 million is a total, 1 million is per kg
        later = _ANOTHER_QUANTITY.search(after, 1)
        after = after[: later.start()] if later else after
        before = text[max(0, group[0].start - 40) : group[0].start]
        if _DRUG_UNIT.match(after) and not _EV_UNIT.match(after):
            continue
        ev_unit = _EV_UNIT.match(after)
        if _PER_AREA.match(after) or _CAP_BEFORE.search(before) or _CAP_AFTER.match(after):
            continue
        per_kg = bool(_PER_KG.match(after))
        cells_after = _CELL_UNIT.match(after)
        cell_unit = bool(cells_after) or bool(_CELLS_BEFORE.search(before))
        # "10^8 cells in 100 ml": the cell word comes first, the volume is what they are given in
        cells_first = bool(cells_after and ev_unit and cells_after.end() <= ev_unit.start("u"))
        if ev_unit and not cells_first and not (per_kg and cell_unit):
            unit = _ev_unit(ev_unit.group("u"))
            if unit and (product_is_ev or unit == "particles"):
                out += [_Level("ev", q.value, unit, q.start, group[-1].end) for q in quantities if q.value is not None]
            continue
        if _PER_VOLUME.match(after) and not per_kg:
            continue  # a concentration
        if not (per_kg or cell_unit):
            continue
        if product_is_ev:
            # cells in an EV trial are the MSCs the EVs came from ("EVs from 1×10^6 MSCs"): not a dose given
            continue
        kind = "per_kg" if per_kg else "total"
        lo, hi = (1e3, 1e10) if per_kg else (1e4, 1e12)
        out += [
            _Level(kind, q.value, "", q.start, group[-1].end)
            for q in quantities
            if q.value is not None and lo <= q.value <= hi
        ]
    return out


def _ev_unit(word: str) -> str:
    w = word.lower()
    if w in ("particles", "exosomes", "ev", "evs", "vesicles", "nanovesicles"):
        return "particles"
    if w in ("µg", "ug", "μg", "mcg", "mg"):
        return "ug_protein"
    if w == "ml":
        return "mL"
    return ""


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) parts of a field: split at " | " and sentence ends."""
    out, start = [], 0
    for m in re.finditer(r"\s\|\s|(?<=[.;])\s+(?=[A-Z(])", text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return out


def parse_dose(t: TrialText, product: str = "msc") -> Dose:
    """Every MSC cell-dose level (or EV amount, for EV / secretome products) the registry text states."""
    product_is_ev = product in ("msc_ev", "msc_secretome")
    fields = [getattr(t, f) for f in _DOSE_FIELDS if getattr(t, f)]
    found = _collect(fields, product_is_ev)
    if not found and t.summary:
        found = _collect([t.summary], product_is_ev)
    if not found:
        return Dose("")
    per_kg = tuple(sorted({lv.value for lv, _, _ in found if lv.kind == "per_kg"}))
    total = tuple(sorted({lv.value for lv, _, _ in found if lv.kind == "total"}))
    ev_levels = [lv for lv, _, _ in found if lv.kind == "ev"]
    ev_unit = ""
    ev: tuple[float, ...] = ()
    if ev_levels:
        # one unit per trial: particles, else protein, else volume (the most specific amount stated)
        units = {lv.unit for lv in ev_levels}
        ev_unit = next(u for u in ("particles", "ug_protein", "mL") if u in units)
        ev = tuple(sorted({lv.value for lv in ev_levels if lv.unit == ev_unit}))
    phrases: list[str] = []
    for lv, text, _ in found:
        phrase = snippet(text, lv.start, lv.end, 110).strip("…")
        # the same sentence cut a little differently in two arms: keep the longer one
        if any(phrase in p for p in phrases):
            continue
        phrases = [p for p in phrases if p not in phrase] + [phrase]
    phrase = " / ".join(phrases)
    if len(phrase) > _MAX_TEXT:
        phrase = phrase[: _MAX_TEXT - 1] + "…"
    return Dose(phrase, per_kg, total, ev, ev_unit)


def _collect(fields: list[str], product_is_ev: bool) -> list[tuple[_Level, str, int]]:
    found: list[tuple[_Level, str, int]] = []
    for raw in fields:
        text = normalise(raw)
        for offset, sentence in _sentences(text):
            if _OTHER_PRODUCT.search(sentence) and not (_MSC_WORD.search(sentence) or _EV_WORD.search(sentence)):
                continue
            for level in _levels_in(sentence, product_is_ev):
                if _OTHER_PRODUCT.search(sentence) and _MSC_WORD.search(sentence):
                    # both products in one sentence: keep the numbers nearest an MSC word
                    if not _near_msc(sentence, level):
                        continue
                found.append((level._replace(start=level.start + offset, end=level.end + offset), text, offset))
    return found


def _near_msc(sentence: str, level: _Level) -> bool:
    """Is the closest product word before this number (or right after it) an MSC word rather than another product?"""
    before = sentence[: level.start]
    last_msc = max((m.end() for m in _MSC_WORD.finditer(before)), default=-1)
    last_other = max((m.end() for m in _OTHER_PRODUCT.finditer(before)), default=-1)
    if last_msc < 0 and last_other < 0:
        after = sentence[level.end : level.end + 40]
        return bool(_MSC_WORD.search(after))
    return last_msc > last_other
