"""The record of one trial: its heading (a link to the record's own address) with a Copy link button, every field
with the registry phrase or the input and snapshot behind it, and what published reviews, curated corrections and
disagreeing review tables say about it. User text is rendered as text, never as HTML."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from msc_atlas import views
from msc_atlas.ui import components as ui

SAFE_LINK: dict[str, Any] = {"target": "_blank", "rel": "noopener noreferrer"}
# The record's own ids: one record is shown at a time.
HEADING, LINK, COPY = "trial-record-heading", "trial-record-link", "trial-record-copy"
PROMPT = "Select a trial in the table to see its full record."


def _link(url: str, text: str | None = None) -> Any:
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return html.A(text or url, href=url, **SAFE_LINK)
    return text or url or "not reported"


def prompt() -> html.P:
    return html.P(PROMPT, className="text-muted mb-0")


def _copy_button(label: str) -> html.Button:
    # dcc.Clipboard draws a plain <div> round its children: a real button inside is what keyboard users reach
    return html.Button(label, type="button", className="btn btn-outline-primary btn-sm text-nowrap")


def heading(detail: dict[str, Any], reveal: str) -> html.Div:
    """The record's title as the link to its address, focusable, and a button copying that address (its absolute
    form is made in the browser, pages.trials). `reveal`: "focus" for a record opened by its link (scrolled to, and
    the focus moves here), "nearest" for one opened from the grid (scrolled just into view): assets/trial_record.js."""
    return html.Div(
        [
            html.H2(
                html.A(
                    [html.Span(detail["trial_id"], className="fw-semibold"), " ", detail["title"]],
                    href=dash.get_relative_path(detail["href"]),
                    id=LINK,
                    className="record-link",
                ),
                id=HEADING,
                # which record this is and how it was opened, for the browser (assets/trial_record.js)
                **{"data-trial": detail["trial_id"], "data-reveal": reveal},
                tabIndex="-1",
                className="h6 mb-0 record-heading",
            ),
            dcc.Clipboard(
                id=COPY,
                children=_copy_button("Copy link"),
                copied_children=_copy_button("Link copied"),
                className="ms-auto",
            ),
        ],
        className="d-flex align-items-start gap-2 mb-2",
    )


def _evidence(row: Any) -> Any:
    if not row.evidence:
        return None
    return html.Q(row.evidence) if row.quoted else row.evidence


def _article(source: dict[str, Any]) -> list[Any]:
    """ " (doi:10.1183/…)": the article behind a review table, linked, when its citation is known."""
    if not source.get("article_url"):
        return []
    return [" (", _link(source["article_url"], source.get("article_id") or "article"), ")"]


def _sources(sources: list[dict[str, Any]]) -> list[Any]:
    parts: list[Any] = []
    for number, source in enumerate(sources):
        parts += ["; " if number else "", _link(source["url"], source["label"]) if source["url"] else source["label"]]
        parts += _article(source)
    return parts


def disagreements(conflicts: list[dict[str, Any]]) -> list[Any]:
    """ "Review tables disagree": per field, each value with the sources that state it, what the atlas shows, why."""
    return [
        html.H3("Review tables disagree", className="h6 mt-3"),
        html.Div(
            [
                html.Div(
                    [
                        html.H4(c["field"], className="h6 small fw-semibold mb-1"),
                        html.Ul(
                            [html.Li([f"“{v['value']}” — ", *_sources(v["sources"])]) for v in c["values"]],
                            className="mb-1",
                        ),
                        html.P(
                            [html.Strong("The atlas shows: "), f"“{c['shown']}”, because {c['why']}."],
                            className="mb-0 small",
                        ),
                    ],
                    className="disagreement",
                )
                for c in conflicts
            ]
        ),
    ]


def _publication(pub: dict[str, str]) -> html.Li:
    parts: list[Any] = [pub["citation"], " "]
    if pub["url"]:
        parts.append(_link(pub["url"], f"PubMed {pub['pmid']}"))
    else:
        parts.append(html.Span("(no PMID paired in the record)", className="text-muted"))
    if pub["retraction"]:
        parts += [
            " ",
            html.Strong("Retracted: "),
            _link(pub["retraction_url"], pub["retraction"]) if pub["retraction_url"] else pub["retraction"],
        ]
    return html.Li(parts)


def results_section(detail: dict[str, Any]) -> list[Any]:
    """Results posted on the registry and the publications the record lists, results and PubMed-linked ones first."""
    pubs = detail["publications"]
    items: list[Any] = [html.H3("Results and publications", className="h6 mt-3")]
    if detail["results_url"]:
        items.append(html.P(["Results: ", _link(detail["results_url"], "results on the registry or the publisher")]))
    for kind, title in (
        ("result", "Results publications the sponsor lists"),
        (
            "derived",
            "PubMed-linked publications (PubMed's links to the trial ID: may be protocols or secondary papers)",
        ),
    ):
        if pubs[kind]:
            items += [
                html.H4(title, className="h6 small fw-semibold mb-1"),
                html.Ul([_publication(p) for p in pubs[kind]]),
            ]
    if not (detail["results_url"] or pubs["result"] or pubs["derived"]):
        items.append(
            html.P("No results posted and no result or PubMed-linked publication in the snapshot.", className="small")
        )
    if pubs["background"]:
        items.append(
            html.Details(
                [
                    html.Summary(
                        f"{len(pubs['background'])} background references (cited, not results)", className="small"
                    ),
                    html.Ul([_publication(p) for p in pubs["background"]], className="small"),
                ]
            )
        )
    return items


def panel(trial_id: Any, reveal: str = "nearest") -> Any:
    detail = views.detail.trial_detail(trial_id) if isinstance(trial_id, str) else None
    if detail is None:
        return prompt()
    fields = html.Table(
        html.Tbody(
            [
                html.Tr(
                    [
                        html.Th(row.label, scope="row", className="text-nowrap"),
                        html.Td(row.value),
                        html.Td(_evidence(row), className="text-muted small"),
                    ]
                )
                for row in detail["fields"]
            ]
        ),
        className="table table-sm mb-2 detail-table",
    )
    sections = [
        heading(detail, reveal),
        html.P(
            [
                "Registry record: ",
                _link(detail["url"], f"{detail['trial_id']} on {detail['registry']}"),
                f". Also registered as: {detail['other_ids'] or 'none recorded'}. "
                f"Inputs that contributed this row: {detail['sources']}.",
            ],
            className="small text-muted",
        ),
        # a phone may need to scroll the table sideways: a named region the keyboard can reach and scroll (WCAG 2.1.1)
        html.Div(
            [html.Span("Value", className="visually-hidden"), fields],
            className="table-responsive",
            tabIndex="0",
            role="region",
            **ui.attrs(aria_label=f"Fields of {detail['trial_id']}"),
        ),
        html.P(
            "Quoted text: the registry phrase each derived value was decided from; “from …”: the input and snapshot "
            "a registry value was taken from.",
            className="small text-muted",
        ),
    ]
    sections += results_section(detail)
    if detail["corrections"]:
        sections += [
            html.H3("Curated corrections applied", className="h6 mt-3"),
            html.Ul(
                [
                    html.Li(
                        [
                            f"{c['field']}: {c['value']} — ",
                            _link(c["citation_url"], "source"),
                            f" ({c['note']})" if c.get("note") else "",
                        ]
                    )
                    for c in detail["corrections"]
                ]
            ),
        ]
    if detail["published"]:
        sections += [
            html.H3("What published reviews report", className="h6 mt-3"),
            html.Ul(
                [
                    html.Li(
                        [
                            ", ".join(f"{k}: {v}" for k, v in fact["facts"].items() if v),
                            " — ",
                            _link(fact["reported_in"], fact.get("label") or "source"),
                            *_article(fact),
                        ]
                    )
                    for fact in detail["published"]
                ]
            ),
        ]
    if detail["conflicts"]:
        sections += disagreements(detail["conflicts"])
    return html.Div(sections)
