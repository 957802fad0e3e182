"""How the mechanism diagram looks: one visual per node kind and edge kind (colour, line, arrowhead, shape), the
Cytoscape stylesheet (with the neighbourhood of a selection highlighted), and SVG swatches for the HTML legend.
Colours are Okabe-Ito and no kind depends on colour alone. Pure Python (no Dash).
"""

from __future__ import annotations

from urllib.parse import quote

from msc_atlas import vocab

FONT_PX = 14  # label font size; the layout sizes boxes for it
LINE_PX = 17

# One visual per edge kind: colour (Okabe-Ito), line style and arrowhead all differ, so no kind depends on
# colour alone. `label` is for the HTML legend.
EDGE_STYLES = {
    "induces": {"label": "induces / promotes", "colour": "#009E73", "line": "solid", "arrow": "triangle"},
    "polarizes": {
        "label": "polarizes (e.g. macrophages to M2)",
        "colour": "#0072B2",
        "line": "solid",
        "arrow": "triangle-backcurve",
    },
    "inhibits": {"label": "inhibits", "colour": "#D55E00", "line": "dashed", "arrow": "tee"},
    "secretes_carries": {"label": "secretes / carries", "colour": "#CC79A7", "line": "dotted", "arrow": "circle"},
    "recruits": {"label": "recruits", "colour": "#000000", "line": "solid", "arrow": "chevron"},
    "lacks": {"label": "lacks (property)", "colour": "#000000", "line": "dotted", "arrow": "square"},
}
CONTRASTING_STYLE = {
    "label": "tested, effect not found (contrasting evidence only)",
    "colour": vocab.GREY,
    "line": "dashed",
    "arrow": "none",
}

NODE_STYLES = {
    "product": {
        "label": "Product (colour as on every page)",
        "shape": "round-rectangle",
        "fill": "#0072B2",
        "text": "#FFFFFF",
        "border": "#000000",
        "border_style": "solid",
    },
    "property": {
        "label": "Property of MSCs",
        "shape": "round-rectangle",
        "fill": "#FFFFFF",
        "text": "#000000",
        "border": "#000000",
        "border_style": "dashed",
    },
    "mediator": {
        "label": "Mediator / EV cargo",
        "shape": "rectangle",
        "fill": "#F0E442",
        "text": "#000000",
        "border": "#7A7000",
        "border_style": "solid",
    },
    "target_cell": {
        "label": "Target (effector) cell",
        "shape": "ellipse",
        "fill": "#56B4E9",
        "text": "#000000",
        "border": "#1F5F85",
        "border_style": "solid",
    },
    "outcome": {
        "label": "Outcome",
        "shape": "cut-rectangle",
        "fill": "#E8E8E8",
        "text": "#000000",
        "border": "#000000",
        "border_style": "solid",
    },
}


def product_colours(product_key: str) -> tuple[str, str]:
    """(fill, text colour) of a product box: the product's colour on every page, text in the contrasting colour."""
    fill = vocab.PRODUCT_COLOURS.get(product_key, NODE_STYLES["product"]["fill"])
    return fill, _text_colour(fill)


