"""Shared pieces of the benchmarks: machine facts, statistics, realistic filter changes, callback request bodies,
and starting / stopping a server on 127.0.0.1.

Every benchmark reports medians (and p95 where a tail matters) beside a baseline measured in the same run, and the
ratio between them; never a bare timing.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):  # the app, and the test helpers the benchmarks share (request bodies, floor)
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import callback_payloads as cp  # noqa: E402

from msc_atlas.filters import LENSES, FilterState  # noqa: E402

PACKAGES = (
    "dash",
    "plotly",
    "pandas",
    "numpy",
    "flask",
    "gunicorn",
    "dash-ag-grid",
    "dash-cytoscape",
    "dash-bootstrap-components",
    "orjson",
    "selenium",
)


# ------------------------------------------------------------------------------------------------ machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    chromium = "not found"
    try:
        chromium = (
            subprocess.run(
                ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
            ).stdout.strip()
            or chromium
        )
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": str(os.cpu_count()),
        "cpu": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(versions),
        "browser": chromium,
    }


# ------------------------------------------------------------------------------------------------ statistics


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline > 0 else "n/a"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# ------------------------------------------------------------------------------------------------ filters


def realistic_filters(count: int = 40, seed: int = 7) -> list[FilterState]:
    """Filter states a visitor plausibly steps through: the lenses, single facets, and a few combinations.

    Values come from the bundled vocabularies; the sequence is fixed by `seed` so runs compare.
    """
    rng = random.Random(seed)
    singles = [
        FilterState(),
        *[state for _, state in LENSES.values()],
        FilterState(focus=("covid19_ards",), product=("msc_ev",)),
        FilterState(country=("CHN",)),
        FilterState(country=("USA",)),
        FilterState(country=("IRN",)),
        FilterState(tissue=("umbilical_cord",)),
        FilterState(tissue=("bone_marrow",)),
        FilterState(tissue=("adipose",)),
        FilterState(route=("intravenous",)),
        FilterState(phase=("phase2",)),
        FilterState(phase=("phase1", "phase1_2")),
        FilterState(status=("recruiting",)),
        FilterState(donor=("autologous",)),
        FilterState(product=("msc_ev", "msc_secretome")),
        FilterState(year_from=2019, year_to=2021),
        FilterState(q="ARDS"),
        FilterState(q="cirrhosis"),
        FilterState(disease=("musculoskeletal",)),
    ]
    states = list(dict.fromkeys(singles))
    facets = [
        ("focus", ["covid19_ards", "liver", "other"]),
        ("tissue", ["umbilical_cord", "bone_marrow", "adipose"]),
        ("phase", ["phase1", "phase2", "phase1_2"]),
        ("country", ["CHN", "USA", "ESP", "IRN", "KOR"]),
        ("route", ["intravenous", "intra_articular", "intrathecal"]),
    ]
    while len(states) < count:
        picked = rng.sample(facets, 2)
        choices: dict[str, Any] = {field: (rng.choice(values),) for field, values in picked}
        state = FilterState(**choices)
        if state not in states:
            states.append(state)
    return states[:count]


# ------------------------------------------------------------------------------------------------ requests


def pattern_instances() -> dict[str, list[Any]]:
    """Concrete ids of the app's pattern-matching components (lens buttons, nav links)."""
    import dash

    from msc_atlas import ids

    return {ids.LENS: list(LENSES), ids.NAV_LINK: [page["relative_path"] for page in dash.page_registry.values()]}


def find_callback(callback_map: dict, *outputs: str) -> str:
    """The callback-map key of the callback that writes all of `outputs` ("id" or "id.property"; a pattern id is
    named by its type)."""
    for key in callback_map:
        written = cp.outputs_of(key)
        names = {(cid.get("type") if isinstance(cid, dict) else cid) for cid, _ in written}
        full = {f"{cid.get('type') if isinstance(cid, dict) else cid}.{prop}" for cid, prop in written}
        if all(wanted in names or wanted in full for wanted in outputs):
            return key
    raise KeyError(f"no callback writes {outputs}")


# ------------------------------------------------------------------------------------------------ servers


# gunicorn of the interpreter running the benchmark (the checkout's .venv): a fresh clone has no gunicorn on PATH
GUNICORN = [sys.executable, "-m", "gunicorn"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start_process(
    command: list[str], port: int, env: dict[str, str] | None = None, log: Path | None = None, health: str = "/health"
) -> subprocess.Popen:
    """Start a server on 127.0.0.1:`port` and wait until `health` answers 200."""
    environment = os.environ | {"HOST": "127.0.0.1", "PORT": str(port)} | (env or {})
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}{health}")
    except RuntimeError:
        stop_process(process)
        raise
    return process


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


__all__ = ["ROOT", "FilterState", "cp"]
