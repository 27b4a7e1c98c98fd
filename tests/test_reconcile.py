"""Reconciliations (src/nkarms/analysis/reconcile.py), on hand-worked figures."""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms.analysis import reconcile as rc


def test_years_count_both_ends() -> None:
    assert rc.years(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")) == 366 / 365.25  # 2024 is a leap year
    with pytest.raises(ValueError, match="cannot end"):
        rc.years(pd.Timestamp("2024-02-01"), pd.Timestamp("2024-01-01"))


def test_oil_excess_over_eight_months() -> None:
    # 7 March to 5 November 2024: 25 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 5 = 244 days, both ends included.
    allowed = 500_000 * 244 / 365.25
    assert rc.oil_cap_excess(1_000_000, pd.Timestamp("2024-03-07"), pd.Timestamp("2024-11-05")) == pytest.approx(1_000_000 / allowed)
    assert 2.99 < 1_000_000 / allowed < 3.0


def test_oil_table_keeps_dated_barrel_claims_and_marks_minimums() -> None:
    claims = pd.DataFrame({
        "id": ["dated", "undated", "voyages", "stated"], "claimant": ["A", "B", "A", "C"],
        "value": [None, 67_300, 43, 67_300], "low": [1_000_000, None, None, None], "high": [None, None, None, None],
        "qualifier": ["more than", "as stated", "as stated", "as stated"],
        "unit": ["barrels", "barrels", "tanker voyages", "barrels"],
        "period_start": pd.to_datetime(["2024-03-01", None, "2024-03-01", "2022-12-01"]),
        "period_end": pd.to_datetime(["2024-10-31", "2023-06-13", "2024-10-31", "2023-04-30"]),
    })
    table = rc.oil_excess_table(claims)
    assert list(table["id"]) == ["dated", "stated"]
    # 1 December 2022 to 30 April 2023: 31 + 31 + 28 + 31 + 30 = 151 days.
    assert table.loc[1, "ratio"] == pytest.approx(67_300 / (500_000 * 151 / 365.25))
    assert table.loc[1, "ratio_is"] == "an estimate"
    # 1 March to 31 October 2024: 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 = 245 days.
    assert table.loc[0, "allowed"] == pytest.approx(500_000 * 245 / 365.25)
    assert table.loc[0, "ratio"] == pytest.approx(1_000_000 / (500_000 * 245 / 365.25))
    assert table.loc[0, "ratio_is"] == "a minimum"


def test_missiles_fired_bounded_by_transferred_and_label() -> None:
    bounds = rc.missile_bounds(transferred=148, fired=60, labelled=453)
    assert bounds["fired_share_of_transferred"] == 60 / 148
    assert bounds["nk_share_of_labelled_min"] == 60 / 453
    assert bounds["nk_share_of_labelled_max"] == 148 / 453
    assert bounds["consistent"] is True
    assert rc.missile_bounds(transferred=100, fired=120, labelled=453)["consistent"] is False
    # More North Korean missiles than labelled launches: at most every labelled launch can be one.
    assert rc.missile_bounds(transferred=148, fired=60, labelled=100)["nk_share_of_labelled_max"] == 1.0


def test_share_pairs_extremes() -> None:
    assert rc.share_range(3_000_000, 4_000_000, 10_000_000, 12_000_000) == (25.0, 40.0)
    with pytest.raises(ValueError):
        rc.share_range(4, 3, 10, 12)


def test_value_multiplies_lows_and_highs() -> None:
    assert rc.value_range(4_000_000, 6_000_000, 100, 300) == (400_000_000, 1_800_000_000)
    with pytest.raises(ValueError):
        rc.value_range(1, 2, 5, 4)


def test_labelled_launches_sum_the_chosen_labels_up_to_the_date() -> None:
    attacks = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-02", "2024-02-07", "2024-02-08", "2024-03-01"]),
        "label_kind": ["either-or", "kn23-only", "mixed", "either-or"], "launched": [6, 2, 5, None],
    })
    assert rc.labelled_launches(attacks, pd.Timestamp("2024-02-08")) == 6 + 2  # "mixed" left out, 1 March too late
    assert rc.labelled_launches(attacks, pd.Timestamp("2024-03-01"), kinds=("either-or", "mixed")) == 6 + 5
