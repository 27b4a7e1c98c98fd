"""Helper package for the executable report on North Korea's arms transfers to Russia.

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
