"""Sphinx extension: the data travel with the site, and every page says where its numbers come from.

- ``data/`` (the CSV tables and ``datapackage.json``) is copied into the built
  site, with one zip archive of the whole package and ``CITATION.cff``.
- Each page carries Open Graph metadata (title, description from its first
  paragraph, and a preview image: the key-findings chart as PNG). Link
  previews need absolute addresses: when the build knows the published site's
  address (``NKARMS_SITE_URL``, set by the Pages workflow) the image and the
  page's ``og:url`` are absolute; a local build, whose address is not known,
  points at the image relatively.
- Each chapter page ends with a box: the report's version and "data as of"
  date (the release, :func:`nkarms.project.release`, as on the PDF's cover and
  in the citation), a link to the citation, download links for exactly the
  tables that chapter read when it last ran (from the execution manifest), and,
  when the build also prints the PDF (``nkarms.build site``), a link to it.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import nbformat
import vl_convert as vlc
from sphinx.application import Sphinx

from nkarms import project
from nkarms.dates import long_day
from nkarms.files import sha256

ARCHIVE_NAME = "nk-russia-arms-data.zip"
PDF_PATH = "_downloads/report.pdf"
PDF_LINK_ENV = "NKARMS_LINK_PDF"
SITE_URL_ENV = "NKARMS_SITE_URL"
PREVIEW_IMAGE = "_static/og-preview.png"
FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
ZIP_TIMESTAMP = (2026, 1, 1, 0, 0, 0)


def _root(app: Sphinx) -> Path:
    return Path(app.confdir)


def tables_read(manifest: dict[str, Any], pagename: str) -> list[str]:
    """The data files (relative to ``data/``) that a chapter read, from the execution manifest."""
    entry = manifest.get(f"{pagename}.ipynb", {})
    return sorted(name.removeprefix("data/") for name in entry.get("inputs", {}) if name.startswith("data/") and name.endswith(".csv"))


def page_box(release: project.Release, depth: int, files: list[str], pdf: bool = False) -> str:
    """The HTML of the per-page box; ``depth`` is how many folders below the site root the page is."""
    up = "../" * depth
    links = "".join(f'<li><a href="{up}data/{html.escape(name)}">{html.escape(name)}</a></li>' for name in files)
    tables = f"<p>Data behind this page (CSV):</p><ul>{links}</ul>" if files else ""
    return (
        '<aside class="nk-page-meta" aria-label="About this page\'s data">'
        f"<p>Report version {html.escape(release.version)}; data as of {long_day(release.data_as_of)}. "
        f'<a href="{up}chapters/08-data-methods.html#how-to-cite">Cite this report</a> '
        f'(<a href="{up}CITATION.cff">CITATION.cff</a>).</p>'
        f"{tables}"
        f'<p><a href="{up}data/{ARCHIVE_NAME}">Download the whole data package (zip)</a>.'
        + (f' <a href="{up}{PDF_PATH}">Download the whole report (PDF)</a>.' if pdf else "")
        + "</p></aside>"
    )


def _add_box(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if doctree is None or not pagename.startswith("chapters/"):
        return
    root = _root(app)
    manifest_path = root / "chapters" / "execution-manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    box = page_box(
        project.release(root), pagename.count("/"), tables_read(manifest, pagename),
        pdf=os.environ.get(PDF_LINK_ENV) == "1",
    )
    context["body"] = context.get("body", "") + box


def description(body: str, limit: int = 200) -> str:
    """A page's first paragraph as plain text, cut at a word boundary."""
    match = FIRST_PARAGRAPH.search(body)
    text = " ".join(html.unescape(TAG.sub("", match.group(1))).split()) if match else ""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def open_graph(title: str, text: str, image: str, url: str | None = None) -> str:
    """The Open Graph meta tags of one page."""
    tags = {"og:type": "article", "og:title": title, "og:description": text, "og:image": image}
    if url:
        tags["og:url"] = url
    return "".join(f'<meta property="{key}" content="{html.escape(value, quote=True)}">\n' for key, value in tags.items())


def preview_addresses(pagename: str, site_url: str) -> tuple[str, str | None]:
    """The preview image's address and the page's own: absolute under ``site_url``, else relative and none."""
    if not site_url:
        return "../" * pagename.count("/") + PREVIEW_IMAGE, None
    base = site_url.rstrip("/") + "/"
    return base + PREVIEW_IMAGE, f"{base}{pagename}.html"


def _add_open_graph(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    site = app.config.html_title or app.config.project
    title = f"{context.get('title', '')} — {site}" if context.get("title") else site
    image, url = preview_addresses(pagename, os.environ.get(SITE_URL_ENV, ""))
    tags = open_graph(html.unescape(TAG.sub("", title)), description(context.get("body", "")), image, url)
    context["metatags"] = context.get("metatags", "") + tags


def preview_png(notebook: Path) -> bytes:
    """The first chart stored in ``notebook``, as PNG, for link previews."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            svg = output.get("data", {}).get("image/svg+xml")
            if svg:
                return vlc.svg_to_png(svg if isinstance(svg, str) else "".join(svg), scale=1)
    raise ValueError(f"{notebook.name} stores no chart to preview")


def data_digest(data_dir: Path) -> str:
    """sha256 over every file's path and bytes: what the archive holds, whatever the files' times."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(data_dir).as_posix()}\0{sha256(path)}\n".encode())
    return digest.hexdigest()


def write_archive(data_dir: Path, target: Path) -> None:
    """Zip the data package with fixed timestamps and order, so the archive is reproducible.

    The archive's comment is the :func:`data_digest` of what it holds; an archive
    whose comment matches the data is left as it is (compressing takes most of a
    rebuild's half second).
    """
    digest = data_digest(data_dir)
    if target.is_file():
        with zipfile.ZipFile(target) as existing:
            if existing.comment == digest.encode():
                return
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.comment = digest.encode()
        for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"data/{path.relative_to(data_dir).as_posix()}", date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def _publish_data(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root, out = _root(app), Path(app.outdir)
    shutil.copytree(root / "data", out / "data", dirs_exist_ok=True)
    write_archive(root / "data", out / "data" / ARCHIVE_NAME)
    if (root / "CITATION.cff").exists():
        shutil.copy2(root / "CITATION.cff", out / "CITATION.cff")
    (out / PREVIEW_IMAGE).write_bytes(preview_png(root / f"{app.config.root_doc}.ipynb"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _add_box)
    app.connect("html-page-context", _add_open_graph)
    app.connect("build-finished", _publish_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
