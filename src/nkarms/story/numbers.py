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

# A column holds labels, not amounts, when one of these words is part of its name.
IDENTIFIER_WORDS = frozenset({"year", "years", "resolution", "id", "version", "code"})
# Plural unit words whose singular is not the word without its final "s".
IRREGULAR_SINGULARS = {"people": "person", "personnel": "personnel", "series": "series", "children": "child", "men": "man", "women": "woman"}


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


def singular(unit: str) -> str:
    """The singular of a plural unit (``soldiers`` -> ``soldier``; ``artillery rounds`` -> ``artillery round``)."""
    if unit in IRREGULAR_SINGULARS:
        return IRREGULAR_SINGULARS[unit]
    if " of " in unit:  # "barrels of oil": the counted word comes first
        counted_word, _, rest = unit.partition(" of ")
        return f"{singular(counted_word)} of {rest}"
    head, _, last = unit.rpartition(" ")
    if last in IRREGULAR_SINGULARS:
        last = IRREGULAR_SINGULARS[last]
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif re.search(r"(ches|shes|sses|xes)$", last):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return f"{head} {last}" if head else last


def unit_for(count: float, unit: str) -> str:
    """``unit`` as it reads after ``count``: singular for exactly one, as given otherwise."""
    return singular(unit) if count == 1 else unit


def counted(count: float, unit: str) -> str:
    """A count with its unit: ``1 soldier``, ``12,000 soldiers``."""
    return f"{quantity(count)} {unit_for(count, unit)}"
