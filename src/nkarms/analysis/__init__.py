"""Stage 2, analysis: what the chapters compute from the tables, each assumption stated.

Owns the estimates (``estimates``), best current estimates with bands and
confidence (``judgement``), reconciliations of figures that bound one another
(``reconcile``), what changed between data releases (``releases``), the
Ukrainian Air Force figures (``airforce``), great-circle geography (``geo``)
and the citation registry (``sources``). It may import the
foundation modules and ``nkarms.data``, never ``nkarms.story``, ``nkarms.site``
or ``nkarms.build``.
"""
