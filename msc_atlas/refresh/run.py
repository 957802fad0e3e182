"""The refresh command: read ClinicalTrials.gov website downloads (CSV, JSON), API v2 pages (online or saved) and
WHO ICTRP exports, run the bundled build with them as the newest sources, validate, report what changed, and only
then replace data/.

Run: python -m msc_atlas.refresh --help   (docs/refresh.md)

Atomicity: everything is built into a staging directory beside data/ and validated with msc_atlas.data (the
app's own loader). Any error before the final os.replace calls leaves data/ byte-identical. When the dataset
directory is a symlink (`/srv/atlas/current -> versions/<version>`, the hosted layout), the new version becomes a
directory of its own beside the old one and the symlink is repointed in one atomic step; a running app swaps to it
without a restart (msc_atlas.serving.reload).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from msc_atlas import config, data, vocab
from msc_atlas.pipeline import build as B
from msc_atlas.pipeline import report
from msc_atlas.pipeline.curation import CORRECTIONS_FILE
from msc_atlas.pipeline.sources import CTGOV_API, CTGOV_WEBSITE, ICTRP_REFRESH, SOURCES_DIR
from msc_atlas.refresh import RefreshError, ctgov_v2, ctgov_website, diff, ictrp

REPO_ROOT = config.REPO_ROOT
RUNS_DIR = config.REFRESH_RUNS_DIR
PAGES_DIR = "ctgov_pages"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _label(path: Path) -> str:
    return ctgov_v2.file_label(Path(path), REPO_ROOT)


def _check_day(value: str | None, option: str) -> None:
    if value is not None and not _ISO_DAY.match(value):
        raise RefreshError(f"{option} must be a date YYYY-MM-DD, got {value!r}")


def fetch_online(
    query: str,
    max_pages: int | None,
    page_size: int,
    base_url: str,
    get,
    timeout: float,
) -> tuple[ctgov_v2.Studies, list[tuple[int, str, bytes]], dict]:
    """All pages of the query, in memory (saved once the run directory is known), plus the fetch record."""
    fetched_at = datetime.now(UTC).replace(microsecond=0)
    acc, pages = ctgov_v2.Studies(), []
    total, complete = None, True
    for n, url, raw, page in ctgov_v2.fetch_pages(
        query, max_pages=max_pages, page_size=page_size, base_url=base_url, get=get, timeout=timeout
    ):
        ctgov_v2.add_page(acc, page, f"page {n}")
        pages.append((n, url, raw))
        total = page.get("totalCount", total)
        complete = not page.get("nextPageToken")
    if not acc.by_id:
        raise RefreshError(f"ClinicalTrials.gov returned no studies for query.term={query!r}")
    if not complete:
        acc.warnings.append(
            f"stopped after {len(pages)} page(s) (--max-pages): {len(acc.by_id)} of "
            f"{total if total is not None else 'more'} studies; a partial refresh updates only these"
        )
    acc.fetched_at, acc.query = fetched_at.date().isoformat(), query
    meta = {
        "api": base_url,
        "query": query,
        "page_size": page_size,
        "fetched_at": fetched_at.isoformat(),
        "pages": len(pages),
        "studies": len(acc.by_id),
        "total_count": total,
        "complete": complete,
    }
    return acc, pages, meta


def save_pages(run_dir: Path, pages: list[tuple[int, str, bytes]], meta: dict, acc: ctgov_v2.Studies) -> Path:
    """Write the fetched bodies as page-0001.json ... plus fetch.json, so `--ctgov-json DIR` repeats the refresh."""
    target = run_dir / PAGES_DIR
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("page-*.json"):
        old.unlink()  # a same-day rerun must not mix its pages with an earlier run's
    acc.files = []
    for n, url, raw in pages:
        p = target / f"page-{n:04d}.json"
        p.write_bytes(raw)
        acc.files.append({"file": _label(p), "sha256": hashlib.sha256(raw).hexdigest(), "url": url})
    (target / ctgov_v2.FETCH_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return target


def _version_update(inputs: _Inputs) -> dict:
    ct, ct_as_of, ct_basis, ic, ic_as_of = inputs.ct, inputs.ct_as_of, inputs.ct_basis, inputs.ic, inputs.ic_as_of
    upd: dict = {}
    info: dict = {"base_dataset_version": B.DATASET_VERSION}
    if inputs.web is not None:
        upd["ctgov_as_of"] = inputs.web_as_of
        info[CTGOV_WEBSITE] = {
            "as_of": inputs.web_as_of,
            "as_of_basis": inputs.web_basis,
            "studies": len(inputs.web.by_id),
            "files": inputs.web.files,
        }
    if ct is not None:
        upd["ctgov_as_of"] = max(ct_as_of, upd.get("ctgov_as_of", ""))
        info[CTGOV_API] = {
            "as_of": ct_as_of,
            "as_of_basis": ct_basis,
            "query": ct.query,
            "studies": len(ct.by_id),
            "files": ct.files,
        }
    if ic is not None:
        upd["ictrp_as_of"] = ic_as_of
        info[ICTRP_REFRESH] = {
            "as_of": ic_as_of,
            "trials": len(ic.by_id),
            "files": ic.files,
            "skipped_registries": dict(sorted(ic.skipped.items())),
        }
    newest = max(v for k, v in upd.items() if k.endswith("_as_of"))
    return {"dataset_version": f"{newest}-refresh", **upd, "refresh": info}


def _readme_section(version: dict, diff_line: str, old_version: str, report_path: str) -> str:
    info = version["refresh"]
    lines = [
        "",
        "## Refresh",
        "",
        f"This dataset is **{version['dataset_version']}**: the bundled build (dataset "
        f"{info['base_dataset_version']}) plus newer registry records, made by `python -m msc_atlas.refresh` "
        "(docs/refresh.md). A refreshed record is the newest source of its trial (status, phase, enrollment, "
        "countries and text come from it); trials it does not cover keep their bundled values, and `sources` "
        "says which inputs each row came from.",
        "",
        "| input | key in `sources` | as of | records | files |",
        "|---|---|---|---|---|",
    ]
    if CTGOV_API in info:
        c = info[CTGOV_API]
        lines.append(
            f"| {vocab.REFRESH_SOURCES[CTGOV_API]} (query `{c['query'] or 'not recorded'}`) | `{CTGOV_API}` | "
            f"{c['as_of']} ({c['as_of_basis']}) | {c['studies']} | "
            + ", ".join(f"`{f['file']}`" for f in c["files"][:10])
            + (f" and {len(c['files']) - 10} more" if len(c["files"]) > 10 else "")
            + " |"
        )
    if CTGOV_WEBSITE in info:
        c = info[CTGOV_WEBSITE]
        lines.append(
            f"| {vocab.REFRESH_SOURCES[CTGOV_WEBSITE]} | `{CTGOV_WEBSITE}` | {c['as_of']} ({c['as_of_basis']}) | "
            f"{c['studies']} | " + ", ".join(f"`{f['file']}` ({f['columns']} columns)" for f in c["files"]) + " |"
        )
    if ICTRP_REFRESH in info:
        c = info[ICTRP_REFRESH]
        lines.append(
            f"| {vocab.REFRESH_SOURCES[ICTRP_REFRESH]} | `{ICTRP_REFRESH}` | {c['as_of']} | {c['trials']} | "
            + ", ".join(f"`{f['file']}`" for f in c["files"])
            + " |"
        )
    lines += [
        "",
        f"Changes against the dataset it replaced ({old_version}): {diff_line}. Report: `{report_path}`.",
        "",
        "`tests/test_build.py` compares data/ with the bundled build, so it fails on a refreshed data/; "
        "`python -m msc_atlas.pipeline` restores the bundled dataset.",
        "",
    ]
    return "\n".join(lines)


def _read_old(out_dir: Path) -> tuple[pd.DataFrame | None, str]:
    path = out_dir / "trials.csv"
    if not path.exists():
        return None, "none"
    old = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    try:
        v = json.loads((out_dir / "version.json").read_text(encoding="utf-8")).get("dataset_version", "unversioned")
    except (OSError, ValueError):
        v = "unversioned"
    return old, f"{v}, {len(old)} trials"


# Fields a refresh must never turn from a known value into "not reported" (a narrow download, or a registry
# record that dropped its locations): the value of the replaced dataset stays, with its evidence.
KEEP_KNOWN = {
    "source_tissue": ("source_tissue_evidence",),
    "route": ("route_evidence",),
    "donor": ("donor_evidence",),
    "countries": ("countries_evidence",),
    "phase": (),
    "enrollment": ("enrollment_type",),
}


def _keep_known_values(stage: Path, old: pd.DataFrame | None) -> list[tuple[str, str]]:
    """Restore known values of `old` that the staged trials.csv leaves unknown; returns (trial, field) kept."""
    if old is None:
        return []
    path = stage / "trials.csv"
    new = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    before = old.set_index("trial_id")
    unknown = ("", vocab.UNKNOWN)
    kept = []
    for i, row in new.iterrows():
        tid = row["trial_id"]
        if tid not in before.index or row["product"] == "non_msc":
            continue
        for field, companions in KEEP_KNOWN.items():
            if field in before.columns and row[field] in unknown and before.at[tid, field] not in unknown:
                for column in (field, *companions):
                    if column in before.columns:
                        new.at[i, column] = before.at[tid, column]
                kept.append((tid, field))
    if kept:
        B._write_csv(new, path)
    return kept


def _not_admitted(excluded: pd.DataFrame) -> list[str]:
    """Report lines on the records new in this refresh that the product rules left out: the count per reason, and
    those the MSC search terms match (the ones a reviewer may want to check), each with its reason."""
    from msc_atlas.refresh.query import matches

    new = excluded[excluded["reason"].str.startswith("new in a refresh")]
    if new.empty:
        return []
    reasons = new["reason"].str.replace(r"^new in a refresh, not an MSC product: ", "", regex=True)
    classes = reasons.str.extract(r"^([^:…]+)")[0].fillna("other").str.strip().value_counts()
    lines = [
        f"- not admitted: {len(new)} new record(s) that give no MSC product ("
        + "; ".join(f"{reason}: {n}" for reason, n in classes.items())
        + "); every one is in excluded_trials.csv with its reason"
    ]
    close = new[new["title"].map(lambda t: bool(matches(str(t))))]
    for row in close.head(40).itertuples():
        lines.append(f"  - {row.trial_id} {str(row.title)[:90]}: {row.reason.split(': ', 1)[-1][:140]}")
    return lines


def _validate(stage: Path) -> pd.DataFrame:
    """The staged files through the app's loaders (schema, version keys); RefreshError naming the problem."""
    try:
        trials = data.load_trials(stage / "trials.csv")
        data.load_version(stage / "version.json")
        data.load_published_facts(stage / "published_facts.csv")
        data.load_conflicts(stage / "conflicts.csv")
        data.load_publications(stage / "publications.csv")
    except data.DatasetError as e:
        raise RefreshError(f"the refreshed dataset fails validation: {e}") from None
    return trials


