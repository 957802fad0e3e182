"""Small layout pieces the pages share: tables (text alternatives), headline numbers, empty states, click payloads.
Chart cards are msc_atlas.ui.chart_card.ChartCard."""

from __future__ import annotations

import time
from collections.abc import Container, Mapping, Sequence
from typing import Any

from dash import html

from msc_atlas import cache


def attrs(**names: str) -> dict[str, Any]:
    """HTML attributes whose names are not Python identifiers, for `**`: attrs(aria_live="polite")."""
    return {name.replace("_", "-"): value for name, value in names.items()}


def choice_group(label: str, radio_items: Any) -> html.Div:
    """Radio buttons named as a group ("Colour the map by: MSC cells"), one Tab stop, arrow keys between choices."""
    radio_items.name = radio_items.id
    return html.Div(radio_items, role="radiogroup", **attrs(aria_label=label))


def radio_choices(label: str, radio_id: str, choices: Mapping[str, str], value: str) -> html.Div:
    """A chart card's switch: inline radio buttons (value -> label) named as a group, `value` chosen."""
    import dash_bootstrap_components as dbc

    options = [{"label": text, "value": key} for key, text in choices.items()]
    return choice_group(
        label, dbc.RadioItems(id=radio_id, options=options, value=value, inline=True, className="small mb-1")
    )


def chosen(value: Any, allowed: Container[str], default: str) -> str:
    """A switch's value as sent, when it is one of `allowed`; else `default` (isinstance first: a hostile payload
    may send a list or dict, which a membership test cannot hash)."""
    return value if isinstance(value, str) and value in allowed else default


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str | None = None) -> html.Table:
    # Cached by content: the same view asked for again reuses the components (a few hundred cells on some pages
    # cost milliseconds to build). Components are only read when serialised, so sharing one is safe.
    try:
        return _cached_table(tuple(header), tuple(tuple(row) for row in rows), caption)
    except TypeError:  # an unhashable cell: build it fresh
        return _build_table(header, rows, caption)


@cache.results(maxsize=512)
def _cached_table(header: tuple, rows: tuple, caption: str | None) -> html.Table:
    return _build_table(header, rows, caption)


def _build_table(header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str | None) -> html.Table:
    def cell(value: Any) -> str:
        return f"{value:,}" if isinstance(value, int) else str(value)

    return html.Table(
        [
            html.Caption(caption) if caption else None,
            html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
            html.Tbody([html.Tr([html.Td(cell(v)) for v in row]) for row in rows]),
        ],
        className="table table-sm table-striped mb-0",
    )


def kpi(value: str, label: str, kpi_id: str | None = None) -> html.Div:
    return html.Div(
        [html.Div(value, className="kpi-value"), html.Div(label, className="kpi-label")],
        className="kpi",
        id=kpi_id or "",
    )


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"  # None: no trial to take a share of


def empty_state(scope: str) -> html.Div:
    return html.Div(
        [
            html.H2("No trial matches this filter", className="h5"),
            html.P(f"Nothing in the dataset matches: {scope}. Remove a filter in the panel, or start again."),
            html.A("Clear all filters", href="?", className="btn btn-primary btn-sm", id="empty-clear"),
        ],
        className="empty-state card-panel",
        role="status",
    )


def click_payload(**fields: Any) -> dict[str, Any]:
    """What a chart click writes to the shared click store: the filter fields to set, plus a stamp so that the
    same click twice still counts as a change."""
    return {"set": fields, "at": time.time_ns()}
