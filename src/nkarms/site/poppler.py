"""Read a printed PDF back with poppler's command-line tools (Debian ``poppler-utils``)."""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def destination_pages(pdf: Path) -> dict[str, int]:
    """Named destination -> page number, as Chromium wrote them for the links in the contents."""
    pages = {}
    for line in _run("pdfinfo", "-dests", str(pdf)).splitlines():
        match = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', line)
        if match:
            pages[match.group(2)] = int(match.group(1))
    return pages


def page_count(pdf: Path) -> int:
    """How many pages ``pdf`` has."""
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M).group(1))


def text(pdf: Path) -> str:
    """What a reader sees, laid out as on the page."""
    return _run("pdftotext", "-layout", str(pdf), "-")


def links(pdf: Path) -> list[tuple[int, str, str]]:
    """(page, text, address) of every link to a web address, as ``pdftohtml -xml`` reads the
    link annotations (``pdfinfo`` and ``pdftotext`` do not list them)."""
    tree = ET.fromstring(_run("pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)))
    return [
        (int(page.get("number")), "".join(link.itertext()).strip(), link.get("href"))
        for page in tree.iter("page")
        for link in page.iter("a")
        if re.match(r"https?://", link.get("href") or "")
    ]
