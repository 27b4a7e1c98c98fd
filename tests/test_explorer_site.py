"""The claims explorer on the built site: its filters work in the browser, offline, under the page's CSP.

The unit tests (tests/test_explorer.py) check the table and its options; this
checks what only a browser shows: the script runs, the dropdowns appear, a
choice hides exactly the rows that do not hold it, choices combine, and
"Show all" brings every row back. The expected rows are counted from the
rows' own data attributes, not from the script.
"""
from __future__ import annotations

PAGE = "chapters/11-claims-explorer.html"

VISIBLE_ROWS = "() => Array.from(document.querySelectorAll('div.nk-explorer tbody tr')).filter((r) => !r.hidden).length"
ROWS_WITH = """([name, token]) => Array.from(document.querySelectorAll('div.nk-explorer tbody tr'))
  .filter((r) => r.dataset[name].split(' ').includes(token)).length"""
ROWS_WITH_BOTH = """([a, b]) => Array.from(document.querySelectorAll('div.nk-explorer tbody tr'))
  .filter((r) => r.dataset[a[0]].split(' ').includes(a[1]) && r.dataset[b[0]].split(' ').includes(b[1])).length"""


def test_the_filters_narrow_combine_and_reset(open_page) -> None:
    visit = open_page(PAGE, fresh=True)
    page = visit.page
    assert not visit.load_problems, visit.load_problems
    since = visit.checkpoint()
    total = page.locator("div.nk-explorer tbody tr").count()
    assert total > 0
    assert page.is_visible("div.nk-explorer-controls")
    assert page.inner_text("p.nk-explorer-count") == f"Showing all {total} claims."

    page.select_option("select[data-filter=kind]", "bound")
    bounds = page.evaluate(ROWS_WITH, ["kind", "bound"])
    assert 0 < bounds < total
    assert page.evaluate(VISIBLE_ROWS) == bounds
    assert page.inner_text("p.nk-explorer-count") == f"Showing {bounds} of {total} claims."

    quantity = page.eval_on_selector("div.nk-explorer tbody tr[data-kind~=bound]", "(row) => row.dataset.quantity")
    page.select_option("select[data-filter=quantity]", quantity)
    both = page.evaluate(ROWS_WITH_BOTH, [["kind", "bound"], ["quantity", quantity]])
    assert 0 < both <= bounds
    assert page.evaluate(VISIBLE_ROWS) == both

    page.click("button[data-reset]")
    assert page.evaluate(VISIBLE_ROWS) == total
    assert page.input_value("select[data-filter=kind]") == ""
    assert not visit.problems(since), visit.problems(since)
