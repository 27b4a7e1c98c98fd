"""Every page fits a phone and a desktop screen: no sideways scrolling, no chart wider than its column.

Full-page screenshots of every page at each width are written next to the build,
to ``<tmp project>/screenshots/<width>/`` (see the test output for the path); they
are for looking at, not compared, and never committed.
"""
from __future__ import annotations

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
