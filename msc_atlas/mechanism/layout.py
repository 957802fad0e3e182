"""Where the mechanism diagram's boxes go: label widths estimated per glyph, word wrap, box sizes, one column per
layer (cells | cell-free products | mediators & EV cargo | target cells | outcomes), and the Cytoscape elements with
preset positions. Pure Python (no Dash).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from msc_atlas.mechanism.style import LINE_PX, product_colours

LAYER_HEADINGS = {0: "Cells", 1: "Cell-free products", 2: "Mediators & EV cargo", 3: "Target cells", 4: "Outcomes"}

WRAP_PX = 112  # widest label line before wrapping, in model pixels
PAD_X, PAD_Y = 14, 10
COLUMN_GAP = 56
ROW_GAP = 10
# Glyph widths at 14 px, measured in Debian chromium for DejaVu Sans (the widest common system-ui font), rounded
# up: boxes computed from them hold their label in any browser, so cytoscape never re-wraps past the box.
_NARROW = dict.fromkeys("fijlIJ'.,:;|!", 4.2)
_MEDIUM = dict.fromkeys("rt()-/ []", 5.8)
_WIDE = dict.fromkeys("mwMW—%", 13.9)
_GLYPH_PX = {**_NARROW, **_MEDIUM, **_WIDE, "+": 11.8, "&": 11.0}
BOLD_FACTOR = 1.12


def _product_count_line(node: dict, nodes: list[dict], trial_counts: dict | None) -> str:
    if node["kind"] != "product" or trial_counts is None:
        return ""
    key = node.get("product_key", "")
    n = int(trial_counts.get(key, 0) or 0)
    first_with_key = next(x["node_id"] for x in nodes if x["kind"] == "product" and x.get("product_key") == key)
    noun = "trial" if n == 1 else "trials"
    if first_with_key != node["node_id"]:
        # a variant of a product (IFN-γ-primed sEVs) that registries do not tell apart: its box says whose trials
        # these are and why they are not its own, instead of claiming them
        return f"{n:,} {_SHORT_PRODUCT.get(key, key)} {noun}; priming not registered"
    return f"{n:,} {noun}"


_SHORT_PRODUCT = {"msc": "MSC", "msc_ev": "EV", "msc_secretome": "secretome"}


def text_px(text: str, bold: bool = False) -> float:
    """Estimated width of a label line at style.FONT_PX (never narrower than the browser draws it)."""
    width = sum(_GLYPH_PX.get(ch, 10.9 if ch.isupper() else 8.9) for ch in text)
    return width * (BOLD_FACTOR if bold else 1.0)


def wrap_label(text: str, bold: bool = False, limit: float = WRAP_PX) -> list[str]:
    """Greedy word wrap by estimated pixel width; a hyphenated word too wide for a line breaks after a hyphen."""
    words: list[str] = []
    for word in text.split():
        while text_px(word, bold) > limit and "-" in word[:-1]:
            cut = word.index("-") + 1
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    lines: list[str] = []
    for word in words:
        joiner = "" if lines and lines[-1].endswith("-") else " "
        if lines and text_px(lines[-1] + joiner + word, bold) <= limit:
            lines[-1] += joiner + word
        else:
            lines.append(word)
    return lines


def _box(label_lines: list[str], kind: str) -> tuple[float, float, float]:
    """(width, height, text width) of a node's box."""
    bold = kind == "product"
    text_w = max(text_px(line, bold) for line in label_lines) + 2
    width = text_w + 2 * PAD_X
    height: float = len(label_lines) * LINE_PX + 2 * PAD_Y
    if kind == "target_cell":  # an ellipse needs room at its corners
        width, height = width * 1.18, height * 1.15
    return round(width, 1), round(height, 1), round(text_w, 1)


def _spread(desired: list[tuple[str, float, float]]) -> dict[str, float]:
    """Place boxes (id, wanted centre y, height) in the given order without overlap, close to where wanted."""
    placed, bottom = {}, None
    for node_id, want, h in desired:
        y = want if bottom is None else max(want, bottom + ROW_GAP + h / 2)
        placed[node_id] = y
        bottom = y + h / 2
    shift = sum(want - placed[i] for i, want, _ in desired) / len(desired) if desired else 0
    return {i: y + shift for i, y in placed.items()}


