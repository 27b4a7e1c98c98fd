"""A line run first in every process the build starts (kernels, Jupyter Book, workers): 3 to 4 s less in each.

jsonschema (imported by nbformat and altair) loads the optional
``rfc3987_syntax`` whenever it is installed (JupyterLab's ``jupyter-events``
brings it), and that module builds an Earley grammar at import, for seconds,
only to check the ``iri`` string format. No schema the build validates against
(nbformat's, altair's, frictionless') names that format, so marking the module
absent changes no output: jsonschema then simply leaves ``iri`` unchecked.
"""
from __future__ import annotations

import sys

WITHOUT_IRI_GRAMMAR = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"
# Arguments for an IPython kernel: the line runs before the first cell, outside the history
# (execution counts are unchanged).
KERNEL_ARGUMENTS = [f"--IPKernelApp.exec_lines={WITHOUT_IRI_GRAMMAR}"]
# `python -c JUPYTER_BOOK build ...` is the `jupyter-book` command with the line run first.
JUPYTER_BOOK = f"{WITHOUT_IRI_GRAMMAR}; from jupyter_book.cli.main import main; sys.exit(main())"


def skip_iri_grammar() -> None:
    """In this process, what :data:`WITHOUT_IRI_GRAMMAR` does in a new one."""
    sys.modules.setdefault("rfc3987_syntax", None)
