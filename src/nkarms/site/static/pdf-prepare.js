// Turns the single-page build into the printed report: marks the chapters,
// adds the cover and the contents, rewrites links for paper, and adds the named
// @page rules that give each chapter its running header. print.css does the rest.
//
// nkarms.site.pdf loads this file into the page (Playwright's add_script_tag),
// then calls window.nkPdf.chartsDone / failedCharts while the charts draw,
// prepare({cover, chapters, baseurl}) once, and fillPages(pages) before each print.
"use strict";

window.nkPdf = (() => {
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const headingText = (h) => {
    const copy = h.cloneNode(true);
    copy.querySelectorAll(".headerlink, .nk-chapter-label").forEach((n) => n.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  // Every chapter of _toc.yml gets a class, a named page and a destination id
  // on its title (which the contents link to and pdfinfo -dests reports).
  function markChapters(article, chapters) {
    const found = [];
    const missing = [];
    chapters.forEach((chapter, index) => {
      let section;
      if (index === 0) {
        section = article.querySelector("section");
      } else {
        const marker = document.getElementById("document-" + chapter.docname);
        section = marker && marker.nextElementSibling;
        // The marker (a link target) sits between two chapters, on the root page's
        // named page, and would print as an empty page: move it into its chapter.
        if (section && section.tagName === "SECTION") section.prepend(marker);
      }
      const heading = section && section.querySelector(":scope > h1, :scope > h2");
      if (!section || section.tagName !== "SECTION" || !heading) { missing.push(chapter.docname); return; }
      const id = "nk-chapter-" + index;
      section.classList.add("nk-chapter");
      section.dataset.nkPage = id;
      heading.id = id;
      heading.classList.add("nk-chapter-title");
      const title = headingText(heading);
      if (chapter.number !== null) {
        heading.prepend(el("span", "nk-chapter-label", "Chapter " + chapter.number));
      }
      found.push({...chapter, id, title});
    });
    return {found, missing};
  }

  // Bare links (text = address) do not need their address printed after them.
  function markBareLinks(article) {
    article.querySelectorAll('a[href^="http"]').forEach((a) => {
      const text = a.textContent.trim().replace(/\/$/, "");
      if (a.href.replace(/\/$/, "") === text || a.getAttribute("href").replace(/\/$/, "") === text) {
        a.classList.add("nk-bare-url");
      }
    });
  }

  // Links to other files of the site would point at the temporary local server:
  // a link to a place in the report becomes a link within the PDF; a link to a
  // file becomes a link to the published site (html.baseurl in _config.yml) or,
  // without one, plain text.
  function rewriteLocalLinks(baseurl) {
    document.querySelectorAll("a[href]").forEach((a) => {
      const raw = a.getAttribute("href");
      if (/^(https?:|mailto:|#)/i.test(raw)) return;
      const url = new URL(a.href);
      if (url.origin !== location.origin) return;
      const target = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (target) {
        a.setAttribute("href", url.hash);
      } else if (baseurl) {
        a.setAttribute("href", new URL(url.pathname.replace(/^\//, "") + url.search + url.hash, baseurl).href);
      } else {
        a.replaceWith(...a.childNodes);
      }
    });
  }

  // A table longer than a few pages (the list of every source) prints compact
  // (print.css) with each link's address in its cell: a chapter-end list of
  // hundreds of numbered addresses would double its length.
  const LONG_TABLE_ROWS = 100;
  function compactLongTables(article) {
    article.querySelectorAll("table").forEach((table) => {
      // The claims explorer prints its own compact way (claims-explorer.css).
      if (table.closest(".nk-explorer")) return;
      if (table.tBodies.length === 0 || table.tBodies[0].rows.length <= LONG_TABLE_ROWS) return;
      table.classList.add("nk-compact-table");
      table.querySelectorAll('td a[href^="http"]').forEach((a) => {
        a.textContent = a.getAttribute("href");
        a.classList.add("nk-bare-url");
        if (a.parentElement.childNodes.length === 1) a.parentElement.classList.add("nk-link-cell");
      });
    });
  }

  // On paper a link is its address. Each chapter lists the addresses it links
  // to at its end, numbered; the text keeps a small number after the link.
  function addLinkNotes(chapter) {
    const section = document.querySelector(`section[data-nk-page="${chapter.id}"]`);
    const links = Array.from(section.querySelectorAll('a[href^="http"]'))
      .filter((a) => a.closest("section.nk-chapter") === section && !a.classList.contains("nk-bare-url"));
    if (!links.length) return;
    const numbers = new Map();
    links.forEach((a) => {
      const href = a.getAttribute("href");  // as the source gives it, not as the browser normalises it
      if (!numbers.has(href)) numbers.set(href, numbers.size + 1);
      a.classList.add("nk-noted");
      a.after(el("sup", "nk-link-mark", String(numbers.get(href))));
    });
    const notes = el("div", "nk-link-notes");
    notes.append(el("p", "nk-link-notes-heading", "Web addresses cited in this chapter"));
    const list = el("ol");
    numbers.forEach((n, href) => {
      const link = el("a", "nk-bare-url", href);
      link.href = href;
      const item = el("li");
      item.value = n;
      item.append(link);
      list.append(item);
    });
    notes.append(list);
    const nested = section.querySelector(":scope > .toctree-wrapper");
    if (nested) section.insertBefore(notes, nested); else section.append(notes);
  }

  function coverPage(cover) {
    const node = el("section", "nk-cover");
    node.append(
      el("p", "nk-cover-kicker", cover.author),
      el("h1", "nk-cover-title", cover.title),
      el("p", "nk-cover-subtitle", cover.subtitle),
    );
    const facts = el("dl", "nk-cover-facts");
    [["Data as of", cover.data_date], ["Version", cover.version]].forEach(([k, v]) => {
      facts.append(el("dt", null, k), el("dd", null, v));
    });
    // The addresses only when the build knows them: a local build names none.
    [["Online", cover.site_url], ["Data", cover.data_url]].filter(([, url]) => url).forEach(([k, url]) => {
      const link = el("a", "nk-bare-url", url);
      link.href = url;
      const value = el("dd");
      value.append(link);
      facts.append(el("dt", null, k), value);
    });
    node.append(facts);
    return node;
  }

  // Page numbers stay empty until fillPages knows them from the first print.
  function contents(found) {
    const nav = el("nav", "nk-toc");
    nav.setAttribute("aria-label", "Contents");
    nav.append(el("h1", "nk-toc-heading", "Contents"));
    const list = el("ol", "nk-toc-list");
    found.forEach((chapter) => {
      const link = el("a", "nk-toc-entry");
      link.href = "#" + chapter.id;
      link.append(
        el("span", "nk-toc-number", chapter.number === null ? "" : String(chapter.number)),
        el("span", "nk-toc-title", chapter.title),
        el("span", "nk-toc-page", ""),
      );
      link.lastChild.dataset.target = chapter.id;
      const item = el("li");
      item.append(link);
      list.append(item);
    });
    nav.append(list);
    return nav;
  }

  // The running header: the report's title on the left, the chapter on the right;
  // the footer: the site's address, when known, left of the page number.
  function pageRules(cover, found) {
    const quote = (s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
    const footer = cover.site_url ? ` @bottom-left { content: ${quote(cover.site_url)}; }` : "";
    const rules = [
      `@page { @top-left { content: ${quote(cover.title)}; }${footer} }`,
      ...found.map((c) => {
        const label = (c.number === null ? "" : c.number + "  ") + c.title;
        return `@page ${c.id} { @top-right { content: ${quote(label)}; } }\n` +
               `section[data-nk-page="${c.id}"] { page: ${c.id}; }`;
      }),
    ];
    const style = el("style", null, "@media print {\n" + rules.join("\n") + "\n}");
    style.id = "nk-print-pages";
    return style;
  }

  function prepare({cover, chapters, baseurl}) {
    const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
    const {found, missing} = markChapters(article, chapters);
    if (missing.length) return {missing};
    markBareLinks(article);
    rewriteLocalLinks(baseurl);
    compactLongTables(article);
    found.forEach(addLinkNotes);
    // Lazy images would be missing from the print.
    document.querySelectorAll("img[loading=lazy]").forEach((img) => { img.loading = "eager"; });
    // First in <body>: anything before the cover's named page would print as a blank page.
    document.body.prepend(coverPage(cover), contents(found));
    // Before print.css, so that its rules for the cover page (no header) win.
    document.head.prepend(pageRules(cover, found));
    document.title = cover.title + (cover.subtitle ? ": " + cover.subtitle : "");
    return {chapters: found};
  }

  function fillPages(pages) {
    document.querySelectorAll(".nk-toc-page").forEach((span) => {
      span.textContent = String(pages[span.dataset.target] ?? "");
    });
  }

  const chartsDone = () => !document.querySelector("div.nk-chart")
    || document.documentElement.dataset.chartsRendered === "true";

  const failedCharts = () => Array.from(document.querySelectorAll("div.nk-chart"))
    .filter((d) => d.dataset.rendered !== "true" || !d.querySelector("svg, canvas"))
    .map((d) => `${d.id} (${d.getAttribute("aria-label") || "no description"}): ${d.textContent.trim() || "nothing drawn"}`);

  return {prepare, fillPages, chartsDone, failedCharts};
})();
