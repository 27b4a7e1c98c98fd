"""Every page fits a phone and a desktop screen, and reads well on both.

At 390 px and 1440 px, on every page: nothing extends past the viewport; every
chart is at least 90% of the text column's width (or, where smaller, as wide as
it needs); no table cell breaks a word inside itself; no year or resolution
number carries a thousands separator; no two labels of a chart (axis labels,
map labels) overlap. Statically, over every chart spec of the build: every
series has a colour of its own.

Full-page screenshots of every page at each width are written next to the build,
to ``<tmp project>/screenshots/<width>/`` (see the test output for the path); they
are for looking at, not compared, and never committed.
"""
from __future__ import annotations

import json

import pytest

WIDTHS = {390: 844, 1440: 900}  # viewport width: height (a phone, a desktop; conftest's default size)

LAYOUT = """
() => {
  const root = document.scrollingElement;
  const overflowing = Array.from(document.querySelectorAll("body *"))
    .filter((e) => !(e.ownerSVGElement) && e.checkVisibility())
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")} `
                + `(right edge ${Math.round(e.getBoundingClientRect().right)}px)`);
  const charts = Array.from(document.querySelectorAll("div.nk-chart")).map((div) => {
    const svg = div.querySelector("svg");
    return { id: div.id, container: div.getBoundingClientRect().width,
             svg: svg ? svg.getBoundingClientRect().width : null };
  });
  return { scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, overflowing, charts };
}
"""


# Per page, what a reader would see as broken; each list holds offences as short strings.
READING = r"""
() => {
  const content = document.querySelector("article.bd-article") || document.querySelector("main");
  const style = getComputedStyle(content);
  const column = content.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const narrow = [];
  for (const div of document.querySelectorAll("div.nk-chart")) {
    const svg = div.querySelector("svg");
    if (svg && svg.getBoundingClientRect().width < 0.9 * column) {
      narrow.push(`#${div.id}: ${Math.round(svg.getBoundingClientRect().width)}px of a ${Math.round(column)}px column`);
    }
  }
  const broken = [];
  const separated = [];
  for (const table of document.querySelectorAll("table")) {
    const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.innerText.trim());
    for (const row of table.querySelectorAll("tr")) {
      Array.from(row.children).forEach((cell, index) => {
        const head = heads[index] || "";
        if (/year|resolution/i.test(head) && cell.tagName === "TD" && /\d,\d{3}/.test(cell.innerText)) {
          separated.push(`${head}: ${cell.innerText.trim()}`);
        }
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const match of node.data.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (tops.size > 1) broken.push(`${head}: "${match[0]}"`);
          }
        }
      });
    }
  }
  const prose = (content.innerText.match(/\b(?:resolutions?|years?|in|since)\s+\d{1,2},\d{3}\b/gi) || []);
  const overlaps = [];
  const clash = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const div of document.querySelectorAll("div.nk-chart")) {
    const boxes = (group) => Array.from(group.querySelectorAll("text"))
      .filter((t) => t.textContent.trim() && getComputedStyle(t).opacity !== "0" && t.getAttribute("opacity") !== "0")
      .map((t) => ({ text: t.textContent, rect: t.getBoundingClientRect() }));
    const axisGroups = Array.from(div.querySelectorAll("g.role-axis-label")).map(boxes);
    const mapLabels = Array.from(div.querySelectorAll("g.mark-text.role-mark")).flatMap(boxes);
    for (const labels of [...axisGroups, mapLabels]) {
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          if (clash(labels[i].rect, labels[j].rect)) overlaps.push(`#${div.id}: "${labels[i].text}" / "${labels[j].text}"`);
        }
      }
    }
  }
  if (/\d,\d{3}/.test(Array.from(document.querySelectorAll("div.nk-chart g.role-axis"))
      .filter((axis) => /year/i.test((axis.querySelector("g.role-axis-title") || {}).textContent || ""))
      .map((axis) => axis.querySelector("g.role-axis-label").textContent).join(" "))) {
    separated.push("a chart axis of years shows a thousands separator");
  }
  return { narrow, broken: broken.slice(0, 8), separated: [...separated, ...prose].slice(0, 8), overlaps: overlaps.slice(0, 8) };
}
"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_pages_read_well(open_page, pages, subtests, width):
    """Charts fill the column, table words stay whole, years carry no separator, labels never collide."""
    for path in pages:
        with subtests.test(page=path, width=width):
            found = open_page(path, width=width, height=WIDTHS[width]).page.evaluate(READING)
            problems = [f"{kind}: {item}" for kind, items in found.items() for item in items]
            assert not problems, f"{path} at {width}px:\n  " + "\n  ".join(problems)


def colour_scales(spec: object) -> list[dict]:
    """Every ordinal colour scale of a compiled Vega spec, however deeply the chart nests."""
    found = []
    if isinstance(spec, dict):
        for scale in spec.get("scales", []):
            if "color" in scale.get("name", "").lower() and scale.get("type") == "ordinal":
                found.append(scale)
        for value in spec.values():
            found += colour_scales(value) if isinstance(value, (dict, list)) else []
    elif isinstance(spec, list):
        for value in spec:
            found += colour_scales(value)
    return found


def test_every_series_has_a_colour_of_its_own(site, chart_pages, subtests):
    """Each colour scale lists its series and as many distinct colours, so Vega never reuses one."""
    from bs4 import BeautifulSoup

    scales_seen = 0
    for path in chart_pages:
        with subtests.test(page=path):
            soup = BeautifulSoup((site.root_dir / path).read_text(encoding="utf-8"), "html.parser")
            problems = []
            for div in soup.select("div.nk-chart"):
                spec = json.loads(soup.find(id=div["data-spec"]).string)
                for scale in colour_scales(spec):
                    scales_seen += 1
                    domain, colours = scale.get("domain"), scale.get("range")
                    if not isinstance(domain, list) or not isinstance(colours, list):
                        problems.append(f"#{div['id']} {scale['name']}: domain or range not explicit ({domain!r}, {colours!r})")
                    elif len(set(colours)) < len(colours) or len(domain) > len(colours):
                        problems.append(f"#{div['id']} {scale['name']}: {len(domain)} series, colours {colours}")
            assert not problems, f"{path}:\n  " + "\n  ".join(problems)
    assert scales_seen, "no chart of the build has a colour scale: the test would pass by finding none"


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_pages_fit_the_screen(open_page, pages, site, subtests, width):
    shots = site.project_dir / "screenshots" / str(width)
    shots.mkdir(parents=True, exist_ok=True)
    for path in pages:
        with subtests.test(page=path, width=width):
            visit = open_page(path, width=width, height=WIDTHS[width])
            page = visit.page
            page.screenshot(path=str(shots / (path.replace("/", "__") + ".png")), full_page=True)
            layout = page.evaluate(LAYOUT)
            problems = []
            if layout["scrollWidth"] > layout["innerWidth"] + 1:
                problems.append(
                    f"the page scrolls sideways: scrollWidth {layout['scrollWidth']} > innerWidth "
                    f"{layout['innerWidth']}; widest offenders: {layout['overflowing']}"
                )
            for chart in layout["charts"]:
                if chart["svg"] is None:
                    problems.append(f"#{chart['id']}: no <svg> drawn")
                elif chart["svg"] > chart["container"] + 1:
                    problems.append(
                        f"#{chart['id']}: svg {chart['svg']:.0f}px wider than its container {chart['container']:.0f}px"
                    )
            assert not problems, f"{path} at {width}px (screenshot in {shots}):\n  " + "\n  ".join(problems)
