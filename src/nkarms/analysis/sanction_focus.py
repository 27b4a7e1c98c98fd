"""What each sanctions action is aimed at, read from the words of its ``action`` field.

Why: the sanctions table records each action as the government describes it.
Grouping the actions by what they target shows how the response changed over
time (from arms brokers and ships to troops and money) without retelling every
row. The grouping is a reading, with stated rules: the first group whose
pattern matches the action's description wins, in the order below, so an
action "over arms and fuel trade" counts under oil and one "over a
weapons-finance network" under money. An action that matches none targets
arms transfers, officials or military support in general.
"""
from __future__ import annotations

import re

import pandas as pd

FOCUS_RULES = (
    ("troop deployment", re.compile(r"troop", re.IGNORECASE)),
    ("money and revenue", re.compile(r"revenue|IT[- ]worker|launder|payment|bank|financ", re.IGNORECASE)),
    ("oil", re.compile(r"\boil\b|fuel|petroleum", re.IGNORECASE)),
    ("ships and transport", re.compile(r"ship|vessel|carr(y|ier)|transport|container|fleet", re.IGNORECASE)),
)
GENERAL = "arms transfers, officials and military support"
FOCUSES = tuple(name for name, _ in FOCUS_RULES) + (GENERAL,)


def focus(action: str) -> str:
    """The group one action's description falls in (first matching rule, else the general group)."""
    return next((name for name, pattern in FOCUS_RULES if pattern.search(action)), GENERAL)


def by_year(sanctions: pd.DataFrame) -> pd.DataFrame:
    """Actions per calendar year and focus (``year``, ``focus``, ``actions``), every focus present in every year."""
    years = sanctions["date"].dt.year
    counts = sanctions.assign(year=years, focus=sanctions["action"].map(focus)).groupby(["year", "focus"]).size()
    grid = pd.MultiIndex.from_product([sorted(years.unique()), FOCUSES], names=["year", "focus"])
    return counts.reindex(grid, fill_value=0).rename("actions").reset_index()
