"""Stage 5, build: executes what is stale, then renders the site and the PDF, skipping what is current.

Owns the execution cache (``cache``: which chapters a change affects, and
running them in parallel; ``execute``: one chapter's run and the key it
records; ``keys``: cell, output and library hashes), the raw-data check that
runs first (``rawdata``), rendering with Jupyter Book (``rendering``, with its
inputs derived from the Sphinx extensions' imports in ``imports``), the stage
stamps that skip unchanged stages (``stamps``), the live preview (``serve``,
``python -m nkarms.build.serve``, which ``make serve`` runs) and the command
line (``__main__``):

    python -m nkarms.build site      # the published site: html, then the PDF it links to
    python -m nkarms.build html      # execute what is stale, then build the html only
    python -m nkarms.build pdf       # the same, then the PDF (see nkarms.site.pdf)
    python -m nkarms.build execute   # only refresh stale notebook outputs

It may import every earlier stage; nothing imports it.
"""
