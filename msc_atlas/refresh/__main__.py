"""`python -m msc_atlas.refresh`: refresh data/ from ClinicalTrials.gov API v2 and WHO ICTRP exports."""

import sys

from msc_atlas.refresh.run import main

sys.exit(main())
