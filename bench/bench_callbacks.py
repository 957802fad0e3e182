"""Server time of each page's filter callbacks, in-process, against a floor measured in the same run.

For each realistic filter state, every callback a filter change triggers on a page is sent through the app's real
dispatch endpoint (Flask test client: Dash's argument handling, the callback, and the JSON encoding of every
output), uncached (all per-filter caches cleared first) and cached (the same request again).
Floor: applying the same filter in pandas (`reference.apply`, tests/reference.py) plus JSON-encoding the same figures (or grid rows /
diagram elements) with `plotly.io.json.to_json_plotly`: what any server must do to answer.

    python bench/bench_callbacks.py [--states 40] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from common import cp, find_callback, median_ms, pattern_instances, ratio, realistic_filters, verdict


# page -> [(an output id that identifies the callback, extra input values)]: the callbacks a filter change triggers.
# Ids come from the page modules (imported by the app), so a renamed component does not break the benchmark.
def page_calls() -> dict[str, list[tuple[str, dict[tuple[str, str], Any]]]]:
    import importlib

    overview, sources = importlib.import_module("pages.overview"), importlib.import_module("pages.sources_routes")
    mechanism, trials = importlib.import_module("pages.mechanism"), importlib.import_module("pages.trials")
    return {
        "Overview (/)": [
            (overview.MAP, {(overview.MAP_COLOUR, "value"): "all", (overview.TIMELINE_STACK, "value"): "product"})
        ],
        "Sources & routes": [(sources.graph_id("tissue"), {})],
        "Mechanism": [
            (mechanism.GRAPH + ".elements", {(mechanism.CONTEXT, "value"): mechanism.FOLLOW}),
            (mechanism.PANEL, {(mechanism.CONTEXT, "value"): mechanism.FOLLOW, (mechanism.CHOOSER, "value"): None}),
        ],
        # the grid's first request after a filter change: the first block, in the default sort
        "Trials": [
            (
                trials.GRID + ".getRowsResponse",
                {
                    (trials.GRID, "getRowsRequest"): {
                        "startRow": 0,
                        "endRow": trials.BLOCK_SIZE,
                        "sortModel": trials.DEFAULT_SORT,
                        "filterModel": {},
                    }
                },
            )
        ],
    }


SHARED = "Shared filter panel (every page)"
PAYLOAD_PROPS = {"figure", "rowData", "getRowsResponse", "elements"}
TARGET_MS, TARGET_RATIO = 30.0, 3.0


def setup(data_frame=None):
    """Import the app (optionally on another trials frame), serve one page so every callback is registered."""
    import app as atlas

    if data_frame is not None:
        use_frame(data_frame)
    client = atlas.server.test_client()
    assert client.get("/").status_code == 200
    return atlas, client


def use_frame(frame) -> None:
    """Point every reader of the trials at `frame` (the scale benchmark's synthetic data), caches cleared."""
    from msc_atlas import cache, data, selection

    cache.clear()
    data.load_trials = lambda path=None: frame
    selection.load_trials = data.load_trials


def clear_caches() -> None:
    """Forget every per-filter result: views and selection caches, and the cached text-alternative tables."""
    from msc_atlas import cache

    cache.clear_results()


def requests_for(atlas, state, previous) -> dict[str, list[dict]]:
    """Request bodies per page for one filter change (from `previous` to `state`)."""
    from msc_atlas import ids
    from msc_atlas.ui import filter_sync

    callback_map = atlas.app.callback_map
    instances = pattern_instances()
    store = state.to_dict()
    bodies: dict[str, list[dict]] = {}
    for page, calls in page_calls().items():
        bodies[page] = []
        for output_id, extra in calls:
            key = find_callback(callback_map, output_id)
            values = {(ids.FILTER_STORE, "data"): store, **extra}
            bodies[page].append(
                cp.request_body(
                    key,
                    callback_map[key],
                    lambda cid, prop, values=values: values.get((cp.id_string(cid), prop)),
                    changed=[f"{ids.FILTER_STORE}.data"],
                    instances=instances,
                )
            )
    # The shared callback, as when a visitor changes the focus-area control, and the nav links that follow.
    controls = filter_sync.control_values(state)
    sync_values = {
        (ids.URL, "search"): previous.to_query(),
        (ids.FILTER_STORE, "data"): previous.to_dict(),
        **{(ids.control(field), "value"): controls[field] for field in ids.control_fields()},
    }
    sync_key = find_callback(callback_map, ids.control("focus"), ids.FILTER_STORE)
    nav_key = find_callback(callback_map, ids.NAV_LINK)
    bodies[SHARED] = [
        cp.request_body(
            sync_key,
            callback_map[sync_key],
            lambda cid, prop: sync_values.get((cp.id_string(cid), prop)),
            changed=[f"{ids.control('focus')}.value"],
            instances=instances,
        ),
        cp.request_body(
            nav_key, callback_map[nav_key], lambda cid, prop: cid if prop == "id" else store, instances=instances
        ),
    ]
    return bodies


def post_all(client, bodies: list[dict]) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    responses = [client.post(cp.DISPATCH, json=body) for body in bodies]
    elapsed = time.perf_counter() - started
    for response in responses:
        if response.status_code not in (200, 204):
            raise RuntimeError(f"callback answered {response.status_code}: {response.data[:300]!r}")
    return elapsed, [r.get_json() for r in responses if r.status_code == 200]


def payloads(responses: list[dict]) -> list[Any]:
    """The figure / grid / diagram outputs of the responses (what the floor JSON-encodes)."""
    found = []
    for response in responses:
        for props in response.get("response", {}).values():
            found += [value for prop, value in props.items() if prop in PAYLOAD_PROPS and value]
    return found


def floor_seconds(state, frame, page_payloads: list[Any]) -> float:
    import reference
    from plotly.io.json import to_json_plotly

    started = time.perf_counter()
    reference.apply(state, frame)
    for payload in page_payloads:
        to_json_plotly(payload)
    return time.perf_counter() - started


def measure(atlas, client, states, rounds: int) -> dict[str, dict[str, list[float]]]:
    from msc_atlas.data import load_trials
    from msc_atlas.filters import FilterState

    frame = load_trials()
    results: dict[str, dict[str, list[float]]] = {
        page: {"uncached": [], "cached": [], "floor": []} for page in [*page_calls(), SHARED]
    }
    for _ in range(rounds):
        previous = FilterState()
        for state in states:
            bodies = requests_for(atlas, state, previous)
            for page, page_bodies in bodies.items():
                clear_caches()
                uncached, responses = post_all(client, page_bodies)
                cached, _ = post_all(client, page_bodies)
                results[page]["uncached"].append(uncached)
                results[page]["cached"].append(cached)
                results[page]["floor"].append(floor_seconds(state, frame, payloads(responses)))
            previous = state
    return results


def summarise(results: dict[str, dict[str, list[float]]]) -> list[dict[str, Any]]:
    rows = []
    for page, series in results.items():
        floor = median_ms(series["floor"])
        uncached, cached = median_ms(series["uncached"]), median_ms(series["cached"])
        rows.append(
            {
                "page": page,
                "floor_ms": floor,
                "uncached_ms": uncached,
                "cached_ms": cached,
                "uncached_ratio": ratio(uncached, floor),
                "cached_ratio": ratio(cached, floor),
                "uncached_ok": uncached <= TARGET_MS and uncached <= TARGET_RATIO * floor,
                "cached_ok": cached <= TARGET_MS and cached <= TARGET_RATIO * floor,
                "n": len(series["floor"]),
            }
        )
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| Page (callbacks a filter change triggers) | Floor: filter + JSON of the same figures | "
        "Callbacks, uncached | ratio | Callbacks, cached | ratio | Target (≤ 3x floor and ≤ 30 ms) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['page']} | {r['floor_ms']:.1f} ms | {r['uncached_ms']:.1f} ms | {r['uncached_ratio']} | "
            f"{r['cached_ms']:.1f} ms | {r['cached_ratio']} | uncached {verdict(r['uncached_ok'])}, "
            f"cached {verdict(r['cached_ok'])} |"
        )
    return "\n".join(lines)


def run(states: int = 40, rounds: int = 2) -> list[dict[str, Any]]:
    atlas, client = setup()
    filters = realistic_filters(states)
    measure(atlas, client, filters[:3], 1)  # warm-up: imports, first-call costs
    return summarise(measure(atlas, client, filters, rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--states", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    rows = run(args.states, args.rounds)
    print(json.dumps(rows, indent=1) if args.json else markdown(rows))


if __name__ == "__main__":
    main()
