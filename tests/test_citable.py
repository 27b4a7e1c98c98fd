"""Every chapter page, in the browser, tells readers how current its data are and hands them over.

Each chapter page shows the report's version and "data as of" date (the newest
row of data/changelog.csv), links to the citation and to CITATION.cff, offers
as CSV exactly the tables its chapter read when it last ran, and the whole data
package as a zip; each link answers with what it promises. Each page also
carries Open Graph title, description and a preview image that loads.

The expectations are worked out here, not with the extension's functions: the
release from the changelog read with csv, the tables from the execution
manifest read as JSON, and, as a check on the manifest, from the chapter's own
``load(...)`` calls.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import nbformat

# ``load("places")`` and ``load_estimates()`` in a chapter's code name the tables it reads.
LOAD_BY_NAME = re.compile(r"""\bload\(\s*["'](\w+)["']""")
LOAD_FUNCTION = re.compile(r"\bload_(\w+)\(\)")

BOX = """
() => {
  const box = document.querySelector("main aside.nk-page-meta");
  if (!box) return null;
  return { text: box.innerText, visible: box.checkVisibility(),
           links: Array.from(box.querySelectorAll("a[href]")).map((a) => ({ text: a.innerText.trim(), href: a.href })) };
}
"""
OPEN_GRAPH = """
() => Object.fromEntries(Array.from(document.querySelectorAll("meta[property^='og:']"))
  .map((m) => [m.getAttribute("property"), m.getAttribute("content")]))
"""


def chapter_pages(pages: list[str]) -> list[str]:
    return [p for p in pages if p.startswith("chapters/")]


def fetch(visit, url: str) -> bytes:  # noqa: ANN001
    response = visit.page.request.get(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    return response.body()


def release_line(project: Path) -> str:
    """What the box must say of the release: the newest changelog row's version and date."""
    with (project / "data" / "changelog.csv").open(encoding="utf-8", newline="") as handle:
        version, day = max(
            ((row["version"], dt.date.fromisoformat(row["date"])) for row in csv.DictReader(handle)),
            key=lambda row: row[1],
        )
    return f"Report version {version}; data as of {day.day} {day:%B %Y}."


def manifest_tables(project: Path, page: str) -> list[str]:
    """The CSV files under data/ that the execution manifest says the page's chapter read."""
    manifest = json.loads((project / "chapters" / "execution-manifest.json").read_text(encoding="utf-8"))
    inputs = manifest[page.replace(".html", ".ipynb")]["inputs"]
    return sorted(name[len("data/"):] for name in inputs if name.startswith("data/") and name.endswith(".csv"))


def loaded_tables(project: Path, page: str) -> set[str]:
    """The CSV files the chapter's own code loads by name, as data/datapackage.json maps names to paths."""
    package = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    paths = {resource["name"]: resource["path"] for resource in package["resources"]}
    notebook = nbformat.read(project / page.replace(".html", ".ipynb"), as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    names = set(LOAD_BY_NAME.findall(code)) | set(LOAD_FUNCTION.findall(code))
    unknown = names - set(paths)
    assert not unknown, f"{page}: loads {sorted(unknown)}, which datapackage.json does not describe"
    return {paths[name] for name in names}


def test_every_chapter_says_version_and_data_date_and_offers_its_data(open_page, pages, site, subtests):
    project = site.project_dir
    expected_release = release_line(project)
    chapters = chapter_pages(pages)
    assert len(chapters) >= 9
    for path in chapters:
        with subtests.test(page=path):
            visit = open_page(path)
            box = visit.page.evaluate(BOX)
            assert box is not None, f"{path}: no data box"
            assert box["visible"], f"{path}: the data box is hidden"
            assert expected_release in box["text"]
            links = {link["text"]: link["href"] for link in box["links"]}

            cite = links["Cite this report"]
            assert cite.endswith("chapters/08-data-methods.html#how-to-cite")
            assert b'id="how-to-cite"' in fetch(visit, cite.split("#")[0])
            assert b"cff-version: 1.2.0" in fetch(visit, links["CITATION.cff"])

            offered = sorted(text for text, href in links.items() if text.endswith(".csv"))
            assert offered == manifest_tables(project, path)
            missing = loaded_tables(project, path) - set(offered)
            assert not missing, f"{path}: its chapter loads {sorted(missing)}, which the box does not offer"
            for name in offered:
                header = next(csv.reader(io.StringIO(fetch(visit, links[name]).decode("utf-8"))))
                with (project / "data" / name).open(encoding="utf-8") as handle:
                    assert header == next(csv.reader(handle)), f"{path}: {name} is not the project's table"

            archive = zipfile.ZipFile(io.BytesIO(fetch(visit, links["Download the whole data package (zip)"])))
            names = archive.namelist()
            assert "data/datapackage.json" in names
            assert {f"data/{name}" for name in offered} <= set(names)


def test_every_page_has_a_link_preview(open_page, pages, subtests):
    for path in pages:
        visit = open_page(path)
        if visit.page.evaluate("() => document.querySelector(\"meta[http-equiv='refresh' i]\") !== null"):
            continue  # the root redirect, which a preview follows
        with subtests.test(page=path):
            tags = visit.page.evaluate(OPEN_GRAPH)
            assert tags.get("og:title", "").strip(), f"{path}: no og:title"
            if path.startswith("chapters/"):
                assert len(tags.get("og:description", "")) > 40, f"{path}: og:description {tags.get('og:description')!r}"
            image = fetch(visit, urljoin(visit.page.url, tags["og:image"]))
            assert image[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: og:image is not a PNG"
