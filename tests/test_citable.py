"""Every chapter page, in the browser, tells readers how current its data are and hands them over.

Each chapter page shows the report's version and the date of the latest data
change, links to the citation and to CITATION.cff, offers as CSV exactly the
tables its chapter read (from the execution manifest), and the whole data
package as a zip; each link answers with what it promises. Each page also
carries Open Graph title, description and a preview image that loads.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from urllib.parse import urljoin

from nkarms.site import sphinx_data

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


def test_every_chapter_says_version_and_data_date_and_offers_its_data(open_page, pages, site, subtests):
    project = site.project_dir
    version = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    updated = sphinx_data.latest_change(project / "data" / "changelog.csv")
    manifest = json.loads((project / "chapters" / "execution-manifest.json").read_text(encoding="utf-8"))
    chapters = chapter_pages(pages)
    assert len(chapters) >= 9
    for path in chapters:
        with subtests.test(page=path):
            visit = open_page(path)
            box = visit.page.evaluate(BOX)
            assert box is not None, f"{path}: no data box"
            assert box["visible"], f"{path}: the data box is hidden"
            assert f"Report version {version}; data last updated {updated}." in box["text"]
            links = {link["text"]: link["href"] for link in box["links"]}

            cite = links["Cite this report"]
            assert cite.endswith("chapters/08-data-methods.html#how-to-cite")
            assert b'id="how-to-cite"' in fetch(visit, cite.split("#")[0])
            assert b"cff-version: 1.2.0" in fetch(visit, links["CITATION.cff"])

            expected = sphinx_data.tables_read(manifest, path.removesuffix(".html"))
            if 'class="nk-chart"' in (site.root_dir / path).read_text(encoding="utf-8"):
                assert expected, f"{path} draws charts but its chapter read no table"
            offered = sorted(text for text, href in links.items() if text.endswith(".csv"))
            assert offered == expected
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
