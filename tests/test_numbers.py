"""One way to print numbers (src/nkarms/story/numbers.py): amounts, labels and plurals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nkarms.story import numbers


@pytest.mark.parametrize("column", ["year", "year_of_order", "resolution", "id", "release_version"])
def test_label_columns_are_identifiers(column: str) -> None:
    assert numbers.is_identifier(column)


@pytest.mark.parametrize("column", ["value", "number_delivered", "rows", "n_targets", "distance_km", "yearly_total"])
def test_amount_columns_are_not(column: str) -> None:
    assert not numbers.is_identifier(column)


def test_identifiers_never_take_a_separator() -> None:
    for value in (2023, np.int64(1718), 2024.0, pd.array([2397], dtype="Int64")[0]):
        assert numbers.identifier(value) == str(int(value))
    assert numbers.identifier("S/RES/2397") == "S/RES/2397"
    assert numbers.identifier(None) == numbers.identifier(pd.NA) == ""


def test_quantities_keep_separators_and_one_decimal() -> None:
    assert numbers.quantity(28000) == "28" + "," + "000"
    assert numbers.quantity(np.float64(74.626866)) == "74.6"
    assert numbers.quantity(1_000_000.0) == "1,000,000"
    assert numbers.quantity(float("nan")) == ""


@pytest.mark.parametrize(("unit", "one"), [
    ("soldiers", "soldier"), ("containers", "container"), ("artillery rounds", "artillery round"),
    ("casualties", "casualty"), ("barrels of refined petroleum", "barrel of refined petroleum"),
    ("people", "person"), ("launches", "launch"), ("US dollars", "US dollar"),
])
def test_one_takes_the_singular(unit: str, one: str) -> None:
    assert numbers.counted(1, unit) == f"1 {one}"
    assert numbers.counted(2, unit) == f"2 {unit}"
    assert numbers.counted(12_000, unit) == f"12,000 {unit}"
