"""The Iskander-M label groups: the pipeline puts each label in one group and zero-fills months; the analysis names and reshapes them."""
import pandas as pd
import pytest

from nkarms import data
from nkarms.analysis import ballistic_labels as bl
from nkarms.data.pipeline import ua_airforce, ua_iskander


def daily(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["time_start", "model", "launched"])


def grouped(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return ua_iskander.monthly_by_group(daily(rows), ua_airforce.to_count)


@pytest.mark.parametrize("model, group", [
    ("Iskander-M/KN-23", ua_iskander.KN23), ("KN-23", ua_iskander.KN23), ("X-47 Kinzhal and Iskander-M/KN-23", ua_iskander.KN23),
    ("Iskander-M", ua_iskander.ALONE), ("C-300/C-400 and Iskander-M", ua_iskander.MIXED), ("Iskander-K", None), ("Shahed-136/131", None),
])
def test_label_group(model: str, group: str | None) -> None:
    assert ua_iskander.label_group(model) == group


def test_monthly_by_group_sums_and_fills_quiet_months() -> None:
    table = grouped([
        ("2024-01-02 06:00", "Iskander-M", "4.0"), ("2024-01-20", "Iskander-M", "3.0"),
        ("2024-03-05", "Iskander-M/KN-23", "6.0"), ("2024-03-06", "Iskander-K", "9.0"),
        ("2024-03-07", "C-300 and Iskander-M", ""),
    ])
    wide = bl.wide(bl.monthly_by_group(table)).set_index("month")
    assert list(wide.index) == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    assert wide.loc["2024-01-01"].tolist() == [0, 7, 0]
    assert wide.loc["2024-02-01"].tolist() == [0, 0, 0]
    assert wide.loc["2024-03-01"].tolist() == [6, 0, 0]
    reports = table.set_index(["month", "label_group"])["reports"]
    assert (reports["2024-01", ua_iskander.ALONE], reports["2024-03", ua_iskander.MIXED], reports["2024-02", ua_iskander.KN23]) == (2, 1, 0)


def test_quiet_months_keep_other_labels() -> None:
    table = grouped([("2024-02-01", "Iskander-M/KN-23", "2"), ("2024-03-01", "Iskander-M", "5"), ("2024-04-01", "Iskander-M/KN-23", "1")])
    quiet = bl.other_labels_when_quiet(bl.monthly_by_group(table), pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-01"))
    assert quiet["month"].tolist() == [pd.Timestamp("2024-03-01")]
    assert quiet[bl.ALONE].tolist() == [5]


def test_fractional_count_is_refused() -> None:
    with pytest.raises(ValueError, match="non-integer"):
        grouped([("2024-01-01", "Iskander-M", "2.5")])


def test_kn23_group_must_match_the_kn23_monthly_table() -> None:
    table = grouped([("2024-02-01", "Iskander-M/KN-23", "2"), ("2024-03-01", "Iskander-M", "5")])
    matching = pd.DataFrame({"month": ["2024-02"], "label_kind": ["either-or"], "reports": [1], "launched": [2], "destroyed": [0]})
    ua_iskander.sanity_checks(table, matching)
    with pytest.raises(ValueError, match="does not add up"):
        ua_iskander.sanity_checks(table, matching.assign(launched=[3]))


def test_unknown_group_in_the_derived_table_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown label group"):
        bl.monthly_by_group(pd.DataFrame({"month": ["2024-01"], "label_group": ["kn-24"], "reports": [1], "launched": [1]}))


def test_the_committed_table_gives_the_kn23_totals_of_ua_kn23_monthly() -> None:
    wide = bl.wide(bl.monthly_by_group()).set_index("month")
    kn23 = data.load("ua_kn23_monthly").groupby("month")["launched"].sum()
    assert int(wide[bl.KN23].sum()) == int(kn23.sum())
