"""Great-circle geometry: properties that hold whatever the places are."""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms import data, project
from nkarms.analysis import geo
from nkarms.story import maps


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


# --- the base map (data/derived/basemap.csv, written by nkarms.data.pipeline.natural_earth) ---

BASEMAP = project.data_dir() / "derived" / "basemap.csv"
SIMFEROPOL, SEVASTOPOL, KYIV = (34.10, 44.95), (33.52, 44.60), (30.52, 50.45)  # lon, lat


def rings_of(region: str, name: str) -> list[list[tuple[float, float]]]:
    """Outer rings of one country in one region of the base map, read from the CSV itself."""
    table = pd.read_csv(BASEMAP)
    rows = table[(table["region"] == region) & (table["kind"] == "land") & (table["name"] == name) & (table["ring"] == 0)]
    return [list(zip(part["lon"], part["lat"])) for _, part in rows.groupby("part")]


def contains(rings: list[list[tuple[float, float]]], point: tuple[float, float]) -> bool:
    """Ray casting, written here independently of the pipeline's own test."""
    x, y = point
    hits = 0
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            if min(y1, y2) < y <= max(y1, y2) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hits += 1
    return hits % 2 == 1


def test_crimea_is_drawn_inside_ukraine() -> None:
    ukraine, russia = rings_of("ukraine", "Ukraine"), rings_of("ukraine", "Russia")
    for city in (SIMFEROPOL, SEVASTOPOL, KYIV):
        assert contains(ukraine, city), city
        assert not contains(russia, city), city


def test_no_border_is_drawn_across_the_perekop_isthmus() -> None:
    table = pd.read_csv(BASEMAP)
    borders = table[(table["region"] == "ukraine") & (table["kind"] == "border")]
    near_perekop = borders[borders["lat"].between(45.9, 46.3) & borders["lon"].between(33.4, 34.2)]
    assert near_perekop.empty, near_perekop["name"].unique()
    assert "Russia / Ukraine" in set(borders["name"])  # the rest of the border is drawn


def test_base_map_stays_within_its_region() -> None:
    from nkarms.data.pipeline.natural_earth import REGIONS

    table = pd.read_csv(BASEMAP)
    for region, box in REGIONS.items():
        rows = table[table["region"] == region]
        assert len(rows) > 100
        assert rows["lon"].between(box.west, box.east).all() and rows["lat"].between(box.south, box.north).all()


def test_clipping_a_square_to_a_box() -> None:
    from nkarms.data.pipeline.natural_earth import Region, clip

    square = [(0.0, 0.0), (0.0, 10.0), (10.0, 10.0), (10.0, 0.0)]
    clipped = clip(square, Region(5.0, -1.0, 20.0, 4.0, 0.0))
    assert sorted(set(clipped)) == [(5.0, 0.0), (5.0, 4.0), (10.0, 0.0), (10.0, 4.0)]
    assert clip(square, Region(20.0, 20.0, 30.0, 30.0, 0.0)) == []


def test_sea_legs_keep_to_open_water() -> None:
    """Every drawn sea leg runs over water, but for 10 km at its ends (a port's city point may lie inland)."""
    places = data.load("places")
    land = [ring for name in ("Russia", "North Korea", "China") for ring in rings_of("far_east", name)]
    drawn = geo.legs(places, [(start, end, "by sea") for start, end in geo.SEA_LANES])
    assert not drawn.empty
    for leg, points in drawn.groupby("leg"):
        path = list(zip(points["lat"], points["lon"]))
        for (lat1, lon1), (lat2, lon2) in zip(path, path[1:]):
            for step in range(1, 40):
                lat, lon = lat1 + (lat2 - lat1) * step / 40, lon1 + (lon2 - lon1) * step / 40
                if min(geo.distance_km(lat, lon, *path[0]), geo.distance_km(lat, lon, *path[-1])) > 10:
                    assert not contains(land, (lon, lat)), f"{leg} crosses land at {lat:.3f}N {lon:.3f}E"


def test_each_ring_is_one_line_drawn_in_order_with_its_labels_once() -> None:
    first, second = geo.ring(51.7, 39.2, 600), geo.ring(45.7, 34.4, 600)
    rings = pd.concat([
        first.assign(ring="600 km", origin="Voronezh"),
        second.assign(ring="600 km", origin="Dzhankoi").iloc[::-1],  # rows out of drawing order
    ], ignore_index=True)
    features = maps.ring_features(rings)
    assert [feature["properties"] for feature in features] == [
        {"ring": "600 km", "origin": "Voronezh"}, {"ring": "600 km", "origin": "Dzhankoi"}]
    assert features[1]["geometry"]["coordinates"] == second[["lon", "lat"]].values.tolist()
    assert len(features[0]["geometry"]["coordinates"]) == len(first)
