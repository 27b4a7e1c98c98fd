"""Reconciliations: figures that bound or scale one another, each assumption stated.

Oil against the UN cap
    Resolution 2397 (2017) caps refined petroleum delivered to North Korea at
    500,000 barrels a year, from all countries together. The cap allowed over a
    period is 500,000 barrels times the period's length in years (its days,
    first and last included, divided by 365.25). The excess ratio is the
    barrels delivered divided by that allowance. Russia's deliveries alone are
    set against the whole cap, so the ratio understates the breach if others
    also delivered; a claim stated as a minimum gives a minimum ratio.

Missiles transferred, fired and launched under the KN-23 label
    A missile must be delivered before it is fired: North Korean missiles
    fired by a date are at most those transferred by that date, and at least
    the number fired shows that many were transferred. The Ukrainian Air
    Force's "Iskander-M/KN-23" label is either/or, so launches so labelled
    include Russian Iskander-M missiles: they never count North Korean
    missiles, and they bound them from above only on the assumption that
    every North Korean missile the Air Force reported carries the label (the
    compiled reports do not cover every launch). Figures compared must refer
    to the same date; labelled launches are summed up to that date.

Shells against Russia's use and production
    A share is a ratio of two uncertain figures over the same period and in the
    same unit (rounds). Its lowest value pairs the smallest shipment with the
    largest total; its highest, the largest shipment with the smallest total.
    Shipped is not fired: the share of use assumes every round shipped was used
    within the period.

Value of the trade
    A value from a quantity and a unit price, each a range, spans the product
    of the two lows to the product of the two highs; no price is assumed that a
    claimant did not state.
"""
from __future__ import annotations

import pandas as pd

UN_OIL_CAP_BARRELS_PER_YEAR = 500_000
DAYS_PER_YEAR = 365.25


def years(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """The length of a period in years, first and last day included."""
    if end < start:
        raise ValueError(f"a period cannot end ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    return ((end - start).days + 1) / DAYS_PER_YEAR


def oil_cap_excess(barrels: float, start: pd.Timestamp, end: pd.Timestamp,
                   cap: float = UN_OIL_CAP_BARRELS_PER_YEAR) -> float:
    """Barrels delivered over a period as a multiple of what the annual cap allows over that period."""
    if barrels < 0:
        raise ValueError("barrels delivered cannot be negative")
    return barrels / (cap * years(start, end))


def oil_excess_table(claims: pd.DataFrame, cap: float = UN_OIL_CAP_BARRELS_PER_YEAR) -> pd.DataFrame:
    """Each barrel claim with a stated period: the cap allowed over it and the excess ratio.

    ``claims`` has id, claimant, value, low, high, qualifier, unit, period_start,
    period_end; rows in another unit or without both period dates are left out,
    since no allowance can be computed for them. The barrels are the claim's
    value, else its stated minimum, else its stated maximum, and ``ratio_is``
    says which: an estimate, a minimum or a maximum.
    """
    dated = claims[(claims["unit"] == "barrels") & claims["period_start"].notna() & claims["period_end"].notna()]
    rows = []
    for _, row in dated.iterrows():
        barrels, ratio_is = next((float(row[column]), meaning) for column, meaning in
                                 (("value", "an estimate"), ("low", "a minimum"), ("high", "a maximum")) if pd.notna(row[column]))
        period_years = years(row["period_start"], row["period_end"])
        rows.append({
            "id": row["id"], "claimant": row["claimant"], "period_start": row["period_start"], "period_end": row["period_end"],
            "barrels": barrels, "years": period_years, "allowed": cap * period_years,
            "ratio": oil_cap_excess(barrels, row["period_start"], row["period_end"], cap), "ratio_is": ratio_is,
        })
    return pd.DataFrame(rows, columns=["id", "claimant", "period_start", "period_end", "barrels", "years", "allowed", "ratio", "ratio_is"])


def missile_bounds(transferred: float, fired: float, labelled: float) -> dict[str, float | bool]:
    """What missiles transferred, fired and launched under the KN-23 label say of one another, by one date.

    Returns the share of transferred missiles already fired, the range of the
    labelled launches that can be North Korean (at least the fired count, at
    most the smaller of transferred and labelled), and whether the figures are
    consistent (fired no more than transferred).
    """
    if min(transferred, fired, labelled) < 0:
        raise ValueError("missile counts cannot be negative")
    if transferred == 0 or labelled == 0:
        raise ValueError("transferred and labelled counts must be positive to form shares")
    return {
        "fired_share_of_transferred": fired / transferred,
        "nk_share_of_labelled_min": min(fired, labelled) / labelled,
        "nk_share_of_labelled_max": min(transferred, labelled) / labelled,
        "consistent": fired <= transferred,
    }


def labelled_launches(attacks: pd.DataFrame, by: pd.Timestamp, kinds: tuple[str, ...] = ("either-or", "kn23-only")) -> float:
    """Launches reported under a label naming the KN-23 (``label_kind`` in ``kinds``) up to and including ``by``."""
    chosen = attacks[(attacks["date"] <= by) & attacks["label_kind"].isin(kinds)]
    return float(chosen["launched"].sum())


def share_range(part_low: float, part_high: float, whole_low: float, whole_high: float) -> tuple[float, float]:
    """A part over a whole, both uncertain, in percent: (smallest part / largest whole, largest part / smallest whole)."""
    if not (0 <= part_low <= part_high) or not (0 < whole_low <= whole_high):
        raise ValueError("need 0 <= part_low <= part_high and 0 < whole_low <= whole_high")
    return 100 * part_low / whole_high, 100 * part_high / whole_low


def value_range(quantity_low: float, quantity_high: float, price_low: float, price_high: float) -> tuple[float, float]:
    """A value from a quantity and a unit price, each a range: (low times low, high times high)."""
    if not (0 <= quantity_low <= quantity_high) or not (0 <= price_low <= price_high):
        raise ValueError("need 0 <= low <= high for both the quantity and the price")
    return quantity_low * price_low, quantity_high * price_high
