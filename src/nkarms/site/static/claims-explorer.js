// The claims explorer (nkarms.story.explorer): dropdowns that filter the table of every claim.
// Each row lists the values it can be filtered by in data- attributes, as space-separated
// tokens (a one-sided claim is "count bound"). The dropdowns are written hidden, so that
// where no script runs (JupyterLab, print) the whole table shows; this script shows them,
// hides the rows that do not match every chosen value, and says how many rows remain.
function setUpExplorer(root) {
  const selects = Array.from(root.querySelectorAll("select[data-filter]"));
  const rows = Array.from(root.querySelectorAll("tbody tr"));
  const count = root.querySelector(".nk-explorer-count");
  const noun = (n) => (n === 1 ? "claim" : "claims");
  function apply() {
    let shown = 0;
    for (const row of rows) {
      const match = selects.every((select) => !select.value
        || (row.dataset[select.dataset.filter] || "").split(" ").includes(select.value));
      row.hidden = !match;
      if (match) shown += 1;
    }
    count.textContent = shown === rows.length
      ? `Showing all ${rows.length} ${noun(rows.length)}.`
      : `Showing ${shown} of ${rows.length} ${noun(rows.length)}.`;
  }
  selects.forEach((select) => select.addEventListener("change", apply));
  root.querySelector("button[data-reset]").addEventListener("click", () => {
    selects.forEach((select) => { select.value = ""; });
    apply();
  });
  root.querySelector(".nk-explorer-controls").hidden = false;
  count.hidden = false;
  apply();
}
function setUpExplorers() {
  document.querySelectorAll("div.nk-explorer").forEach(setUpExplorer);
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setUpExplorers);
} else {
  setUpExplorers();
}
