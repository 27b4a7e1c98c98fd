"""Chart output (src/nkarms/site/render.py) and the site's Content-Security-Policy (src/nkarms/site/sphinx_ext.py).

The charts are built from real derived tables with the house chart builders, so
the specs are the shape the chapters produce.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from nkarms import data
from nkarms.site import render
from nkarms.site.sphinx_ext import content_security_policy, with_csp, without_unused_scripts
from nkarms.story import charts

XML_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*", re.I)


def monthly_chart(description: str = "Stacked bars of launches reported each month, by the label the Air Force used"):
    monthly = data.load("ua_kn23_monthly")
    return charts.stacked_bars(
        monthly, x="month", y="launched", color="label_kind",
        title="Ballistic launches reported under labels that include the KN-23",
        subtitle="Ukrainian Air Force daily reports", x_title="Month", y_title="Missiles launched",
        color_title="Label", description=description,
    )


@pytest.fixture(scope="module")
def spec() -> dict:
    return monthly_chart().to_dict()


@pytest.fixture(scope="module")
def bundle(spec: dict) -> dict:
    return render.mimebundle(spec)


def canonical(bundle: dict) -> bytes:
    return json.dumps(bundle, sort_keys=True, ensure_ascii=False).encode("utf-8")


# --- spec_id -----------------------------------------------------------------------------


def test_spec_id_depends_only_on_the_spec(spec: dict) -> None:
    reordered = dict(reversed(list(spec.items())))
    assert render.spec_id(spec) == render.spec_id(reordered) == render.spec_id(json.loads(json.dumps(spec)))
    assert re.fullmatch(r"nkc-[0-9a-f]{12}", render.spec_id(spec))


def test_spec_id_changes_with_the_spec(spec: dict) -> None:
    assert render.spec_id(spec) != render.spec_id({**spec, "description": spec["description"] + "."})


# --- mimebundle ----------------------------------------------------------------------------


def test_bundle_holds_vega_svg_and_text(bundle: dict) -> None:
    assert set(bundle) == {render.VEGA_MIME, "image/svg+xml", "text/plain"}
    vega = bundle[render.VEGA_MIME]
    assert isinstance(vega, dict) and vega["marks"] and vega["data"]
    assert bundle["image/svg+xml"].lstrip().startswith("<svg")
    assert "</svg>" in bundle["image/svg+xml"]


def test_text_is_the_charts_description(bundle: dict, spec: dict) -> None:
    assert bundle["text/plain"] == spec["description"]
    assert bundle["text/plain"].startswith("Stacked bars of launches")


def test_bundle_names_no_schema_and_no_external_url(bundle: dict) -> None:
    assert "$schema" not in json.dumps(bundle[render.VEGA_MIME])
    assert not URL.findall(json.dumps(bundle[render.VEGA_MIME]))
    assert "$schema" not in bundle["image/svg+xml"]
    # The SVG's only URLs are XML namespace names, which nothing fetches.
    assert set(URL.findall(bundle["image/svg+xml"])) <= XML_NAMESPACES


def test_static_svg_gets_a_fixed_width(bundle: dict, spec: dict) -> None:
    assert spec["width"] == "container"
    width = re.search(r'<svg[^>]*\swidth="([0-9.]+)"', bundle["image/svg+xml"])
    assert width and float(width.group(1)) > 0


def test_rerendering_gives_byte_identical_bundles(spec: dict, bundle: dict) -> None:
    assert canonical(render.mimebundle(monthly_chart().to_dict())) == canonical(bundle)


def test_rendering_in_a_fresh_interpreter_gives_the_same_bytes(bundle: dict) -> None:
    """No hash seed, clock or random id leaks into the output."""
    code = (
        "import hashlib, json, sys\n"
        "sys.path.insert(0, %r)\n"
        "from test_render import canonical, monthly_chart\n"
        "from nkarms.site import render\n"
        "print(hashlib.sha256(canonical(render.mimebundle(monthly_chart().to_dict()))).hexdigest())\n"
    ) % str(Path(__file__).parent)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert result.stdout.strip() == hashlib.sha256(canonical(bundle)).hexdigest()


def test_altair_renderer_uses_the_bundle(spec: dict, bundle: dict) -> None:
    render.setup()
    import altair as alt

    assert alt.renderers.active == render.RENDERER_NAME
    shown = monthly_chart()._repr_mimebundle_()
    data_part = shown[0] if isinstance(shown, tuple) else shown
    assert canonical(data_part) == canonical(bundle)


# --- chart_html ------------------------------------------------------------------------------


def test_chart_html_is_a_container_and_its_spec_as_data(bundle: dict) -> None:
    vega = bundle[render.VEGA_MIME]
    markup = render.chart_html(vega)
    chart_id = render.spec_id(vega)
    assert f'<div class="nk-chart" id="{chart_id}" data-spec="{chart_id}-spec"' in markup
    assert 'role="img"' in markup
    payload = re.search(rf'<script type="application/json" id="{chart_id}-spec">(.*?)</script>', markup, re.S)
    assert payload and json.loads(payload.group(1)) == vega


def test_chart_html_escapes_closing_tags_and_attribute_quotes() -> None:
    hostile = {"description": 'A "quoted" </script><script>alert(1)</script> label', "marks": []}
    markup = render.chart_html(hostile)
    assert markup.count("</script>") == 1  # only the one that closes the data block
    assert "<\\/script>" in markup
    label = re.search(r'aria-label="([^"]*)"', markup).group(1)
    assert "&quot;quoted&quot;" in label and "<" not in label
    payload = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', markup, re.S).group(1)
    assert json.loads(payload) == hostile


def test_chart_html_is_deterministic(bundle: dict) -> None:
    vega = bundle[render.VEGA_MIME]
    assert render.chart_html(vega) == render.chart_html(json.loads(json.dumps(vega)))


# --- the myst-nb renderer plugin --------------------------------------------------------------


def test_handle_mime_renders_the_vega_mime_type(bundle: dict) -> None:
    vega = bundle[render.VEGA_MIME]
    for content in (vega, json.dumps(vega)):
        nodes = render.VegaMimeRenderer.handle_mime(None, SimpleNamespace(mime_type=render.VEGA_MIME, content=content), False)
        assert len(nodes) == 1
        assert nodes[0]["format"] == "html"
        assert nodes[0].astext() == render.chart_html(vega)


@pytest.mark.parametrize("mime", ["image/svg+xml", "text/plain", "text/html", "application/vnd.vegalite.v5+json"])
def test_handle_mime_leaves_other_mime_types_alone(mime: str, bundle: dict) -> None:
    item = SimpleNamespace(mime_type=mime, content=bundle.get(mime, "x"))
    assert render.VegaMimeRenderer.handle_mime(None, item, False) is None


def test_renderer_takes_priority_for_the_vega_mime_in_html_builders() -> None:
    builders = {builder for builder, mime, _ in render.VegaMimeRenderer.mime_priority_overrides if mime == render.VEGA_MIME}
    assert {"html", "singlehtml"} <= builders


# --- Content-Security-Policy ----------------------------------------------------------------


def sha(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"


INLINE = "document.documentElement.dataset.mode = localStorage.getItem('mode') || 'light';"
INLINE_2 = "\n  var DOCUMENTATION_OPTIONS = {};\n"
PRINT = "window.print()"
FULLSCREEN = 'toggleFullScreen("page")'
SPEC = '{"description":"Chart","marks":[]}'

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>Key findings</title>
<script>{INLINE}</script>
<script src="_static/nk-charts.js" defer="defer"></script>
<script data-url_root="../">{INLINE_2}</script>
</head>
<body>
<button onclick="{PRINT}" title="Print">Print</button>
<button onclick="toggleFullScreen(&quot;page&quot;)">Full screen</button>
<div class="nk-chart" id="nkc-0" data-spec="nkc-0-spec"></div>
<script type="application/json" id="nkc-0-spec">{SPEC}</script>
</body>
</html>
"""


