"""Figures: pure functions (frame, options) -> plotly figure dict. No Dash imports, no URL parsing.

Each function returns the figure as the plain dict that `dcc.Graph(figure=...)` receives (`go.Figure(result)` gives
a graph object when one is wanted). Building dicts rather than plotly.graph_objects skips plotly's property
validation, which cost 5-25 ms per figure and dominated every uncached filter callback (bench/RESULTS.md); the
figures are the same (same traces, layout and template).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from msc_atlas import cache, vocab
from msc_atlas.fields import Field
from msc_atlas.text_metrics import rotated_height, widest
from msc_atlas.vocab import country_name

FONT_SIZE = 13
FONT = dict(
    family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif",
    size=FONT_SIZE,
    color="#1d2433",
)
ACCENT = "#0072B2"
# Margins (px) that already fit the labels, so plotly.js draws each chart once (msc_atlas.text_metrics)
EDGE = 10  # the margin of a side without labels
LABEL_GAP = 12  # between a tick label and the plot (plotly's own gap, and rounding)
SLANT_GAP = 20  # under slanted tick labels (their corner rounding and the gap)
X_TITLE_ROOM = 56  # under a horizontal axis: its numbers and its title
SEQUENTIAL = "Viridis"

Figure = dict[str, Any]


@cache.dataset(maxsize=None)
def _template(trace_types: frozenset[str] | None = None) -> dict[str, Any]:
    """plotly's default template as JSON (what go.Figure attaches to every figure), computed once, never mutated.

    With `trace_types`, only the trace defaults of those types are kept: plotly.js applies template.data[type] to
    traces of that type alone, so the figure draws the same, and each response carries ~4 KB less per figure.
    """
    import plotly.io as pio

    full = pio.templates[pio.templates.default].to_plotly_json()
    if trace_types is None:
        return full
    return {
        "data": {kind: value for kind, value in full.get("data", {}).items() if kind in trace_types},
        "layout": full.get("layout", {}),
    }


@cache.dataset(maxsize=None)
def _colorscale(name: str) -> tuple[tuple[float, str], ...]:
    import plotly.colors

    return tuple((float(at), colour) for at, colour in plotly.colors.get_colorscale(name))


def _scale(name: str) -> list[list]:
    return [list(pair) for pair in _colorscale(name)]


def _title_html(title: str) -> str:
    """ "What — for which filter" as two lines: the scope in smaller type, so narrow screens do not clip it."""
    what, _, scope = title.partition(" — ")
    return f"{what}<br><span style='font-size:12px;color:#4a5568'>{scope}</span>" if scope else what


def _margin(l: float = EDGE, b: float = EDGE, r: float = EDGE) -> dict[str, int]:  # noqa: E741 - plotly's name
    """A margin with room for the left, bottom and right labels (whole pixels, rounded up); the title's 70 px on top."""
    return dict(l=math.ceil(max(l, EDGE)), r=math.ceil(max(r, EDGE)), t=70, b=math.ceil(max(b, EDGE)))


def _left_overhang(first_label: list[str], degrees: float) -> float:
    """How far the first tick label of a slanted x axis reaches left of its tick (into the left margin)."""
    return widest(first_label, FONT_SIZE) * math.cos(math.radians(degrees))


def _figure(data: list[dict], title: str, height: int | None = 380, **extra) -> Figure:
    """height=None: the graph's container sets it (CSS), so a chart can be shorter on a phone."""
    layout = dict(
        # Placed in pixels from the top (not a fraction of the height), so a short chart does not push it out.
        title=dict(
            text=_title_html(title),
            x=0,
            xanchor="left",
            font=dict(size=15),
            y=1,
            yref="container",
            yanchor="top",
            pad=dict(t=24),
        ),
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=70, b=10),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hoverlabel=dict(font=dict(size=13)),
    )
    layout.update(extra)
    if height is None:
        del layout["height"]
    layout["template"] = _template(frozenset(trace["type"] for trace in data))
    return {"data": data, "layout": layout}


