"""How a number is printed for readers, in one place.

Quantities get thousands separators (``28,000 containers``); years, resolution
numbers, versions and ids never do (``2023``, ``resolution 1718``), because a
separator would make them read as amounts. A count with its unit takes the
singular for one (``1 soldier``, ``2 soldiers``).
"""
from __future__ import annotations

import re
from numbers import Number

import pandas as pd

from nkarms.units import singular, unit_for  # noqa: F401  (re-exported: the rule lives in the foundation)

# A column holds labels, not amounts, when one of these words is part of its name.
IDENTIFIER_WORDS = frozenset({"year", "years", "resolution", "id", "version", "code"})


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    return value is None or (not isinstance(value, (str, list, tuple, dict)) and bool(pd.isna(value)))


def is_identifier(column: str) -> bool:
    """Whether a column named ``column`` (``year_of_order``, ``resolution``) holds labels rather than amounts."""
    words = set(re.split(r"[^a-z]+", column.lower()))
    return bool(words & IDENTIFIER_WORDS)


def quantity(value: object) -> str:
    """An amount: ``28,000``, ``74.6``; blank when missing."""
    if is_missing(value):
        return ""
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def identifier(value: object) -> str:
    """A year, resolution number or id as written: ``2023``, ``1718``; blank when missing."""
    if is_missing(value):
        return ""
    if isinstance(value, Number) and float(value).is_integer():
        return str(int(value))
    return str(value)


def counted(count: float, unit: str) -> str:
    """A count with its unit: ``1 soldier``, ``12,000 soldiers``."""
    return f"{quantity(count)} {unit_for(count, unit)}"
