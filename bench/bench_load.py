"""Load test: gunicorn (gunicorn.conf.py) on 127.0.0.1, N concurrent clients replaying realistic filter changes.

Each client walks the realistic filter states in its own shuffled order; for every state it sends what the browser
sends after a filter change on one page (the shared filter callback, the nav links, then that page's callbacks),
cycling through the pages. Requests are the renderer's own request bodies, built from the app's callback map.
Reports p50 / p95 latency per request, throughput and errors. Baseline in the same run: GET /health on the same
server with the same clients (the cost of gunicorn + Flask + HTTP on this machine, no app work).

    python bench/bench_load.py [--seconds 60] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from common import GUNICORN, free_port, percentile, ratio, realistic_filters, start_process, stop_process, verdict

TARGET_P95_MS = 100.0  # reported beside the ratio
TARGET_P95_RATIO = 1.5  # p95 of the callbacks within 1.5x of /health under the same load (issue 13)


def build_scenario(states: int) -> list[list[dict]]:
    """Request bodies, grouped per filter change (one group = what one page sends), from the real app."""
    import bench_callbacks as bc

    from msc_atlas.filters import FilterState

    atlas, _ = bc.setup()
    pages = list(bc.page_calls())
    groups = []
    previous = FilterState()
    for n, state in enumerate(realistic_filters(states)):
        bodies = bc.requests_for(atlas, state, previous)
        groups.append(bodies[bc.SHARED] + bodies[pages[n % len(pages)]])
        previous = state
    return groups


def client_loop(
    base: str, groups: list[list[dict]], until: float, seed: int, out: dict[str, Any], path: str | None = None
) -> None:
    """Replay `groups` (or GET `path`) until the deadline; record latencies and errors."""
    rng = random.Random(seed)
    session = requests.Session()
    order = list(range(len(groups)))
    latencies, errors = [], []
    while time.monotonic() < until:
        rng.shuffle(order)
        for index in order:
            if time.monotonic() >= until:
                break
            bodies = [None] if path else groups[index]
            for body in bodies:
                started = time.perf_counter()
                try:
                    if path:
                        response = session.get(base + path, timeout=30)
                    else:
                        response = session.post(
                            base + "/_dash-update-component",
                            data=json.dumps(body),
                            headers={"Content-Type": "application/json"},
                            timeout=30,
                        )
                    elapsed = time.perf_counter() - started
                    if response.status_code not in (200, 204) or b"Traceback" in response.content:
                        errors.append(f"{response.status_code}")
                    latencies.append(elapsed)
                except requests.RequestException as err:
                    errors.append(type(err).__name__)
    out["latencies"], out["errors"] = latencies, errors


def run_clients(
    base: str, groups: list[list[dict]], clients: int, seconds: float, path: str | None = None
) -> dict[str, Any]:
    until = time.monotonic() + seconds
    outs: list[dict[str, Any]] = [{} for _ in range(clients)]
    threads = [
        threading.Thread(target=client_loop, args=(base, groups, until, seed, outs[seed], path))
        for seed in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies = [x for out in outs for x in out["latencies"]]
    errors = [x for out in outs for x in out["errors"]]
    return {
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "throughput": len(latencies) / wall,
        "seconds": wall,
    }


def run(seconds: float = 60, clients: int = 4, states: int = 40, log: Path | None = None) -> dict[str, Any]:
    groups = build_scenario(states)
    port = free_port()
    server = start_process(
        [*GUNICORN, "-c", "gunicorn.conf.py", "app:server"],
        port,
        log=log or Path(tempfile.gettempdir()) / "msc-atlas-bench-load.log",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        run_clients(base, groups, clients, min(5.0, seconds / 4))  # warm-up: first-call costs in both workers
        baseline = run_clients(base, groups, clients, max(5.0, seconds / 4), path="/health")
        app = run_clients(base, groups, clients, seconds)
        after = requests.get(base + "/health", timeout=10)
        app["works_after"] = after.status_code == 200
    finally:
        stop_process(server)
    return {
        "app": app,
        "baseline": baseline,
        "clients": clients,
        "seconds": seconds,
        "requests_per_change": sum(len(g) for g in groups) / len(groups),
    }


def markdown(result: dict[str, Any]) -> str:
    app, base = result["app"], result["baseline"]
    ok = app["p95_ms"] <= TARGET_P95_RATIO * base["p95_ms"] and app["errors"] == 0
    return "\n".join(
        [
            f"gunicorn -c gunicorn.conf.py (2 workers x 4 threads), {result['clients']} concurrent clients, "
            f"{app['seconds']:.0f} s of filter changes ({result['requests_per_change']:.1f} callback requests per change).",
            "",
            "| | Baseline: GET /health, same server and clients | Filter changes (callback requests) | ratio |",
            "|---|---:|---:|---:|",
            f"| p50 latency | {base['p50_ms']:.1f} ms | {app['p50_ms']:.1f} ms | {ratio(app['p50_ms'], base['p50_ms'])} |",
            f"| p95 latency | {base['p95_ms']:.1f} ms | {app['p95_ms']:.1f} ms | {ratio(app['p95_ms'], base['p95_ms'])} |",
            f"| throughput | {base['throughput']:.0f} req/s | {app['throughput']:.0f} req/s | "
            f"{ratio(app['throughput'], base['throughput'])} |",
            f"| requests / errors | {base['requests']} / {base['errors']} | {app['requests']} / {app['errors']} "
            f"{' '.join(app['error_kinds'])} | |",
            "",
            f"Target p95 within {TARGET_P95_RATIO}x of /health's at the same concurrency, with zero errors: "
            f"{verdict(ok)} (p95 {app['p95_ms']:.1f} ms, {'within' if app['p95_ms'] <= TARGET_P95_MS else 'over'} "
            f"{TARGET_P95_MS:.0f} ms; server still answering /health afterwards: "
            f"{'yes' if app.get('works_after') else 'NO'}).",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.seconds, args.clients)
    print(json.dumps(result, indent=1) if args.json else markdown(result))
    if result["app"]["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