def csp_metas(page: str) -> list[str]:
    return re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)


def before_csp(page: str) -> list[str]:
    """The tags in <head> that come before the CSP meta."""
    head = page.split("<head>", 1)[1]
    return re.findall(r"<[a-z][^>]*>", head.split('<meta http-equiv="Content-Security-Policy"', 1)[0])


def test_exactly_one_csp_meta_first_in_head() -> None:
    """First in <head>, or right after <meta charset>, which must stay in the first 1024 bytes."""
    page = with_csp(PAGE)
    assert len(csp_metas(page)) == 1
    assert all(re.fullmatch(r'<meta charset="[^"]*"\s*/?>', tag) for tag in before_csp(page)), before_csp(page)
    assert page.index("Content-Security-Policy") < min(page.index(tag) for tag in ("<script", "<link", "<style") if tag in page)
    assert page.replace(re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', page).group(0), "") == PAGE


def test_csp_meta_opens_a_head_without_charset() -> None:
    page = with_csp(PAGE.replace('<meta charset="utf-8" />\n', ""))
    assert before_csp(page) == []
    assert len(csp_metas(page)) == 1


def test_policy_allows_each_inline_script_and_handler_by_hash() -> None:
    policy = csp_metas(with_csp(PAGE))[0]
    for code in (INLINE, INLINE_2, PRINT, FULLSCREEN):
        assert sha(code) in policy, code
    assert "'unsafe-hashes'" in policy  # needed for the onclick handlers
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_policy_ignores_json_data_blocks_and_external_scripts() -> None:
    policy = csp_metas(with_csp(PAGE))[0]
    assert sha(SPEC) not in policy
    assert len(re.findall(r"'sha256-", policy)) == 4


def test_policy_allows_only_the_sites_own_resources() -> None:
    policy = dict(part.strip().split(" ", 1) for part in csp_metas(with_csp(PAGE))[0].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert not URL.findall(" ".join(policy.values()))


def test_with_csp_is_idempotent() -> None:
    once = with_csp(PAGE)
    assert with_csp(once) == once


def test_with_csp_replaces_a_stale_policy() -> None:
    stale = PAGE.replace("<head>\n", "<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src *\">\n", 1)
    page = with_csp(stale)
    assert len(csp_metas(page)) == 1
    assert "default-src *" not in page
    assert page == with_csp(PAGE)


def test_policy_follows_the_page() -> None:
    changed = PAGE.replace(INLINE, INLINE + " ")
    assert content_security_policy(changed) != content_security_policy(PAGE)
    assert sha(INLINE + " ") in content_security_policy(changed)


def test_the_runtime_cache_lies_beside_the_output_never_inside(tmp_path) -> None:  # noqa: ANN001
    """Inside, Sphinx would warn (html_static_path in outdir) and publish the cache folder."""
    from nkarms.site import sphinx_ext

    for outdir in (tmp_path / "_build" / "html", tmp_path / "_build" / "singlehtml"):
        cache = sphinx_ext.runtime_dir(outdir)
        assert cache == tmp_path.resolve() / "_build" / "nkarms-static"
        assert not cache.is_relative_to(outdir.resolve())


SEARCH_SCRIPTS = (
    '    <script src="../_static/searchtools.js"></script>\n'
    '    <script src="../_static/language_data.js"></script>\n'
    '    <script src="../searchindex.js"></script>\n'
)


def test_pages_that_do_not_search_drop_the_search_tools_and_the_index() -> None:
    page = PAGE.replace("</head>", SEARCH_SCRIPTS + "</head>", 1)
    dropped = without_unused_scripts(page, uses_search_tools=False)
    assert "searchindex.js" not in dropped and "searchtools.js" not in dropped and "language_data.js" not in dropped
    assert dropped == PAGE
    assert without_unused_scripts(page, uses_search_tools=True) == page