def country_map(counts: pd.Series, tissues: dict[str, str], title: str) -> Figure:
    """Choropleth of trials per country (counts by ISO-3 code, largest first), with each country's leading tissue
    sources in its hover text (TrialCounts.country_counts and leading_tissues_by_country)."""
    names = [country_name(code) for code in counts.index]
    hover = [
        f"<b>{name}</b><br>{n:,} trial{'s' if n != 1 else ''}<br>"
        f"Leading sources: {tissues.get(code, vocab.NOT_REPORTED)}"
        for code, name, n in zip(counts.index, names, counts.values)
    ]
    # Counts span 1 to several hundred: colour by log10 so that small countries stay distinguishable.
    z = np.log10(counts.values.astype(float)) if len(counts) else []
    top = max(1.0, math.log10(int(counts.max()))) if len(counts) else 1.0
    ticks = [v for v in (1, 3, 10, 30, 100, 300, 1000) if math.log10(v) <= top + 1e-9]
    choropleth = dict(
        type="choropleth",
        locations=list(counts.index),
        z=z,
        locationmode="ISO-3",
        text=hover,
        hoverinfo="text",
        hovertemplate="%{text}<extra></extra>",
        customdata=list(counts.index),
        colorscale=_scale(SEQUENTIAL),
        zmin=0,
        zmax=top,
        marker=dict(line=dict(color="#ffffff", width=0.5)),
        colorbar=dict(
            title=dict(text="Trials", side="top"),
            tickvals=[math.log10(v) for v in ticks],
            ticktext=[str(v) for v in ticks],
            thickness=12,
            len=0.7,
            x=1.0,
            xanchor="left",
            y=0.5,
            yanchor="middle",
        ),
    )
    geo = dict(
        projection=dict(type="natural earth"),
        showframe=False,
        showcoastlines=False,
        showland=True,
        landcolor="#e3e7ec",
        showcountries=True,
        countrycolor="#ffffff",
        showocean=False,
        lataxis=dict(range=[-58, 85]),
        lonaxis=dict(range=[-170, 190]),
        bgcolor="#ffffff",
    )
    # Height from CSS (#overview-map): a world map is twice as wide as tall, so a phone-wide one needs less.
    # r: the colour bar (12 px), its numbers and its title
    return _figure([choropleth], title, height=None, margin=dict(l=0, r=64, t=70, b=0), dragmode=False, geo=geo)


def _year_position(iso_date: str) -> float:
    """Where a date falls on a year axis whose bars are centred on the years: 2022-10-13 -> 2022.28."""
    day = dt.date.fromisoformat(iso_date[:10])
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year - 0.5 + (day - start).days / length


