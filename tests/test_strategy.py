"""The strategic-consequences helpers on small hand-made tables, so each expectation is known before the code runs."""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms.analysis import strategy


def frame(rows: list[dict]) -> pd.DataFrame:
    """A table with dates parsed and a source per row."""
    table = pd.DataFrame(rows)
    table["date"] = pd.to_datetime(table["date"])
    return table.assign(source_ids=[f"src-{i}" for i in range(len(table))])


def test_treaty_steps_are_dated_and_staged() -> None:
    events = frame([
        {"id": "e3", "date": "2025-04-27", "title": "Moscow cites Article 4", "description": "In accordance with Article 4."},
        {"id": "e1", "date": "2024-06-19", "title": "Treaty signed", "description": "Putin and Kim signed it."},
        {"id": "e2", "date": "2024-10-24", "title": "Duma ratifies the treaty", "description": "Ratified."},
        {"id": "e4", "date": "2024-06-20", "title": "Seoul condemns treaty", "description": "Seoul objected."},
        {"id": "e5", "date": "2024-07-01", "title": "Trade fair", "description": "Nothing about it."},
    ])
    steps = strategy.treaty_steps(events)
    assert steps["id"].tolist() == ["e1", "e4", "e2", "e3"]
    assert steps["stage"].tolist() == ["Signed and published", "Reactions and follow-up", "Ratified and in force",
                                       "Article 4 cited or invoked"]


@pytest.mark.parametrize("claimant, expected", [
    ("South Korea National Intelligence Service", "South Korea"),
    ("Ukraine Defence Intelligence (HUR)", "Ukraine"),
    ("Office of the President of Ukraine", "Ukraine"),
    ("US Defense Intelligence Agency", "United States"),
    ("Multilateral Sanctions Monitoring Team", "Multilateral team"),
    ("NHK (citing unnamed sources)", "Media, citing unnamed officials"),
    ("Someone else", "Other"),
])
def test_side_of_a_claimant(claimant: str, expected: str) -> None:
    assert strategy.side(claimant) == expected


def test_how_far_a_claim_goes_and_the_matrix_counts() -> None:
    exchanges = frame([
        {"id": "x1", "date": "2024-10-30", "category": "military technology", "item": "Nuclear technology (expected requests)",
         "description": "A forecast.", "claimant": "South Korea Ministry of National Defense"},
        {"id": "x2", "date": "2025-02-08", "category": "military technology", "item": "Drone help (agreed)",
         "description": "Russia agreed to help, expected to start in 2025.", "claimant": "NHK (citing unnamed sources)"},
        {"id": "x3", "date": "2025-04-30", "category": "money", "item": "Cash", "description": "No evidence of cash so far.",
         "claimant": "South Korea National Intelligence Service"},
        {"id": "x4", "date": "2025-05-29", "category": "air defence", "item": "Pantsir", "description": "Russia sent one.",
         "claimant": "Multilateral Sanctions Monitoring Team"},
        {"id": "x5", "date": "2025-06-26", "category": "air defence", "item": "Missiles", "description": "Received.",
         "claimant": "South Korea National Intelligence Service"},
    ])
    claims = strategy.flows(exchanges)
    assert claims["stage"].tolist() == ["Expected or sought", "Agreed or offered", "Reported as not given",
                                        "Reported as given or under way", "Reported as given or under way"]
    matrix = strategy.flows_matrix(claims).set_index(["category", "side"])
    assert matrix.loc[("air defence", "South Korea"), "claims"] == 1
    assert matrix.loc[("military technology", "South Korea"), "given"] == 0
    assert matrix["claims"].sum() == len(exchanges)


def test_china_record_joins_events_and_sanctions_in_date_order() -> None:
    events = frame([{"id": "e1", "date": "2024-10-24", "title": "China says it is not aware", "description": "Beijing spoke."},
                    {"id": "e2", "date": "2024-01-01", "title": "Other news", "description": "Nothing."}])
    sanctions = frame([{"id": "s1", "date": "2024-05-01", "action": "Designations", "targets": "A Chinese firm"}])
    china = strategy.china_record(events, sanctions)
    assert china["what"].tolist() == ["Designations", "China says it is not aware"]


def test_contrasts_and_watch_list_read_rows_by_id_and_name_a_missing_one() -> None:
    tables = {
        "events": frame([{"id": "e1", "date": "2024-05-17", "title": "Denial", "description": "No trade."},
                         {"id": "e2", "date": "2025-05-29", "title": "Report", "description": "A trade."}]),
        "exchanges": frame([{"id": "x1", "date": "2025-10-13", "item": "Submarine technologies", "description": "Received.",
                             "claimant": "South Korea Ministry of National Defense"}]),
    }
    table = strategy.contrasts([("Trade", ("events", "e1"), ("exchanges", "x1"))], tables)
    assert table.iloc[0]["one"] == "Denial (17 May 2024): No trade."
    assert table.iloc[0]["other"] == "South Korea Ministry of National Defense (13 Oct 2025): Received."
    watch = strategy.watch_list([("Old", "events", "e1"), ("New", "exchanges", "x1")], tables)
    assert watch["indicator"].tolist() == ["New", "Old"] and watch["signal"].tolist() == ["Submarine technologies", "Denial"]
    with pytest.raises(KeyError, match="data/events.csv has no row 'missing'"):
        strategy.watch_list([("Gone", "events", "missing")], tables)
