"""The built site works offline, in a real browser, on every page of the build.

Each page is loaded in Chromium from the local server with every request to another
host blocked and recorded; the page must make none, log no console or page error,
fail no request, violate no Content-Security-Policy directive, and draw every chart
with a working tooltip. A static scan of every built file then checks that nothing
is loaded from elsewhere, and that every external URL string in the shipped
JavaScript is a known, inert one (``JS_URL_ALLOW_LIST``).

Pages come from the build itself (``pages`` fixture), so a new chapter is tested
without touching this file.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup
from conftest import CHART_TIMEOUT_MS, CSP_LISTENER, Visit, redirect_target

# Pages Sphinx always writes; they may have no content of their own but must load cleanly.
GENERATED_PAGES = {"genindex.html", "search.html"}
TOOLTIP_TIMEOUT_MS = 3_000
# Marks with tooltips first; legend symbols (role-legend-symbol) have none.
MARK_SELECTORS = (
    "svg .role-mark.mark-symbol > path",
    "svg .role-mark.mark-rect > path",
    "svg .role-mark > path",
)

EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host, ftp:// ...
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'");\s]+)""", re.I)
JS_URL = re.compile(r"""(?:https?|wss?|ftp)://[^\s"'`<>()\\,;]+""", re.I)
JS_PROTOCOL_RELATIVE = re.compile(r"""(?<=["'`])//[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s"'`<>()\\]*""", re.I)

# Every external URL string in the site's JavaScript, the file it is expected in, and why
# it is harmless. A URL not listed here, or found in another file, fails the test.
XML_NAMESPACE = "an XML namespace name, compared as a string and never fetched"
JS_URL_ALLOW_LIST: dict[str, tuple[tuple[str, ...], str]] = {
    "http://www.w3.org/2000/svg": (
        ("nk-charts.js", "sphinx_highlight.js", "copybutton.js", "fontawesome.js", "togglebutton.js"),
        XML_NAMESPACE,
    ),
    "http://www.w3.org/1999/xlink": (("nk-charts.js",), XML_NAMESPACE),
    "http://www.w3.org/2000/xmlns/": (("nk-charts.js",), XML_NAMESPACE),
    "https://vega.github.io/editor/": (
        ("nk-charts.js",),
        "vega-embed's 'Open in Vega Editor' action; inert: the loader passes actions: false, "
        "so the link is never created",
    ),
    "https://vega.github.io/schema/vega/v6.json": (
        ("nk-charts.js",),
        "vega-embed's $schema identifier for specs it builds; a string, never fetched "
        "(and connect-src 'self' would block it)",
    ),
    "https://github.com/vega/vega-lite/issues/2415": (
        ("nk-charts.js",), "text of a vega-lite warning message, never fetched",
    ),
    "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide/Regular_Expressions#escaping": (
        ("searchtools.js",), "a code comment in Sphinx's search",
    ),
    "https://pydata-sphinx-theme.readthedocs.io/en/stable/user_guide/version-dropdown.html": (
        ("pydata-sphinx-theme.js",),
        "text of a console warning about the version switcher, which this site does not use",
    ),
    "https://clipboardjs.com/": (("clipboard.min.js",), "the licence banner comment of clipboard.js"),
}


def html_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.html") if path.relative_to(root).parts[0] != "_sources")


def built_files(root: Path, suffix: str) -> list[Path]:
    return sorted(root.rglob(f"*{suffix}"))


def is_external(url: str | None) -> bool:
    return bool(url) and bool(EXTERNAL.match(url))


# --- the build ------------------------------------------------------------------------


def test_every_chapter_in_the_toc_is_built(site, pages):
    """The build (made by the ``site`` fixture with -W from an empty _build) has a page per chapter."""
    toc = yaml.safe_load((site.project_dir / "_toc.yml").read_text(encoding="utf-8"))
    expected = [toc["root"], *(entry["file"] for entry in toc.get("chapters", []))]
    missing = [f"{name}.html" for name in expected if f"{name}.html" not in pages]
    assert not missing, f"chapters in _toc.yml without a page: {missing}"
    assert "index.html" in pages


# --- every page in the browser --------------------------------------------------------


