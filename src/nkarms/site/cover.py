"""What the PDF adds in front of the chapters: the cover's facts and the chapters to list.

The cover's version and "data as of" date are the release's
(:func:`nkarms.project.release`), the same the site's data box and the citation
show; title, subtitle and author come from ``_config.yml``, the chapters from
``_toc.yml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from nkarms import project, toc
from nkarms.dates import long_day


@dataclass(frozen=True)
class Chapter:
    """One entry of ``_toc.yml``: its document name and printed number (None: unnumbered)."""

    docname: str
    number: int | None


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    author: str
    data_date: str
    version: str


def toc_chapters(root: Path) -> list[Chapter]:
    """The report's documents in ``_toc.yml`` order; the root page (key findings) is unnumbered."""
    first, *rest = toc.documents(root)
    return [Chapter(first, None), *(Chapter(name, i) for i, name in enumerate(rest, start=1))]


def _config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def cover_facts(root: Path) -> Cover:
    """What the cover says: the title split at its colon into title and subtitle, and the release."""
    config = _config(root)
    title, _, subtitle = str(config.get("title", "Report")).partition(": ")
    release = project.release(root)
    return Cover(
        title=title.strip(),
        subtitle=subtitle.strip(),
        author=str(config.get("author", "")),
        data_date=long_day(release.data_as_of),
        version=release.version,
    )


def site_url(root: Path) -> str | None:
    """The published site's address (``html.baseurl`` in ``_config.yml``), if it has one."""
    url = str((_config(root).get("html") or {}).get("baseurl") or "").strip()
    return (url.rstrip("/") + "/") if url else None
