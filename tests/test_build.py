"""The build re-executes exactly the chapters a change affects, and every chapter it trusts equals a fresh run.

Jupyter Book's own cache keys a notebook on its code only, so a changed data
table would leave old numbers on the site. ``python -m nkarms.build`` keys each
chapter on its cells, the bytes of every file it read, the library versions and
its stored outputs (``chapters/execution-manifest.json``; see
tests/test_cache.py for each part on tiny notebooks). These tests drive the real
command on a temporary copy of the project, one step after another, and read
which chapters ran from ``<copy>/_build/executed.json``:

1. ``execute --force``: every chapter runs, two at a time;
2. ``html``, nothing changed: no chapter runs, and the site builds (``-W``);
3. ``html`` after a new raw snapshot of the Air Force reports (one report's
   ``launched`` count raised, SHA256SUMS updated): the pipeline regenerates
   data/derived/ua_kn23_*.csv, exactly the chapters whose code reads the Air
   Force data run (found by reading their code cells, not from the manifest
   the build wrote), and the new total is on the built page;
4. ``execute`` after the snapshot is put back: the same chapters run again;
5. ``execute`` after one Markdown cell of one chapter changes and a number in
   a stored output of another is edited: the second alone runs (a chapter's
   key is its code; prose is rendered as it stands);
6. ``site``: nothing to execute, the pages (with the new prose) and the PDF are built;
7. ``site`` again, nothing changed: every stage is skipped, and the check
   imports none of the heavy libraries (``_build/stages.json`` says which
   stages ran; timings belong to the benchmark, not here);
8. ``site`` after a file no page includes is saved beside the chapters, twice:
   the sources changed, so the stages run, but the second time the single page
   comes out byte for byte as printed, so the PDF is not printed again.

Why not nbval in strict mode: nbval runs every chapter (``pytest`` collects
``chapters/``), but in lax mode it compares only the cells marked
``# NBVAL_CHECK_OUTPUT``. Strict mode would need sanitizers for every volatile
output. Instead these tests prove what strict mode would: every committed
notebook is byte-identical to a fresh run of it (step 1: no stored number or
table is stale, and re-executing on the same inputs gives the same bytes;
step 4 shows it again for the chapters that ran twice in the copy); and a
stored output edited afterwards is caught and replaced by a run (step 5, with
the outputs hash the build keeps).

The copy includes ``src/`` and runs with ``PYTHONPATH=<copy>/src``, so the kernel
imports the copied package: the manifest's module keys resolve in the copy, and
an edit to the working tree's ``src/`` during the run cannot make chapters stale.
One full chapter run, five html builds (steps 3, 6 and 8 incremental) and one or two PDF prints in all.
"""
from __future__ import annotations

import csv
import hashlib
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
# The raw snapshot changed, the derived tables the pipeline makes from it, and the label of its KN-23 reports.
RAW = Path("data/raw/ua-airforce-missile-attacks/missile_attacks_daily.csv")
TABLE = "data/derived/ua_kn23_attacks.csv"
SUMMARY = "data/derived/ua_kn23_monthly.csv"
KN23_LABEL = "Iskander-M/KN-23"
ADDED_PER_REPORT = 80  # the pipeline refuses a report of more than 100 launches as a likely typo
MANIFEST = "chapters/execution-manifest.json"
PDF = "_build/pdf/report.pdf"
TIMEOUT = 1800
PROSE = "This sentence was added by the build test."
MODULES_MARK = "--- modules imported ---"
LIST_MODULES = ("import sys\nfrom nkarms.build.__main__ import main\nmain(sys.argv[1:])\n"
                f"print({MODULES_MARK!r}, *sorted(sys.modules))")
# What a build with nothing to do must not import: the check is hashing, not data, notebooks or Sphinx.
HEAVY = ("pandas", "numpy", "altair", "nbformat", "nbclient", "sphinx", "frictionless", "playwright", "vl_convert")


@dataclass
class Step:
    """One run of the build: what it executed, how long it took, and what it left."""

    executed: list[str]
    seconds: float
    stages: dict[str, str] = field(default_factory=dict)
    modules: list[str] = field(default_factory=list)
    notebooks: dict[str, bytes] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    pdf: bytes = b""


