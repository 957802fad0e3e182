"""The mechanism diagram's graph model, built from data/mechanism_{nodes,edges,claims}.csv.

Pure Python (no Dash): load + validate the tables once, cut the view for a context, lay it out in columns
(cells | cell-free products | mediators & EV cargo | target cells | outcomes), turn it into Cytoscape elements and a
stylesheet, and list the evidence behind any node or edge.

Context rule (each context must tell a connected story; tests check it):
* "all": every claim.
* "covid19_ards" / "liver" / "general": the claims of that context, plus
  - general claims whose two ends are already shown (general mechanisms that link what the context shows,
    e.g. "MSC secretes TSG-6" joins the COVID/ARDS TSG-6 lung-injury evidence to MSC), and
  - product-lineage claims (product -> product, any context) into a product already shown, so a cell-free
    product is never drawn cut off from the cells it comes from.
  No claim brings in a node of its own: the added claims only connect nodes the context already has.
"""
from __future__ import annotations

import csv
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

from msc_atlas import cache, config, vocab

CONTEXTS = {
    "covid19_ards": "COVID-19 & ARDS",
    "liver": "Liver",
    "general": "General",
    "all": "All contexts",
}
CLAIM_CONTEXTS = ("covid19_ards", "liver", "general")
EVIDENCE_LEVELS = {"human": "Human", "animal": "Animal", "in_vitro": "In vitro", "review": "Review"}
STANCES = {"supports": "Supports", "contrasts": "Contrasts"}
NODE_KINDS = ("product", "mediator", "target_cell", "outcome", "property")
EDGE_KINDS = ("induces", "polarizes", "inhibits", "secretes_carries", "recruits", "lacks")

# One visual per edge kind: colour (Okabe-Ito), line style and arrowhead all differ, so no kind depends on
# colour alone. `symbol` is only for the HTML legend.
EDGE_STYLES = {
    "induces": {"label": "induces / promotes", "verb": "induces", "colour": "#009E73", "line": "solid",
                "arrow": "triangle"},
    "polarizes": {"label": "polarizes (e.g. macrophages to M2)", "verb": "polarizes", "colour": "#0072B2",
                  "line": "solid", "arrow": "triangle-backcurve"},
    "inhibits": {"label": "inhibits", "verb": "inhibits", "colour": "#D55E00", "line": "dashed", "arrow": "tee"},
    "secretes_carries": {"label": "secretes / carries", "verb": "secretes or carries", "colour": "#CC79A7",
                         "line": "dotted", "arrow": "circle"},
    "recruits": {"label": "recruits", "verb": "recruits", "colour": "#000000", "line": "solid",
                 "arrow": "chevron"},
    "lacks": {"label": "lacks (property)", "verb": "lacks", "colour": "#000000", "line": "dotted",
              "arrow": "square"},
}
CONTRASTING_STYLE = {"label": "tested, effect not found (contrasting evidence only)", "colour": vocab.GREY,
                     "line": "dashed", "arrow": "none"}

NODE_STYLES = {
    "product": {"label": "Product (colour as on every page)", "shape": "round-rectangle", "fill": "#0072B2",
                "text": "#FFFFFF", "border": "#000000", "border_style": "solid"},
    "property": {"label": "Property of MSCs", "shape": "round-rectangle", "fill": "#FFFFFF", "text": "#000000",
                 "border": "#000000", "border_style": "dashed"},
    "mediator": {"label": "Mediator / EV cargo", "shape": "rectangle", "fill": "#F0E442", "text": "#000000",
                 "border": "#7A7000", "border_style": "solid"},
    "target_cell": {"label": "Target (effector) cell", "shape": "ellipse", "fill": "#56B4E9", "text": "#000000",
                    "border": "#1F5F85", "border_style": "solid"},
    "outcome": {"label": "Outcome", "shape": "cut-rectangle", "fill": "#E8E8E8", "text": "#000000",
                "border": "#000000", "border_style": "solid"},
}

LAYER_HEADINGS = {0: "Cells", 1: "Cell-free products", 2: "Mediators & EV cargo", 3: "Target cells", 4: "Outcomes"}

FONT_PX = 14
LINE_PX = 17
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


class MechanismDataError(ValueError):
    """The bundled mechanism tables are inconsistent; the message lists every problem."""


