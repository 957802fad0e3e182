"""Census readings -> one value per trial and field: agreement of the two blind readings, third readings where they
differ, the reading status of each trial, and Cohen's kappa per field.

    curation/census/readings/{A,B}/batch_NNN.<reader>.jsonl   the two blind passes (a reader is in one pass only)
    curation/census/adjudications/*.jsonl                     third readings: trial_id, field, value, phrase, reason
    curation/census/rereads/*.jsonl                           third readings of agreed values a later guide decision
                                                              may change (the questions asked beside them, *.md)
    curation/census/text_fingerprints.csv                     the registry text each reading was made from

A trial is `double_read` when both passes read it, its registry text is the text they read, and a third reading
decides every field where the two differ; otherwise it is `rules_only` and the build keeps the rules' values.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from msc_atlas.config import CURATION_DIR

CENSUS_DIR = CURATION_DIR / "census"
READINGS_DIR = CENSUS_DIR / "readings"
ADJUDICATIONS_DIR = CENSUS_DIR / "adjudications"
REREADS_DIR = CENSUS_DIR / "rereads"
FINGERPRINTS_FILE = CENSUS_DIR / "text_fingerprints.csv"
PASSES = ("A", "B")
DOUBLE_READ = "double_read"
RULES_ONLY = "rules_only"

# Compared fields: name -> (reading keys it is made of, multi-valued?). The dose fields compare their level lists.
FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "product": (("product",), True),
    "source_tissue": (("source_tissue",), True),
    "donor": (("donor",), False),
    "route": (("route",), True),
    "focus_area": (("focus_area",), False),
    "disease_group": (("disease_group",), False),
    "dose_cells_per_kg": (("dose_cells_per_kg_levels",), True),
    "dose_cells_total": (("dose_cells_total_levels",), True),
    "ev_dose": (("ev_dose_levels", "ev_dose_unit"), False),
}
PHRASE_OF = {
    "product": "product_phrase",
    "source_tissue": "source_tissue_phrase",
    "donor": "donor_phrase",
    "route": "route_phrase",
    "focus_area": "disease_phrase",
    "disease_group": "disease_phrase",
    "dose_cells_per_kg": "dose_phrase",
    "dose_cells_total": "dose_phrase",
    "ev_dose": "dose_phrase",
}
# Only read for MSC-derived products: a non_msc trial's tissue, donor, route and doses are "n/a".
MSC_ONLY = {"source_tissue", "donor", "route", "dose_cells_per_kg", "dose_cells_total", "ev_dose"}
FINGERPRINT_KEYS = (
    "title",
    "official_title",
    "conditions",
    "interventions",
    "intervention_descriptions",
    "arm_labels",
    "arm_descriptions",
    "summary",
    "detailed_description",
)


_NOT_A_WORD = re.compile(r"[^0-9a-z]+")
# Intervention types some renderings put before each intervention name ("BIOLOGICAL: UC-MSC" in a website download,
# "UC-MSC" in the full record): not words of the registry text.
_TYPE_PREFIX = re.compile(
    r"\b(?:biological|drug|device|procedure|genetic|other|combination product|behavioral|dietary supplement"
    r"|radiation|diagnostic test)\s*:",
    re.IGNORECASE,
)


def fingerprint(text: dict[str, str]) -> str:
    """A short hash of the registry text a reading is made from: its words only (case, spacing, punctuation and the
    markdown escapes of ClinicalTrials.gov API v2 texts do not count), so a refresh that brings the same text back
    in another rendering keeps the census; changed words send the trial back to the rules."""
    joined = "\x1f".join(
        _NOT_A_WORD.sub(" ", _TYPE_PREFIX.sub(" ", str(text.get(k, ""))).lower()).strip() for k in FINGERPRINT_KEYS
    )
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _number_key(value: str) -> str:
    return f"{float(value):.3g}"


def canonical(name: str, reading: dict[str, str]) -> str:
    """A reading's value of one compared field, in a form where equal means agree: sorted sets, numbers to 3
    significant digits, "n/a" and "unknown" the same (neither states a value)."""
    keys, multi = FIELDS[name]
    if name.startswith("dose") or name == "ev_dose":
        levels = sorted({_number_key(x) for x in str(reading.get(keys[0], "")).split(";") if x.strip()}, key=float)
        value = ";".join(levels)
        if name == "ev_dose" and value:
            value += " " + str(reading.get("ev_dose_unit", "")).strip()
        return value
    raw = str(reading.get(keys[0], "")).strip()
    parts = {p.strip() for p in raw.split(";") if p.strip()} if multi else {raw}
    parts -= {"n/a"}
    if parts <= {"unknown", ""}:
        return "unknown"
    return ";".join(sorted(parts - {"unknown"}))


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two readers' categorical values (None when chance agreement is total)."""
    n = len(a)
    if n == 0:
        return None
    p_o = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = pd.Series(a).value_counts() / n, pd.Series(b).value_counts() / n
    p_e = float(sum(ca.get(k, 0.0) * cb.get(k, 0.0) for k in set(ca.index) | set(cb.index)))
    return None if p_e >= 1 else (p_o - p_e) / (1 - p_e)


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {n}: not JSON ({exc})") from exc
    return rows


