"""Monthly KN-23-labelled launches: zero-filled months, quiet spans, yearly totals."""
from __future__ import annotations

import pandas as pd

from nkarms.analysis import launches


def monthly() -> pd.DataFrame:
    return pd.DataFrame({"month": ["2024-02", "2024-02", "2024-05", "2025-01"], "label_kind": ["a", "b", "a", "a"],
                         "launched": pd.array([3, 1, 2, 10], dtype="Int64")})


def test_months_between_reports_are_zero_and_label_kinds_are_summed() -> None:
    totals = launches.monthly_totals(monthly())
    assert len(totals) == 12  # February 2024 to January 2025, both included
    by_month = dict(zip(totals["month"].dt.strftime("%Y-%m"), totals["launched"]))
    assert by_month["2024-02"] == 4 and by_month["2024-03"] == 0 and by_month["2025-01"] == 10
    assert sum(by_month.values()) == 16


def test_quiet_months_come_in_spans() -> None:
    totals = launches.monthly_totals(monthly())
    quiet = launches.quiet_months(totals, 2024)
    expected = [m for m in pd.date_range("2024-03-01", "2024-12-01", freq="MS") if m.month != 5]
    assert list(quiet["month"]) == expected
    assert launches.quiet_spans(quiet["month"]) == [(pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-01")),
                                                    (pd.Timestamp("2024-06-01"), pd.Timestamp("2024-12-01"))]


def test_yearly_totals_and_average() -> None:
    totals = launches.monthly_totals(monthly())
    assert launches.per_year(totals).to_dict() == {2024: 6, 2025: 10}
    assert launches.monthly_average(totals, 2024) == 6 / 11


def test_fired_counts_meet_the_labelled_launches_of_their_own_period() -> None:
    attacks = pd.DataFrame({"date": pd.to_datetime(["2024-02-15", "2024-03-01", "2024-08-01", "2024-08-02"]),
                            "label_kind": ["either-or", "mixed", "kn23-only", "either-or"],
                            "launched": pd.array([6, 2, 3, 5], dtype="Int64")})
    fired = pd.DataFrame({"id": ["since-start", "august"], "claimant": ["A", "B"],
                          "period_start": pd.to_datetime([None, "2024-08-02"]), "period_end": pd.to_datetime(["2024-03-31", "2024-08-31"])})
    side = launches.beside_fired(fired, attacks).set_index("id")
    assert (side.at["since-start", "labelled"], side.at["since-start", "mixed"]) == (6, 2)
    assert (side.at["august", "labelled"], side.at["august", "mixed"]) == (5, 0)
