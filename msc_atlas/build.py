"""`python -m msc_atlas.build`: the old name of `python -m msc_atlas.pipeline` (rebuild data/ from sources/)."""

from msc_atlas.pipeline.build import main

if __name__ == "__main__":
    main()
