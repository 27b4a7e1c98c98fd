"""The whole report as one PDF, printed by Chromium from the single-page build.

    python -m nkarms.build pdf     # builds _build/singlehtml, then calls build_pdf

The PDF is the site's own page, not a second rendering: the same chapters, the
same stored outputs, and the same charts, drawn by the same vega runtime and
printed as vectors. Steps:

1. Serve ``_build/singlehtml`` on 127.0.0.1 (its ``index.html`` is a redirect;
   the real page is served at the top level, where its relative links point).
   Any request that leaves the machine is refused, and fails the build.
2. Open it in Chromium (Playwright, Debian's ``/usr/bin/chromium``) with print
   media and a viewport as wide as the site's text column, so every chart is
   laid out as on the site before print.css scales it to the page. Wait until
   the chart loader says every chart drew; a chart that failed stops the build.
3. Add the print-only parts: a cover (title, subtitle, author, the date of the
   newest record in ``data/``, the version), a table of contents in
   ``_toc.yml`` order, a number and a page break for every chapter and a
   running header naming it. ``static/print.css`` does the rest (hides the
   site's navigation and code, sizes charts and tables to the page).
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

import contextlib
import datetime as dt
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import yaml

from nkarms import project, toc
from nkarms.dates import long_day

CHROMIUM = Path(os.environ.get("NKARMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PRINT_CSS = Path(__file__).with_name("static") / "print.css"
# Charts are drawn at about the width of the site's text column on a laptop
# screen, so they are laid out as readers see them online (titles and legends
# whole), then scaled to the printed column (A4 less print.css's 2 x 18 mm, about
# 658 px): a factor of about 0.82, which keeps chart text at about 7 pt.
RENDER_WIDTH_PX = 800
VIEWPORT_HEIGHT_PX = 1100
REPORT_PATH = "/report.html"
CHART_TIMEOUT_MS = 120_000
MAX_PRINTS = 4
FORBIDDEN = ("Styler at 0x", "Error loading", "Show code cell", "Traceback", "could not be drawn")
# A record's date says when something happened or was claimed. These fields and
# tables say when the project looked at a source or released a version, which is
# not the date of the data.
NOT_DATA_DATES = {"accessed", "retrieved"}
NOT_DATA_TABLES = {"changelog"}


class PdfError(RuntimeError):
    """The PDF cannot be made, or came out wrong; the message says what and where."""


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


def newest_data_date(root: Path) -> dt.date:
    """The newest date in any table of ``data/``, read and validated by the project's loaders."""
    from nkarms import data

    package = root / "data" / "datapackage.json"
    newest: dt.date | None = None
    for name in data.resource_names(package):
        if name in NOT_DATA_TABLES:
            continue
        resource = data.resource_descriptor(name, package)
        fields = [
            f["name"] for f in resource["schema"]["fields"]
            if f.get("type") in ("date", "datetime") and f["name"] not in NOT_DATA_DATES
        ]
        if not fields:
            continue
        frame = data.load(name, package)
        for field in fields:
            value = frame[field].dropna().max()
            if value is not None and value == value:  # not NaT
                day = value.date() if hasattr(value, "date") else value
                newest = day if newest is None else max(newest, day)
    if newest is None:
        raise PdfError(f"{package}: no table has a date field, so the report's data date is unknown")
    return newest


def report_version(root: Path) -> str:
    """The project's version (``pyproject.toml``), else the data package's."""
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        version = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("version")
        if version:
            return str(version)
    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    return str(package.get("version", "unversioned"))


def cover_facts(root: Path) -> Cover:
    """What the cover says: the title split at its colon into title and subtitle."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    title, _, subtitle = str(config.get("title", "Report")).partition(": ")
    day = newest_data_date(root)
    return Cover(
        title=title.strip(),
        subtitle=subtitle.strip(),
        author=str(config.get("author", "")),
        data_date=long_day(day),
        version=report_version(root),
    )


def site_url(root: Path) -> str | None:
    """The published site's address (``html.baseurl`` in ``_config.yml``), if it has one."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = str((config.get("html") or {}).get("baseurl") or "").strip()
    return (url.rstrip("/") + "/") if url else None


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


PRINT_CSS_PATH = "/_nkarms/print.css"
PRINT_CSS_LINK = f'<link rel="stylesheet" type="text/css" href="{PRINT_CSS_PATH}" media="print" />\n'


def with_print_css(page: str) -> str:
    """The page, linking print.css if the site build did not (so charts draw with it in place)."""
    if "print.css" in page:
        return page
    return page.replace("</head>", PRINT_CSS_LINK + "</head>", 1)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site, with the report page at the top level where its relative links point."""

    page: Path

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == REPORT_PATH:
            self._send(with_print_css(self.page.read_text(encoding="utf-8")).encode("utf-8"), "text/html; charset=utf-8")
        elif path == PRINT_CSS_PATH:
            self._send(PRINT_CSS.read_bytes(), "text/css; charset=utf-8")
        else:
            super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@contextlib.contextmanager
def serve(site: Path, page: Path) -> Iterator[str]:
    """Serve ``site`` on a free local port; yield the report page's URL."""
    handler = type("Handler", (_Handler,), {"page": page})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{REPORT_PATH}"
    finally:
        server.shutdown()
        server.server_close()


