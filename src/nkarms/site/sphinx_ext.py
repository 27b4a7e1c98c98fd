"""Sphinx extension: the site's offline chart runtime and its Content-Security-Policy.

- The vega runtime (vega, vega-lite, vega-embed and our chart loader) is bundled
  once by vl-convert, wrapped in its own function scope so its top-level names
  cannot collide with Sphinx's globals, and served from ``_static``. Only pages
  that hold a chart load it.
- Thebe (live code on Binder) is switched off: it loads its code from a CDN,
  and the chapters are meant to be opened in JupyterLab instead.
- Every page gets a CSP ``<meta>`` that allows only the site's own resources.
  Inline scripts and the theme's two inline click handlers (print, full
  screen) are allowed by their hashes. There is no ``'unsafe-eval'``: the
  chart loader asks vega-embed for its bundled expression interpreter
  (``ast: true``) instead of compiling expressions with ``Function``.
  Styles keep ``'unsafe-inline'``: vega-embed and vega-tooltip insert
  ``<style>`` elements and Sphinx writes ``style=`` attributes; styles cannot
  run code.
- Each chart container's ``aria-label`` starts with the chart's title, then its
  description, so a screen reader announces the same chart a sighted reader sees.
- Every page has a favicon from ``_static`` (otherwise each page load logs a
  404 for ``/favicon.ico``), and the root ``index.html`` redirect that
  sphinx-external-toc writes as a bare ``<meta>`` becomes a complete page
  (language, title, CSP, a visible link to follow).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import vl_convert as vlc
from docutils import nodes
from sphinx.application import Sphinx

from nkarms.site.pages import pages

RUNTIME_NAME = "nk-charts.js"
STATIC = Path(__file__).with_name("static")
LOADER = STATIC / "chart-loader.js"
STYLESHEET = "nkarms.css"
FAVICON = STATIC / "favicon.svg"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)
EVENT_HANDLER = re.compile(r'\son[a-z]+="([^"]*)"')
# The theme's fontawesome.js (1.5 MB) swaps icon fonts for SVGs; its CSS already
# draws the same icons from the bundled web fonts, so pages do without it.
FONTAWESOME_JS = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
# The theme's layout loads Sphinx's search tools and the whole search index (135 kB) on
# every page, for search-as-you-type; with that option off (the theme's default, and
# ours) only the search page, which loads its own copies, uses them.
SEARCH_TOOLS = re.compile(r'\s*<script src="[^"]*(?:_static/searchtools|_static/language_data|searchindex)\.js"></script>')
SEARCH_PAGE = "search.html"
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
CHARSET_META = re.compile(r'<head>\s*<meta charset="[^"]*"\s*/?>\n?', re.I)
BARE_REDIRECT = re.compile(r'\s*<meta http-equiv="Refresh" content="0; url=([^"]+)" />\s*')
CHART_DIV = re.compile(r'(<div class="nk-chart" id="[^"]*" data-spec="([^"]*)" role="img" aria-label=")([^"]*)(")')
CSP_BASE = (
    "default-src 'self'; script-src 'self' 'unsafe-hashes'{hashes}; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'none'"
)


def runtime_source() -> str:
    """The chart runtime: vl-convert's bundle plus our loader, in one function scope."""
    bundle = vlc.javascript_bundle(LOADER.read_text(encoding="utf-8"))
    return f"(function () {{\n{bundle}\n}})();\n"


def runtime_key() -> str:
    """What the runtime is made from: the vl-convert release and our loader. Bundling takes seconds."""
    loader = hashlib.sha256(LOADER.read_bytes()).hexdigest()
    return f"vl-convert-python {metadata.version('vl-convert-python')}; loader {loader}\n"


def runtime_dir(outdir: Path) -> Path:
    """Where the bundled runtime is cached: beside the output folder, never inside it.

    Jupyter Book builds into ``_build/html`` and ``_build/singlehtml``, which share
    ``_build/nkarms-static``; ``make serve`` (sphinx-autobuild) builds into
    ``_build/html`` with its doctrees inside it, so the doctree folder is no guide.
    """
    return outdir.resolve().parent / "nkarms-static"


