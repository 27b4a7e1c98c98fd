"""The pages of a built site: every HTML file but the theme's templates and the copied sources."""
from __future__ import annotations

from pathlib import Path

# _static holds the theme's Jinja macro files (*macros.html); _sources the notebooks' sources.
NOT_PAGES = ("_static", "_sources")


def pages(html_dir: Path) -> list[Path]:
    """Every page of the build in ``html_dir``, sorted."""
    return [path for path in sorted(html_dir.rglob("*.html")) if path.relative_to(html_dir).parts[0] not in NOT_PAGES]
