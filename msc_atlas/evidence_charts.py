"""Figures of the Evidence page: pure functions (counted rows from msc_atlas.views.evidence) -> plotly figure dict.

Bars only (the app's plotly.js bundle draws bar, heatmap and choropleth traces). Every bar prints its count and, for
a share, its numerator and denominator; `customdata` carries what a click filters by.
"""

from __future__ import annotations

from typing import Any

from msc_atlas import vocab
from msc_atlas.figures import ACCENT, FONT_SIZE, LABEL_GAP, X_TITLE_ROOM, Figure, _figure, _margin
from msc_atlas.text_metrics import widest

REPORTED, SILENT = "#0072B2", "#D55E00"  # Okabe-Ito blue / vermillion, as on every page
MEASURE_COLOURS = {"randomised": "#0072B2", "blinded": "#E69F00", "controlled": "#009E73"}
GRID = "#e8ebef"
# Under the axis title, placed in pixels from the bottom of the figure so no plot height makes them overlap
BOTTOM_LEGEND = dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom")
LEGEND_ROOM = 44


def _hbar_layout(labels: list[str], rows: int, per_row: int = 30, right: int = 70, **axis: Any) -> dict[str, Any]:
    lines = [line for label in labels for line in label.split("<br>")]  # a two-line label: its longer line
    return dict(
        height=max(220, 90 + per_row * rows),
        xaxis=dict(gridcolor=GRID, **axis),
        yaxis=dict(automargin=True),
        margin=_margin(l=widest(lines, FONT_SIZE) + LABEL_GAP, b=X_TITLE_ROOM, r=right),
    )