def _write_runtime(app: Sphinx, config: Any) -> None:
    static_dir = runtime_dir(Path(app.outdir))
    target, key_file = static_dir / RUNTIME_NAME, static_dir.parent / "nkarms-runtime.key"
    if not target.exists() or not key_file.exists() or key_file.read_text(encoding="utf-8") != runtime_key():
        static_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(runtime_source(), encoding="utf-8")
        key_file.write_text(runtime_key(), encoding="utf-8")
    config.html_static_path = [*config.html_static_path, str(static_dir), str(STATIC)]
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def _add_runtime(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if 'class="nk-chart"' in context.get("body", ""):
        app.add_js_file(RUNTIME_NAME, defer="defer")


# Assets of extensions Jupyter Book always loads but the report does not use:
# thebe (which would load code from a CDN), sphinx-design (no tabs, cards or grids
# here) and MathJax (no mathematics; Jupyter Book adds it from a CDN to every
# single-page build, which the PDF is printed from).
UNUSED_ASSETS = ("thebe", "sphinx-design", "design-tabs", "mathjax")


def _is_unused(asset: Any) -> bool:
    text = f"{getattr(asset, 'filename', asset)} {getattr(asset, 'attributes', {}).get('body', '')}".lower()
    return any(name in text for name in UNUSED_ASSETS)


def _drop_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    for key in ("script_files", "css_files"):
        context[key] = [asset for asset in context.get(key, []) if not _is_unused(asset)]


def _drop_thebe_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the per-page config blocks that sphinx-thebe appends."""
    for node in list(doctree.findall(nodes.raw)):
        if "x-thebe-config" in node.astext() or "kernelName =" in node.astext():
            node.parent.remove(node)


def chart_title(spec: dict[str, Any]) -> str:
    """The title text of a compiled Vega spec ('' when it has none)."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text or "")


def chart_label(spec: dict[str, Any], description: str) -> str:
    """The accessible name of a chart: its title, then its description."""
    title = chart_title(spec).strip()
    if not title or description.startswith(title):
        return description
    return f"{title.rstrip('.')}. {description}"


def _label_charts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put each chart's title in front of the description in its container's aria-label."""
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        match = CHART_DIV.search(text)
        if match is None:
            continue
        payload = re.search(
            rf'<script type="application/json" id="{re.escape(match.group(2))}">(.*?)</script>', text, re.S
        )
        if payload is None:
            continue
        spec = json.loads(payload.group(1).replace("<\\/", "</"))
        label = chart_label(spec, html.unescape(match.group(3)))
        updated = CHART_DIV.sub(
            lambda m: f"{m.group(1)}{html.escape(label, quote=True)}{m.group(4)}", text, count=1
        )
        if updated != text:
            relabelled = nodes.raw(text=updated, format=node.get("format", "html"), classes=node.get("classes", []))
            node.parent.replace(node, relabelled)


def redirect_page(target: str, title: str) -> str:
    """A complete, accessible page for the root redirect to the first chapter."""
    target = html.escape(target, quote=True)
    title = html.escape(title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Refresh" content="0; url={target}">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{target}">\n'
        # an empty icon: the browser leaves at once, so it need fetch nothing (and not /favicon.ico)
        '<link rel="icon" href="data:,">\n'
        "</head>\n"
        f'<body><main><p><a href="{target}">{title}</a></p></main></body>\n'
        "</html>\n"
    )


def content_security_policy(page: str) -> str:
    """The policy for one page: own resources only, plus the hashes of its inline scripts."""
    inline = INLINE_SCRIPT.findall(page) + [html.unescape(code) for code in EVENT_HANDLER.findall(page)]
    digests = sorted({base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() for code in inline})
    hashes = "".join(f" 'sha256-{digest}'" for digest in digests)
    return CSP_BASE.format(hashes=hashes)


def with_csp(page: str) -> str:
    """The page with exactly one CSP meta, before every script and stylesheet in <head>.

    It goes right after ``<meta charset>`` when that opens <head>: the charset
    declaration must stay within the first 1024 bytes, which a policy listing
    many script hashes would push it out of.
    """
    page = CSP_META.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(page)}">\n'
    charset = CHARSET_META.search(page)
    if charset is not None:
        return page[: charset.end()] + meta + page[charset.end():]
    return page.replace("<head>\n", "<head>\n" + meta, 1)


def without_unused_scripts(page: str, uses_search_tools: bool) -> str:
    """``page`` without the theme's scripts it never runs: fontawesome.js, and the search tools if it does not search."""
    page = FONTAWESOME_JS.sub("", page)
    return page if uses_search_tools else SEARCH_TOOLS.sub("", page)


def _apply_csp(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in pages(Path(app.outdir)):
        original = path.read_text(encoding="utf-8")
        page = original
        bare = BARE_REDIRECT.fullmatch(page)
        if bare is not None:
            page = redirect_page(bare.group(1), app.config.html_title or app.config.project)
        search_page = path.relative_to(app.outdir).as_posix() == SEARCH_PAGE
        searching_as_you_type = bool(app.config.html_theme_options.get("search_as_you_type"))
        updated = with_csp(without_unused_scripts(page, search_page or searching_as_you_type))
        if updated != original:
            path.write_text(updated, encoding="utf-8")


def _cache_compiled_templates(app: Sphinx) -> None:
    """Keep the theme's compiled templates in the doctree folder: a rebuild in a new process reuses them.

    Jinja checks each cached template against its source's checksum, so an
    edited template is compiled again.
    """
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        folder = Path(app.doctreedir) / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _write_runtime)
    app.connect("builder-inited", _cache_compiled_templates)
    app.add_css_file(STYLESHEET)
    app.add_css_file("print.css", media="print")  # printing a page, and the PDF (nkarms.site.pdf)
    app.connect("doctree-resolved", _drop_thebe_nodes, priority=900)
    app.connect("doctree-resolved", _label_charts)
    app.connect("html-page-context", _add_runtime)
    app.connect("html-page-context", _drop_unused_assets, priority=900)
    # after sphinx-external-toc has written the root redirect (default priority 500)
    app.connect("build-finished", _apply_csp, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
