"""The mechanism diagram's graph model, from data/mechanism_{nodes,edges,claims}.csv: read and validate the tables
once, cut the view for a context, and list the evidence behind any node or edge. Pure Python (no Dash).

Context rule (each context must tell a connected story; tests check it):
* "all": every claim.
* "covid19_ards" / "liver" / "general": the claims of that context, plus
  - general claims whose two ends are already shown (general mechanisms that link what the context shows,
    e.g. "MSC secretes TSG-6" joins the COVID/ARDS TSG-6 lung-injury evidence to MSC), and
  - product-lineage claims (product -> product, any context) into a product already shown, so a cell-free
    product is never drawn cut off from the cells it comes from.
  No claim brings in a node of its own: the added claims only connect nodes the context already has.
* A product the filter selects is always shown: when the context has no claim on it, its lineage claims (the
  product it comes from -> it) bring its box in, so "EV trials only" never leaves the diagram with a cell box alone.
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

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
# Edge kinds and the verb that reads an arrow as a sentence ("MSC induces Tregs").
EDGE_VERBS = {
    "induces": "induces",
    "polarizes": "polarizes",
    "inhibits": "inhibits",
    "secretes_carries": "secretes or carries",
    "recruits": "recruits",
    "lacks": "lacks",
}
EDGE_KINDS = tuple(EDGE_VERBS)


class MechanismDataError(ValueError):
    """The bundled mechanism tables are inconsistent; the message lists every problem."""


@dataclass(frozen=True)
class MechanismModel:
    nodes: dict[str, dict]
    edges: dict[str, dict]
    claims: dict[str, dict]
    claims_by_edge: dict[str, list[str]] = field(repr=False)


def _read(path: Path) -> list[dict[str, Any]]:
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
    cited: defaultdict[str, int] = defaultdict(int)
    for c in claims:
        cited[c["edge_id"]] += 1
        if c["edge_id"] not in set(edge_ids):
            problems.append(f"claim {c['claim_id']}: edge {c['edge_id']!r} does not exist")
        url = urlparse(c["reported_in"])
        # A few publishers' pages are only recorded with http://; they are kept as printed, but nothing that is
        # not a web address may reach an <a href>.
        if url.scheme not in ("http", "https") or not url.netloc:
            problems.append(f"claim {c['claim_id']}: reported_in is not a web address")
        cite = urlparse(c.get("citation_url", ""))
        if c.get("citation_url") and (cite.scheme != "https" or not cite.netloc):
            problems.append(f"claim {c['claim_id']}: citation_url is not an https address")
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


def default_model() -> MechanismModel:
    """The model of the dataset directory in use (a swapped directory is read anew)."""
    return model_at(None)


def model_at(data_dir: Path | str | None) -> MechanismModel:
    return _model_at(str(Path(data_dir or config.data_dir()).resolve()))


@cache.dataset(maxsize=4)
def _model_at(data_dir: str) -> MechanismModel:
    return load_model(data_dir)


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


def view_claim_ids(context: str, model: MechanismModel | None = None, products: tuple = ()) -> list[str]:
    """The claims shown for a context, with a box for each selected product (see the module docstring)."""
    m = _model(model)
    context = normalise_context(context)
    if context == "all":
        return sorted(m.claims)
    chosen = _context_claim_ids(context, m)
    shown = {m.edges[m.claims[cid]["edge_id"]][end] for cid in chosen for end in ("source", "target")}
    wanted = {str(p) for p in products} if isinstance(products, (tuple, list)) else set()
    # the product's own box (the first with its key: γ-sEVs are a variant of the EV box, not the EV product)
    boxes: dict[str, str] = {}
    for node_id, node in sorted(m.nodes.items(), key=lambda kv: (kv[1]["layer"], kv[1]["order"], kv[0])):
        if node["kind"] == "product" and node.get("product_key") in wanted:
            boxes.setdefault(node["product_key"], node_id)
    for node_id in sorted(set(boxes.values()) - shown):
        for cid, c in m.claims.items():
            e = m.edges[c["edge_id"]]
            if e["target"] == node_id and m.nodes[e["source"]]["kind"] == "product":
                chosen.add(cid)
    return sorted(chosen)


def _context_claim_ids(context: str, m: MechanismModel) -> set[str]:
    chosen = {cid for cid, c in m.claims.items() if c["context"] == context}
    shown = {m.edges[m.claims[cid]["edge_id"]][end] for cid in chosen for end in ("source", "target")}
    for cid, c in m.claims.items():
        if cid in chosen:
            continue
        e = m.edges[c["edge_id"]]
        both_shown = e["source"] in shown and e["target"] in shown
        lineage = (
            m.nodes[e["source"]]["kind"] == "product"
            and m.nodes[e["target"]]["kind"] == "product"
            and e["target"] in shown
        )
        if (c["context"] == "general" and both_shown) or lineage:
            chosen.add(cid)
    return chosen


def subgraph(
    context: str = "all", model: MechanismModel | None = None, products: tuple = ()
) -> tuple[list[dict], list[dict]]:
    """(nodes, edges) of a context's view (with a box per selected product). Edge dicts carry the view's claim ids
    and counts."""
    m = _model(model)
    claim_ids = view_claim_ids(context, m, products)
    per_edge = defaultdict(list)
    for cid in claim_ids:
        per_edge[m.claims[cid]["edge_id"]].append(cid)
    edges = []
    for edge_id in sorted(per_edge):
        ids = per_edge[edge_id]
        n_contrasts = sum(m.claims[c]["stance"] == "contrasts" for c in ids)
        edges.append(
            {
                **m.edges[edge_id],
                "claim_ids": ids,
                "n_citations": len(ids),
                "n_contrasts": n_contrasts,
                "n_supports": len(ids) - n_contrasts,
                "status": "contrasting_only" if n_contrasts == len(ids) else "active",
            }
        )
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


# ---------------------------------------------------------------- evidence


def describe(item_id, model: MechanismModel | None = None) -> dict | None:
    """Title of a node or edge for the evidence panel; None for an unknown id."""
    m = _model(model)
    if not isinstance(item_id, str):
        return None
    if item_id in m.nodes:
        n = m.nodes[item_id]
        return {
            "type": "node",
            "id": item_id,
            "title": n["label"],
            "kind": n["kind"],
            "product_key": n.get("product_key", ""),
        }
    if item_id in m.edges:
        e = m.edges[item_id]
        return {
            "type": "edge",
            "id": item_id,
            "kind": e["kind"],
            "title": f"{m.nodes[e['source']]['label']} → {EDGE_VERBS[e['kind']]} → {m.nodes[e['target']]['label']}",
        }
    return None


def evidence_for(
    item_id, context: str = "all", model: MechanismModel | None = None, products: tuple = ()
) -> list[dict]:
    """The claims behind a node or an edge in a context's view, strongest evidence first; [] for unknown ids."""
    m = _model(model)
    if not isinstance(item_id, str) or (item_id not in m.nodes and item_id not in m.edges):
        return []
    in_view = set(view_claim_ids(context, m, products))
    if item_id in m.edges:
        ids = [c for c in m.claims_by_edge.get(item_id, []) if c in in_view]
    else:
        ids = []
        for cid in sorted(in_view):
            c = m.claims[cid]
            e = m.edges[c["edge_id"]]
            touching = {
                e["source"],
                e["target"],
                c["source_node"],
                c["target_node"],
                *filter(None, c["mediator_nodes"].split(";")),
            }
            if item_id in touching:
                ids.append(cid)
    rank = list(EVIDENCE_LEVELS)
    out = []
    for cid in sorted(ids, key=lambda c: (rank.index(m.claims[c]["evidence_level"]), c)):
        c = m.claims[cid]
        e = m.edges[c["edge_id"]]
        out.append(
            {
                "claim_id": cid,
                "claim": c["claim"],
                "mediator": c["mediator"],
                "note": c["note"],
                "context": c["context"],
                "context_label": CONTEXTS[c["context"]],
                "evidence_level": c["evidence_level"],
                "evidence_label": EVIDENCE_LEVELS[c["evidence_level"]],
                "evidence_raw": c["evidence_raw"],
                "stance": c["stance"],
                "stance_label": STANCES[c["stance"]],
                "url": c["reported_in"],
                "source_label": urlparse(c["reported_in"]).netloc.removeprefix("www."),
                "citation": c.get("citation", ""),
                "citation_title": c.get("citation_title", ""),
                "citation_url": c.get("citation_url", ""),
                "fact_id": c.get("fact_id") or cid,
                "edge_id": c["edge_id"],
                "drawn_from": c["drawn_from"],
                "edge_label": f"{m.nodes[e['source']]['label']} → {EDGE_VERBS[e['kind']]} → "
                f"{m.nodes[e['target']]['label']}",
            }
        )
    return out