@dataclass(frozen=True)
class RefreshOptions:
    """What a refresh reads and where it writes (the command-line options of `python -m msc_atlas.refresh`)."""

    ctgov_csv: Sequence[Path] = ()  # the website's Download -> CSV files (ctg-studies.csv), any columns
    ctgov_json: Sequence[Path] = ()  # saved API v2 pages (files or directories), or the website's JSON download
    online: bool = False  # fetch ClinicalTrials.gov API v2 now
    query: str = ctgov_v2.DEFAULT_QUERY
    max_pages: int | None = None
    page_size: int = ctgov_v2.PAGE_SIZE
    api_url: str = ctgov_v2.API_URL
    get: Callable[..., Any] | None = None  # HTTP GET for the online fetch (tests pass a fake)
    timeout: float = 60.0
    ictrp_files: Sequence[Path] = ()  # WHO ICTRP exports, CSV or XML
    out_dir: Path | None = None  # default: the app's data directory (msc_atlas.config)
    report_dir: Path | None = None  # default: refresh_runs/<version>/
    ctgov_as_of: str | None = None
    ictrp_as_of: str | None = None
    dry_run: bool = False
    sources_dir: Path = SOURCES_DIR
    corrections_file: Path = CORRECTIONS_FILE
    verbose: bool = True