@dataclass(frozen=True)
class MechanismModel:
    nodes: dict[str, dict]
    edges: dict[str, dict]
    claims: dict[str, dict]
    claims_by_edge: dict[str, list[str]] = field(repr=False)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(f)]


def validate(nodes: list[dict], edges: list[dict], claims: list[dict]) -> list[str]:
    """Every problem with the three tables, as sentences; [] when they are consistent."""
    problems = []
    node_ids = [n["node_id"] for n in nodes]
    edge_ids = [e["edge_id"] for e in edges]
    for name, ids in (("node", node_ids), ("edge", edge_ids), ("claim", [c["claim_id"] for c in claims])):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"duplicate {name} ids: {dupes}")
    known = set(node_ids)
    for n in nodes:
        if n["kind"] not in NODE_KINDS:
            problems.append(f"node {n['node_id']}: unknown kind {n['kind']!r}")
        if n["kind"] == "product" and n.get("product_key") not in vocab.PRODUCTS:
            problems.append(f"product node {n['node_id']}: product_key {n.get('product_key')!r} not in vocab")
    used = set()
    for e in edges:
        if e["kind"] not in EDGE_KINDS:
            problems.append(f"edge {e['edge_id']}: unknown kind {e['kind']!r}")
        for end in (e["source"], e["target"]):
            if end not in known:
                problems.append(f"edge {e['edge_id']}: node {end!r} does not exist")
            used.add(end)
    orphans = sorted(known - used)
    if orphans:
        problems.append(f"orphan nodes (no edge): {orphans}")
    cited = defaultdict(int)
    for c in claims:
        cited[c["edge_id"]] += 1
        if c["edge_id"] not in set(edge_ids):
            problems.append(f"claim {c['claim_id']}: edge {c['edge_id']!r} does not exist")
        url = urlparse(c["reported_in"])
        # A few publishers' pages are only recorded with http://; they are kept as printed, but nothing that is
        # not a web address may reach an <a href>.
        if url.scheme not in ("http", "https") or not url.netloc:
            problems.append(f"claim {c['claim_id']}: reported_in is not a web address")
        if c["evidence_level"] not in EVIDENCE_LEVELS:
            problems.append(f"claim {c['claim_id']}: evidence level {c['evidence_level']!r}")
        if c["stance"] not in STANCES:
            problems.append(f"claim {c['claim_id']}: stance {c['stance']!r}")
        if c["context"] not in CLAIM_CONTEXTS:
            problems.append(f"claim {c['claim_id']}: context {c['context']!r}")
    uncited = sorted(set(edge_ids) - set(cited))
    if uncited:
        problems.append(f"edges without a citation: {uncited}")
    return problems


def load_model(data_dir: Path | str | None = None) -> MechanismModel:
    """Read and validate the three tables of `data_dir` (default: the dataset directory, msc_atlas.config);
    raises MechanismDataError naming every problem."""
    data_dir = Path(data_dir or config.data_dir())
    try:
        nodes = _read(data_dir / "mechanism_nodes.csv")
        edges = _read(data_dir / "mechanism_edges.csv")
        claims = _read(data_dir / "mechanism_claims.csv")
    except (OSError, csv.Error) as exc:
        raise MechanismDataError(f"cannot read the mechanism tables in {data_dir}: {exc}") from exc
    problems = validate(nodes, edges, claims)
    if problems:
        raise MechanismDataError("invalid mechanism tables:\n  " + "\n  ".join(problems))
    for n in nodes:
        n["layer"] = int(n["layer"])
        n["order"] = int(n["order"])
    by_edge = defaultdict(list)
    for c in claims:
        by_edge[c["edge_id"]].append(c["claim_id"])
    return MechanismModel(
        nodes={n["node_id"]: n for n in nodes},
        edges={e["edge_id"]: e for e in edges},
        claims={c["claim_id"]: c for c in claims},
        claims_by_edge=dict(by_edge),
    )


@cache.dataset(maxsize=1)
def default_model() -> MechanismModel:
    return load_model()


def _model(model: MechanismModel | None) -> MechanismModel:
    return default_model() if model is None else model


def normalise_context(context) -> str:
    return context if isinstance(context, str) and context in CONTEXTS else "all"


