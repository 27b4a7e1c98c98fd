"""The build re-executes exactly the chapters a change affects (src/nkarms/build.py).

Jupyter Book's own cache keys a notebook on its code only, so a changed data
table would leave old numbers on the site. ``python -m nkarms.build`` keys each
chapter on its cells and on the hash of every file it read when it last ran
(``chapters/execution-manifest.json``). These tests drive the real command on a
temporary copy of the project, one step after another, and read which chapters
ran from ``<copy>/_build/executed.json``:

1. ``execute``: bring the copy up to date (whatever the working tree left stale);
2. ``html``, nothing changed: no chapter runs, and the site builds (``-W``);
3. ``html`` after one ``launched`` value in data/derived/ua_kn23_attacks.csv
   changes: exactly the chapters whose manifest inputs include that file run,
   and the new total is on the built page;
4. ``execute`` after the value is put back: the same chapters run, and every
   notebook and the manifest are byte-identical to step 2 (re-execution is
   deterministic);
5. ``execute`` after one Markdown cell of one chapter changes: that chapter alone runs.

The copy includes ``src/`` and runs with ``PYTHONPATH=<copy>/src``, so the kernel
imports the copied package: the manifest's module keys resolve in the copy, and
an edit to the working tree's ``src/`` during the run cannot make chapters stale.
Two full Jupyter Book builds in all (steps 2 and 3; step 3 is incremental).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from nkarms import toc

PROJECT = Path(__file__).resolve().parents[1]
INPUTS = ("_config.yml", "_toc.yml", "chapters", "data", "src")
TABLE = "data/derived/ua_kn23_attacks.csv"
MANIFEST = "chapters/execution-manifest.json"
TIMEOUT = 1800


@dataclass
class Step:
    """One run of the build: what it executed, how long it took, and what it left."""

    executed: list[str]
    seconds: float
    notebooks: dict[str, bytes] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)


class Project:
    """A temporary copy of the project and the build command run on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.original_table = b""
        ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info")
        for name in INPUTS:
            source = PROJECT / name
            if source.is_dir():
                shutil.copytree(source, root / name, ignore=ignore)
            else:
                shutil.copy2(source, root / name)
        # Any other project file a chapter reads (CITATION.cff, ...), as the manifest names it.
        for entry in json.loads((PROJECT / MANIFEST).read_text(encoding="utf-8")).values():
            for name in entry["inputs"]:
                if not Path(name).is_absolute() and (PROJECT / name).is_file() and not (root / name).exists():
                    (root / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(PROJECT / name, root / name)
        if (PROJECT / "CITATION.cff").is_file() and not (root / "CITATION.cff").exists():
            shutil.copy2(PROJECT / "CITATION.cff", root / "CITATION.cff")
        self.chapters = [f"{name}.ipynb" for name in toc.documents(root)]

    def build(self, target: str) -> Step:
        env = {
            **os.environ,
            "NKARMS_PROJECT_ROOT": str(self.root),
            "PYTHONPATH": os.pathsep.join([str(self.root / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        }
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "nkarms.build", target, "--root", str(self.root)],
            env=env, capture_output=True, text=True, timeout=TIMEOUT,
        )
        seconds = time.monotonic() - start
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-30:]
            pytest.fail(f"`python -m nkarms.build {target}` failed ({result.returncode}):\n" + "\n".join(tail), pytrace=False)
        executed = json.loads((self.root / "_build" / "executed.json").read_text(encoding="utf-8"))
        step = Step(executed=executed, seconds=seconds, manifest=self.manifest(),
                    notebooks={name: (self.root / name).read_bytes() for name in self.chapters})
        if target == "html":
            step.pages = {name: self.page(name).read_text(encoding="utf-8") for name in self.chapters}
        print(f"\nnkarms.build {target}: {seconds:.0f} s, executed {executed or 'none'}")
        return step

    def manifest(self) -> dict:
        return json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))

    def page(self, chapter: str) -> Path:
        return self.root / "_build" / "html" / Path(chapter).with_suffix(".html")

    def readers(self, table: str, manifest: dict) -> list[str]:
        """The chapters, in book order, whose recorded inputs include ``table``."""
        return [name for name in self.chapters if table in manifest[name]["inputs"]]


# --- the ordered steps, each a module fixture that runs after the one before -----------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(tmp_path_factory.mktemp("build-project"))


@pytest.fixture(scope="module")
def prepared(project: Project) -> Step:
    return project.build("execute")


@pytest.fixture(scope="module")
def unchanged(project: Project, prepared: Step) -> Step:
    return project.build("html")


@dataclass
class Change:
    step: Step
    old_total: int
    new_total: int


