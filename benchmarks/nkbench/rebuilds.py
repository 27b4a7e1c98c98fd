"""Issue 14's figures: what a rebuild costs, against stock Jupyter Book on the same chapters, in one run.

All in a copy of the project whose ``.venv`` is a link to the project's (the
copy's ``src/`` first on ``PYTHONPATH``, so the copy's package is the one run):

- ``make book`` (site and PDF) with nothing changed, as a user types it;
- ``python -m nkarms.build html`` with nothing changed;
- one ``launched`` number changed in the Air Force reports that
  ``data/derived/ua_kn23_attacks.csv`` is made from (a new raw snapshot, so the
  pipeline regenerates the derived tables), then the ``html`` target;
- stock Jupyter Book's only correct rebuild after a data change, on a second
  copy whose ``_config.yml`` says ``execute_notebooks: force``:
  ``jupyter-book build --all``; the one-table figure is reported as a ratio of it;
- a prose edit under ``make serve``: seconds from saving the notebook until
  the page open in Chromium has reloaded itself with the new sentence.

``make test`` is timed by :func:`nkbench.builds.bench_make_test`. Each figure is
the median of the runs, with every run's seconds, stages and chapters kept.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import sync_playwright

from nkarms.site import browser
from nkarms.site.localserver import free_port
from nkbench.builds import PROJECT, change_launches, copy_project, environment

SERVE_TIMEOUT = 600
# `make` in a copy whose .venv links to the project's: the environment is the project's, installed
# or refreshed by `make bench` itself, so a copy never reinstalls it (`-o`: taken as up to date).
MAKE = ["make", "-o", ".venv/.installed"]
SERVED_CHAPTER = "chapters/01-timeline"


def prepare(root: Path) -> None:
    """A project copy that runs with the project's environment (``make`` sees it installed: copies keep times)."""
    root.mkdir(parents=True, exist_ok=True)
    copy_project(root)
    (root / ".venv").symlink_to(PROJECT / ".venv")


def timed(command: list[str], root: Path) -> dict[str, Any]:
    """Run ``command`` in ``root``: seconds, exit code, and the build's own record of what ran."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=environment(root), capture_output=True, text=True)
    record: dict[str, Any] = {"seconds": round(time.perf_counter() - start, 2), "returncode": result.returncode}
    for name in ("executed", "stages"):
        path = root / "_build" / f"{name}.json"
        record[name] = json.loads(path.read_text()) if path.exists() else None
    if result.returncode:
        record["last_lines"] = (result.stdout + result.stderr).splitlines()[-10:]
    return record


def summary(what: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"what": what, "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            "all_succeeded": all(r["returncode"] == 0 for r in runs), "runs": runs}


def no_change(root: Path, command: list[str], what: str, runs: int) -> dict[str, Any]:
    timed(command, root)  # untimed: brings the copy up to date for this target
    return summary(what, [timed(command, root) for _ in range(runs)])


def one_table(root: Path, runs: int) -> dict[str, Any]:
    html = [sys.executable, "-m", "nkarms.build", "html", "--root", str(root)]
    timed(html, root)
    records = []
    for run in range(runs):
        changed = change_launches(root, 1 if run % 2 == 0 else -1)  # raised, then lowered: each run changes it
        records.append({**timed(html, root), "changed": changed})
    return summary("html target after one number changed in the raw Air Force reports", records)


def stock(root: Path, runs: int) -> dict[str, Any]:
    """Stock Jupyter Book: every notebook executed (``force``), every page rebuilt (``--all``)."""
    config = root / "_config.yml"
    config.write_text(re.sub(r'execute_notebooks:\s*"?off"?', 'execute_notebooks: "force"', config.read_text()))
    command = [str(PROJECT / ".venv" / "bin" / "jupyter-book"), "build", "--all", str(root)]
    return summary("stock Jupyter Book: execute_notebooks force, build --all", [timed(command, root) for _ in range(runs)])


def wait_for(url: str, text: str, timeout: float) -> float | None:
    """Poll ``url`` until its body contains ``text``; the time it took, or None."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8", errors="replace"):
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.1)
    return None


def save_sentence(notebook: Path, sentence: str) -> None:
    """Replace the benchmark's sentence at the end of the notebook's last markdown cell, and save."""
    nb = nbformat.read(notebook, as_version=4)
    cell = next(cell for cell in reversed(nb.cells) if cell.cell_type == "markdown")
    cell.source = cell.source.split("\n\nSentence ")[0] + f"\n\n{sentence}"
    nbformat.write(nb, notebook)


def prose_under_serve(root: Path, runs: int) -> dict[str, Any]:
    """Seconds from saving a prose edit until the page open in Chromium under ``make serve`` has reloaded with it."""
    what = "prose edit under make serve: save to the open page reloaded with it"
    port = free_port()
    url = f"http://127.0.0.1:{port}/{SERVED_CHAPTER}.html"
    server = subprocess.Popen([*MAKE, "serve", f"PORT={port}"], cwd=root, env=environment(root),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    records = []
    try:
        if wait_for(url, "</html>", SERVE_TIMEOUT) is None:
            return {"what": what, "error": "the preview never served the page"}
        with sync_playwright() as playwright:
            chromium = browser.launch(playwright)
            page = chromium.new_page()
            page.goto(url)
            for run in range(runs):
                sentence = f"Sentence {run + 1} added by the benchmark."
                save_sentence(root / f"{SERVED_CHAPTER}.ipynb", sentence)
                seconds = browser.seconds_until_text(page, sentence, SERVE_TIMEOUT)
                records.append({"seconds": round(seconds, 2) if seconds is not None else float(SERVE_TIMEOUT),
                                "returncode": 0 if seconds is not None else 1})
                time.sleep(2)  # let the preview settle before the next save
            chromium.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return summary(what, records)


def bench_rebuilds(tmp: Path, runs: int) -> dict[str, Any]:
    """Every figure of issue 14 but ``make test``, side by side; the one-table ratio to stock Jupyter Book."""
    ours, theirs = tmp / "rebuilds", tmp / "stock"
    prepare(ours)
    prepare(theirs)
    print("issue 14 figures: no-change make book, no-change html, one table, stock Jupyter Book, make serve", flush=True)
    results = {
        "no_change_make_book": no_change(ours, [*MAKE, "book"], "make book (site and PDF), nothing changed", runs),
        "no_change_html": no_change(ours, [sys.executable, "-m", "nkarms.build", "html", "--root", str(ours)],
                                    "html target, nothing changed", runs),
        "one_table": one_table(ours, runs),
        "stock_jupyter_book": stock(theirs, runs),
    }
    results["one_table_over_stock"] = round(
        results["one_table"]["median_seconds"] / results["stock_jupyter_book"]["median_seconds"], 3)
    results["prose_under_serve"] = prose_under_serve(ours, runs)
    return results


def print_rebuilds(results: dict[str, Any]) -> None:
    for key, info in results.items():
        if isinstance(info, dict) and "median_seconds" in info:
            flag = "" if info["all_succeeded"] else "  (a run failed: see results.json)"
            print(f"{info['what']:<60} {info['median_seconds']:7.1f} s{flag}")
        elif isinstance(info, dict):
            print(f"{info['what']:<60} {info.get('error')}")
    print(f"{'one table changed / stock Jupyter Book':<60} {results['one_table_over_stock']:7.2f}")