def layout_positions(nodes: list[dict], edges: list[dict], trial_counts: dict | None = None) -> dict[str, dict]:
    """Preset positions and box sizes: one column per layer, curated order within mediators, cells and outcomes;
    cell-free products sit level with what they act on; MSC sits level with the middle of the diagram."""
    boxes: dict[str, dict[str, Any]] = {}
    for n in nodes:
        lines = wrap_label(n["label"], n["kind"] == "product") or [n["node_id"]]
        extra = _product_count_line(n, nodes, trial_counts)
        if extra:
            lines.extend(wrap_label(extra))
        w, h, text_w = _box(lines, n["kind"])
        boxes[n["node_id"]] = {"lines": lines, "w": w, "h": h, "tmw": text_w}
    by_layer = defaultdict(list)
    for n in nodes:
        by_layer[n["layer"]].append(n)
    layers = sorted(by_layer)
    x, xs, previous = 0.0, {}, None
    for layer in layers:
        widest = max(boxes[n["node_id"]]["w"] for n in by_layer[layer])
        if previous is not None:
            x += previous / 2 + COLUMN_GAP + widest / 2
        xs[layer] = x
        previous = widest
    ys: dict[str, float] = {}
    for layer in (lay for lay in layers if lay >= 2):  # stacked in curated order, centred on y = 0
        column = sorted(by_layer[layer], key=lambda n: (n["order"], n["node_id"]))
        total = sum(boxes[n["node_id"]]["h"] for n in column) + ROW_GAP * (len(column) - 1)
        y = -total / 2
        for n in column:
            h = boxes[n["node_id"]]["h"]
            ys[n["node_id"]] = y + h / 2
            y += h + ROW_GAP
    neighbours = defaultdict(list)
    for e in edges:
        neighbours[e["source"]].append(e["target"])
        neighbours[e["target"]].append(e["source"])
    for layer in (lay for lay in layers if lay < 2):
        wanted = []
        for n in by_layer[layer]:
            ahead = [ys[v] for v in neighbours[n["node_id"]] if v in ys]
            wanted.append((n["kind"] != "property", sum(ahead) / len(ahead) if ahead else 0.0, n["order"], n))
        wanted.sort(key=lambda t: (t[0], t[1], t[2]))
        if layer == 0 and len(wanted) == 1:
            ys[wanted[0][3]["node_id"]] = 0.0
            continue
        placed = _spread([(n["node_id"], want, boxes[n["node_id"]]["h"]) for _, want, _, n in wanted])
        ys.update(placed)
    return {
        n["node_id"]: {"x": round(xs[n["layer"]], 1), "y": round(ys[n["node_id"]], 1), **boxes[n["node_id"]]}
        for n in nodes
    }


def cytoscape_elements(
    nodes: list[dict], edges: list[dict], trial_counts: dict | None = None, headings: bool = True
) -> list[dict]:
    """Cytoscape elements with preset positions. Product nodes show their trial count when counts are given."""
    pos = layout_positions(nodes, edges, trial_counts)
    elements = []
    for n in nodes:
        p = pos[n["node_id"]]
        data = {
            "id": n["node_id"],
            "label": "\n".join(p["lines"]),
            "kind": n["kind"],
            "w": p["w"],
            "h": p["h"],
            "tmw": p["tmw"],
            "product_key": n.get("product_key", ""),
        }
        if n["kind"] == "product":
            data["fill"], data["fg"] = product_colours(n.get("product_key", ""))
        elements.append({"data": data, "position": {"x": p["x"], "y": p["y"]}, "classes": n["kind"]})
    for e in edges:
        classes = f"{e['kind']} {e['status']}"
        elements.append(
            {
                "data": {
                    "id": e["edge_id"],
                    "source": e["source"],
                    "target": e["target"],
                    "kind": e["kind"],
                    "status": e["status"],
                    "n": e["n_citations"],
                    "width": round(2 + min(e["n_citations"], 6) * 0.6, 1),
                },
                "classes": classes,
            }
        )
    if headings and nodes:
        top = min(pos[n["node_id"]]["y"] - pos[n["node_id"]]["h"] / 2 for n in nodes)
        kinds_in_layer = defaultdict(set)
        for n in nodes:
            kinds_in_layer[n["layer"]].add(n["kind"])
        for layer, kinds in sorted(kinds_in_layer.items()):
            text = LAYER_HEADINGS.get(layer, "")
            if layer == 1 and "product" not in kinds:
                text = "Property"
            x = next(pos[n["node_id"]]["x"] for n in nodes if n["layer"] == layer)
            elements.append(
                {
                    "data": {"id": f"heading-{layer}", "label": text},
                    "position": {"x": x, "y": top - 44},
                    "classes": "colhead",
                    "selectable": False,
                    "grabbable": False,
                }
            )
    return elements


def layout_option(elements: list[dict]) -> dict:
    """The preset layout for these elements. Positions are passed in the layout too, so that a change of
    context (different positions) re-runs the layout and re-fits the view, while a change in trial counts only
    (same positions) leaves the user's zoom alone."""
    positions = {el["data"]["id"]: el["position"] for el in elements if "position" in el}
    return {"name": "preset", "positions": positions, "fit": True, "padding": 24, "animate": False}
