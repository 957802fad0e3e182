"""ClinicalTrials.gov API v2: fetch /api/v2/studies pages (pageToken paging) and read study JSON into the build's
intermediate records (msc_atlas.pipeline.sources.RECORD_KEYS), field for field like the flat full-study export.

Field mapping (API v2 path -> record key; enum values are upper-case in v2 and become vocab keys):
  protocolSection.identificationModule.nctId                       -> id
  identificationModule.secondaryIdInfos[].id, orgStudyIdInfo.id     -> linked_ids (registry IDs only, never an NCT)
  identificationModule.briefTitle / officialTitle / acronym         -> title / official_title / acronym
  statusModule.overallStatus                                        -> status (RECRUITING -> recruiting; WITHHELD,
                                                                       UNKNOWN -> unknown)
  statusModule.startDateStruct.date / studyFirstPostDateStruct.date -> start_date / first_posted (YYYY-MM[-DD])
  designModule.phases                                               -> phase (["PHASE1","PHASE2"] -> phase1_2,
                                                                       ["NA"] -> not_applicable, [] -> unknown)
  designModule.enrollmentInfo.count / type                          -> enrollment / enrollment_type (ESTIMATED ->
                                                                       anticipated)
  designModule.studyType                                            -> study_type
  conditionsModule.conditions / keywords                            -> conditions / keywords
  derivedSection.conditionBrowseModule.meshes[].term                -> mesh_terms
  armsInterventionsModule.interventions[].name / .description       -> interventions / intervention_descriptions
  armsInterventionsModule.armGroups[].description                   -> arm_descriptions
  descriptionModule.briefSummary                                    -> summary
  descriptionModule.detailedDescription                             -> detailed_description
  sponsorCollaboratorsModule.leadSponsor.name / class               -> sponsor / sponsor_class
  contactsLocationsModule.locations[].country                       -> countries_raw (first-seen order, de-duplicated)
Multi-valued text is joined with " | ", as in the flat export.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msc_atlas import vocab
from msc_atlas.pipeline import evidence
from msc_atlas.pipeline.registry_ids import ids_in_text
from msc_atlas.pipeline.sources import CTGOV_API, SPONSOR_CLASS_MAP, _not_nct, _record
from msc_atlas.refresh import RefreshError
from msc_atlas.refresh.query import default_query
from msc_atlas.vocab import UNKNOWN

API_URL = "https://clinicaltrials.gov/api/v2/studies"
DEFAULT_QUERY = default_query()  # msc_atlas.refresh.query: its terms, and why each is there
PAGE_SIZE = 1000  # the API maximum
FETCH_META = "fetch.json"  # written next to the saved pages by an online refresh
USER_AGENT = "msc-trials-atlas-refresh/1 (python urllib)"

_PHASES = {
    ("EARLY_PHASE1",): "early_phase1",
    ("PHASE1",): "phase1",
    ("PHASE1", "PHASE2"): "phase1_2",
    ("PHASE2",): "phase2",
    ("PHASE2", "PHASE3"): "phase2_3",
    ("PHASE3",): "phase3",
    ("PHASE4",): "phase4",
    ("NA",): "not_applicable",
}
_STATUSES = {k.upper(): k for k in vocab.STATUSES if k != UNKNOWN} | {"WITHHELD": UNKNOWN, "UNKNOWN": UNKNOWN}
_ENROLLMENT_TYPES = {"ACTUAL": "actual", "ESTIMATED": "anticipated", "ANTICIPATED": "anticipated"}
_STUDY_TYPES = {
    "INTERVENTIONAL": "Interventional",
    "OBSERVATIONAL": "Observational",
    "EXPANDED_ACCESS": "Expanded Access",
}
_NCT = re.compile(r"^NCT\d{8}$")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass
class Studies:
    """Records read from API v2 pages, one per NCT ID (the most recently updated copy wins)."""

    by_id: dict[str, dict] = field(default_factory=dict)  # nctId -> record
    last_update: dict[str, str] = field(default_factory=dict)  # nctId -> lastUpdatePostDate
    files: list[dict] = field(default_factory=list)  # {"file", "sha256", "studies"} per input page
    fetched_at: str = ""  # from fetch.json of an online refresh, if any
    query: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[dict]:
        return list(self.by_id.values())


# ------------------------------------------------------------------------------------------ parsing


def _at(obj: dict, path: str, kind: type, where: str):
    """obj[path...] when present; None when absent; RefreshError when present with the wrong JSON type."""
    cur: Any = obj
    for key in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
        if cur is None:
            return None
    if not isinstance(cur, kind) or (kind is int and isinstance(cur, bool)):
        raise RefreshError(
            f"{where}: {path}: expected {kind.__name__}, got {type(cur).__name__} ({str(cur)[:60]!r}); "
            "not an API v2 study record"
        )
    return cur


def _list_of(obj: dict, path: str, kind: type, where: str) -> list:
    items = _at(obj, path, list, where) or []
    for i, x in enumerate(items):
        if not isinstance(x, kind):
            raise RefreshError(
                f"{where}: {path}[{i}]: expected {kind.__name__}, got {type(x).__name__}; not an API v2 study record"
            )
    return items


def _date(struct_path: str, ps: dict, where: str, warnings: list[str]) -> str:
    d = _at(ps, f"statusModule.{struct_path}.date", str, where) or ""
    if d and not _DATE.match(d):
        if not re.fullmatch(r"\d{4}", d):  # a bare year is legal in v2 but below the dataset's month precision
            warnings.append(f"{where}: statusModule.{struct_path}.date {d!r} is not YYYY-MM[-DD]; left empty")
        return ""
    return d


def _join(parts) -> str:
    return " | ".join(p.strip() for p in parts if p and p.strip())


def study_record(study: dict, where: str, warnings: list[str]) -> tuple[dict, str]:
    """(intermediate record, lastUpdatePostDate) of one API v2 study; RefreshError when it is not a study."""
    if not isinstance(study, dict):
        raise RefreshError(f"{where}: expected a study object, got {type(study).__name__}")
    ps = _at(study, "protocolSection", dict, where)
    if ps is None:
        raise RefreshError(f"{where}: missing protocolSection; not an API v2 study record")
    nct = _at(ps, "identificationModule.nctId", str, where) or ""
    if not _NCT.match(nct.strip()):
        raise RefreshError(f"{where}: protocolSection.identificationModule.nctId missing or not an NCT ID ({nct!r})")
    nct = nct.strip()
    where = f"{where} ({nct})"
    title = _at(ps, "identificationModule.briefTitle", str, where) or ""
    official = _at(ps, "identificationModule.officialTitle", str, where) or ""
    if not (title.strip() or official.strip()):
        raise RefreshError(f"{where}: identificationModule has neither briefTitle nor officialTitle")

    secondary = [s.get("id", "") for s in _list_of(ps, "identificationModule.secondaryIdInfos", dict, where)]
    org_id = _at(ps, "identificationModule.orgStudyIdInfo.id", str, where) or ""

    raw_status = (_at(ps, "statusModule.overallStatus", str, where) or "").strip().upper()
    status = _STATUSES.get(raw_status)
    if status is None:
        warnings.append(f"{where}: overallStatus {raw_status!r} is not a known v2 value; read as unknown")
        status = UNKNOWN

    phases = tuple(sorted(p.strip().upper() for p in _list_of(ps, "designModule.phases", str, where)))
    phase = _PHASES.get(phases, UNKNOWN)
    if phases and phases not in _PHASES:
        warnings.append(f"{where}: designModule.phases {list(phases)} has no vocab key; read as unknown")

    count = _at(ps, "designModule.enrollmentInfo.count", int, where)
    enr_type = _ENROLLMENT_TYPES.get((_at(ps, "designModule.enrollmentInfo.type", str, where) or "").upper(), UNKNOWN)
    study_type = _at(ps, "designModule.studyType", str, where) or ""

    interventions = _list_of(ps, "armsInterventionsModule.interventions", dict, where)
    arms = _list_of(ps, "armsInterventionsModule.armGroups", dict, where)
    meshes = _list_of(study, "derivedSection.conditionBrowseModule.meshes", dict, f"{where} derivedSection")
    countries: list[str] = []
    for loc in _list_of(ps, "contactsLocationsModule.locations", dict, where):
        c = (loc.get("country") or "").strip()
        if c and c not in countries:
            countries.append(c)

    lead_class = _at(ps, "sponsorCollaboratorsModule.leadSponsor.class", str, where) or ""
    record = _record(
        id=nct,
        source=CTGOV_API,
        linked_ids=_not_nct(ids_in_text(" | ".join([*secondary, org_id]))),
        acronym=_at(ps, "identificationModule.acronym", str, where) or "",
        study_type=_STUDY_TYPES.get(study_type, study_type),
        title=title,
        official_title=official,
        conditions=_join(_list_of(ps, "conditionsModule.conditions", str, where)),
        mesh_terms=_join(m.get("term", "") for m in meshes),
        keywords=_join(_list_of(ps, "conditionsModule.keywords", str, where)),
        interventions=_join(i.get("name", "") for i in interventions),
        intervention_types=_join(str(i.get("type", "")).replace("_", " ").title() for i in interventions),
        intervention_descriptions=_join(i.get("description", "") for i in interventions),
        arm_labels=_join(a.get("label", "") for a in arms),
        arm_descriptions=_join(a.get("description", "") for a in arms),
        summary=_at(ps, "descriptionModule.briefSummary", str, where) or "",
        detailed_description=_at(ps, "descriptionModule.detailedDescription", str, where) or "",
        phase=phase,
        status=status,
        enrollment=count if count is not None and count >= 0 else None,
        enrollment_type=enr_type if count is not None else UNKNOWN,
        start_date=_date("startDateStruct", ps, where, warnings),
        first_posted=_date("studyFirstPostDateStruct", ps, where, warnings),
        sponsor=(_at(ps, "sponsorCollaboratorsModule.leadSponsor.name", str, where) or "").strip(),
        sponsor_class=SPONSOR_CLASS_MAP.get(lead_class.upper(), UNKNOWN),
        countries_raw=countries,
        full_record=evidence.from_api_v2(study),  # design, eligibility, outcomes and results (the evidence layer)
    )
    return record, _date("lastUpdatePostDateStruct", ps, where, warnings)


def decode_page(raw: bytes, origin: str) -> dict:
    """An API v2 response body (or a single saved study) as a page dict {"studies": [...], ...}."""
    if not raw.strip():
        raise RefreshError(f"{origin}: empty file/response; expected API v2 study JSON")
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise RefreshError(f"{origin}: not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})") from None
    except json.JSONDecodeError as e:
        cut = e.pos >= len(raw.rstrip()) - 1 or not raw.rstrip().endswith((b"}", b"]"))
        hint = " — the file looks truncated" if cut else ""
        raise RefreshError(f"{origin}: line {e.lineno}, column {e.colno}: invalid JSON ({e.msg}){hint}") from None
    if isinstance(obj, dict) and "protocolSection" in obj:  # one study saved from /api/v2/studies/{nctId}
        return {"studies": [obj]}
    if isinstance(obj, list):  # the website's Download -> JSON (ctg-studies.json): a bare array of study objects
        if not obj:
            raise RefreshError(f"{origin}: an empty JSON array; no studies")
        return {"studies": obj}
    if not isinstance(obj, dict) or not isinstance(obj.get("studies"), list):
        got = type(obj).__name__ if not isinstance(obj, dict) else f"keys {sorted(obj)[:6]}"
        raise RefreshError(
            f"{origin}: expected an API v2 /studies page (an object with a 'studies' list) or the "
            f"website's JSON download (an array of studies), got {got}"
        )
    token = obj.get("nextPageToken")
    if token is not None and not isinstance(token, str):
        raise RefreshError(f"{origin}: nextPageToken must be a string, got {type(token).__name__}")
    return obj


def add_page(acc: Studies, page: dict, origin: str) -> int:
    """Read one page's studies into `acc` (a later-updated copy of a study replaces an earlier one)."""
    n = 0
    for i, study in enumerate(page["studies"]):
        rec, updated = study_record(study, f"{origin}: studies[{i}]", acc.warnings)
        nct = rec["id"]
        if nct in acc.last_update and updated < acc.last_update[nct]:
            continue
        acc.by_id[nct] = rec
        acc.last_update[nct] = updated
        n += 1
    return n


