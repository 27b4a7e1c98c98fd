"""Ukrainian Air Force daily reports -> launches per month under every label naming the Iskander-M.

Part of the ``ua_airforce`` step (same raw file). Why: a month without an
"Iskander-M/KN-23" label reads as a month without North Korean missiles only if
the Air Force stopped reporting that kind of ballistic launch; the same reports
also name "Iskander-M" alone, or inside a salvo total of several weapon types.
Assumptions, stated:

- a label names the Iskander-M when it contains "Iskander-M" (the cruise missile
  "Iskander-K" does not match);
- a label naming the KN-23 is group ``kn23-label`` whatever else it names, as in
  ``ua_kn23_monthly``;
- "Iskander-M" with nothing else is ``iskander-m-alone``; any other label with
  "Iskander-M" is ``iskander-m-mixed``, whose one launch total includes other
  weapons, so it overstates;
- a blank launch count adds nothing to a month's sum, but its report counts.

Every month from the first to the last with any group appears, for every group,
so that a month without a label reads as 0 launches from 0 reports.
"""

from __future__ import annotations

import pandas as pd

from nkarms.data.pipeline import refuse_flagged

ISKANDER_FILE = "ua_iskander_monthly.csv"
KN23, ALONE, MIXED = "kn23-label", "iskander-m-alone", "iskander-m-mixed"
GROUPS = (KN23, ALONE, MIXED)
COLUMNS = ["month", "label_group", "reports", "launched"]


def label_group(model: str) -> str | None:
    """Which of the three groups a report's weapon label falls in, or None if it names neither missile."""
    if "KN-23" in model:
        return KN23
    if model.strip() == "Iskander-M":
        return ALONE
    if "Iskander-M" in model:
        return MIXED
    return None


def monthly_by_group(daily: pd.DataFrame, to_count) -> pd.DataFrame:
    """Reports and launches per month and label group, zero-filled (``month`` as YYYY-MM text).

    ``to_count`` turns the raw count text into nullable integers, refusing what is not one.
    """
    groups = daily["model"].map(label_group)
    chosen = daily[groups.notna()]
    refuse_flagged(chosen, ~chosen["time_start"].str.fullmatch(r"\d{4}-\d{2}-\d{2}.*"), "time_start", "time_start not a date")
    launched = to_count(chosen["launched"]).fillna(0)
    months = chosen["time_start"].str[:7]
    totals = (
        pd.DataFrame({"month": months, "label_group": groups[groups.notna()], "launched": launched})
        .groupby(["month", "label_group"])
        .agg(reports=("launched", "size"), launched=("launched", "sum"))
    )
    every = pd.period_range(months.min(), months.max(), freq="M").strftime("%Y-%m")
    grid = pd.MultiIndex.from_product([every, GROUPS], names=["month", "label_group"])
    filled = totals.reindex(grid, fill_value=0).reset_index()
    return filled.astype({"reports": "int64", "launched": "int64"})[COLUMNS]


def sanity_checks(by_group: pd.DataFrame, kn23_monthly: pd.DataFrame) -> None:
    """Raise ValueError if the table is malformed or its KN-23 group disagrees with ua_kn23_monthly."""
    if by_group.empty:
        raise ValueError("no report names the Iskander-M: has the Air Force data changed its labels?")
    if not by_group["month"].str.fullmatch(r"\d{4}-\d{2}").all():
        raise ValueError("month not in YYYY-MM form")
    if (by_group[["reports", "launched"]] < 0).any().any():
        raise ValueError("a negative monthly count")
    if ((by_group["reports"] == 0) & (by_group["launched"] > 0)).any():
        raise ValueError("launches in a month and group without a report")
    kn23 = by_group[by_group["label_group"] == KN23].set_index("month")[["reports", "launched"]]
    expected = kn23_monthly.groupby("month")[["reports", "launched"]].sum()
    shown = kn23[kn23["reports"] > 0]
    if not shown.equals(expected.astype("int64")):
        raise ValueError(f"the {KN23} group does not add up to ua_kn23_monthly month by month")
