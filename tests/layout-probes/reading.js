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