def file_label(path: Path, root: Path | None) -> str:
    """A path relative to the repository when inside it, else the bare name (no machine paths in data/)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() if root else path.name
    except ValueError:
        return path.name


def page_files(paths: list[Path]) -> list[Path]:
    """Expand directories to their *.json pages (sorted by name, fetch.json left out)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(x for x in p.glob("*.json") if x.name != FETCH_META)
            if not found:
                raise RefreshError(f"{p}: directory holds no *.json API v2 pages")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise RefreshError(f"{p}: no such file or directory")
    return out


def read_saved(paths: list[Path], root: Path | None = None) -> Studies:
    """Studies from saved API v2 JSON files / directories of pages (an offline refresh)."""
    acc = Studies()
    for p in [Path(x) for x in paths]:
        meta = p / FETCH_META if p.is_dir() else None
        if meta and meta.exists():
            try:
                info = json.loads(meta.read_text(encoding="utf-8"))
                acc.fetched_at = max(acc.fetched_at, str(info.get("fetched_at", ""))[:10])
                acc.query = acc.query or str(info.get("query", ""))
            except (json.JSONDecodeError, UnicodeDecodeError, AttributeError) as e:
                raise RefreshError(f"{meta}: unreadable fetch record ({e})") from None
    for f in page_files(paths):
        raw = f.read_bytes()
        n = add_page(acc, decode_page(raw, str(f)), str(f))
        acc.files.append({"file": file_label(f, root), "sha256": hashlib.sha256(raw).hexdigest(), "studies": n})
    if not acc.by_id:
        raise RefreshError(f"no studies in {', '.join(str(p) for p in paths)}")
    return acc


