"""Stage stamps: skip a stage whose inputs and outputs are byte for byte what they were after its last run.

Like ``make`` or ``ninja``, but decided on content hashes, not timestamps. Each
stage has a fingerprint of its inputs:

- ``data``: the raw snapshots and the record of those the derived tables were
  made from (``data/derived/raw_checksums.json``), all that
  :func:`nkarms.data.pipeline.stale_inputs` compares;
- ``execute``: the notebooks, the manifest, ``data/`` (raw snapshots included),
  the package's modules, the library versions and ``NKARMS_RAW_DIR``;
- ``html``: the notebooks, the manifest (the per-page data box), ``data/`` (the
  downloads), ``_config.yml``, ``_toc.yml``, ``CITATION.cff``, the rendering
  inputs (:mod:`nkarms.build.imports`), the library versions and the settings
  that change every page;
- ``pdf`` (the single-page build, then the print): those of ``html`` and the
  modules that print the PDF;
- ``print``: what Chromium prints from: the single-page build as it came out,
  the files the cover and contents read, the printing modules, and the versions
  of Chromium and Playwright. A change that leaves the single-page build byte
  for byte as it was (and Chromium as it was) prints nothing.

``_build/stamps.json`` keeps, per stage, that fingerprint and one of the
stage's outputs as the build left them. This module imports nothing heavy
(no pandas, nbformat or Sphinx), so a build with nothing to do returns quickly.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from importlib import metadata
from pathlib import Path

from nkarms.build import keys
from nkarms.build.imports import imported_modules, rendering_inputs
from nkarms.build.rendering import PACKAGE_DIR, RENDERING_SETTINGS
from nkarms.files import sha256, write_text_atomic

STAMPS = Path("_build") / "stamps.json"
SKIPPED_FOLDERS = {"__pycache__", ".ipynb_checkpoints"}
PDF_MODULES = ["nkarms.site.pdf"]
PDF_LIBRARIES = ("playwright",)
# What nkarms.site.pdf adds to the single page: the cover (title, release, site) and the contents.
PRINT_FILES = ("_config.yml", "_toc.yml", "data/changelog.csv")
SINGLE_PAGE = Path("_build") / "singlehtml"
# nkarms.site.browser's CHROMIUM_ENV and DEBIAN_CHROMIUM, and sphinx_data's SITE_URL_ENV, named
# here so that Playwright and Sphinx are not imported.
CHROMIUM_ENV, DEBIAN_CHROMIUM, SITE_URL_ENV = "NKARMS_CHROMIUM", "/usr/bin/chromium", "NKARMS_SITE_URL"
# nkarms.data.pipeline's RAW_DIR_ENV and CHECKSUMS_FILE, named here so that pandas is not imported.
RAW_DIR_ENV, CHECKSUMS_FILE = "NKARMS_RAW_DIR", "raw_checksums.json"


def tree(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted, without caches and editor checkpoints."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*")
                  if path.is_file() and not SKIPPED_FOLDERS & set(path.relative_to(folder).parts))


def digest(files: list[Path], base: Path, extra: dict[str, str]) -> str:
    """One hash over file names (relative to ``base`` when inside it), their bytes, and ``extra`` settings."""
    hasher = hashlib.sha256()
    for path in sorted(set(files)):
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)
        hasher.update(f"{name}\0{sha256(path) if path.is_file() else 'missing'}\n".encode())
    hasher.update(json.dumps(extra, sort_keys=True).encode())
    return hasher.hexdigest()


def _project_files(root: Path) -> list[Path]:
    return [*tree(root / "chapters"), *tree(root / "data")]


def data_inputs(root: Path) -> str:
    raw = Path(os.environ[RAW_DIR_ENV]) if os.environ.get(RAW_DIR_ENV) else root / "data" / "raw"
    files = [*tree(raw), root / "data" / "derived" / CHECKSUMS_FILE]
    return digest(files, root, {RAW_DIR_ENV: os.environ.get(RAW_DIR_ENV, "")})


def execute_inputs(root: Path) -> str:
    files = [*_project_files(root), root / "_toc.yml", *(path for path in tree(PACKAGE_DIR) if path.suffix == ".py")]
    return digest(files, root, {**keys.library_versions(), RAW_DIR_ENV: os.environ.get(RAW_DIR_ENV, "")})


def html_inputs(root: Path) -> str:
    files = [*_project_files(root), *(root / name for name in ("_config.yml", "_toc.yml", "CITATION.cff")),
             *rendering_inputs(root, PACKAGE_DIR)]
    settings = {name: os.environ.get(name, "") for name in RENDERING_SETTINGS}
    return digest(files, root, {**keys.library_versions(), **settings})


def _printing() -> tuple[list[Path], dict[str, str]]:
    """The modules and static files that print the PDF, and the printing libraries' versions."""
    modules = imported_modules(PDF_MODULES, PACKAGE_DIR).values()
    versions = {}
    for name in PDF_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return [*modules, *tree(PACKAGE_DIR / "site" / "static")], versions


def pdf_inputs(root: Path) -> str:
    files, versions = _printing()
    return digest(files, root, {"html": html_inputs(root), **versions})


def chromium_version() -> str:
    """What ``chromium --version`` says (the browser prints the PDF), or why it could not say."""
    binary = os.environ.get(CHROMIUM_ENV) or DEBIAN_CHROMIUM
    try:
        result = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown: {error}"
    return result.stdout.strip() or f"unknown: exit {result.returncode}"


def print_inputs(root: Path) -> str:
    """Run after the single-page build: its bytes, not the sources, decide whether to print again."""
    files, versions = _printing()
    files += [*tree(root / SINGLE_PAGE), *(root / name for name in PRINT_FILES)]
    settings = {"chromium": chromium_version(), SITE_URL_ENV: os.environ.get(SITE_URL_ENV, "")}
    return digest(files, root, {**versions, **settings})


INPUTS = {"data": data_inputs, "execute": execute_inputs, "html": html_inputs, "pdf": pdf_inputs,
          "print": print_inputs}
# What each stage leaves that a later build relies on (the data and execute stages' outputs are their inputs).
PDF = Path("_build") / "pdf" / "report.pdf"
OUTPUTS = {"data": (), "execute": (), "html": (Path("_build") / "html",), "pdf": (PDF,), "print": (PDF,)}


def outputs_digest(root: Path, stage: str) -> str:
    files = [path for output in OUTPUTS[stage]
             for path in ([root / output] if (root / output).is_file() else tree(root / output))]
    if any(not (root / output).exists() for output in OUTPUTS[stage]):
        return "missing"
    return digest(files, root, {})


def load(root: Path) -> dict[str, dict[str, str]]:
    path = root / STAMPS
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def is_current(root: Path, stage: str, inputs: str) -> bool:
    """Whether ``stage`` last ran on exactly these inputs and its outputs are as it left them."""
    stamp = load(root).get(stage)
    return bool(stamp) and stamp["inputs"] == inputs and stamp["outputs"] == outputs_digest(root, stage)


def save(root: Path, done: dict[str, str]) -> None:
    """Record, for each stage in ``done`` (stage -> the inputs it ran or was skipped on), its outputs as they are now."""
    stamps = load(root)
    for stage, inputs in done.items():
        stamps[stage] = {"inputs": inputs, "outputs": outputs_digest(root, stage)}
    (root / STAMPS).parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(root / STAMPS, json.dumps(stamps, indent=2, sort_keys=True) + "\n")
