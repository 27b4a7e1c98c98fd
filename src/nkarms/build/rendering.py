"""Rendering: stored outputs to pages with Jupyter Book, starting clean when the rendering code changed."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from nkarms.files import sha256
from nkarms.site.sphinx_data import PDF_LINK_ENV, SITE_URL_ENV

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
