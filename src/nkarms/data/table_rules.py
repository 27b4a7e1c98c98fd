"""The rules of single tables: estimates, sources, events, places, the changelog and the Air Force tables.

Each function checks one thing a schema cannot express and yields a
:class:`~nkarms.data.problems.Problem` per break; ``BY_TABLE`` says which
table each applies to.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pandas as pd

from nkarms.data.problems import Problem
from nkarms.data.rules import Table, present

# What each qualifier fills: the cells that must be given, and those that must be empty.
QUALIFIER_CELLS = {
    "as stated": ({"value"}, {"low", "high"}),
    "about": ({"value"}, {"low", "high"}),
    "range": ({"low", "high"}, set()),
    "at least": ({"low"}, {"value", "high"}),
    "more than": ({"low"}, {"value", "high"}),
    "up to": ({"high"}, {"value", "low"}),
    "fewer than": ({"high"}, {"value", "low"}),
}
CLAIM_KEY = ["metric", "claimant_id", "value", "low", "high", "qualifier", "kind", "period_start", "period_end"]

# Rough boxes (south, north, west, east in degrees) around each country a place may lie in; a swapped
# latitude and longitude falls outside. Russia's box stops at 180 degrees east (Chukotka is not mapped).
COUNTRY_BOXES = {
    "Ukraine": (44.0, 52.5, 22.0, 40.5),
    "Ukraine (Russian-occupied Crimea)": (44.3, 46.3, 32.4, 36.7),
    "Russia": (41.0, 82.0, 19.5, 180.0),
    "North Korea": (37.5, 43.1, 124.0, 130.8),
    "South Korea": (33.0, 38.7, 124.5, 131.0),
    "China": (18.0, 53.6, 73.5, 135.1),
    "Belarus": (51.2, 56.2, 23.1, 32.8),
}


# --- estimates ---------------------------------------------------------------------------------


def figures_match_qualifier(table: Table) -> Iterator[Problem]:
    """A row states a figure, and the qualifier says where: value, a range's two ends, or one bound."""
    for index, row in table.frame.iterrows():
        given = {column for column in ("value", "low", "high") if present(row[column])}
        if not given:
            yield table.at(index, "value", "value, low and high are all empty; a claim states a figure")
            continue
        needed, forbidden = QUALIFIER_CELLS[row["qualifier"]]
        for column in sorted(needed - given):
            yield table.at(index, column, f"qualifier '{row['qualifier']}' needs {column}")
        for column in sorted(forbidden & given):
            yield table.at(index, column, f"qualifier '{row['qualifier']}' leaves {column} empty")


def percent_within_0_100(table: Table) -> Iterator[Problem]:
    for index, row in table.frame.iterrows():
        if row["unit"] != "percent":
            continue
        for column in ("value", "low", "high"):
            if present(row[column]) and not 0 <= row[column] <= 100:
                yield table.at(index, column, f"a percentage lies between 0 and 100, not {row[column]:g}")


def period_fits_kind(table: Table) -> Iterator[Problem]:
    """Counts and conversions cover a period that has ended by the claim's date; no period runs backwards."""
    for index, row in table.frame.iterrows():
        start, end, as_of = row["period_start"], row["period_end"], row["as_of"]
        if present(start) and present(end) and start > end:
            yield table.at(index, "period_start", f"period_start {start.date()} is after period_end {end.date()}")
        if row["kind"] == "projection":
            continue
        if not present(end):
            yield table.at(index, "period_end", f"a {row['kind']} needs period_end, the last day its figure covers")
        elif end > as_of:
            yield table.at(index, "period_end", f"a {row['kind']} cannot cover days after the claim (as_of {as_of.date()})")


def one_row_per_claim(table: Table) -> Iterator[Problem]:
    """One claim, many carriers: the same claimant's same figure for the same quantity and period is one row."""
    seen: dict[tuple[str, ...], int] = {}
    for index, row in enumerate(table.raw):
        key = tuple(row[column] for column in CLAIM_KEY)
        if key in seen:
            yield table.at(index, "id", f"the same claim as line {table.lines[seen[key]]} under a new id; "
                                        "add this row's sources to that row instead")
        seen.setdefault(key, index)


# --- sources -----------------------------------------------------------------------------------


def read_after_published(table: Table) -> Iterator[Problem]:
    for index, row in table.frame.iterrows():
        if present(row["published"]) and row["published"] > row["accessed"]:
            yield table.at(index, "published", f"published {row['published'].date()} after it was accessed ({row['accessed'].date()})")