# Runs in the page: marks the chapters, adds the cover and the contents, and the
# named @page rules that give each chapter its running header.
PREPARE_JS = r"""
({cover, chapters, baseurl}) => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const headingText = (h) => {
    const copy = h.cloneNode(true);
    copy.querySelectorAll(".headerlink, .nk-chapter-label").forEach((n) => n.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };
  const found = [];
  const missing = [];
  chapters.forEach((chapter, index) => {
    let section;
    if (index === 0) {
      section = article.querySelector("section");
    } else {
      const marker = document.getElementById("document-" + chapter.docname);
      section = marker && marker.nextElementSibling;
      // The marker (a link target) sits between two chapters, on the root page's
      // named page, and would print as an empty page: move it into its chapter.
      if (section && section.tagName === "SECTION") section.prepend(marker);
    }
    const heading = section && section.querySelector(":scope > h1, :scope > h2");
    if (!section || section.tagName !== "SECTION" || !heading) { missing.push(chapter.docname); return; }
    const id = "nk-chapter-" + index;
    section.classList.add("nk-chapter");
    section.dataset.nkPage = id;
    heading.id = id;  // the destination the contents link to, which pdfinfo -dests reports
    heading.classList.add("nk-chapter-title");
    const title = headingText(heading);
    if (chapter.number !== null) {
      heading.prepend(el("span", "nk-chapter-label", "Chapter " + chapter.number));
    }
    found.push({...chapter, id, title});
  });
  if (missing.length) return {missing};

  // Bare links (text = address) do not need their address printed after them.
  article.querySelectorAll('a[href^="http"]').forEach((a) => {
    const text = a.textContent.trim().replace(/\/$/, "");
    if (a.href.replace(/\/$/, "") === text || a.getAttribute("href").replace(/\/$/, "") === text) {
      a.classList.add("nk-bare-url");
    }
  });
  // Links to other files of the site would point at the temporary local server:
  // a link to a place in the report becomes a link within the PDF; a link to a
  // file becomes a link to the published site (html.baseurl in _config.yml) or,
  // without one, plain text.
  document.querySelectorAll("a[href]").forEach((a) => {
    const raw = a.getAttribute("href");
    if (/^(https?:|mailto:|#)/i.test(raw)) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin) return;
    const target = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
    if (target) {
      a.setAttribute("href", url.hash);
    } else if (baseurl) {
      a.setAttribute("href", new URL(url.pathname.replace(/^\//, "") + url.search + url.hash, baseurl).href);
    } else {
      a.replaceWith(...a.childNodes);
    }
  });

  // On paper a link is its address. Each chapter lists the addresses it links
  // to at its end, numbered; the text keeps a small number after the link.
  found.forEach((chapter) => {
    const section = document.querySelector(`section[data-nk-page="${chapter.id}"]`);
    const links = Array.from(section.querySelectorAll('a[href^="http"]'))
      .filter((a) => a.closest("section.nk-chapter") === section && !a.classList.contains("nk-bare-url"));
    if (!links.length) return;
    const numbers = new Map();
    links.forEach((a) => {
      const href = a.getAttribute("href");  // as the source gives it, not as the browser normalises it
      if (!numbers.has(href)) numbers.set(href, numbers.size + 1);
      a.classList.add("nk-noted");
      a.after(el("sup", "nk-link-mark", String(numbers.get(href))));
    });
    const notes = el("div", "nk-link-notes");
    notes.append(el("p", "nk-link-notes-heading", "Web addresses cited in this chapter"));
    const list = el("ol");
    numbers.forEach((n, href) => {
      const link = el("a", "nk-bare-url", href);
      link.href = href;
      const item = el("li");
      item.value = n;
      item.append(link);
      list.append(item);
    });
    notes.append(list);
    const nested = section.querySelector(":scope > .toctree-wrapper");
    if (nested) section.insertBefore(notes, nested); else section.append(notes);
  });
  // Lazy images would be missing from the print.
  document.querySelectorAll("img[loading=lazy]").forEach((img) => { img.loading = "eager"; });

  const coverNode = el("section", "nk-cover");
  coverNode.append(
    el("p", "nk-cover-kicker", cover.author),
    el("h1", "nk-cover-title", cover.title),
    el("p", "nk-cover-subtitle", cover.subtitle),
  );
  const facts = el("dl", "nk-cover-facts");
  [["Data as of", cover.data_date], ["Version", cover.version]].forEach(([k, v]) => {
    facts.append(el("dt", null, k), el("dd", null, v));
  });
  coverNode.append(facts);

  const toc = el("nav", "nk-toc");
  toc.setAttribute("aria-label", "Contents");
  toc.append(el("h1", "nk-toc-heading", "Contents"));
  const list = el("ol", "nk-toc-list");
  found.forEach((chapter) => {
    const link = el("a", "nk-toc-entry");
    link.href = "#" + chapter.id;
    link.append(
      el("span", "nk-toc-number", chapter.number === null ? "" : String(chapter.number)),
      el("span", "nk-toc-title", chapter.title),
      el("span", "nk-toc-page", ""),
    );
    link.lastChild.dataset.target = chapter.id;
    const item = el("li");
    item.append(link);
    list.append(item);
  });
  toc.append(list);
  // First in <body>: anything before the cover's named page would print as a blank page.
  document.body.prepend(coverNode, toc);

  const quote = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
  const rules = [
    `@page { @top-left { content: ${quote(cover.title)}; } }`,
    ...found.map((c) => {
      const label = (c.number === null ? "" : c.number + "  ") + c.title;
      return `@page ${c.id} { @top-right { content: ${quote(label)}; } }\n` +
             `section[data-nk-page="${c.id}"] { page: ${c.id}; }`;
    }),
  ];
  const style = el("style", null, "@media print {\n" + rules.join("\n") + "\n}");
  style.id = "nk-print-pages";
  // Before print.css, so that its rules for the cover page (no header) win.
  document.head.prepend(style);
  document.title = cover.title + (cover.subtitle ? ": " + cover.subtitle : "");
  return {chapters: found};
}
"""

