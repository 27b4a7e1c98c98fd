"""The execution cache: which chapters are stale, and running them (in parallel).

Jupyter Book's own cache keys a notebook by its code only, so a change to
``data/``, to this package or to a library would leave old numbers on the site.
Here each chapter's key, in ``chapters/execution-manifest.json`` beside the
notebooks whose stored outputs it vouches for, holds:

- ``code``: the hash of its code cells (a prose edit re-renders the page but runs nothing);
- ``inputs``: every file it read (data tables, ``nkarms`` modules) with the
  sha256 of the bytes it read (:mod:`nkarms.build.execute`);
- ``libraries``: the versions of the libraries that shape outputs (:mod:`nkarms.build.keys`);
- ``outputs``: the hash of the stored outputs the run wrote, so outputs edited
  or saved from another run afterwards are not trusted.

Raw snapshots are not in the key: they reach chapters only through
``data/derived/``, which the build regenerates first (:mod:`nkarms.build.rawdata`)
and whose tables are inputs. A raw change that leaves the derived bytes as they
were cannot change a page, so it re-executes nothing.
"""
from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from nkarms import toc
from nkarms.build import keys
from nkarms.build.execute import execute
from nkarms.build.startup import skip_iri_grammar
from nkarms.files import sha256, write_text_atomic

MANIFEST_NAME = "execution-manifest.json"


class ChapterError(RuntimeError):
    """A chapter failed to run; the message names it and shows the failing cell."""


def manifest_path(root: Path) -> Path:
    return root / "chapters" / MANIFEST_NAME


def load_manifest(root: Path) -> dict[str, Any]:
    path = manifest_path(root)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_manifest(root: Path, manifest: dict[str, Any]) -> None:
    write_text_atomic(manifest_path(root), json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def input_path(name: str, root: Path) -> Path:
    """The file a manifest input names: relative to the project, or absolute when outside it."""
    return Path(name) if Path(name).is_absolute() else root / name


def stale_reason(notebook: Path, root: Path, manifest: dict[str, Any],
                 libraries: dict[str, str] | None = None) -> str | None:
    """Why ``notebook`` must re-execute, or None when its stored outputs are current.

    ``libraries`` defaults to the installed versions (:func:`nkarms.build.keys.library_versions`).
    """
    entry = manifest.get(notebook.relative_to(root).as_posix())
    if entry is None:
        return "never executed"
    if entry.get("code") != keys.code_hash(notebook):
        return "its code changed"
    if not keys.has_outputs(notebook):
        return "it has no stored outputs"
    if "outputs" not in entry:
        return "its manifest entry has no hash of its outputs"
    if entry["outputs"] != keys.outputs_hash(notebook):
        return "its stored outputs changed"
    changed = keys.changed_libraries(entry.get("libraries", {}), libraries or keys.library_versions())
    if changed:
        return f"libraries changed: {', '.join(changed)}"
    for name, digest in entry["inputs"].items():
        path = input_path(name, root)
        if not path.is_file() or sha256(path) != digest:
            return f"{name} changed"
    return None


def stale(root: Path, force: bool = False) -> dict[str, str]:
    """Every chapter to run, in book order, with the reason."""
    manifest, libraries = load_manifest(root), keys.library_versions()
    reasons = {}
    for notebook in toc.notebooks(root):
        reason = "forced" if force else stale_reason(notebook, root, manifest, libraries)
        if reason is not None:
            reasons[notebook.relative_to(root).as_posix()] = reason
    return reasons


def refresh(root: Path, force: bool = False, jobs: int | None = None) -> list[str]:
    """Execute the stale chapters (all with ``force``), ``jobs`` at a time; return those executed, in book order.

    Each chapter runs in its own kernel, so chapters are independent; the
    manifest is saved after each one finishes. If a chapter fails, the others
    still finish and are recorded, then the first failure is raised.
    """
    reasons = stale(root, force)
    for name, reason in reasons.items():
        print(f"executing {name} ({reason})", flush=True)
    manifest, done, failures = load_manifest(root), set(), []
    if reasons:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(reasons)))
        workers = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"), initializer=skip_iri_grammar)
        with workers as pool:
            runs = {pool.submit(execute, root / name, root): name for name in reasons}
            for run in as_completed(runs):
                name = runs[run]
                try:
                    manifest[name] = run.result()
                except Exception as error:  # raised once the other chapters are saved
                    failures.append(ChapterError(f"{name} failed:\n{error}"))
                    continue
                save_manifest(root, manifest)
                done.add(name)
    executed = [name for name in reasons if name in done]
    print(f"executed {len(executed)} chapter(s): {', '.join(executed) or 'none'}", flush=True)
    if failures:
        raise failures[0]
    return executed
