"""The rendering inputs, derived: every file of the package that the Sphinx extensions may run or read.

Sphinx tracks a page's source but not the code that renders it. Instead of a
hand-kept list (which missed a module before), this starts from the extensions
``_config.yml`` loads and the mime renderers the package registers with
myst-nb, and follows their ``import`` statements through the source (with
:mod:`ast`, importing nothing, so the check stays fast): every ``nkarms``
module reached, the ``__init__`` of each package on the way, and the data
files (scripts, styles, images) that sit in the folders of those modules.
An import inside a function counts too, as it may run during a build.
"""
from __future__ import annotations

import ast
from importlib import metadata
from pathlib import Path

import yaml

PACKAGE = "nkarms"
MIME_RENDERERS = "myst_nb.mime_renderers"


def entry_modules(root: Path) -> list[str]:
    """The ``nkarms`` modules a Jupyter Book build loads: ``_config.yml``'s extensions and our mime renderers."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    extensions = (config.get("sphinx") or {}).get("extra_extensions") or []
    renderers = [point.value.split(":")[0] for point in metadata.entry_points(group=MIME_RENDERERS)]
    return sorted({name for name in [*extensions, *renderers] if name.split(".")[0] == PACKAGE})


def module_file(name: str, package_dir: Path) -> Path | None:
    """The source file of module ``name`` (``nkarms.x.y``) under ``package_dir``, or None if it is not a module there."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(source: Path, name: str) -> set[str]:
    """Every module name an ``import`` in ``source`` (module ``name``) may load, relative imports resolved."""
    package = name if source.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), filename=str(source))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            names |= {module, *(f"{module}.{alias.name}" for alias in node.names)}
    return names


def _with_parents(name: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: importing a module runs each parent package's ``__init__``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def imported_modules(modules: list[str], package_dir: Path) -> dict[str, Path]:
    """Every ``nkarms`` module that importing ``modules`` may load, name -> source file."""
    found: dict[str, Path] = {}
    todo = [parent for name in modules for parent in _with_parents(name)]
    while todo:
        name = todo.pop()
        path = module_file(name, package_dir)
        if name in found or path is None:
            continue
        found[name] = path
        todo += [parent for imported in _imported_names(path, name) for parent in _with_parents(imported)]
    return found


def data_files(folder: Path) -> list[Path]:
    """Files in ``folder`` and its subfolders that are not Python (static assets), skipping subpackages and caches."""
    files = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix not in {".py", ".pyc"}:
            files.append(path)
        elif path.is_dir() and path.name != "__pycache__" and not (path / "__init__.py").exists():
            files += data_files(path)
    return files


def rendering_inputs(root: Path, package_dir: Path) -> list[Path]:
    """The package files a Jupyter Book build of ``root`` runs or reads, sorted."""
    modules = imported_modules(entry_modules(root), package_dir)
    folders = {path.parent for path in modules.values()}
    return sorted({*modules.values(), *(path for folder in folders for path in data_files(folder))})
