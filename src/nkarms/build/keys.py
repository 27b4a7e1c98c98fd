"""The parts of a chapter's key that are not files it read: its code, its stored outputs, the libraries.

Deliberately light: it imports neither nbformat nor pandas (a notebook is
read as JSON), so the no-change check of :mod:`nkarms.build.stamps` stays fast.
"""
from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

# The distributions whose versions shape what a chapter outputs or how its outputs are rendered:
# tables (pandas, numpy), chart specs and the chart runtime built from the same compiler
# (altair, vl-convert-python), the stored notebook (nbformat, nbclient, ipykernel), and the
# pages (myst-nb, jupyter-book, sphinx). A new version of any re-executes every chapter.
LIBRARIES = (
    "altair", "frictionless", "ipykernel", "jupyter-book", "myst-nb", "nbclient", "nbformat",
    "numpy", "pandas", "sphinx", "vl-convert-python",
)


def library_versions() -> dict[str, str]:
    """The installed version of each of :data:`LIBRARIES`, and of Python, as importlib.metadata reads them."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def changed_libraries(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """``name old -> new`` for every library whose version differs between two records."""
    names = sorted(set(recorded) | set(current))
    return [f"{name} {recorded.get(name, 'none')} -> {current.get(name, 'none')}"
            for name in names if recorded.get(name) != current.get(name)]


def _cells(notebook: Path) -> list[dict[str, Any]]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _text(source: str | list[str]) -> str:
    """A cell's source as one string (nbformat stores it as a string or as a list of lines)."""
    return source if isinstance(source, str) else "".join(source)


def code_hash(notebook: Path) -> str:
    """Hash of the code cells' sources, in order: all that a run's outputs depend on besides the files read.

    Prose (Markdown cells) is rendered from the notebook as it is, with glued
    numbers taken from the stored outputs, so a prose edit needs no run.
    """
    return _digest([_text(cell["source"]) for cell in _cells(notebook) if cell["cell_type"] == "code"])


def outputs_hash(notebook: Path) -> str:
    """Hash of every code cell's execution count and stored outputs, as they are on disk.

    The build stores it after a run and compares it before trusting the stored
    outputs: an output edited, or a chapter run and saved in JupyterLab on other
    data, no longer matches.
    """
    return _digest([(cell.get("execution_count"), cell.get("outputs"))
                    for cell in _cells(notebook) if cell["cell_type"] == "code"])


def has_outputs(notebook: Path) -> bool:
    """Whether every code cell has run (a cell never run has no execution count)."""
    return all(cell.get("execution_count") is not None for cell in _cells(notebook) if cell["cell_type"] == "code")
