"""Foundation: where the project lives, and which release of the report this is.

Resolved when asked, not at import: ``NKARMS_PROJECT_ROOT`` (set by the build,
the tests and the benchmark to build a copy) may change after this module is
imported. The release (version and "data as of" date) has one home, the newest
row of ``data/changelog.csv``: the site's data box, the PDF cover and the
citation all ask :func:`release`.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "NKARMS_PROJECT_ROOT"


def root() -> Path:
    """The project's top folder: ``$NKARMS_PROJECT_ROOT``, else the checkout this package sits in."""
    return Path(os.environ.get(ROOT_ENV) or Path(__file__).resolve().parents[2]).resolve()


def data_dir(project: Path | None = None) -> Path:
    """``data/`` of ``project`` (default: :func:`root`)."""
    return (project or root()) / "data"


def datapackage(project: Path | None = None) -> Path:
    """The data package descriptor that describes every table."""
    return data_dir(project) / "datapackage.json"


@dataclass(frozen=True)
class Release:
    """One release of the report: its version and the date its data are as of."""

    version: str
    data_as_of: dt.date


def release(project: Path | None = None) -> Release:
    """The newest release in ``data/changelog.csv``: the version and "data as of" date shown everywhere."""
    path = data_dir(project) / "changelog.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path}: no release recorded")
    newest = max(rows, key=lambda row: dt.date.fromisoformat(row["date"]))
    return Release(version=newest["version"], data_as_of=dt.date.fromisoformat(newest["date"]))