def load_readings(readings_dir: Path = READINGS_DIR) -> pd.DataFrame:
    """Every reading: pass, reader, file, and the reading's keys (strings). One reading per trial and pass."""
    rows = []
    for pass_ in PASSES:
        for path in sorted((readings_dir / pass_).glob("*.jsonl")):
            reader = path.name.split(".")[1]
            for r in _read_jsonl(path):
                rows.append({"pass": pass_, "reader": reader, "file": path.name, **{k: str(v) for k, v in r.items()}})
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=["pass", "reader", "file", "trial_id"])
    dupes = out[out.duplicated(["pass", "trial_id"], keep=False)]
    if not dupes.empty:
        raise ValueError(f"census: trials read twice in one pass: {sorted(set(dupes['trial_id']))[:10]}")
    return out


def load_adjudications(adjudications_dir: Path = ADJUDICATIONS_DIR) -> pd.DataFrame:
    rows = []
    for path in sorted(adjudications_dir.glob("*.jsonl")):
        adjudicator = path.name.split(".")[1] if path.name.count(".") >= 2 else path.stem
        for r in _read_jsonl(path):
            if r.get("field") not in FIELDS:
                raise ValueError(f"{path}: {r.get('trial_id')}: unknown field {r.get('field')!r}")
            if not str(r.get("reason", "")).strip():
                raise ValueError(f"{path}: {r.get('trial_id')} {r['field']}: a third reading needs its reason")
            rows.append({"adjudicator": adjudicator, "file": path.name, **{k: str(v) for k, v in r.items()}})
    cols = ["adjudicator", "file", "trial_id", "field", "value", "phrase", "reason"]
    return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)


def load_rereads(rereads_dir: Path = REREADS_DIR) -> pd.DataFrame:
    """Policy re-reads: the same shape and checks as third readings."""
    return load_adjudications(rereads_dir)


def load_fingerprints(path: Path = FINGERPRINTS_FILE) -> dict[str, str]:
    if not path.exists():
        return {}
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(df["trial_id"], df["fingerprint"]))


@dataclass
class TrialCensus:
    trial_id: str
    status: str
    values: dict[str, str] = field(default_factory=dict)  # field -> canonical value
    phrases: dict[str, str] = field(default_factory=dict)  # field -> deciding phrase
    how: dict[str, str] = field(default_factory=dict)  # field -> "agreed" / "third reading"
    pending: list[str] = field(default_factory=list)  # fields the two readings differ on, not yet decided
    reason: str = ""  # why a trial is rules_only


def resolve(
    readings: pd.DataFrame,
    adjudications: pd.DataFrame,
    current_fingerprints: dict[str, str] | None = None,
    read_fingerprints: dict[str, str] | None = None,
    rereads: pd.DataFrame | None = None,
) -> dict[str, TrialCensus]:
    """trial_id -> its census outcome, for every trial with at least one reading. `rereads` are third readings of
    values both readers agreed on, asked because the guide took a decision during the census that may apply."""
    by_trial: dict[str, dict[str, dict]] = {}
    for r in readings.to_dict("records"):
        by_trial.setdefault(r["trial_id"], {})[r["pass"]] = r
    decided: dict[tuple[str, str], dict] = {(r["trial_id"], r["field"]): r for r in adjudications.to_dict("records")}
    policy: dict[tuple[str, str], dict] = (
        {(r["trial_id"], r["field"]): r for r in rereads.to_dict("records")} if rereads is not None else {}
    )
    out = {}
    for tid, passes in by_trial.items():
        if set(passes) != set(PASSES):
            out[tid] = TrialCensus(tid, RULES_ONLY, reason="read once; the second reading is not in yet")
            continue
        if current_fingerprints is not None and read_fingerprints is not None:
            before, now = read_fingerprints.get(tid), current_fingerprints.get(tid)
            if before is None or (now is not None and now != before):
                out[tid] = TrialCensus(tid, RULES_ONLY, reason="registry text changed since it was read")
                continue
        a, b = passes["A"], passes["B"]
        tc = TrialCensus(tid, DOUBLE_READ)
        product = None
        for name in FIELDS:
            va, vb = canonical(name, a), canonical(name, b)
            if (tid, name) in decided:
                d = decided[(tid, name)]
                value = canonical(name, _as_reading(name, d["value"]))
                tc.values[name], tc.phrases[name], tc.how[name] = value, d.get("phrase", ""), "third reading"
            elif va == vb and (tid, name) in policy:
                d = policy[(tid, name)]
                value = canonical(name, _as_reading(name, d["value"]))
                how = "agreed" if value == va else "policy re-read"
                tc.values[name], tc.phrases[name], tc.how[name] = (
                    value,
                    d.get("phrase", "") or a.get(PHRASE_OF[name], ""),
                    how,
                )
            elif va == vb:
                phrase = a.get(PHRASE_OF[name], "") or b.get(PHRASE_OF[name], "")
                tc.values[name], tc.phrases[name], tc.how[name] = va, phrase, "agreed"
            elif name in MSC_ONLY and product == "non_msc":
                tc.values[name], tc.phrases[name], tc.how[name] = "unknown", "", "not an MSC product"
            else:
                tc.pending.append(name)
            if name == "product":
                product = tc.values.get("product")
        if tc.pending:
            tc.status, tc.reason = RULES_ONLY, f"third reading pending for {', '.join(tc.pending)}"
        out[tid] = tc
    return out


