"""Sphinx extension: cut the theme's icon font down to the icons the site shows.

The theme draws its header buttons with Font Awesome's solid web font, all
1,393 glyphs of it (156 kB, the largest file every page loads after the
theme's stylesheet). The site uses a few dozen. After an HTML build this keeps
only the glyphs that something on the site can ask for:

- the icons named by ``fa-*`` classes in the pages and in the theme's scripts
  (which add a few, such as the search dialog's close button), looked up in the
  stylesheet's ``.fa-name:before{content:"\\f0c9"}`` rules;
- every icon character the stylesheets use directly (admonition titles, the
  "on this page" chevron), which lie in Unicode's Private Use Area.

The subset is made from the theme's own copy of the font, so a later build that
shows a new icon gets it back.
"""
from __future__ import annotations

import os
import logging
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydata_sphinx_theme
from fontTools import subset
from sphinx.application import Sphinx

from nkarms.site.pages import pages

FONT = Path("vendor/fontawesome/webfonts/fa-solid-900.woff2")
SOURCE_FONT = Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/static" / FONT
# Loaded by no page (nkarms.site.sphinx_ext drops it), and it names every icon there is.
UNLOADED_SCRIPTS = ("fontawesome.js",)
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"\\([0-9a-f]{4,5})"\}')
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{4,6})")
PRIVATE_USE = range(0xE000, 0xF900)
# The subsetter reports every table it touches at INFO; a11y_pygments, which the theme
# imports, sends the root logger's INFO to the console, so a build would print them all.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def icon_codepoints(stylesheet: str) -> dict[str, int]:
    """Each ``fa-*`` icon class the stylesheet defines, with its character."""
    icons: dict[str, int] = {}
    for selectors, code in ICON_RULE.findall(stylesheet):
        for name in ICON_CLASS.findall(selectors):
            icons[name] = int(code, 16)
    return icons


def direct_codepoints(stylesheet: str) -> set[int]:
    """Icon characters a stylesheet uses outside the icon-class rules, as escapes or literally."""
    rest = ICON_RULE.sub("", stylesheet)
    escaped = {int(code, 16) for code in CSS_ESCAPE.findall(rest)}
    literal = {ord(char) for char in rest if ord(char) in PRIVATE_USE}
    return {code for code in escaped | literal if code in PRIVATE_USE}


def used_codepoints(texts: Iterable[str], stylesheets: Iterable[str]) -> set[int]:
    """The icon characters the site can show: classes named in ``texts``, characters in ``stylesheets``."""
    sheets = list(stylesheets)
    icons: dict[str, int] = {}
    for sheet in sheets:
        icons.update(icon_codepoints(sheet))
    named = {name for text in texts for name in ICON_CLASS.findall(text)}
    return {icons[name] for name in named if name in icons} | set().union(*map(direct_codepoints, sheets))


def subset_font(source: Path, target: Path, codepoints: set[int]) -> None:
    """Write to ``target`` the glyphs of ``source`` for ``codepoints``, as WOFF2, replacing it whole."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".woff2")
    os.close(handle)
    try:
        subset.save_font(font, temporary, options)
        shutil.copymode(target, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def site_codepoints(outdir: Path) -> set[int]:
    """The icon characters a built site uses, from its pages, scripts and stylesheets."""
    static = outdir / "_static"
    scripts = (p for p in static.rglob("*.js") if p.name not in UNLOADED_SCRIPTS)
    texts = (p.read_text(encoding="utf-8") for p in [*pages(outdir), *scripts])
    return used_codepoints(texts, (p.read_text(encoding="utf-8") for p in static.rglob("*.css")))


def _subset_icons(app: Sphinx, exception: Exception | None) -> None:
    target = Path(app.outdir) / "_static" / FONT
    if exception is not None or app.builder.format != "html" or not target.exists():
        return
    subset_font(SOURCE_FONT, target, site_codepoints(Path(app.outdir)))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", _subset_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