def timeline(
    table: pd.DataFrame, title: str, stack: Field, covered_until: str | None = None, others_until: str | None = None
) -> Figure:
    """Stacked bars of trials first posted per year (TrialCounts.registrations_by_year of the stack field's column),
    one colour per value of the field. `covered_until` (the ClinicalTrials.gov as-of date) shades the months after
    it as not covered, so the drop after the snapshot is not read as a trend; `others_until` (the other registries'
    as-of date) marks where they stop."""
    vocabulary, colours = stack.vocabulary or {}, stack.colours or {}
    years = np.asarray(table.index)
    bars = [
        dict(
            type="bar",
            x=years,
            y=table[key].to_numpy(),
            name=vocab.label(vocabulary, key),
            marker=dict(color=colours.get(key, vocab.GREY)),
            hovertext=[vocab.plural(int(n)) for n in table[key].to_numpy()],  # "1 trial", "2 trials"
            hovertemplate="%{x}: %{hovertext}<extra>" + vocab.label(vocabulary, key) + "</extra>",
        )
        for key in vocabulary
        if key in table.columns
    ]
    xaxis: dict[str, Any] = dict(title=dict(text="Year first posted"), nticks=8, tickangle=0, showgrid=False)
    shapes: list[dict] = []
    notes: list[dict] = []
    if covered_until and len(years):
        edge = _year_position(covered_until)
        end = max(float(years.max()), math.floor(edge + 0.5)) + 2.5  # two years of "not covered" after the snapshot
        xaxis["range"] = [float(years.min()) - 0.6, end]
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=edge,
                x1=end,
                y0=0,
                y1=1,
                layer="below",
                fillcolor="rgba(158,158,158,0.22)",
                line=dict(width=0),
            )
        )
        notes.append(
            dict(
                xref="x",
                yref="paper",
                x=(edge + end) / 2,
                y=1,
                xanchor="center",
                yanchor="top",
                showarrow=False,
                align="center",
                font=dict(size=11, color="#4a5568"),
                text="not<br>covered",
            )
        )
        if others_until and others_until < covered_until:
            other = _year_position(others_until)
            shapes.append(
                dict(
                    type="line",
                    xref="x",
                    yref="paper",
                    x0=other,
                    x1=other,
                    y0=0,
                    y1=1,
                    line=dict(color="#4a5568", width=1, dash="dot"),
                )
            )
    return _figure(
        bars,
        title,
        barmode="stack",
        legend=dict(orientation="h", y=-0.2, x=0, traceorder="normal"),
        xaxis=xaxis,
        yaxis=dict(title=dict(text="Trials"), gridcolor="#e8ebef"),
        # l: the counts and the axis title; b: the years, the axis title and one row of legend
        margin=_margin(l=66, b=90),
        shapes=shapes,
        annotations=notes,
    )


def category_bar(counts: pd.Series, field: Field, title: str, height: int | None = None) -> Figure:
    """Horizontal bars, largest on top, "not reported" last and grey, in the field's colours where it has them.
    `counts` comes from TrialCounts.count_by."""
    keys = list(counts.index)[::-1]  # plotly draws the first category at the bottom
    labels = [field.value_label(key) for key in keys]
    colour = [vocab.GREY if key == vocab.UNKNOWN else (field.colours or {}).get(key, ACCENT) for key in keys]
    values = counts.to_numpy()[::-1]
    bar = dict(
        type="bar",
        x=values,
        y=labels,
        orientation="h",
        marker=dict(color=colour),
        customdata=keys,
        text=values,
        textposition="outside",
        cliponaxis=False,
        hovertext=[vocab.plural(int(n)) for n in values],
        hovertemplate="%{y}: %{hovertext}<extra></extra>",
    )
    top = float(counts.max()) if len(counts) else 1.0
    # room on the right for the value labels printed outside the bars
    return _figure(
        [bar],
        title,
        height=height or max(220, 70 + 26 * len(keys)),
        xaxis=dict(title=dict(text="Trials"), gridcolor="#e8ebef", range=[0, top * 1.18]),
        yaxis=dict(automargin=True),
        margin=_margin(l=widest(labels, FONT_SIZE) + LABEL_GAP, b=X_TITLE_ROOM, r=20),  # r: the longest bar's number
    )


def tissue_route_heatmap(matrix: pd.DataFrame, title: str) -> Figure:
    """Counts of trials per (tissue source, route); a click reports the cell's axis labels."""
    rows, columns = list(matrix.index), list(matrix.columns)
    values = matrix.values
    # Colour by log count (one pair dominates); empty pairs stay blank instead of a dark "zero" colour.
    colour = [[math.log10(v) if v else None for v in row] for row in values]
    column_labels = [vocab.label(vocab.ROUTES, c) for c in columns]
    row_labels = [vocab.label(vocab.SOURCE_TISSUES, r) for r in rows]
    heatmap = dict(
        type="heatmap",
        z=colour,
        x=column_labels,
        y=row_labels,
        customdata=[
            [[r, c, int(v), vocab.plural(int(v))] for c, v in zip(columns, row)] for r, row in zip(rows, values)
        ],
        text=[[str(v) if v else "" for v in row] for row in values],
        texttemplate="%{text}",
        colorscale=_scale("Cividis"),
        showscale=False,
        xgap=2,
        ygap=2,
        hoverongaps=False,
        hovertemplate="%{y} × %{x}: %{customdata[3]}<extra>click to filter</extra>",
    )
    return _figure(
        [heatmap],
        title,
        height=max(300, 120 + 28 * len(rows)),
        xaxis=dict(tickangle=-40, automargin=True, side="bottom"),
        yaxis=dict(autorange="reversed", automargin=True),
        margin=_margin(
            l=max(widest(row_labels, FONT_SIZE), _left_overhang(column_labels[:1], 40)) + LABEL_GAP,
            b=rotated_height(widest(column_labels, FONT_SIZE), FONT_SIZE, 40) + SLANT_GAP,
            r=14,  # the last column's label, on a phone
        ),
    )