def _as_reading(name: str, value: str) -> dict[str, str]:
    """A third reading's value as the reading keys it decides (ev_dose: "1e9;5e9 particles")."""
    keys, _ = FIELDS[name]
    if name == "ev_dose":
        levels, _, unit = value.strip().partition(" ")
        return {keys[0]: levels, keys[1]: unit}
    return {keys[0]: value}


def disagreements(readings: pd.DataFrame) -> pd.DataFrame:
    """trial_id, field, value A, value B, phrase A, phrase B: every field the two blind readings differ on."""
    rows = []
    for tid, grp in readings.groupby("trial_id"):
        passes = {r["pass"]: r for r in grp.to_dict("records")}
        if set(passes) != set(PASSES):
            continue
        a, b = passes["A"], passes["B"]
        both_non_msc = canonical("product", a) == canonical("product", b) == "non_msc"
        for name in FIELDS:
            if name in MSC_ONLY and both_non_msc:
                continue
            va, vb = canonical(name, a), canonical(name, b)
            if va != vb:
                rows.append(
                    {
                        "trial_id": tid,
                        "field": name,
                        "reading_A": va,
                        "reading_B": vb,
                        "phrase_A": a.get(PHRASE_OF[name], ""),
                        "phrase_B": b.get(PHRASE_OF[name], ""),
                        "notes_A": a.get("notes", ""),
                        "notes_B": b.get("notes", ""),
                    }
                )
    cols = ["trial_id", "field", "reading_A", "reading_B", "phrase_A", "phrase_B", "notes_A", "notes_B"]
    return pd.DataFrame(rows, columns=cols)


def agreement(readings: pd.DataFrame) -> pd.DataFrame:
    """Per field: trials both passes read, share where the blind readings agree, Cohen's kappa. Tissue, donor,
    route and doses are compared on trials both readers took for MSC-derived."""
    by_trial: dict[str, dict[str, dict]] = {}
    for r in readings.to_dict("records"):  # one conversion: a to_dict per trial took ~6 s a build
        by_trial.setdefault(r["trial_id"], {})[r["pass"]] = r
    paired = {tid: passes for tid, passes in sorted(by_trial.items()) if set(passes) == set(PASSES)}
    rows = []
    for name in FIELDS:
        va, vb = [], []
        for passes in paired.values():
            a, b = passes["A"], passes["B"]
            if name in MSC_ONLY and "non_msc" in (canonical("product", a), canonical("product", b)):
                continue
            va.append(canonical(name, a))
            vb.append(canonical(name, b))
        n = len(va)
        agree = sum(x == y for x, y in zip(va, vb))
        kappa = cohen_kappa(va, vb)
        rows.append(
            {
                "field": name,
                "n": n,
                "agree": agree,
                "agreement": agree / n if n else None,
                "kappa": kappa,
            }
        )
    return pd.DataFrame(rows)


def _in_vocab_order(value: str, vocabulary: dict[str, str]) -> str:
    parts = value.split(";")
    return ";".join(sorted(parts, key=lambda p: list(vocabulary).index(p) if p in vocabulary else len(vocabulary)))


def _levels(value: str) -> list[float]:
    return sorted(float(x) for x in value.split(";") if x.strip())


def rules_values(row: dict) -> dict[str, str]:
    """The rules' values of one trials.csv row in the census's canonical form (for the rules-vs-census score)."""
    reading = {
        "product": row["product"],
        "source_tissue": row["source_tissue"],
        "donor": row["donor"],
        "route": row["route"],
        "focus_area": row["focus_area"],
        "disease_group": row["disease_group"],
        "dose_cells_per_kg_levels": row["dose_cells_per_kg_levels"],
        "dose_cells_total_levels": row["dose_cells_total_levels"],
        "ev_dose_levels": ";".join(x for x in (row["dose_ev_min"], row["dose_ev_max"]) if x),
        "ev_dose_unit": row["dose_ev_unit"],
    }
    return {name: canonical(name, reading) for name in FIELDS}


