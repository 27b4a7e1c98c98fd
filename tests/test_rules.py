"""Validator rules beyond the schema (src/nkarms/data/rules.py, table_rules.py, problems.py).

Like test_data.py, each test corrupts one thing in a copy of the real data
package and asserts the exact DataError: file, line, column and rule. Lines
are computed by writing the rows with the csv module and counting newlines,
independently of the validator's own line tracking. Nothing is written by the
validator: each test also checks that the corrupted file is left as it was.
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path

import pytest
from test_data import REAL_DATA, Copy, first_row, line_of, read_rows, write_rows

from nkarms import data

loader = importlib.import_module("nkarms.data.load")  # the module, which ``data.load`` (the function) hides


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    return Copy(tmp_path)


def problem(copy: Copy, changed: str) -> str:
    """The DataError message for the copy, after checking the validator leaves ``changed`` untouched."""
    before = (copy.dir / changed).read_bytes()
    with pytest.raises(data.DataError) as raised:
        data.validate_package(copy.package)
    assert (copy.dir / changed).read_bytes() == before
    return str(raised.value)


def cell(rows: list[list[str]], index: int, column: str) -> str:
    return rows[index][rows[0].index(column)]


# --- estimates ---------------------------------------------------------------------------------


def test_the_same_claim_twice_under_a_new_id(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    twin = list(rows[1])
    twin[rows[0].index("id")] = f"{twin[rows[0].index('id')]}-again"
    twin[rows[0].index("source_ids")] = cell(rows, 1, "source_ids").split(";")[0]
    rows.append(twin)
    write_rows(copy.dir / "estimates.csv", rows)
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line_of(rows, len(rows) - 1)}, column 'id': the same claim as line {line_of(rows, 1)} "
        "under a new id; add this row's sources to that row instead"
    )


def test_value_low_and_high_all_empty(copy: Copy) -> None:
    index = first_row(copy.rows("estimates.csv"), lambda row: row["value"] != "")
    line = copy.set_cell("estimates.csv", index, "value", "")
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'value': value, low and high are all empty; a claim states a figure"
    )


def test_range_with_only_a_value(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    index = first_row(rows, lambda row: row["qualifier"] == "range")
    copy.set_cell("estimates.csv", index, "value", cell(rows, index, "low"))
    copy.set_cell("estimates.csv", index, "high", "")
    line = copy.set_cell("estimates.csv", index, "low", "")
    assert problem(copy, "estimates.csv") == f"estimates.csv, line {line}, column 'high': qualifier 'range' needs high"


def test_a_bound_stored_in_value(copy: Copy) -> None:
    """'more than 1,000' keeps 1,000 in low: a bound in value would read as a point figure."""
    rows = copy.rows("estimates.csv")
    index = first_row(rows, lambda row: row["qualifier"] == "more than")
    copy.set_cell("estimates.csv", index, "value", cell(rows, index, "low"))
    line = copy.set_cell("estimates.csv", index, "low", "")
    assert problem(copy, "estimates.csv") == f"estimates.csv, line {line}, column 'low': qualifier 'more than' needs low"


def test_a_share_of_450_percent(copy: Copy) -> None:
    index = first_row(copy.rows("estimates.csv"), lambda row: row["unit"] == "percent" and row["value"] != "")
    line = copy.set_cell("estimates.csv", index, "value", "450")
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'value': a percentage lies between 0 and 100, not 450"
    )


def test_infinity(copy: Copy) -> None:
    index = first_row(copy.rows("estimates.csv"), lambda row: row["value"] != "")
    line = copy.set_cell("estimates.csv", index, "value", "inf")
    assert problem(copy, "estimates.csv") == f"estimates.csv, line {line}, column 'value': 'inf' is not a finite number"


def test_a_claim_dated_2014(copy: Copy) -> None:
    line = copy.set_cell("estimates.csv", 2, "as_of", "2014-03-18")
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'as_of': breaks the rule constraint \"minimum\" is \"2022-01-01\""
    )


def test_a_claimant_with_a_trailing_space(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    line = copy.set_cell("estimates.csv", 3, "claimant", f"{cell(rows, 3, 'claimant')} ")
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'claimant': leading or trailing space in {cell(rows, 3, 'claimant') + ' '!r}"
    )


def test_a_source_listed_twice_in_one_row(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    first = cell(rows, 1, "source_ids").split(";")[0]
    line = copy.set_cell("estimates.csv", 1, "source_ids", f"{first};{first}")
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'source_ids': source id '{first}' is listed twice"
    )


def test_a_misspelt_unit(copy: Copy) -> None:
    line = copy.set_cell("estimates.csv", 1, "unit", "soliders")
    assert problem(copy, "estimates.csv").startswith(
        f"estimates.csv, line {line}, column 'unit': breaks the rule constraint \"enum\" is \"['soldiers',"
    )


def test_a_count_that_covers_days_after_the_claim(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    index = first_row(rows, lambda row: row["kind"] == "count")
    later = dt.date.fromisoformat(cell(rows, index, "as_of")) + dt.timedelta(days=1)
    line = copy.set_cell("estimates.csv", index, "period_end", later.isoformat())
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'period_end': a count cannot cover days after the claim "
        f"(as_of {cell(rows, index, 'as_of')})"
    )


def test_a_conversion_without_a_period_end(copy: Copy) -> None:
    index = first_row(copy.rows("estimates.csv"), lambda row: row["kind"] == "conversion")
    line = copy.set_cell("estimates.csv", index, "period_end", "")
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'period_end': a conversion needs period_end, the last day its figure covers"
    )


def test_a_period_that_runs_backwards(copy: Copy) -> None:
    rows = copy.rows("estimates.csv")
    index = first_row(rows, lambda row: row["period_start"] != "" and row["period_start"] < row["period_end"])
    start, end = cell(rows, index, "period_start"), cell(rows, index, "period_end")
    copy.set_cell("estimates.csv", index, "period_end", start)
    line = copy.set_cell("estimates.csv", index, "period_start", end)
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'period_start': period_start {end} is after period_end {start}"
    )


def test_an_unknown_claimant_id(copy: Copy) -> None:
    line = copy.set_cell("estimates.csv", 2, "claimant_id", "kr-nsi")
    assert problem(copy, "estimates.csv") == (
        f"estimates.csv, line {line}, column 'claimant_id': unknown claimant_id 'kr-nsi' (not in claimants)"
    )


def test_a_claimant_who_makes_no_claim(copy: Copy) -> None:
    rows = copy.rows("claimants.csv")
    rows.append(["xx-nobody", "Nobody", "Nowhere", "government"])
    write_rows(copy.dir / "claimants.csv", rows)
    assert problem(copy, "claimants.csv") == (
        f"claimants.csv, line {line_of(rows, len(rows) - 1)}, column 'id': claimant 'xx-nobody' makes no claim in estimates"
    )


# --- sources ---------------------------------------------------------------------------------


def test_a_source_published_after_it_was_accessed(copy: Copy) -> None:
    rows = copy.rows("sources.csv")
    index = first_row(rows, lambda row: row["published"] != "")
    accessed = dt.date.fromisoformat(cell(rows, index, "accessed"))
    published = (accessed + dt.timedelta(days=1)).isoformat()
    line = copy.set_cell("sources.csv", index, "published", published)
    if dt.date.fromisoformat(published) > dt.date.today():
        pytest.skip("the copy's access date is today; a later publication date would be in the future")
    assert problem(copy, "sources.csv") == (
        f"sources.csv, line {line}, column 'published': published {published} after it was accessed ({accessed})"
    )


def test_two_ids_with_the_same_url(copy: Copy) -> None:
    rows = copy.rows("sources.csv")
    line = copy.set_cell("sources.csv", 3, "url", cell(rows, 1, "url"))
    assert problem(copy, "sources.csv") == (
        f"sources.csv, line {line}, column 'url': the same URL as source {cell(rows, 1, 'id')!r} (line {line_of(rows, 1)})"
    )


def test_an_original_url_on_a_primary_source(copy: Copy) -> None:
    index = first_row(copy.rows("sources.csv"), lambda row: row["tier"] == "primary")
    line = copy.set_cell("sources.csv", index, "original_url", "https://example.org/original")
    assert problem(copy, "sources.csv") == (
        f"sources.csv, line {line}, column 'original_url': original_url is for reposts (tier aggregator), not tier primary"
    )


def test_an_unknown_tier(copy: Copy) -> None:
    line = copy.set_cell("sources.csv", 1, "tier", "wire")
    assert problem(copy, "sources.csv") == (
        f"sources.csv, line {line}, column 'tier': breaks the rule constraint \"enum\" is \"['primary', 'news', 'aggregator']\""
    )


# --- events, places, changelog -------------------------------------------------------------------


def test_an_event_id_whose_date_disagrees(copy: Copy) -> None:
    rows = copy.rows("events.csv")
    moved = (dt.date.fromisoformat(cell(rows, 5, "date")) - dt.timedelta(days=1)).isoformat()
    line = copy.set_cell("events.csv", 5, "date", moved)
    assert problem(copy, "events.csv") == (
        f"events.csv, line {line}, column 'id': the id's date disagrees with the date column "
        f"({moved}: expected 'ev-{moved.replace('-', '')}-...')"
    )


def test_swapped_latitude_and_longitude(copy: Copy) -> None:
    rows = copy.rows("places.csv")
    index = first_row(rows, lambda row: row["country"] == "Ukraine")
    lat, lon = cell(rows, index, "lat"), cell(rows, index, "lon")
    copy.set_cell("places.csv", index, "lat", lon)
    line = copy.set_cell("places.csv", index, "lon", lat)
    assert problem(copy, "places.csv") == (
        f"places.csv, line {line}, column 'lat': ({float(lon):g}, {float(lat):g}) lies outside Ukraine; "
        "latitude and longitude swapped?"
    )


def test_a_version_going_backwards(copy: Copy) -> None:
    rows = copy.rows("changelog.csv")
    newest = max(range(1, len(rows)), key=lambda index: cell(rows, index, "date"))
    older = [cell(rows, index, "version") for index in range(1, len(rows)) if index != newest]
    previous = max(older, key=lambda version: tuple(int(part) for part in version.split(".")))
    line = copy.set_cell("changelog.csv", newest, "version", "0.0.1")
    assert problem(copy, "changelog.csv") == (
        f"changelog.csv, line {line}, column 'version': version 0.0.1 does not follow {previous}, dated earlier"
    )


# --- the Air Force tables ------------------------------------------------------------------------

ATTACKS, MONTHLY = "derived/ua_kn23_attacks.csv", "derived/ua_kn23_monthly.csv"


def test_an_exact_duplicate_report_row(copy: Copy) -> None:
    rows = copy.rows(ATTACKS)
    rows.insert(3, list(rows[2]))
    write_rows(copy.dir / ATTACKS, rows)
    assert problem(copy, ATTACKS) == f"{ATTACKS}, line {line_of(rows, 3)}: the same row as line {line_of(rows, 2)}"


def test_more_destroyed_than_launched(copy: Copy) -> None:
    rows = copy.rows(ATTACKS)
    index = first_row(rows, lambda row: row["launched"] != "" and row["destroyed"] != "")
    launched = int(cell(rows, index, "launched"))
    line = copy.set_cell(ATTACKS, index, "destroyed", str(launched + 1))
    assert problem(copy, ATTACKS) == (
        f"{ATTACKS}, line {line}, column 'destroyed': destroyed ({launched + 1}) is more than launched ({launched})"
    )


def test_an_end_before_the_start(copy: Copy) -> None:
    rows = copy.rows(ATTACKS)
    index = first_row(rows, lambda row: len(row["time_start"]) == 10)
    start = cell(rows, index, "time_start")
    end = f"{dt.date.fromisoformat(start) - dt.timedelta(days=1)} 08:00"
    line = copy.set_cell(ATTACKS, index, "time_end", end)
    assert problem(copy, ATTACKS) == f"{ATTACKS}, line {line}, column 'time_end': time_end {end} is before time_start {start}"


def test_a_month_in_2031(copy: Copy) -> None:
    line = copy.set_cell(MONTHLY, 1, "month", "2031-01")
    assert problem(copy, MONTHLY) == f"{MONTHLY}, line {line}, column 'month': date 2031-01 is in the future"


def test_monthly_totals_that_no_longer_add_up(copy: Copy) -> None:
    rows = copy.rows(MONTHLY)
    launched = int(cell(rows, 2, "launched"))
    line = copy.set_cell(MONTHLY, 2, "launched", str(launched + 1))
    assert problem(copy, MONTHLY) == (
        f"{MONTHLY}, line {line}, column 'launched': launched {launched + 1} does not add up: ua_kn23_attacks gives "
        f"{launched} for {cell(rows, 2, 'month')} ({cell(rows, 2, 'label_kind')})"
    )


def test_no_fixed_upper_date_in_the_package() -> None:
    """'Not in the future' is relative to the build date, so no date field carries a maximum."""
    package = json.loads((REAL_DATA / "datapackage.json").read_text(encoding="utf-8"))
    capped = [(resource["name"], field["name"]) for resource in package["resources"] for field in resource["schema"]["fields"]
              if field["type"] in {"date", "yearmonth"} and "maximum" in field.get("constraints", {})]
    assert capped == []


def test_next_years_attack_passes_once_that_date_has_come(copy: Copy) -> None:
    rows = copy.rows(ATTACKS)
    header = rows[0]
    next_year = dt.date.today().replace(month=1, day=1) + dt.timedelta(days=400)
    rows[1][header.index("date")] = rows[1][header.index("time_start")] = next_year.isoformat()
    rows[1][header.index("time_end")] = f"{next_year} 08:00"
    write_rows(copy.dir / ATTACKS, rows)
    schema = data.resource_descriptor("ua_kn23_attacks", copy.package)["schema"]
    with pytest.raises(data.DataError, match="is in the future"):
        data.check_table(copy.dir / ATTACKS, schema, name="ua_kn23_attacks")
    assert len(data.check_table(copy.dir / ATTACKS, schema, today=next_year, name="ua_kn23_attacks")) == len(rows) - 1


# --- lines, headers and the cache -------------------------------------------------------------------


def test_line_numbers_count_newlines_inside_quoted_cells(copy: Copy) -> None:
    rows = copy.rows("events.csv")
    rows[2][rows[0].index("description")] += "\nA second line.\nAnd a third."
    write_rows(copy.dir / "events.csv", rows)
    line = copy.set_cell("events.csv", 6, "precision", "week")
    assert line == 6 + 1 + 2  # row 6 starts on line 7, moved down by the two newlines above it
    assert problem(copy, "events.csv").startswith(f"events.csv, line {line}, column 'precision': ")


def test_a_reordered_header_names_its_line(copy: Copy) -> None:
    rows = copy.rows("events.csv")
    first, second = rows[0].index("title"), rows[0].index("description")
    for row in rows:
        row[first], row[second] = row[second], row[first]
    write_rows(copy.dir / "events.csv", rows)
    assert problem(copy, "events.csv") == (
        "events.csv, line 1, column 'description': columns out of order: expected 'title' here "
        "(order: id, date, precision, category, title, description, actors, source_ids)"
    )


def test_a_table_is_validated_once_until_its_file_changes(copy: Copy, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    original = loader.schema_problems

    def counting(path: Path, *args: object) -> list:
        calls.append(path)
        return original(path, *args)

    monkeypatch.setattr(loader, "schema_problems", counting)
    data.load("events", copy.package)
    data.load("events", copy.package)
    assert calls.count(copy.dir / "events.csv") == 1
    line = copy.set_cell("events.csv", 2, "precision", "week")
    with pytest.raises(data.DataError, match=f"events.csv, line {line}, column 'precision'"):
        data.load("events", copy.package)
    assert calls.count(copy.dir / "events.csv") == 2


def test_every_real_row_is_one_claim() -> None:
    """The real table holds no claim twice (the rule, checked here without the validator)."""
    rows = read_rows(REAL_DATA / "estimates.csv")
    header = rows[0]
    keys = ["metric", "claimant_id", "value", "low", "high", "qualifier", "kind", "period_start", "period_end"]
    seen = [tuple(row[header.index(key)] for key in keys) for row in rows[1:]]
    assert len(seen) == len(set(seen))


def test_a_repeated_composite_key_names_every_key_column(copy: Copy) -> None:
    rows = copy.rows(MONTHLY)
    rows.insert(3, list(rows[2]))
    write_rows(copy.dir / MONTHLY, rows)
    month, kind = cell(rows, 2, "month"), cell(rows, 2, "label_kind")
    assert problem(copy, MONTHLY) == (
        f"{MONTHLY}, line {line_of(rows, 3)}: duplicate key (month, label_kind) = ({month!r}, {kind!r}) "
        f"(first on line {line_of(rows, 2)})"
    )


def test_load_checks_exactly_the_bytes_it_recorded(copy: Copy, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bytes hashed for the build are the bytes validated and typed: a change after the read cannot slip in."""
    recorded = loader.reads.record

    def record(path: Path) -> bytes:
        raw = recorded(path)
        return raw.replace(b",day,", b",week,", 1) if Path(path).name == "events.csv" else raw

    monkeypatch.setattr(loader.reads, "record", record)
    rows = copy.rows("events.csv")
    index = first_row(rows, lambda row: row["precision"] == "day")
    with pytest.raises(data.DataError) as raised:
        data.load("events", copy.package)
    assert str(raised.value).startswith(f"events.csv, line {line_of(rows, index)}, column 'precision': ")
