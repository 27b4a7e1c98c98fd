"""Stage 3, story: what a chapter shows, built from the analysis.

Owns the house chart theme and builders (``charts``), tables that print the same
in HTML, PDF and Jupyter (``tables``) and the glue helpers that put computed
figures into prose (``publish``), key judgements as sentences (``judgements``),
the best-estimate band drawn behind the claims (``bands``), the filterable
table of every claim (``explorer``), the "What's new" tables
(``whatsnew``), the key findings' table of claims by kind and tier
(``ledger``) and the methods chapter's statements read from the code and
files that enforce them (``methods``). It may import the foundation modules, ``nkarms.data`` and
``nkarms.analysis``, never ``nkarms.site`` or ``nkarms.build``.
"""
