"""Validation of the data package (src/nkarms/data/load.py and problems.py).

The real package must validate. Every other test copies the real ``data/``
directory (descriptor, curated tables and ``derived/``) into a temporary folder,
corrupts one cell or one file the way a hand edit or a bad export would, and
asserts the exact message of the :class:`DataError` that ``validate_package``
raises: it must name the file, the line, the column and the broken rule.

Rows are chosen by what they hold (the first row with a range, the second
event...), not by id, so the tests keep working as curators add rows.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from nkarms import data, project

DATAPACKAGE = project.datapackage()

REAL_DATA = DATAPACKAGE.parent


# --- helpers ---------------------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def line_of(rows: list[list[str]], index: int) -> int:
    """The 1-based line on which row ``index`` (0 = header) starts, as ``write_rows`` writes it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows[:index])
    return buffer.getvalue().count("\n") + 1


def first_row(rows: list[list[str]], test: Callable[[dict[str, str]], bool], start: int = 1) -> int:
    """Index of the first data row (from ``start``) for which ``test(row as dict)`` holds."""
    header = rows[0]
    for index in range(start, len(rows)):
        if test(dict(zip(header, rows[index]))):
            return index
    raise AssertionError("the real data holds no row of the kind this test needs")


def problem(package: Path) -> str:
    """The message of the DataError that validating ``package`` raises."""
    with pytest.raises(data.DataError) as raised:
        data.validate_package(package)
    return str(raised.value)


def plain(number: str) -> str:
    """A number as the row rules print it when it is small (``480``, ``1.5``)."""
    return f"{float(number):g}"


class Copy:
    """A writable copy of the real data package, with helpers to corrupt it."""

    def __init__(self, root: Path) -> None:
        self.dir = root / "data"
        shutil.copytree(REAL_DATA, self.dir)
        self.package = self.dir / "datapackage.json"

    def rows(self, name: str) -> list[list[str]]:
        return read_rows(self.dir / name)

    def set_cell(self, name: str, index: int, column: str, value: str) -> int:
        """Write ``value`` into row ``index`` of ``column``; return that row's line."""
        rows = self.rows(name)
        rows[index][rows[0].index(column)] = value
        write_rows(self.dir / name, rows)
        return line_of(rows, index)


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    return Copy(tmp_path)


# --- the real data ----------------------------------------------------------------------


def test_every_real_table_validates() -> None:
    tables = data.validate_package(DATAPACKAGE)
    assert set(tables) == set(data.resource_names(DATAPACKAGE))
    for name, frame in tables.items():
        assert len(frame) > 0, f"{name} is empty"


def test_every_described_file_exists_and_every_csv_is_described() -> None:
    described = {data.resource_descriptor(name)["path"] for name in data.resource_names()}
    on_disk = {
        path.relative_to(REAL_DATA).as_posix() for path in REAL_DATA.rglob("*.csv")
        if not {"raw", "releases"} & set(path.relative_to(REAL_DATA).parts)  # snapshots, described by their README.md
    }
    assert described == on_disk


def test_loaded_tables_carry_the_schema_types() -> None:
    estimates = data.load("estimates")
    assert str(estimates["value"].dtype) == "Float64"
    assert pd.api.types.is_datetime64_any_dtype(estimates["as_of"])
    attacks = data.load("ua_kn23_attacks")
    assert str(attacks["launched"].dtype) == "Int64"


def test_a_rewritten_but_unchanged_copy_still_validates(copy: Copy) -> None:
    """The corruption helpers rewrite files with the csv module; that alone must change nothing."""
    for path in copy.dir.rglob("*.csv"):
        if "raw" in path.relative_to(copy.dir).parts:
            continue
        write_rows(path, read_rows(path))
    assert set(data.validate_package(copy.package)) == set(data.resource_names(DATAPACKAGE))


def test_data_error_is_a_value_error() -> None:
    assert issubclass(data.DataError, ValueError)


# --- one broken rule at a time ------------------------------------------------------------


def test_missing_column(copy: Copy) -> None:
    rows = copy.rows("events.csv")
    gone = rows[0].index("actors")
    write_rows(copy.dir / "events.csv", [row[:gone] + row[gone + 1:] for row in rows])
    assert problem(copy.package) == "events.csv, line 1, column 'actors': a required column is missing"


def test_missing_column_in_a_derived_table(copy: Copy) -> None:
    rows = copy.rows("derived/ua_kn23_attacks.csv")
    gone = rows[0].index("launched")
    write_rows(copy.dir / "derived/ua_kn23_attacks.csv", [row[:gone] + row[gone + 1:] for row in rows])
    assert problem(copy.package) == (
        "derived/ua_kn23_attacks.csv, line 1, column 'launched': a required column is missing"
    )


