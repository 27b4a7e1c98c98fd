"""Build the report, re-executing exactly the chapters whose inputs changed.

Jupyter Book's own cache keys a notebook by its code only, so a change to
``data/`` or to this package would leave old numbers on the site. Here each
chapter is keyed on its cells' sources and on the hash of every file it read
when it last ran (data tables and ``nkarms`` modules, reported by
:mod:`nkarms.data.reads`). The keys live in ``chapters/execution-manifest.json``,
committed beside the notebooks whose stored outputs they vouch for.

    python -m nkarms.build site      # the published site: html, then the PDF it links to
    python -m nkarms.build html      # execute what is stale, then build the html only
    python -m nkarms.build pdf       # the same, then the PDF (see nkarms.site.pdf)
    python -m nkarms.build execute   # only refresh stale notebook outputs
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from nkarms import toc
from nkarms.files import sha256, write_text_atomic
from nkarms.paths import PROJECT_ROOT
from nkarms.site.sphinx_data import PDF_LINK_ENV, SITE_URL_ENV

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


def refresh(root: Path = PROJECT_ROOT, force: bool = False) -> list[str]:
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


RENDERING = ("site/sphinx_ext.py", "site/sphinx_data.py", "site/sphinx_icons.py", "site/render.py", "site/pages.py", "site/static")
# Settings that change every page (the PDF link, the site's address in link previews; see nkarms.site.sphinx_data).
RENDERING_SETTINGS = (PDF_LINK_ENV, SITE_URL_ENV)


def rendering_hash() -> str:
    """Hash of the code and settings that turn stored outputs into pages (Sphinx tracks neither)."""
    package = Path(__file__).resolve().parent
    files = sorted(p for name in RENDERING for p in ([package / name] if (package / name).is_file() else (package / name).rglob("*")) if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + sha256(path).encode())
    for name in RENDERING_SETTINGS:
        digest.update(f"{name}={os.environ.get(name, '')}".encode())
    return digest.hexdigest()


def clear_if_rendering_changed(root: Path, builder: str) -> Path:
    """Sphinx rewrites only pages whose sources changed; when our rendering code changed, start clean.

    Returns the stamp file to write once the build has succeeded.
    """
    stamp = root / "_build" / f".rendering-{builder}"
    if not stamp.exists() or stamp.read_text() != rendering_hash():
        for stale in (root / "_build" / builder, root / "_build" / ".doctrees"):
            shutil.rmtree(stale, ignore_errors=True)
    return stamp


def jupyter_book(root: Path, builder: str) -> None:
    """Render the stored outputs with Jupyter Book; warnings are errors."""
    stamp = clear_if_rendering_changed(root, builder)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "--builder", builder, "-W", "--keep-going"]
    result = subprocess.run(command, env={**os.environ, "NKARMS_PROJECT_ROOT": str(root)})
    if result.returncode != 0:
        sys.exit(f"jupyter-book {builder} build failed (warnings are errors); see the messages above")
    stamp.write_text(rendering_hash())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=["site", "html", "pdf", "execute"])
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--force", action="store_true", help="re-execute every chapter")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    executed = refresh(root, force=args.force)
    (root / "_build").mkdir(exist_ok=True)
    (root / "_build" / "executed.json").write_text(json.dumps(executed) + "\n", encoding="utf-8")
    if args.target in ("site", "html"):
        if args.target == "site":
            os.environ[PDF_LINK_ENV] = "1"
        jupyter_book(root, "html")
    if args.target in ("site", "pdf"):
        from nkarms.site.pdf import build_pdf

        jupyter_book(root, "singlehtml")
        print(f"PDF written: {build_pdf(root)}")
    if args.target in ("site", "html"):
        print(f"Open the report: file://{root / '_build' / 'html' / 'index.html'}")


if __name__ == "__main__":
    main()
