"""The monthly pattern of launches the Ukrainian Air Force reported under labels naming the KN-23.

A month between the first and the last labelled report with none of its own
is counted as zero: the compiled reports hold no launch under such a label that
month. What a zero means is another matter. The Air Force introduced the label,
used it alongside "Iskander-M" alone, and later dropped it (see the data set's
PROVENANCE.md), so a zero says how the reports were labelled, not that no
North Korean missile flew.
"""
from __future__ import annotations

import pandas as pd


def monthly_totals(monthly: pd.DataFrame) -> pd.DataFrame:
    """Launches per month (``month`` as a timestamp, ``launched``), every month from the first to the last, zero-filled."""
    months = pd.PeriodIndex(monthly["month"], freq="M")
    totals = monthly.assign(month=months).groupby("month")["launched"].sum().astype(int)
    every = pd.period_range(months.min(), months.max(), freq="M")
    filled = totals.reindex(every, fill_value=0).rename_axis("month").reset_index()
    return filled.assign(month=filled["month"].dt.to_timestamp())


def quiet_months(totals: pd.DataFrame, year: int) -> pd.DataFrame:
    """The months of ``year`` within the labelled period with no launch under a KN-23 label."""
    in_year = totals[totals["month"].dt.year == year]
    return in_year[in_year["launched"] == 0].reset_index(drop=True)


def quiet_spans(months: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Consecutive runs of months as (first, last) pairs, e.g. April to July."""
    spans: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for month in sorted(months):
        if spans and month == spans[-1][1] + pd.DateOffset(months=1):
            spans[-1] = (spans[-1][0], month)
        else:
            spans.append((month, month))
    return spans


def per_year(totals: pd.DataFrame) -> pd.Series:
    """Launches per calendar year."""
    return totals.groupby(totals["month"].dt.year)["launched"].sum()


def monthly_average(totals: pd.DataFrame, year: int) -> float:
    """Average launches per month over the months of ``year`` within the labelled period."""
    in_year = totals[totals["month"].dt.year == year]
    if in_year.empty:
        raise ValueError(f"no labelled months in {year}")
    return float(in_year["launched"].mean())


def in_window(attacks: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp, kinds: tuple[str, ...]) -> float:
    """Launches reported under a label of ``kinds`` from ``start`` (or the first report) to ``end``, both included."""
    chosen = attacks[(attacks["date"] <= end) & attacks["label_kind"].isin(kinds)]
    if start is not None and pd.notna(start):
        chosen = chosen[chosen["date"] >= start]
    return float(chosen["launched"].sum())


def beside_fired(fired: pd.DataFrame, attacks: pd.DataFrame) -> pd.DataFrame:
    """Each official count of North Korean missiles fired beside the launches labelled over the same period.

    A count's period is its ``period_start`` (empty: since the first use) to its
    ``period_end``. ``labelled`` sums the single labels naming the KN-23 (either/or
    and KN-23 alone); ``mixed`` the salvo totals whose label names the KN-23 among
    other weapons, which can only inflate the comparison.
    """
    rows = [{
        "id": claim["id"], "claimant": claim["claimant"], "period_start": claim["period_start"], "period_end": claim["period_end"],
        "labelled": in_window(attacks, claim["period_start"], claim["period_end"], ("either-or", "kn23-only")),
        "mixed": in_window(attacks, claim["period_start"], claim["period_end"], ("mixed",)),
    } for _, claim in fired.iterrows()]
    return pd.DataFrame(rows, columns=["id", "claimant", "period_start", "period_end", "labelled", "mixed"])
