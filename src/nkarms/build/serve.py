"""Live preview (``make serve``): sphinx-autobuild's watcher and reloading server, with warm rebuilds.

sphinx-autobuild runs each rebuild as a new ``python -m sphinx build``, which
spends seconds importing Sphinx, Jupyter Book's extensions and the libraries
behind them before it reads a page. Here the server process imports, once,
every third-party module the first build imported (:func:`preload`), and
sphinx-autobuild's :class:`RebuildServer` runs each rebuild in a process forked
from it: a rebuild starts with those imports done, yet with fresh Sphinx state
(a second build in one process sees a changed build configuration and rewrites
every page). The project's own modules are never carried over: each rebuild
imports them as saved (:func:`forget_project_modules`).

A rebuild is what ``python -m nkarms.build execute`` does (stale derived data
regenerated, stale chapters executed), then Sphinx on the configuration
``jupyter-book config sphinx`` writes (again after ``_config.yml`` changed), starting clean when the rendering code
changed (:func:`nkarms.build.rendering.clear_if_rendering_changed`), since
Sphinx rewrites only the pages whose sources changed. The pages' Content-Security-Policy runs
scripts from the site only, so the reload script is served as a file
(``preview-reload.js``) instead of sphinx-autobuild's inline one, which the
policy blocks.

    python -m nkarms.build.serve [--port 8000]
"""
from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import subprocess
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import uvicorn
from sphinx_autobuild.filter import IgnoreFilter
from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
from sphinx_autobuild.server import RebuildServer
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import FileResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from nkarms import project
from nkarms.build.startup import JUPYTER_BOOK, skip_iri_grammar

PACKAGE = "nkarms"
RELOAD_SCRIPT = Path(__file__).with_name("preview-reload.js")
RELOAD_URL = "/_preview/reload.js"
# Never watched: version control, environments, caches, build output, and the files a rebuild writes itself.
IGNORED = (
    ".git", ".venv", "venv", ".pytest_cache", ".ipynb_checkpoints", "__pycache__", "_build",
    "chapters/execution-manifest.json", "conf.py",
)


def forget_project_modules() -> None:
    """Drop the project's modules from this process, so the next import reads them as saved."""
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def write_sphinx_config(root: Path) -> None:
    """``conf.py`` from ``_config.yml``, as ``jupyter-book config sphinx`` writes it."""
    subprocess.run([sys.executable, "-c", JUPYTER_BOOK, "config", "sphinx", str(root)], check=True,
                   stdout=subprocess.DEVNULL)


@dataclass(frozen=True)
class Rebuild:
    """One rebuild of the preview, run by sphinx-autobuild's watcher in a forked process.

    A failure is reported and the server keeps watching: an exception raised here
    would end sphinx-autobuild's watcher, and with it every later rebuild.
    """

    root: Path
    out: Path

    def __call__(self, *, changed_paths: Sequence[Path] = ()) -> None:
        shown = ", ".join(str(path.relative_to(self.root)) for path in changed_paths[:5] if path.is_relative_to(self.root))
        print(f"[preview] rebuilding{' after ' + shown if shown else ''}", flush=True)
        try:
            problem = self.rebuild(changed_paths)
        except Exception:  # reported, so that the next save is still rebuilt
            problem = traceback.format_exc()
        print(f"[preview] not rebuilt: {problem}" if problem else "[preview] rebuilt", flush=True)

    def rebuild(self, changed_paths: Sequence[Path]) -> str | None:
        """Stale data and chapters, then the pages; what stopped the rebuild, or None."""
        forget_project_modules()
        from sphinx.cmd.build import build_main

        from nkarms.build import rendering
        from nkarms.build.__main__ import main as build

        if any(path.name == "_config.yml" for path in changed_paths):
            write_sphinx_config(self.root)
        try:
            build(["execute", "--root", str(self.root)])
        except SystemExit as stop:
            if stop.code:
                return str(stop.code)
        stamp, current = rendering.clear_if_rendering_changed(self.root, "html")
        status = build_main([str(self.root), str(self.out)])
        if status:
            return f"Sphinx failed (exit code {status})"
        stamp.write_text(current)
        return None


def first_build(rebuild: Rebuild) -> list[str]:
    """Run the first build; return the third-party modules it imported, for the server to import once."""
    rebuild()
    return sorted(name for name in sys.modules if name.split(".")[0] != PACKAGE)


def preload(names: Sequence[str]) -> None:
    """Import ``names`` into this process, so that every rebuild forked from it starts with them loaded."""
    for name in names:
        if name not in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:  # a module importable only in the context that loaded it (a plugin's shim, say)
                continue


class ReloadScriptInjector(JavascriptInjectorMiddleware):
    """sphinx-autobuild's injector, adding to each page a script element that loads the reload script by URL."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, ws_url="")
        self.script = f'<script src="{RELOAD_URL}"></script>\n'.encode()


def create_app(root: Path, out: Path, rebuild: Rebuild) -> Starlette:
    """sphinx-autobuild's server: the built pages, the reload socket, and the reload script."""
    watcher = RebuildServer([root], IgnoreFilter([root / name for name in IGNORED], []), change_callback=rebuild)
    return Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Route(RELOAD_URL, lambda request: FileResponse(RELOAD_SCRIPT, media_type="text/javascript")),
            Mount("/", app=StaticFiles(directory=out, html=True), name="static"),
        ],
        middleware=[Middleware(ReloadScriptInjector)],
        lifespan=watcher.lifespan,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: this checkout)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    root = (args.root or project.root()).resolve()
    out = root / "_build" / "html"
    os.environ[project.ROOT_ENV] = str(root)
    os.chdir(root)
    skip_iri_grammar()
    # Rebuilds must inherit this process's imports: sphinx-autobuild's process pool uses the default start method.
    multiprocessing.set_start_method("fork", force=True)
    write_sphinx_config(root)
    out.mkdir(parents=True, exist_ok=True)
    rebuild = Rebuild(root, out)
    with ProcessPoolExecutor(max_workers=1) as pool:
        preload(pool.submit(first_build, rebuild).result())
    print(f"[preview] serving http://{args.host}:{args.port}/ ; rebuilds on every saved change", flush=True)
    uvicorn.run(create_app(root, out, rebuild), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