# ------------------------------------------------------------------------------------------ fetching

Getter = Callable[[str, float], bytes]


def http_get(url: str, timeout: float = 60.0, retries: int = 3, sleep: Callable[[float], None] = time.sleep) -> bytes:
    """GET `url`; retries 429 / 5xx / timeouts with backoff; RefreshError with the reason otherwise."""
    req = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            body = e.read()[:300].decode("utf-8", "replace").strip()
            if e.code in (429, 500, 502, 503, 504) and attempt < retries:
                sleep(2.0**attempt)
                continue
            raise RefreshError(
                f"ClinicalTrials.gov API answered HTTP {e.code} {e.reason} for {url}" + (f": {body}" if body else "")
            ) from None
        except TimeoutError:
            if attempt < retries:
                sleep(2.0**attempt)
                continue
            raise RefreshError(
                f"ClinicalTrials.gov API timed out after {timeout:g} s ({retries + 1} tries) for {url}; "
                "try again later or refresh offline from saved pages (--ctgov-json)"
            ) from None
        except urllib.error.URLError as e:
            raise RefreshError(
                f"cannot reach ClinicalTrials.gov ({e.reason}) for {url}; refresh offline from "
                "saved pages with --ctgov-json (docs/refresh.md)"
            ) from None
    raise AssertionError("unreachable")


