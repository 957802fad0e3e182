"""Published review tables: normalisation to vocab keys, reviewed corrections, and conflicts between sources.

`curation/corrections.csv` (repo root) is a reviewed artefact: one row per correction with the citing page.
It is generated as candidates by `python -m msc_atlas.pipeline.tools candidates` (-> curation/corrections_candidates.csv),
checked by a person, and copied into corrections.csv. The build reads only corrections.csv.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pandas as pd

from msc_atlas import vocab
from msc_atlas.config import CORRECTIONS_FILE, CURATION_DIR
from msc_atlas.pipeline.countries import to_iso3
from msc_atlas.vocab import MULTI_SEP, UNKNOWN

CANDIDATES_FILE = CURATION_DIR / "corrections_candidates.csv"
CORRECTION_COLUMNS = ["trial_id", "field", "value", "applies_when", "published_text", "citation_url", "note"]
# applies_when: registry_silent = only when the registry-derived value is unknown/empty (the default);
#               registry_wrong  = replaces a registry-derived value that a review table shows to be wrong (the note
#                                 must say why; the replaced value stays visible in data/conflicts.csv);
#               registry_confirms = the derived value stands, and this row cites where the record states it when
#                                 its interventions and arms name the product only generically (the value must equal
#                                 the derived one; the citation may be the trial's own registry page).
APPLIES_WHEN = ("registry_silent", "registry_wrong", "registry_confirms")
# Fields a correction may set, and the vocabulary its value must come from (None: ';'-list of ISO3 codes).
CORRECTABLE = {
    "product": vocab.PRODUCTS,
    "source_tissue": vocab.SOURCE_TISSUES,
    "donor": vocab.DONORS,
    "route": vocab.ROUTES,
    "countries": None,
}
MULTI_FIELDS = {"source_tissue", "route", "countries"}

# ------------------------------------------------------------------ published text -> vocab keys

_TISSUE_RULES = [
    (r"wharton", "wharton_jelly"),
    (r"cord blood|cb-msc", "cord_blood"),
    (r"umbilical cord|\bucs?\b", "umbilical_cord"),
    (r"bone marrow", "bone_marrow"),
    (r"adipose", "adipose"),
    (r"dental pulp", "dental_pulp"),
    (r"menstrual", "menstrual_blood"),
    (r"placenta", "placenta"),
    (r"amnio", "amnion"),
    (r"\bskin\b", "skin"),
    (r"peripheral blood", "peripheral_blood"),
    (r"embryonic|ips", "ips_derived"),
]
_ROUTE_RULES = [
    (r"peripheral or portal vein", ["intravenous", "portal_vein"]),
    (r"portal vein or hepatic artery", ["portal_vein", "hepatic_artery"]),
    (r"intravenous \(portal vein\)|^portal vein", ["portal_vein"]),
    (r"intravenous|peripheral vein", ["intravenous"]),
    (r"inhal|nebuli|atomi", ["inhalation"]),
    (r"hepatic artery", ["hepatic_artery"]),
    (r"intraparenchymal|intranasal", ["intracerebral"]),
    (r"intravitreal", ["intravitreal"]),
    (r"intratracheal|bronch", ["intratracheal"]),
]


def tissue_keys(text: str) -> list[str]:
    """Vocab tissue keys named in a review's tissue cell ("" / non-MSC sources -> [])."""
    t = (text or "").lower()
    if not t or t.startswith("non-msc") or "educator" in t or "hepatocyte progenitor" in t:
        return []
    if "non-hematopoietic" in t:
        return []
    keys = []
    for part in re.split(r";", t):
        for rx, key in _TISSUE_RULES:
            if re.search(rx, part):
                keys.append(key)
                break
    return sorted(set(keys))


def route_keys(text: str) -> list[str]:
    t = (text or "").strip().lower()
    for rx, keys in _ROUTE_RULES:
        if re.search(rx, t):
            return keys
    return []


def product_key(product: str, tissue: str) -> str:
    if product == "msc":
        return "msc"
    if product == "exosome":
        return "non_msc" if (tissue or "").lower().startswith("non-msc") else "msc_ev"
    if product == "secretome":
        return "msc_secretome"
    return "non_msc"


def country_keys(text: str) -> list[str]:
    return sorted({c for c in (to_iso3(x) for x in (text or "").split(";") if x.strip()) if c})


