"""The report's date formats, in one place.

Prose spells the month out (``5 January 2025``, ``January 2025``); tables,
source lines and chart tooltips abbreviate it (``5 Jan 2025``); axes show
months (``Jul 2025``). Days are never zero-padded.
"""
from __future__ import annotations

import datetime as dt

# d3-time-format, for Vega-Lite tooltips and axes ("%-d": the day without padding).
TOOLTIP_DAY = "%-d %b %Y"
AXIS_MONTH = "%b %Y"


def long_day(value: dt.date) -> str:
    """A date in prose: ``5 January 2025``."""
    return f"{value.day} {value:%B %Y}"


def long_month(value: dt.date) -> str:
    """A month in prose: ``January 2025``."""
    return f"{value:%B %Y}"


def short_day(value: dt.date) -> str:
    """A date in a table, a source line or a caption: ``5 Jan 2025``."""
    return f"{value.day} {value:%b %Y}"
