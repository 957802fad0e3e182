"""The detail panel of one trial: every field, the registry phrase behind each derived value, and what published
reviews, curated corrections and conflicting sources say about it. User text is rendered as text, never as HTML."""

from __future__ import annotations

from typing import Any

from dash import html

from msc_atlas import views

SAFE_LINK: dict[str, Any] = {"target": "_blank", "rel": "noopener noreferrer"}


def _link(url: str, text: str | None = None) -> Any:
    if isinstance(url, str) and url.startswith("https://"):
        return html.A(text or url, href=url, **SAFE_LINK)
    return text or url or "not reported"


def panel(trial_id: Any) -> Any:
    detail = views.detail.trial_detail(trial_id) if isinstance(trial_id, str) else None
    if detail is None:
        return html.P("Select a trial in the table to see its full record.", className="text-muted mb-0")
    fields = html.Table(
        html.Tbody(
            [
                html.Tr(
                    [
                        html.Th(name, scope="row", className="text-nowrap"),
                        html.Td(value),
                        html.Td(html.Q(evidence) if evidence else None, className="text-muted small"),
                    ]
                )
                for name, value, evidence in detail["fields"]
            ]
        ),
        className="table table-sm mb-2 detail-table",
    )
    sections = [
        html.H2(
            [_link(detail["url"], detail["trial_id"]), " ", html.Span(detail["title"], className="fw-normal")],
            className="h6",
        ),
        html.P(
            f"Registry: {detail['registry']}. Also registered as: {detail['other_ids'] or 'none recorded'}. "
            f"Inputs that contributed this row: {detail['sources']}.",
            className="small text-muted",
        ),
        html.Div([html.Span("Value", className="visually-hidden"), fields], className="table-responsive"),
        html.P("Quoted text: the registry phrase each derived value was decided from.", className="small text-muted"),
    ]
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
                        ]
                    )
                    for fact in detail["published"]
                ]
            ),
        ]
    if detail["conflicts"]:
        sections += [
            html.H3("Sources disagree", className="h6 mt-3 text-danger"),
            html.Ul(
                [
                    html.Li(
                        [
                            f"{c['field']}: “{c['value_a']}” (",
                            _link(c["source_a"], "source"),
                            ") vs “",
                            f"{c['value_b']}” (",
                            _link(c["source_b"], "source"),
                            f"). Shown: “{c['shown'] or 'not reported'}” — {c['resolution']}.",
                        ]
                    )
                    for c in detail["conflicts"]
                ]
            ),
        ]
    return html.Div(sections)
