"""How an Altair chart becomes output that works everywhere the report is read.

A chart's output bundle carries three renderings of the same chart:
- the compiled Vega spec, which JupyterLab draws natively and which the site
  draws with the vega runtime served once from ``_static`` (no CDN);
- a static SVG made by vl-convert, for GitHub, nbviewer and LaTeX builders;
- a plain-text description, for screen readers and text-only views.
The site's HTML for a chart is made here too (``VegaMimeRenderer``), with an
element id derived from the spec, so re-executing a notebook changes nothing.

altair and vl-convert are imported where a kernel uses them, not at the top:
the site's build loads this module for ``VegaMimeRenderer`` alone, and altair's
import (with jsonschema's) costs seconds that rendering stored outputs never needs.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any

from docutils import nodes

VEGA_MIME = "application/vnd.vega.v5+json"
STATIC_WIDTH = 640
RENDERER_NAME = "nkarms"
# Vega-Lite compiles width="container" to this signal expression.
CONTAINER_WIDTH = re.compile(r"isFinite\(containerSize\(\)\[0\]\) \? containerSize\(\)\[0\] : [0-9.]+")


def _strip_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """Drop ``$schema``: it is a URL of an external host and nothing needs it."""
    return {key: value for key, value in spec.items() if key != "$schema"}


def _fixed_width(vl_spec: dict[str, Any]) -> dict[str, Any]:
    """Give a container-width chart a fixed width, since a static image has no container."""
    if vl_spec.get("width") != "container":
        return vl_spec
    return {**vl_spec, "width": STATIC_WIDTH}


def _guard_container_width(vega_spec: dict[str, Any]) -> dict[str, Any]:
    """Fall back to a fixed width while the chart's container has none.

    JupyterLab draws an output before its element has a width; Vega-Lite's
    expression then gives the chart width 0, and with ``fit-x`` autosizing
    JupyterLab's page spins forever. A zero-width container now gets the
    static width instead; a real container keeps its own width.
    """
    guarded = f"containerSize()[0] > 0 ? containerSize()[0] : {STATIC_WIDTH}"
    return json.loads(CONTAINER_WIDTH.sub(guarded, json.dumps(vega_spec)))


def spec_id(spec: dict[str, Any]) -> str:
    """A short id that depends only on the spec, so outputs are reproducible."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return f"nkc-{digest[:12]}"


def mimebundle(vl_spec: dict[str, Any]) -> dict[str, Any]:
    """The three renderings of one Vega-Lite spec (see module docstring)."""
    import vl_convert as vlc

    vl_spec = _strip_schema(vl_spec)
    vega_spec = _guard_container_width(_strip_schema(vlc.vegalite_to_vega(vl_spec)))
    svg = vlc.vegalite_to_svg(_fixed_width(vl_spec))
    description = vl_spec.get("description", "Chart")
    return {VEGA_MIME: vega_spec, "image/svg+xml": svg, "text/plain": description}


def _altair_renderer(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    return mimebundle(spec)


def setup() -> None:
    """Make every Altair chart in this kernel render through :func:`mimebundle`.

    Called once at the top of each chapter.
    """
    import altair as alt

    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, _altair_renderer)
    alt.renderers.enable(RENDERER_NAME)


def chart_html(vega_spec: dict[str, Any]) -> str:
    """The site's markup for one chart: an empty container and its spec as JSON data."""
    chart_id = spec_id(vega_spec)
    label = html.escape(str(vega_spec.get("description", "Chart")), quote=True)
    payload = json.dumps(vega_spec, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div class="nk-chart" id="{chart_id}" data-spec="{chart_id}-spec" '
        f'role="img" aria-label="{label}"></div>\n'
        f'<script type="application/json" id="{chart_id}-spec">{payload}</script>\n'
    )


class VegaMimeRenderer:
    """myst-nb plugin: renders the Vega mime type as :func:`chart_html` in HTML builds."""

    mime_priority_overrides = [
        (builder, VEGA_MIME, 1) for builder in ("html", "dirhtml", "singlehtml", "readthedocs")
    ]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != VEGA_MIME:
            return None
        spec = data.content if isinstance(data.content, dict) else json.loads(data.content)
        return [nodes.raw(text=chart_html(spec), format="html", classes=["output", "nk-chart-output"])]
