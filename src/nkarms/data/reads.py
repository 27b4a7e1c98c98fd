"""Records what a chapter read, with the hash of the bytes it read, so the build re-executes exactly what a change affects.

The loaders call :func:`record` for every file they open, before parsing it:
the file is hashed then, not after the run, so a table saved while the chapter
runs (as under ``make serve``) is keyed by the bytes the chapter saw. A file
recorded twice with different bytes is reported with the digest ``None``
(it changed under the chapter). After a chapter has run, the build asks the
kernel for :func:`report` and compares every digest with the file as it is
now (:mod:`nkarms.build.execute`), so a change after the read is caught too.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

_files_read: dict[Path, str | None] = {}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(path: Path) -> bytes:
    """Note that the running chapter reads ``path``, with the sha256 of its bytes now; return those bytes.

    A loader that parses the returned bytes parses exactly what was hashed.
    """
    path = Path(path).resolve()
    data = path.read_bytes()
    digest = _digest(data)
    if path in _files_read and _files_read[path] != digest:
        _files_read[path] = None
    else:
        _files_read.setdefault(path, digest)
    return data


def _modules() -> dict[Path, str]:
    """Every ``nkarms`` module imported, with the sha256 of its source file."""
    files = {
        Path(module.__file__).resolve()
        for name, module in list(sys.modules.items())
        if name.split(".")[0] == "nkarms" and getattr(module, "__file__", None)
    }
    return {path: _digest(path.read_bytes()) for path in files}


def report() -> str:
    """JSON object: every data file read and ``nkarms`` module imported -> sha256 (None: it changed between reads)."""
    read = {**_modules(), **_files_read}
    return json.dumps({str(path): read[path] for path in sorted(read)})

