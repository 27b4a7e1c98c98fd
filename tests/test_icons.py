"""nkarms.site.sphinx_icons: which icon characters the site uses, and the subset font."""
from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

from nkarms.site import sphinx_icons

STYLESHEET = (
    '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}'
    '.fa-sun:before{content:"\\f185"}'
    '.fa-xmark:before{content:"\\f00d"}'
    '.onthispage:after{content:"\\f107";font-family:Font Awesome\\ 6 Free}'
    ":root{--pst-icon-bell:\"\uf0f3\"}"
    'a:before{content:"\\2014"}'
)


def test_icon_classes_map_to_their_characters():
    icons = sphinx_icons.icon_codepoints(STYLESHEET)
    assert icons == {"fa-bars": 0xF0C9, "fa-navicon": 0xF0C9, "fa-sun": 0xF185, "fa-xmark": 0xF00D}


def test_characters_a_stylesheet_uses_directly_are_kept_but_not_ordinary_text():
    assert sphinx_icons.direct_codepoints(STYLESHEET) == {0xF107, 0xF0F3}


def test_only_the_named_icons_and_the_direct_characters_are_used():
    used = sphinx_icons.used_codepoints(['<i class="fa-solid fa-bars"></i>', 'icon("fa-xmark")'], [STYLESHEET])
    assert used == {0xF0C9, 0xF00D, 0xF107, 0xF0F3}


def test_the_subset_keeps_exactly_the_asked_glyphs_and_is_small(tmp_path: Path):
    target = tmp_path / "fa-solid-900.woff2"
    target.write_bytes(sphinx_icons.SOURCE_FONT.read_bytes())
    target.chmod(0o644)
    sphinx_icons.subset_font(sphinx_icons.SOURCE_FONT, target, {0xF0C9, 0xF185})
    font = TTFont(target)
    assert font.flavor == "woff2"
    assert set(font.getBestCmap()) == {0xF0C9, 0xF185}
    assert target.stat().st_size < sphinx_icons.SOURCE_FONT.stat().st_size / 10
    assert target.stat().st_mode & 0o777 == 0o644, "the served copy keeps the original's permissions"
    assert [p.name for p in tmp_path.iterdir()] == [target.name], "no temporary file is left behind"
