"""Tests of the PDF export (``python -m nkarms.build pdf``, src/nkarms/site/pdf.py and its helpers).

The PDF is built once per session from a temporary copy of the project (all but
``.venv``, ``.git`` and ``_build``; ``src`` is linked, so the execution
manifest's keys resolve and chapters whose inputs did not change are not
re-executed), exactly as
``make pdf`` builds it, and then read back with poppler's tools: ``pdfinfo``
for pages and sizes, ``pdftotext`` for what a reader sees, ``pdftoppm`` for ink
where a chart should be. What is expected comes from the project itself
(``_toc.yml``, the chapters' titles, the single-page build's captions, charts
and tables), so the tests follow new chapters without edits. The PDF's parts
are tested on small inputs, without printing, in test_pdf_parts.py.

The build is told the site's address (NKARMS_SITE_URL, as the Pages workflow
does), so the cover, the footer and the data downloads can be checked against
it; a local build without an address is tested in test_pdf_parts.py.

Set NKARMS_TEST_PROJECT to build a copy of another checkout instead of this one.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import numpy as np
import pytest
import yaml
from bs4 import BeautifulSoup

from nkarms.site import cover, pdf, poppler
from nkarms.site.browser import require as require_chromium

PROJECT = Path(os.environ.get("NKARMS_TEST_PROJECT", Path(__file__).resolve().parents[1]))
# Everything the build may read (chapters read files such as CITATION.cff), but
# not the environment, the history or earlier builds.
NOT_COPIED = [".venv", ".git", "_build", ".pytest_cache", "__pycache__", ".ipynb_checkpoints", "src", "*.egg-info"]
FORBIDDEN = ["Styler at 0x", "Error loading", "Show code cell source", "Traceback", "could not be drawn"]
SITE_URL = "https://example.github.io/nk-arms-report/"  # the address the Pages workflow would pass
MIN_SOURCES_PER_PAGE = 25  # the compact source list: at least this many sources (with addresses) a page
MIN_CHART_COLOUR = 30  # coloured pixels (at 50 dpi) between a chart's title and its caption


def normal(text: str) -> str:
    """Whitespace collapsed and typographic quotes made plain, for comparing texts."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"(?<=\w[-\u2013])\s+(?=\w)", "", text)  # a line broken after a hyphen or dash ("long-\nrange")
    text = re.sub(r"\s+(?=[,;:])", "", text)  # a space the PDF's text puts after an inline element ("data/raw/ ,")
    return re.sub(r"\s+", " ", text).strip()


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


# --- the built PDF ---------------------------------------------------------------

@dataclass
class Built:
    root: Path
    pdf: Path
    seconds: float

    @cached_property
    def pages(self) -> list[str]:
        """Each page's text, laid out as on the page."""
        return run("pdftotext", "-layout", str(self.pdf), "-").split("\f")[:-1]

    @cached_property
    def text(self) -> str:
        """The whole text in reading order, whitespace collapsed."""
        return normal(run("pdftotext", "-raw", str(self.pdf), "-"))

    @cached_property
    def words(self) -> list[tuple[float, list[tuple[str, float, float]]]]:
        """Per page: its height and its words with their top and bottom (pt)."""
        listing = run("pdftotext", "-bbox", str(self.pdf), "-")
        pages = []
        for match in re.finditer(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', listing, re.S):
            words = [
                (html.unescape(w.group(3)), float(w.group(1)), float(w.group(2)))
                for w in re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', match.group(2))
            ]
            pages.append((float(match.group(1)), words))
        return pages

    @cached_property
    def html(self) -> BeautifulSoup:
        """The single-page build the PDF was printed from."""
        page = pdf.real_page(self.root / "_build" / "singlehtml")
        return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")

    @cached_property
    def info(self) -> str:
        return run("pdfinfo", "-f", "1", "-l", "100000", str(self.pdf))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        assert shutil.which(tool), f"{tool} is missing: run `make system-deps` (Debian poppler-utils)"
    require_chromium()
    root = tmp_path_factory.mktemp("pdf-project") / "project"
    shutil.copytree(PROJECT, root, symlinks=True, ignore=shutil.ignore_patterns(*NOT_COPIED))
    if (PROJECT / "src").is_dir():
        (root / "src").symlink_to(PROJECT / "src", target_is_directory=True)
    # A built site, so that build_pdf also places its copy for the site's download link.
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("<html></html>", encoding="utf-8")

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "nkarms.build", "pdf", "--root", str(root)],
        capture_output=True, text=True, env={**os.environ, "NKARMS_PROJECT_ROOT": str(root), "NKARMS_SITE_URL": SITE_URL},
    )
    seconds = time.monotonic() - started
    output = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"`python -m nkarms.build pdf` failed:\n{output}"
    report = root / "_build" / "pdf" / "report.pdf"
    assert report.exists(), output
    print(f"\nPDF built in {seconds:.0f} s: {report}")
    return Built(root, report, seconds)


