"""What each page shows for a filter state, cached per state: one module per page (`overview`, `sources_routes`, `evidence`,
`trials`) and one for a trial's record (`detail`).

Pages call these and only wire the results to components. Caching by the (frozen, hashable) filter state means a
view asked for again (another client, back/forward, the same lens) costs a dictionary look-up.
"""

from msc_atlas.views import compare, coverage, detail, evidence, overview, sources_routes, trials

__all__ = ["compare", "coverage", "detail", "evidence", "overview", "sources_routes", "trials"]
