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
