"""CNS North Korea Missile Test Database -> KN-23 family tests and tests per year.

Inputs: the three JSON files copied unchanged from nagix/nk-missile-tests (test records,
missile and facility lookups; see PROVENANCE.md). We join them here rather than read the
snapshot's `tests_flat.csv`, which was made for the snapshot and is not an upstream file.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

from nkarms.data.pipeline import refuse_flagged, write_csv

TESTS_JSON = "nk-missile-tests-cns/test.en.json"
MISSILES_JSON = "nk-missile-tests-cns/missile.en.json"
FACILITIES_JSON = "nk-missile-tests-cns/facility.en.json"
INPUTS = (TESTS_JSON, MISSILES_JSON, FACILITIES_JSON)
KN23_FILE = "cns_kn23_tests.csv"
BY_YEAR_FILE = "cns_tests_by_year.csv"

# Missile keys per PROVENANCE.md: Hwasong-11A is the KN-23; the rail-mobile and silo-based
# launches fire the same missile. The other Hwasong-11 variants are related but distinct.
KN23_PROPER = ("hwasong-11a", "rail-mobile-kn-23", "silo-based-kn-23")
OTHER_HWASONG11 = (
    "hwasong-11b",
    "hwasong-11c",
    "hwasong-11d",
    "hwasong-11-da-45",
    "hwasong-11e",
    "hwasong-11s",
)
FAMILY_KN23, FAMILY_OTHER = "KN-23 proper", "other Hwasong-11"
OUTCOMES = ("success", "failure", "unknown")
NOT_A_DISTANCE = ("unknown", "na")  # "na" (N/A) marks failed flights

KN23_COLUMNS = [
    "date",
    "time",
    "series",
    "missile",
    "missile_name",
    "family",
    "facility_name",
    "facility_lat",
    "facility_lon",
    "apogee_km",
    "distance_km",
    "outcome",
]
FIRST_YEAR, LAST_YEAR = 1984, 2026
KN23_FIRST_DATE, LAST_DATE = "2019-01-01", "2026-12-31"  # the KN-23 first flew in May 2019
MAX_APOGEE_KM, MAX_DISTANCE_KM = 200, 1500  # short-range family; largest here 100 and 950
LAT_RANGE, LON_RANGE = (37.5, 43.0), (124.0, 131.0)  # North Korea and its coastal waters


# --- Load inputs -------------------------------------------------------------------


def load_json(raw_dir: Path, relative: str) -> dict:
    """Read one of the upstream JSON files (UTF-8)."""
    return json.loads((raw_dir / relative).read_text(encoding="utf-8"))


# --- Process -----------------------------------------------------------------------


def flatten_time_bins(tests: dict) -> pd.DataFrame:
    """One row per test record; the year bins only group records whose date gives the year."""
    records = [record for time_bin in tests["timeBins"] for record in time_bin["data"]]
    return pd.DataFrame.from_records(records)


def to_km(value: object) -> float | None:
    """Distances mix ints, floats, numeric strings ("100") and the words unknown / na."""
    if value in NOT_A_DISTANCE:
        return None
    return float(value)


def join_lookups(tests: pd.DataFrame, missiles: dict, facilities: dict) -> pd.DataFrame:
    """Add missile name and launch-site name and coordinates; an unknown key raises KeyError."""
    return tests.assign(
        missile_name=[missiles[key]["name"] for key in tests["missile"]],
        facility_name=[facilities[key]["name"] for key in tests["facility"]],
        facility_lat=[facilities[key]["lat"] for key in tests["facility"]],
        facility_lon=[facilities[key]["lon"] for key in tests["facility"]],
        apogee_km=tests["apogee"].map(to_km).astype("float64"),
        distance_km=tests["distance"].map(to_km).astype("float64"),
        series=tests["series"].astype("Int64"),
    )


def family_of(missile: str) -> str | None:
    """KN-23 proper, another Hwasong-11 variant, or None for any other missile."""
    if missile in KN23_PROPER:
        return FAMILY_KN23
    if missile in OTHER_HWASONG11:
        return FAMILY_OTHER
    return None


def kn23_family_tests(tests: pd.DataFrame) -> pd.DataFrame:
    """Hwasong-11 family records in date order, each tagged with its `family`.

    Records of one salvo share date and missile; `time` and `series` tell them apart.
    """
    family = tests["missile"].map(family_of)
    selected = tests.assign(family=family)[family.notna()]
    return selected.sort_values("date", kind="stable").reset_index(drop=True)[KN23_COLUMNS]


def tests_by_year(tests: pd.DataFrame) -> pd.DataFrame:
    """Test records per calendar year, every year of the database (a year without tests is 0)."""
    year = tests["date"].str[:4].astype(int)
    family = tests["missile"].map(family_of)
    counts = pd.DataFrame(
        {
            "year": year,
            "tests": 1,
            "kn23_tests": (family == FAMILY_KN23).astype(int),
            "hwasong11_family_tests": family.notna().astype(int),
        }
    ).groupby("year").sum()
    years = pd.RangeIndex(year.min(), year.max() + 1, name="year")
    return counts.reindex(years, fill_value=0).reset_index()


def sanity_checks_kn23(kn23: pd.DataFrame) -> None:
    """Raise ValueError on dates, places, distances or outcomes a KN-23 test cannot have."""
    if kn23.empty:
        raise ValueError("no Hwasong-11 family test found: have the database's missile keys changed?")

    check = functools.partial(refuse_flagged, kn23, keys=("date", "missile"), of="in the record of")

    check(~kn23["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False), "date", "date not in YYYY-MM-DD form")
    check(~kn23["date"].between(KN23_FIRST_DATE, LAST_DATE), "date", f"KN-23 family test outside {KN23_FIRST_DATE}..{LAST_DATE}")
    check(~kn23["facility_lat"].between(*LAT_RANGE), "facility_lat", f"launch site latitude outside {LAT_RANGE}")
    check(~kn23["facility_lon"].between(*LON_RANGE), "facility_lon", f"launch site longitude outside {LON_RANGE}")
    for column, limit in (("apogee_km", MAX_APOGEE_KM), ("distance_km", MAX_DISTANCE_KM)):
        outside = ~kn23[column].between(0, limit, inclusive="right") & kn23[column].notna()
        check(outside, column, f"{column.removesuffix('_km')} outside 0..{limit} km")
    check(~kn23["outcome"].isin(OUTCOMES), "outcome", "unknown outcome")


def sanity_checks_by_year(by_year: pd.DataFrame) -> None:
    """Raise ValueError on years outside the database or counts that cannot nest."""
    if not by_year["year"].between(FIRST_YEAR, LAST_YEAR).all():
        raise ValueError(f"year outside {FIRST_YEAR}..{LAST_YEAR}")
    if (by_year["kn23_tests"] < 0).any():
        raise ValueError("negative count")
    if (by_year["kn23_tests"] > by_year["hwasong11_family_tests"]).any():
        raise ValueError("more KN-23 tests than Hwasong-11 family tests")
    if (by_year["hwasong11_family_tests"] > by_year["tests"]).any():
        raise ValueError("more Hwasong-11 family tests than tests")


# --- Save outputs ------------------------------------------------------------------


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    """Write cns_kn23_tests.csv and cns_tests_by_year.csv; return their paths."""
    tests = join_lookups(
        flatten_time_bins(load_json(raw_dir, TESTS_JSON)),
        load_json(raw_dir, MISSILES_JSON),
        load_json(raw_dir, FACILITIES_JSON)["facilities"],
    )
    kn23 = kn23_family_tests(tests)
    sanity_checks_kn23(kn23)
    by_year = tests_by_year(tests)
    sanity_checks_by_year(by_year)
    return [
        write_csv(kn23, out_dir / KN23_FILE),
        write_csv(by_year, out_dir / BY_YEAR_FILE),
    ]