def test_every_page_loads_offline_without_errors(open_page, pages, subtests):
    """Loads each page with all other hosts blocked: no external request, error or CSP violation."""
    for path in pages:
        with subtests.test(page=path):
            visit = open_page(path)
            problems = visit.load_problems
            assert not problems, f"{path}:\n  " + "\n  ".join(problems)
            assert visit.external_requests == []
            if Path(path).name not in GENERATED_PAGES:
                text = visit.page.locator("main").first.inner_text().strip()
                assert len(text) > 100, f"{path}: the main content is (nearly) empty: {text!r}"


def test_every_page_has_a_csp_meta(site, pages, chart_pages, open_page, subtests):
    """Each page has one CSP meta in <head>, before anything it governs, allowing only the site itself."""
    for path in pages:
        with subtests.test(page=path):
            soup = BeautifulSoup((site.root_dir / path).read_text(encoding="utf-8"), "html.parser")
            metas = soup.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
            assert len(metas) == 1, f"{path}: {len(metas)} CSP <meta> elements"
            assert metas[0].parent.name == "head", f"{path}: the CSP <meta> is not in <head>"
            before = metas[0].find_all_previous(["script", "link", "style", "base", "img", "iframe"])
            assert not before, f"{path}: loaded before the CSP <meta>, so not covered by it: {before[:3]}"
            raw = (site.root_dir / path).read_bytes()
            assert 0 <= raw.lower().find(b"<meta charset") < 1024, f"{path}: <meta charset> not in the first 1024 bytes"
            policy = {d.split()[0]: d.split()[1:] for d in metas[0]["content"].split(";") if d.strip()}
            assert policy.get("default-src") == ["'self'"], policy
            assert "'unsafe-eval'" not in policy.get("script-src", []), policy
            assert "'unsafe-inline'" not in policy.get("script-src", []), policy
            for directive, sources in policy.items():
                hosts = [s for s in sources if is_external(s) or re.match(r"^(https?:|\*)", s)]
                assert not hosts, f"{path}: {directive} allows other hosts: {hosts}"
    # and the browser applies it: a page with charts reports the policy from the DOM
    visit = open_page(chart_pages[0])
    assert visit.page.locator('head > meta[http-equiv="Content-Security-Policy"]').count() == 1
    assert not [p for p in visit.load_problems if p.startswith("CSP violation")]


def hover_shows_tooltip(visit: Visit, chart) -> tuple[bool, str]:  # noqa: ANN001
    """Hover marks of one chart until vega's tooltip shows text; (shown, what was tried)."""
    page = visit.page
    tried = []
    for selector in MARK_SELECTORS:
        marks = chart.locator(selector)
        for index in range(min(marks.count(), 8)):
            mark = marks.nth(index)
            mark.scroll_into_view_if_needed()
            box = mark.bounding_box()
            if box is None or box["width"] < 1 or box["height"] < 1:
                continue
            page.mouse.move(0, 0)
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=2)
            tried.append(f"{selector}[{index}]")
            try:
                page.wait_for_function(
                    """() => {
                        const tip = document.getElementById("vg-tooltip-element");
                        return tip && tip.classList.contains("visible") && tip.innerText.trim().length > 0;
                    }""",
                    timeout=TOOLTIP_TIMEOUT_MS if index == 0 else 1000,
                )
            except Exception:  # noqa: BLE001 - try the next mark
                continue
            if page.locator("#vg-tooltip-element").is_visible():
                return True, ", ".join(tried)
    return False, ", ".join(tried) or "no hoverable mark"