@pytest.fixture(scope="session")
def chapters(built) -> list[tuple[int | None, str]]:
    """(number, title) of every chapter in _toc.yml order, titles read from the notebooks."""
    result = []
    for chapter in cover.toc_chapters(built.root):
        notebook = nbformat.read(built.root / f"{chapter.docname}.ipynb", as_version=4)
        title = next(
            line[2:].strip()
            for cell in notebook.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("# ")
        )
        result.append((chapter.number, title))
    return result


def toc_entries(built: Built) -> list[tuple[int | None, str, int]]:
    """(number, title, page) of each line of the printed contents."""
    page = next(p for p in built.pages if re.search(r"^\s*Contents\s*$", p, re.M))
    entries = []
    for line in page.splitlines():
        match = re.match(r"^\s*(?:(\d+)\s+)?(\S.*?)\s{2,}(\d+)\s*$", line)
        if match and not re.match(r"page \d+ of", match.group(2)):
            number = int(match.group(1)) if match.group(1) else None
            entries.append((number, normal(match.group(2)), int(match.group(3))))
    return entries


def test_page_count_and_a4(built, chapters):
    count = int(re.search(r"^Pages:\s+(\d+)", built.info, re.M).group(1))
    assert len(chapters) + 2 <= count < 200
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.*)$", built.info, re.M)
    assert len(sizes) == count
    assert all(size.endswith("(A4)") for size in sizes), set(sizes)


def newest_release(root: Path) -> tuple[str, dt.date]:
    """The newest row of data/changelog.csv, read here with csv: (version, date)."""
    with (root / "data" / "changelog.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(row["version"], dt.date.fromisoformat(row["date"])) for row in csv.DictReader(handle)]
    return max(rows, key=lambda row: row[1])


def test_cover_names_the_report_its_data_date_and_version(built):
    """The cover's "data as of" and version are the changelog's newest release, as on the site's data box."""
    page = normal(built.pages[0])
    config = yaml.safe_load((built.root / "_config.yml").read_text(encoding="utf-8"))
    for part in config["title"].split(": "):
        assert normal(part) in page
    version, day = newest_release(built.root)
    assert f"Data as of {day.day} {day:%B %Y}" in page
    assert f"Version {version}" in page
    assert f"Online {SITE_URL}" in page, "the cover gives the site's address"
    assert "page 1 of" not in page and page.count(SITE_URL) == 2, "the cover has no running header or footer"


def test_cover_date_and_version_are_the_sites(built):
    """The site's data box (in the page the PDF printed) and the cover give the same release."""
    box = normal(built.html.select_one("aside.nk-page-meta").get_text())
    version, day = re.search(r"Report version (\S+); data as of (\d+ \w+ \d{4})", box).groups()
    cover_page = normal(built.pages[0])
    assert f"Data as of {day}" in cover_page and f"Version {version}" in cover_page, (box, cover_page)


def test_contents_list_the_chapters_in_toc_order(built, chapters):
    entries = toc_entries(built)
    assert [(number, normal(title)) for number, title, _ in entries] == [
        (number, normal(title)) for number, title in chapters
    ]
    starts = [page for *_, page in entries]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_every_chapter_starts_a_page_where_the_contents_say(built):
    for number, title, page in toc_entries(built):
        lines = [normal(line) for line in built.pages[page - 1].splitlines() if line.strip()]
        # line 0 is the running header; then the chapter label and the title
        top = lines[1:3] if number is not None else lines[1:2]
        expected = [f"CHAPTER {number}", title] if number is not None else [title]
        assert top == expected, f"page {page}: {top}"
        assert normal(title) in normal(lines[0]), f"page {page}: running header {lines[0]!r}"


def test_running_header_and_footer(built):
    """Every page after the cover: the title above, the site's address and the page number below."""
    title = yaml.safe_load((built.root / "_config.yml").read_text(encoding="utf-8"))["title"].split(": ")[0]
    total = len(built.pages)
    for number, page in enumerate(built.pages[1:], start=2):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0].startswith(title), f"page {number}: {lines[0]!r}"
        assert re.fullmatch(rf"{re.escape(SITE_URL)}\s+page {number} of {total}", lines[-1]), f"page {number}: {lines[-1]!r}"


