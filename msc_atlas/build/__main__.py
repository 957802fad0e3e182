"""`python -m msc_atlas.build`: rebuild data/ from sources/."""
from msc_atlas.build.build import main

main()