def test_every_chart_draws_and_shows_tooltips(open_page, chart_pages, site, subtests):
    """Each div.nk-chart is drawn as SVG (data-rendered="true") and hovering a mark shows its tooltip."""
    for path in chart_pages:
        with subtests.test(page=path):
            visit = open_page(path)
            since = visit.checkpoint()
            charts = visit.page.locator("div.nk-chart")
            assert charts.count() > 0
            assert visit.page.evaluate("document.documentElement.dataset.chartsRendered") == "true"
            for index in range(charts.count()):
                chart = charts.nth(index)
                chart_id = chart.get_attribute("id")
                assert chart.get_attribute("data-rendered") == "true", (
                    f"{path} #{chart_id}: data-rendered={chart.get_attribute('data-rendered')!r}: "
                    f"{chart.inner_text()[:300]}"
                )
                assert chart.locator("svg").count() >= 1, f"{path} #{chart_id}: no <svg> drawn"
                shown, tried = hover_shows_tooltip(visit, chart)
                assert shown, f"{path} #{chart_id}: no tooltip appeared on hover (tried {tried})"
                text = visit.page.locator("#vg-tooltip-element").inner_text().strip()
                assert text, f"{path} #{chart_id}: empty tooltip"
            problems = visit.problems(since)
            assert not problems, f"{path} while hovering:\n  " + "\n  ".join(problems)


def test_root_redirect_leads_to_a_page_of_the_site(site, pages):
    target = redirect_target(site.root_dir / "index.html")
    if target is not None:
        assert target in pages, f"index.html redirects to {target}, which is not a page of the build"


