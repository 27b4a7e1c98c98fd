// What the JupyterLab test (tests/jupyterlab_driver.py) asks of JupyterLab's page.
// Injected into every document before JupyterLab's own scripts (Playwright's
// add_init_script); the driver calls window.nkLab.* from page.evaluate and
// page.wait_for_function. JupyterLab is started with
// --LabApp.expose_app_in_browser, which gives the page window.jupyterapp.
"use strict";

window.nkLab = (() => {
  // JupyterLab's vega5 renderer: the output widget has class jp-RenderedVega5. A
  // chart is drawn when vega has made its marks (a canvas or an svg with class
  // "marks"), at a non-zero size. `.vega-embed svg` alone would also match the
  // icon of vega-embed's actions menu, which is there even when the chart failed.
  const VEGA_OUTPUT = ".jp-RenderedVega5";
  const CHART_MARKS = `${VEGA_OUTPUT} .vega-embed canvas.marks, ${VEGA_OUTPUT} .vega-embed svg.marks`;
  const ERROR_OUTPUTS = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]';
  const STDERR_OUTPUTS = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]';
  const OUTPUT_ITEMS = ".jp-Notebook .jp-OutputArea-child";
  const STORED = "[data-nk-stored]";

  const all = (selector) => [...document.querySelectorAll(selector)];
  const panel = () => window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernelOf = (p) => p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel;
  const codeCells = (p) => p.content.widgets.filter((cell) => cell.model.type === "code");

  return {
    chartsDrawn: (minimum) => all(CHART_MARKS).filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    }).length >= minimum,
    chartMarks: () => all(CHART_MARKS).length,
    vegaOutputTexts: () => all(VEGA_OUTPUT).map((el) => el.innerText.slice(0, 300)),
    kernelIdle: () => {
      const kernel = kernelOf(panel());
      return !!kernel && kernel.status === "idle";
    },
    // Marks what is on the page before Run All, so that runAllDone can tell old outputs from new.
    markStored: () => all(`${CHART_MARKS}, ${OUTPUT_ITEMS}`).forEach((el) => { el.dataset.nkStored = "1"; }),
    restartAndRunAll: () => { void window.jupyterapp.commands.execute("notebook:restart-run-all"); },
    // Run All is over when no output from before it is left (a code cell clears its
    // outputs when it starts), no cell is waiting or running ("[*]"), every code cell
    // has an execution count and the kernel is idle.
    runAllDone: () => {
      const kernel = kernelOf(panel());
      const cells = codeCells(panel());
      return !!kernel && kernel.status === "idle"
        && all(STORED).length === 0
        && cells.length > 0
        && cells.every((cell) => typeof cell.model.executionCount === "number"
          && !cell.node.querySelector(".jp-InputPrompt").textContent.includes("*"));
    },
    inputPrompts: () => all(".jp-CodeCell .jp-InputPrompt").map((el) => el.textContent.trim()),
    executionCounts: () => codeCells(panel()).map((cell) => cell.model.executionCount),
    errorTexts: () => [
      ...all(ERROR_OUTPUTS).map((el) => el.innerText),
      ...all(STDERR_OUTPUTS).map((el) => el.innerText).filter((text) => text.includes("Traceback")),
    ].map((text) => text.slice(0, 3000)),
  };
})();
