"""Running one chapter: its outputs stored in place, and the key they were made from.

The key names every file the chapter read with the sha256 of the bytes it read
(:mod:`nkarms.data.reads` hashes a data file when the loader opens it, a module
when the run ends). After the run every such file is hashed again, and a
module is also compared with its hash before the run: if anything changed
while the chapter ran (a table saved under ``make serve``), the outputs may
come from bytes the key does not name, so the chapter runs again, and after
:data:`ATTEMPTS` such runs the build refuses rather than record a key the
outputs do not match.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nkarms.build import keys
from nkarms.build.startup import KERNEL_ARGUMENTS
from nkarms.files import sha256, write_text_atomic

PROBE = "import nkarms.data.reads\nprint(nkarms.data.reads.report())"
ATTEMPTS = 3


class InputsChangedError(RuntimeError):
    """A chapter's inputs kept changing while it ran; the message names the files."""


def _run(notebook: Path, root: Path) -> dict[Path, str | None]:
    """Run every cell in a fresh kernel, write the notebook, return what it read (path -> digest as read).

    A failing cell raises nbclient's CellExecutionError, which shows the cell and the error.
    A cell's prints are merged into one stream output: the kernel sends them in as many
    messages as its flushes happened to cut them into, which varies from run to run (a
    loaded machine once split "9 7" in two), and stored outputs must be the same bytes.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", record_timing=False, coalesce_streams=True,
        extra_arguments=KERNEL_ARGUMENTS,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute(env={**os.environ, "NKARMS_PROJECT_ROOT": str(root)})
    probe = nb.cells.pop()
    read = json.loads("".join(out.get("text", "") for out in probe.outputs))
    write_text_atomic(notebook, nbformat.writes(nb) + "\n")
    return {Path(name): digest for name, digest in read.items()}


def _package_files() -> dict[Path, str]:
    """sha256 of every module of the ``nkarms`` package the kernel will import (the build's own)."""
    package = Path(__file__).resolve().parents[1]
    return {path: sha256(path) for path in package.rglob("*.py")}


def changed_during_run(read: dict[Path, str | None], before: dict[Path, str]) -> list[Path]:
    """The files whose bytes as read differ from the bytes before the run (modules) or now (all)."""
    return [path for path, digest in read.items()
            if digest is None or not path.is_file() or sha256(path) != digest or before.get(path, digest) != digest]


def _key_name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def execute(notebook: Path, root: Path) -> dict[str, Any]:
    """Run ``notebook`` until its inputs held still during a run; return its manifest entry."""
    for attempt in range(1, ATTEMPTS + 1):
        before = _package_files()
        read = _run(notebook, root)
        changed = changed_during_run(read, before)
        if not changed:
            return {
                "code": keys.code_hash(notebook),
                "inputs": dict(sorted((_key_name(path, root), digest) for path, digest in read.items())),
                "libraries": keys.library_versions(),
                "outputs": keys.outputs_hash(notebook),
            }
        names = ", ".join(_key_name(path, root) for path in changed)
        print(f"  {notebook.name}: {names} changed while it ran (run {attempt} of {ATTEMPTS})", flush=True)
    raise InputsChangedError(
        f"{notebook}: {names} kept changing while the chapter ran ({ATTEMPTS} runs); "
        "its outputs would not match the recorded inputs. Stop editing them and build again."
    )
