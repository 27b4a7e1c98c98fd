"""Every ballistic label the Ukrainian Air Force gave the Iskander-M, month by month, to read the KN-23 label against.

Why: a month without an "Iskander-M/KN-23" label reads as a month without North
Korean missiles only if the Air Force stopped reporting that kind of ballistic
launch. The same reports also name "Iskander-M" alone, or inside a salvo total
of several weapon types. Set side by side, the three show whether ballistic
launches went on under another label while the KN-23 label was absent.

The derived tables hold only the rows naming the KN-23, so this module reads the
committed raw snapshot (``data/raw/ua-airforce-missile-attacks``, see its
PROVENANCE.md) through :func:`nkarms.data.reads.record`, which the execution
cache tracks. Assumptions, stated:

- a label names the Iskander-M when it contains "Iskander-M" (the cruise missile
  "Iskander-K" does not match);
- a label naming the KN-23 is "KN-23 label" whatever else it names, as in the
  derived tables;
- "Iskander-M" with nothing else is "Iskander-M alone"; any other label with
  "Iskander-M" joined to other weapons by " and " is "Iskander-M in a mixed salvo",
  whose one launch total includes those other weapons, so it overstates;
- a blank launch count adds nothing to a month's sum.
"""
from __future__ import annotations

import io

import pandas as pd

from nkarms import project
from nkarms.data import reads

RAW_FILE = ("raw", "ua-airforce-missile-attacks", "missile_attacks_daily.csv")
KN23 = "KN-23 label"
ALONE = "Iskander-M alone"
MIXED = "Iskander-M in a mixed salvo"
GROUPS = (KN23, ALONE, MIXED)


def label_group(model: str) -> str | None:
    """Which of the three groups a report's weapon label falls in, or None if it names neither missile."""
    if "KN-23" in model:
        return KN23
    if model.strip() == "Iskander-M":
        return ALONE
    if "Iskander-M" in model:
        return MIXED
    return None


def read_daily() -> pd.DataFrame:
    """The raw daily reports as text (``time_start``, ``model``, ``launched``), recorded as read."""
    path = project.data_dir().joinpath(*RAW_FILE)
    raw = reads.record(path)
    return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, usecols=["time_start", "model", "launched"])


def monthly_by_group(daily: pd.DataFrame) -> pd.DataFrame:
    """Launches per month and label group (long form: ``month`` timestamp, ``group``, ``launched``), zero-filled.

    Every month from the first to the last month with any of the three groups,
    for every group, so that a month without a label reads as 0.
    """
    groups = daily["model"].map(label_group)
    chosen = daily[groups.notna()].assign(group=groups[groups.notna()])
    launched = pd.to_numeric(chosen["launched"].str.strip().replace("", None), errors="raise").fillna(0)
    if (launched < 0).any() or (launched % 1 != 0).any():
        raise ValueError(f"{'/'.join(RAW_FILE)}: a launch count that is negative or not whole")
    months = pd.to_datetime(chosen["time_start"].str[:10], format="%Y-%m-%d").dt.to_period("M")
    totals = chosen.assign(month=months, launched=launched.astype(int)).groupby(["month", "group"])["launched"].sum()
    every = pd.period_range(months.min(), months.max(), freq="M")
    grid = pd.MultiIndex.from_product([every, GROUPS], names=["month", "group"])
    filled = totals.reindex(grid, fill_value=0).reset_index()
    return filled.assign(month=filled["month"].dt.to_timestamp())


def wide(monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per month, one column per group."""
    return monthly.pivot(index="month", columns="group", values="launched")[list(GROUPS)].reset_index()


def other_labels_when_quiet(monthly: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The months from ``start`` to ``end`` with no KN-23 label, and the Iskander-M launches reported in them."""
    table = wide(monthly)
    window = table[(table["month"] >= start) & (table["month"] <= end)]
    return window[window[KN23] == 0].reset_index(drop=True)
