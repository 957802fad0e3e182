"""The record flow as a standalone SVG (print quality, vector): the same boxes and numbers as the Methods page.

Pure string building from data/record_flow.json (no Dash, no browser), so a review can drop the file into a
manuscript. Boxes: identification (records per source) -> after merging -> screened -> classified -> included,
with the removed, excluded and not-MSC boxes to the right and the current view last.
"""

from __future__ import annotations

import textwrap
from html import escape

from msc_atlas import vocab

_W, _BOX_W, _SIDE_X, _SIDE_W = 980, 440, 520, 440
_LINE = 17
_FONT = "font-family='Helvetica, Arial, sans-serif'"


def _wrap(lines: list[str], width: int) -> list[str]:
    """Lines of at most ~`width` characters (13 px Helvetica is about 6.6 px a character); a continuation indents."""
    out: list[str] = []
    for line in lines:
        parts = textwrap.wrap(line, width=width, subsequent_indent="  ") or [""]
        out += parts
    return out


def _box(x: int, y: int, w: int, lines: list[str], bold_first: bool = True, fill: str = "#ffffff") -> tuple[str, int]:
    first = lines[0]
    lines = _wrap(lines, int((w - 20) / 6.9))
    bold = {0} if bold_first else set()
    bold |= {i for i, line in enumerate(lines[:3]) if first.startswith(line.strip()) and bold_first}
    h = 14 + _LINE * len(lines)
    parts = [
        f"<rect x='{x}' y='{y}' width='{w}' height='{h}' rx='6' fill='{fill}' stroke='#1d2433' stroke-width='1.2'/>"
    ]
    for i, text in enumerate(lines):
        weight = "bold" if i in bold else "normal"
        parts.append(
            f"<text x='{x + 10}' y='{y + 20 + i * _LINE}' font-size='13' font-weight='{weight}' {_FONT} "
            f"fill='#1d2433'>{escape(text)}</text>"
        )
    return "".join(parts), h


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return (
        f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='#1d2433' stroke-width='1.4' marker-end='url(#arrow)'/>"
    )


def render(flow: dict, view_label: str, view_trials: int, title: str) -> str:
    """An SVG document of the flow; `view_label` / `view_trials` describe the current filter."""
    out: list[str] = []
    y = 50
    sources = [f"{s['label']}: {s['records']:,}" for s in flow["sources"]]
    main, h = _box(20, y, _BOX_W, [f"Records read: {flow['records_read']:,}", *sources])
    out.append(main)
    side, sh = _box(
        _SIDE_X,
        y + 8,
        _SIDE_W,
        [
            f"Removed: {flow['duplicate_rows'] + flow['merged_records']:,}",
            f"exact duplicate rows: {flow['duplicate_rows']:,}",
            f"merged into another record of the same trial: {flow['merged_records']:,}",
            "(cross-registrations, earlier snapshots)",
        ],
        fill="#f3f5f8",
    )
    out += [side, _arrow(20 + _BOX_W, y + 8 + sh // 2, _SIDE_X, y + 8 + sh // 2)]
    steps = [
        (
            [f"Trials screened: {flow['trials_screened']:,}"],
            [
                f"Excluded before classification: {flow['excluded_trials']:,}",
                *[f"{e['reason']}: {e['trials']:,}" for e in flow["excluded"]],
            ],
        ),
        (
            [f"Trials classified: {flow['trials_assessed']:,}"],
            [
                f"Not an MSC product: {flow['not_msc_trials']:,}",
                *[f"{e['reason']}: {e['trials']:,}" for e in flow["not_msc"]],
            ],
        ),
        (
            [
                f"MSC-derived trials included: {flow['included_trials']:,}",
                *[f"{vocab.label(vocab.PRODUCTS, k)}: {v:,}" for k, v in flow["included_by_product"].items()],
            ],
            None,
        ),
        ([f"In this view: {vocab.plural(view_trials)}", view_label[:64]], None),
    ]
    main_bottom, bottom = y + h, max(y + h, y + 8 + sh)
    for main_lines, side_lines in steps:
        y = bottom + 36
        out.append(_arrow(20 + _BOX_W // 2, main_bottom, 20 + _BOX_W // 2, y))
        box, h = _box(20, y, _BOX_W, main_lines, fill="#e8f1f8" if main_lines[0].startswith("In this") else "#ffffff")
        out.append(box)
        main_bottom = bottom = y + h
        if side_lines:
            side, sh = _box(_SIDE_X, y, _SIDE_W, side_lines, fill="#f3f5f8")
            out += [side, _arrow(20 + _BOX_W, y + h // 2, _SIDE_X, y + h // 2)]
            bottom = max(bottom, y + sh)
    height = bottom + 20
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{_W}' height='{height}' viewBox='0 0 {_W} {height}' "
        f"role='img' aria-label='{escape(title)}'><title>{escape(title)}</title>"
        "<defs><marker id='arrow' markerWidth='10' markerHeight='8' refX='9' refY='4' orient='auto'>"
        "<path d='M0,0 L10,4 L0,8 z' fill='#1d2433'/></marker></defs>"
        f"<rect width='100%' height='100%' fill='#ffffff'/>"
        f"<text x='20' y='30' font-size='16' font-weight='bold' {_FONT} fill='#1d2433'>{escape(title)}</text>"
    )
    return head + "".join(out) + "</svg>\n"