def test_bad_date(copy: Copy) -> None:
    line = copy.set_cell("events.csv", 3, "date", "2024-02-30")
    assert problem(copy.package) == f"events.csv, line {line}, column 'date': not a valid date"


def test_date_in_another_format(copy: Copy) -> None:
    line = copy.set_cell("events.csv", 2, "date", "30/03/2023")
    assert problem(copy.package) == f"events.csv, line {line}, column 'date': not a valid date"


def test_negative_count(copy: Copy) -> None:
    index = first_row(copy.rows("derived/ua_kn23_attacks.csv"), lambda row: row["launched"] != "")
    line = copy.set_cell("derived/ua_kn23_attacks.csv", index, "launched", "-2")
    assert problem(copy.package) == (
        f"derived/ua_kn23_attacks.csv, line {line}, column 'launched': breaks the rule constraint \"minimum\" is \"0\""
    )


def test_negative_estimate(copy: Copy) -> None:
    index = first_row(copy.rows("estimates.csv"), lambda row: row["value"] != "")
    line = copy.set_cell("estimates.csv", index, "value", "-5000")
    assert problem(copy.package) == (
        f"estimates.csv, line {line}, column 'value': breaks the rule constraint \"minimum\" is \"0\""
    )


def test_unknown_source_id(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    index = first_row(rows, lambda row: ";" in row["source_ids"])
    first = rows[index][rows[0].index("source_ids")].split(";")[0]
    line = copy.set_cell("estimates.csv", index, "source_ids", f"{first};{first}-typo")
    assert problem(copy.package) == (
        f"estimates.csv, line {line}, column 'source_ids': unknown source id '{first}-typo'"
    )


def test_duplicate_id_is_rejected_at_its_line_and_column(copy: Copy) -> None:
    rows = copy.rows("events.csv")
    line = copy.set_cell("events.csv", 3, "id", rows[1][rows[0].index("id")])
    assert problem(copy.package).startswith(f"events.csv, line {line}, column 'id': ")


def test_duplicate_id_message_names_the_rule(copy: Copy) -> None:
    rows = copy.rows("events.csv")
    duplicate = rows[1][rows[0].index("id")]
    line = copy.set_cell("events.csv", 3, "id", duplicate)
    assert problem(copy.package) == (
        f"events.csv, line {line}, column 'id': duplicate value '{duplicate}' (first on line {line_of(rows, 1)})"
    )


def test_text_in_a_numeric_column(copy: Copy) -> None:
    index = first_row(copy.rows("estimates.csv"), lambda row: row["value"] != "")
    line = copy.set_cell("estimates.csv", index, "value", "about 5000")
    assert problem(copy.package) == f"estimates.csv, line {line}, column 'value': not a valid number"


def test_text_in_an_integer_column(copy: Copy) -> None:
    index = first_row(copy.rows("derived/ua_kn23_attacks.csv"), lambda row: row["destroyed"] != "")
    line = copy.set_cell("derived/ua_kn23_attacks.csv", index, "destroyed", "two")
    assert problem(copy.package) == (
        f"derived/ua_kn23_attacks.csv, line {line}, column 'destroyed': not a valid integer"
    )


def _latin1_cell(copy: Copy) -> int:
    """Save one claimant in findings.csv as Latin-1 (a spreadsheet's 'CSV' export); return its line."""
    rows = copy.rows("findings.csv")
    index = first_row(rows, lambda row: True, start=3)
    cell = rows[index][rows[0].index("claimant")]
    line = copy.set_cell("findings.csv", index, "claimant", f"{cell} (Général)")
    path = copy.dir / "findings.csv"
    path.write_bytes(path.read_bytes().replace("Général".encode(), "Général".encode("latin-1")))
    return line


def test_non_utf8_file(copy: Copy) -> None:
    line = _latin1_cell(copy)
    message = problem(copy.package)
    assert message.startswith(f"findings.csv, line {line}")
    assert message.endswith(": the file is not UTF-8 (byte 0xe9)")


def test_non_utf8_file_names_the_column(copy: Copy) -> None:
    line = _latin1_cell(copy)
    assert problem(copy.package) == f"findings.csv, line {line}, column 'claimant': the file is not UTF-8 (byte 0xe9)"


def test_empty_file(copy: Copy) -> None:
    """An empty file has no column to name: line 1 is where the header should be."""
    (copy.dir / "sanctions.csv").write_text("", encoding="utf-8")
    assert problem(copy.package) == "sanctions.csv, line 1: the file is empty; a header row is required"


def test_low_greater_than_high(copy: Copy) -> None:
    rows = copy.rows("weapon_specs.csv")
    index = first_row(rows, lambda row: row["value"] == "" and row["low"] != "" and row["high"] != "")
    low, high = (rows[index][rows[0].index(name)] for name in ("low", "high"))
    copy.set_cell("weapon_specs.csv", index, "low", high)
    line = copy.set_cell("weapon_specs.csv", index, "high", low)
    assert problem(copy.package) == (
        f"weapon_specs.csv, line {line}, column 'low': low ({plain(high)}) is greater than high ({plain(low)})"
    )


def test_low_greater_than_value(copy: Copy) -> None:
    rows = copy.rows("weapon_specs.csv")
    index = first_row(rows, lambda row: row["value"] != "" and row["low"] == "")
    value = rows[index][rows[0].index("value")]
    above = str(int(float(value)) + 1)
    line = copy.set_cell("weapon_specs.csv", index, "low", above)
    assert problem(copy.package) == (
        f"weapon_specs.csv, line {line}, column 'low': low ({above}) is greater than value ({plain(value)})"
    )


def test_low_greater_than_high_prints_large_numbers_in_full(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    index = first_row(rows, lambda row: row["low"] != "" and row["high"] != "" and float(row["high"]) >= 1e6)
    low, high = (rows[index][rows[0].index(name)] for name in ("low", "high"))
    copy.set_cell("estimates.csv", index, "low", high)
    line = copy.set_cell("estimates.csv", index, "high", low)
    assert problem(copy.package) == (
        f"estimates.csv, line {line}, column 'low': "
        f"low ({float(high):,.0f}) is greater than high ({float(low):,.0f})"
    )


def test_future_date(copy: Copy) -> None:
    line = copy.set_cell("events.csv", 4, "date", "2099-03-01")
    assert problem(copy.package) == f"events.csv, line {line}, column 'date': date 2099-03-01 is in the future"


def test_future_date_relative_to_today() -> None:
    """check_table takes ``today``; a date after it is in the future even if it is past now."""
    descriptor = data.resource_descriptor("events")
    frame = data.check_table(REAL_DATA / descriptor["path"], descriptor["schema"])
    first = frame["date"].min().date()
    today = first - dt.timedelta(days=1)
    with pytest.raises(data.DataError) as raised:
        data.check_table(REAL_DATA / descriptor["path"], descriptor["schema"], today=today)
    assert f"column 'date': date {first} is in the future" in str(raised.value)


def test_malformed_url(copy: Copy) -> None:
    rows = copy.rows("sources.csv")
    index = first_row(rows, lambda row: row["url"].startswith("https://"))
    broken = rows[index][rows[0].index("url")].replace("https://", "https//", 1)
    line = copy.set_cell("sources.csv", index, "url", broken)
    assert problem(copy.package) == (
        f"sources.csv, line {line}, column 'url': breaks the rule constraint \"pattern\" is "
        '"^https?://[^\\s/]+\\.[^\\s]+$"'
    )


def test_unused_source(copy: Copy) -> None:
    rows = copy.rows("sources.csv")
    extra = list(rows[1])
    extra[rows[0].index("id")] = f"{extra[rows[0].index('id')]}-uncited"
    extra[rows[0].index("url")] = "https://example.org/uncited"
    rows.append(extra)
    write_rows(copy.dir / "sources.csv", rows)
    assert problem(copy.package) == (
        f"sources.csv, line {line_of(rows, len(rows) - 1)}, column 'id': "
        f"source '{extra[rows[0].index('id')]}' is cited by no row"
    )


def test_value_outside_the_allowed_categories(copy: Copy) -> None:
    line = copy.set_cell("events.csv", 2, "precision", "week")
    assert problem(copy.package) == (
        f"events.csv, line {line}, column 'precision': breaks the rule constraint \"enum\" is \"['day', 'month']\""
    )


def test_empty_required_cell(copy: Copy) -> None:
    line = copy.set_cell("estimates.csv", 2, "claimant", "")
    assert problem(copy.package) == (
        f"estimates.csv, line {line}, column 'claimant': breaks the rule constraint \"required\" is \"True\""
    )


def test_malformed_source_list(copy: Copy) -> None:
    """Ids must be joined with a bare ';' (a space after it is a common hand edit)."""
    rows = copy.rows("events.csv")
    index = first_row(rows, lambda row: ";" in row["source_ids"])
    spaced = rows[index][rows[0].index("source_ids")].replace(";", "; ")
    line = copy.set_cell("events.csv", index, "source_ids", spaced)
    assert problem(copy.package).startswith(
        f"events.csv, line {line}, column 'source_ids': breaks the rule constraint \"pattern\""
    )
