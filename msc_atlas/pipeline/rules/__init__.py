"""Rule-based classifiers, one module per derived field: the registry text of one trial (`TrialText`) -> controlled-
vocabulary keys plus the evidence phrase.

Pure functions over a `TrialText` (no I/O, no pandas). Every value comes with the registry phrase it was decided
from, so the dashboard can show why; when the text does not say, the value is "unknown" and the evidence "".
Each module's docstring holds the decisions of its field (the judgement calls; change them there, nowhere else);
they follow the policy readers follow (curation/gold/GUIDE.md, its census section and decisions).

  disease   focus_area and disease_group (conditions, MeSH terms, titles; never the summary)
  product   product: what participants receive (msc / msc_ev / msc_secretome, a ';'-list, or non_msc)
  tissue    source_tissue
  donor     donor
  route     route
  dose      every cell-dose level (per kg, in total) and EV amounts

The text they read and the toolkit they share (`TrialText`, `Rule`, tier 1 / tier 2) live in
`msc_atlas.pipeline.text`; `msc_atlas.pipeline.classify` re-exports the public names for the build.
"""