def test_every_figure_caption_is_printed(built):
    captions = built.html.select("figcaption")
    assert captions, "the report has no numbered figures or tables"
    for caption in captions:
        number = normal(caption.select_one(".caption-number").get_text())
        opening = " ".join(normal(caption.select_one(".caption-text").get_text()).split()[:6])
        assert f"{number} {opening}" in built.text, f"{number} is missing or cut"


def chart_titles(built: Built) -> list[str]:
    titles = []
    for div in built.html.select("div.nk-chart"):
        spec = json.loads(built.html.find(id=div["data-spec"]).string)
        title = spec.get("title", {})
        text = title.get("text") if isinstance(title, dict) else title
        assert text, f"chart {div['id']} has no title"
        titles.append(" ".join(text) if isinstance(text, list) else text)
    return titles


def colour(pdf_path: Path, page: int, top: float, bottom: float, width: float, tmp_path: Path) -> int:
    """Coloured pixels in a band of a page (coordinates in pt), rendered at 50 dpi.

    Chart marks are drawn in the house palette; text, axes and grid lines are
    black or grey. A chart whose title and axes printed but whose marks did not
    has no colour.
    """
    scale = 50 / 72
    out = tmp_path / f"band-{page}-{int(top)}"
    run(
        "pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile",
        "-x", "0", "-y", str(int(top * scale)), "-W", str(int(width * scale)), "-H", str(int((bottom - top) * scale)),
        str(pdf_path), str(out),
    )
    data = out.with_suffix(".ppm").read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    pixels = np.frombuffer(data[header.end():], dtype=np.uint8).reshape(-1, 3).astype(int)
    return int(((pixels.max(axis=1) - pixels.min(axis=1)) > 60).sum())


def test_every_chart_is_drawn_on_its_page(built, tmp_path):
    titles = chart_titles(built)
    assert titles, "the report has no charts"
    for title in dict.fromkeys(titles):
        target = title.split()
        hit = None
        for number, (height, words) in enumerate(built.words, start=1):
            texts = [w[0] for w in words]
            if " ".join(target) not in " ".join(texts):
                continue
            i = next(i for i in range(len(texts)) if texts[i:i + len(target)] == target)
            hit = (number, height, words, i)
            break
        assert hit, f"chart {title!r} is not in the PDF"
        number, height, words, i = hit
        top = words[i][1]
        below = [w[1] for w in words[i + len(target):] if w[0] == "Fig." and w[1] > top]
        bottom = min(below) if below else height - 60
        assert bottom - top > 60, f"chart {title!r} on page {number} has no room ({bottom - top:.0f} pt)"
        coloured = colour(built.pdf, number, top, bottom, 595, tmp_path)
        assert coloured >= MIN_CHART_COLOUR, f"chart {title!r} on page {number} has no marks ({coloured} coloured pixels)"


def test_no_chart_or_table_is_printed_twice(built):
    """An output shown both as a cell's output and in its captioned figure prints twice."""
    ids = [div["id"] for div in built.html.select("div.nk-chart")]
    charts = sorted({title for chart_id, title in zip(ids, chart_titles(built)) if ids.count(chart_id) > 1})
    assert not charts, f"{len(charts)} chart(s) printed more than once, e.g. {charts[:3]}"
    tables = [normal(table.get_text()) for table in built.html.select("table")]
    repeated = sorted({text[:80] for text in tables if tables.count(text) > 1})
    assert not repeated, f"{len(repeated)} table(s) printed more than once, e.g. {repeated[:2]}"


def test_tables_are_printed_whole(built):
    tables = built.html.select("table")
    assert len(tables) >= 8, f"the printed page holds {len(tables)} tables; the chapters have at least 8"
    for table in tables:
        for cell in table.select("th, td"):
            # A cell's parts on lines of their own (a claim, then its note) print with a space between.
            joined, spaced = normal(cell.get_text()), normal(cell.get_text(" "))
            if joined:
                assert joined in built.text or spaced in built.text, f"table cell {joined!r} is missing"


