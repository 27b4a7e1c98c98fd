"""Every ballistic label the Ukrainian Air Force gave the Iskander-M, month by month, to read the KN-23 label against.

Why: a month without an "Iskander-M/KN-23" label reads as a month without North
Korean missiles only if the Air Force stopped reporting that kind of ballistic
launch. The same reports also name "Iskander-M" alone, or inside a salvo total
of several weapon types. Set side by side, the three show whether ballistic
launches went on under another label while the KN-23 label was absent.

The pipeline groups the labels (``nkarms.data.pipeline.ua_iskander``, where the
assumptions are stated) into the derived table ``ua_iskander_monthly``; this
module gives the groups their reader's names and shapes the table for charts.
"""
from __future__ import annotations

import pandas as pd

from nkarms import data

KN23 = "KN-23 label"
ALONE = "Iskander-M alone"
MIXED = "Iskander-M in a mixed salvo"
GROUPS = (KN23, ALONE, MIXED)
GROUP_NAMES = {"kn23-label": KN23, "iskander-m-alone": ALONE, "iskander-m-mixed": MIXED}


def monthly_by_group(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Launches per month and label group (long form: ``month`` timestamp, ``group``, ``launched``), zero-filled.

    ``table`` is ``ua_iskander_monthly`` as loaded (default: loaded now).
    """
    table = data.load("ua_iskander_monthly") if table is None else table
    unknown = set(table["label_group"]) - set(GROUP_NAMES)
    if unknown:
        raise KeyError(f"ua_iskander_monthly: unknown label group(s) {sorted(unknown)}")
    return pd.DataFrame({
        "month": pd.to_datetime(table["month"], format="%Y-%m"),
        "group": table["label_group"].map(GROUP_NAMES),
        "launched": table["launched"].astype(int),
    }).reset_index(drop=True)


def wide(monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per month, one column per group."""
    return monthly.pivot(index="month", columns="group", values="launched")[list(GROUPS)].reset_index()


def other_labels_when_quiet(monthly: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The months from ``start`` to ``end`` with no KN-23 label, and the Iskander-M launches reported in them."""
    table = wide(monthly)
    window = table[(table["month"] >= start) & (table["month"] <= end)]
    return window[window[KN23] == 0].reset_index(drop=True)