@dataclass
class _Inputs:
    """Every input of a refresh, read and dated; nothing written yet."""

    ct: ctgov_v2.Studies | None
    pages: list[tuple[int, str, bytes]]
    meta: dict | None
    ct_as_of: str
    ct_basis: str
    ic: ictrp.Export | None
    ic_as_of: str
    web: ctgov_website.Download | None = None
    web_as_of: str = ""
    web_basis: str = ""

    @property
    def warnings(self) -> list[str]:
        sources = (self.web, self.ct, self.ic)
        return [w for source in sources if source is not None for w in source.warnings]

    @property
    def records(self) -> list[dict]:
        sources = (self.web, self.ct, self.ic)
        return [r for source in sources if source is not None for r in source.records]


def refresh(options: RefreshOptions | None = None, **changes: Any) -> dict:
    """Refresh `options.out_dir` (default: the app's data directory). Returns a summary dict; raises RefreshError
    (and leaves out_dir untouched) when an input is unreachable, malformed, older than the bundled snapshot, or the
    result fails validation. Keyword arguments change single options (`refresh(ctgov_json=[...], dry_run=True)`)."""
    options = replace(options or RefreshOptions(), **changes)
    t0 = time.perf_counter()
    say = print if options.verbose else (lambda *a, **k: None)
    out_dir = _target(options)
    inputs = _read_inputs(options)
    upd = _version_update(inputs)
    run_dir = Path(options.report_dir or RUNS_DIR / upd["dataset_version"])
    _announce(inputs, run_dir, upd, say)

    # build + validate in a staging directory beside the dataset (same file system, so os.replace is atomic)
    versioned = out_dir.is_symlink()
    home = out_dir.resolve().parent if versioned else out_dir.parent
    home.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.refresh-", dir=home))
    try:
        summary, new, version, old_desc, dsum = _build_and_report(options, inputs, upd, stage, out_dir, run_dir)
        if not options.dry_run and versioned:
            _repoint(out_dir, stage, home, version["dataset_version"])
        elif not options.dry_run:  # swap in the new files; trials.csv last
            out_dir.mkdir(parents=True, exist_ok=True)
            names = sorted(p.name for p in stage.iterdir() if p.is_file())
            for name in [n for n in names if n != "trials.csv"] + ["trials.csv"]:
                os.replace(stage / name, out_dir / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    result = {
        "dataset_version": version["dataset_version"],
        "trials": len(new),
        "old": old_desc,
        "diff": dsum,
        "report_dir": str(run_dir),
        "dry_run": options.dry_run,
        "warnings": inputs.warnings,
        "counts": summary["counts"],
        "seconds": time.perf_counter() - t0,
    }
    say(report.summary_text({**summary, "seconds": result["seconds"]}))
    say(f"changes against {old_desc}: {diff.summary_line(dsum)}")
    say(
        ("dry run: data/ not changed; would be " if options.dry_run else f"{out_dir} updated: ")
        + f"dataset {version['dataset_version']} ({len(new)} trials)"
    )
    say(f"report: {run_dir / 'report.md'} (+ diff.csv)")
    return result


def _target(options: RefreshOptions) -> Path:
    """The dataset to refresh as configured, not resolved: a `current` symlink stays a symlink (versioned layout)."""
    if options.out_dir:
        return Path(options.out_dir).expanduser().absolute()
    chosen = os.environ.get(config.DATA_DIR_VARIABLE, "").strip()
    return Path(chosen).expanduser().absolute() if chosen else config.BUNDLED_DATA_DIR


def _repoint(link: Path, stage: Path, home: Path, version: str) -> Path:
    """Move the validated staging directory to `home/<version>` and repoint `link` at it in one atomic rename."""
    target, n = home / version, 1
    while target.exists():  # a second refresh of the same day keeps the first
        n += 1
        target = home / f"{version}.{n}"
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp made it 0700: a server running as another user could not read it
    os.replace(stage, target)
    fresh = link.with_name(f".{link.name}.new")
    if fresh.is_symlink() or fresh.exists():
        fresh.unlink()
    fresh.symlink_to(os.path.relpath(target, link.parent))
    os.replace(fresh, link)  # rename(2) over the old symlink: readers see the old or the new version, never none
    return target


def _read_inputs(options: RefreshOptions) -> _Inputs:
    """Read every input (nothing is written anywhere yet) and decide how current each one is."""
    if not (options.ctgov_csv or options.ctgov_json or options.online or options.ictrp_files):
        raise RefreshError(
            "nothing to refresh from: give --ctgov-csv FILE, --ctgov-json PATH, --online or --ictrp FILE"
        )
    _check_day(options.ctgov_as_of, "--ctgov-as-of")
    _check_day(options.ictrp_as_of, "--ictrp-as-of")
    ct, meta = None, None
    pages: list[tuple[int, str, bytes]] = []
    if options.online:
        ct, pages, meta = fetch_online(
            options.query, options.max_pages, options.page_size, options.api_url, options.get, options.timeout
        )
    if options.ctgov_json:
        saved = ctgov_v2.read_saved([Path(p) for p in options.ctgov_json], REPO_ROOT)
        if ct is None:
            ct = saved
        else:  # both: one pool, the most recently updated copy of each study wins
            for nct, rec in saved.by_id.items():
                if saved.last_update[nct] >= ct.last_update.get(nct, ""):
                    ct.by_id[nct], ct.last_update[nct] = rec, saved.last_update[nct]
            ct.files += saved.files
            ct.warnings += saved.warnings
    ct_as_of, ct_basis = _ctgov_as_of(ct, options.ctgov_as_of)
    ic = ictrp.read_exports([Path(p) for p in options.ictrp_files], REPO_ROOT) if options.ictrp_files else None
    ic_as_of = options.ictrp_as_of or ""
    if ic is not None:
        ic_as_of = ic_as_of or ic.as_of
        if not ic_as_of:
            raise RefreshError("cannot tell the date of the ICTRP export: give --ictrp-as-of YYYY-MM-DD")
        if ic_as_of < B.AS_OF["ictrp_as_of"]:
            raise RefreshError(
                f"the ICTRP export is as of {ic_as_of}, older than the bundled ICTRP-based lists "
                f"({B.AS_OF['ictrp_as_of']}); a refresh must be newer"
            )
    web, web_as_of, web_basis = _website_downloads(options)
    for records, as_of in (
        (ct.records if ct else [], ct_as_of),
        (ic.records if ic else [], ic_as_of),
        (web.records if web else [], web_as_of),
    ):
        for rec in records:  # the snapshot date each refreshed row reports as its record_as_of
            rec["as_of"] = as_of
    return _Inputs(ct, pages, meta, ct_as_of, ct_basis, ic, ic_as_of, web, web_as_of, web_basis)


def _website_downloads(options: RefreshOptions) -> tuple[ctgov_website.Download | None, str, str]:
    """(the website CSV downloads, their as-of date, how it was decided); refused when undated or too old."""
    if not options.ctgov_csv:
        return None, "", ""
    web = ctgov_website.read_downloads([Path(p) for p in options.ctgov_csv], REPO_ROOT)
    if options.ctgov_as_of:
        as_of, basis = options.ctgov_as_of, "given with --ctgov-as-of"
    elif web.dated:
        as_of, basis = web.newest_update[:10], "newest Last Update Posted / First Posted in the download"
    else:
        raise RefreshError(
            "the website download has no date column (Last Update Posted, First Posted), so its as-of date is "
            "unknown: give --ctgov-as-of YYYY-MM-DD (the day you downloaded it)"
        )
    if len(as_of) != 10 or as_of < B.AS_OF["ctgov_as_of"]:
        raise RefreshError(
            f"the website download is as of {as_of or 'an unknown date'} ({basis}), not newer than the bundled "
            f"snapshot ({B.AS_OF['ctgov_as_of']}); a refresh must be newer"
        )
    return web, as_of, basis


def _ctgov_as_of(ct: ctgov_v2.Studies | None, given: str | None) -> tuple[str, str]:
    """(as-of date, how it was decided) of the ClinicalTrials.gov pages; refused when older than the bundle."""
    if ct is None:
        return given or "", ""
    if given:
        as_of, basis = given, "given with --ctgov-as-of"
    elif ct.fetched_at:
        as_of, basis = ct.fetched_at, "fetch date"
    else:
        as_of = max((d for d in ct.last_update.values() if len(d) == 10), default="")
        basis = "newest lastUpdatePostDate in the pages"
    if not as_of:
        raise RefreshError("cannot tell how current the API pages are: give --ctgov-as-of YYYY-MM-DD")
    if as_of < B.AS_OF["ctgov_as_of"]:
        raise RefreshError(
            f"the ClinicalTrials.gov pages are as of {as_of}, older than the bundled "
            f"snapshot ({B.AS_OF['ctgov_as_of']}); a refresh must be newer"
            + (
                ""
                if basis.startswith("given")
                else f" (date taken from the {basis}; if the pages were fetched later, give --ctgov-as-of YYYY-MM-DD)"
            )
        )
    return as_of, basis


def _announce(inputs: _Inputs, run_dir: Path, upd: dict, say: Callable[..., Any]) -> None:
    """Say what was read; save fetched pages so the refresh can be repeated offline."""
    ct, ic = inputs.ct, inputs.ic  # the website downloads are announced first
    if inputs.web is not None:
        say(
            f"ClinicalTrials.gov website download(s): {len(inputs.web.by_id)} studies from "
            f"{len(inputs.web.files)} file(s); as of {inputs.web_as_of} ({inputs.web_basis})"
        )
    if ct is not None:
        say(
            f"ClinicalTrials.gov API v2: {len(ct.by_id)} studies from {len(ct.files) or len(inputs.pages)} page "
            f"file(s); as of {inputs.ct_as_of} ({inputs.ct_basis})"
        )
    if ic is not None:
        say(f"WHO ICTRP: {len(ic.by_id)} trials from {len(ic.files)} export file(s); as of {inputs.ic_as_of}")
    if inputs.pages and ct is not None and inputs.meta is not None:
        saved_to = save_pages(run_dir, inputs.pages, inputs.meta, ct)
        upd["refresh"][CTGOV_API]["files"] = ct.files
        say(f"raw pages saved to {saved_to} (repeat offline with --ctgov-json {saved_to})")
    warnings = inputs.warnings
    for w in warnings[:20]:
        say(f"warning: {w}")
    if len(warnings) > 20:
        say(f"warning: ... {len(warnings) - 20} more in the report")


def _build_and_report(
    options: RefreshOptions, inputs: _Inputs, upd: dict, stage: Path, out_dir: Path, run_dir: Path
) -> tuple[dict, pd.DataFrame, dict, str, dict]:
    """Build into `stage`, validate it with the app's loaders, and write the report (a dry run leaves one too).
    Returns (build summary, new trials, version.json, old dataset description, diff summary)."""
    try:
        summary = B.build(
            stage,
            options.sources_dir,
            options.corrections_file,
            verbose=False,
            extra_records=inputs.records,
            version_update=upd,
        )
    except KeyError as e:  # an unmapped country spelling (msc_atlas.pipeline.countries)
        raise RefreshError(
            f"build failed: {e.args[0] if e.args else e}; add the spelling to msc_atlas/pipeline/countries.py ALIASES"
        ) from None
    old, old_desc = _read_old(out_dir)
    kept = _keep_known_values(stage, old)
    new = _validate(stage)
    excluded = pd.read_csv(stage / "excluded_trials.csv", dtype=str, keep_default_na=False)
    new_str = pd.read_csv(stage / "trials.csv", dtype=str, keep_default_na=False)
    changes = diff.diff_trials(old, new_str, excluded)
    dsum = diff.summary(changes)
    version = json.loads((stage / "version.json").read_text(encoding="utf-8"))
    report_md = run_dir / "report.md"
    readme = stage / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8")
        + _readme_section(version, diff.summary_line(dsum), old_desc, _label(report_md)),
        encoding="utf-8",
    )
    run_dir.mkdir(parents=True, exist_ok=True)
    header = [
        f"- dataset: {old_desc} -> **{version['dataset_version']}, {len(new)} trials**"
        + (" (dry run: data/ not changed)" if options.dry_run else ""),
        f"- ClinicalTrials.gov as of {version['ctgov_as_of']}; WHO ICTRP as of {version['ictrp_as_of']}",
    ]
    for key, c in version["refresh"].items():
        if isinstance(c, dict):
            files = ", ".join(f"`{f['file']}` (sha256 {f['sha256'][:12]}…)" for f in c["files"][:20])
            header.append(f"- input `{key}`: {c.get('studies', c.get('trials'))} records as of {c['as_of']}; {files}")
    header += [f"- warning: {w}" for w in inputs.warnings]
    header += _not_admitted(excluded)
    if kept:
        header.append(
            f"- kept {len(kept)} known value(s) of the replaced dataset that the refreshed records do not state: "
            + ", ".join(f"{t} {f}" for t, f in kept[:30])
            + (" …" if len(kept) > 30 else "")
        )
    header.append(
        "- build: " + report.summary_text({**summary, "seconds": 0}).replace("\n", "; ").replace("; built in 0.0 s", "")
    )
    report_md.write_text(diff.markdown(changes, header), encoding="utf-8")
    changes.to_csv(run_dir / "diff.csv", index=False, lineterminator="\n", encoding="utf-8")
    return summary, new, version, old_desc, dsum


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m msc_atlas.refresh",
        description="Refresh data/ from ClinicalTrials.gov API v2 (online, or saved JSON pages) and WHO ICTRP "
        "exports, through the same build, curation and validation as the bundled dataset. "
        "data/ changes only when the whole refresh succeeds. See docs/refresh.md.",
    )
    src = p.add_argument_group("inputs (at least one)")
    src.add_argument(
        "--ctgov-csv",
        nargs="+",
        type=Path,
        default=[],
        metavar="FILE",
        help="ClinicalTrials.gov website download(s), Download -> CSV (ctg-studies.csv), with any columns",
    )
    src.add_argument("--online", action="store_true", help=f"fetch {ctgov_v2.API_URL} now (pages are saved)")
    src.add_argument(
        "--ctgov-json",
        nargs="+",
        type=Path,
        default=[],
        metavar="PATH",
        help="saved API v2 JSON (page files or directories of pages), or the website's JSON download (ctg-studies.json)",
    )
    src.add_argument(
        "--ictrp",
        nargs="+",
        type=Path,
        default=[],
        metavar="FILE",
        help="WHO ICTRP export(s): CSV (columns as the bundled export) or XML",
    )
    p.add_argument(
        "--query",
        default=ctgov_v2.DEFAULT_QUERY,
        help=f"query.term of the online search (default: {ctgov_v2.DEFAULT_QUERY!r})",
    )
    p.add_argument("--max-pages", type=int, default=None, help="stop after N pages (a partial refresh)")
    p.add_argument("--page-size", type=int, default=ctgov_v2.PAGE_SIZE, help="studies per page (max 1000)")
    p.add_argument("--api-url", default=ctgov_v2.API_URL, help=argparse.SUPPRESS)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"dataset directory to refresh (default: ${config.DATA_DIR_VARIABLE} or data/)",
    )
    p.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="DIR",
        help="where report.md, diff.csv and fetched pages go (default: refresh_runs/<version>/)",
    )
    p.add_argument(
        "--ctgov-as-of",
        default=None,
        metavar="YYYY-MM-DD",
        help="as-of date of the ClinicalTrials.gov input (needed for a download without a date column)",
    )
    p.add_argument("--ictrp-as-of", default=None, metavar="YYYY-MM-DD", help="as-of date of the ICTRP export")
    p.add_argument("--dry-run", action="store_true", help="build, validate and report, but leave data/ unchanged")
    args = p.parse_args(argv)
    if not 1 <= args.page_size <= 1000:
        p.error("--page-size must be 1..1000")
    try:
        refresh(
            RefreshOptions(
                ctgov_csv=args.ctgov_csv,
                ctgov_json=args.ctgov_json,
                online=args.online,
                query=args.query,
                max_pages=args.max_pages,
                page_size=args.page_size,
                api_url=args.api_url,
                timeout=args.timeout,
                ictrp_files=args.ictrp,
                out_dir=args.out,
                report_dir=args.report,
                ctgov_as_of=args.ctgov_as_of,
                ictrp_as_of=args.ictrp_as_of,
                dry_run=args.dry_run,
            )
        )
    except RefreshError as e:
        print(f"refresh failed: {e}\nThe dataset was not changed.", file=sys.stderr)
        return 2
    return 0