def one_id_per_url(table: Table) -> Iterator[Problem]:
    """Two ids for one address would count one document twice (scheme, host case and a final slash aside)."""
    seen: dict[str, int] = {}
    for index, url in enumerate(table.frame["url"]):
        parts = urlsplit(str(url))
        key = f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}"
        if key in seen:
            yield table.at(index, "url", f"the same URL as source {table.frame['id'][seen[key]]!r} (line {table.lines[seen[key]]})")
        seen.setdefault(key, index)


def original_only_for_reposts(table: Table) -> Iterator[Problem]:
    for index, row in table.frame.iterrows():
        if present(row["original_url"]) and row["tier"] != "aggregator":
            yield table.at(index, "original_url", f"original_url is for reposts (tier aggregator), not tier {row['tier']}")
        if present(row["original_url"]) and row["original_url"] == row["url"]:
            yield table.at(index, "original_url", "original_url repeats url")


# --- events, places, changelog -------------------------------------------------------------------


def id_carries_date(table: Table) -> Iterator[Problem]:
    """An event id starts with its date (``ev-20240615-...``)."""
    for index, row in table.frame.iterrows():
        stamp = f"{row['date']:%Y%m%d}"
        if not str(row["id"]).startswith(f"ev-{stamp}-"):
            yield table.at(index, "id", f"the id's date disagrees with the date column ({row['date'].date()}: expected 'ev-{stamp}-...')")


def inside_country(table: Table) -> Iterator[Problem]:
    """Each place lies in a rough box around its country, which catches a swapped latitude and longitude."""
    for index, row in table.frame.iterrows():
        box = COUNTRY_BOXES.get(row["country"])
        if box is None:
            yield table.at(index, "country", f"no bounding box for country {row['country']!r} (add one to COUNTRY_BOXES)")
        elif not (box[0] <= row["lat"] <= box[1] and box[2] <= row["lon"] <= box[3]):
            yield table.at(index, "lat", f"({row['lat']:g}, {row['lon']:g}) lies outside {row['country']}; latitude and longitude swapped?")


def versions_grow(table: Table) -> Iterator[Problem]:
    """Later changelog entries carry later versions (compared as numbers, 0.10.0 after 0.9.0)."""
    ordered = table.frame.assign(_line=table.lines).sort_values("date")
    previous = None
    for _, row in ordered.iterrows():
        version = tuple(int(part) for part in row["version"].split("."))
        if previous is not None and version <= previous[0]:
            yield Problem(table.path, row["_line"], "version", f"version {row['version']} does not follow {previous[1]}, dated earlier")
        previous = (version, row["version"])


# --- the Air Force tables ------------------------------------------------------------------------


def destroyed_within_launched(table: Table) -> Iterator[Problem]:
    for index, row in table.frame.iterrows():
        if present(row["launched"]) and present(row["destroyed"]) and row["destroyed"] > row["launched"]:
            yield table.at(index, "destroyed", f"destroyed ({row['destroyed']}) is more than launched ({row['launched']})")


def ends_after_start(table: Table) -> Iterator[Problem]:
    for index, row in table.frame.iterrows():
        if str(row["time_end"]) < str(row["time_start"]):
            yield table.at(index, "time_end", f"time_end {row['time_end']} is before time_start {row['time_start']}")


BY_TABLE: dict[str, list[Callable[[Table], Iterator[Problem]]]] = {
    "estimates": [figures_match_qualifier, percent_within_0_100, period_fits_kind, one_row_per_claim],
    "sources": [read_after_published, one_id_per_url, original_only_for_reposts],
    "events": [id_carries_date],
    "places": [inside_country],
    "changelog": [versions_grow],
    "ua_kn23_attacks": [destroyed_within_launched, ends_after_start],
    "ua_kn23_monthly": [destroyed_within_launched],
}


def monthly_totals(monthly: pd.DataFrame, attacks: pd.DataFrame) -> pd.DataFrame:
    """The monthly table as the per-report table adds up: reports, launched and destroyed per month and label."""
    grouped = attacks.assign(month=attacks["date"].dt.strftime("%Y-%m")).groupby(["month", "label_kind"])
    expected = grouped.agg(reports=("date", "size"), launched=("launched", "sum"), destroyed=("destroyed", "sum"))
    return expected.reset_index()
