"""`make serve` builds the way sphinx-autobuild does (plain sphinx-build on the generated conf.py), cleanly.

The live preview is one of the report's three uses. It does not go through
Jupyter Book's own build, so its Sphinx configuration and folders differ
(doctrees inside the output folder): the build must still pass with warnings
as errors and keep its caches out of the published folder.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, copy_project

MAKEFILE = PROJECT / "Makefile"


def serve_recipe() -> list[str]:
    """The shell lines of the Makefile's serve target."""
    lines = MAKEFILE.read_text(encoding="utf-8").split("\nserve:", 1)[1].splitlines()[1:]
    recipe = []
    for line in lines:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_serve_runs_the_generated_config_through_sphinx_autobuild() -> None:
    recipe = " ".join(serve_recipe()).replace("\\ ", " ")
    assert "jupyter-book config sphinx ." in recipe
    assert re.search(r"sphinx-autobuild \. _build/html", recipe)
    assert '--pre-build "$(PY) -m nkarms.build execute"' in recipe


def test_the_preview_build_passes_with_warnings_as_errors(tmp_path: Path) -> None:
    copy_project(tmp_path)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "jupyter-book"), "config", "sphinx", "."], cwd=tmp_path, check=True, capture_output=True)
    result = subprocess.run(
        [str(bin_dir / "sphinx-build"), "-W", "--keep-going", "-q", ".", "_build/html"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    html = tmp_path / "_build" / "html"
    assert (html / "chapters" / "03-missiles.html").is_file()
    assert not (html / "nkarms-static").exists(), "the runtime cache was written into the published folder"
    assert (html / "_static" / "nk-charts.js").is_file()
