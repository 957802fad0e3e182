"""Every page's coverage line for a filter state: the registries and record dates of the matching trials
(msc_atlas.coverage words it), cached per state."""

from __future__ import annotations

from msc_atlas import cache, coverage
from msc_atlas.data import load_version
from msc_atlas.filters import FilterState
from msc_atlas.selection import trial_index


@cache.results(maxsize=256)
def text(state: FilterState) -> str:
    """ "This view covers ClinicalTrials.gov only, records to Oct 2022. ..." ("" when no trial matches)."""
    index = trial_index()
    chosen = index.frame[index.mask(state)]
    return coverage.describe(chosen["registry"].tolist(), chosen["record_as_of"].tolist(), load_version())
