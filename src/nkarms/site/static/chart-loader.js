// Draws every report chart on the page. Bundled by vl-convert together with
// vega-embed (as `vegaEmbed`) into one runtime file, served from _static.
// Specs sit in <script type="application/json"> blocks, which a strict
// Content-Security-Policy allows because they are data, not code.
// `ast: true` makes vega-embed evaluate chart expressions with its bundled
// vega-interpreter instead of the Function constructor, so the page's CSP
// needs no 'unsafe-eval'.
// The container is role="img" with an aria-label (title and description),
// written into the page by the build. Vega replaces both on the element it
// draws into (role="graphics-document", aria-label = description only), so
// they are put back once the chart is drawn, and the drawn SVG is hidden from
// assistive technology: its parts would be read as dozens of unlabelled graphics.
function drawCharts() {
  const containers = document.querySelectorAll("div.nk-chart");
  const pending = Array.from(containers).map((div) => {
    const role = div.getAttribute("role");
    const label = div.getAttribute("aria-label");
    // Inside the promise chain, so that a missing or broken spec fails this chart alone.
    return Promise.resolve()
      .then(() => {
        const spec = JSON.parse(document.getElementById(div.dataset.spec).textContent);
        return vegaEmbed(div, spec, { actions: false, renderer: "svg", mode: "vega", ast: true });
      })
      .then(() => {
        if (role) div.setAttribute("role", role);
        if (label) div.setAttribute("aria-label", label);
        div.removeAttribute("aria-roledescription");
        const svg = div.querySelector("svg");
        if (svg) svg.setAttribute("aria-hidden", "true");
        div.dataset.rendered = "true";
      })
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
