"""The execution cache: which chapters are stale, and running them.

Jupyter Book's own cache keys a notebook by its code only, so a change to
``data/`` or to this package would leave old numbers on the site. Here each
chapter is keyed on its cells' sources and on the hash of every file it read
when it last ran (data tables and ``nkarms`` modules, reported by
:mod:`nkarms.data.reads`). The keys live in ``chapters/execution-manifest.json``,
committed beside the notebooks whose stored outputs they vouch for.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from nkarms import toc
from nkarms.files import sha256, write_text_atomic

MANIFEST_NAME = "execution-manifest.json"
PROBE = "import nkarms.data.reads\nprint(nkarms.data.reads.report())"


def source_hash(notebook: Path) -> str:
    """Hash of the cells' types and sources: what the author wrote, not the outputs."""
    nb = nbformat.read(notebook, as_version=4)
    cells = [(cell.cell_type, cell.source) for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def load_manifest(root: Path) -> dict[str, Any]:
    path = root / "chapters" / MANIFEST_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_manifest(root: Path, manifest: dict[str, Any]) -> None:
    path = root / "chapters" / MANIFEST_NAME
    write_text_atomic(path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def stale_reason(notebook: Path, root: Path, manifest: dict[str, Any]) -> str | None:
    """Why ``notebook`` must re-execute, or None when its stored outputs are current."""
    entry = manifest.get(notebook.relative_to(root).as_posix())
    if entry is None:
        return "never executed"
    if entry["source"] != source_hash(notebook):
        return "its cells changed"
    nb = nbformat.read(notebook, as_version=4)
    if any(cell.cell_type == "code" and cell.execution_count is None for cell in nb.cells):
        return "it has no stored outputs"
    for name, digest in entry["inputs"].items():
        path = root / name if not Path(name).is_absolute() else Path(name)
        if not path.exists() or sha256(path) != digest:
            return f"{name} changed"
    return None


def execute(notebook: Path, root: Path) -> dict[str, str]:
    """Run every cell, store the outputs in place, and return the inputs it read with their hashes.

    A failing cell raises nbclient's CellExecutionError, which shows the cell and the error.
    """
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute(env={**os.environ, "NKARMS_PROJECT_ROOT": str(root)})
    probe = nb.cells.pop()
    read = json.loads("".join(out.get("text", "") for out in probe.outputs))
    write_text_atomic(notebook, nbformat.writes(nb) + "\n")
    inputs = {}
    for name in read:
        path = Path(name)
        key = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        inputs[key] = sha256(path)
    return dict(sorted(inputs.items()))


def refresh(root: Path, force: bool = False) -> list[str]:
    """Execute the stale chapters (all with ``force``); return the names of those executed."""
    manifest = load_manifest(root)
    executed = []
    for notebook in toc.notebooks(root):
        name = notebook.relative_to(root).as_posix()
        reason = "forced" if force else stale_reason(notebook, root, manifest)
        if reason is None:
            continue
        print(f"executing {name} ({reason})", flush=True)
        manifest[name] = {"source": source_hash(notebook), "inputs": execute(notebook, root)}
        save_manifest(root, manifest)
        executed.append(name)
    print(f"executed {len(executed)} chapter(s): {', '.join(executed) or 'none'}", flush=True)
    return executed
