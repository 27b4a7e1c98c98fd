"""The citation registry (src/nkarms/analysis/sources.py).

Expected source lines are written from data/sources.csv and data/datapackage.json
read directly (csv, json), not through the package, so a loader bug cannot hide
in both sides of the comparison.
"""
from __future__ import annotations

import csv
import datetime as dt
import json

import pandas as pd
import pytest

from nkarms import project
from nkarms.analysis import sources

DATAPACKAGE = project.datapackage()

SOURCES_CSV = DATAPACKAGE.parent / "sources.csv"


@pytest.fixture(scope="module")
def registry() -> list[dict[str, str]]:
    with SOURCES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def dated(registry: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = [row for row in registry if row["published"]]
    assert len(rows) >= 15
    return rows


def day(row: dict[str, str]) -> str:
    """A source's publication day as readers see it (``2 Jul 2025``), from the CSV text."""
    published = dt.date.fromisoformat(row["published"])
    return f"{published.day} {published:%b %Y}"


def link(row: dict[str, str]) -> str:
    return f"[{row['publisher']}, {day(row)}]({row['url']})"


def rows_citing(*cells: str | None) -> pd.DataFrame:
    return pd.DataFrame({"source_ids": pd.array(list(cells), dtype="string")})


# --- cited_ids --------------------------------------------------------------------------


def test_cited_ids_in_first_seen_order_without_repeats() -> None:
    frame = rows_citing("b-2024;a-2023", "a-2023;c-2025", "b-2024")
    assert sources.cited_ids(frame) == ["b-2024", "a-2023", "c-2025"]


def test_cited_ids_skip_empty_cells_and_stray_separators() -> None:
    frame = rows_citing(None, "", "a-2023; b-2024;", " c-2025 ")
    assert sources.cited_ids(frame) == ["a-2023", "b-2024", "c-2025"]


def test_cited_ids_of_no_rows() -> None:
    assert sources.cited_ids(rows_citing()) == []


# --- source_line ---------------------------------------------------------------------------


def test_source_line_links_each_source_once_in_order(dated: list[dict[str, str]]) -> None:
    first, second, third = dated[:3]
    frame = rows_citing(f"{second['id']};{first['id']}", third["id"], second["id"])
    assert sources.source_line(frame) == f"Sources: {link(second)}; {link(first)}; {link(third)}."


def test_source_line_names_the_claimants_sorted_once(dated: list[dict[str, str]]) -> None:
    frame = rows_citing(dated[0]["id"])
    line = sources.source_line(frame, claimants=["Claimant B", "Claimant A", "Claimant B"])
    assert line == f"Claimants: Claimant A; Claimant B. Sources: {link(dated[0])}."


def test_source_line_names_three_publishers_then_counts_the_rest(dated: list[dict[str, str]]) -> None:
    chosen = dated[:14]
    frame = rows_citing(*(row["id"] for row in chosen))
    line = sources.source_line(frame)
    first_of_each = list({row["publisher"]: row for row in reversed(chosen)}.values())[::-1]
    named = sorted(first_of_each, key=chosen.index)[:3]
    assert line == ("Sources: " + "; ".join(link(row) for row in named)
                    + f" [and {len(chosen) - len(named)} more](#tbl-sources).")
    assert sources.source_line(frame, limit=14) == "Sources: " + "; ".join(link(row) for row in chosen) + "."


def test_undated_sources_say_so(registry: list[dict[str, str]]) -> None:
    undated = [row for row in registry if not row["published"]]
    if not undated:
        pytest.skip("every source in the registry is dated")
    row = undated[0]
    assert sources.source_line(rows_citing(row["id"])) == f"Sources: [{row['publisher']}, undated]({row['url']})."


def test_when() -> None:
    assert sources.when(pd.Timestamp("2025-07-02")) == "2 Jul 2025"
    assert sources.when(pd.Timestamp("2025-11-28")) == "28 Nov 2025"
    assert sources.when(pd.NaT) == "undated"


def test_unknown_source_id_is_an_error() -> None:
    with pytest.raises(KeyError):
        sources.source_line(rows_citing("no-such-source-20990101"))


def test_attribution_per_row(dated: list[dict[str, str]]) -> None:
    first, second = dated[:2]
    frame = rows_citing(f"{first['id']};{second['id']}", second["id"])
    expected = [f"{first['publisher']}, {day(first)}; {second['publisher']}, {day(second)}", f"{second['publisher']}, {day(second)}"]
    assert list(sources.attribution(frame)) == expected


# --- dataset_line ---------------------------------------------------------------------------


def descriptor_sources(name: str) -> list[dict[str, str]]:
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    return next(resource for resource in package["resources"] if resource["name"] == name)["sources"]


def test_dataset_line_links_the_data_sets_of_a_derived_table() -> None:
    expected = "; ".join(f"[{s['title']}]({s['path']})" for s in descriptor_sources("ua_kn23_attacks"))
    assert sources.dataset_line("ua_kn23_attacks") == f"Data: {expected}."


def test_dataset_line_names_a_shared_data_set_once() -> None:
    both = sources.dataset_line("ua_kn23_attacks", "ua_kn23_monthly")
    assert both == sources.dataset_line("ua_kn23_attacks")  # the monthly table comes from the same reports
    mixed = sources.dataset_line("ua_kn23_monthly", "sipri_nk_to_russia")
    for source in descriptor_sources("sipri_nk_to_russia") + descriptor_sources("ua_kn23_monthly"):
        assert mixed.count(f"[{source['title']}]({source['path']})") == 1


def test_every_derived_table_names_its_data_sets() -> None:
    """Each derived table's line links exactly the data sets its descriptor names, each once."""
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    derived = [resource for resource in package["resources"] if resource["path"].startswith("derived/")]
    assert derived
    for resource in derived:
        assert resource.get("sources"), f"{resource['name']} names no data set"
        links = list(dict.fromkeys(f"[{s['title']}]({s['path']})" for s in resource["sources"]))
        assert sources.dataset_line(resource["name"]) == "Data: " + "; ".join(links) + "."


def test_a_table_without_data_sets_has_no_dataset_line() -> None:
    with pytest.raises(KeyError, match="the data package names no source for events"):
        sources.dataset_line("events")


def test_plain_text_keeps_link_texts_and_drops_addresses_and_marks() -> None:
    line = "Sources: [Babel, 3 May 2024](https://babel.ua/x_(y)) and *[KBS](http://kbs.co.kr/?a=1)*; `data/x.csv`."
    assert sources.plain_text(line) == "Sources: Babel, 3 May 2024 and KBS; data/x.csv."