def page_url(base_url: str, query: str, page_size: int, token: str | None) -> str:
    params = {"query.term": query, "pageSize": str(page_size), "format": "json"}
    if token:
        params["pageToken"] = token
    else:
        params["countTotal"] = "true"  # only the first page needs the total
    return f"{base_url}?{urllib.parse.urlencode(params)}"


def fetch_pages(
    query: str = DEFAULT_QUERY,
    *,
    max_pages: int | None = None,
    page_size: int = PAGE_SIZE,
    base_url: str = API_URL,
    get: Getter | None = None,
    timeout: float = 60.0,
) -> Iterator[tuple[int, str, bytes, dict]]:
    """(page number, URL, raw body, decoded page) for each page, following nextPageToken until the last page or
    `max_pages`. The raw body is what gets saved, so an offline refresh reads exactly what was fetched."""
    get = get or http_get
    token, n, seen = None, 0, set()
    while True:
        url = page_url(base_url, query, page_size, token)
        raw = get(url, timeout)
        n += 1
        page = decode_page(raw, f"page {n} of {url}")
        yield n, url, raw, page
        token = page.get("nextPageToken")
        if not token or (max_pages and n >= max_pages):
            return
        if token in seen:
            raise RefreshError(f"page {n}: nextPageToken {token!r} repeats an earlier page; stopping")
        seen.add(token)
