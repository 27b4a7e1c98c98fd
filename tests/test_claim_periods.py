"""Claim kinds and periods in words."""
import pandas as pd
import pytest

from nkarms.story.claim_periods import kind_text, period_text, stated


def claim(start: str | None, end: str | None) -> pd.Series:
    return pd.Series({"period_start": pd.Timestamp(start) if start else pd.NaT, "period_end": pd.Timestamp(end) if end else pd.NaT})


def test_period_text_reads_each_shape() -> None:
    assert period_text(claim(None, "2025-11-04")) == "since the start, to 4 November 2025"
    assert period_text(claim("2025-01-01", "2025-02-28")) == "1 January 2025 to 28 February 2025"
    assert period_text(claim(None, None)) == "no date given"
    assert period_text(claim("2024-02-03", "2024-02-03")) == "3 February 2024"


def test_kind_text_names_projections_and_refuses_unknown() -> None:
    assert kind_text("projection") == "plan or projection"
    with pytest.raises(KeyError, match="unknown claim kind 'guess'"):
        kind_text("guess")


def figures(value: float | None, low: float | None, high: float | None, qualifier: str) -> pd.Series:
    return pd.Series({"value": value, "low": low, "high": high, "qualifier": qualifier, "unit": "soldiers"})


def test_stated_makes_a_lone_one_singular_only() -> None:
    assert stated(figures(1, None, None, "as stated")) == "1 soldier"
    assert stated(figures(None, 1, None, "at least")) == "at least 1 soldier"
    assert stated(figures(2, None, None, "as stated")) == "2 soldiers"
    assert stated(figures(None, 1, 3, "range")) == "1 to 3 soldiers"
