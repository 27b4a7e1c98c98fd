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
from pathlib import Path

import pytest

WIDTHS = {390: 844, 1440: 900}  # viewport width: height (a phone, a desktop; conftest's default size)

PROBES = Path(__file__).with_name("layout-probes")
# Functions evaluated in the page; JavaScript lives in files, not in Python strings.
# Page width, elements past the viewport's right edge, and each chart's width against its container.
LAYOUT = (PROBES / "layout.js").read_text(encoding="utf-8")
# Per page, what a reader would see as broken; each list holds offences as short strings.
READING = (PROBES / "reading.js").read_text(encoding="utf-8")


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
