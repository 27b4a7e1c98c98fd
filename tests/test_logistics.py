"""The logistics helpers on small hand-made tables, so each expectation is known before the code runs."""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms.analysis import logistics


def events(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Events from (date, category, title, description)."""
    return pd.DataFrame([{"id": f"ev-{i}", "date": pd.Timestamp(d), "category": c, "title": t, "description": s,
                          "source_ids": f"src-{i}"} for i, (d, c, t, s) in enumerate(rows)])


def sanctions(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Sanctions from (date, authority, targets)."""
    columns = ["id", "date", "authority", "issuer", "action", "targets", "source_ids"]
    return pd.DataFrame([{"id": f"s-{i}", "date": pd.Timestamp(d), "authority": a, "issuer": a, "action": "Designations",
                          "targets": t, "source_ids": f"s-src-{i}"} for i, (d, a, t) in enumerate(rows)], columns=columns)


def test_evidence_keeps_route_reports_and_reads_kind_and_reporter() -> None:
    table = events(
        ("2023-10-16", "monitoring", "RUSI report tracks Angara", "RUSI used satellite images of Rajin."),
        ("2024-03-01", "monitoring", "Talks in Moscow", "Ministers met."),
        ("2024-06-01", "diplomacy", "Visit to Rajin", "A delegation toured the port."),
        ("2025-03-11", "monitoring", "VOA counts ship calls at Najin", "Calls at the pier the White House had identified."),
        ("2024-06-23", "monitoring", "Explosives move west", "Trade data show cargo leaving Vostochny."),
    )
    found = logistics.logistics_evidence(table)
    assert found["title"].tolist() == ["RUSI report tracks Angara", "Explosives move west", "VOA counts ship calls at Najin"]
    assert found["evidence"].tolist() == ["Satellite imagery", "Trade records", "Method not stated"]
    # The title names the reporter before the description is read: VOA, not the White House it mentions.
    assert found["reporter"].tolist() == ["RUSI", "Other", "Voice of America"]
    assert found["reporter_kind"].tolist() == ["Research group", "Other", "News organisation"]


def test_maria_zakharova_is_not_the_ship_maria() -> None:
    table = events(("2024-06-27", "diplomacy", "Spokeswoman speaks", "Maria Zakharova said the treaty is no alliance."),
                   ("2023-10-16", "monitoring", "Ships shuttle", "Angara and Maria shuttled from Rajin."))
    record = logistics.ship_record(table, sanctions()).set_index("ship")
    assert record.at["Maria", "events"] == 1
    assert record.at["Maria", "first_named"] == pd.Timestamp("2023-10-16")


def test_ship_record_counts_sightings_but_not_sanctions_events_and_lists_who_sanctioned() -> None:
    table = events(("2023-10-13", "arms transfer", "Angara at Najin", "Imagery."),
                   ("2024-04-02", "sanctions", "Seoul lists Angara", "Listed."),
                   ("2025-04-15", "monitoring", "Voyages", "Angara and Lady R made voyages."))
    listed = sanctions(("2024-04-02", "South Korea", "Russian vessels Lady R and Angara"),
                       ("2023-12-12", "United States", "Cargo ships Maria and Captain Yakubovich"))
    record = logistics.ship_record(table, listed).set_index("ship")
    assert record.at["Angara", "events"] == 2
    assert record.at["Angara", "last_named"] == pd.Timestamp("2025-04-15")
    assert record.at["Angara", "sanctioned_by"] == "South Korea (Apr 2024)"
    assert record.at["Captain Yakubovich", "events"] == 0 and record.at["Captain Yakubovich", "sanctions"] == 1
    marks = logistics.ship_marks(table, listed)
    # Angara and Lady R were seen after their listing; Maria and Captain Yakubovich never were.
    assert logistics.sailed_after_sanction(record.reset_index(), marks) == ["Angara", "Lady R"]


def test_transport_sanctions_keep_ships_and_carriers_not_a_firm_named_shipping() -> None:
    listed = sanctions(("2025-01-16", "United States", "Front companies Korea Osong Shipping and Chonsurim Trading"),
                       ("2024-02-23", "United States", "Vostochnaya Stevedoring Company"),
                       ("2023-12-12", "United States", "Shipping firms IBEX Shipping and the cargo ships Maria"))
    kept = logistics.transport_sanctions(listed)
    assert kept["date"].tolist() == [pd.Timestamp("2023-12-12"), pd.Timestamp("2024-02-23")]


def test_route_legs_run_from_start_through_waypoints_to_end() -> None:
    places = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "lat": [42.0, 43.0], "lon": [130.0, 132.0]})
    legs = logistics.route_legs(places, [("a", "b", "Sea crossing", [(41.5, 131.0)])])
    assert legs[["lat", "lon"]].values.tolist() == [[42.0, 130.0], [41.5, 131.0], [43.0, 132.0]]
    assert legs["order"].tolist() == [0, 1, 2] and set(legs["leg"]) == {"A to B"}


def test_a_missing_place_is_an_error() -> None:
    places = pd.DataFrame({"id": ["a"], "name": ["A"], "lat": [42.0], "lon": [130.0]})
    with pytest.raises(KeyError):
        logistics.route_legs(places, [("a", "nowhere", "Sea crossing", [])])
