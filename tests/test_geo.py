"""Great-circle geometry: properties that hold whatever the places are."""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms import data
from nkarms.analysis import geo


def test_distance_is_zero_to_itself_and_symmetric() -> None:
    assert geo.distance_km(50.0, 30.0, 50.0, 30.0) == 0
    assert geo.distance_km(50.0, 30.0, 47.0, 39.0) == pytest.approx(geo.distance_km(47.0, 39.0, 50.0, 30.0))


def test_one_degree_of_latitude_is_about_111_km() -> None:
    """On a sphere of mean Earth radius, 1 degree of arc is 2*pi*R/360 km."""
    assert geo.distance_km(0.0, 10.0, 1.0, 10.0) == pytest.approx(2 * 3.141592653589793 * geo.EARTH_RADIUS_KM / 360)


def test_every_ring_point_lies_at_the_radius() -> None:
    ring = geo.ring(51.7, 39.2, 600)
    distances = [geo.distance_km(51.7, 39.2, lat, lon) for lat, lon in zip(ring["lat"], ring["lon"])]
    assert min(distances) == pytest.approx(600, rel=1e-3) and max(distances) == pytest.approx(600, rel=1e-3)
    assert ring.iloc[0][["lat", "lon"]].tolist() == pytest.approx(ring.iloc[-1][["lat", "lon"]].tolist(), abs=1e-4)


def test_ring_needs_a_positive_radius() -> None:
    with pytest.raises(ValueError):
        geo.ring(50, 30, 0)


def test_launch_areas_split_combined_reports_and_ignore_unknown_names() -> None:
    attacks = pd.DataFrame({"launch_place": ["Voronezh oblast", "Kursk oblast and Voronezh oblast", "Somewhere else", None]})
    assert geo.launch_areas(attacks).to_dict() == {"Voronezh oblast": 2, "Kursk oblast": 1}


def test_reach_table_marks_each_range_by_the_nearest_origin() -> None:
    origins = pd.DataFrame({"name": ["A", "B"], "lat": [50.0, 45.0], "lon": [40.0, 34.0]})
    targets = pd.DataFrame({"name": ["near A", "far"], "lat": [50.0, 50.0], "lon": [39.0, 20.0]})
    table = geo.reach_table(targets, origins, [100.0, 900.0])
    near = table.set_index("name").loc["near A"]
    assert near["nearest_origin"] == "A" and near["within 100 km"] == "yes"
    far = table.set_index("name").loc["far"]
    assert far["within 900 km"] == "no"
    assert list(table["distance_km"]) == sorted(table["distance_km"])


def test_stated_ranges_group_claimants_of_the_same_figure() -> None:
    specs = pd.DataFrame({
        "system": ["X", "X", "X", "Y"], "attribute": ["max_range_km"] * 4,
        "value": [600.0, 600.0, 900.0, 100.0], "claimant": ["b", "a", "c", "d"],
    })
    ranges = geo.stated_ranges(specs, "X")
    assert ranges["range_km"].tolist() == [900.0, 600.0]
    assert ranges["label"].tolist() == ["900 km (c)", "600 km (a; b)"]


def test_every_launch_area_name_maps_to_a_place() -> None:
    places = set(data.load("places")["id"])
    assert set(geo.LAUNCH_AREA_PLACES.values()) <= places


def test_legs_draw_two_points_per_leg() -> None:
    places = pd.DataFrame({"id": ["p", "q"], "name": ["P", "Q"], "lat": [1.0, 2.0], "lon": [3.0, 4.0]})
    legs = geo.legs(places, [("p", "q", "by sea")])
    assert legs[["order", "lat", "lon"]].values.tolist() == [[0, 1.0, 3.0], [1, 2.0, 4.0]]


def test_innermost_range_is_the_shortest_range_that_reaches() -> None:
    ranges = pd.DataFrame({"range_km": [900.0, 600.0, 420.0], "label": ["900 km (A)", "600 km (B)", "420 km (C)"]})
    distances = pd.Series([100.0, 420.0, 421.0, 899.0, 900.5])
    assert geo.innermost_range(distances, ranges).tolist() == [
        "420 km (C)", "420 km (C)", "600 km (B)", "900 km (A)", "beyond every stated range",
    ]


def test_ranges_stated_as_spans_are_listed_not_drawn() -> None:
    specs = pd.DataFrame({
        "system": ["KN-23", "KN-23", "KN-23", "Iskander-M"],
        "attribute": ["max_range_km"] * 4,
        "value": [900.0, None, 600.0, None],
        "low": [None, 450.0, None, 400.0],
        "high": [None, 690.0, None, 500.0],
        "claimant": ["A", "B", "C", "D"],
    })
    assert geo.range_spans(specs, "KN-23") == ["450–690 km (B)"]
    assert geo.stated_ranges(specs, "KN-23")["range_km"].tolist() == [900.0, 600.0]