def normalise_facts(facts: pd.DataFrame, id_map: dict[str, str]) -> pd.DataFrame:
    """published_trial_facts.csv with the dataset trial_id and vocab-key columns added (row order kept)."""
    df = facts.copy()
    df.insert(0, "trial_id", [id_map.get(i.strip(), "") for i in df["registry_id"]])
    df["registry_id"] = df["registry_id"].str.strip()
    df["product_key"] = [product_key(p, t) for p, t in zip(df["product"], df["source_tissue"])]
    df["source_tissue_key"] = [MULTI_SEP.join(tissue_keys(t)) for t in df["source_tissue"]]
    df["donor_key"] = [d if d in ("allogeneic", "autologous") else "" for d in df["donor"]]
    df["route_key"] = [MULTI_SEP.join(route_keys(r)) for r in df["route"]]
    df["countries_iso3"] = [MULTI_SEP.join(country_keys(c)) for c in df["countries"]]
    return df


# ------------------------------------------------------------------ comparisons

# Wharton's jelly is part of the umbilical cord: a review saying one and a registry saying the other agree.
_TISSUE_EQUIV = {"wharton_jelly": "umbilical_cord"}


def _canon(field: str, values: set[str]) -> set[str]:
    if field == "source_tissue":
        return {_TISSUE_EQUIV.get(v, v) for v in values}
    return values


def agrees(field: str, a: str, b: str) -> bool:
    """Two ';'-lists agree when they share a value (after tissue equivalence)."""
    sa = _canon(field, {x for x in a.split(MULTI_SEP) if x})
    sb = _canon(field, {x for x in b.split(MULTI_SEP) if x})
    return bool(sa & sb)


# published column -> dataset field
COMPARED = {
    "product_key": "product",
    "source_tissue_key": "source_tissue",
    "donor_key": "donor",
    "route_key": "route",
    "countries_iso3": "countries",
}


