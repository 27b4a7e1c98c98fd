"""The report's promise for JupyterLab: open a chapter and its charts show natively; Run All works.

``lab`` starts the venv's ``jupyter lab`` on 127.0.0.1 at a free port, with a token, on a
temporary copy of the project (running cells, or any save, never touches the project's
own notebooks), with temporary workspaces, user-settings, config and runtime
directories (no workspace or settings state leaks in). The kernel reads data from the
copy through ``NKARMS_PROJECT_ROOT``.

The temporary user settings turn off notebook windowing (JupyterLab 4 otherwise renders
only the cells in view, so charts further down would never be drawn), the news popup,
the update check and autosave. ``--LabApp.expose_app_in_browser`` gives the page
``window.jupyterapp``, through which the test runs the same command as Kernel > Restart
Kernel and Run All Cells…, and reads the notebook's state.

The browser is Debian's Chromium (:mod:`nkarms.site.browser`), driven by Playwright in a
child process (``jupyterlab_driver.py``, with what it asks of the page in
``jupyterlab-probes.js``). It may talk only to 127.0.0.1: every other request is
blocked, recorded, and fails the test. The child process exists because a chart can
freeze JupyterLab's page (its main thread spinning forever), and then Playwright never
returns: not from ``page.evaluate``, which has no timeout, nor from a
``wait_for_function`` that was already polling when the page froze. The child announces
each step with its time limit; the test kills the child when a step overruns and fails
with the step that froze, instead of hanging the test session.
"""
from __future__ import annotations

import ctypes
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jupyterlab_driver import STEP_TIMEOUT
from nkarms.site.localserver import free_port

PROJECT = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).with_name("jupyterlab_driver.py")
JUPYTER = Path(sys.executable).parent / "jupyter"  # the venv's, next to the python running the tests
CHAPTER = "chapters/04-ukraine-skies.ipynb"
VEGA_MIME = "application/vnd.vega.v5+json"
# What the kernel and the chapters need: data/, and _toc.yml, _config.yml and
# CITATION.cff at the project root.
COPIED = ("chapters", "data", "_toc.yml", "_config.yml", "CITATION.cff")
SERVER_START_TIMEOUT = 60
STEP_GRACE = 15  # how long past its own limit a step may take before the test kills the browser
BROWSER_TOTAL_TIMEOUT = 240

USER_SETTINGS = {
    # Render every cell, not only those in view.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # No "would you like to receive news?" popup; no fetching of news or updates.
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # Never write the notebook back, not even by autosave.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}

# --- The test side ------------------------------------------------------------------

def _die_with_parent() -> None:
    """In a child process: get SIGTERM when the test process dies, even if it is killed."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def stop(process: subprocess.Popen) -> None:
    """Stop a child process (the server shuts its kernels down), or kill its process group."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@dataclass
class Lab:
    base_url: str
    token: str
    root_dir: Path
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path}?token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def stored_vega_outputs(notebook: Path) -> list[dict[str, Any]]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [
        output["data"][VEGA_MIME]
        for cell in cells if cell["cell_type"] == "code"
        for output in cell.get("outputs", []) if VEGA_MIME in output.get("data", {})
    ]