def test_external_links_are_listed_with_their_address(built):
    squeezed = re.sub(r"\s+", "", built.text)
    for link in built.html.select("article a[href^=http]"):
        assert link["href"] in squeezed, f"{link['href']} is not printed"


def test_no_link_points_at_the_build_machine(built):
    addresses = re.findall(rb"/URI\s*\((.*?)\)", built.pdf.read_bytes())
    assert addresses, "the PDF keeps no links"
    local = [a for a in addresses if not re.match(rb"(https?://(?!127\.0\.0\.1|localhost)|mailto:)", a)]
    assert not local, f"links to the build machine or to relative files: {local[:5]}"


def test_data_downloads_link_to_the_published_files(built):
    """Every "CSV" cell links to its table's published address, as the site's page links it.

    The published address is the site's page address (the root page's, where
    the single page's links were written) joined with the link; the file must be
    one the build publishes (the single-page build copies the same data files as
    the site build).
    """
    page_url = SITE_URL + pdf.real_page(built.root / "_build" / "singlehtml").relative_to(
        built.root / "_build" / "singlehtml").as_posix()
    expected = sorted(urljoin(page_url, a["href"]) for a in built.html.select("article a") if a.get_text(strip=True) == "CSV")
    assert expected, "the report has no CSV downloads"
    links = poppler.links(built.pdf)
    assert sorted(href for _, text, href in links if text == "CSV") == expected
    data = [href for _, _, href in links if href.startswith(SITE_URL + "data/")]
    assert set(expected) <= set(data) and any(href.endswith(".zip") for href in data), "the cover links the data package"
    published = built.root / "_build" / "singlehtml"
    missing = sorted({href for href in data if not (published / href.removeprefix(SITE_URL).split("#")[0]).is_file()})
    assert not missing, f"data links to files the site does not publish: {missing}"


def test_the_source_list_is_compact(built):
    """The longest table (every source) prints small, each address in its row rather than in a
    list of notes at the chapter's end: few pages show its rows or their addresses."""
    longest = max((t for t in built.html.select("article table") if not t.find_parent(class_="nk-explorer")),
                  key=lambda t: len(t.select("tbody tr")))
    rows = [row for row in longest.select("tbody tr") if row.select_one("a[href^=http]")]
    assert len(rows) > 100, "the longest table is not the source list"
    addresses = [re.sub(r"\s+", "", row.select_one("a[href^=http]")["href"]) for row in rows]
    openings = {" ".join(normal(cell.get_text()).split()[:4]) for row in rows for cell in row.select("td")[2:3]} - {""}
    chapters = cover.toc_chapters(built.root)
    holder = next(i for i, chapter in enumerate(chapters[1:], start=1)
                  if longest in built.html.find(id=f"document-{chapter.docname}").find_next_sibling("section").descendants)
    starts = [page for *_, page in toc_entries(built)] + [len(built.pages) + 1]
    raw = run("pdftotext", "-raw", str(built.pdf), "-").split("\f")
    pages = []
    for i in range(starts[holder] - 1, starts[holder + 1] - 1):
        squeezed, text = re.sub(r"\s+", "", raw[i]), normal(raw[i])
        shown = sum(a in squeezed for a in addresses) + sum(o in text for o in openings)
        if shown >= 5:
            pages.append(i + 1)
    assert len(pages) <= len(rows) / MIN_SOURCES_PER_PAGE, f"{len(rows)} sources printed on {len(pages)} pages: {pages}"


def test_nothing_that_must_not_be_printed(built):
    raw = run("pdftotext", str(built.pdf), "-")
    for word in FORBIDDEN:
        assert word not in raw, f"the PDF shows {word!r}"


def test_metadata_and_site_copy(built):
    assert re.search(r"^Title:\s+\S", built.info, re.M)
    assert "Tagged:          yes" in built.info
    copy = built.root / "_build" / "html" / "_downloads" / "report.pdf"
    assert copy.read_bytes() == built.pdf.read_bytes()


def test_the_printed_page_loads_nothing_from_other_hosts(built):
    """Jupyter Book adds MathJax from a CDN to every single-page build; the report has no mathematics."""
    external = [tag.get(attr) for tag in built.html.find_all(["script", "link", "img"])
                for attr in ("src", "href") if re.match(r"(https?:)?//", tag.get(attr) or "")
                and not (tag.name == "link" and "stylesheet" not in (tag.get("rel") or []))]
    assert external == []
