"""Labelled examples for the registry-text classifiers, plus a vocabulary check over the real ClinicalTrials.gov file."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from msc_atlas import vocab
from msc_atlas.pipeline.classify import (
    Decision,
    Dose,
    TrialText,
    classify_disease_group,
    classify_donor,
    classify_focus_area,
    classify_product,
    classify_route,
    classify_source_tissue,
    parse_dose,
)

FLAT = Path(__file__).resolve().parents[1] / "sources" / "raw" / "ctgov_msc_full_studies_flat_2022-10.csv"


def T(**kw: str) -> TrialText:
    return TrialText(**kw)


# ------------------------------------------------------------------------------------------------ focus area


@pytest.mark.parametrize(
    "text, expected",
    [
        (T(conditions="Covid19 | ARDS"), "covid19_ards"),
        (T(conditions="Pneumonia, Viral", title="UC-MSCs for the 2019-nCoV pneumonia"), "covid19_ards"),
        (T(conditions="Acute Respiratory Distress Syndrome"), "covid19_ards"),
        (T(conditions="Acute Lung Injury"), "covid19_ards"),
        (T(conditions="SARS-CoV-2 Infection"), "covid19_ards"),
        (T(conditions="Decompensated Liver Cirrhosis"), "liver"),
        (T(conditions="Primary Biliary Cholangitis"), "liver"),
        (T(conditions="Acute-on-chronic Liver Failure"), "liver"),
        (T(conditions="Hepatitis B"), "liver"),
        # COVID wins over liver
        (T(conditions="COVID-19 | Liver Injury"), "covid19_ards"),
        # false friends
        (T(conditions="Critical Limb Ischemia", title="Hepatocyte Growth Factor plasmid plus MSCs"), "other"),
        (T(conditions="Graft-versus-host Disease of the Liver"), "other"),
        (T(conditions="Colorectal cancer", title="MSCs via hepatic artery for liver metastases"), "other"),
        (T(conditions="Bronchopulmonary Dysplasia", mesh_terms="Respiratory Distress Syndrome, Newborn"), "other"),
        # the summary alone does not decide
        (T(conditions="Knee Osteoarthritis", summary="During the COVID-19 pandemic, visits were remote."), "other"),
    ],
)
def test_focus_area(text, expected):
    d = classify_focus_area(text)
    assert d.value == expected
    assert (d.evidence != "") == (expected != "other")


# ------------------------------------------------------------------------------------------------ disease group


@pytest.mark.parametrize(
    "text, expected",
    [
        (T(conditions="COVID-19"), "covid19"),
        (T(conditions="Acute Respiratory Distress Syndrome"), "lung"),
        (T(conditions="Liver Cirrhosis"), "liver"),
        (T(conditions="Knee Osteoarthritis"), "musculoskeletal"),
        (T(conditions="Degenerative Disc Disease"), "musculoskeletal"),
        (T(conditions="Spinal Cord Injuries", mesh_terms="Spinal Cord Injuries | Wounds and Injuries"), "neurological"),
        (T(conditions="Multiple Sclerosis"), "neurological"),
        (T(conditions="Amyotrophic Lateral Sclerosis"), "neurological"),
        (T(conditions="Heart Failure"), "cardiovascular"),
        (T(conditions="Critical Limb Ischemia"), "vascular"),
        (T(conditions="Graft vs Host Disease"), "gvhd_immune"),
        (T(conditions="Rheumatoid Arthritis"), "gvhd_immune"),
        (T(conditions="Perianal Fistula in Crohn's Disease"), "gastrointestinal"),
        (T(conditions="Lupus Nephritis"), "kidney"),
        (T(conditions="Erectile Dysfunction"), "kidney"),
        (T(conditions="Diabetic Foot Ulcer"), "skin_wound"),
        (T(conditions="Type 1 Diabetes Mellitus"), "diabetes_metabolic"),
        (T(conditions="Bronchopulmonary Dysplasia"), "lung"),
        (T(conditions="Retinitis Pigmentosa"), "eye"),
        (T(conditions="Premature Ovarian Failure"), "reproductive"),
        (T(conditions="Aplastic Anemia"), "haematological"),
        (T(conditions="Gastrointestinal Stromal Tumor"), "cancer"),
        (T(conditions="Aging Frailty"), "ageing_frailty"),
        (T(conditions="Healthy"), "healthy"),
        (T(conditions="Mesenchymal Stem Cells"), "other"),
        (T(conditions="", title="MSCs for Epidermolysis Bullosa"), "skin_wound"),  # titles second
    ],
)
def test_disease_group(text, expected):
    d = classify_disease_group(text)
    assert d.value == expected
    assert d.value in vocab.DISEASE_GROUPS


# ------------------------------------------------------------------------------------------------ product


@pytest.mark.parametrize(
    "text, expected",
    [
        (T(title="Umbilical Cord MSCs for ARDS", interventions="UC-MSC"), "msc"),
        (T(title="Human Embryonic Stem Cell-derived M Cells (CAStem) for COVID-19", interventions="CAStem"), "non_msc"),
        (T(title="Stem Cell Educator Therapy for COVID-19", interventions="Stem Cell Educator"), "non_msc"),
        (
            T(title="CSTC-Exo inhalation", interventions="COVID-19 Specific T Cell derived exosomes (CSTC-Exo)"),
            "non_msc",
        ),
        (T(title="Exosomes overexpressing CD24 for COVID-19", interventions="EXO-CD24"), "non_msc"),
        (T(title="ExoFlo for COVID-19 ARDS", interventions="ExoFlo"), "msc_ev"),
        (T(title="Inhalation of Mesenchymal Stem Cell Exosomes", interventions="MSCs-derived exosomes"), "msc_ev"),
        # EVs whose origin no registry text states are not an MSC product (Zofin is amniotic-fluid EVs)
        (T(title="The Use of Exosomes for the Treatment of ARDS", interventions="Exosomes"), "non_msc"),
        (
            T(
                title="The Use of Exosomes for the Treatment of ARDS",
                interventions="Exosomes",
                summary="Exosomes derived from bone marrow mesenchymal stem cells",
            ),
            "msc_ev",
        ),
        (
            T(
                title="Mesenchymal Stem Cell Secretome In Severe COVID-19",
                interventions="Injection of secretome - mesenchymal stem cell",
            ),
            "msc_secretome",
        ),
        (T(title="Conditioned medium of UC-MSC for burns", interventions="UC-MSC conditioned medium"), "msc_secretome"),
        # cells given in one arm make it a cell trial
        (
            T(
                title="MSC Therapy for COVID-19 ARDS",
                interventions="MSC | MSC plus EVs",
                intervention_descriptions="two doses of MSCs 100×10e6 at Day 0 and Day 2 plus two doses of EVs",
            ),
            "msc",
        ),
        (T(title="Placental Derived Exosomes and Umbilical Cord Mesenchymal Stem Cells in ARDS"), "msc"),
        (
            T(title="Autograft MSCs Differentiated Into Progenitor of Hepatocytes for End-stage Liver Disease"),
            "non_msc",
        ),
        (T(title="Autologous Bone Marrow Mononuclear Cells for Stroke", interventions="BM-MNC"), "non_msc"),
        (T(title="SVF for knee osteoarthritis", interventions="Stromal vascular fraction"), "msc"),
    ],
)
def test_product(text, expected):
    d = classify_product(text)
    assert d.value == expected
    assert d.value in vocab.PRODUCTS


# ------------------------------------------------------------------------------------------------ source tissue


@pytest.mark.parametrize(
    "text, expected",
    [
        (T(title="Mesenchymal stem cells (MSCs) for COVID-19", interventions="MSCs"), vocab.UNKNOWN),
        (T(interventions="hUC-MSC"), "umbilical_cord"),
        (T(interventions="UCMSCs"), "umbilical_cord"),
        (T(title="Treatment of COVID-19 Patients Using Wharton's Jelly-Mesenchymal Stem Cells"), "wharton_jelly"),
        (T(interventions="BM-MSC"), "bone_marrow"),
        (T(intervention_descriptions="MSCs derived from the patient's own bone marrow"), "bone_marrow"),
        (T(interventions="ADSCs"), "adipose"),
        (T(title="Autologous adipose tissue-derived mesenchymal stromal cells"), "adipose"),
        (T(title="Dental Pulp Mesenchymal Stem Cells for COVID-19", interventions="DPSC"), "dental_pulp"),
        (T(interventions="Menstrual blood-derived stem cells"), "menstrual_blood"),
        (T(interventions="Remestemcel-L"), "bone_marrow"),
        (T(interventions="ExoFlo"), "bone_marrow"),
        (
            T(interventions="PLX-PAD", summary="Placental Adherent Stromal Cells (ASCs) are expanded in a bioreactor"),
            "placenta",
        ),
        (T(interventions="Cartistem"), "cord_blood"),
        (T(interventions="Umbilical cord blood-derived MSCs"), "cord_blood"),
        (T(title="Cryopreserved MSCs of the Placenta and Umbilical Cord"), "umbilical_cord;placenta"),
        (T(title="MSCs for the Treatment of Skin Ulcers"), vocab.UNKNOWN),  # a disease word is not a tissue
        (T(title="MSCs in patients with bone marrow failure"), vocab.UNKNOWN),
        # background enumeration in the summary is not this trial's tissue
        (
            T(interventions="MSC", summary="MSCs can be isolated from bone marrow, adipose tissue and umbilical cord."),
            vocab.UNKNOWN,
        ),
        (T(interventions="MSC", summary="Patients will receive umbilical cord-derived MSCs."), "umbilical_cord"),
    ],
)
def test_source_tissue(text, expected):
    d = classify_source_tissue(text)
    assert d.value == expected
    assert (d.evidence == "") == (expected == vocab.UNKNOWN)


def test_product_name_evidence_cites_the_record():
    # the reviewed dictionary entry, with the registry record that defines the product
    assert "NCT04543994" in classify_source_tissue(T(interventions="Remestemcel-L")).evidence


# ------------------------------------------------------------------------------------------------ donor


@pytest.mark.parametrize(
    "text, expected",
    [
        (T(title="Allogeneic UC-MSCs for ARDS"), "allogeneic"),
        (T(title="Allogenic adipose MSCs"), "allogeneic"),
        (T(intervention_descriptions="third party MSCs, 2 x 10^6 cells/kg"), "allogeneic"),
        (T(intervention_descriptions="non-autologous bone marrow MSCs"), "allogeneic"),
        (T(title="Autologous Bone Marrow MSCs in ALS"), "autologous"),
        (T(intervention_descriptions="MSCs expanded from the patient's own bone marrow"), "autologous"),
        (T(arm_descriptions="Autologous BM-MSC | Allogeneic UC-MSC"), "both"),
        (T(title="UC-MSCs for COVID-19"), vocab.UNKNOWN),  # cord cells are not said to be allogeneic
        # the transplant setting is not the cells' donor
        (
            T(title="MSCs for steroid-refractory GvHD after allogeneic hematopoietic stem cell transplantation"),
            vocab.UNKNOWN,
        ),
        (T(intervention_descriptions="MSCs suspended in autologous serum"), vocab.UNKNOWN),
    ],
)
def test_donor(text, expected):
    assert classify_donor(text).value == expected


# ------------------------------------------------------------------------------------------------ route


@pytest.mark.parametrize(
    "text, expected",
    [
        (T(intervention_descriptions="UC-MSCs will be infused intravenously on day 1"), "intravenous"),
        (T(intervention_descriptions="MSCs 1 x 10^6 cells/kg IV"), "intravenous"),
        (T(intervention_descriptions="MSCs via peripheral vein"), "intravenous"),
        (T(title="A Phase IV study of MSCs"), vocab.UNKNOWN),
        (T(conditions="Lupus nephritis class IV", title="MSCs in grade IV GvHD and stage IV disease"), vocab.UNKNOWN),
        (T(title="Aerosol Inhalation of MSC Exosomes"), "inhalation"),
        (T(intervention_descriptions="nebulized MSC-derived exosomes"), "inhalation"),
        (T(intervention_descriptions="MSCs infused via hepatic artery"), "hepatic_artery"),
        (T(intervention_descriptions="MSCs introduced into portal vein"), "portal_vein"),
        (T(title="Intra-articular injection of ADSCs in knee osteoarthritis"), "intra_articular"),
        (T(title="Intrathecal MSCs for ALS"), "intrathecal"),
        (T(title="Intramuscular injection of PLX-PAD"), "intramuscular"),
        (T(intervention_descriptions="MSC exosomes 10ug/drop, four times a day"), "topical"),
        (
            T(conditions="Alzheimer Disease", intervention_descriptions="MSC-Exos administrated for nasal drip"),
            "intracerebral",
        ),
        (T(title="Transendocardial injection of MSCs"), "intramyocardial"),
        (T(intervention_descriptions="UC-MSC infusion"), "intravenous"),  # bare infusion = intravenous
        (T(intervention_descriptions="injection of mesenchymal stem cells"), vocab.UNKNOWN),  # no route named
        (
            T(intervention_descriptions="MSCs intravenously | Intra-articular corticosteroid"),
            "intravenous",
        ),  # comparator's route
        (T(intervention_descriptions="MSCs intravenously and intrathecally"), "intravenous;intrathecal"),
    ],
)
def test_route(text, expected):
    d = classify_route(text)
    assert d.value == expected
    assert (d.evidence == "") == (expected == vocab.UNKNOWN)


# ------------------------------------------------------------------------------------------------ dose


@pytest.mark.parametrize(
    "text, per_kg, total",
    [
        (T(intervention_descriptions="MSCs 1 x 10^6 cells/kg on day 1"), (1e6,), ()),
        (T(intervention_descriptions="1×10E6/kg body weight"), (1e6,), ()),
        (T(intervention_descriptions="1.0 x 10*6 cells per kilogram"), (1e6,), ()),
        (T(intervention_descriptions="2 million cells/kg"), (2e6,), ()),
        (T(intervention_descriptions="a single infusion of 100 million cells"), (), (1e8,)),
        (T(intervention_descriptions="10^8 cells in 100 ml saline"), (), (1e8,)),
        (T(intervention_descriptions="5x10(7) cells"), (), (5e7,)),
        (T(intervention_descriptions="UC-MSCs 3.3 * 107 cell number / 50ml / bag"), (), (3.3e7,)),
        (T(intervention_descriptions="two doses of MSCs 100×10e6 (±10%)"), (), (1e8,)),
        (T(intervention_descriptions="1-3 x 10^6 cells/kg"), (1e6, 3e6), ()),  # a range keeps both ends
        (T(intervention_descriptions="exosomes 2-5 x10^11 particles/ml"), (), ()),  # EV concentration: no cells
    ],
)
def test_parse_dose(text, per_kg, total):
    d = parse_dose(text)
    assert d.text and len(d.text) <= 200
    assert d.per_kg == pytest.approx(per_kg)
    assert d.total == pytest.approx(total)


def test_no_dose():
    assert parse_dose(T(intervention_descriptions="MSCs on day 1, 3 and 7 in phase 2")) == Dose("")


# ------------------------------------------------------------------------------------------------ real registry file


def _rows() -> list[TrialText]:
    with FLAT.open(newline="", encoding="utf-8") as f:
        return [
            TrialText(
                title=r["BriefTitle"],
                official_title=r["OfficialTitle"],
                conditions=r["Condition"],
                mesh_terms=r["ConditionMeshTerm"],
                keywords=r["Keyword"],
                interventions=" | ".join(x for x in (r["InterventionName"], r["InterventionType"]) if x),
                intervention_descriptions=r["InterventionDescription"],
                arm_descriptions=" | ".join(x for x in (r["ArmGroupLabel"], r["ArmGroupDescription"]) if x),
                summary=r["BriefSummary"],
            )
            for r in csv.DictReader(f)
        ]


@pytest.mark.skipif(not FLAT.exists(), reason="registry export not vendored")
def test_every_value_in_vocabulary_on_real_file():
    rows = _rows()
    assert len(rows) == 1536
    single = [
        (classify_focus_area, vocab.FOCUS_AREAS),
        (classify_disease_group, vocab.DISEASE_GROUPS),
        (classify_product, vocab.PRODUCTS),
        (classify_donor, vocab.DONORS),
    ]
    multi = [(classify_source_tissue, vocab.SOURCE_TISSUES), (classify_route, vocab.ROUTES)]
    for t in rows:
        for fn, allowed in single:
            d = fn(t)
            assert isinstance(d, Decision) and d.value in allowed, (fn.__name__, d)
            assert len(d.evidence) <= 240
        for fn, allowed in multi:
            d = fn(t)
            keys = d.value.split(vocab.MULTI_SEP)
            assert all(k in allowed for k in keys), (fn.__name__, d)
            assert keys == [k for k in allowed if k in keys]  # vocab order, no duplicates
            assert (d.value == vocab.UNKNOWN) == (d.evidence == "")
            assert vocab.UNKNOWN not in keys or len(keys) == 1
        dose = parse_dose(t)
        assert len(dose.text) <= 200
        for v in (*dose.per_kg, *dose.total, *dose.ev):
            assert math.isfinite(v) and v > 0


def test_dose_per_kg_after_a_long_cell_noun():
    from msc_atlas.pipeline.classify import TrialText, parse_dose

    dose = parse_dose(
        TrialText(
            intervention_descriptions=(
                "Two serial doses of 1.5 million adipose-tissue derived mesenchymal stem cells per kg"
            )
        )
    )
    assert dose.per_kg == (1.5e6,) and dose.total == ()
