"""The browser side of test_jupyterlab.py, run in a child process: ``python tests/jupyterlab_driver.py '<json>'``.

It opens a notebook in JupyterLab in Debian's Chromium (:mod:`nkarms.site.browser`),
checks that the stored charts draw, runs Kernel > Restart Kernel and Run All Cells…,
and checks the charts draw again. Every request that leaves 127.0.0.1 is blocked and
recorded. It announces each step, with its time limit, as a JSON line on stdout, and
ends with one JSON line: ``{"done": true, ...}`` or ``{"failure": "...", ...}``. The
test kills it when a step overruns (see test_jupyterlab.py for why). What it asks of
the page is in ``jupyterlab-probes.js``.
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROBES = Path(__file__).with_name("jupyterlab-probes.js")
STEP_TIMEOUT = 30  # seconds, for each step in the browser
RUN_ALL_TIMEOUT = 90


class Failure(Exception):
    pass


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


def say(**message: Any) -> None:
    print(json.dumps(message), flush=True)


def step(name: str, timeout: float = STEP_TIMEOUT) -> None:
    say(step=name, timeout=timeout)


def drive(notebook_url: str, expected_charts: int) -> None:
    """Open the notebook, check its stored charts, Run All, check again; report as JSON lines."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from nkarms.site import browser as chromium

    external: list[str] = []
    page_errors: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(path=str(PROBES))
            context.route("**/*", lambda route: route.continue_() if is_local(route.request.url)
                          else route.abort("blockedbyclient"))
            page = context.new_page()
            page.set_default_timeout(STEP_TIMEOUT * 1000)
            page.set_default_navigation_timeout(STEP_TIMEOUT * 1000)
            page.on("request", lambda request: None if is_local(request.url) else external.append(request.url))
            page.on("websocket", lambda ws: None if is_local(ws.url) else external.append(ws.url))
            page.on("pageerror", lambda error: page_errors.append(str(error)))

            def wait_for_charts(what: str) -> None:
                try:
                    page.wait_for_function("(minimum) => window.nkLab.chartsDrawn(minimum)", arg=expected_charts)
                except PlaywrightError as error:
                    outputs = page.evaluate("() => window.nkLab.vegaOutputTexts()")
                    drawn = page.evaluate("() => window.nkLab.chartMarks()")
                    raise Failure(
                        f"{what}: expected at least {expected_charts} Vega charts drawn natively by JupyterLab, "
                        f"found {drawn}. The Vega outputs on the page ({len(outputs)}), as text: {outputs}"
                    ) from error

            step("open the notebook")
            page.goto(notebook_url, wait_until="domcontentloaded")
            page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(state="attached")

            # 1. The stored outputs, as opened: charts drawn natively by JupyterLab's vega5 renderer.
            step("draw the stored charts")
            wait_for_charts("the stored outputs, as opened")
            step("wait for the kernel")
            page.wait_for_function("() => window.nkLab.kernelIdle()")
            page.evaluate("() => window.nkLab.markStored()")

            # 2. Kernel > Restart Kernel and Run All Cells…, confirmed in its dialog.
            step("start Restart Kernel and Run All Cells")
            page.evaluate("() => window.nkLab.restartAndRunAll()")
            page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
            page.locator(".jp-Dialog").wait_for(state="detached")
            step("run all cells", RUN_ALL_TIMEOUT)
            try:
                page.wait_for_function("() => window.nkLab.runAllDone()", timeout=RUN_ALL_TIMEOUT * 1000)
            except PlaywrightError as error:
                prompts = page.evaluate("() => window.nkLab.inputPrompts()")
                raise Failure(f"Run All did not finish within {RUN_ALL_TIMEOUT}s; prompts: {prompts}") from error
            step("check the new outputs")
            counts = page.evaluate("() => window.nkLab.executionCounts()")
            if counts != list(range(1, len(counts) + 1)):
                raise Failure(f"the code cells did not run once each, in order: execution counts {counts}")
            errors = page.evaluate("() => window.nkLab.errorTexts()")
            if errors:
                raise Failure("Run All produced error output:\n\n" + "\n\n".join(errors))

            # 3. The charts are drawn again, from the new outputs.
            step("draw the new charts")
            wait_for_charts("the new outputs, after Run All")
            step("close the browser")
            context.close()
            browser.close()
    except Failure as failure:
        say(failure=str(failure), external=external, page_errors=page_errors)
        return
    except Exception:  # noqa: BLE001 -- any other error is reported by the test, with its traceback
        say(failure=traceback.format_exc(), external=external, page_errors=page_errors)
        return
    say(done=True, external=external, page_errors=page_errors)


if __name__ == "__main__":
    drive(**json.loads(sys.argv[1]))
    sys.exit(0)
