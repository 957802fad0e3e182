"""The census: every trial read twice from its registry text, disagreements settled by a third reading.

Readers follow curation/gold/GUIDE.md (section "Census") and read only the dossier this module prints: the
registry's own text of the trial, never a derived value. Their readings live in curation/census/.

    python -m msc_atlas.pipeline.census dossier NCT...          # one or more trials' registry text, as read
    python -m msc_atlas.pipeline.census batches OUT_DIR [--size 40]   # every trial, in reading order, as batch files
    python -m msc_atlas.pipeline.census check FILE.jsonl ...     # a reading file's shape (keys, vocabularies, numbers)
    python -m msc_atlas.pipeline.census fingerprints             # the text every trial is read from, hashed
    python -m msc_atlas.pipeline.census disputes OUT_DIR [--size 15]  # the fields two readings differ on, for a third
    python -m msc_atlas.pipeline.census next N --pass A [--data-dir DIR]  # dossiers of the next N trials a pass lacks
    python -m msc_atlas.pipeline.census take FILE.csv --pass A --reader NAME  # readings from a CSV into the census
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from msc_atlas.pipeline.census_data import FINGERPRINTS_FILE, fingerprint
from msc_atlas.pipeline.gold import _ID_COLUMNS, _raw_tables, included_groups, stratum_of
from msc_atlas.pipeline.sources import SOURCE_FILES, SOURCES_DIR, read_full_records

ORDER_SEED = 20261202

# Reading fields: key -> allowed values (None: free text or numbers). Multi-valued keys are ';'-joined.
PRODUCTS = ("msc", "msc_ev", "msc_secretome", "non_msc")
TISSUES = [
    "bone_marrow",
    "umbilical_cord",
    "wharton_jelly",
    "adipose",
    "placenta",
    "amnion",
    "cord_blood",
    "dental_pulp",
    "menstrual_blood",
    "olfactory_mucosa",
    "skin",
    "peripheral_blood",
    "ips_derived",
    "other",
    "unknown",
    "n/a",
]
DONORS = ("allogeneic", "autologous", "both", "unknown", "n/a")
ROUTES = [
    "intravenous",
    "inhalation",
    "intratracheal",
    "hepatic_artery",
    "portal_vein",
    "intrasplenic",
    "intra_arterial",
    "intracoronary",
    "intramyocardial",
    "intrathecal",
    "intracerebral",
    "intramuscular",
    "intra_articular",
    "intradiscal",
    "intravitreal",
    "subcutaneous",
    "intradermal",
    "local_injection",
    "topical",
    "implant",
    "intraperitoneal",
    "other",
    "unknown",
    "n/a",
]
FOCUS_AREAS = ("covid19_ards", "liver", "other")
DISEASE_GROUPS = [
    "covid19",
    "lung",
    "liver",
    "musculoskeletal",
    "neurological",
    "cardiovascular",
    "vascular",
    "gvhd_immune",
    "gastrointestinal",
    "kidney",
    "diabetes_metabolic",
    "skin_wound",
    "eye",
    "reproductive",
    "haematological",
    "cancer",
    "ageing_frailty",
    "healthy",
    "other",
]
EV_UNITS = ("particles", "ug_protein", "mL", "units", "other", "")
READING_KEYS = {
    "trial_id": None,
    "product": PRODUCTS,
    "product_phrase": None,
    "source_tissue": TISSUES,
    "source_tissue_phrase": None,
    "donor": DONORS,
    "donor_phrase": None,
    "route": ROUTES,
    "route_phrase": None,
    "focus_area": FOCUS_AREAS,
    "disease_group": DISEASE_GROUPS,
    "disease_phrase": None,
    "dose_cells_per_kg_levels": None,
    "dose_cells_total_levels": None,
    "ev_dose_levels": None,
    "ev_dose_unit": EV_UNITS,
    "dose_phrase": None,
    "notes": None,
}
MULTI = {"product", "source_tissue", "route"}
DOSE_KEYS = ("dose_cells_per_kg_levels", "dose_cells_total_levels", "ev_dose_levels")


def reading_order(seed: int = ORDER_SEED, sources_dir: Path = SOURCES_DIR) -> list[str]:
    """Every trial the build assesses, COVID-19 / ARDS first, then liver, EV / secretome, dose-stated, the rest
    (strata decided on the raw text, as for the gold sample), seeded random order within each: a census that stops
    part-way has read the focus areas whole."""
    groups = included_groups(sources_dir)
    rng = random.Random(seed)
    strata: dict[str, list[str]] = {}
    for m in groups:
        strata.setdefault(stratum_of(m["text"]), []).append(m["trial_id"])
    order = []
    for name in ("covid19_ards", "liver", "ev_secretome", "dose_stated", "rest"):
        ids = sorted(strata.get(name, []))
        rng.shuffle(ids)
        order += ids
    return order


def _flat(values: list[str] | None) -> str:
    return " ".join(" ".join(values or []).split())


def _full_record_text(rec: dict[str, list[str]]) -> list[str]:
    """The parts of a full ClinicalTrials.gov record a reader needs, in the order they are read."""

    def line(label: str, key: str) -> list[str]:
        value = _flat(rec.get(key))
        return [f"- **{label}**: {value}"] if value else []

    out = [f"## ClinicalTrials.gov full record {rec['NCTId'][0]} (as of Oct 2022)"]
    out += line("Brief title", "BriefTitle") + line("Official title", "OfficialTitle") + line("Acronym", "Acronym")
    out += line("Study type", "StudyType") + line("Phase", "Phase") + line("Primary purpose", "DesignPrimaryPurpose")
    out += line("Conditions", "Condition") + line("Keywords", "Keyword")
    names, types, descs = (rec.get(k, []) for k in ("InterventionName", "InterventionType", "InterventionDescription"))
    out.append("### Interventions")
    for i, name in enumerate(names):
        kind = types[i] if len(types) == len(names) else ""
        desc = descs[i] if len(descs) == len(names) else ""
        out.append(f"- {kind}: **{' '.join(name.split())}**" + (f" — {' '.join(desc.split())}" if desc else ""))
    if descs and len(descs) != len(names):
        out += [f"- description: {' '.join(d.split())}" for d in descs]
    out += line("Other names", "InterventionOtherName")
    labels, arm_types, arm_descs = (rec.get(k, []) for k in ("ArmGroupLabel", "ArmGroupType", "ArmGroupDescription"))
    if labels:
        out.append("### Arms")
        for i, label in enumerate(labels):
            kind = arm_types[i] if len(arm_types) == len(labels) else ""
            desc = arm_descs[i] if len(arm_descs) == len(labels) else ""
            out.append(f"- **{' '.join(label.split())}** [{kind}]" + (f" — {' '.join(desc.split())}" if desc else ""))
        if arm_descs and len(arm_descs) != len(labels):
            out += [f"- arm description: {' '.join(d.split())}" for d in arm_descs]
        out += line("Interventions of the arms (all arms, in order)", "ArmGroupInterventionName")
    out += line("Brief summary", "BriefSummary")
    detail = "\n".join(rec.get("DetailedDescription", [])).strip()
    if detail:
        out.append("- **Detailed description**:\n\n" + detail.replace("\r", "") + "\n")
    out += line("Primary outcome measures", "PrimaryOutcomeMeasure")
    out += line("Enrollment", "EnrollmentCount")
    countries = sorted(set(rec.get("LocationCountry", [])))
    if countries:
        out.append(f"- **Location countries**: {'; '.join(countries)}")
    return out


def dossiers(trial_ids: list[str], sources_dir: Path = SOURCES_DIR) -> dict[str, str]:
    """trial_id -> Markdown with the registry text of every record of that trial.

    A ClinicalTrials.gov trial is read from its full record (which holds everything the flattened and the older
    exports hold, and the detailed description); another registry's trial from its raw export rows, verbatim.
    Registry text only: no derived value, no published review table.
    """
    groups = {m["trial_id"]: m for m in included_groups(sources_dir)}
    full = read_full_records(sources_dir)
    tables = _raw_tables(sources_dir)
    out = {}
    for tid in trial_ids:
        ids = set(groups[tid]["all_ids"])
        parts = [f"# {tid}", f"IDs: {', '.join(sorted(ids))}", ""]
        covered = {i for i in ids if i in full}
        for nct in sorted(covered):
            parts += _full_record_text(full[nct]) + [""]
        rest = ids - covered
        for name, df in tables.items():
            col = next(c for c in df.columns if c in _ID_COLUMNS)
            for _, row in df[df[col].str.strip().isin(rest)].drop_duplicates().iterrows():
                parts.append(f"## source: {name} ({SOURCE_FILES[name]})")
                parts += [f"- **{k}**: {' '.join(str(v).split())}" for k, v in row.items() if str(v).strip()]
                parts.append("")
        out[tid] = "\n".join(parts) + "\n"
    return out


def write_batches(out_dir: Path, size: int = 40, sources_dir: Path = SOURCES_DIR) -> list[Path]:
    """Every trial's dossier, in reading order, as batch_NNN.md files of `size` trials (and batch_NNN.ids)."""
    order = reading_order(sources_dir=sources_dir)
    texts = dossiers(order, sources_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, start in enumerate(range(0, len(order), size), start=1):
        ids = order[start : start + size]
        path = out_dir / f"batch_{n:03d}.md"
        body = f"# Census batch {n:03d}: {len(ids)} trials\n\n" + "\n---\n\n".join(texts[t] for t in ids)
        path.write_text(body, encoding="utf-8")
        path.with_suffix(".ids").write_text("\n".join(ids) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_fingerprints(path: Path = FINGERPRINTS_FILE, sources_dir: Path = SOURCES_DIR) -> Path:
    """curation/census/text_fingerprints.csv: a hash of the registry text of every trial, as the census read it; a
    later build that finds other text for a trial (a refresh) takes it back to rules_only until it is read again."""
    rows = sorted((m["trial_id"], fingerprint(m["text"])) for m in included_groups(sources_dir))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("trial_id,fingerprint\n" + "".join(f"{t},{f}\n" for t, f in rows), encoding="utf-8")
    return path


def write_disputes(out_dir: Path, size: int = 15, census_dir: Path | None = None) -> list[Path]:
    """For every trial whose two readings differ on a field no third reading has decided yet: the two readings of
    each such field (value, phrase, notes), in batches of `size` trials, as a third reader reads them beside the
    dossier. Files: disputes_NNN.md and disputes_NNN.ids."""
    from msc_atlas.pipeline import census_data as cd

    base = census_dir or cd.CENSUS_DIR
    readings = cd.load_readings(base / "readings")
    decided = cd.load_adjudications(base / "adjudications")
    done = set(zip(decided["trial_id"], decided["field"]))
    open_ = cd.disagreements(readings)
    not_msc = {
        t
        for t, f, v in zip(decided["trial_id"], decided["field"], decided["value"])
        if (f, v) == ("product", "non_msc")
    }
    open_ = open_[
        [
            (t, f) not in done and not (t in not_msc and f in cd.MSC_ONLY)  # a non-MSC trial needs no tissue, dose...
            for t, f in zip(open_["trial_id"], open_["field"])
        ]
    ]
    trials = list(dict.fromkeys(open_["trial_id"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    existing = len(list(out_dir.glob("disputes_*.md")))
    for n, start in enumerate(range(0, len(trials), size), start=existing + 1):
        ids = trials[start : start + size]
        parts = [f"# Third readings, batch {n:03d}: {len(ids)} trials\n"]
        for tid in ids:
            parts.append(f"## {tid}\n\nDossier: `/work/census/dossiers/{tid.replace('/', '_')}.md`\n")
            for r in open_[open_["trial_id"] == tid].to_dict("records"):
                parts.append(
                    f"- field **{r['field']}**\n"
                    f"  - reading 1: `{r['reading_A'] or '(empty)'}` — phrase: {r['phrase_A'] or '(none)'}"
                    + (f" — notes: {r['notes_A']}" if r["notes_A"] else "")
                    + f"\n  - reading 2: `{r['reading_B'] or '(empty)'}` — phrase: {r['phrase_B'] or '(none)'}"
                    + (f" — notes: {r['notes_B']}" if r["notes_B"] else "")
                )
            parts.append("")
        path = out_dir / f"disputes_{n:03d}.md"
        path.write_text("\n".join(parts) + "\n", encoding="utf-8")
        path.with_suffix(".ids").write_text("\n".join(ids) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def unread(pass_: str, data_dir: Path | None = None, census_dir: Path | None = None) -> list[str]:
    """Trials of the served dataset that pass `pass_` has not read (or whose registry text changed since), bundled
    trials in reading order first, then trials a refresh added, by ID."""
    import pandas as pd

    from msc_atlas import config
    from msc_atlas.pipeline import census_data as cd

    base = census_dir or cd.CENSUS_DIR
    trials = pd.read_csv(Path(data_dir or config.BUNDLED_DATA_DIR) / "trials.csv", dtype=str, keep_default_na=False)
    readings = cd.load_readings(base / "readings")
    read = set(readings.loc[readings["pass"] == pass_, "trial_id"]) if len(readings) else set()
    changed = set(trials.loc[trials["reading_status_note"].str.contains("text changed"), "trial_id"])
    wanted = [t for t in trials["trial_id"] if t not in read or t in changed]
    order = {t: i for i, t in enumerate(reading_order())}
    return sorted(wanted, key=lambda t: (order.get(t, len(order)), t))


def take(csv_path: Path, pass_: str, reader: str, census_dir: Path | None = None) -> Path:
    """Readings typed into a CSV (the columns of a reading, one row per trial) -> a pass's readings file, after the
    shape check; refuses a file with any problem, and a trial this pass has already read."""
    import pandas as pd

    from msc_atlas.pipeline import census_data as cd

    if pass_ not in cd.PASSES or not re.fullmatch(r"[A-Za-z0-9_-]+", reader):
        raise ValueError(f"pass must be one of {cd.PASSES} and the reader a plain name, got {pass_!r}, {reader!r}")
    base = census_dir or cd.CENSUS_DIR
    rows = pd.read_csv(csv_path, dtype=str, keep_default_na=False).to_dict("records")
    problems = [f"{r.get('trial_id')}: {p}" for r in rows for p in check_reading(r)]
    existing = cd.load_readings(base / "readings")
    already = set(existing.loc[existing["pass"] == pass_, "trial_id"]) if len(existing) else set()
    problems += [f"{r['trial_id']}: pass {pass_} has read it already" for r in rows if r.get("trial_id") in already]
    if problems:
        raise ValueError(f"{csv_path}: not taken:\n  " + "\n  ".join(problems))
    out = base / "readings" / pass_ / f"{Path(csv_path).stem}.{reader}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r[k] for k in READING_KEYS}, ensure_ascii=False) + "\n")
    return out


_NUMBER = re.compile(r"^\d+(\.\d+)?([eE][+]?\d+)?$")


def check_reading(row: dict) -> list[str]:
    """What is wrong with one reading's shape (never its content): missing keys, values outside the vocabulary."""
    problems = []
    missing = [k for k in READING_KEYS if k not in row]
    if missing:
        problems.append(f"missing keys {missing}")
    extra = [k for k in row if k not in READING_KEYS]
    if extra:
        problems.append(f"unknown keys {extra}")
    for key, allowed in READING_KEYS.items():
        value = str(row.get(key, "")).strip()
        if allowed is not None:
            parts = [p.strip() for p in value.split(";")] if key in MULTI else [value]
            bad = [p for p in parts if p not in allowed]
            if bad:
                problems.append(f"{key}: {bad} not in the vocabulary")
        if key in DOSE_KEYS and value:
            bad = [p for p in value.split(";") if not _NUMBER.match(p.strip())]
            if bad:
                problems.append(f"{key}: {bad} are not plain numbers (write 1e6, 2.5e7, 100)")
    product = str(row.get("product", ""))
    if "non_msc" in product.split(";") and product != "non_msc":
        problems.append("product: non_msc cannot be combined with an MSC product")
    return problems


def check_file(path: Path, expected_ids: list[str] | None = None) -> list[str]:
    problems, seen = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON ({exc})")
            continue
        seen.append(str(row.get("trial_id", "")))
        problems += [f"line {n} ({row.get('trial_id')}): {p}" for p in check_reading(row)]
    if expected_ids is not None:
        missing = [t for t in expected_ids if t not in seen]
        if missing:
            problems.append(f"no reading yet for {len(missing)} trial(s): {missing[:5]}")
    dupes = {t for t in seen if seen.count(t) > 1}
    if dupes:
        problems.append(f"read twice in one file: {sorted(dupes)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m msc_atlas.pipeline.census")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("dossier")
    p.add_argument("trial_ids", nargs="+")
    p = sub.add_parser("batches")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--size", type=int, default=40)
    sub.add_parser("fingerprints")
    p = sub.add_parser("next")
    p.add_argument("n", type=int)
    p.add_argument("--pass", dest="pass_", required=True, choices=["A", "B"])
    p.add_argument("--data-dir", type=Path, help="the served dataset (default: data/)")
    p = sub.add_parser("take")
    p.add_argument("csv", type=Path)
    p.add_argument("--pass", dest="pass_", required=True, choices=["A", "B"])
    p.add_argument("--reader", required=True)
    p = sub.add_parser("disputes")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--size", type=int, default=15)
    p = sub.add_parser("check")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--ids", type=Path, help="the batch's .ids file: every trial in it must be read")
    args = parser.parse_args(argv)
    if args.cmd == "dossier":
        for text in dossiers(args.trial_ids).values():
            sys.stdout.write(text + "\n")
    elif args.cmd == "fingerprints":
        path = write_fingerprints()
        print(f"wrote {path}")
    elif args.cmd == "next":
        ids = unread(args.pass_, args.data_dir)[: max(0, args.n)]
        known = {m["trial_id"] for m in included_groups()}
        texts = dossiers([t for t in ids if t in known])
        for tid in ids:
            sys.stdout.write(
                texts.get(tid)
                or f"# {tid}\n\nNot in the bundled exports (added by a refresh): read its record at the registry.\n"
            )
            sys.stdout.write("\n---\n\n")
    elif args.cmd == "take":
        try:
            print(f"wrote {take(args.csv, args.pass_, args.reader)}")
        except (ValueError, OSError) as exc:
            print(exc, file=sys.stderr)
            return 2
    elif args.cmd == "disputes":
        paths = write_disputes(args.out_dir, args.size)
        print(f"{len(paths)} dispute batches in {args.out_dir}")
    elif args.cmd == "batches":
        paths = write_batches(args.out_dir, args.size)
        print(f"{len(paths)} batches in {args.out_dir}")
    else:
        expected = args.ids.read_text().split() if args.ids else None
        bad = 0
        for f in args.files:
            problems = check_file(f, expected)
            bad += len(problems)
            print(f"{f}: " + ("ok" if not problems else "\n  " + "\n  ".join(problems)))
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
