"""The whole report as one PDF, printed by Chromium from the single-page build.

    python -m nkarms.build pdf     # builds _build/singlehtml, then calls build_pdf

The PDF is the site's own page, not a second rendering: the same chapters, the
same stored outputs, and the same charts, drawn by the same vega runtime and
printed as vectors. Steps:

1. Serve ``_build/singlehtml`` on 127.0.0.1 (:mod:`nkarms.site.localserver`;
   its ``index.html`` is a redirect, so the real page is served at the top level,
   where its relative links point). Any request that leaves the machine is
   refused, and fails the build.
2. Open it in Chromium (:mod:`nkarms.site.browser`) with print media and a
   viewport as wide as the site's text column, so every chart is laid out as on
   the site before print.css scales it to the page. Wait until the chart loader
   says every chart drew; a chart that failed stops the build.
3. Add the print-only parts with ``static/pdf-prepare.js``: a cover (title,
   subtitle, author, the release's "data as of" date and version and, when the
   build knows it, the site's address, from :mod:`nkarms.site.cover`), a table
   of contents in ``_toc.yml`` order, a number and a page break for every
   chapter, a running header naming it and a footer with the site's address.
   Links to the site's own files (the data tables' "CSV" downloads) point at
   the published files; long tables (the list of every source) print compact.
   ``static/print.css`` does the rest (hides the site's navigation and code,
   sizes charts and tables to the page).
4. Print twice: the first print tells on which page each chapter starts
   (``pdfinfo -dests``); those numbers go into the contents, and the second
   print is checked to have them right.
5. Check the text for leaks (``Traceback``, ``Styler at 0x``...), write
   ``_build/pdf/report.pdf`` and, when the site is built, a copy at
   ``_build/html/_downloads/report.pdf`` for the site's download link.

Running headers and page numbers are CSS paged-media margin boxes
(``@page { @top-left {...} }``, Chromium 131 and later) rather than Chromium's
``headerTemplate``: margin boxes can be switched off on the cover, and named
pages give every chapter its own running header.
"""
from __future__ import annotations

import re
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from nkarms import project
from nkarms.site import browser, localserver, poppler
from nkarms.site.cover import cover_facts, toc_chapters

STATIC = Path(__file__).with_name("static")
PRINT_CSS = STATIC / "print.css"
PREPARE_JS = STATIC / "pdf-prepare.js"
# Charts are drawn at about the width of the site's text column on a laptop
# screen, so they are laid out as readers see them online (titles and legends
# whole), then scaled to the printed column (A4 less print.css's 2 x 18 mm, about
# 658 px): a factor of about 0.82, which keeps chart text at about 7 pt.
RENDER_WIDTH_PX = 800
VIEWPORT_HEIGHT_PX = 1100
REPORT_PATH = "/report.html"
PRINT_CSS_PATH = "/_nkarms/print.css"
PRINT_CSS_LINK = f'<link rel="stylesheet" type="text/css" href="{PRINT_CSS_PATH}" media="print" />\n'
CHART_TIMEOUT_MS = 120_000
MAX_PRINTS = 4
FORBIDDEN = ("Styler at 0x", "Error loading", "Show code cell", "Traceback", "could not be drawn")


class PdfError(RuntimeError):
    """The PDF cannot be made, or came out wrong; the message says what and where."""


def real_page(site: Path) -> Path:
    """The single page of a singlehtml build; its ``index.html`` may only redirect to it."""
    index = site / "index.html"
    if not index.exists():
        raise PdfError(f"{index} is missing: build the single-page site first (jupyter-book build --builder singlehtml)")
    text = index.read_text(encoding="utf-8")
    redirect = re.search(r'http-equiv="Refresh"\s+content="[^"]*url=([^"]+)"', text, re.I)
    if redirect is None:
        return index
    target = site / unquote(redirect.group(1).strip())
    if not target.exists():
        raise PdfError(f"{index} redirects to {target}, which does not exist")
    return target


def with_print_css(page: str) -> str:
    """The page, linking print.css if the site build did not (so charts draw with it in place)."""
    if "print.css" in page:
        return page
    return page.replace("</head>", PRINT_CSS_LINK + "</head>", 1)


def serve_report(site: Path, page: Path) -> localserver.Server:
    """Serve ``site``, with ``page`` (and print.css) at the top level where its relative links point."""
    return localserver.serve(site, extra={
        REPORT_PATH: (with_print_css(page.read_text(encoding="utf-8")).encode("utf-8"), "text/html; charset=utf-8"),
        PRINT_CSS_PATH: (PRINT_CSS.read_bytes(), "text/css; charset=utf-8"),
    })


