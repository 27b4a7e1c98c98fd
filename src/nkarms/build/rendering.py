"""Rendering: stored outputs to pages with Jupyter Book, starting clean when the rendering code changed."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from nkarms.build import keys
from nkarms.build.imports import rendering_inputs
from nkarms.build.startup import JUPYTER_BOOK
from nkarms.files import sha256

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Settings that change every page: the PDF link and the site's address in link previews
# (nkarms.site.sphinx_data's PDF_LINK_ENV and SITE_URL_ENV, named here so that checking
# them does not load Sphinx; tests/test_cache.py checks they agree).
PDF_LINK_ENV, SITE_URL_ENV = "NKARMS_LINK_PDF", "NKARMS_SITE_URL"
RENDERING_SETTINGS = (PDF_LINK_ENV, SITE_URL_ENV)


def rendering_hash(root: Path, package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the code, settings and library versions that turn stored outputs into pages (Sphinx tracks none)."""
    digest = hashlib.sha256()
    for path in rendering_inputs(root, package_dir):
        digest.update(path.relative_to(package_dir).as_posix().encode() + sha256(path).encode())
    for name in RENDERING_SETTINGS:
        digest.update(f"{name}={os.environ.get(name, '')}".encode())
    for name, version in keys.library_versions().items():
        digest.update(f"{name}=={version}".encode())
    return digest.hexdigest()


def clear_if_rendering_changed(root: Path, builder: str) -> tuple[Path, str]:
    """Sphinx rewrites only pages whose sources changed; when our rendering code changed, start clean.

    Returns the stamp file and the hash to write into it once the build has succeeded.
    """
    stamp, current = root / "_build" / f".rendering-{builder}", rendering_hash(root)
    if not stamp.exists() or stamp.read_text() != current:
        for stale in (root / "_build" / builder, root / "_build" / ".doctrees"):
            shutil.rmtree(stale, ignore_errors=True)
    return stamp, current


def jupyter_book(root: Path, builder: str) -> None:
    """Render the stored outputs with Jupyter Book; warnings are errors."""
    stamp, current = clear_if_rendering_changed(root, builder)
    command = [sys.executable, "-c", JUPYTER_BOOK, "build", str(root), "--builder", builder, "-W", "--keep-going"]
    result = subprocess.run(command, env={**os.environ, "NKARMS_PROJECT_ROOT": str(root)})
    if result.returncode != 0:
        sys.exit(f"jupyter-book {builder} build failed (warnings are errors); see the messages above")
    stamp.write_text(current)
