"""Shared fixtures for the browser tests of the built site.

``site`` builds the whole report once per session, from an empty ``_build``, in a
temporary copy of the project, with the project's own command (which runs
Jupyter Book with ``-W``), and serves it on 127.0.0.1. Its build step is itself the
test that the site builds cleanly from nothing: a non-zero exit fails every test
that needs the site, with the build's last lines in the message.

``browser`` is Debian's Chromium driven by Playwright, launched as the PDF and the
benchmark launch it (:mod:`nkarms.site.browser`). ``open_page`` loads one page of the site in a new
context that blocks and records every request to a host other than the local
server, and records console errors, page errors, failed requests and CSP
violations; each page is loaded once per session and viewport size and shared by
the tests that only look at it (``fresh=True`` for a page nobody has touched).

Pages are discovered from the build (``site_pages``), never listed by hand, so a
new chapter is covered as soon as it is in ``_toc.yml``.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import pytest

from nkarms.site import browser as chromium
from nkarms.site.localserver import serve
from nkarms.site.pages import pages as built_pages

PROJECT = Path(__file__).resolve().parents[1]
# The copy is the whole project but version control, environments and build output:
# chapters read more than _config.yml, _toc.yml, chapters/ and data/ (08-data-methods
# reads CITATION.cff), and the execution manifest keys the package's own modules as
# "src/nkarms/..." relative to the project root, so without src/ in the copy every
# chapter would re-execute every session. (The kernel still imports nkarms from the
# installed, editable package.)
NOT_COPIED = (
    ".git", ".venv", "_build", ".pytest_cache", "__pycache__", ".ipynb_checkpoints", "*.egg-info",
    "screenshots", "results.json",
)
BUILD_TIMEOUT = 1800
CHART_TIMEOUT_MS = 30_000
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1440, 900  # the desktop size test_layout also checks
# Note for page.wait_for_function: pass an arrow function ("() => ..."), never a bare
# expression. Playwright eval()s a bare expression inside the page while polling, which
# the site's CSP (no 'unsafe-eval') blocks, and which would show up as a CSP violation.
LOCAL_SCHEMES = {"data", "blob", "about"}
META_REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)

# Records CSP violations from the first moment of every document (Playwright
# injects init scripts over the devtools protocol, so the page's CSP does not apply).
CSP_LISTENER = """
window.__nkCspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__nkCspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample || ""}`
  );
});
"""


class Site(NamedTuple):
    """The built site: the served directory (``<tmp>/_build/html``) and its URL."""

    root_dir: Path
    base_url: str

    @property
    def project_dir(self) -> Path:
        """The temporary project copy the site was built from."""
        return self.root_dir.parents[1]


def site_pages(html_dir: Path) -> list[str]:
    """Every HTML page of the build, as URL paths relative to the site root (see :func:`nkarms.site.pages.pages`)."""
    return [path.relative_to(html_dir).as_posix() for path in built_pages(html_dir)]


def redirect_target(html_file: Path) -> str | None:
    """The URL a page redirects to with ``<meta http-equiv="Refresh">``, if it does."""
    match = META_REFRESH.search(html_file.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def copy_project(destination: Path) -> None:
    """Copy the project (see NOT_COPIED) into the existing, empty ``destination``."""
    shutil.copytree(PROJECT, destination, ignore=shutil.ignore_patterns(*NOT_COPIED), dirs_exist_ok=True)


def build_site(project_dir: Path) -> subprocess.CompletedProcess[str]:
    """``python -m nkarms.build html`` on ``project_dir``, as ``make book`` runs it."""
    return subprocess.run(
        [sys.executable, "-m", "nkarms.build", "html", "--root", str(project_dir)],
        env={**os.environ, "NKARMS_PROJECT_ROOT": str(project_dir)},
        capture_output=True, text=True, timeout=BUILD_TIMEOUT,
    )


def build_failure(project_dir: Path, result: subprocess.CompletedProcess[str]) -> str:
    """The build's warnings and errors, then its last lines."""
    lines = (result.stdout + "\n" + result.stderr).strip().splitlines()
    flagged = [
        line for line in lines
        if re.search(r"WARNING|ERROR|Error|Exception|executing ", line) and "Kernel is running over TCP" not in line
    ]
    return (
        f"the site build (python -m nkarms.build html, Jupyter Book -W) failed with exit code "
        f"{result.returncode} in {project_dir}.\nWarnings and errors:\n  " + "\n  ".join(flagged[-40:])
        + "\nLast lines:\n  " + "\n  ".join(lines[-15:])
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Build the site from an empty ``_build`` in a temporary project copy; serve it.

    This is also the test that the site builds with ``-W`` from nothing.
    """
    project_dir = tmp_path_factory.mktemp("project")
    copy_project(project_dir)
    assert not (project_dir / "_build").exists()
    result = build_site(project_dir)
    if result.returncode != 0:
        pytest.fail(build_failure(project_dir, result), pytrace=False)
    html_dir = project_dir / "_build" / "html"
    assert (html_dir / "index.html").is_file(), "the build wrote no _build/html/index.html"
    server = serve(html_dir)
    try:
        yield Site(html_dir, server.base_url)
    finally:
        server.close()


@pytest.fixture(scope="session")
def pages(site: Site) -> list[str]:
    """Every page of this session's build (see :func:`site_pages`)."""
    found = site_pages(site.root_dir)
    assert found, "the build has no HTML pages"
    return found


@pytest.fixture(scope="session")
def chart_pages(site: Site, pages: list[str]) -> list[str]:
    """The pages that hold at least one chart; a test over them must not pass by finding none."""
    found = [p for p in pages if 'class="nk-chart"' in (site.root_dir / p).read_text(encoding="utf-8")]
    assert found, "no page of the build holds a chart (div.nk-chart)"
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    try:
        chromium.require()
    except chromium.BrowserMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str, base_url: str) -> bool:
    """True for the local server's own URLs and for data:/blob:/about: URLs."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.hostname == "127.0.0.1" and parts.netloc == urlsplit(base_url).netloc


@dataclass
class Visit:
    """One page load and everything it logged, in order.

    Pages are shared between tests, so a test checks the problems of its own doing:
    ``load_problems`` (frozen once the page has loaded, drawn its charts and gone
    quiet) or ``problems(since=visit.checkpoint())``. Tools a test injects can log
    errors of their own (axe-core, preloading stylesheets, requests ``/basic.css``
    from the site root), which are no fault of the site.
    """

    page: object
    path: str
    url: str
    events: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    load_problems: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("() => window.__nkCspViolations || []")

    def chart_count(self) -> int:
        return self.page.locator("div.nk-chart").count()

    def checkpoint(self) -> tuple[int, int]:
        return len(self.events), len(self.csp_violations())

    def problems(self, since: tuple[int, int] = (0, 0)) -> list[str]:
        """What went wrong since ``since`` (a :meth:`checkpoint`): by default, since the load began."""
        events, csp = since
        return self.events[events:] + [f"CSP violation: {text}" for text in self.csp_violations()[csp:]]


def load_page(browser, site: Site, path: str, width: int, height: int) -> Visit:  # noqa: ANN001
    """Load one page in a new context, offline; wait until its charts are drawn and the network is quiet."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    visit = Visit(page=page, path=path, url=f"{site.base_url}/{path}")
    log = visit.events.append

    def route(route) -> None:  # noqa: ANN001
        if is_local(route.request.url, site.base_url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def on_request(request) -> None:  # noqa: ANN001
        if not is_local(request.url, site.base_url):
            visit.external_requests.append(request.url)
            log(f"request to another host: {request.url}")

    context.route("**/*", route)
    page.on("request", on_request)
    page.on("websocket", lambda ws: None if is_local(ws.url, site.base_url)
            else log(f"websocket to another host: {ws.url}"))
    page.on("console", lambda message: log(
        f"console error: {message.text} ({message.location.get('url', '')})") if message.type == "error" else None)
    page.on("pageerror", lambda error: log(f"page error: {error}"))
    page.on("requestfailed", lambda request: log(
        f"failed request: {request.url}: {request.failure}") if is_local(request.url, site.base_url) else None)
    page.on("response", lambda response: log(
        f"failed request: {response.url}: HTTP {response.status}") if response.status >= 400 else None)

    response = page.goto(visit.url, wait_until="load")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    target = redirect_target(site.root_dir / path)
    if target is not None:  # e.g. the root index.html: check the page it leads to as well
        visit.url = urljoin(visit.url, target)
        page.wait_for_url(visit.url, wait_until="load")
    if visit.chart_count():
        page.wait_for_function(
            "() => document.documentElement.dataset.chartsRendered === 'true'", timeout=CHART_TIMEOUT_MS
        )
    page.wait_for_load_state("networkidle")
    visit.load_problems = visit.problems()
    return visit


@pytest.fixture(scope="session")
def _loaded_pages(browser) -> Iterator[dict[tuple[str, int, int], Visit]]:  # noqa: ANN001
    cache: dict[tuple[str, int, int], Visit] = {}
    yield cache
    for visit in cache.values():
        visit.page.context.close()


@pytest.fixture
def open_page(site: Site, browser, _loaded_pages) -> Iterator[Callable[..., Visit]]:  # noqa: ANN001
    """``open_page("chapters/x.html", width=390)``: a :class:`Visit` of that page, loaded offline.

    A page is loaded once per session and size and then shared between tests (loading
    is most of their time): a test that needs a page nobody has touched, such as
    the keyboard test, asks for ``fresh=True``. Every load starts in a new context.
    """
    fresh_contexts = []

    def _open(path: str, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT, fresh: bool = False) -> Visit:
        key = (path, width, height)
        if not fresh and key in _loaded_pages:
            return _loaded_pages[key]
        visit = load_page(browser, site, path, width, height)
        if fresh:
            fresh_contexts.append(visit.page.context)
        else:
            _loaded_pages[key] = visit
        return visit

    yield _open
    for context in fresh_contexts:
        context.close()
