"""`make serve`: the live preview rebuilds on each saved change and the open page reloads itself.

The preview (``python -m nkarms.build.serve``) does not go through Jupyter Book's own
build: it runs Sphinx on the configuration ``jupyter-book config sphinx`` writes,
in processes forked from a server that has imported the build's libraries once.
These tests run it on a project copy, with the copy's ``src/`` first on the path,
and drive a page in Debian's Chromium: a prose edit reloads the page with the new
sentence and rewrites only the pages it touches, the reload script runs under the
pages' Content-Security-Policy, and an edit to the rendering code takes effect
(the project's modules are not carried over from the server process).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

from conftest import CSP_LISTENER, PROJECT, copy_project
from nkarms import toc
from nkarms.site import browser as chromium
from nkarms.site.localserver import free_port

MAKEFILE = PROJECT / "Makefile"
START_TIMEOUT = 900  # the first build renders every page from nothing
CHANGE_TIMEOUT = 300  # an edit to the rendering code renders every page again
BOX_TEXT = "Data behind this page (CSV):"


def serve_recipe() -> list[str]:
    """The shell lines of the Makefile's serve target."""
    lines = MAKEFILE.read_text(encoding="utf-8").split("\nserve:", 1)[1].splitlines()[1:]
    recipe = []
    for line in lines:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_make_serve_runs_the_preview_server() -> None:
    assert serve_recipe() == ["$(PY) -m nkarms.build.serve --port $(PORT)"]


def test_the_preview_configuration_builds_with_warnings_as_errors(tmp_path: Path) -> None:
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


class Preview(NamedTuple):
    root: Path
    url: str
    log: Path


def served(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    root = tmp_path_factory.mktemp("preview")
    copy_project(root)
    port, log = free_port(), root.parent / "preview.log"
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "NKARMS_PROJECT_ROOT": str(root)}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "nkarms.build.serve", "--root", str(root), "--port", str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        start = time.monotonic()
        while not served(url + "chapters/01-timeline.html"):
            if server.poll() is not None or time.monotonic() - start > START_TIMEOUT:
                pytest.fail(f"the preview never served a page:\n{log.read_text()[-3000:]}", pytrace=False)
            time.sleep(0.5)
        yield Preview(root, url, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def add_sentence(notebook: Path, sentence: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    cell = next(cell for cell in reversed(nb.cells) if cell.cell_type == "markdown")
    cell.source += f"\n\n{sentence}"
    nbformat.write(nb, notebook)


def test_a_saved_prose_edit_reloads_the_open_page_and_rewrites_only_what_it_touches(preview: Preview, browser) -> None:  # noqa: ANN001
    chapters = [path.relative_to(preview.root).with_suffix(".html") for path in toc.notebooks(preview.root)]
    edited, untouched = chapters[1], chapters[-1]
    html = preview.root / "_build" / "html"
    untouched_before = (html / untouched).stat().st_mtime_ns
    errors: list[str] = []
    page = browser.new_page()
    page.add_init_script(CSP_LISTENER)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(preview.url + edited.as_posix())
    page.wait_for_load_state("load")
    assert page.locator('script[src="/_preview/reload.js"]').count() == 1

    sentence = "A sentence the preview test saved."
    add_sentence(preview.root / edited.with_suffix(".ipynb"), sentence)
    assert chromium.seconds_until_text(page, sentence, CHANGE_TIMEOUT) is not None, (
        f"the open page never showed the saved sentence:\n{preview.log.read_text()[-3000:]}")
    assert page.evaluate("() => performance.getEntriesByType('navigation')[0].type") == "reload"
    assert page.evaluate("() => window.__nkCspViolations") == []
    assert errors == []
    assert (html / untouched).stat().st_mtime_ns == untouched_before, f"{untouched} was rewritten by a prose edit"
    page.close()


def test_an_edit_to_the_rendering_code_takes_effect_without_a_restart(preview: Preview, browser) -> None:  # noqa: ANN001
    page = browser.new_page()
    page.goto(preview.url + "chapters/01-timeline.html")
    assert chromium.seconds_until_text(page, BOX_TEXT, 30) is not None
    module = preview.root / "src" / "nkarms" / "site" / "sphinx_data.py"
    source = module.read_text(encoding="utf-8")
    assert BOX_TEXT in source
    module.write_text(source.replace(BOX_TEXT, "Tables this page read (CSV):"), encoding="utf-8")
    assert chromium.seconds_until_text(page, "Tables this page read (CSV):", CHANGE_TIMEOUT) is not None, (
        f"the edited extension did not take effect:\n{preview.log.read_text()[-3000:]}")
    assert BOX_TEXT not in page.content()
    page.close()


def test_a_failed_rebuild_is_reported_and_the_next_save_rebuilds(preview: Preview, browser) -> None:  # noqa: ANN001
    """A rebuild that raises (here: an unreadable execution manifest) must not end the watcher."""
    manifest = preview.root / "chapters" / "execution-manifest.json"
    notebook = preview.root / "chapters" / "01-timeline.ipynb"
    page = browser.new_page()
    page.goto(preview.url + "chapters/01-timeline.html")
    kept, failures = manifest.read_text(encoding="utf-8"), preview.log.read_text().count("[preview] not rebuilt")
    manifest.write_text("{ not json", encoding="utf-8")
    add_sentence(notebook, "A sentence saved while the manifest was broken.")
    start = time.monotonic()
    while preview.log.read_text().count("[preview] not rebuilt") == failures:
        assert time.monotonic() - start < CHANGE_TIMEOUT, preview.log.read_text()[-3000:]
        time.sleep(0.2)
    assert "JSONDecodeError" in preview.log.read_text()
    manifest.write_text(kept, encoding="utf-8")
    add_sentence(notebook, "A sentence saved after the manifest was mended.")
    assert chromium.seconds_until_text(page, "A sentence saved after the manifest was mended.", CHANGE_TIMEOUT) is not None, (
        f"no rebuild after a failed one:\n{preview.log.read_text()[-3000:]}")
    page.close()
