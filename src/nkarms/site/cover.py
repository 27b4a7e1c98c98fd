"""What the PDF adds in front of the chapters: the cover's facts and the chapters to list.

The cover's version and "data as of" date are the release's
(:func:`nkarms.project.release`), the same the site's data box and the citation
show; title, subtitle and author come from ``_config.yml``, the chapters from
``_toc.yml``. The site's address is known only when the build is told it
(``NKARMS_SITE_URL``, set by the Pages workflow, as for the site's link
previews); a local build's PDF names no address rather than a made-up one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from nkarms import project, toc
from nkarms.dates import long_day
from nkarms.site.sphinx_data import ARCHIVE_NAME, SITE_URL_ENV


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
    site_url: str | None = None
    data_url: str | None = None


def toc_chapters(root: Path) -> list[Chapter]:
    """The report's documents in ``_toc.yml`` order; the root page (key findings) is unnumbered."""
    first, *rest = toc.documents(root)
    return [Chapter(first, None), *(Chapter(name, i) for i, name in enumerate(rest, start=1))]


def _config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def cover_facts(root: Path) -> Cover:
    """What the cover says: the title split at its colon into title and subtitle, the release,
    and, when known, the site's address and its data package's."""
    config = _config(root)
    title, _, subtitle = str(config.get("title", "Report")).partition(": ")
    release = project.release(root)
    site = site_url(root)
    return Cover(
        title=title.strip(),
        subtitle=subtitle.strip(),
        author=str(config.get("author", "")),
        data_date=long_day(release.data_as_of),
        version=release.version,
        site_url=site,
        data_url=f"{site}data/{ARCHIVE_NAME}" if site else None,
    )


def site_url(root: Path) -> str | None:
    """The published site's address, ending in ``/``: ``NKARMS_SITE_URL`` or else
    ``html.baseurl`` in ``_config.yml``; None when neither is set (a local build)."""
    url = os.environ.get(SITE_URL_ENV, "").strip() or str((_config(root).get("html") or {}).get("baseurl") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the site's address {url!r} ({SITE_URL_ENV} or html.baseurl in _config.yml) "
                         "must be an absolute http(s) address")
    return url.rstrip("/") + "/"