def funnel(stages: list[dict[str, Any]], title: str) -> Figure:
    """Registered -> completed -> results, one horizontal bar per stage (first on top), "n (x% of …)" printed."""
    stages = stages[::-1]  # plotly draws the first category at the bottom
    labels = [stage.get("short", stage["stage"]) for stage in stages]  # two short lines fit a phone
    text = [
        f"{stage['n']:,}" + (f" ({stage['n'] / stage['of']:.0%} of {stage['of']:,})" if stage["of"] else "")
        for stage in stages
    ]
    bar = dict(
        type="bar",
        orientation="h",
        x=[stage["n"] for stage in stages],
        y=labels,
        text=text,
        textposition="outside",
        cliponaxis=False,
        marker=dict(color=[ACCENT if i else vocab.GREY for i in range(len(stages))][::-1]),
        customdata=list(range(len(stages)))[::-1],  # the stage's position in the view's list
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    top = max((stage["n"] for stage in stages), default=1) or 1
    return _figure(
        [bar],
        title,
        **_hbar_layout(labels, len(stages), per_row=40, right=150, title=dict(text="Trials"), range=[0, top * 1.05]),
    )


def design_by_phase(phases: list[dict[str, Any]], title: str) -> Figure:
    """Per phase (first on top): the randomised, blinded and controlled shares among trials that report each."""
    phases = phases[::-1]
    labels = [f"{row['label']} (n = {row['n']:,})" for row in phases]
    traces = []
    for measure, name in (("randomised", "Randomised"), ("blinded", "Blinded"), ("controlled", "Controlled")):
        shares = [row[measure] for row in phases]
        traces.append(
            dict(
                type="bar",
                orientation="h",
                name=name,
                x=[100 * (s["share"] or 0) for s in shares],
                y=labels,
                text=[f"{s['share']:.0%} ({s['hits']}/{s['known']})" if s["known"] else "not reported" for s in shares],
                textposition="outside",
                cliponaxis=False,
                marker=dict(color=MEASURE_COLOURS[measure]),
                customdata=[[row["phase"], measure] for row in phases],
                hovertemplate=f"%{{y}}: %{{text}} {name.lower()}<extra></extra>",
            )
        )
    layout = _hbar_layout(
        labels, len(phases), per_row=66, right=110, title=dict(text="% of trials reporting it"), range=[0, 100]
    )
    return _figure(
        traces[::-1],  # the legend then reads randomised, blinded, controlled from the top
        title,
        barmode="group",
        legend=BOTTOM_LEGEND | dict(traceorder="reversed"),
        **{**layout, "margin": {**layout["margin"], "b": X_TITLE_ROOM + LEGEND_ROOM}},
    )


def gap(rows: list[dict[str, Any]], title: str, codes: bool = False) -> Figure:
    """Stacked bars per group (first on top): results posted or published, none found, no results source."""
    rows = rows[::-1]
    labels = [row["group"] for row in rows]
    series = (
        ("reported", "Results posted or published", REPORTED),
        ("silent", "None found in the snapshot", SILENT),
        ("unknown", "No results source", vocab.GREY),
    )
    traces: list[dict[str, Any]] = []
    for key, name, colour in series:
        if not any(row[key] for row in rows):
            continue
        trace = dict(
            type="bar",
            orientation="h",
            name=name,
            x=[row[key] for row in rows],
            y=labels,
            marker=dict(color=colour),
            hovertemplate=f"%{{y}}: %{{x}} {name.lower()}<extra></extra>",
        )
        if codes:  # a country's bar filters by it when clicked
            trace["customdata"] = [row.get("code", "") for row in rows]
        traces.append(trace)
    totals = [row["reported"] + row["silent"] + row["unknown"] for row in rows]
    silent_text = [f"{row['silent']}/{total} silent" if total else "" for row, total in zip(rows, totals)]
    traces.append(  # the silent share printed after each bar, as text only
        dict(
            type="scatter",
            mode="text",
            x=totals,
            y=labels,
            text=silent_text,
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    layout = _hbar_layout(labels, len(rows), per_row=30, right=110, title=dict(text="Completed trials"))
    layout["xaxis"]["range"] = [0, max(totals, default=1) * 1.05 or 1]
    return _figure(
        traces,
        title,
        barmode="stack",
        legend=BOTTOM_LEGEND | dict(traceorder="normal"),
        **{**layout, "margin": {**layout["margin"], "b": X_TITLE_ROOM + LEGEND_ROOM}},
    )


def _counts_bar(labels: list[str], counts: list[int], colours: Any, title: str, axis_title: str) -> Figure:
    """One horizontal bar per label (labels and counts top first), its count printed after it."""
    labels, counts = labels[::-1], counts[::-1]  # plotly draws the first category at the bottom
    bar = dict(
        type="bar",
        orientation="h",
        x=counts,
        y=labels,
        text=counts,
        textposition="outside",
        cliponaxis=False,
        marker=dict(color=colours[::-1] if isinstance(colours, list) else colours),
        hovertemplate=f"%{{y}}: %{{x}} {axis_title.lower()}<extra></extra>",
    )
    top = max(counts, default=1) or 1
    return _figure(
        [bar], title, **_hbar_layout(labels, len(labels), right=40, title=dict(text=axis_title), range=[0, top * 1.15])
    )


def stop_reasons(per_reason: list[tuple[str, int]], title: str) -> Figure:
    """Trials per stated reason for stopping (first on top); "no reason given" last and grey."""
    return _counts_bar(
        [vocab.label(vocab.STOP_REASONS, key) for key, _ in per_reason],
        [n for _, n in per_reason],
        [vocab.GREY if key == vocab.UNKNOWN else ACCENT for key, _ in per_reason],
        title,
        "Trials",
    )


def enrollment_bins(bins: list[tuple[str, int]], title: str) -> Figure:
    """Completed trials per actual-enrollment bin, smallest on top (horizontal, like every bar chart here: the labels
    never slant, so the margins fit on the first draw at any width)."""
    return _counts_bar(
        [f"{label} participants" for label, _ in bins], [n for _, n in bins], ACCENT, title, "Completed trials"
    )


def side_by_side(rows: list[dict[str, Any]], title: str) -> Figure:
    """Two views' shares per value (first on top): A in blue, B in orange, each bar printed "31% (45)"."""
    rows = rows[::-1]
    labels = [row["label"] for row in rows]
    traces = []
    for view, colour in (("b", "#E69F00"), ("a", "#0072B2")):  # drawn B then A: A's bar sits above B's
        traces.append(
            dict(
                type="bar",
                orientation="h",
                name=f"View {view.upper()}",
                x=[100 * (row[f"share_{view}"] or 0) for row in rows],
                y=labels,
                text=[
                    f"{row[f'share_{view}']:.0%} ({row[view]:,})" if row[f"share_{view}"] is not None else "–"
                    for row in rows
                ],
                textposition="outside",
                cliponaxis=False,
                marker=dict(color=colour),
                hovertemplate=f"View {view.upper()}, %{{y}}: %{{text}}<extra></extra>",
            )
        )
    layout = _hbar_layout(labels, len(rows), per_row=44, right=90, title=dict(text="% of the view's trials"))
    top = max((100 * (row[f"share_{v}"] or 0) for row in rows for v in ("a", "b")), default=100) or 100
    layout["xaxis"]["range"] = [0, top * 1.25]  # room for the printed shares
    layout["height"] = 190 + 50 * len(rows)  # two bars a row, each tall enough for its printed share
    return _figure(
        traces,
        title,
        barmode="group",
        legend=BOTTOM_LEGEND | dict(traceorder="reversed"),
        **{**layout, "margin": {**layout["margin"], "b": X_TITLE_ROOM + LEGEND_ROOM}},
    )
