"""Unit tests of the execution cache (src/nkarms/build): what makes a chapter stale, on tiny notebooks.

A two-chapter project is built in a temporary folder; its chapters read one
small CSV through :func:`nkarms.data.reads.record`, and run in real kernels
(nbclient), two at a time, once per module. Each staleness test then copies
that executed project and breaks one thing. The four ways issue 10 found for a
page to show numbers that no longer match the code and data each have a test
that failed on the old build and passes now:

1. a library upgrade (``test_library_upgrade_makes_a_chapter_stale``);
2. an edited stored output (``test_edited_stored_output_makes_a_chapter_stale``);
3. a table saved while the chapter runs (``test_input_saved_during_the_run_...``);
4. a changed raw snapshot (``test_changed_raw_snapshot_regenerates_derived_tables``
   and ``test_build_refuses_when_derived_tables_cannot_be_regenerated``).

Expectations are computed here, independently of the code under test: digests
with :mod:`hashlib` over the bytes the test wrote, versions from the libraries'
own ``__version__``, imports from what Python really loads.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from nkarms import project
from nkarms.build import cache, execute, imports, keys, rawdata, rendering, stamps
from nkarms.build.__main__ import main as build_main
from nkarms.data import reads
from nkarms.data.pipeline import CHECKSUMS_FILE, RAW_DIR_ENV

PROJECT = Path(__file__).resolve().parents[1]
TABLE_TEXT = "name,value\nanswer,42\n"
# Reads the table through the recorder and prints it, as a chapter's loader would.
READ_CELL = """\
from pathlib import Path
from nkarms.data import reads
table = Path("../data/t.csv")
print(reads.record(table).decode(), end="")"""
# Saves a new version of the table after reading it, once: what an editor does under `make serve`.
SAVE_DURING_RUN_CELL = """\
marker = Path("../data/save-during-run")
if marker.exists():
    marker.unlink()
    table.write_text("name,value\\nanswer,43\\n")"""
# Saves a new version of the table on every run: a file that never holds still.
ALWAYS_SAVE_CELL = """\
import time
table.write_text(f"name,value\\nanswer,{time.time_ns()}\\n")"""


def notebook(path: Path, title: str, *code: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {title}"),
                                         *(nbformat.v4.new_code_cell(source) for source in code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def tiny_project(root: Path) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "t.csv").write_text(TABLE_TEXT)
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/a\nchapters:\n  - file: chapters/b\n")
    notebook(root / "chapters" / "a.ipynb", "A", READ_CELL)
    notebook(root / "chapters" / "b.ipynb", "B", "print(6 * 7)")
    return root


def text_outputs(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the package for the kernels to import, so edits to the working tree cannot make chapters stale."""
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(PROJECT / "src" / "nkarms", src / "nkarms", ignore=shutil.ignore_patterns("__pycache__"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(src))
        yield src / "nkarms"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory, package: Path) -> tuple[Path, list[str]]:
    """The tiny project, executed once by the build (two chapters, two at a time)."""
    root = tiny_project(tmp_path_factory.mktemp("cache") / "project")
    return root, cache.refresh(root, jobs=2)


@pytest.fixture
def copy(executed: tuple[Path, list[str]], tmp_path: Path) -> Path:
    """A fresh copy of the executed project for one test to break."""
    return Path(shutil.copytree(executed[0], tmp_path / "project"))


def reason(root: Path, chapter: str = "chapters/a.ipynb", **kwargs) -> str | None:
    return cache.stale_reason(root / chapter, root, cache.load_manifest(root), **kwargs)


# --- running chapters ---------------------------------------------------------------------


def test_refresh_runs_every_new_chapter_in_book_order(executed: tuple[Path, list[str]]) -> None:
    root, ran = executed
    assert ran == ["chapters/a.ipynb", "chapters/b.ipynb"]
    assert text_outputs(root / "chapters" / "a.ipynb") == TABLE_TEXT
    assert text_outputs(root / "chapters" / "b.ipynb") == "42\n"