def context_for_focus(focus) -> str:
    """The diagram context that matches the global focus-area filter (a tuple of vocab.FOCUS_AREAS keys)."""
    if isinstance(focus, str):
        focus = (focus,)
    try:
        chosen = {f for f in focus if isinstance(f, str)}
    except TypeError:
        return "all"
    if chosen == {"covid19_ards"}:
        return "covid19_ards"
    if chosen == {"liver"}:
        return "liver"
    if chosen == {"other"}:
        return "general"
    return "all"


def view_claim_ids(context: str, model: MechanismModel | None = None) -> list[str]:
    """The claims shown for a context (see the module docstring for the rule)."""
    m = _model(model)
    context = normalise_context(context)
    if context == "all":
        return sorted(m.claims)
    chosen = {cid for cid, c in m.claims.items() if c["context"] == context}
    shown = {m.edges[m.claims[cid]["edge_id"]][end] for cid in chosen for end in ("source", "target")}
    for cid, c in m.claims.items():
        if cid in chosen:
            continue
        e = m.edges[c["edge_id"]]
        both_shown = e["source"] in shown and e["target"] in shown
        lineage = (m.nodes[e["source"]]["kind"] == "product" and m.nodes[e["target"]]["kind"] == "product"
                   and e["target"] in shown)
        if (c["context"] == "general" and both_shown) or lineage:
            chosen.add(cid)
    return sorted(chosen)


def subgraph(context: str = "all", model: MechanismModel | None = None) -> tuple[list[dict], list[dict]]:
    """(nodes, edges) of a context's view. Edge dicts carry the view's claim ids and counts."""
    m = _model(model)
    claim_ids = view_claim_ids(context, m)
    per_edge = defaultdict(list)
    for cid in claim_ids:
        per_edge[m.claims[cid]["edge_id"]].append(cid)
    edges = []
    for edge_id in sorted(per_edge):
        ids = per_edge[edge_id]
        n_contrasts = sum(m.claims[c]["stance"] == "contrasts" for c in ids)
        edges.append({**m.edges[edge_id], "claim_ids": ids, "n_citations": len(ids),
                      "n_contrasts": n_contrasts, "n_supports": len(ids) - n_contrasts,
                      "status": "contrasting_only" if n_contrasts == len(ids) else "active"})
    node_ids = {e[end] for e in edges for end in ("source", "target")}
    nodes = sorted((dict(m.nodes[n]) for n in node_ids), key=lambda n: (n["layer"], n["order"], n["node_id"]))
    return nodes, edges


def components(nodes: list[dict], edges: list[dict], active_only: bool = True) -> list[set[str]]:
    """Connected components over undirected edges (BFS); one component = one connected story."""
    adjacency = defaultdict(set)
    for e in edges:
        if active_only and e.get("status") == "contrasting_only":
            continue
        adjacency[e["source"]].add(e["target"])
        adjacency[e["target"]].add(e["source"])
    seen, parts = set(), []
    for n in (n["node_id"] for n in nodes):
        if n in seen:
            continue
        part, queue = set(), deque([n])
        while queue:
            cur = queue.popleft()
            if cur in part:
                continue
            part.add(cur)
            queue.extend(adjacency[cur] - part)
        seen |= part
        parts.append(part)
    return parts


# ---------------------------------------------------------------- layout

def _product_count_line(node: dict, nodes: list[dict], trial_counts: dict | None) -> str:
    if node["kind"] != "product" or trial_counts is None:
        return ""
    key = node.get("product_key", "")
    n = int(trial_counts.get(key, 0) or 0)
    first_with_key = next(x["node_id"] for x in nodes if x["kind"] == "product" and x.get("product_key") == key)
    noun = "trial" if n == 1 else "trials"
    if first_with_key != node["node_id"]:
        return f"{n:,} {_SHORT_PRODUCT.get(key, key)} {noun}"
    return f"{n:,} {noun}"


_SHORT_PRODUCT = {"msc": "MSC", "msc_ev": "EV", "msc_secretome": "secretome"}


def text_px(text: str, bold: bool = False) -> float:
    """Estimated width of a label line at FONT_PX (never narrower than the browser draws it)."""
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
    height = len(label_lines) * LINE_PX + 2 * PAD_Y
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
    boxes = {}
    for n in nodes:
        lines = wrap_label(n["label"], n["kind"] == "product") or [n["node_id"]]
        extra = _product_count_line(n, nodes, trial_counts)
        if extra:
            lines.append(extra)
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
    return {n["node_id"]: {"x": round(xs[n["layer"]], 1), "y": round(ys[n["node_id"]], 1), **boxes[n["node_id"]]}
            for n in nodes}