def _sci(x: float) -> str:
    """1500000.0 -> "1.5×10⁶" (hover text)."""
    exponent = int(math.floor(math.log10(x))) if x > 0 else 0
    mantissa = x / 10**exponent
    sup = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return (f"{mantissa:.3g}×" if abs(mantissa - 1) > 1e-9 else "") + f"10{sup}"


def dose_ranges(groups: list[dict], title: str) -> Figure:
    """Cells per kg by route, log scale, from TrialCounts.dose_groups: one column per route (highest median first,
    "not reported" last), each trial a line from its lowest to its highest stated dose (a dot when one level),
    spread across the column in row order."""
    # highest median first, "not reported" last; ties keep the order by name
    order = sorted(groups, key=lambda g: (g["route"] == vocab.UNKNOWN, -g["median_high"]))
    # Two traces: the trials that state several levels as lines (no end markers), those with one level as dots.
    # A marker is one SVG node per point: dots only where a trial has one level draw 218 instead of 672 of them
    # (bundled data), about half of this chart's first draw (bench/NOTES.md).
    spans: dict[str, list] = {"x": [], "y": [], "text": []}
    dots: dict[str, list] = {"x": [], "y": [], "text": []}
    for position, group in enumerate(order):
        n = len(group["trial_ids"])
        offsets = np.linspace(-0.3, 0.3, n) if n > 1 else np.zeros(1)
        for offset, trial, low, high, levels in zip(
            offsets, group["trial_ids"], group["low"], group["high"], group["levels"]
        ):
            at = float(position + offset)
            if low == high:
                dots["x"].append(at)
                dots["y"].append(low)
                dots["text"].append(f"{trial}: {_sci(low)} cells/kg")
            else:
                label = f"{trial}: {_sci(low)}–{_sci(high)} cells/kg" + (f" ({levels} levels)" if levels > 1 else "")
                spans["x"] += [at, at, None]
                spans["y"] += [low, high, None]
                spans["text"] += [label, label, None]
    common = dict(type="scatter", hoverinfo="text", hovertemplate="%{text}<extra></extra>", showlegend=False)
    traces = [
        dict(common, mode="lines", **spans, line=dict(color=ACCENT, width=2.5), connectgaps=False, opacity=0.7),
        dict(common, mode="markers", **dots, marker=dict(color=ACCENT, size=6, opacity=0.7)),
    ]
    labels = [vocab.label(vocab.ROUTES, g["route"]) for g in order]
    return _figure(
        traces,
        title,
        height=400,
        yaxis=dict(
            type="log",
            title=dict(text="Cells per kg body weight"),
            gridcolor="#e8ebef",
            exponentformat="power",
        ),
        xaxis=dict(
            tickmode="array",
            tickvals=list(range(len(order))),
            ticktext=labels,
            tickangle=-30,
            automargin=True,
            range=[-0.6, len(order) - 0.4],
            showgrid=False,
            zeroline=False,
        ),
        # l: the powers of ten and the axis title. The first route's name leans left past its tick; on a desktop
        # the first column's width takes it, on a phone plotly.js widens the margin (a wider margin here would
        # waste a desktop's plot width on every load)
        margin=_margin(
            l=72,
            b=rotated_height(widest(labels, FONT_SIZE), FONT_SIZE, 30) + SLANT_GAP,
        ),
    )
