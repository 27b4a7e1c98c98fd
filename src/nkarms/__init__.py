"""Helper package for the executable report on North Korea's arms transfers to Russia.

Grouped by the stage of the data flow, raw data to tables to analysis to
chapters to site and PDF; a module imports only its own stage and earlier ones
(tests/test_stages.py checks this):

- foundation: ``project`` (root, release), ``files``, ``dates``, ``toc``, ``units``;
- ``data``: loading and validating the tables, and the raw-data pipeline;
- ``analysis``: estimates, best estimates and reconciliations, geography, citations;
- ``story``: charts, tables, maps and glue the chapters call;
- ``site``: Sphinx extensions, chart rendering, the PDF, static assets;
- ``build``: execution cache, stage stamps and the ``python -m nkarms.build`` command.

``nkarms.__version__`` is the release's version, the newest row of
``data/changelog.csv`` (:func:`nkarms.project.release`). It is read when asked
for, not at import, so importing the package reads no file; setuptools asks for
it when the package is installed (``pyproject.toml``: ``dynamic = ["version"]``).
"""
from __future__ import annotations


def __getattr__(name: str) -> str:
    if name == "__version__":
        from nkarms import project

        return project.release().version
    raise AttributeError(f"module 'nkarms' has no attribute {name!r}")
