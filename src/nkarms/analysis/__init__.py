"""Stage 2, analysis: what the chapters compute from the tables, each assumption stated.

Owns the estimates and their reconciliations (``estimates``), the Ukrainian Air
Force figures (``airforce``), great-circle geography (``geo``) and the citation
registry (``sources``). It may import the foundation modules and ``nkarms.data``,
never ``nkarms.story``, ``nkarms.site`` or ``nkarms.build``.
"""