FILL_PAGES_JS = r"""
(pages) => {
  document.querySelectorAll(".nk-toc-page").forEach((span) => {
    span.textContent = String(pages[span.dataset.target] ?? "");
  });
}
"""

CHARTS_DONE_JS = """() => !document.querySelector('div.nk-chart')
  || document.documentElement.dataset.chartsRendered === 'true'"""

FAILED_CHARTS_JS = """() => Array.from(document.querySelectorAll('div.nk-chart'))
  .filter((d) => d.dataset.rendered !== 'true' || !d.querySelector('svg, canvas'))
  .map((d) => `${d.id} (${d.getAttribute('aria-label') || 'no description'}): ${d.textContent.trim() || 'nothing drawn'}`)"""


def _log(started: float, message: str) -> None:
    print(f"pdf: {message} ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)


def destination_pages(pdf: Path) -> dict[str, int]:
    """Named destination -> page number, as Chromium wrote them for the links in the contents."""
    listing = subprocess.run(["pdfinfo", "-dests", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = {}
    for line in listing.splitlines():
        match = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', line)
        if match:
            pages[match.group(2)] = int(match.group(1))
    return pages


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _print(page: Any, path: Path) -> None:
    page.pdf(
        path=str(path), prefer_css_page_size=True, print_background=True,
        display_header_footer=False, outline=True, tagged=True,
    )


def _open_report(browser: Any, url: str, offline_requests: list[str]) -> Any:
    context = browser.new_context(
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
    try:
        page.wait_for_function(CHARTS_DONE_JS, timeout=CHART_TIMEOUT_MS, polling=200)
    except Exception as error:  # playwright's TimeoutError
        raise PdfError(f"the charts did not finish drawing within {CHART_TIMEOUT_MS // 1000} s: {error}") from error
    failed = page.evaluate(FAILED_CHARTS_JS)
    if failed:
        raise PdfError("charts that did not draw:\n  " + "\n  ".join(failed))
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page


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

    with serve(site, page_file) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = _open_report(browser, url, offline_requests)
            _log(started, "page loaded, every chart drawn")
            prepared = page.evaluate(PREPARE_JS, {
                "cover": asdict(cover), "chapters": [asdict(c) for c in chapters], "baseurl": site_url(root),
            })
            if prepared.get("missing"):
                raise PdfError(f"chapters in _toc.yml not found on the page {page_file.name}: {prepared['missing']}")
            ids = [c["id"] for c in prepared["chapters"]]
            pages: dict[str, int] = {}
            for _ in range(MAX_PRINTS):
                page.evaluate(FILL_PAGES_JS, pages)
                _print(page, draft)
                found = destination_pages(draft)
                _log(started, f"printed {_page_count(draft)} pages")
                starts = {i: found.get(i) for i in ids}
                if None in starts.values():
                    lost = [i for i, p in starts.items() if p is None]
                    raise PdfError(f"the printed contents link to no page for {lost}")
                if starts == pages:
                    break
                pages = starts
            else:
                raise PdfError(f"the contents' page numbers did not settle after {MAX_PRINTS} prints")
        finally:
            browser.close()
    if offline_requests:
        raise PdfError(f"the report page asked other hosts for {sorted(set(offline_requests))}; "
                       "everything it prints must come from the build")
    text = " ".join(pdf_text(draft).split())
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
