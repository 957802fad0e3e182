"""The classifiers' public names in one place, for the build, the record flow and the tests.

A facade only: each field's rules and decisions live in its own module of `msc_atlas.pipeline.rules` (disease,
product, tissue, donor, route, dose); the text they read in `msc_atlas.pipeline.text`. Nothing is decided here.
"""

from __future__ import annotations

from msc_atlas.pipeline.rules.disease import classify_disease_group, classify_focus_area
from msc_atlas.pipeline.rules.donor import classify_donor
from msc_atlas.pipeline.rules.dose import Dose, parse_dose
from msc_atlas.pipeline.rules.product import (
    DIFFERENTIATED,
    EV_ORIGIN_UNSTATED,
    NO_MSC_NAMED,
    NOT_MSC_PRODUCT,
    NOT_MSC_REASONS,
    NOTHING_GIVEN,
    classify_product,
)
from msc_atlas.pipeline.rules.route import classify_route
from msc_atlas.pipeline.rules.tissue import classify_source_tissue
from msc_atlas.pipeline.text import Decision, TrialText

__all__ = [
    "DIFFERENTIATED",
    "EV_ORIGIN_UNSTATED",
    "NOTHING_GIVEN",
    "NOT_MSC_PRODUCT",
    "NOT_MSC_REASONS",
    "NO_MSC_NAMED",
    "Decision",
    "Dose",
    "TrialText",
    "classify_disease_group",
    "classify_donor",
    "classify_focus_area",
    "classify_product",
    "classify_route",
    "classify_source_tissue",
    "parse_dose",
]
