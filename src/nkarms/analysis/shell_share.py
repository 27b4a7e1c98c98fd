"""North Korean shells as a share of Russia's own claimed use and production, per period where both are claimed.

Why: a share claim ("half of Russia's shells") cannot be checked against the
shipment claims alone; Russia's use and production, claimed by others for
stated periods, give the whole to divide by. Assumptions, stated:

- only counts enter (``kind`` count), in rounds over a stated window or in
  rounds per day, each with both ``period_start`` and ``period_end``;
- a shipment claim is spread evenly over its window (rounds divided by its
  days, first and last included); windows longer than ``MAX_SHIPMENT_DAYS`` are
  left out, since an average over years hides when the shells arrived;
- a Russian claim is set against the shipment claims whose windows cover at
  least half of its own window;
- every North Korean round shipped in the window was used (for the share of
  use) or adds to Russia's supply beside its own output (for production);
- a claim states a low and a high figure (equal for a point or a one-sided
  bound); the share runs from the smallest North Korean rate over the largest
  Russian one to the largest over the smallest (:func:`reconcile.share_range`).
  A Russian minimum ("more than") makes the share a maximum, and the reverse.
"""
from __future__ import annotations

import pandas as pd

from nkarms.analysis.reconcile import share_range

MAX_SHIPMENT_DAYS = 400
RUSSIAN_METRICS = ("russia_shells_fired", "russia_shells_produced")
LOWER_BOUNDS = ("at least", "more than")
UPPER_BOUNDS = ("up to", "fewer than")
COLUMNS = ["id", "metric", "claimant", "period_start", "period_end", "russia_low", "russia_high", "share_is",
           "shipment_ids", "nk_low", "nk_high", "share_low", "share_high"]


def days(claim: pd.Series) -> int:
    """The days a claim's window covers, first and last included."""
    if claim["period_end"] < claim["period_start"]:
        raise ValueError(f"{claim['id']}: its period ends before it starts")
    return (claim["period_end"] - claim["period_start"]).days + 1


def daily_rate(claim: pd.Series) -> tuple[float, float]:
    """A claim's low and high figure as rounds a day over its window."""
    stated = [float(claim[column]) for column in ("value", "low", "high") if pd.notna(claim[column])]
    if not stated:
        raise ValueError(f"{claim['id']}: states no figure")
    low, high = min(stated), max(stated)
    if claim["unit"] == "rounds per day":
        return low, high
    if claim["unit"] == "rounds":
        return low / days(claim), high / days(claim)
    raise ValueError(f"{claim['id']}: unit {claim['unit']!r} is neither rounds nor rounds per day")


def overlap_days(a: pd.Series, b: pd.Series) -> int:
    """Days two claims' windows share (0 when they do not meet)."""
    start, end = max(a["period_start"], b["period_start"]), min(a["period_end"], b["period_end"])
    return max((end - start).days + 1, 0)


def windowed_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Count claims in rounds or rounds per day with both ends of a window."""
    dated = claims["period_start"].notna() & claims["period_end"].notna()
    return claims[(claims["kind"] == "count") & dated & claims["unit"].isin(["rounds", "rounds per day"])]


def shipments(estimates: pd.DataFrame) -> pd.DataFrame:
    """The shipment claims a share can rest on: windowed counts of rounds no longer than MAX_SHIPMENT_DAYS."""
    shipped = windowed_counts(estimates[estimates["metric"] == "munitions_shipped"])
    return shipped[[days(row) <= MAX_SHIPMENT_DAYS for _, row in shipped.iterrows()]]


def shares(estimates: pd.DataFrame) -> pd.DataFrame:
    """One row per Russian use or production claim that shipment claims cover: both daily rates and the share in percent."""
    shipped = shipments(estimates)
    russian = windowed_counts(estimates[estimates["metric"].isin(RUSSIAN_METRICS)])
    rows = []
    for _, whole in russian.sort_values(["metric", "period_start", "id"]).iterrows():
        covering = [part for _, part in shipped.iterrows() if 2 * overlap_days(part, whole) >= days(whole)]
        if not covering:
            continue
        rates = [daily_rate(part) for part in covering]
        nk_low, nk_high = min(low for low, _ in rates), max(high for _, high in rates)
        russia_low, russia_high = daily_rate(whole)
        share_low, share_high = share_range(nk_low, nk_high, russia_low, russia_high)
        share_is = "at most" if whole["qualifier"] in LOWER_BOUNDS else "at least" if whole["qualifier"] in UPPER_BOUNDS else "range"
        rows.append({
            "id": whole["id"], "metric": whole["metric"], "claimant": whole["claimant"],
            "period_start": whole["period_start"], "period_end": whole["period_end"],
            "russia_low": russia_low, "russia_high": russia_high, "share_is": share_is,
            "shipment_ids": ";".join(sorted(part["id"] for part in covering)),
            "nk_low": nk_low, "nk_high": nk_high, "share_low": share_low, "share_high": share_high,
        })
    return pd.DataFrame(rows, columns=COLUMNS)
