"""The report's table of contents: which documents ``_toc.yml`` lists, in order.

One reader for the build, the PDF, the benchmark and the tests, so that a
chapter added to the table of contents (in ``chapters:`` or in a part) is
executed, printed and tested alike.
"""
from __future__ import annotations

from pathlib import Path

import yaml


def documents(root: Path) -> list[str]:
    """The root page, then every chapter (those of parts included), as paths without ``.ipynb``."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = list(toc.get("chapters", []))
    for part in toc.get("parts", []):
        entries += part.get("chapters", [])
    return [toc["root"], *(entry["file"] for entry in entries)]


def notebooks(root: Path) -> list[Path]:
    """The chapter notebooks, in the order of ``_toc.yml``."""
    return [root / f"{name}.ipynb" for name in documents(root)]
