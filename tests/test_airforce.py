"""nkarms.analysis.airforce: shares destroyed count only reports that say how many were destroyed."""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms import data
from nkarms.analysis import airforce


def reports(*rows: tuple[str, int | None, int | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "launched", "destroyed"])
    return frame.assign(date=pd.to_datetime(frame["date"]), launched=frame["launched"].astype("Int64"),
                        destroyed=frame["destroyed"].astype("Int64"))


def test_a_report_without_a_destroyed_count_is_left_out_of_the_share() -> None:
    attacks = reports(("2025-02-01", 7, 0), ("2025-02-20", 14, None), ("2025-03-01", 10, 5))
    assert airforce.destroyed_share(attacks) == pytest.approx(5 / 17)
    assert len(airforce.with_both_counts(attacks)) == 2


def test_monthly_share_keeps_all_launches_but_divides_by_the_known_ones() -> None:
    attacks = reports(("2025-02-01", 7, 1), ("2025-02-20", 14, None), ("2025-03-01", 10, 5), ("2025-04-02", 3, None))
    monthly = airforce.monthly_destroyed_share(attacks).set_index("month")
    assert monthly.loc["2025-02", ["launched", "known_launched", "destroyed"]].tolist() == [21, 7, 1]
    assert monthly.loc["2025-02", "share"] == pytest.approx(1 / 7)
    assert monthly.loc["2025-03", "share"] == pytest.approx(0.5)
    assert pd.isna(monthly.loc["2025-04", "share"]), "a month with no destroyed count has no share, not 0%"


def test_no_report_with_both_counts_is_an_error() -> None:
    with pytest.raises(ValueError, match="both"):
        airforce.destroyed_share(reports(("2025-02-20", 14, None)))


def test_every_label_kind_in_the_data_has_a_name() -> None:
    assert set(data.load("ua_kn23_attacks")["label_kind"]) <= set(airforce.LABEL_NAMES)