def _text_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def stylesheet(
    selected: str | None = None, nodes: list[dict] | None = None, edges: list[dict] | None = None
) -> list[dict]:
    """Cytoscape stylesheet; with `selected` (a node or edge id in `edges`/`nodes`), everything outside its
    neighbourhood fades."""
    sheet = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "width": "data(w)",
                "height": "data(h)",
                "text-wrap": "wrap",
                "text-max-width": "data(tmw)",
                "text-valign": "center",
                "text-halign": "center",
                "font-size": FONT_PX,
                "line-height": LINE_PX / FONT_PX,
                "font-family": "system-ui, sans-serif",
                "border-width": 1.5,
            },
        },
    ]
    for kind, s in NODE_STYLES.items():
        sheet.append(
            {
                "selector": f"node.{kind}",
                "style": {
                    "shape": s["shape"],
                    "background-color": s["fill"],
                    "color": s["text"],
                    "border-color": s["border"],
                    "border-style": s["border_style"],
                    **({"border-width": 2} if kind == "property" else {}),
                },
            }
        )
    sheet.append(
        {
            "selector": "node.product",
            "style": {"background-color": "data(fill)", "color": "data(fg)", "font-weight": "bold"},
        }
    )
    sheet.append(
        {
            "selector": "node.colhead",
            "style": {
                "shape": "rectangle",
                "background-opacity": 0,
                "border-width": 0,
                "width": 10,
                "height": 10,
                "font-size": 16,
                "font-weight": "bold",
                "color": "#333333",
                "events": "no",
                "text-max-width": 260,
            },
        }
    )
    sheet.append(
        {
            "selector": "edge",
            "style": {"curve-style": "bezier", "width": "data(width)", "arrow-scale": 1.4, "opacity": 0.85},
        }
    )
    for kind, s in EDGE_STYLES.items():
        sheet.append(
            {
                "selector": f"edge.{kind}",
                "style": {
                    "line-color": s["colour"],
                    "target-arrow-color": s["colour"],
                    "target-arrow-shape": s["arrow"],
                    "line-style": s["line"],
                },
            }
        )
    sheet.append(
        {
            "selector": "edge.contrasting_only",
            "style": {
                "line-color": CONTRASTING_STYLE["colour"],
                "target-arrow-shape": "none",
                "line-style": "dashed",
                "line-dash-pattern": [4, 6],
                "width": 2,
                "target-label": "✕ not shown",
                "target-text-offset": 70,
                "font-size": 12,
                "color": "#444444",
                "text-background-color": "#FFFFFF",
                "text-background-opacity": 1,
                "text-background-padding": 2,
            },
        }
    )
    sheet.append({"selector": ":selected", "style": {"overlay-opacity": 0}})
    if selected and nodes is not None and edges is not None:
        keep = _neighbourhood(selected, nodes, edges)
        if keep:
            sheet.append({"selector": "node, edge", "style": {"opacity": 0.18}})
            sheet.append({"selector": ", ".join(f"#{i}" for i in sorted(keep)), "style": {"opacity": 1}})
            sheet.append({"selector": f"#{selected}", "style": {"border-width": 4, "border-color": "#000000"}})
            sheet.append({"selector": "node.colhead", "style": {"opacity": 1}})
    return sheet


def _neighbourhood(selected: str, nodes: list[dict], edges: list[dict]) -> set[str]:
    node_ids = {n["node_id"] for n in nodes}
    for e in edges:
        if e["edge_id"] == selected:
            return {selected, e["source"], e["target"]}
    if selected not in node_ids:
        return set()
    keep = {selected}
    for e in edges:
        if selected in (e["source"], e["target"]):
            keep |= {e["edge_id"], e["source"], e["target"]}
    return keep


def legend_svg(kind: str) -> str:
    """A small SVG (data URI) drawing an edge kind exactly as the diagram does, for the HTML legend."""
    s = CONTRASTING_STYLE if kind == "contrasting_only" else EDGE_STYLES[kind]
    dash = {"solid": "", "dashed": ' stroke-dasharray="7 4"', "dotted": ' stroke-dasharray="2 3"'}[s["line"]]
    c = s["colour"]
    heads = {
        "triangle": f'<path d="M44 2 L56 8 L44 14 Z" fill="{c}"/>',
        "triangle-backcurve": f'<path d="M44 2 L56 8 L44 14 Q48 8 44 2 Z" fill="{c}"/>',
        "tee": f'<rect x="52" y="1" width="4" height="14" fill="{c}"/>',
        "circle": f'<circle cx="51" cy="8" r="5" fill="{c}"/>',
        "chevron": f'<path d="M44 2 L56 8 L44 14 L48 8 Z" fill="{c}"/>',
        "square": f'<rect x="45" y="3" width="10" height="10" fill="{c}"/>',
        "none": "",
    }
    end = 44 if s["arrow"] not in ("tee", "none") else 52
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="58" height="16" viewBox="0 0 58 16">'
        f'<line x1="2" y1="8" x2="{end}" y2="8" stroke="{c}" stroke-width="3"{dash}/>{heads[s["arrow"]]}</svg>'
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def export_legend() -> list[dict]:
    """The legend drawn under the exported diagram (assets/mechanism_export.js): one entry per box kind and per
    arrow kind, with the same colours, line styles and arrowheads as on screen."""
    boxes = [
        {
            "type": "box",
            "label": s["label"],
            "fill": s["fill"],
            "border": s["border"],
            "dashed": s["border_style"] != "solid",
        }
        for s in NODE_STYLES.values()
    ]
    arrows = [
        {"type": "arrow", "label": s["label"], "colour": s["colour"], "line": s["line"], "arrow": s["arrow"]}
        for s in [*EDGE_STYLES.values(), CONTRASTING_STYLE]
    ]
    return boxes + arrows