def write_user_settings(settings_dir: Path) -> None:
    for plugin_id, values in USER_SETTINGS.items():
        package, plugin = plugin_id.split(":")
        path = settings_dir / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def wait_until_up(lab: Lab) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {lab.process.returncode}:\n{lab.log_tail()}", pytrace=False)
        try:
            with urllib.request.urlopen(lab.url("api/status"), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"jupyter lab did not answer within {SERVER_START_TIMEOUT}s:\n{lab.log_tail()}", pytrace=False)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """``jupyter lab`` on a temporary copy of the project; stopped at the end of the module."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root_dir = tmp / "project"
    root_dir.mkdir()
    for name in COPIED:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, root_dir / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            shutil.copy2(source, root_dir / name)
    settings_dir, workspaces_dir = tmp / "user-settings", tmp / "workspaces"
    config_dir, runtime_dir = tmp / "jupyter-config", tmp / "jupyter-runtime"
    for directory in (settings_dir, workspaces_dir, config_dir, runtime_dir):
        directory.mkdir()
    write_user_settings(settings_dir)

    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "NKARMS_PROJECT_ROOT": str(root_dir),
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_RUNTIME_DIR": str(runtime_dir),
        "PATH": f"{JUPYTER.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    command = [
        str(JUPYTER), "lab",
        "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.workspaces_dir={workspaces_dir}",
        f"--LabApp.user_settings_dir={settings_dir}",
        "--LabApp.expose_app_in_browser=True",
        # The server fetches nothing either.
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = tmp / "jupyter-lab.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent,
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, root_dir, process, log)
    try:
        wait_until_up(lab)
        yield lab
    finally:
        stop(process)


def uses_container_width(spec: dict[str, Any]) -> bool:
    """The width signal Vega-Lite compiles width="container" to, unguarded against a width of 0."""
    return "isFinite(containerSize()[0])" in json.dumps(spec) and str(
        spec.get("autosize", {}).get("type", "")).startswith("fit")


def frozen_message(step: str, limit: float, specs: list[dict[str, Any]]) -> str:
    message = (
        f"JupyterLab's page froze at the step '{step}': it did not finish within {limit:.0f}s plus "
        f"{STEP_GRACE}s and Playwright did not return, so the browser was killed. "
        "The chapter cannot be read or run in JupyterLab."
    )
    if any(uses_container_width(spec) for spec in specs):
        message += (
            "\nThe chapter's Vega outputs take their width from their container (a width signal "
            "`isFinite(containerSize()[0]) ? containerSize()[0] : 300` with autosize fit-x). JupyterLab's "
            "vega5 renderer draws into an element that has no width yet, so containerSize()[0] is 0, which "
            "isFinite accepts, and with a width of 0 and autosize fit-x the page's main thread then spins in "
            "vega-embed/Vega and never returns. Fix: in "
            "src/nkarms/site/render.py, make the compiled spec fall back to a fixed width when the container's "
            "width is not positive (`containerSize()[0] > 0 ? containerSize()[0] : 640`)."
        )
    return message


def run_browser(notebook_url: str, specs: list[dict[str, Any]], log: Path) -> dict[str, Any]:
    """Run ``jupyterlab_driver.py`` in a child process; kill it if a step overruns (see module docstring)."""
    arguments = json.dumps({"notebook_url": notebook_url, "expected_charts": len(specs)})
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(DRIVER), arguments], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=True, preexec_fn=_die_with_parent,
        )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, name="browser-output", daemon=True).start()
    step, limit = "start the browser", float(STEP_TIMEOUT)
    step_deadline = time.monotonic() + limit + STEP_GRACE
    total_deadline = time.monotonic() + BROWSER_TOTAL_TIMEOUT
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.0, min(step_deadline, total_deadline) - time.monotonic()))
            except queue.Empty:
                line = ""
            if line == "":
                pytest.fail(frozen_message(step, limit, specs), pytrace=False)
            if line is None:
                process.wait(timeout=10)
                pytest.fail(f"the browser process ended without a result (exit code {process.returncode}) at the "
                            f"step '{step}':\n{log.read_text(errors='replace')[-3000:]}", pytrace=False)
            message = json.loads(line)
            if "step" in message:
                step, limit = message["step"], float(message["timeout"])
                step_deadline = time.monotonic() + limit + STEP_GRACE
            else:
                return message
    finally:
        stop(process)


def test_chapter_charts_render_natively_and_run_all_works(lab: Lab, tmp_path: Path) -> None:
    specs = stored_vega_outputs(lab.root_dir / CHAPTER)
    assert specs, f"{CHAPTER} has no stored {VEGA_MIME} outputs"
    original = (PROJECT / CHAPTER).read_bytes()

    result = run_browser(lab.url(f"lab/tree/{CHAPTER}"), specs, tmp_path / "browser.log")

    assert "failure" not in result, result["failure"]
    assert not result["page_errors"], "JupyterLab raised errors in the page:\n" + "\n".join(result["page_errors"])
    # Offline: nothing left 127.0.0.1. And the project's own notebook is untouched.
    assert not result["external"], "requests to other hosts (blocked):\n" + "\n".join(result["external"])
    assert (PROJECT / CHAPTER).read_bytes() == original, f"{CHAPTER} in the project was modified"
