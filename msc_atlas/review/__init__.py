"""From a view of the atlas to a review's methods: the record flow, a methods paragraph, the publication table.

Pure functions of the loaded data and a filter state; the Methods page and the Trials export only wire them up.
"""
