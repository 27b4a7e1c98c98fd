"""Accessibility of every page of the built site.

- axe-core (through axe-playwright-python) on each page once its charts are drawn:
  any violation of impact "serious" or "critical" fails, with the rule, its impact
  and the first offending nodes.
- The keyboard: the first Tab lands on the theme's skip link, which leads into the
  main content, and tabbing through the page reaches every visible link of the
  main content.
- Charts: every chart container is a labelled image (role="img") whose
  aria-label carries the chart's title words, so a screen reader announces the
  chart a sighted reader sees, then its description and its sources.
- Page metadata: language, title, viewport.
"""
from __future__ import annotations

import json
import re

from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

FAILING_IMPACTS = ("serious", "critical")
NODES_SHOWN = 3
# Visible links of the main article; the "#" permalinks beside headings (a.headerlink)
# are a pointer affordance the theme hides (visibility: hidden) until hover.
CONTENT_LINKS = """
() => Array.from(document.querySelectorAll("main article a[href]:not(.headerlink)"))
  .filter((a) => a.checkVisibility({ visibilityProperty: true }) && a.tabIndex >= 0)
  .map((a, index) => { a.dataset.nkKeyboard = String(index); return a.getAttribute("href"); })
"""
# Records, in the page, which marked links receive focus and whether focus has come
# back round to the start (body or the skip link); returns how many elements could take focus.
FOCUS_RECORDER = """
() => {
  window.__nkFocused = new Set();
  window.__nkWrapped = false;
  document.addEventListener("focusin", (event) => {
    const mark = event.target.dataset ? event.target.dataset.nkKeyboard : undefined;
    if (mark !== undefined) window.__nkFocused.add(mark);
    if (event.target.matches(".skip-link, a[href='#main-content']") && !event.target.closest("main")) {
      window.__nkWrapped = true;
    }
  });
  return document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]").length;
}
"""
ACTIVE = """
() => {
  const e = document.activeElement;
  return { tag: e.tagName, mark: e.dataset ? e.dataset.nkKeyboard ?? null : null,
           inMain: !!e.closest("main"), text: (e.innerText || e.getAttribute("aria-label") || "").trim().slice(0, 60),
           href: e.getAttribute("href") };
}
"""


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def format_violation(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']} [{len(violation['nodes'])} node(s)]"]
    for node in violation["nodes"][:NODES_SHOWN]:
        snippet = " ".join(node.get("html", "").split())[:200]
        summary = " ".join(node.get("failureSummary", "").split())[:300]
        lines.append(f"    {', '.join(map(str, node['target']))}: {snippet}\n      {summary}")
    return "\n".join(lines)


def test_axe_finds_no_serious_violations(open_page, pages, subtests):
    axe = Axe()
    for path in pages:
        with subtests.test(page=path):
            visit = open_page(path)
            results = axe.run(visit.page)
            failing = [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]
            assert not failing, f"{path} ({visit.page.url}):\n" + "\n".join(map(format_violation, failing))


def test_keyboard_reaches_the_main_content(open_page, pages, subtests):
    """Skip link first; then Tab through the page reaches every visible main-content link."""
    for path in pages:
        with subtests.test(page=path):
            visit = open_page(path, fresh=True)  # nothing focused or clicked yet
            page = visit.page
            links = page.evaluate(CONTENT_LINKS)
            page.keyboard.press("Tab")
            first = page.evaluate(ACTIVE)
            assert first["tag"] == "A" and "skip" in first["text"].lower(), (
                f"{path}: the first Tab does not land on a skip link: {first}"
            )
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            after_skip = page.evaluate(ACTIVE)
            assert after_skip["inMain"], f"{path}: the skip link does not lead into <main>: {after_skip}"

            # Tab through the whole page once; the page records what gets focus.
            budget = page.evaluate(FOCUS_RECORDER) + 20
            reached = {after_skip["mark"]} if after_skip["mark"] is not None else set()
            presses = 0
            while presses < budget:
                for _ in range(25):
                    page.keyboard.press("Tab")
                presses += 25
                state = page.evaluate("() => ({ marks: [...window.__nkFocused], wrapped: window.__nkWrapped })")
                reached.update(state["marks"])
                if state["wrapped"] or len(reached) >= len(links):
                    break
            missed = [href for index, href in enumerate(links) if str(index) not in reached]
            assert not missed, (
                f"{path}: after {presses} Tab presses, {len(missed)} of {len(links)} main-content links "
                f"were never focused, e.g. {missed[:10]}"
            )


def chart_title(spec: dict) -> str:
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text or "")


def test_every_chart_is_a_labelled_image_with_its_title(open_page, chart_pages, site, subtests):
    for path in chart_pages:
        with subtests.test(page=path):
            page = open_page(path).page
            charts = page.evaluate(
                """Array.from(document.querySelectorAll("div.nk-chart")).map((div) => ({
                    id: div.id, role: div.getAttribute("role"), label: div.getAttribute("aria-label") || "",
                    spec: document.getElementById(div.dataset.spec).textContent,
                    svgHidden: (div.querySelector("svg") || {getAttribute: () => null}).getAttribute("aria-hidden"),
                }))"""
            )
            problems = []
            for chart in charts:
                title = chart_title(json.loads(chart["spec"]))
                if chart["role"] != "img":
                    problems.append(f"#{chart['id']}: role={chart['role']!r}, expected 'img'")
                if not title:
                    problems.append(f"#{chart['id']}: the chart has no title")
                missing = words(title) - words(chart["label"])
                if missing:
                    problems.append(f"#{chart['id']}: aria-label lacks title words {sorted(missing)}: {chart['label']!r}")
                if not re.search(r"\b(Sources|Data): \S", chart["label"]):
                    problems.append(f"#{chart['id']}: aria-label does not say where the data come from: {chart['label']!r}")
                if len(chart["label"]) < 40:
                    problems.append(f"#{chart['id']}: aria-label too short to describe the chart: {chart['label']!r}")
                if chart["svgHidden"] != "true":
                    problems.append(f"#{chart['id']}: the drawn SVG is not aria-hidden (the container is the image)")
            assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_every_page_declares_language_title_and_viewport(site, pages):
    problems = []
    for path in pages:
        soup = BeautifulSoup((site.root_dir / path).read_text(encoding="utf-8"), "html.parser")
        if not (soup.html and soup.html.get("lang")):
            problems.append(f"{path}: no <html lang>")
        if not (soup.title and soup.title.get_text(strip=True)):
            problems.append(f"{path}: no <title>")
        if soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)}) is None and not soup.find(
            "meta", attrs={"name": "viewport"}
        ):
            problems.append(f"{path}: no viewport <meta>")
    assert not problems, "\n".join(problems)
