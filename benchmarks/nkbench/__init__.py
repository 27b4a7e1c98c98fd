"""The benchmark's parts (``benchmarks/bench.py`` is the command): timed builds, page figures, the summary.

It measures a temporary copy of the project with the project's own build and
browser (:mod:`nkarms.site.browser`); nothing in ``nkarms`` imports it.
"""
