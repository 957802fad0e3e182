"""`python -m msc_atlas.pipeline`: rebuild data/ from sources/."""

from msc_atlas.pipeline.build import main

main()
