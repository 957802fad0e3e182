"""The mechanism graph: build from sources/ + curation/, the bundled tables, the context views, layout, style,
evidence lookup and the page callbacks (called as functions)."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pandas as pd
import pytest

from msc_atlas import vocab
from msc_atlas.mechanism import layout, style
from msc_atlas.mechanism import model as mechanism
from msc_atlas.pipeline import mechanism_tables as build

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
DATA = ROOT / "data"


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def model():
    return mechanism.load_model(DATA)


@pytest.fixture(scope="module")
def raw_rows():
    return read(SOURCES / "mechanism_facts.csv")


# -- build ----------------------------------------------------------------------------------------------------


def test_bundled_tables_equal_a_fresh_build(tmp_path):
    paths = build.write_mechanism_tables(SOURCES, tmp_path)
    for path in paths.values():
        assert filecmp.cmp(path, DATA / path.name, shallow=False), f"data/{path.name} is stale: rebuild it"


def test_build_is_deterministic_with_unix_line_endings(tmp_path):
    first = build.write_mechanism_tables(SOURCES, tmp_path / "a")
    second = build.write_mechanism_tables(SOURCES, tmp_path / "b")
    for name in first:
        raw = first[name].read_bytes()
        assert raw == second[name].read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")


def test_every_raw_row_is_one_fact_drawn_once_per_product_it_names(model, raw_rows):
    facts = {c["fact_id"] for c in model.claims.values()}
    assert len(facts) == len(raw_rows) == 77
    node_map = {(r["field"], r["raw"]): r["node_id"] for r in read(ROOT / "curation" / "mechanism_node_map.csv")}
    for i, row in enumerate(raw_rows, start=1):
        rows = [c for c in model.claims.values() if c["fact_id"] == f"M{i:03d}"]
        assert sorted(c["source_node"] for c in rows) == sorted(
            node_map[("source_node", row["source_node"])].split(";")
        )
        assert len({c["edge_id"] for c in rows}) == len(rows)  # one row per arrow, never two on one
        claim = model.claims[f"M{i:03d}"]
        assert (claim["source_raw"], claim["effect_raw"], claim["target_raw"]) == (
            row["source_node"],
            row["effect"],
            row["target_node"],
        )
        assert claim["reported_in"] == row["reported_in"] and claim["context"] == row["context"]
        assert claim["evidence_raw"] == row["evidence"]


def test_node_map_covers_every_raw_name(raw_rows):
    mapped = {(r["field"], r["raw"]) for r in read(ROOT / "curation" / "mechanism_node_map.csv")}
    for row in raw_rows:
        assert ("source_node", row["source_node"]) in mapped
        assert ("target_node", row["target_node"]) in mapped
        for part in filter(None, (p.strip() for p in row["mediator"].split(";"))):
            assert ("mediator", part) in mapped


def test_unmapped_name_is_an_error_not_a_guess(raw_rows):
    nodes = read(ROOT / "curation" / "mechanism_nodes.csv")
    node_map = read(ROOT / "curation" / "mechanism_node_map.csv")
    rows = [dict(raw_rows[0], target_node="something new")]
    with pytest.raises(build.MechanismBuildError, match="something new"):
        build.build_mechanism_tables(rows, nodes, node_map)


@pytest.mark.parametrize(
    "raw, level",
    [
        ("human", "human"),
        ("mouse", "animal"),
        ("rat", "animal"),
        ("animal (CCl4 model)", "animal"),
        ("in vitro", "in_vitro"),
        ("review", "review"),
        ("in vitro; mouse", "animal"),
    ],
)
def test_evidence_levels_are_normalised(raw, level):
    assert build.evidence_level(raw) == level


# -- the bundled tables -------------------------------------------------------------------------------------


def test_tables_validate(model):
    nodes, edges, claims = (read(DATA / f"mechanism_{t}.csv") for t in ("nodes", "edges", "claims"))
    assert mechanism.validate(nodes, edges, claims) == []


def test_every_edge_has_a_citation(model):
    for edge_id, edge in model.edges.items():
        assert model.claims_by_edge.get(edge_id), edge_id
        assert int(edge["n_citations"]) == len(model.claims_by_edge[edge_id]) >= 1


def test_no_orphan_nodes(model):
    used = {e[end] for e in model.edges.values() for end in ("source", "target")}
    assert used == set(model.nodes)


def test_validation_reports_orphans_and_uncited_edges():
    nodes = [
        {"node_id": "a", "kind": "mediator"},
        {"node_id": "b", "kind": "mediator"},
        {"node_id": "c", "kind": "outcome"},
    ]
    edges = [{"edge_id": "a__inhibits__b", "source": "a", "target": "b", "kind": "inhibits"}]
    problems = " ".join(mechanism.validate(nodes, edges, []))
    assert "orphan nodes" in problems and "'c'" in problems
    assert "edges without a citation" in problems


def test_sources_are_web_addresses(model):
    for claim in model.claims.values():
        assert claim["reported_in"].startswith(("https://", "http://"))


def test_negative_finding_contrasts_and_is_not_an_active_edge(model):
    contrasting = [c for c in model.claims.values() if c["stance"] == "contrasts"]
    assert len(contrasting) == 1
    claim = contrasting[0]
    assert claim["source_node"] == "gamma_sev" and claim["target_node"] == "hepatic_stellate"
    edge = model.edges[claim["edge_id"]]
    assert edge["status"] == "contrasting_only"
    for context in mechanism.CONTEXTS:
        _, edges = mechanism.subgraph(context, model)
        for e in edges:
            if e["edge_id"] == claim["edge_id"]:
                assert e["status"] == "contrasting_only"
                element = next(
                    el
                    for el in layout.cytoscape_elements(*mechanism.subgraph(context, model))
                    if el["data"]["id"] == e["edge_id"]
                )
                assert "contrasting_only" in element["classes"].split()
    rule = next(r for r in style.stylesheet() if r["selector"] == "edge.contrasting_only")
    assert rule["style"]["target-arrow-shape"] == "none"
    assert rule["style"]["line-color"] == vocab.GREY


def test_the_issue_story_is_in_the_graph(model):
    for node in (
        "msc",
        "msc_ev",
        "gamma_sev",
        "pge2",
        "ido",
        "tsg6",
        "il10",
        "tgfb1",
        "hgf",
        "gsev_proteins",
        "ev_mirnas",
        "macrophage_m2",
        "cx3cr1_macrophage",
        "treg",
        "breg",
        "reg_dc",
        "effector_t",
        "nk_cell",
        "hepatic_stellate",
        "cytokine_storm",
        "lung_injury",
        "liver_fibrosis",
        "ace2_tmprss2",
    ):
        assert node in model.nodes, node
    assert model.edges["msc__lacks__ace2_tmprss2"]["kind"] == "lacks"
    assert "Annexin-A1" in model.nodes["gsev_proteins"]["label"]
    assert "miR-486" in model.nodes["ev_mirnas"]["label"]


# -- context views ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("context", list(mechanism.CONTEXTS))
def test_each_context_is_one_connected_story(model, context):
    nodes, edges = mechanism.subgraph(context, model)
    assert nodes and edges
    parts = mechanism.components(nodes, edges, active_only=True)
    assert len(parts) == 1, f"{context}: {len(parts)} separate pieces: {parts}"


@pytest.mark.parametrize("context", ["covid19_ards", "liver", "general"])
def test_context_views_only_connect_their_own_nodes(model, context):
    own = {cid for cid, c in model.claims.items() if c["context"] == context}
    own_nodes = {model.edges[model.claims[c]["edge_id"]][end] for c in own for end in ("source", "target")}
    nodes, _ = mechanism.subgraph(context, model)
    assert {n["node_id"] for n in nodes} == own_nodes


def test_covid_view_links_tsg6_lung_evidence_to_msc(model):
    _, edges = mechanism.subgraph("covid19_ards", model)
    ids_ = {e["edge_id"] for e in edges}
    assert {"tsg6__inhibits__lung_injury", "msc__secretes_carries__tsg6", "msc__lacks__ace2_tmprss2"} <= ids_
    assert not any(e["source"] == "gamma_sev" for e in edges)


def test_all_view_has_everything(model):
    nodes, edges = mechanism.subgraph("all", model)
    assert len(nodes) == len(model.nodes) and len(edges) == len(model.edges)
    assert sum(e["n_citations"] for e in edges) == len(model.claims)


def test_garbage_context_means_all(model):
    assert mechanism.subgraph(None, model) == mechanism.subgraph("all", model)
    assert mechanism.subgraph("<script>", model) == mechanism.subgraph("all", model)


@pytest.mark.parametrize(
    "focus, context",
    [
        ((), "all"),
        (("covid19_ards",), "covid19_ards"),
        (("liver",), "liver"),
        (("other",), "general"),
        (("covid19_ards", "liver"), "all"),
        (None, "all"),
        (5, "all"),
        ("liver", "liver"),
    ],
)
def test_context_follows_focus(focus, context):
    assert mechanism.context_for_focus(focus) == context


# -- layout and style ---------------------------------------------------------------------------------------


def _overlap(a, b, pad=4):
    return (abs(a["x"] - b["x"]) * 2 < a["w"] + b["w"] + pad) and (abs(a["y"] - b["y"]) * 2 < a["h"] + b["h"] + pad)


@pytest.mark.parametrize("context", list(mechanism.CONTEXTS))
def test_layout_has_no_overlapping_boxes_and_flows_left_to_right(model, context):
    nodes, edges = mechanism.subgraph(context, model)
    pos = layout.layout_positions(nodes, edges, {"msc": 1234, "msc_ev": 56, "msc_secretome": 7})
    ids_ = sorted(pos)
    for i, a in enumerate(ids_):
        for b in ids_[i + 1 :]:
            assert not _overlap(pos[a], pos[b]), (context, a, b)
    layer = {n["node_id"]: n["layer"] for n in nodes}
    for e in edges:
        assert pos[e["source"]]["x"] <= pos[e["target"]]["x"], e["edge_id"]
        if layer[e["source"]] < layer[e["target"]]:
            assert pos[e["source"]]["x"] < pos[e["target"]]["x"]


def test_labels_fit_their_boxes(model):
    nodes, edges = mechanism.subgraph("all", model)
    for el in layout.cytoscape_elements(nodes, edges, {"msc": 1234}):
        if "source" in el["data"] or "colhead" in el.get("classes", ""):
            continue
        lines = el["data"]["label"].split("\n")
        bold = el["data"]["kind"] == "product"
        assert max(layout.text_px(line, bold) for line in lines) <= el["data"]["tmw"] <= el["data"]["w"]
        assert len(lines) * style.LINE_PX <= el["data"]["h"]


def test_wrap_breaks_long_hyphenated_words():
    lines = layout.wrap_label("Anti-inflammatory (M2) macrophages", limit=112)
    assert lines[:2] == ["Anti-", "inflammatory"] and all(layout.text_px(line) <= 112 for line in lines)
    assert layout.wrap_label("IL-10") == ["IL-10"]


def test_glyph_estimate_is_not_narrower_than_dejavu():
    # measured in chromium with DejaVu Sans 14px: "Heme" 41.4 px, "CX3CR1+" 68.4 px, "macrophages" 99.1 px
    assert layout.text_px("Heme") >= 41.4 and layout.text_px("CX3CR1+") >= 68.4 and layout.text_px("macrophages") >= 99


def test_product_nodes_show_trial_counts(model):
    nodes, edges = mechanism.subgraph("all", model)
    els = {el["data"]["id"]: el for el in layout.cytoscape_elements(nodes, edges, {"msc": 1, "msc_ev": 12})}
    assert els["msc"]["data"]["label"].endswith("1 trial")
    assert els["msc_ev"]["data"]["label"].endswith("12 trials")
    # registries do not tell IFN-γ-primed sEVs apart: the box counts EV trials and says so
    assert " ".join(els["gamma_sev"]["data"]["label"].split()).endswith("12 EV trials; priming not registered")
    assert els["msc_secretome"]["data"]["label"].endswith("0 trials")
    without = {el["data"]["id"]: el for el in layout.cytoscape_elements(nodes, edges, None)}
    assert "trial" not in without["msc"]["data"]["label"]


def test_edge_kinds_have_distinct_styles():
    sheet = {r["selector"]: r["style"] for r in style.stylesheet()}
    looks = set()
    for kind in mechanism.EDGE_KINDS:
        look = sheet[f"edge.{kind}"]
        looks.add((look["line-color"], look["line-style"], look["target-arrow-shape"]))
        assert look["line-color"] in vocab.OKABE_ITO
    assert len(looks) == len(mechanism.EDGE_KINDS)
    # no two kinds share an arrowhead, so none depends on colour alone
    assert len({sheet[f"edge.{k}"]["target-arrow-shape"] for k in mechanism.EDGE_KINDS}) == len(mechanism.EDGE_KINDS)
    assert sheet["edge.inhibits"]["target-arrow-shape"] == "tee"


def test_selection_fades_everything_but_the_neighbourhood(model):
    nodes, edges = mechanism.subgraph("all", model)
    sheet = style.stylesheet("hepatic_stellate", nodes, edges)
    keep = next(r for r in sheet if r["style"].get("opacity") == 1 and r["selector"].startswith("#"))
    chosen = set(keep["selector"].replace("#", "").split(", "))
    assert {"hepatic_stellate", "hgf", "msc_ev", "gamma_sev", "hgf__inhibits__hepatic_stellate"} <= chosen
    assert "treg" not in chosen
    assert style.stylesheet("no-such-thing", nodes, edges) == style.stylesheet()


def test_layout_option_changes_only_with_positions(model):
    a = layout.cytoscape_elements(*mechanism.subgraph("liver", model), {"msc": 1})
    b = layout.cytoscape_elements(*mechanism.subgraph("liver", model), {"msc": 1})
    c = layout.cytoscape_elements(*mechanism.subgraph("covid19_ards", model), {"msc": 1})
    assert layout.layout_option(a) == layout.layout_option(b) != layout.layout_option(c)
    assert layout.layout_option(a)["name"] == "preset"


def test_legend_svgs_exist_for_every_edge_look():
    for kind in [*mechanism.EDGE_KINDS, "contrasting_only"]:
        assert style.legend_svg(kind).startswith("data:image/svg+xml")


# -- evidence -----------------------------------------------------------------------------------------------


def test_evidence_for_an_edge_lists_its_claims_with_sources(model):
    claims = mechanism.evidence_for("msc__induces__treg", "all", model)
    assert len(claims) == int(model.edges["msc__induces__treg"]["n_citations"])
    for c in claims:
        assert c["url"].startswith("http") and c["evidence_level"] in mechanism.EVIDENCE_LEVELS
        assert c["stance"] == "supports"
    ranks = [list(mechanism.EVIDENCE_LEVELS).index(c["evidence_level"]) for c in claims]
    assert ranks == sorted(ranks)


def test_evidence_for_a_node_includes_mediator_claims(model):
    claim_ids = {c["claim_id"] for c in mechanism.evidence_for("tsg6", "all", model)}
    # "TSG-6 knockdown removed most effects": the lung-injury claim names TSG-6 as its mediator
    assert {"M063", "M064", "M061", "M062"} <= claim_ids


def test_evidence_respects_the_context(model):
    liver = mechanism.evidence_for("msc__induces__treg", "liver", model)
    assert {c["context"] for c in liver} <= {"liver", "general"}
    assert mechanism.evidence_for("lung_injury", "liver", model) == []


@pytest.mark.parametrize("garbage", [None, "", "nope", 3, ["msc"], {"id": "msc"}, "msc; DROP", "#msc"])
def test_evidence_for_garbage_is_empty(model, garbage):
    assert mechanism.evidence_for(garbage, "all", model) == []
    assert mechanism.describe(garbage, model) is None


def test_text_alternative_has_one_sentence_per_edge(model):
    nodes, edges = mechanism.subgraph("liver", model)
    sentences = mechanism.edge_sentences(nodes, edges)
    assert len(sentences) == len(edges)
    assert any("not found (contrasting evidence" in s for s in sentences)


def test_trial_counts_by_product():
    from reference import trial_counts_by_product  # the oracle of selection.counts_by(state, "product")

    frame = pd.DataFrame({"trial_id": ["A", "B", "B", "C", "D"], "product": ["msc", "msc", "msc", "msc_ev", None]})
    assert trial_counts_by_product(frame) == {"msc": 2, "msc_ev": 1}
    assert trial_counts_by_product(None) == {}
    assert trial_counts_by_product(pd.DataFrame({"x": [1]})) == {}
    assert trial_counts_by_product(pd.DataFrame(columns=["trial_id", "product"])) == {}


def test_claims_about_cells_and_their_evs_sit_on_the_ev_arrows_too(model):
    # Tsuchiya 2020 and Tang 2022 name "MSC / MSC exosome(s)" together: the EV box carries those arrows as well
    ev_m2 = model.claims_by_edge["msc_ev__induces__macrophage_m2"]
    assert {"M001b", "M066"} <= set(ev_m2)
    assert model.claims["M001b"]["fact_id"] == "M001" and model.claims["M001"]["source_node"] == "msc"
    assert "msc_ev__polarizes__macrophage_m2" in model.edges  # "MSC / MSC-sEV -> macrophages -> M2"


def test_a_selected_product_always_has_its_box(model):
    products = lambda nodes: {n["node_id"] for n in nodes if n["kind"] == "product"}  # noqa: E731
    covid, covid_edges = mechanism.subgraph("covid19_ards", model)
    assert products(covid) == {"msc", "msc_ev"}  # the EV box: Tsuchiya 2020 names MSCs and their exosomes
    with_secretome, edges = mechanism.subgraph("covid19_ards", model, products=("msc_secretome", "msc_ev"))
    assert products(with_secretome) == {"msc", "msc_ev", "msc_secretome"}  # not the γ-sEV variant of the EV box
    assert any(e["target"] == "msc_secretome" and e["source"] == "msc" for e in edges)  # drawn from its cells
    assert mechanism.subgraph("covid19_ards", model, products=("nonsense", 5)) == (covid, covid_edges)
    assert mechanism.subgraph("covid19_ards", model, products="msc_secretome") == (covid, covid_edges)


def test_claims_carry_their_citation_and_no_curator_instruction(model):
    cited = [c for c in model.claims.values() if c["reported_in"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC3138686"]
    assert len(cited) == 2
    for c in cited:
        assert c["citation"] == "Choi et al., 2011, Blood"
        assert c["citation_url"] == "https://doi.org/10.1182/blood-2010-12-327353"
    for c in model.claims.values():
        assert "do not draw" not in c["note"].casefold()
        assert c["citation_url"] == "" or c["citation_url"].startswith("https://")
    negative = model.claims["M014"]
    assert negative["stance"] == "contrasts" and negative["note"].startswith("NEGATIVE finding")


def test_claims_table_has_a_citation_or_says_not_reported(model):
    rows = mechanism.claims_table("covid19_ards", model)
    assert rows and all(r["citation"] and r["link"] and r["read_from"].startswith("http") for r in rows)
    leng = [r for r in rows if "PMC7069465" in r["read_from"]]
    assert leng and all(r["citation"] == "Leng et al., 2020, Aging Dis" for r in leng)
    assert all(r["doi"] == "10.14336/AD.2020.0228" and r["pmid"] == "not reported" for r in leng)