def test_the_key_names_the_bytes_read_and_the_outputs_stored(executed: tuple[Path, list[str]], package: Path) -> None:
    root, _ = executed
    entry = cache.load_manifest(root)["chapters/a.ipynb"]
    assert entry["inputs"]["data/t.csv"] == sha(TABLE_TEXT.encode())
    recorder = (package / "data" / "reads.py").resolve()
    assert entry["inputs"][str(recorder)] == sha(recorder.read_bytes())
    assert entry["libraries"]["pandas"] == __import__("pandas").__version__
    assert entry["outputs"] == keys.outputs_hash(root / "chapters" / "a.ipynb")


def test_nothing_is_stale_after_a_run(copy: Path) -> None:
    assert cache.stale(copy) == {}
    assert cache.refresh(copy) == []


# --- what makes a chapter stale -------------------------------------------------------------


def test_never_executed(copy: Path) -> None:
    manifest = cache.load_manifest(copy)
    del manifest["chapters/b.ipynb"]
    cache.save_manifest(copy, manifest)
    assert cache.stale(copy) == {"chapters/b.ipynb": "never executed"}


def test_changed_code_makes_a_chapter_stale_and_prose_does_not(copy: Path) -> None:
    path = copy / "chapters" / "b.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nA new sentence."
    nbformat.write(nb, path)
    assert cache.stale(copy) == {}
    nb.cells[1].source = "print(6 * 9)"
    nbformat.write(nb, path)
    assert cache.stale(copy) == {"chapters/b.ipynb": "its code changed"}


def test_changed_input_makes_only_its_reader_stale(copy: Path) -> None:
    (copy / "data" / "t.csv").write_text("name,value\nanswer,41\n")
    assert cache.stale(copy) == {"chapters/a.ipynb": "data/t.csv changed"}


def test_library_upgrade_makes_a_chapter_stale(copy: Path) -> None:
    """Stale path 1: the old key had no library versions, so an upgrade left every chapter current."""
    upgraded = {**keys.library_versions(), "vl-convert-python": "99.0.0"}
    recorded = cache.load_manifest(copy)["chapters/b.ipynb"]["libraries"]["vl-convert-python"]
    assert reason(copy, "chapters/b.ipynb", libraries=upgraded) == \
        f"libraries changed: vl-convert-python {recorded} -> 99.0.0"
    assert reason(copy, "chapters/b.ipynb") is None


def test_library_versions_are_the_installed_ones() -> None:
    import altair
    import numpy
    import pandas
    import sphinx
    import vl_convert

    versions = keys.library_versions()
    assert (versions["pandas"], versions["numpy"], versions["altair"]) == \
        (pandas.__version__, numpy.__version__, altair.__version__)
    assert versions["sphinx"] == sphinx.__version__
    # vl-convert reports the release, the distribution its post-release too (1.9.0 of 1.9.0.post1).
    assert versions["vl-convert-python"].startswith(vl_convert.__version__)
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))


def test_edited_stored_output_makes_a_chapter_stale(copy: Path) -> None:
    """Stale path 2: a stored output edited (or saved from a run on other data) was trusted."""
    path = copy / "chapters" / "b.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace('"42\\n"', '"999\\n"'), encoding="utf-8")
    assert text_outputs(path) == "999\n"
    assert cache.stale(copy) == {"chapters/b.ipynb": "its stored outputs changed"}


def test_cleared_outputs_make_a_chapter_stale(copy: Path) -> None:
    path = copy / "chapters" / "b.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, path)
    assert reason(copy, "chapters/b.ipynb") == "it has no stored outputs"


