// Draws every report chart on the page. Bundled by vl-convert together with
// vega-embed (as `vegaEmbed`) into one runtime file, served from _static.
// Specs sit in <script type="application/json"> blocks, which a strict
// Content-Security-Policy allows because they are data, not code.
function drawCharts() {
  const containers = document.querySelectorAll("div.nk-chart");
  const pending = Array.from(containers).map((div) => {
    const specNode = document.getElementById(div.dataset.spec);
    const spec = JSON.parse(specNode.textContent);
    return vegaEmbed(div, spec, { actions: false, renderer: "svg", mode: "vega" })
      .then(() => { div.dataset.rendered = "true"; })
      .catch((error) => {
        div.dataset.rendered = "error";
        div.textContent = "This chart could not be drawn: " + error.message;
        console.error(error);
      });
  });
  Promise.all(pending).then(() => { document.documentElement.dataset.chartsRendered = "true"; });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", drawCharts);
} else {
  drawCharts();
}