def cytoscape_elements(nodes: list[dict], edges: list[dict], trial_counts: dict | None = None,
                       headings: bool = True) -> list[dict]:
    """Cytoscape elements with preset positions. Product nodes show their trial count when counts are given."""
    pos = layout_positions(nodes, edges, trial_counts)
    elements = []
    for n in nodes:
        p = pos[n["node_id"]]
        data = {"id": n["node_id"], "label": "\n".join(p["lines"]), "kind": n["kind"], "w": p["w"], "h": p["h"],
                "tmw": p["tmw"], "product_key": n.get("product_key", "")}
        if n["kind"] == "product":
            data["fill"] = vocab.PRODUCT_COLOURS.get(n.get("product_key", ""), NODE_STYLES["product"]["fill"])
            data["fg"] = _text_colour(data["fill"])
        elements.append({"data": data, "position": {"x": p["x"], "y": p["y"]}, "classes": n["kind"]})
    for e in edges:
        classes = f"{e['kind']} {e['status']}"
        elements.append({"data": {"id": e["edge_id"], "source": e["source"], "target": e["target"], "kind": e["kind"],
                                  "status": e["status"], "n": e["n_citations"],
                                  "width": round(2 + min(e["n_citations"], 6) * 0.6, 1)},
                         "classes": classes})
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
            elements.append({"data": {"id": f"heading-{layer}", "label": text}, "position": {"x": x, "y": top - 44},
                             "classes": "colhead", "selectable": False, "grabbable": False})
    return elements


def layout_option(elements: list[dict]) -> dict:
    """The preset layout for these elements. Positions are passed in the layout too, so that a change of
    context (different positions) re-runs the layout and re-fits the view, while a change in trial counts only
    (same positions) leaves the user's zoom alone."""
    positions = {el["data"]["id"]: el["position"] for el in elements if "position" in el}
    return {"name": "preset", "positions": positions, "fit": True, "padding": 24, "animate": False}


def _text_colour(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


# ---------------------------------------------------------------- style

def stylesheet(selected: str | None = None, nodes: list[dict] | None = None,
               edges: list[dict] | None = None) -> list[dict]:
    """Cytoscape stylesheet; with `selected` (a node or edge id in `edges`/`nodes`), everything outside its
    neighbourhood fades."""
    sheet = [
        {"selector": "node", "style": {
            "label": "data(label)", "width": "data(w)", "height": "data(h)", "text-wrap": "wrap",
            "text-max-width": "data(tmw)", "text-valign": "center", "text-halign": "center",
            "font-size": FONT_PX, "line-height": LINE_PX / FONT_PX, "font-family": "system-ui, sans-serif",
            "border-width": 1.5}},
    ]
    for kind, s in NODE_STYLES.items():
        sheet.append({"selector": f"node.{kind}", "style": {
            "shape": s["shape"], "background-color": s["fill"], "color": s["text"], "border-color": s["border"],
            "border-style": s["border_style"], **({"border-width": 2} if kind == "property" else {})}})
    sheet.append({"selector": "node.product", "style": {
        "background-color": "data(fill)", "color": "data(fg)", "font-weight": "bold"}})
    sheet.append({"selector": "node.colhead", "style": {
        "shape": "rectangle", "background-opacity": 0, "border-width": 0, "width": 10, "height": 10,
        "font-size": 16, "font-weight": "bold", "color": "#333333", "events": "no", "text-max-width": 260}})
    sheet.append({"selector": "edge", "style": {
        "curve-style": "bezier", "width": "data(width)", "arrow-scale": 1.4, "opacity": 0.85}})
    for kind, s in EDGE_STYLES.items():
        sheet.append({"selector": f"edge.{kind}", "style": {
            "line-color": s["colour"], "target-arrow-color": s["colour"], "target-arrow-shape": s["arrow"],
            "line-style": s["line"]}})
    sheet.append({"selector": "edge.contrasting_only", "style": {
        "line-color": CONTRASTING_STYLE["colour"], "target-arrow-shape": "none", "line-style": "dashed",
        "line-dash-pattern": [4, 6], "width": 2, "target-label": "✕ not shown", "target-text-offset": 70,
        "font-size": 12, "color": "#444444",
        "text-background-color": "#FFFFFF", "text-background-opacity": 1, "text-background-padding": 2}})
    sheet.append({"selector": ":selected", "style": {"overlay-opacity": 0}})
    if selected and nodes is not None and edges is not None:
        keep = _neighbourhood(selected, nodes, edges)
        if keep:
            sheet.append({"selector": "node, edge", "style": {"opacity": 0.18}})
            sheet.append({"selector": ", ".join(f"#{i}" for i in sorted(keep)), "style": {"opacity": 1}})
            sheet.append({"selector": f"#{selected}", "style": {
                "border-width": 4, "border-color": "#000000"}})
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
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="58" height="16" viewBox="0 0 58 16">'
           f'<line x1="2" y1="8" x2="{end}" y2="8" stroke="{c}" stroke-width="3"{dash}/>{heads[s["arrow"]]}</svg>')
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


