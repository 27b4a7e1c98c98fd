"""Sphinx extension: the site's offline chart runtime and its Content-Security-Policy.

- The vega runtime (vega, vega-lite, vega-embed and our chart loader) is bundled
  once by vl-convert, wrapped in its own function scope so its top-level names
  cannot collide with Sphinx's globals, and served from ``_static``. Only pages
  that hold a chart load it.
- Thebe (live code on Binder) is switched off: it loads its code from a CDN,
  and the chapters are meant to be opened in JupyterLab instead.
- Every page gets a CSP ``<meta>`` that allows only the site's own resources.
  Inline scripts and the theme's two inline click handlers (print, full
  screen) are allowed by their hashes. Vega compiles
  chart expressions with the ``Function`` constructor, so ``'unsafe-eval'`` is
  allowed; the only expressions on the page come from our own chart specs.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path
from typing import Any

import vl_convert as vlc
from docutils import nodes
from sphinx.application import Sphinx

RUNTIME_NAME = "nk-charts.js"
STATIC = Path(__file__).with_name("static")
LOADER = STATIC / "chart-loader.js"
STYLESHEET = "nkarms.css"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)
EVENT_HANDLER = re.compile(r'\son[a-z]+="([^"]*)"')
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
CSP_BASE = (
    "default-src 'self'; script-src 'self' 'unsafe-eval' 'unsafe-hashes'{hashes}; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'none'"
)


def runtime_source() -> str:
    """The chart runtime: vl-convert's bundle plus our loader, in one function scope."""
    bundle = vlc.javascript_bundle(LOADER.read_text(encoding="utf-8"))
    return f"(function () {{\n{bundle}\n}})();\n"


def _write_runtime(app: Sphinx, config: Any) -> None:
    static_dir = Path(app.doctreedir).parent / "nkarms-static"
    target = static_dir / RUNTIME_NAME
    source = runtime_source()
    if not target.exists() or target.read_text(encoding="utf-8") != source:
        static_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    config.html_static_path = [*config.html_static_path, str(static_dir), str(STATIC)]


def _add_runtime(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if 'class="nk-chart"' in context.get("body", ""):
        app.add_js_file(RUNTIME_NAME, defer="defer")


def _is_thebe(asset: Any) -> bool:
    text = f"{getattr(asset, 'filename', asset)} {getattr(asset, 'attributes', {}).get('body', '')}"
    return "thebe" in text.lower()


def _drop_thebe_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    for key in ("script_files", "css_files"):
        context[key] = [asset for asset in context.get(key, []) if not _is_thebe(asset)]


def _drop_thebe_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the per-page config blocks that sphinx-thebe appends."""
    for node in list(doctree.findall(nodes.raw)):
        if "x-thebe-config" in node.astext() or "kernelName =" in node.astext():
            node.parent.remove(node)


def content_security_policy(page: str) -> str:
    """The policy for one page: own resources only, plus the hashes of its inline scripts."""
    inline = INLINE_SCRIPT.findall(page) + [html.unescape(code) for code in EVENT_HANDLER.findall(page)]
    digests = sorted({base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() for code in inline})
    hashes = "".join(f" 'sha256-{digest}'" for digest in digests)
    return CSP_BASE.format(hashes=hashes)


def with_csp(page: str) -> str:
    """The page with exactly one CSP meta, placed first in <head> so it covers every script."""
    page = CSP_META.sub("", page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(page)}">\n'
    return page.replace("<head>\n", "<head>\n" + meta, 1)


def _apply_csp(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        updated = with_csp(page)
        if updated != page:
            path.write_text(updated, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _write_runtime)
    app.add_css_file(STYLESHEET)
    app.connect("doctree-resolved", _drop_thebe_nodes, priority=900)
    app.connect("html-page-context", _add_runtime)
    app.connect("html-page-context", _drop_thebe_assets, priority=900)
    app.connect("build-finished", _apply_csp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
