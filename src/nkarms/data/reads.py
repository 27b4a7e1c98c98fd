"""Records what a chapter read, so the build can re-execute exactly what a change affects.

The loaders call :func:`record` for every file they open. After a chapter has
run, the build asks the kernel for :func:`report`: the data files it read and
the helper modules it imported.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

_files_read: set[Path] = set()


def record(path: Path) -> None:
    """Note that the running chapter read ``path``."""
    _files_read.add(Path(path).resolve())


def report() -> str:
    """JSON list of every data file read and every ``nkarms`` module imported."""
    modules = {
        Path(module.__file__).resolve()
        for name, module in list(sys.modules.items())
        if name.split(".")[0] == "nkarms" and getattr(module, "__file__", None)
    }
    return json.dumps(sorted(str(path) for path in _files_read | modules))
