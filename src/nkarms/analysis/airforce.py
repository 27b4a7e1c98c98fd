"""Reading the Ukrainian Air Force's reports of launches under labels naming the KN-23.

A report may give a launch count without saying how many were destroyed. Such
a report says nothing about interceptions, so the share destroyed is taken
only over reports that give both counts; otherwise the blanks would count as
misses and pull the share down.
"""
from __future__ import annotations

import pandas as pd

# How each label kind in data/derived/ua_kn23_attacks.csv reads in the report.
LABEL_NAMES = {
    "either-or": "Iskander-M or KN-23",
    "kn23-only": "KN-23 alone",
    "mixed": "several weapon types together",
}


def with_both_counts(attacks: pd.DataFrame) -> pd.DataFrame:
    """The reports that give both a launch and a destroyed count."""
    return attacks[attacks["launched"].notna() & attacks["destroyed"].notna()]


def destroyed_share(attacks: pd.DataFrame) -> float:
    """Destroyed over launched, across the reports that give both counts."""
    known = with_both_counts(attacks)
    if known.empty or known["launched"].sum() == 0:
        raise ValueError("no report gives both a launch and a destroyed count")
    return float(known["destroyed"].sum() / known["launched"].sum())


def monthly_destroyed_share(attacks: pd.DataFrame) -> pd.DataFrame:
    """Per month (``YYYY-MM``): launches reported, launches with a destroyed count, destroyed, and their share.

    A month whose reports give no destroyed count has no share (NaN), not 0%.
    """
    months = attacks.assign(
        month=attacks["date"].dt.strftime("%Y-%m"),
        known_launched=attacks["launched"].where(attacks["destroyed"].notna()),
    )
    totals = months.groupby("month", as_index=False).agg(
        launched=("launched", "sum"), known_launched=("known_launched", "sum"), destroyed=("destroyed", "sum"),
    )
    share = totals["destroyed"] / totals["known_launched"].where(totals["known_launched"] > 0)
    return totals.assign(share=share.astype("Float64"))
