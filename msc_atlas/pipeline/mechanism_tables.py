"""sources/mechanism_facts.csv + curation/ -> data/mechanism_{nodes,edges,claims}.csv.

The raw file holds 77 short claims ("source -> effect -> target", with mediator, context, evidence and page).
This step only normalises names through the reviewed maps in curation/ and groups claims into edges; it never
adds a claim. Rules, in one place so the diagram can be explained:

* Names: every raw source_node / target_node / mediator string is looked up in curation/mechanism_node_map.csv
  (mediator cells are split on ";"). A raw name missing from the map is an error, not a guess.
* Cells and their vesicles named together ("MSC / MSC exosome"): the map gives both products ("msc;msc_ev"), and
  the claim is drawn on each product's arrow, as one row per arrow (M001 on the cell arrow, M001b on the EV
  arrow) that share `fact_id`. A claim about EVs thus counts on the EV arrows too; a count of facts counts
  distinct `fact_id`.
* Edges: one edge per (source node, kind, target node). `effect` maps to a kind; secretes and carries share
  `secretes_carries`. Each claim sits on exactly one edge.
* Drawn from the mediator: when a claim about a product names exactly one mediator that is a mediator node
  (e.g. "MSC conditioned medium inhibits immune responses", mediator PGE2, blocked by anti-PGE2), its edge runs
  from that mediator (PGE2 -> effector T cells) so the diagram reads product -> mediator -> target. The claim keeps
  its raw subject and is marked `drawn_from=mediator`. Secretes/carries claims are never re-routed.
* Stance: a claim whose note says "NEGATIVE finding" contrasts; every other claim supports. An edge whose claims
  all contrast has status `contrasting_only`: the page draws it as a grey dashed line without an arrowhead,
  never as an active arrow.
* Citation: every cited page has a row in curation/mechanism_sources.csv (pipeline/mechanism_sources.py); the
  claim carries the article's citation text, title and link (DOI, else PubMed, else PMC) beside the page it was
  read from (`reported_in`).
* Notes: the raw note is kept for readers, without the curator's drawing instructions ("do not draw as an active
  edge"), which the stance rule above already carries out.
* Evidence level: human | animal (mouse, rat, "animal (... model)") | in_vitro | review; a cell naming several
  ("in vitro; mouse") takes the strongest, human > animal > in_vitro > review. The raw text is kept.

Output is deterministic: sorted rows, UTF-8, "\\n" line endings.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

from msc_atlas.config import BUNDLED_DATA_DIR, CURATION_DIR, SOURCES_DIR
from msc_atlas.pipeline.mechanism_sources import SOURCES_FILE, citation_href, citation_text, validate_sources

FACTS_FILE = "mechanism_facts.csv"
NODES_FILE = "mechanism_nodes.csv"
NODE_MAP_FILE = "mechanism_node_map.csv"

CONTEXTS = ("covid19_ards", "liver", "general")
NODE_KINDS = ("product", "mediator", "target_cell", "outcome", "property")
EDGE_KIND_OF_EFFECT = {
    "induces": "induces",
    "inhibits": "inhibits",
    "secretes": "secretes_carries",
    "carries": "secretes_carries",
    "recruits": "recruits",
    "polarizes": "polarizes",
    "lacks": "lacks",
}
EVIDENCE_RANK = ("human", "animal", "in_vitro", "review")  # strongest first
NEGATIVE_MARK = "negative finding"

NODE_COLUMNS = ["node_id", "label", "kind", "layer", "order", "product_key", "contexts", "n_claims"]
EDGE_COLUMNS = [
    "edge_id",
    "source",
    "target",
    "kind",
    "status",
    "contexts",
    "n_citations",
    "n_supports",
    "n_contrasts",
    "n_sources",
]
CLAIM_COLUMNS = [
    "claim_id",
    "fact_id",
    "edge_id",
    "claim",
    "source_raw",
    "effect_raw",
    "target_raw",
    "mediator",
    "mediator_nodes",
    "drawn_from",
    "source_node",
    "target_node",
    "context",
    "evidence_level",
    "evidence_raw",
    "stance",
    "reported_in",
    "citation",
    "citation_title",
    "citation_url",
    "doi",
    "pmid",
    "note",
]
CURATOR_MARK = "do not "  # a note segment that instructs the curator, not the reader


class MechanismBuildError(ValueError):
    """The raw claims and the curated maps disagree; the message lists every problem found."""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def evidence_level(raw: str) -> str:
    """Normalise an evidence cell to human | animal | in_vitro | review (the strongest named)."""
    levels = set()
    for token in (t.strip().casefold() for t in raw.split(";")):
        if token == "human":
            levels.add("human")
        elif token in ("mouse", "rat") or token.startswith("animal"):
            levels.add("animal")
        elif token == "in vitro":
            levels.add("in_vitro")
        elif token == "review":
            levels.add("review")
        elif token:
            raise MechanismBuildError(f"unknown evidence level {raw!r}")
    for level in EVIDENCE_RANK:
        if level in levels:
            return level
    raise MechanismBuildError(f"empty evidence level {raw!r}")


def _split_mediators(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _join_contexts(contexts) -> str:
    present = set(contexts)
    return ";".join(c for c in CONTEXTS if c in present)


def public_note(note: str) -> str:
    """The raw note without segments addressed to the curator ("do not draw as an active edge")."""
    parts = [p.strip() for p in note.split(";")]
    return "; ".join(p for p in parts if p and not p.casefold().startswith(CURATOR_MARK))


def build_mechanism_tables(
    facts: list[dict], curated_nodes: list[dict], node_map: list[dict], sources: list[dict] | None = None
):
    """Pure core of the build: raw rows + curation -> (nodes, edges, claims) as lists of dicts.
    `sources` (curation/mechanism_sources.csv rows) is required for every cited page when given."""
    problems: list[str] = []
    source_by_url: dict[str, dict] = {}
    if sources is not None:
        problems += validate_sources(sources, {row["reported_in"] for row in facts})
        source_by_url = {row["url"]: row for row in sources}
    nodes_by_id = {n["node_id"]: n for n in curated_nodes}
    for n in curated_nodes:
        if n["kind"] not in NODE_KINDS:
            problems.append(f"node {n['node_id']}: unknown kind {n['kind']!r}")
    lookup: dict[tuple[str, str], str] = {}
    for row in node_map:
        key = (row["field"], row["raw"])
        if key in lookup:
            problems.append(f"node map: duplicate entry {key}")
        for node_id in filter(None, row["node_id"].split(";")):
            if node_id not in nodes_by_id:
                problems.append(f"node map: {key} points to unknown node {node_id!r}")
        if ";" in row["node_id"] and row["field"] != "source_node":
            problems.append(f"node map: {key}: only a claim's source may name several products")
        lookup[key] = row["node_id"]

    def nodes_of(field: str, raw: str, line: int) -> list[str]:
        if (field, raw) not in lookup:
            problems.append(f"line {line}: {field} {raw!r} is not in {NODE_MAP_FILE}")
            return []
        node_ids = [n for n in lookup[(field, raw)].split(";") if n]
        if not node_ids and field != "mediator":
            problems.append(f"line {line}: {field} {raw!r} maps to no node")
        return node_ids

    def node_of(field: str, raw: str, line: int) -> str:
        found = nodes_of(field, raw, line)
        return found[0] if found else ""

    claims = []
    for i, row in enumerate(facts, start=1):
        line = i + 1  # header is line 1
        sources_of_claim = nodes_of("source_node", row["source_node"], line)
        tgt = node_of("target_node", row["target_node"], line)
        mediator_nodes = [
            node for node in (node_of("mediator", part, line) for part in _split_mediators(row["mediator"])) if node
        ]
        effect = row["effect"]
        if effect not in EDGE_KIND_OF_EFFECT:
            problems.append(f"line {line}: unknown effect {effect!r}")
            continue
        if row["context"] not in CONTEXTS:
            problems.append(f"line {line}: unknown context {row['context']!r}")
        url = urlparse(row["reported_in"])
        if url.scheme not in ("http", "https") or not url.netloc:
            problems.append(f"line {line}: reported_in is not a web address: {row['reported_in']!r}")
        try:
            level = evidence_level(row["evidence"])
        except MechanismBuildError as exc:
            problems.append(f"line {line}: {exc}")
            level = ""
        if sources is not None and row["reported_in"] not in source_by_url:
            continue  # reported by validate_sources
        if not sources_of_claim or not tgt:
            continue
        cited = source_by_url.get(row["reported_in"], {})
        kind = EDGE_KIND_OF_EFFECT[effect]
        distinct_mediators = sorted(set(mediator_nodes))
        mediator_text = "; ".join(_split_mediators(row["mediator"]))
        claim_text = f"{row['source_node']} → {effect} → {row['target_node']}"
        for nth, src in enumerate(sources_of_claim):
            edge_src, drawn_from = src, "source"
            if (
                kind != "secretes_carries"
                and nodes_by_id[src]["kind"] == "product"
                and len(distinct_mediators) == 1
                and nodes_by_id[distinct_mediators[0]]["kind"] == "mediator"
                and distinct_mediators[0] != tgt
            ):
                edge_src, drawn_from = distinct_mediators[0], "mediator"
            claims.append(
                {
                    "claim_id": f"M{i:03d}" + ("" if nth == 0 else "bcdefgh"[nth - 1]),
                    "fact_id": f"M{i:03d}",
                    "edge_id": f"{edge_src}__{kind}__{tgt}",
                    "claim": claim_text,
                    "source_raw": row["source_node"],
                    "effect_raw": effect,
                    "target_raw": row["target_node"],
                    "mediator": mediator_text,
                    "mediator_nodes": ";".join(distinct_mediators),
                    "drawn_from": drawn_from,
                    "source_node": src,
                    "target_node": tgt,
                    "context": row["context"],
                    "evidence_level": level,
                    "evidence_raw": row["evidence"],
                    "stance": "contrasts" if NEGATIVE_MARK in row["note"].casefold() else "supports",
                    "reported_in": row["reported_in"],
                    "citation": citation_text(cited),
                    "citation_title": cited.get("title", ""),
                    "citation_url": citation_href(cited),
                    "doi": cited.get("doi", ""),
                    "pmid": cited.get("pmid", ""),
                    "note": public_note(row["note"]),
                    "_edge": (edge_src, kind, tgt),
                }
            )

    by_edge: dict[str, list[dict]] = defaultdict(list)
    for claim in claims:
        by_edge[claim["edge_id"]].append(claim)
    edges = []
    for edge_id, edge_claims in sorted(by_edge.items()):
        source, kind, target = edge_claims[0]["_edge"]
        n_contrasts = sum(c["stance"] == "contrasts" for c in edge_claims)
        edges.append(
            {
                "edge_id": edge_id,
                "source": source,
                "target": target,
                "kind": kind,
                "status": "contrasting_only" if n_contrasts == len(edge_claims) else "active",
                "contexts": _join_contexts(c["context"] for c in edge_claims),
                "n_citations": len(edge_claims),
                "n_supports": len(edge_claims) - n_contrasts,
                "n_contrasts": n_contrasts,
                "n_sources": len({c["reported_in"] for c in edge_claims}),
            }
        )

    node_contexts: dict[str, set] = defaultdict(set)
    node_claims: dict[str, set] = defaultdict(set)
    for claim in claims:
        s, _, t = claim["_edge"]
        for node_id in {s, t, claim["source_node"], claim["target_node"], *claim["mediator_nodes"].split(";")} - {""}:
            node_claims[node_id].add(claim["claim_id"])
    for edge in edges:
        for node_id in (edge["source"], edge["target"]):
            node_contexts[node_id].update(edge["contexts"].split(";"))
    unused = sorted(set(nodes_by_id) - set(node_contexts))
    if unused:
        problems.append(f"{NODES_FILE}: nodes not used by any edge (remove or map to them): {unused}")
    if problems:
        raise MechanismBuildError("mechanism tables not built:\n  " + "\n  ".join(problems))

    nodes = []
    for n in curated_nodes:
        if n["node_id"] not in node_contexts:
            continue
        nodes.append(
            {
                **{c: n.get(c, "") for c in ("node_id", "label", "kind", "layer", "order", "product_key")},
                "contexts": _join_contexts(node_contexts[n["node_id"]]),
                "n_claims": len(node_claims[n["node_id"]]),
            }
        )
    nodes.sort(key=lambda n: (int(n["layer"]), int(n["order"]), n["node_id"]))
    for claim in claims:
        del claim["_edge"]
    claims.sort(key=lambda c: c["claim_id"])
    return nodes, edges, claims


def write_mechanism_tables(sources_dir: Path, out_dir: Path, curation_dir: Path = CURATION_DIR) -> dict[str, Path]:
    """Build the three mechanism tables from `sources_dir` and the curation, write them to `out_dir`."""
    sources_dir, out_dir, curation_dir = Path(sources_dir), Path(out_dir), Path(curation_dir)
    nodes, edges, claims = build_mechanism_tables(
        _read_csv(sources_dir / FACTS_FILE),
        _read_csv(curation_dir / NODES_FILE),
        _read_csv(curation_dir / NODE_MAP_FILE),
        _read_csv(curation_dir / SOURCES_FILE),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "nodes": out_dir / "mechanism_nodes.csv",
        "edges": out_dir / "mechanism_edges.csv",
        "claims": out_dir / "mechanism_claims.csv",
    }
    _write_csv(paths["nodes"], NODE_COLUMNS, nodes)
    _write_csv(paths["edges"], EDGE_COLUMNS, edges)
    _write_csv(paths["claims"], CLAIM_COLUMNS, claims)
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sources_dir = Path(argv[0]) if len(argv) > 0 else SOURCES_DIR
    out_dir = Path(argv[1]) if len(argv) > 1 else BUNDLED_DATA_DIR
    try:
        paths = write_mechanism_tables(sources_dir, out_dir)
    except MechanismBuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    for name, path in paths.items():
        with open(path, encoding="utf-8") as f:
            print(f"{name}: {sum(1 for _ in f) - 1} rows -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