class Project:
    """A temporary copy of the project and the build command run on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.originals: dict[Path, bytes] = {}
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

    def build(self, target: str, *options: str, list_modules: bool = False) -> Step:
        """Run the build; with ``list_modules``, through a wrapper that also lists every module it imported."""
        env = {
            **os.environ,
            "NKARMS_PROJECT_ROOT": str(self.root),
            "PYTHONPATH": os.pathsep.join([str(self.root / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        }
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, *(["-c", LIST_MODULES] if list_modules else ["-m", "nkarms.build"]),
             target, "--root", str(self.root), *options],
            env=env, capture_output=True, text=True, timeout=TIMEOUT,
        )
        seconds = time.monotonic() - start
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-30:]
            pytest.fail(f"`python -m nkarms.build {target}` failed ({result.returncode}):\n" + "\n".join(tail), pytrace=False)
        executed = json.loads((self.root / "_build" / "executed.json").read_text(encoding="utf-8"))
        stages = json.loads((self.root / "_build" / "stages.json").read_text(encoding="utf-8"))
        modules = result.stdout.split(MODULES_MARK, 1)[1].split() if list_modules else []
        step = Step(executed=executed, seconds=seconds, stages=stages, modules=modules, manifest=self.manifest(),
                    notebooks={name: (self.root / name).read_bytes() for name in self.chapters})
        if target in ("html", "site"):
            step.pages = {name: self.page(name).read_text(encoding="utf-8") for name in self.chapters}
        if target in ("site", "pdf"):
            step.pdf = (self.root / PDF).read_bytes()
        print(f"\nnkarms.build {target} {' '.join(options)}: {seconds:.0f} s, executed {executed or 'none'}")
        return step

    def manifest(self) -> dict:
        return json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))

    def page(self, chapter: str) -> Path:
        return self.root / "_build" / "html" / Path(chapter).with_suffix(".html")

    def recorded_readers(self, manifest: dict, *tables: str) -> list[str]:
        """The chapters, in book order, whose recorded inputs include one of ``tables`` (what the build believes)."""
        return [name for name in self.chapters if set(tables) & set(manifest[name]["inputs"])]

    def readers(self, *tables: str) -> list[str]:
        """The chapters, in book order, whose code loads one of ``tables``: from their cells, not from the build."""
        names = {Path(table).stem for table in tables}
        return [chapter for chapter in self.chapters if names & tables_loaded(self.root / chapter)]

    def air_force_readers(self) -> list[str]:
        """The chapters that read the Air Force data: its derived tables, or the raw snapshot itself
        (nkarms.analysis.ballistic_labels loads ua_iskander_monthly, which the pipeline makes from it)."""
        tables = set(self.readers(TABLE, SUMMARY))
        return [chapter for chapter in self.chapters if chapter in tables or RAW_READER.search(code(self.root / chapter))]


# How a chapter's code loads tables: by name, through a named loader, or all at once (the data
# catalogue and the package validator load every table the data package describes).
LOAD_BY_NAME = re.compile(r"""\bdata\.load\(\s*["'](\w+)["']""")
NAMED_LOADERS = {"load_sources": "sources", "load_events": "events", "load_estimates": "estimates"}
LOAD_ALL = re.compile(r"\bdata\.(catalogue|validate_package)\(")


RAW_READER = re.compile(r"\bballistic_labels\b")


def code(notebook: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code")


def tables_loaded(notebook: Path) -> set[str]:
    """The tables a chapter's code cells load, read from the code itself."""
    code_text = code(notebook)
    if LOAD_ALL.search(code_text):
        package = json.loads((notebook.parents[1] / "data" / "datapackage.json").read_text(encoding="utf-8"))
        return {resource["name"] for resource in package["resources"]}
    return set(LOAD_BY_NAME.findall(code_text)) | {table for loader, table in NAMED_LOADERS.items()
                                                   if re.search(rf"\bdata\.{loader}\(", code_text)}


# --- the ordered steps, each a module fixture that runs after the one before -----------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(tmp_path_factory.mktemp("build-project"))


@pytest.fixture(scope="module")
def prepared(project: Project) -> Step:
    return project.build("execute", "--force", "--jobs", "2")


@pytest.fixture(scope="module")
def unchanged(project: Project, prepared: Step) -> Step:
    return project.build("html")


@dataclass
class Change:
    step: Step
    old_total: int
    new_total: int


def shows(page: str, number: int) -> bool:
    """Whether ``page`` shows ``number`` as a whole number, written as readers see it (1,234)."""
    return re.search(rf"(?<![\d,.]){re.escape(f'{number:,}')}(?![\d,])", page) is not None


def launched_total(root: Path) -> int:
    rows = csv.DictReader(io.StringIO((root / TABLE).read_text(encoding="utf-8")))
    return sum(int(row["launched"]) for row in rows if row["launched"])


@pytest.fixture(scope="module")
def data_changed(project: Project, unchanged: Step) -> Change:
    """A new raw snapshot: some Air Force reports give more launches, and SHA256SUMS lists the new bytes."""
    raw, sums = project.root / RAW, project.root / RAW.parent / "SHA256SUMS"
    project.originals = {raw: raw.read_bytes(), sums: sums.read_bytes()}
    old_total = launched_total(project.root)
    lines = project.originals[raw].decode("utf-8").split("\n")
    header = lines[0].split(",")
    model, launched = header.index("model"), header.index("launched")
    # KN-23 reports without quoted cells (so splitting on commas finds the cell) and with small counts:
    # the pipeline refuses a report of more than 100 launches, so a large change is spread over several.
    rows = [i for i, line in enumerate(lines) if i and '"' not in line and len(line.split(",")) == len(header)
            and line.split(",")[model] == KN23_LABEL
            and line.split(",")[launched] and float(line.split(",")[launched]) < 10]
    # A new total that no page shows yet, so finding it on the page proves the change got there.
    delta = next(d for d in range(1000, 10_000, 100)
                 if not any(shows(page, old_total + d) for page in unchanged.pages.values()))
    remaining = delta
    for i in rows[: -(-delta // ADDED_PER_REPORT)]:
        cells = lines[i].split(",")
        added = min(ADDED_PER_REPORT, remaining)
        cells[launched] = f"{float(cells[launched]) + added:.1f}"
        lines[i], remaining = ",".join(cells), remaining - added
    assert remaining == 0, f"too few small KN-23 reports in {RAW} to add {delta} launches"
    data = "\n".join(lines).encode("utf-8")
    raw.write_bytes(data)
    old_digest = hashlib.sha256(project.originals[raw]).hexdigest()
    sums.write_text(sums.read_text().replace(old_digest, hashlib.sha256(data).hexdigest()))
    step = project.build("html")
    assert launched_total(project.root) == old_total + delta, "the pipeline did not carry the raw change to the table"
    return Change(step=step, old_total=old_total, new_total=old_total + delta)


@pytest.fixture(scope="module")
def data_restored(project: Project, data_changed: Change) -> Step:
    for path, data in project.originals.items():
        path.write_bytes(data)
    return project.build("execute")


@dataclass
class Edits:
    markdown: str  # the chapter whose prose was edited
    output: str  # the chapter with a number edited in a stored output
    step: Step


def edit_a_stored_number(path: Path) -> None:
    """Change the first digit of the first plain-text output of a code cell, as a hand edit would."""
    nb = nbformat.read(path, as_version=4)
    output = next(out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
                  if re.search(r"\d", out.get("data", {}).get("text/plain", "")))
    text = output["data"]["text/plain"]
    digit = re.search(r"\d", text)
    output["data"]["text/plain"] = text[:digit.start()] + str((int(digit.group()) + 1) % 10) + text[digit.end():]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def edited(project: Project, data_restored: Step) -> Edits:
    """Prose edited in a chapter that does not read the table, a stored output edited in one that does."""
    markdown = next(name for name in project.chapters if name not in project.air_force_readers())
    output = project.air_force_readers()[-1]
    path = project.root / markdown
    nb = nbformat.read(path, as_version=4)
    cell = next(cell for cell in reversed(nb.cells) if cell.cell_type == "markdown")
    cell.source += f"\n\n{PROSE}"
    nbformat.write(nb, path)
    edit_a_stored_number(project.root / output)
    return Edits(markdown=markdown, output=output, step=project.build("execute"))


@pytest.fixture(scope="module")
def site_built(project: Project, edited: Edits) -> Step:
    return project.build("site")


@pytest.fixture(scope="module")
def site_unchanged(project: Project, site_built: Step) -> Step:
    return project.build("site", list_modules=True)


@pytest.fixture(scope="module")
def unprinted(project: Project, site_unchanged: Step) -> tuple[Step, Step]:
    """Twice, a file that no page includes (Sphinx reads only .md and .ipynb sources) saved beside the chapters.

    The first build may print again: a single page built from scratch lacks the
    ``?v=`` checksums Sphinx adds to its links once the static files exist.
    """
    notes = project.root / "chapters" / "notes.txt"
    notes.write_text("Notes that no page includes.\n", encoding="utf-8")
    first = project.build("site")
    notes.write_text("Notes that no page includes, revised.\n", encoding="utf-8")
    return first, project.build("site")


# --- tests ----------------------------------------------------------------------------------


def test_forced_run_executes_every_chapter(project: Project, prepared: Step) -> None:
    assert prepared.executed == project.chapters
    assert set(prepared.manifest) == set(project.chapters)


def test_every_committed_chapter_equals_a_fresh_run(project: Project, prepared: Step) -> None:
    """What nbval's strict mode would check, byte for byte: no stored output is stale."""
    stale = [name for name in project.chapters if prepared.notebooks[name] != (PROJECT / name).read_bytes()]
    assert not stale, f"stored outputs differ from a fresh run (re-execute them: python -m nkarms.build execute): {stale}"
    assert prepared.manifest == json.loads((PROJECT / MANIFEST).read_text(encoding="utf-8"))


def test_no_change_build_executes_nothing(unchanged: Step, prepared: Step) -> None:
    assert unchanged.executed == []
    assert unchanged.stages == {"data": "skipped", "execute": "skipped", "html": "ran"}
    assert unchanged.manifest == prepared.manifest
    assert unchanged.notebooks == prepared.notebooks


def test_site_pages_carry_one_csp_meta_before_any_script(unchanged: Step) -> None:
    """One policy per page, preceded in <head> by nothing but <meta charset>."""
    for name, page in unchanged.pages.items():
        assert page.count('http-equiv="Content-Security-Policy"') == 1, name
        head = page.split("<head>", 1)[1].split('<meta http-equiv="Content-Security-Policy"', 1)[0]
        assert all(re.fullmatch(r'<meta charset="[^"]*"\s*/?>', tag) for tag in re.findall(r"<[a-z][^>]*>", head)), name


def test_data_change_reexecutes_exactly_the_chapters_that_load_it(
        project: Project, unchanged: Step, data_changed: Change) -> None:
    readers = project.air_force_readers()
    assert readers, f"no chapter's code loads {TABLE}"
    assert len(readers) < len(project.chapters)
    assert data_changed.step.executed == readers
    assert data_changed.step.stages == {"data": "ran", "execute": "ran", "html": "ran"}
    assert project.recorded_readers(unchanged.manifest, TABLE, SUMMARY, RAW.as_posix()) == readers


def test_chapters_that_do_not_read_it_are_untouched(
        project: Project, unchanged: Step, data_changed: Change) -> None:
    for name in project.chapters:
        if name not in data_changed.step.executed:
            assert data_changed.step.notebooks[name] == unchanged.notebooks[name], name


def test_data_change_reaches_the_built_page(unchanged: Step, data_changed: Change) -> None:
    new, old = data_changed.new_total, data_changed.old_total
    showing = [name for name in data_changed.step.executed if shows(data_changed.step.pages[name], data_changed.new_total)]
    assert showing, f"no re-executed chapter's page shows the new total {new}"
    for name in showing:
        assert shows(unchanged.pages[name], old), f"{name} did not show the old total {old:,} before the change"
        assert not shows(unchanged.pages[name], new)


def test_reexecution_is_byte_identical(project: Project, unchanged: Step, data_changed: Change,
                                       data_restored: Step) -> None:
    assert data_restored.executed == data_changed.step.executed
    for name in project.chapters:
        assert data_restored.notebooks[name] == unchanged.notebooks[name], f"{name} differs after re-running on the same inputs"
    assert data_restored.manifest == unchanged.manifest


def test_edited_output_reexecutes_its_chapter_and_a_prose_edit_runs_nothing(
        project: Project, unchanged: Step, edited: Edits) -> None:
    assert edited.markdown != edited.output
    assert edited.step.executed == [edited.output]
    assert edited.step.notebooks[edited.output] == unchanged.notebooks[edited.output]


def test_site_build_after_an_execute_runs_the_pages_and_the_pdf(site_built: Step, edited: Edits) -> None:
    assert site_built.executed == []
    assert PROSE in site_built.pages[edited.markdown]
    assert site_built.stages == {"data": "skipped", "execute": "skipped", "html": "ran", "pdf": "ran", "print": "ran"}


def test_no_change_site_build_skips_every_stage_without_heavy_imports(project: Project, site_unchanged: Step) -> None:
    assert site_unchanged.executed == []
    assert site_unchanged.stages == {"data": "skipped", "execute": "skipped", "html": "skipped", "pdf": "skipped"}
    imported = {name.split(".")[0] for name in site_unchanged.modules}
    assert "nkarms" in imported
    assert not imported & set(HEAVY), f"a no-change build imported {sorted(imported & set(HEAVY))}"
    assert (project.root / "_build" / "html" / "_downloads" / "report.pdf").read_bytes() == \
        (project.root / "_build" / "pdf" / "report.pdf").read_bytes()


def test_pdf_is_not_printed_again_from_a_byte_identical_single_page(
        project: Project, site_unchanged: Step, unprinted: tuple[Step, Step]) -> None:
    first, second = unprinted
    assert second.executed == []
    assert second.stages == {"data": "skipped", "execute": "ran", "html": "ran", "pdf": "ran", "print": "skipped"}
    assert second.pdf == first.pdf
    assert second.pages == first.pages == site_unchanged.pages
    assert (project.root / "_build" / "html" / "_downloads" / "report.pdf").read_bytes() == second.pdf
