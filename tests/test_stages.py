"""The helper package is grouped by stage, and data flows one way (issue 11).

Stages, in the order data flows: the foundation modules at the top of the
package (``nkarms.project``, ``files``, ``dates``, ``toc``, ``units``), then
``data``, ``analysis``, ``story``, ``site`` and ``build``. A module may import
its own stage and earlier ones, never a later one; each stage says so in its
docstring. Modules stay small enough to read in one sitting.
"""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "nkarms"
STAGES = ["data", "analysis", "story", "site", "build"]
MAX_LINES = 310


def stage_of(module: str) -> int | None:
    """0 for the foundation, 1.. for the stages in order; None outside the package."""
    parts = module.split(".")
    if parts[0] != "nkarms":
        return None
    return STAGES.index(parts[1]) + 1 if len(parts) > 1 and parts[1] in STAGES else 0


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def modules() -> list[tuple[str, Path]]:
    return sorted((".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts), path)
                  for path in PACKAGE.rglob("*.py"))


def test_stage_of_orders_the_flow():
    assert [stage_of(name) for name in ("nkarms.project", "nkarms.data.load", "nkarms.analysis.geo",
                                         "nkarms.story.charts", "nkarms.site.pdf", "nkarms.build.cache", "pandas")] \
        == [0, 1, 2, 3, 4, 5, None]


def test_no_module_imports_a_later_stage():
    upward = [f"{name} imports {target}" for name, path in modules() for target in imported_modules(path)
              if stage_of(target) is not None and stage_of(target) > stage_of(name)]
    assert modules() and upward == []


def test_an_upward_import_is_caught(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from nkarms.site import render\n", encoding="utf-8")
    assert any(stage_of(target) > stage_of("nkarms.story.probe") for target in imported_modules(probe))


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_owns_and_may_import(stage):
    doc = importlib.import_module(f"nkarms.{stage}").__doc__ or ""
    assert doc.startswith(f"Stage {STAGES.index(stage) + 1}, {stage}:"), doc[:80]
    assert "import" in doc


def test_modules_stay_small():
    long = {name: n for name, path in modules() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