def apply(trials: pd.DataFrame, outcomes: dict[str, TrialCensus], fmt_num) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(trials with every double-read trial's census values and phrases, the census-vs-rules comparison).

    A double-read trial takes its census value for every field, with the deciding phrase as evidence ("census: ...");
    a rules_only trial keeps the rules' values. The comparison holds, for every double-read trial and field, the
    census value and the rules' value beside it.
    """
    from msc_atlas import vocab

    out = trials.copy()
    status, note, rows = [], [], []
    for i, row in enumerate(out.to_dict("records")):
        tc = outcomes.get(row["trial_id"])
        if tc is None or tc.status != DOUBLE_READ:
            status.append(RULES_ONLY)
            note.append(tc.reason if tc else "not read yet")
            continue
        rules = rules_values(row)
        msc = tc.values["product"] != "non_msc"
        for name, value in tc.values.items():
            if name in MSC_ONLY and not msc:
                continue
            rows.append(
                {
                    "trial_id": row["trial_id"],
                    "field": name,
                    "census": value,
                    "rules": rules[name],
                    "agree": value == rules[name],
                    "decided_by": tc.how[name],
                }
            )
        third = [n for n, how in tc.how.items() if how == "third reading"]
        policy = [n for n, how in tc.how.items() if how == "policy re-read"]
        status.append(DOUBLE_READ)
        said = [f"third reading on {', '.join(third)}"] if third else []
        said += [f"changed on a policy re-read: {', '.join(policy)}"] if policy else []
        note.append("; ".join(said) or "two readings agreed on every field")
        phrase = {n: f"census: {p}" if p else "" for n, p in tc.phrases.items()}
        set_ = {
            "product": _in_vocab_order(tc.values["product"], vocab.PRODUCTS),
            "focus_area": tc.values["focus_area"],
            "disease_group": tc.values["disease_group"],
        }
        if msc:
            set_["source_tissue"] = _in_vocab_order(tc.values["source_tissue"], vocab.SOURCE_TISSUES)
            set_["donor"] = tc.values["donor"]
            set_["route"] = _in_vocab_order(tc.values["route"], vocab.ROUTES)
        else:
            set_.update(source_tissue=vocab.UNKNOWN, donor=vocab.UNKNOWN, route=vocab.UNKNOWN)
        for col, value in set_.items():
            out.iat[i, out.columns.get_loc(col)] = value
            out.iat[i, out.columns.get_loc(f"{col}_evidence")] = "" if value == vocab.UNKNOWN else phrase.get(col, "")
        per_kg = _levels(tc.values["dose_cells_per_kg"]) if msc else []
        total = _levels(tc.values["dose_cells_total"]) if msc else []
        ev_levels, _, ev_unit = tc.values["ev_dose"].partition(" ") if msc else ("", "", "")
        ev = _levels(ev_levels)
        dose = {
            "dose_text": tc.phrases["dose_cells_per_kg"] if (per_kg or total or ev) else "",  # the registry's words
            "dose_cells_per_kg_min": fmt_num(min(per_kg, default=None)),
            "dose_cells_per_kg_max": fmt_num(max(per_kg, default=None)),
            "dose_cells_total_min": fmt_num(min(total, default=None)),
            "dose_cells_total_max": fmt_num(max(total, default=None)),
            "dose_levels": str(len(per_kg) + len(total)) if (per_kg or total) else "",
            "dose_cells_per_kg_levels": ";".join(fmt_num(x) for x in per_kg),
            "dose_cells_total_levels": ";".join(fmt_num(x) for x in total),
            "dose_ev_min": fmt_num(min(ev, default=None)),
            "dose_ev_max": fmt_num(max(ev, default=None)),
            "dose_ev_unit": ev_unit if ev else "",
        }
        for col, value in dose.items():
            out.iat[i, out.columns.get_loc(col)] = value
    out["reading_status"] = status
    out["reading_status_note"] = note
    cols = ["trial_id", "field", "census", "rules", "agree", "decided_by"]
    return out, pd.DataFrame(rows, columns=cols)


def rules_accuracy(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per field: double-read trials scored, how many the rules got right, accuracy."""
    rows = []
    for name in FIELDS:
        sub = comparison[comparison["field"] == name]
        n, right = len(sub), int(sub["agree"].sum()) if len(sub) else 0
        rows.append({"field": name, "rules_n": n, "rules_right": right, "rules_accuracy": right / n if n else None})
    return pd.DataFrame(rows)


def accuracy_table(readings: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """data/census_accuracy.csv: per field, the two readers' agreement and kappa, and the rules' census accuracy."""
    return agreement(readings).merge(rules_accuracy(comparison), on="field", how="left")
