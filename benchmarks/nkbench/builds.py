"""The timed builds: a project copy, built cold, unchanged, after a data change and after a prose change."""
from __future__ import annotations

import csv
import io
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
DATA_TABLE = Path("data/derived/ua_kn23_attacks.csv")
DATA_COLUMN = "launched"


def copy_project(destination: Path) -> None:
    shutil.copytree(PROJECT, destination, ignore=shutil.ignore_patterns(*NOT_COPIED), dirs_exist_ok=True)


def build(root: Path) -> dict[str, Any]:
    """One ``python -m nkarms.build html`` on ``root``: seconds, exit code, chapters executed."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "nkarms.build", "html", "--root", str(root)],
        env={**os.environ, "NKARMS_PROJECT_ROOT": str(root)},
        capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    executed_file = root / "_build" / "executed.json"
    executed = json.loads(executed_file.read_text()) if executed_file.exists() else []
    record = {"seconds": round(seconds, 2), "returncode": result.returncode, "executed": executed}
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines()
        record["problems"] = [line for line in lines if "WARNING" in line or "Error" in line][-10:]
    return record


def change_number(root: Path, run: int) -> str:
    """Set the first row's ``launched`` count of the data table to a new value (one per run)."""
    path = root / DATA_TABLE
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = list(reader)
    row = next(row for row in rows if row.get(DATA_COLUMN, "").strip().isdigit())
    old = int(row[DATA_COLUMN])
    destroyed = row.get("destroyed", "").strip()
    new = max(old, int(destroyed) if destroyed.isdigit() else 0) + 1 + run
    row[DATA_COLUMN] = str(new)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"{DATA_TABLE} row {row.get('date', '?')}: {DATA_COLUMN} {old} -> {new}"


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
        what = change_number(root, run)
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