def _log(started: float, message: str) -> None:
    print(f"pdf: {message} ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)


def _print(page: Any, path: Path) -> None:
    page.pdf(
        path=str(path), prefer_css_page_size=True, print_background=True,
        display_header_footer=False, outline=True, tagged=True,
    )


def _open_report(chromium: Any, url: str, offline_requests: list[str]) -> Any:
    """The report page with pdf-prepare.js loaded and every chart drawn; requests elsewhere are refused."""
    context = chromium.new_context(
        viewport={"width": RENDER_WIDTH_PX, "height": VIEWPORT_HEIGHT_PX},
        bypass_csp=True, service_workers="block",
    )
    page = context.new_page()
    origin = url.rsplit("/", 1)[0] + "/"

    def only_local(route: Any) -> None:
        if route.request.url.startswith(origin) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            offline_requests.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.emulate_media(media="print")
    page.goto(url, wait_until="load")
    page.add_script_tag(path=str(PREPARE_JS))
    try:
        page.wait_for_function("() => window.nkPdf.chartsDone()", timeout=CHART_TIMEOUT_MS, polling=200)
    except Exception as error:  # playwright's TimeoutError
        raise PdfError(f"the charts did not finish drawing within {CHART_TIMEOUT_MS // 1000} s: {error}") from error
    failed = page.evaluate("() => window.nkPdf.failedCharts()")
    if failed:
        raise PdfError("charts that did not draw:\n  " + "\n  ".join(failed))
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page


def _print_until_settled(page: Any, ids: list[str], draft: Path, started: float) -> None:
    """Print until the contents' page numbers match where each chapter starts."""
    pages: dict[str, int] = {}
    for _ in range(MAX_PRINTS):
        page.evaluate("(pages) => window.nkPdf.fillPages(pages)", pages)
        _print(page, draft)
        found = poppler.destination_pages(draft)
        _log(started, f"printed {poppler.page_count(draft)} pages")
        starts = {i: found.get(i) for i in ids}
        if None in starts.values():
            lost = [i for i, p in starts.items() if p is None]
            raise PdfError(f"the printed contents link to no page for {lost}")
        if starts == pages:
            return
        pages = starts
    raise PdfError(f"the contents' page numbers did not settle after {MAX_PRINTS} prints")


def build_pdf(root: Path | None = None, out: Path | None = None) -> Path:
    """Print the single-page build of ``root`` as ``_build/pdf/report.pdf``; return its path."""
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    root = Path(root or project.root()).resolve()
    out = Path(out or root / "_build" / "pdf" / "report.pdf")
    site = root / "_build" / "singlehtml"
    page_file = real_page(site)
    chapters = toc_chapters(root)
    cover = cover_facts(root)
    _log(started, f"cover: data as of {cover.data_date}, version {cover.version}")
    out.parent.mkdir(parents=True, exist_ok=True)
    draft = out.with_name(out.stem + ".draft.pdf")
    offline_requests: list[str] = []

    with serve_report(site, page_file) as server, sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            page = _open_report(chromium, server.base_url + REPORT_PATH, offline_requests)
            _log(started, "page loaded, every chart drawn")
            prepared = page.evaluate("(args) => window.nkPdf.prepare(args)", {
                "cover": asdict(cover), "chapters": [asdict(c) for c in chapters], "baseurl": cover.site_url,
            })
            if prepared.get("missing"):
                raise PdfError(f"chapters in _toc.yml not found on the page {page_file.name}: {prepared['missing']}")
            _print_until_settled(page, [c["id"] for c in prepared["chapters"]], draft, started)
        finally:
            chromium.close()
    if offline_requests:
        raise PdfError(f"the report page asked other hosts for {sorted(set(offline_requests))}; "
                       "everything it prints must come from the build")
    text = " ".join(poppler.text(draft).split())
    leaks = [word for word in FORBIDDEN if word in text]
    if leaks:
        raise PdfError(f"{draft} contains text that must not be printed: {leaks}")
    draft.replace(out)
    site_copy = root / "_build" / "html"
    if (site_copy / "index.html").exists():
        (site_copy / "_downloads").mkdir(exist_ok=True)
        shutil.copyfile(out, site_copy / "_downloads" / "report.pdf")
    return out


if __name__ == "__main__":
    print(build_pdf(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