def test_search_works_from_a_chapter_that_loads_no_search_index(open_page, pages):
    """Chapters do without the theme's per-page search tools and 135 kB index; the search page still finds terms."""
    chapter = next(path for path in pages if path.startswith("chapters/"))
    visit = open_page(chapter, fresh=True)
    page = visit.page
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map((entry) => entry.name)")
    assert not [url for url in loaded if url.endswith(("searchindex.js", "searchtools.js"))]
    page.keyboard.press("Control+k")
    field = page.locator("input[name=q]:visible").first
    field.fill("Hwasong")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=Hwasong*")
    results = page.locator("ul.search li a")
    results.first.wait_for(timeout=CHART_TIMEOUT_MS)
    linked = {href.split("#")[0].split("?")[0] for href in results.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")}
    assert linked and linked <= set(pages), linked


def test_the_search_fields_magnifier_leaves_the_query_readable(open_page, subtests):
    """The theme draws the magnifier over the field's start; the query's text must begin after it."""
    for width in (390, 1440):
        with subtests.test(width=width):
            gap = open_page("search.html", width=width).page.evaluate("""() => {
              const form = document.querySelector('.bd-search-container form.bd-search');
              const icon = form.querySelector('.fa-magnifying-glass').getBoundingClientRect();
              const input = form.querySelector('input');
              return input.getBoundingClientRect().left + parseFloat(getComputedStyle(input).paddingLeft) - icon.right;
            }""")
            assert gap >= 0, f"the magnifier covers the first {-gap:.0f} px of the query"


# --- static scan of every built file --------------------------------------------------

RESOURCE_ATTRIBUTES = {
    "script": ("src",), "link": ("href",), "img": ("src", "srcset"), "iframe": ("src",),
    "frame": ("src",), "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "input": ("src",),
    "image": ("href", "xlink:href"), "use": ("href", "xlink:href"), "form": ("action",),
}


def css_external_urls(css: str) -> list[str]:
    css = CSS_COMMENT.sub("", css)
    urls = [match.group(2) for match in CSS_URL.finditer(css)] + CSS_IMPORT.findall(css)
    return [url for url in dict.fromkeys(urls) if is_external(url)]


def spec_urls(node: Any) -> list[str]:
    """Values of every ``url`` key in a Vega spec (data and image URLs are fetched)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url":
                found.append(value.get("value", value.get("signal", "")) if isinstance(value, dict) else str(value))
            else:
                found.extend(spec_urls(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(spec_urls(item))
    return found


def test_html_loads_nothing_from_other_hosts(site):
    """No external URL in any resource-loading tag, inline style, or chart spec of any built HTML file."""
    offences = []
    for path in html_files(site.root_dir):
        name = path.relative_to(site.root_dir).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attributes in RESOURCE_ATTRIBUTES.items():
            for element in soup.find_all(tag):
                for attribute in attributes:
                    for url in re.split(r",\s*", element.get(attribute) or ""):
                        url = url.strip().split(" ")[0]
                        if is_external(url):
                            offences.append(f"{name}: <{tag} {attribute}={url!r}>")
        for element in soup.find_all("iframe"):
            offences.append(f"{name}: <iframe> ({element.get('src')!r}); frames are not allowed (frame-src 'none')")
        for element in soup.find_all(style=True):
            offences.extend(f"{name}: style attribute url({url})" for url in css_external_urls(element["style"]))
        for element in soup.find_all("style"):
            offences.extend(f"{name}: <style> {url}" for url in css_external_urls(element.get_text()))
        for element in soup.find_all("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)}):
            target = element.get("content", "").partition("url=")[2]
            if is_external(target):
                offences.append(f"{name}: meta refresh to {target}")
        for element in soup.find_all("script", attrs={"type": "application/json"}):
            try:
                spec = json.loads(element.get_text())
            except ValueError:
                continue
            offences.extend(f"{name}: chart spec url {url}" for url in spec_urls(spec) if is_external(url))
        for element in soup.find_all("script", src=False):
            if element.get("type") in ("application/json", "application/ld+json"):
                continue
            for url in JS_URL.findall(element.get_text()) + JS_PROTOCOL_RELATIVE.findall(element.get_text()):
                if url not in JS_URL_ALLOW_LIST:
                    offences.append(f"{name}: inline script mentions {url}")
    assert not offences, "external resources in the built HTML:\n  " + "\n  ".join(offences)


def test_css_loads_nothing_from_other_hosts(site):
    offences = []
    for path in built_files(site.root_dir, ".css"):
        name = path.relative_to(site.root_dir).as_posix()
        offences.extend(f"{name}: {url}" for url in css_external_urls(path.read_text(encoding="utf-8", errors="replace")))
    assert not offences, "external url()/@import in the built CSS:\n  " + "\n  ".join(offences)


def test_svg_files_load_nothing_from_other_hosts(site):
    offences = []
    for path in built_files(site.root_dir, ".svg"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"""(?:href|src)\s*=\s*["']([^"']+)""", text) + css_external_urls(text):
            if is_external(url):
                offences.append(f"{path.relative_to(site.root_dir)}: {url}")
    assert not offences, "external references in built SVG files:\n  " + "\n  ".join(offences)


def js_external_urls(text: str) -> set[str]:
    return {url.rstrip(".") for url in JS_URL.findall(text)} | set(JS_PROTOCOL_RELATIVE.findall(text))


def test_javascript_mentions_only_allow_listed_urls(site):
    """Every external URL string in every built .js file is on JS_URL_ALLOW_LIST, for that file."""
    unexpected = []
    for path in built_files(site.root_dir, ".js"):
        name = path.relative_to(site.root_dir).as_posix()
        for url in sorted(js_external_urls(path.read_text(encoding="utf-8", errors="replace"))):
            files, _reason = JS_URL_ALLOW_LIST.get(url, ((), ""))
            if path.name not in files:
                unexpected.append(f"{name}: {url}")
    assert not unexpected, (
        "external URLs in the site's JavaScript that are not on JS_URL_ALLOW_LIST (check whether each "
        "is ever fetched or opened; if it is inert, add it with the reason):\n  " + "\n  ".join(unexpected)
    )


def test_source_maps_are_local(site):
    """``sourceMappingURL`` comments point at files shipped with the site."""
    offences = []
    for suffix in (".js", ".css"):
        for path in built_files(site.root_dir, suffix):
            for url in re.findall(r"sourceMappingURL=(\S+)", path.read_text(encoding="utf-8", errors="replace")):
                url = url.rstrip("*/").strip()
                if is_external(url) or (not url.startswith("data:") and not (path.parent / url).exists()):
                    offences.append(f"{path.relative_to(site.root_dir)}: {url}")
    assert not offences, "source maps missing or remote:\n  " + "\n  ".join(offences)


def test_the_icon_font_has_every_icon_the_site_shows(site):
    """The theme's icon font is cut down to the site's icons (nkarms.site.sphinx_icons): none may go missing."""
    from fontTools.ttLib import TTFont

    from nkarms.site import sphinx_icons

    served = site.root_dir / "_static" / sphinx_icons.FONT
    have = set(TTFont(served).getBestCmap())
    stylesheet = (site.root_dir / "_static/styles/pydata-sphinx-theme.css").read_text(encoding="utf-8")
    icons = sphinx_icons.icon_codepoints(stylesheet)
    shown = {name for page in site.root_dir.glob("chapters/*.html")
             for name in sphinx_icons.ICON_CLASS.findall(page.read_text(encoding="utf-8")) if name in icons}
    assert {"fa-bars", "fa-magnifying-glass", "fa-download"} <= shown
    missing = {name for name in shown if icons[name] not in have}
    assert not missing, f"{served} lacks the icons {sorted(missing)}"
    source = set(TTFont(sphinx_icons.SOURCE_FONT).getBestCmap())
    assert sphinx_icons.direct_codepoints(stylesheet) & source <= have
    assert served.stat().st_size < sphinx_icons.SOURCE_FONT.stat().st_size / 10


def test_the_chart_runtime_is_fetched_once_and_then_cached(site, chart_pages, browser):
    """Each chart page asks for the runtime once; the next page takes it from the browser cache.

    A context of its own: Playwright's request routing, which the other browser
    tests use to block other hosts, switches the HTTP cache off.
    """
    assert len(chart_pages) >= 2
    for path in chart_pages:
        assert (site.root_dir / path).read_text(encoding="utf-8").count("_static/nk-charts.js?") == 1, path
    context = browser.new_context()
    try:
        page = context.new_page()
        entries = []
        for path in chart_pages[:2]:
            page.goto(f"{site.base_url}/{path}", wait_until="load")
            page.wait_for_function("() => document.documentElement.dataset.chartsRendered === 'true'")
            entries.append(page.evaluate(
                "() => performance.getEntriesByType('resource')"
                ".filter(e => new URL(e.name).pathname.endsWith('/_static/nk-charts.js'))"
                ".map(e => ({transfer: e.transferSize, body: e.decodedBodySize}))"
            ))
    finally:
        context.close()
    first, second = entries
    assert len(first) == 1 and first[0]["transfer"] > first[0]["body"] > 500_000, first
    assert len(second) == 1 and second[0]["transfer"] < 2_000, (
        f"the second page fetched the runtime again: {second}"
    )


def test_the_site_opened_from_the_file_system_draws_its_charts(site, browser):
    """The README's promise: open _build/html/index.html in Chromium, offline, and the chapter shows its chart.

    file:// pages have no server: the redirect, the runtime and the CSP ('self')
    must all work from the disk.
    """
    context = browser.new_context()
    context.add_init_script(CSP_LISTENER)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda request: problems.append(f"request to {request.url}")
                if urlsplit(request.url).scheme not in ("file", "data", "blob", "about") else None)
        page.on("console", lambda message: problems.append(f"console error: {message.text}") if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.goto((site.root_dir / "index.html").as_uri())
        page.wait_for_url("**/chapters/00-key-findings.html")
        page.wait_for_function("() => document.documentElement.dataset.chartsRendered === 'true'", timeout=CHART_TIMEOUT_MS)
        assert page.locator("div.nk-chart svg").count() >= 1
        problems += [f"CSP violation: {text}" for text in page.evaluate("() => window.__nkCspViolations")]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_a_broken_chart_fails_alone(site, pages, browser):
    """A chart whose spec is missing shows an error in its box; the page's other charts still draw."""
    path = next(p for p in pages if (site.root_dir / p).read_text(encoding="utf-8").count('class="nk-chart"') >= 2)
    html = (site.root_dir / path).read_text(encoding="utf-8")
    broken = re.sub(r'data-spec="[^"]*"', 'data-spec="no-such-spec"', html, count=1)
    assert broken != html
    context = browser.new_context()
    try:
        page = context.new_page()
        page.route(f"{site.base_url}/{path}", lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=broken))
        page.goto(f"{site.base_url}/{path}", wait_until="load")
        page.wait_for_function("() => document.documentElement.dataset.chartsRendered === 'true'", timeout=CHART_TIMEOUT_MS)
        states = page.locator("div.nk-chart").evaluate_all("(divs) => divs.map((d) => d.dataset.rendered)")
        first_text = page.locator("div.nk-chart").first.inner_text()
    finally:
        context.close()
    assert states[0] == "error" and "could not be drawn" in first_text
    assert states[1:] and all(state == "true" for state in states[1:]), states
