"""Bring the dataset up to date: ClinicalTrials.gov API v2 pages and WHO ICTRP exports -> the same build -> data/.

`python -m msc_atlas.refresh --help`; docs/refresh.md explains online and offline use.
"""


class RefreshError(ValueError):
    """A refresh input is unreachable, malformed or truncated; data/ has not been changed."""