@pytest.fixture(scope="module")
def data_changed(project: Project, unchanged: Step) -> Change:
    path = project.root / TABLE
    original = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(original.decode("utf-8"))))
    old_total = sum(int(row["launched"]) for row in rows if row["launched"])
    lines = original.decode("utf-8").split("\n")
    column = lines[0].split(",").index("launched")
    # A new total that no page shows yet, so finding it on the page proves the change got there.
    delta = next(d for d in range(1000, 100_000, 1000)
                 if not any(f"{old_total + d:,}" in page for page in unchanged.pages.values()))
    # The first row without quoted cells, so splitting on commas finds the right cell.
    row = next(i for i, line in enumerate(lines) if i and line and '"' not in line and line.split(",")[column])
    cells = lines[row].split(",")
    cells[column] = str(int(cells[column]) + delta)
    lines[row] = ",".join(cells)
    path.write_bytes("\n".join(lines).encode("utf-8"))
    project.original_table = original
    return Change(step=project.build("html"), old_total=old_total, new_total=old_total + delta)


@pytest.fixture(scope="module")
def data_restored(project: Project, data_changed: Change) -> Step:
    (project.root / TABLE).write_bytes(project.original_table)
    return project.build("execute")


@pytest.fixture(scope="module")
def edited_chapter(project: Project, unchanged: Step) -> str:
    """A chapter that does not read the changed table, so its run in step 5 is due to the edit alone."""
    return next(name for name in project.chapters if name not in project.readers(TABLE, unchanged.manifest))


@pytest.fixture(scope="module")
def markdown_edited(project: Project, data_restored: Step, edited_chapter: str) -> Step:
    path = project.root / edited_chapter
    nb = nbformat.read(path, as_version=4)
    cell = next(cell for cell in reversed(nb.cells) if cell.cell_type == "markdown")
    cell.source += "\n\nThis sentence was added by the build test."
    nbformat.write(nb, path)
    return project.build("execute")


# --- tests ----------------------------------------------------------------------------------


def test_copy_is_brought_up_to_date(project: Project, prepared: Step) -> None:
    assert set(prepared.manifest) >= set(project.chapters)
    assert set(prepared.executed) <= set(project.chapters)


def test_no_change_build_executes_nothing(unchanged: Step, prepared: Step) -> None:
    assert unchanged.executed == []
    assert unchanged.manifest == prepared.manifest
    assert unchanged.notebooks == prepared.notebooks


def test_site_pages_carry_one_csp_meta_before_any_script(unchanged: Step) -> None:
    """One policy per page, preceded in <head> by nothing but <meta charset>."""
    for name, page in unchanged.pages.items():
        assert page.count('http-equiv="Content-Security-Policy"') == 1, name
        head = page.split("<head>", 1)[1].split('<meta http-equiv="Content-Security-Policy"', 1)[0]
        assert all(re.fullmatch(r'<meta charset="[^"]*"\s*/?>', tag) for tag in re.findall(r"<[a-z][^>]*>", head)), name


def test_data_change_reexecutes_exactly_the_chapters_that_read_it(
        project: Project, unchanged: Step, data_changed: Change) -> None:
    readers = project.readers(TABLE, unchanged.manifest)
    assert readers, f"no chapter records {TABLE} among its inputs"
    assert len(readers) < len(project.chapters)
    assert data_changed.step.executed == readers


def test_chapters_that_do_not_read_it_are_untouched(
        project: Project, unchanged: Step, data_changed: Change) -> None:
    for name in project.chapters:
        if name not in data_changed.step.executed:
            assert data_changed.step.notebooks[name] == unchanged.notebooks[name], name


def test_data_change_reaches_the_built_page(unchanged: Step, data_changed: Change) -> None:
    new, old = f"{data_changed.new_total:,}", f"{data_changed.old_total:,}"
    showing = [name for name in data_changed.step.executed if re.search(rf"(?<![\d,.]){re.escape(new)}(?![\d,])",
                                                                      data_changed.step.pages[name])]
    assert showing, f"no re-executed chapter's page shows the new total {new}"
    for name in showing:
        assert old in unchanged.pages[name], f"{name} did not show the old total {old} before the change"
        assert new not in unchanged.pages[name]


def test_reexecution_is_byte_identical(project: Project, unchanged: Step, data_changed: Change,
                                       data_restored: Step) -> None:
    assert data_restored.executed == data_changed.step.executed
    for name in project.chapters:
        assert data_restored.notebooks[name] == unchanged.notebooks[name], f"{name} differs after re-running on the same inputs"
    assert data_restored.manifest == unchanged.manifest


def test_markdown_edit_reexecutes_that_chapter_alone(edited_chapter: str, markdown_edited: Step) -> None:
    assert markdown_edited.executed == [edited_chapter]