def test_input_saved_during_the_run_is_caught_and_the_chapter_runs_again(
        copy: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Stale path 3: inputs were hashed after the run, so a table saved while the chapter ran
    was recorded as read although the outputs came from its old bytes."""
    path = copy / "chapters" / "a.ipynb"
    notebook(path, "A", READ_CELL, SAVE_DURING_RUN_CELL)
    (copy / "data" / "save-during-run").touch()
    assert cache.refresh(copy, jobs=1) == ["chapters/a.ipynb"]
    saved = (copy / "data" / "t.csv").read_bytes()
    assert saved == b"name,value\nanswer,43\n"
    assert "data/t.csv changed while it ran (run 1 of 3)" in capfd.readouterr().out
    assert text_outputs(path) == saved.decode()
    assert cache.load_manifest(copy)["chapters/a.ipynb"]["inputs"]["data/t.csv"] == sha(saved)
    assert cache.stale(copy) == {}


def test_input_that_never_holds_still_is_refused(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy / "chapters" / "a.ipynb"
    notebook(path, "A", READ_CELL, ALWAYS_SAVE_CELL)
    before = cache.load_manifest(copy)
    monkeypatch.setattr(execute, "ATTEMPTS", 2)
    with pytest.raises(execute.InputsChangedError, match=r"data/t\.csv kept changing while the chapter ran \(2 runs\)"):
        execute.execute(path, copy)
    assert cache.load_manifest(copy) == before


# --- the recorder ---------------------------------------------------------------------------


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> dict:
    """The recorder with an empty record, restored afterwards."""
    record: dict = {}
    monkeypatch.setattr(reads, "_files_read", record)
    return record


def test_record_hashes_and_returns_the_bytes_read(tmp_path: Path, recorder: dict) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert reads.record(path) == b"a,b\n1,2\n"
    path.write_bytes(b"a,b\n1,3\n")
    assert json.loads(reads.report())[str(path.resolve())] == sha(b"a,b\n1,2\n")


def test_a_file_read_twice_with_different_bytes_is_reported_as_changed(tmp_path: Path, recorder: dict) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"first")
    reads.record(path)
    path.write_bytes(b"second")
    reads.record(path)
    path.write_bytes(b"first")
    assert json.loads(reads.report())[str(path.resolve())] is None


def test_report_names_every_imported_package_module_with_its_hash(recorder: dict) -> None:
    modules = {Path(module.__file__).resolve() for name, module in sys.modules.items()
               if name.split(".")[0] == "nkarms" and getattr(module, "__file__", None)}
    report = json.loads(reads.report())
    assert set(report) == {str(path) for path in modules}
    assert all(report[str(path)] == sha(path.read_bytes()) for path in modules)


# --- raw data -------------------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """data/raw and data/derived of the project, copied; the build resolves data/raw through the project root."""
    root = tmp_path / "project"
    for name in ("raw", "derived"):
        shutil.copytree(PROJECT / "data" / name, root / "data" / name)
    monkeypatch.setenv(project.ROOT_ENV, str(root))
    monkeypatch.delenv(RAW_DIR_ENV, raising=False)
    return root


def test_current_derived_tables_are_left_alone(data_copy: Path) -> None:
    before = {path.name: path.read_bytes() for path in (data_copy / "data" / "derived").iterdir()}
    assert rawdata.ensure_derived(data_copy) == []
    assert {path.name: path.read_bytes() for path in (data_copy / "data" / "derived").iterdir()} == before


def test_changed_raw_snapshot_regenerates_derived_tables(data_copy: Path) -> None:
    """Stale path 4: derived tables made from other raw bytes were used as they were."""
    derived = data_copy / "data" / "derived"
    committed = {path.name: path.read_bytes() for path in derived.iterdir()}
    checksums = json.loads((derived / CHECKSUMS_FILE).read_text(encoding="utf-8"))
    changed = sorted(checksums)[0]
    checksums[changed]["sha256"] = "0" * 64  # the derived tables were made from other bytes
    (derived / CHECKSUMS_FILE).write_text(json.dumps(checksums), encoding="utf-8")
    table = next(name for name in committed if name.endswith(".csv"))
    (derived / table).write_text("made from the old snapshot\n")
    assert rawdata.ensure_derived(data_copy) == [changed]
    assert {path.name: path.read_bytes() for path in derived.iterdir()} == committed


def test_build_refuses_when_derived_tables_cannot_be_regenerated(data_copy: Path) -> None:
    """A raw file edited without its SHA256SUMS: the pipeline refuses it, so the build stops before any chapter runs."""
    derived = data_copy / "data" / "derived"
    before = {path.name: path.read_bytes() for path in derived.iterdir()}
    raw = data_copy / "data" / "raw" / sorted(json.loads((derived / CHECKSUMS_FILE).read_text(encoding="utf-8")))[0]
    raw.write_bytes(raw.read_bytes() + b"\n")
    with pytest.raises(SystemExit, match=r"data/derived/ is stale .* and the pipeline failed"):
        build_main(["execute", "--root", str(data_copy)])
    assert {path.name: path.read_bytes() for path in derived.iterdir()} == before
    assert not (data_copy / "_build").exists()


# --- rendering inputs -----------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def test_rendering_inputs_follow_the_extensions_imports(tmp_path: Path) -> None:
    package = tmp_path / "src" / "nkarms"
    write(package / "__init__.py", "")
    write(package / "site" / "__init__.py", "")
    write(package / "site" / "ext.py", "from nkarms.site import helper\nfrom . import pages\n")
    write(package / "site" / "pages.py", "def later():\n    import nkarms.dates\n")
    write(package / "site" / "helper.py", "import json\n")
    write(package / "site" / "static" / "style.css", "body {}\n")
    write(package / "dates.py", "")
    write(package / "unused.py", "")
    write(package / "story" / "__init__.py", "")
    write(package / "story" / "charts.py", "")
    write(tmp_path / "_config.yml", "sphinx:\n  extra_extensions:\n    - nkarms.site.ext\n    - sphinx.ext.other\n")
    expected = {"__init__.py", "site/__init__.py", "site/ext.py", "site/pages.py", "site/helper.py",
                "site/static/style.css", "dates.py"}
    found = {path.relative_to(package).as_posix() for path in imports.rendering_inputs(tmp_path, package)}
    assert found == expected
    # A module an extension starts to import is picked up, and changes the rendering hash.
    before = rendering.rendering_hash(tmp_path, package)
    write(package / "site" / "helper.py", "import json\nfrom nkarms.story import charts\n")
    found = {path.relative_to(package).as_posix() for path in imports.rendering_inputs(tmp_path, package)}
    assert found == expected | {"story/__init__.py", "story/charts.py"}
    assert rendering.rendering_hash(tmp_path, package) != before


def test_rendering_inputs_cover_every_module_the_real_extensions_load() -> None:
    """Independent check on the real tree: import the extensions, list what Python loaded."""
    extensions = imports.entry_modules(PROJECT)
    script = (f"import sys\nfor name in {extensions!r}: __import__(name)\n"
              "print('\\n'.join(m.__file__ for n, m in list(sys.modules.items()) "
              "if n.split('.')[0] == 'nkarms' and getattr(m, '__file__', None)))")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}  # the package of this checkout
    loaded = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert "nkarms.site.sphinx_ext" in extensions
    inputs = set(imports.rendering_inputs(PROJECT, rendering.PACKAGE_DIR))
    assert {Path(name).resolve() for name in loaded} <= inputs
    assert rendering.PACKAGE_DIR / "site" / "static" / "nkarms.css" in inputs


def test_rendering_settings_are_the_extensions_own() -> None:
    from nkarms.site import sphinx_data

    assert rendering.RENDERING_SETTINGS == (sphinx_data.PDF_LINK_ENV, sphinx_data.SITE_URL_ENV)


# --- stage stamps ---------------------------------------------------------------------------


def stages(root: Path) -> tuple[dict[str, str], list[str]]:
    build = root / "_build"
    return json.loads((build / "stages.json").read_text()), json.loads((build / "executed.json").read_text())


def test_execute_stage_is_skipped_only_while_its_inputs_are_unchanged(
        copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("raw", "derived"):
        shutil.copytree(PROJECT / "data" / name, copy / "data" / name)
    monkeypatch.setenv(project.ROOT_ENV, str(copy))
    monkeypatch.delenv(RAW_DIR_ENV, raising=False)
    build_main(["execute", "--root", str(copy)])
    assert stages(copy) == ({"data": "ran", "execute": "ran"}, [])
    build_main(["execute", "--root", str(copy)])
    assert stages(copy) == ({"data": "skipped", "execute": "skipped"}, [])
    (copy / "data" / "t.csv").write_text("name,value\nanswer,41\n")
    build_main(["execute", "--root", str(copy)])
    assert stages(copy) == ({"data": "skipped", "execute": "ran"}, ["chapters/a.ipynb"])
    assert text_outputs(copy / "chapters" / "a.ipynb") == "name,value\nanswer,41\n"


def test_stage_stamp_follows_inputs_outputs_and_settings(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (copy / "_config.yml").write_text("title: tiny\n")
    (copy / "_build" / "html").mkdir(parents=True)
    (copy / "_build" / "html" / "index.html").write_text("<p>built</p>")
    monkeypatch.delenv(rendering.PDF_LINK_ENV, raising=False)
    inputs = stamps.html_inputs(copy)
    assert not stamps.is_current(copy, "html", inputs)
    stamps.save(copy, {"html": inputs})
    assert stamps.is_current(copy, "html", stamps.html_inputs(copy))
    (copy / "_build" / "html" / "index.html").write_text("<p>damaged</p>")
    assert not stamps.is_current(copy, "html", stamps.html_inputs(copy))
    (copy / "_build" / "html" / "index.html").write_text("<p>built</p>")
    monkeypatch.setenv(rendering.PDF_LINK_ENV, "1")
    assert not stamps.is_current(copy, "html", stamps.html_inputs(copy))
    monkeypatch.delenv(rendering.PDF_LINK_ENV)
    (copy / "_config.yml").write_text("title: tiny, renamed\n")
    assert not stamps.is_current(copy, "html", stamps.html_inputs(copy))


def fake_chromium(folder: Path, version: str) -> Path:
    script = folder / "chromium"
    script.write_text(f"#!/bin/sh\necho '{version}'\n")
    script.chmod(0o755)
    return script


def test_print_stamp_follows_the_single_page_and_chromium_not_the_sources(
        copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = copy / "_build" / "singlehtml" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>the report</p>")
    (copy / "_build" / "pdf").mkdir()
    (copy / "_build" / "pdf" / "report.pdf").write_bytes(b"%PDF-1.7 printed")
    monkeypatch.setenv(stamps.CHROMIUM_ENV, str(fake_chromium(tmp_path, "Chromium 156.0")))
    stamps.save(copy, {"print": stamps.print_inputs(copy)})
    (copy / "chapters" / "notes.txt").write_text("in the sources, on no page\n")
    assert stamps.is_current(copy, "print", stamps.print_inputs(copy))
    fake_chromium(tmp_path, "Chromium 157.0")
    assert not stamps.is_current(copy, "print", stamps.print_inputs(copy))
    fake_chromium(tmp_path, "Chromium 156.0")
    page.write_text("<p>the report, changed</p>")
    assert not stamps.is_current(copy, "print", stamps.print_inputs(copy))
    page.write_text("<p>the report</p>")
    (copy / "_build" / "pdf" / "report.pdf").write_bytes(b"%PDF-1.7 damaged")
    assert not stamps.is_current(copy, "print", stamps.print_inputs(copy))


def test_the_kernel_startup_line_leaves_execution_counts_alone(executed: tuple[Path, list[str]]) -> None:
    nb = nbformat.read(executed[0] / "chapters" / "b.ipynb", as_version=4)
    assert [cell.execution_count for cell in nb.cells if cell.cell_type == "code"] == [1]


def test_a_cells_prints_are_stored_as_one_stream_however_they_were_flushed(package: Path, tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    path = tmp_path / "chapters" / "f.ipynb"
    notebook(path, "F", 'import sys\nprint(9, end="")\nsys.stdout.flush()\nprint(" 7")')
    execute._run(path, tmp_path)
    cell = next(cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
    assert [(out.output_type, out.get("text")) for out in cell.outputs] == [("stream", "9 7\n")]
