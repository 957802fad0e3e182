"""Run every benchmark and write bench/RESULTS.md (machine, date, medians, baselines and ratios).

python bench/run_all.py            # full run, ~6 minutes on 2 cores (load test: 60 s)
python bench/run_all.py --quick    # shorter runs, for a smoke check
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import bench_callbacks
import bench_first_load
import bench_load
import bench_scale
from common import machine

OUT = Path(__file__).resolve().parent / "RESULTS.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    quick = args.quick
    started = time.monotonic()
    facts = machine()
    sections = []

    print("callbacks ...", flush=True)
    sections.append(
        (
            "Server time of each page's filter callbacks (in-process)",
            bench_callbacks.__doc__.split("\n\n")[1].strip(),
            bench_callbacks.markdown(bench_callbacks.run(states=12 if quick else 40, rounds=1 if quick else 2)),
        )
    )
    print("load ...", flush=True)
    sections.append(
        (
            "Under load (gunicorn on loopback)",
            "",
            bench_load.markdown(bench_load.run(seconds=15 if quick else 60, clients=32)),
        )
    )
    print("first load ...", flush=True)
    sections.append(
        (
            "First load in headless Chromium (cache disabled)",
            "",
            bench_first_load.markdown(bench_first_load.run(repeats=2 if quick else 5)),
        )
    )
    print("scale ...", flush=True)
    sections.append(
        (
            "Scale: 1x, 10x, 100x the bundled data (synthetic, in memory)",
            "",
            bench_scale.markdown(bench_scale.run([1, 10, 100], states=4 if quick else 8)),
        )
    )

    lines = [
        "# Benchmark results",
        "",
        "Written by `python bench/run_all.py`; every figure is a median (p95 where stated) beside a baseline "
        "measured in the same run, with the ratio. Do not compare bare timings across machines.",
        "",
        f"- Date: {facts['date']}" + (" (quick run)" if quick else ""),
        f"- Machine: {facts['cores']} cores, {facts['cpu']}, {facts['os']}",
        f"- Python {facts['python']}; {facts['packages']}",
        f"- Browser: {facts['browser']}",
        f"- Run time: {time.monotonic() - started:.0f} s",
        "",
    ]
    for title, intro, body in sections:
        lines += [f"## {title}", ""] + ([intro, ""] if intro else []) + [body, ""]
    notes = Path(__file__).resolve().parent / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").strip(), ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