def fact_count(claims: list[dict]) -> int:
    """Distinct raw facts behind these claim rows (a fact about cells and EVs is one row per product arrow)."""
    return len({c.get("fact_id") or c["claim_id"] for c in claims})


def claims_table(context: str = "all", model: MechanismModel | None = None, products: tuple = ()) -> list[dict]:
    """The claims of a context's view as flat rows for a CSV download: what is claimed, on which arrow, how
    strong, and who says so (citation, its link, and the page it was read from)."""
    m = _model(model)
    rows = []
    for cid in view_claim_ids(context, m, products):
        c, e = m.claims[cid], m.edges[m.claims[cid]["edge_id"]]
        rows.append(
            {
                "claim_id": cid,
                "fact_id": c.get("fact_id") or cid,
                "arrow": f"{m.nodes[e['source']]['label']} → {EDGE_VERBS[e['kind']]} → {m.nodes[e['target']]['label']}",
                "claim": c["claim"],
                "mediator": c["mediator"],
                "context": CONTEXTS[c["context"]],
                "evidence_level": EVIDENCE_LEVELS[c["evidence_level"]],
                "evidence_as_stated": c["evidence_raw"],
                "stance": STANCES[c["stance"]],
                "note": c["note"],
                "citation": c.get("citation") or "not reported",
                "title": c.get("citation_title") or "not reported",
                "doi": c.get("doi") or "not reported",
                "pmid": c.get("pmid") or "not reported",
                "link": c.get("citation_url") or "not reported",
                "read_from": c["reported_in"],
            }
        )
    return rows


def edge_sentences(nodes: list[dict], edges: list[dict]) -> list[str]:
    """The diagram as sentences, one per edge: the text alternative for screen readers."""
    labels = {n["node_id"]: n["label"] for n in nodes}
    out = []
    for e in edges:
        cites = f"{e['n_citations']} citation{'s' if e['n_citations'] != 1 else ''}"
        if e["status"] == "contrasting_only":
            out.append(
                f"{labels[e['source']]} was tested for: {EDGE_VERBS[e['kind']]} "
                f"{labels[e['target']]}; the effect was not found (contrasting evidence, {cites})."
            )
        else:
            out.append(f"{labels[e['source']]} {EDGE_VERBS[e['kind']]} {labels[e['target']]} ({cites}).")
    return out
