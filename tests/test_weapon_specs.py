"""Weapon specifications are dated claims (issue 15 item 7): each row says when it was stated
and what it rests on, and a hand edit that breaks either is refused with file, line and column.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from nkarms import data, project

DATA = project.datapackage().parent
BASES = ["measured test flight", "claimed maximum", "outside estimate", "battlefield observation"]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _corrupt(tmp_path: Path, column: str, value: str) -> tuple[Path, int]:
    """A copy of the data package with the first weapon_specs row's ``column`` set to ``value``."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / "weapon_specs.csv"
    rows = _rows(path)
    rows[1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return copy / "datapackage.json", 2


def _problem(package: Path) -> str:
    with pytest.raises(data.DataError) as raised:
        data.validate_package(package)
    return str(raised.value)


def test_every_spec_has_a_known_basis_and_a_claim_date() -> None:
    specs = data.load("weapon_specs")
    assert set(specs["basis"]) <= set(BASES)
    assert specs["as_of"].notna().all()


def test_no_spec_is_dated_after_every_report_that_carries_it() -> None:
    """as_of is the earliest stored report of the claim, so it cannot follow the latest one."""
    sources = data.load("sources").set_index("id")
    specs = data.load("weapon_specs")
    checked = 0
    for _, row in specs.iterrows():
        published = sources.loc[data.split_ids(row["source_ids"]), "published"].dropna()
        if published.empty:
            continue
        checked += 1
        assert row["as_of"] <= published.max(), row["id"]
    assert checked > 0


def test_accuracy_claims_form_a_dated_series_with_claimants() -> None:
    specs = data.load("weapon_specs")
    accuracy = specs[(specs["system"] == "KN-23") & (specs["attribute"] == "cep_m")]
    assert accuracy["as_of"].nunique() >= 2
    assert accuracy["claimant"].notna().all()


def test_unknown_basis_is_refused(tmp_path: Path) -> None:
    package, line = _corrupt(tmp_path, "basis", "rumour")
    assert _problem(package) == (
        f"weapon_specs.csv, line {line}, column 'basis': breaks the rule constraint \"enum\" is \"{BASES}\""
    )


def test_missing_claim_date_is_refused(tmp_path: Path) -> None:
    package, line = _corrupt(tmp_path, "as_of", "")
    assert _problem(package) == (
        f"weapon_specs.csv, line {line}, column 'as_of': breaks the rule constraint \"required\" is \"True\""
    )


def test_future_claim_date_is_refused(tmp_path: Path) -> None:
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    package, line = _corrupt(tmp_path, "as_of", future)
    assert _problem(package) == f"weapon_specs.csv, line {line}, column 'as_of': date {future} is in the future"
