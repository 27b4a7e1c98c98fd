"""The Iskander-M label groups: each label in one group, months zero-filled, counts summed by hand."""
import pandas as pd
import pytest

from nkarms.analysis import ballistic_labels as bl


def daily(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["time_start", "model", "launched"])


@pytest.mark.parametrize("model, group", [
    ("Iskander-M/KN-23", bl.KN23), ("KN-23", bl.KN23), ("X-47 Kinzhal and Iskander-M/KN-23", bl.KN23),
    ("Iskander-M", bl.ALONE), ("C-300/C-400 and Iskander-M", bl.MIXED), ("Iskander-K", None), ("Shahed-136/131", None),
])
def test_label_group(model: str, group: str | None) -> None:
    assert bl.label_group(model) == group


def test_monthly_by_group_sums_and_fills_quiet_months() -> None:
    frame = daily([
        ("2024-01-02 06:00", "Iskander-M", "4.0"), ("2024-01-20", "Iskander-M", "3.0"),
        ("2024-03-05", "Iskander-M/KN-23", "6.0"), ("2024-03-06", "Iskander-K", "9.0"),
        ("2024-03-07", "C-300 and Iskander-M", ""),
    ])
    wide = bl.wide(bl.monthly_by_group(frame)).set_index("month")
    assert list(wide.index) == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    assert wide.loc["2024-01-01"].tolist() == [0, 7, 0]
    assert wide.loc["2024-02-01"].tolist() == [0, 0, 0]
    assert wide.loc["2024-03-01"].tolist() == [6, 0, 0]


def test_quiet_months_keep_other_labels() -> None:
    frame = daily([("2024-02-01", "Iskander-M/KN-23", "2"), ("2024-03-01", "Iskander-M", "5"), ("2024-04-01", "Iskander-M/KN-23", "1")])
    quiet = bl.other_labels_when_quiet(bl.monthly_by_group(frame), pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-01"))
    assert quiet["month"].tolist() == [pd.Timestamp("2024-03-01")]
    assert quiet[bl.ALONE].tolist() == [5]


def test_fractional_count_is_refused() -> None:
    with pytest.raises(ValueError, match="not whole"):
        bl.monthly_by_group(daily([("2024-01-01", "Iskander-M", "2.5")]))
