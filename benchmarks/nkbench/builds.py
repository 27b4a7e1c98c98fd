"""The timed builds: a project copy, built cold, unchanged, after a data change and after a prose change.

Builds run with the copy's ``src/`` first on ``PYTHONPATH`` (:func:`environment`), so
the kernels import the copied package and edits to the working tree cannot make
the copy's chapters stale while it is measured.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat

from nkarms import toc

PROJECT = Path(__file__).resolve().parents[2]
# Everything but version control, environments and build output (chapters read more
# than chapters/ and data/, e.g. CITATION.cff; src/ keeps the execution manifest's keys valid).
NOT_COPIED = (
    ".git", ".venv", "_build", ".pytest_cache", "__pycache__", ".ipynb_checkpoints", "*.egg-info",
    "screenshots", "results.json",
)
# The raw reports the derived Air Force tables (data/derived/ua_kn23_*.csv) are made from.
RAW = Path("data/raw/ua-airforce-missile-attacks/missile_attacks_daily.csv")
KN23_LABEL = "Iskander-M/KN-23"


def copy_project(destination: Path) -> None:
    shutil.copytree(PROJECT, destination, ignore=shutil.ignore_patterns(*NOT_COPIED), dirs_exist_ok=True)


def environment(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root / "src"), "NKARMS_PROJECT_ROOT": str(root)}


def build(root: Path) -> dict[str, Any]:
    """One ``python -m nkarms.build html`` on ``root``: seconds, exit code, chapters executed."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "nkarms.build", "html", "--root", str(root)],
        env=environment(root), capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    executed_file = root / "_build" / "executed.json"
    executed = json.loads(executed_file.read_text()) if executed_file.exists() else []
    record = {"seconds": round(seconds, 2), "returncode": result.returncode, "executed": executed}
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines()
        record["problems"] = [line for line in lines if "WARNING" in line or "Error" in line][-10:]
    return record


def change_launches(root: Path, delta: int) -> str:
    """A new raw snapshot: ``delta`` more launches in the first small KN-23 report, its SHA256SUMS line updated.

    Derived tables are never edited by hand (a chapter checks them against the
    raw reports), so the change enters where new data does; the build's
    pipeline stage then regenerates ``data/derived/ua_kn23_*.csv``.
    """
    raw, sums = root / RAW, root / RAW.parent / "SHA256SUMS"
    old = raw.read_bytes()
    lines = old.decode("utf-8").split("\n")
    header = lines[0].split(",")
    model, launched = header.index("model"), header.index("launched")
    row = next(i for i, line in enumerate(lines) if i and '"' not in line and len(line.split(",")) == len(header)
               and line.split(",")[model] == KN23_LABEL
               and line.split(",")[launched] and float(line.split(",")[launched]) < 10)
    cells = lines[row].split(",")
    cells[launched] = f"{float(cells[launched]) + delta:.1f}"
    lines[row] = ",".join(cells)
    new = "\n".join(lines).encode("utf-8")
    raw.write_bytes(new)
    sums.write_text(sums.read_text().replace(hashlib.sha256(old).hexdigest(), hashlib.sha256(new).hexdigest()))
    return f"{RAW} {cells[0]}: launched {delta:+d}"


def change_prose(root: Path, chapter: str | None, run: int) -> str:
    """Reword the last sentence of a chapter's last markdown cell (differently every run)."""
    notebooks = toc.notebooks(root)
    notebook = root / chapter if chapter else notebooks[-1]
    nb = nbformat.read(notebook, as_version=4)
    cell = next(cell for cell in reversed(nb.cells) if cell.cell_type == "markdown" and cell.source.strip())
    base = cell.source.split("\n\n<!-- bench -->")[0]
    cell.source = f"{base}\n\n<!-- bench -->\nThis sentence was added by the benchmark, run {run + 1}."
    nbformat.write(nb, notebook)
    return f"{notebook.relative_to(root)}: one markdown sentence"


def bench_builds(root: Path, runs: int, chapter: str | None) -> dict[str, Any]:
    print(f"preparing {root}: one untimed build so that stale chapters are executed first", flush=True)
    warmup = build(root)
    print(f"  {warmup['seconds']:.1f}s, executed {len(warmup['executed'])} chapter(s), exit {warmup['returncode']}")
    kinds = {
        "cold": "cold build from an empty _build",
        "no_change": "rebuild, nothing changed",
        "data_change": "rebuild after one number changed in a data table",
        "prose_change": "rebuild after one chapter's prose changed",
    }
    records: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for run in range(runs):
        shutil.rmtree(root / "_build", ignore_errors=True)
        records["cold"].append(build(root))
        records["no_change"].append(build(root))
        what = change_launches(root, 1 if run % 2 == 0 else -1)  # raised, then lowered: each run changes it
        records["data_change"].append({**build(root), "changed": what})
        what = change_prose(root, chapter, run)
        records["prose_change"].append({**build(root), "changed": what})
        print(f"  run {run + 1}/{runs}: " + ", ".join(f"{k} {records[k][-1]['seconds']:.1f}s" for k in kinds), flush=True)
    return {
        "warmup": warmup,
        **{
            kind: {
                "what": kinds[kind],
                "median_seconds": round(statistics.median(r["seconds"] for r in records[kind]), 2),
                "all_succeeded": all(r["returncode"] == 0 for r in records[kind]),
                "runs": records[kind],
            }
            for kind in kinds
        },
    }


def bench_make_test() -> dict[str, Any]:
    print("timing `make test` in the project", flush=True)
    start = time.perf_counter()
    result = subprocess.run(["make", "test"], cwd=PROJECT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = result.stdout.splitlines()
    summary = [line for line in lines if " in " in line and ("passed" in line or "failed" in line)]
    record = {"seconds": round(seconds, 2), "returncode": result.returncode, "summary": summary[-1:]}
    if result.returncode != 0:
        record["last_lines"] = (lines + result.stderr.splitlines())[-15:]
    return record
