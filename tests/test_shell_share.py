"""Shares of Russia's use and production: daily rates, which claims pair, and which way a bound points."""
import pandas as pd
import pytest

from nkarms.analysis import shell_share as ss


def claim(claim_id: str, metric: str, start: str, end: str, value: float | None = None, low: float | None = None,
          high: float | None = None, qualifier: str = "about", unit: str = "rounds", kind: str = "count") -> dict:
    return {"id": claim_id, "metric": metric, "kind": kind, "value": value, "low": low, "high": high, "qualifier": qualifier,
            "unit": unit, "period_start": pd.Timestamp(start), "period_end": pd.Timestamp(end), "claimant": f"Claimant {claim_id}"}


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def test_daily_rate_spreads_rounds_over_the_window_and_keeps_rates() -> None:
    year = pd.Series(claim("a", "munitions_shipped", "2024-01-01", "2024-12-31", 366_000))
    assert ss.daily_rate(year) == (1_000, 1_000)
    rate = pd.Series(claim("b", "russia_shells_fired", "2024-02-01", "2024-02-01", low=20, high=50, qualifier="range", unit="rounds per day"))
    assert ss.daily_rate(rate) == (20, 50)


def test_share_pairs_covering_shipments_and_divides_extremes() -> None:
    estimates = frame(
        claim("ship-2024", "munitions_shipped", "2024-01-01", "2024-12-31", 366_000),  # 1,000 a day
        claim("ship-h1", "munitions_shipped", "2024-01-01", "2024-06-30", 546_000),  # 3,000 a day over 182 days
        claim("ship-long", "munitions_shipped", "2023-01-01", "2025-06-30", 9_000_000),  # too long to average
        claim("ship-plan", "munitions_shipped", "2024-01-01", "2024-12-31", 9_000_000, kind="projection"),
        claim("use-spring", "russia_shells_fired", "2024-03-01", "2024-04-30", low=10_000, high=20_000, qualifier="range", unit="rounds per day"),
        claim("use-2022", "russia_shells_fired", "2022-01-01", "2022-12-31", 10_000_000),
    )
    table = ss.shares(estimates)
    assert table["id"].tolist() == ["use-spring"], "2022 has no shipment claim covering it"
    row = table.iloc[0]
    assert row["shipment_ids"] == "ship-2024;ship-h1"
    assert (row["nk_low"], row["nk_high"]) == (1_000, 3_000)
    assert row["share_low"] == pytest.approx(100 * 1_000 / 20_000)
    assert row["share_high"] == pytest.approx(100 * 3_000 / 10_000)
    assert row["share_is"] == "range"


def test_a_russian_minimum_makes_the_share_a_maximum_and_half_cover_is_needed() -> None:
    estimates = frame(
        claim("ship", "munitions_shipped", "2024-01-01", "2024-03-31", 91_000),  # 1,000 a day
        claim("use-min", "russia_shells_fired", "2024-01-01", "2024-03-31", low=40_000, qualifier="more than", unit="rounds per day"),
        claim("made", "russia_shells_produced", "2023-06-01", "2024-05-31", 3_660_000),  # a third covered
    )
    table = ss.shares(estimates).set_index("id")
    assert list(table.index) == ["use-min"]
    assert table.at["use-min", "share_is"] == "at most"
    assert table.at["use-min", "share_high"] == pytest.approx(2.5)


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        ss.days(pd.Series(claim("bad", "munitions_shipped", "2024-02-01", "2024-01-01", 1)))
