"""What a refresh changed: trials added and removed, and status / phase / country changes, as a frame, CSV and
markdown. Pure functions over two trials.csv frames (all columns str)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from msc_atlas import fields, vocab
from msc_atlas.vocab import MULTI_SEP

FIELDS = {"status": vocab.STATUSES, "phase": vocab.PHASES, "countries": None}
COLUMNS = ["change", "trial_id", "field", "old", "new", "note", "title"]
MARKDOWN_ROWS = 300  # per section; diff.csv always has every row


def diff_trials(old: pd.DataFrame | None, new: pd.DataFrame, excluded: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per added trial, removed trial and changed field (COLUMNS), sorted by change, trial, field."""
    old = old if old is not None else pd.DataFrame(columns=fields.TRIAL_COLUMNS)
    o, n = old.set_index("trial_id", drop=False), new.set_index("trial_id", drop=False)
    merged_into = {i: tid for tid, ids in zip(new["trial_id"], new["other_ids"]) for i in ids.split(MULTI_SEP) if i}
    was_part_of = {i: tid for tid, ids in zip(old["trial_id"], old["other_ids"]) for i in ids.split(MULTI_SEP) if i}
    reasons = dict(zip(excluded["trial_id"], excluded["reason"])) if excluded is not None and len(excluded) else {}
    rows = []
    for tid in sorted(set(n.index) - set(o.index)):
        r = n.loc[tid]
        note = f"was listed under {was_part_of[tid]}" if tid in was_part_of else ""
        rows.append(("added", tid, "", "", f"{r['status']}; {r['phase']}; {r['countries']}", note, r["title"]))
    for tid in sorted(set(o.index) - set(n.index)):
        if tid in merged_into:
            note = f"merged into {merged_into[tid]} (cross-registration)"
        elif tid in reasons:
            note = f"excluded: {reasons[tid]}"
        else:
            note = "not in the refreshed inputs"
        rows.append(
            (
                "removed",
                tid,
                "",
                f"{o.loc[tid, 'status']}; {o.loc[tid, 'phase']}; {o.loc[tid, 'countries']}",
                "",
                note,
                o.loc[tid, "title"],
            )
        )
    for tid in sorted(set(o.index) & set(n.index)):
        for f in FIELDS:
            a, b = o.loc[tid, f], n.loc[tid, f]
            if a != b:
                rows.append(("changed", tid, f, a, b, "", n.loc[tid, "title"]))
    order = {"added": 0, "removed": 1, "changed": 2}
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(
        ["change", "trial_id", "field"], key=lambda s: s.map(order) if s.name == "change" else s, kind="mergesort"
    ).reset_index(drop=True)


def summary(d: pd.DataFrame) -> dict:
    changed = d[d["change"] == "changed"]
    return {
        "added": int((d["change"] == "added").sum()),
        "removed": int((d["change"] == "removed").sum()),
        **{f"{f}_changed": int((changed["field"] == f).sum()) for f in FIELDS},
    }


def summary_line(s: dict) -> str:
    return (
        f"added {s['added']}, removed {s['removed']}; status changed {s['status_changed']}, "
        f"phase changed {s['phase_changed']}, countries changed {s['countries_changed']}"
    )


def _cell(x: str, width: int = 90) -> str:
    x = str(x).replace("|", "/").replace("\n", " ")
    return x if len(x) <= width else x[: width - 1] + "…"


def _label(field: str, value: str) -> str:
    vocabulary = FIELDS.get(field)
    if vocabulary is None:
        return value.replace(MULTI_SEP, ", ") or "none listed"
    return vocab.label(vocabulary, value)


def _labelled(field: str, key: str) -> Callable[[dict], str]:
    """A report cell: the labelled old or new value of a changed field."""
    return lambda r: _label(field, r[key])


def markdown(d: pd.DataFrame, header: list[str]) -> str:
    """The refresh report: `header` lines (versions, inputs, counts), then one table per kind of change."""
    s = summary(d)
    lines = [
        "# Refresh report",
        "",
        *header,
        "",
        f"**Changes:** {summary_line(s)}.",
        "",
        "Every row is also in `diff.csv` (columns: " + ", ".join(COLUMNS) + ").",
    ]

    def table(title: str, sub: pd.DataFrame, cols: list[tuple[str, Callable[[dict], str]]]) -> None:
        lines.extend(["", f"## {title} ({len(sub)})", ""])
        if not len(sub):
            lines.append("None.")
            return
        lines.append("| " + " | ".join(c for c, _ in cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for r in sub.head(MARKDOWN_ROWS).to_dict("records"):
            lines.append("| " + " | ".join(_cell(fn(r)) for _, fn in cols) + " |")
        if len(sub) > MARKDOWN_ROWS:
            lines.append(f"\n… {len(sub) - MARKDOWN_ROWS} more in diff.csv.")

    table(
        "Added trials",
        d[d["change"] == "added"],
        [
            ("trial", lambda r: r["trial_id"]),
            ("title", lambda r: r["title"]),
            ("status; phase; countries", lambda r: r["new"]),
            ("note", lambda r: r["note"]),
        ],
    )
    table(
        "Removed trials",
        d[d["change"] == "removed"],
        [
            ("trial", lambda r: r["trial_id"]),
            ("title", lambda r: r["title"]),
            ("was: status; phase; countries", lambda r: r["old"]),
            ("why", lambda r: r["note"]),
        ],
    )
    for f, title in (("status", "Status changes"), ("phase", "Phase changes"), ("countries", "Country changes")):
        sub = d[(d["change"] == "changed") & (d["field"] == f)]
        table(
            title,
            sub,
            [
                ("trial", lambda r: r["trial_id"]),
                ("title", lambda r: r["title"]),
                ("old", _labelled(f, "old")),
                ("new", _labelled(f, "new")),
            ],
        )
    return "\n".join(lines) + "\n"
