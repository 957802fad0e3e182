"""Registry exports -> data/: parsers, classifiers, country normalisation, curation."""
