"""Page figures: the built site's size, and each page loaded cold in Chromium (bytes, chart time)."""
from __future__ import annotations

import gzip
import re
import statistics
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nkarms.site import browser as chromium
from nkarms.site.localserver import serve
from nkarms.site.pages import pages as built_pages

RUNTIME = "_static/nk-charts.js"
META_REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)
PAGE_BUDGET = 1_000_000  # bytes, per chapter page, without the shared runtime
CHART_TIMEOUT_MS = 60_000
# Records when every chart has drawn, in ms since navigation start. It observes the
# document, since <html> does not exist yet when an init script runs.
CHARTS_TIMER = """
new MutationObserver((records, observer) => {
  if (document.documentElement.dataset.chartsRendered === "true") {
    window.__nkChartsDrawnAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-charts-rendered"] });
"""


def site_pages(html_dir: Path) -> list[str]:
    return [path.relative_to(html_dir).as_posix() for path in built_pages(html_dir)]


def site_size(html_dir: Path) -> dict[str, Any]:
    files = [p for p in html_dir.rglob("*") if p.is_file()]
    pages = {page: (html_dir / page).stat().st_size for page in site_pages(html_dir)}
    largest = max(pages, key=pages.get)
    return {
        "total_bytes": sum(p.stat().st_size for p in files),
        "files": len(files),
        "largest_page": {"path": largest, "bytes": pages[largest]},
        "page_html_bytes": pages,
    }


def redirect_target(page: Path) -> str | None:
    match = META_REFRESH.search(page.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def bench_pages(html_dir: Path, runs: int) -> dict[str, Any]:
    """Per page, cold cache: response bytes (runtime apart) and ms until every chart has drawn."""
    chromium.require()
    from playwright.sync_api import sync_playwright

    server = serve(html_dir)
    base = server.base_url
    pages = site_pages(html_dir)
    print(f"loading {len(pages)} pages in Chromium, {runs} time(s) each, cold cache", flush=True)
    results: dict[str, Any] = {}
    runtime_bytes = 0
    try:
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            for path in pages:
                target = redirect_target(html_dir / path)
                if target is not None:  # the root index.html: its target is measured as a page of its own
                    results[path] = {"redirect_to": target, "html_bytes": (html_dir / path).stat().st_size}
                    continue
                loads = [load_page(browser, base, path) for _ in range(runs)]
                runtime_bytes = max([runtime_bytes, *(load.pop("runtime_bytes") for load in loads)])
                drawn = [load["charts_drawn_ms"] for load in loads if load["charts_drawn_ms"] is not None]
                results[path] = {
                    **{k: v for k, v in loads[0].items() if k not in ("charts_drawn_ms", "load_ms")},
                    "charts_drawn_ms": round(statistics.median(drawn)) if drawn else None,
                    "load_ms": round(statistics.median(load["load_ms"] for load in loads)),
                }
            browser.close()
    finally:
        server.close()
    return {"runtime": {"path": RUNTIME, "bytes": runtime_bytes or None}, "pages": results}


def load_page(browser, base: str, path: str) -> dict[str, Any]:  # noqa: ANN001
    """One cold load of one page: bytes per response, chart and load times."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CHARTS_TIMER)
    page = context.new_page()
    finished = []
    external = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("request", lambda request: external.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(request.url).hostname != "127.0.0.1" else None)
    page.goto(f"{base}/{path}", wait_until="load")
    charts = page.locator("div.nk-chart").count()
    if charts:
        page.wait_for_function("() => window.__nkChartsDrawnAt !== undefined", timeout=CHART_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(
        "({ drawn: window.__nkChartsDrawnAt ?? null,"
        "   load: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null })"
    )
    by_file: dict[str, int] = {}
    gzipped = 0
    for request in finished:
        name = urlsplit(request.url).path.lstrip("/") or "/"
        by_file[name] = by_file.get(name, 0) + request.sizes()["responseBodySize"]
        response = request.response()
        if name != RUNTIME and response is not None:
            gzipped += len(gzip.compress(response.body(), compresslevel=6))
    context.close()
    runtime = by_file.pop(RUNTIME, 0)
    shared = sum(n for name, n in by_file.items() if name.startswith("_static/") or name == "searchindex.js")
    total = sum(by_file.values())
    return {
        "transfer_bytes": total,
        "gzip_bytes": gzipped,
        "own_bytes": total - shared,
        "shared_theme_bytes": shared,
        "requests": len(finished),
        "loads_runtime": runtime > 0,
        "runtime_bytes": runtime,
        "largest_responses": dict(sorted(by_file.items(), key=lambda item: -item[1])[:3]),
        "charts": charts,
        "charts_drawn_ms": round(timing["drawn"]) if timing["drawn"] is not None else None,
        "load_ms": round(timing["load"] or 0),
        "external_requests": external,
    }


def budget(pages: dict[str, Any]) -> dict[str, Any]:
    """No chapter page over PAGE_BUDGET bytes, not counting the shared chart runtime.

    ``over`` applies the rule as stated (everything a cold load fetches but the
    runtime); ``own_over`` counts only what is the page's own (its HTML, images and
    data: not ``_static/`` or the search index, which every page shares and a
    reader's browser caches after the first).
    """
    chapters = {p: i for p, i in pages.items() if p.startswith("chapters/") and "redirect_to" not in i}
    return {
        "limit_bytes": PAGE_BUDGET,
        "excludes": RUNTIME,
        "checked": len(chapters),
        "over": {p: i["transfer_bytes"] for p, i in chapters.items() if i["transfer_bytes"] > PAGE_BUDGET},
        "own_over": {p: i["own_bytes"] for p, i in chapters.items() if i["own_bytes"] > PAGE_BUDGET},
        "ok": all(i["transfer_bytes"] <= PAGE_BUDGET for i in chapters.values()),
    }
