"""Scale: the same page callbacks on synthetic datasets 10x and 100x the bundled one, built in memory by resampling
the bundled rows with new ids (never written to disk, never shipped). Reports how the median uncached callback
time grows with the data, beside the floor (filter + JSON of the same outputs) measured at each size.

    python bench/bench_scale.py [--factors 1 10 100] [--states 8]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import bench_callbacks as bc
from common import median_ms, ratio, realistic_filters, verdict

TARGET_GROWTH = 10.0  # at most 10x slower at 100x the data


def synthetic(frame, factor: int, seed: int = 11):
    """`factor` times as many rows, sampled with replacement from the bundled rows; ids made unique."""
    import pandas as pd

    if factor == 1:
        return frame
    sample = frame.sample(n=len(frame) * factor, replace=True, random_state=seed).reset_index(drop=True)
    sample["trial_id"] = [f"NCT{n:08d}" for n in range(len(sample))]
    sample["url"] = "https://clinicaltrials.gov/study/" + sample["trial_id"]
    out = pd.DataFrame(sample)
    out.attrs = dict(frame.attrs)
    return out


def run(factors: list[int], states: int = 8) -> dict[str, Any]:
    from msc_atlas.data import load_trials

    bundled = load_trials()
    atlas, client = bc.setup()
    filters = realistic_filters(states)
    results: dict[int, dict[str, dict[str, float]]] = {}
    for factor in factors:
        frame = synthetic(bundled, factor)
        bc.use_frame(frame)
        bc.measure(atlas, client, filters[:1], 1)  # warm-up at this size
        measured = bc.measure(atlas, client, filters, 1)
        results[factor] = {
            page: {
                "uncached": median_ms(series["uncached"]),
                "cached": median_ms(series["cached"]),
                "floor": median_ms(series["floor"]),
                "rows": len(frame),
            }
            for page, series in measured.items()
        }
    bc.use_frame(bundled)
    return {"factors": factors, "results": results, "states": states}


def markdown(result: dict[str, Any]) -> str:
    factors = result["factors"]
    first, last = factors[0], factors[-1]
    rows = result["results"]
    head = " | ".join(f"{f}x ({rows[f][next(iter(rows[f]))]['rows']:,} rows)" for f in factors)
    lines = [
        f"Median uncached callback time per filter change ({result['states']} realistic filter states), and the "
        f"floor (filter + JSON of the same outputs) at the same size.",
        "",
        f"| Page | {head} | growth {first}x→{last}x | floor growth | Target (≤ {TARGET_GROWTH:.0f}x) |",
        "|---|" + "---:|" * len(factors) + "---:|---:|---|",
    ]
    for page in rows[first]:
        cells = " | ".join(f"{rows[f][page]['uncached']:.1f} ms (floor {rows[f][page]['floor']:.1f})" for f in factors)
        growth = rows[last][page]["uncached"] / rows[first][page]["uncached"]
        floor_growth = ratio(rows[last][page]["floor"], rows[first][page]["floor"])
        lines.append(f"| {page} | {cells} | {growth:.1f}x | {floor_growth} | {verdict(growth <= TARGET_GROWTH)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--states", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.factors, args.states)
    print(json.dumps(result, indent=1) if args.json else markdown(result))


if __name__ == "__main__":
    main()
