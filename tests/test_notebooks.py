"""House rules for the chapter notebooks, checked on their stored JSON (no kernel).

Running the chapters is nbval's job (``pytest`` runs ``--nbval-lax`` on
``chapters/``, see pyproject.toml); byte-identical re-execution is covered by
tests/test_build.py. These tests catch what those cannot see:

- a code cell without ``hide-input`` shows its code on the site;
- a ``# NBVAL_CHECK_OUTPUT`` cell without stored outputs passes nbval silently;
- a numpy repr (``np.int64(5)``) in a checked output breaks on another numpy;
- a kernelspec other than ``python3`` fails the build (NoSuchKernel);
- a chapter without a top-level ``# Title`` fails the ``-W`` build;
- a notebook missing from ``_toc.yml`` is silently left out of the site.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from nkarms import toc

PROJECT = Path(__file__).resolve().parents[1]
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
NUMPY_REPR = re.compile(r"\bnp\.(?:int|float|uint|bool|str)_?\d*\(")


CHAPTERS = [f"{name}.ipynb" for name in toc.documents(PROJECT)]


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(PROJECT / name, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list[tuple[int, nbformat.NotebookNode]]:
    return [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def checked_cells(nb: nbformat.NotebookNode) -> list[tuple[int, nbformat.NotebookNode]]:
    return [(index, cell) for index, cell in code_cells(nb) if cell.source.lstrip().startswith(CHECK_MARK)]


def outside_fences(markdown: str) -> list[str]:
    """The lines of ``markdown`` that are not inside a fenced block (``` or :::)."""
    lines, fence = [], None
    for line in markdown.splitlines():
        marker = re.match(r"\s*(`{3,}|:{3,})", line)
        if marker and fence is None:
            fence = marker.group(1)
        elif marker and marker.group(1) == fence:
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


def output_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.extend(str(value) for key, value in output.data.items() if "text/plain" in key)
    return "".join(parts)


def test_the_toc_lists_chapters() -> None:
    assert len(CHAPTERS) >= 2
    assert len(set(CHAPTERS)) == len(CHAPTERS)


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_exists_and_is_valid(name: str) -> None:
    assert (PROJECT / name).is_file(), f"_toc.yml lists {name}, which does not exist"
    nbformat.validate(read(name))


def test_every_chapter_notebook_is_in_the_toc() -> None:
    on_disk = {path.relative_to(PROJECT).as_posix() for path in (PROJECT / "chapters").glob("*.ipynb")}
    assert on_disk - set(CHAPTERS) == set(), "notebooks that the site would leave out (add them to _toc.yml)"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_code_cell_hides_its_input(name: str) -> None:
    shown = [index for index, cell in code_cells(read(name)) if "hide-input" not in cell.metadata.get("tags", [])]
    assert not shown, f"{name}: code cells {shown} lack the hide-input tag"


@pytest.mark.parametrize("name", CHAPTERS)
def test_checked_cells_have_stored_outputs(name: str) -> None:
    for index, cell in checked_cells(read(name)):
        assert cell.outputs, f"{name}: cell {index} is marked {CHECK_MARK} but has no stored output, so nbval passes it silently"
        assert cell.execution_count is not None, f"{name}: cell {index} was never executed"
        assert output_text(cell).strip(), f"{name}: cell {index} stores no text output for nbval to compare"


@pytest.mark.parametrize("name", CHAPTERS)
def test_checked_cells_are_removed_from_the_page(name: str) -> None:
    for index, cell in checked_cells(read(name)):
        assert "remove-output" in cell.metadata.get("tags", []), f"{name}: cell {index} would print its check on the page"


@pytest.mark.parametrize("name", CHAPTERS)
def test_checked_outputs_are_plain_values(name: str) -> None:
    for index, cell in checked_cells(read(name)):
        leaked = NUMPY_REPR.findall(output_text(cell))
        assert not leaked, f"{name}: cell {index} prints numpy reprs {leaked}; print plain ints (int(x))"


@pytest.mark.parametrize("name", CHAPTERS)
def test_checked_cells_exist(name: str) -> None:
    """Every chapter pins at least the numbers its prose quotes."""
    assert checked_cells(read(name)), f"{name} has no {CHECK_MARK} cell"


@pytest.mark.parametrize("name", CHAPTERS)
def test_kernelspec_is_python3(name: str) -> None:
    kernelspec = read(name).metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", f"{name}: kernelspec {kernelspec!r}"
    assert kernelspec.get("language") == "python"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_starts_with_a_title(name: str) -> None:
    first = read(name).cells[0]
    assert first.cell_type == "markdown", f"{name}: the first cell is not Markdown"
    heading = first.source.lstrip().splitlines()[0] if first.source.strip() else ""
    assert re.fullmatch(r"# \S.*", heading), f"{name}: the first line is {heading!r}, not a '# Title'"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_has_one_title(name: str) -> None:
    titles = [line for cell in read(name).cells if cell.cell_type == "markdown"
              for line in outside_fences(cell.source) if re.match(r"# \S", line)]
    assert len(titles) == 1, f"{name}: top-level headings {titles}"
