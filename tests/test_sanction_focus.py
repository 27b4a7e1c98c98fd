"""The focus of sanctions actions: rule order, the general group, and yearly counts by hand."""
import pandas as pd
import pytest

from nkarms.analysis.sanction_focus import GENERAL, by_year, focus


@pytest.mark.parametrize("action, expected", [
    ("Designations over DPRK troop deployment and support to Russia", "troop deployment"),
    ("Designations of a DPRK IT-worker revenue network", "money and revenue"),
    ("Coordinated US-ROK designations of a DPRK weapons-finance network", "money and revenue"),
    ("Unilateral sanctions over arms and fuel trade with Russia", "oil"),
    ("Designations for carrying DPRK munitions to Russia", "ships and transport"),
    ("Designation of Russia-DPRK arms broker", GENERAL),
    ("Sanctions on boiled sweets", GENERAL),
])
def test_focus(action: str, expected: str) -> None:
    assert focus(action) == expected


def test_by_year_counts_and_fills() -> None:
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-05-01", "2025-02-01"]),
                          "action": ["troop deployment", "IT workers", "troops sent"]})
    table = by_year(frame).set_index(["year", "focus"])["actions"]
    assert table[(2024, "troop deployment")] == 1
    assert table[(2024, "money and revenue")] == 1
    assert table[(2025, "troop deployment")] == 1
    assert table[(2025, "oil")] == 0
    assert table.sum() == 3
