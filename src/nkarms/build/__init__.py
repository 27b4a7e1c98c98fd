"""Stage 5, build: executes what is stale, then renders the site and the PDF.

Owns the execution cache (``cache``: which chapters a change affects, and
running them), rendering with Jupyter Book (``rendering``) and the command line
(``__main__``):

    python -m nkarms.build site      # the published site: html, then the PDF it links to
    python -m nkarms.build html      # execute what is stale, then build the html only
    python -m nkarms.build pdf       # the same, then the PDF (see nkarms.site.pdf)
    python -m nkarms.build execute   # only refresh stale notebook outputs

It may import every earlier stage; nothing imports it.
"""