# ---------------------------------------------------------------- evidence

def describe(item_id, model: MechanismModel | None = None) -> dict | None:
    """Title of a node or edge for the evidence panel; None for an unknown id."""
    m = _model(model)
    if not isinstance(item_id, str):
        return None
    if item_id in m.nodes:
        n = m.nodes[item_id]
        return {"type": "node", "id": item_id, "title": n["label"], "kind": n["kind"],
                "product_key": n.get("product_key", "")}
    if item_id in m.edges:
        e = m.edges[item_id]
        return {"type": "edge", "id": item_id, "kind": e["kind"],
                "title": f"{m.nodes[e['source']]['label']} → {EDGE_STYLES[e['kind']]['verb']} → "
                         f"{m.nodes[e['target']]['label']}"}
    return None


def evidence_for(item_id, context: str = "all", model: MechanismModel | None = None) -> list[dict]:
    """The claims behind a node or an edge in a context's view, strongest evidence first; [] for unknown ids."""
    m = _model(model)
    if not isinstance(item_id, str) or (item_id not in m.nodes and item_id not in m.edges):
        return []
    in_view = set(view_claim_ids(context, m))
    if item_id in m.edges:
        ids = [c for c in m.claims_by_edge.get(item_id, []) if c in in_view]
    else:
        ids = []
        for cid in sorted(in_view):
            c = m.claims[cid]
            e = m.edges[c["edge_id"]]
            touching = {e["source"], e["target"], c["source_node"], c["target_node"],
                        *filter(None, c["mediator_nodes"].split(";"))}
            if item_id in touching:
                ids.append(cid)
    rank = list(EVIDENCE_LEVELS)
    out = []
    for cid in sorted(ids, key=lambda c: (rank.index(m.claims[c]["evidence_level"]), c)):
        c = m.claims[cid]
        e = m.edges[c["edge_id"]]
        out.append({
            "claim_id": cid, "claim": c["claim"], "mediator": c["mediator"], "note": c["note"],
            "context": c["context"], "context_label": CONTEXTS[c["context"]],
            "evidence_level": c["evidence_level"], "evidence_label": EVIDENCE_LEVELS[c["evidence_level"]],
            "evidence_raw": c["evidence_raw"], "stance": c["stance"], "stance_label": STANCES[c["stance"]],
            "url": c["reported_in"], "source_label": urlparse(c["reported_in"]).netloc.removeprefix("www."),
            "edge_id": c["edge_id"], "drawn_from": c["drawn_from"],
            "edge_label": f"{m.nodes[e['source']]['label']} → {EDGE_STYLES[e['kind']]['verb']} → "
                          f"{m.nodes[e['target']]['label']}",
        })
    return out


def edge_sentences(nodes: list[dict], edges: list[dict]) -> list[str]:
    """The diagram as sentences, one per edge: the text alternative for screen readers."""
    labels = {n["node_id"]: n["label"] for n in nodes}
    out = []
    for e in edges:
        cites = f"{e['n_citations']} citation{'s' if e['n_citations'] != 1 else ''}"
        if e["status"] == "contrasting_only":
            out.append(f"{labels[e['source']]} was tested for: {EDGE_STYLES[e['kind']]['verb']} "
                       f"{labels[e['target']]}; the effect was not found (contrasting evidence, {cites}).")
        else:
            out.append(f"{labels[e['source']]} {EDGE_STYLES[e['kind']]['verb']} {labels[e['target']]} ({cites}).")
    return out