def conflicts(facts: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Disagreements reviewer vs registry and reviewer vs reviewer, one row per distinct pair of values."""
    rows = []
    registry = trials.set_index("trial_id")
    known = facts[facts["trial_id"] != ""]
    for tid, grp in known.groupby("trial_id", sort=True):
        t = registry.loc[tid]
        reg_src = "registry: " + t["sources"].split(MULTI_SEP)[0]
        for col, field in COMPARED.items():
            stated = grp[grp[col] != ""]
            reg_value = t[f"{field}_registry"]
            if reg_value not in ("", UNKNOWN):
                seen = set()
                for _, f in stated.iterrows():
                    if not agrees(field, reg_value, f[col]) and f[col] not in seen:
                        seen.add(f[col])
                        rows.append((tid, field, reg_value, reg_src, f[col], f["reported_in"]))
            pairs = stated.drop_duplicates(col)[[col, "reported_in"]].values.tolist()
            for (va, sa), (vb, sb) in itertools.combinations(pairs, 2):
                if not agrees(field, va, vb):
                    rows.append((tid, field, va, sa, vb, sb))
        enr = grp[grp["enrollment"].str.fullmatch(r"\d+")].drop_duplicates("enrollment")
        for (va, sa), (vb, sb) in itertools.combinations(enr[["enrollment", "reported_in"]].values.tolist(), 2):
            rows.append((tid, "enrollment", va, sa, vb, sb))
    out = pd.DataFrame(rows, columns=["trial_id", "field", "value_a", "source_a", "value_b", "source_b"])
    return (
        out.drop_duplicates()
        .sort_values(["trial_id", "field", "value_a", "value_b", "source_a", "source_b"], kind="mergesort")
        .reset_index(drop=True)
    )


def candidate_corrections(facts: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Fields the registry text leaves unknown but review tables state, with no reviewer disagreeing."""
    rows = []
    registry = trials.set_index("trial_id")
    pub_cols = {
        "source_tissue": ("source_tissue_key", "source_tissue"),
        "donor": ("donor_key", "donor"),
        "route": ("route_key", "route"),
        "countries": ("countries_iso3", "countries"),
    }
    known = facts[(facts["trial_id"] != "") & (facts["product_key"] != "non_msc")]
    for tid, grp in known.groupby("trial_id", sort=True):
        t = registry.loc[tid]
        if t["product_registry"] == "non_msc":
            continue
        for field, (col, raw) in pub_cols.items():
            if t[f"{field}_registry"] not in ("", UNKNOWN):
                continue
            stated = grp[grp[col] != ""]
            values = sorted(set(stated[col]))
            if len(values) != 1:
                continue  # nothing stated, or reviewers disagree (then it is a conflict, not a correction)
            first = stated.iloc[0]
            rows.append(
                (
                    tid,
                    field,
                    values[0],
                    "registry_silent",
                    first[raw],
                    first["reported_in"],
                    f"registry text silent; stated by {len(stated)} review row(s)",
                )
            )
    # Product: the registry-derived product differs from what every citing review says (review before accepting).
    for tid, grp in facts[facts["trial_id"] != ""].groupby("trial_id", sort=True):
        values = sorted(set(grp["product_key"]))
        current = registry.at[tid, "product_registry"]
        if len(values) == 1 and values[0] != current:
            first = grp.iloc[0]
            rows.append(
                (
                    tid,
                    "product",
                    values[0],
                    "registry_wrong",
                    f"{first['product']}: {first['source_tissue']}",
                    first["reported_in"],
                    f"registry-derived {current!r} from: "
                    f"{registry.at[tid, 'product_evidence'] or '(no product statement)'}",
                )
            )
    return pd.DataFrame(rows, columns=CORRECTION_COLUMNS)


def validate_corrections(df: pd.DataFrame, path: Path | str = CORRECTIONS_FILE) -> None:
    """Raise ValueError naming the row when a correction lacks a citation or has an invalid field/value."""
    if list(df.columns) != CORRECTION_COLUMNS:
        raise ValueError(f"{path}: columns must be {CORRECTION_COLUMNS}, got {list(df.columns)}")
    for i, r in enumerate(df.to_dict("records"), start=2):
        if r["applies_when"] not in APPLIES_WHEN:
            raise ValueError(f"{path} line {i}: applies_when must be one of {APPLIES_WHEN}, got {r['applies_when']!r}")
        if r["field"] not in CORRECTABLE:
            raise ValueError(f"{path} line {i}: field {r['field']!r} is not correctable")
        if not re.match(r"^https?://\S+$", r["citation_url"]):
            raise ValueError(f"{path} line {i}: citation_url missing or not a URL: {r['citation_url']!r}")
        values = r["value"].split(MULTI_SEP) if r["field"] in MULTI_FIELDS else [r["value"]]
        vocabulary = CORRECTABLE[r["field"]]
        for v in values:
            ok = (
                (re.fullmatch(r"[A-Z]{3}", v) is not None) if vocabulary is None else (v in vocabulary and v != UNKNOWN)
            )
            if not ok:
                raise ValueError(f"{path} line {i}: value {v!r} not allowed for {r['field']}")


def load_corrections(path: Path | str = CORRECTIONS_FILE) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    validate_corrections(df, path)
    return df


def resolve_conflicts(conf: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Each recorded disagreement with what the dataset shows and why (`shown`, `resolution`): the census's reading of
    the registry text, a cited correction, or — for enrollment and countries, which are registry fields — the
    registry's own value, the review tables' other numbers being publications' samples or older snapshots."""
    t = trials.set_index("trial_id")
    shown, how = [], []
    for r in conf.to_dict("records"):
        row = t.loc[r["trial_id"]]
        field = r["field"]
        value = str(row[field]) if field in row.index else ""
        evidence = str(row.get(f"{field}_evidence", ""))
        if evidence.startswith("census: "):
            why = f"the census read the registry text (two readings and, where they differed, a third): {evidence[8:]}"
        elif evidence.startswith("curated from review table"):
            why = f"a reviewed correction: {evidence}"
        elif field == "enrollment":
            kind = row.get("enrollment_type", UNKNOWN)
            why = (
                f"the registry's enrollment ({kind}) is shown; the review tables' other figures are publications' "
                "samples, planned sizes or earlier snapshots"
            )
        elif field == "countries":
            why = "the registry's recruitment countries are shown; the review tables name other sites or sponsors"
        else:
            why = "the registry-derived value is shown"
        shown.append(value)
        how.append(why)
    return conf.assign(shown=shown, resolution=how)
