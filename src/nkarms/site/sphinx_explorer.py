"""Sphinx extension: the claims explorer's script and stylesheet, on the page that holds the explorer only.

Both files sit in ``static/``, which :mod:`nkarms.site.sphinx_ext` already
serves from ``_static``; the script is the site's own file, so the page's
Content-Security-Policy (scripts from 'self') allows it.
"""
from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

SCRIPT = "claims-explorer.js"
STYLESHEET = "claims-explorer.css"
MARKER = 'class="nk-explorer"'


def _add_explorer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if MARKER in context.get("body", ""):
        app.add_js_file(SCRIPT, defer="defer")
        app.add_css_file(STYLESHEET)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _add_explorer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
