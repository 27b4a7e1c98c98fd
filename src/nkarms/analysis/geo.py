"""Great-circle geometry for the range maps: distances, range rings, cities in reach.

Distances use the haversine formula on a sphere of mean Earth radius; at a few
hundred kilometres its error against the ellipsoid is well under 1%, far below
the spread of the published ranges themselves.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088
RING_POINTS = 72

# How the Ukrainian Air Force names launch areas, and the place (data/places.csv) that stands for each.
LAUNCH_AREA_PLACES = {
    "Voronezh oblast": "voronezh",
    "Belgorod oblast": "belgorod",
    "Kursk oblast": "kursk",
    "Bryansk oblast": "bryansk",
    "Rostov oblast": "rostov-on-don",
    "Taganrog": "taganrog",
    "Yeysk": "yeysk",
    "Crimea": "dzhankoi",
}


# Waypoints (lat, lon) that keep the drawn sea legs in open water on the Natural Earth 1:50m
# coast (tests/test_geo.py checks it). They are a drawing aid, not a tracked course: the map
# calls these legs schematic. Rajin's city point lies about 7 km inland of that coast.
SEA_LANES: dict[tuple[str, str], list[tuple[float, float]]] = {
    ("rajin", "dunay"): [(42.22, 130.50), (42.45, 131.50), (42.70, 132.25)],
    ("rajin", "nakhodka"): [(42.22, 130.50), (42.45, 131.50), (42.62, 132.90)],
}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def ring(lat: float, lon: float, radius_km: float) -> pd.DataFrame:
    """Points of the circle ``radius_km`` around (lat, lon), closed, in drawing order.

    RING_POINTS points (one per 5 degrees of bearing) and 4 decimals (about 10 m)
    draw a smooth ring at map scale and keep the page light.
    """
    if radius_km <= 0:
        raise ValueError("a range ring needs a positive radius")
    phi, lam, delta = math.radians(lat), math.radians(lon), radius_km / EARTH_RADIUS_KM
    bearings = np.linspace(0, 2 * math.pi, RING_POINTS + 1)
    lat2 = np.arcsin(np.sin(phi) * np.cos(delta) + np.cos(phi) * np.sin(delta) * np.cos(bearings))
    lon2 = lam + np.arctan2(np.sin(bearings) * np.sin(delta) * np.cos(phi), np.cos(delta) - np.sin(phi) * np.sin(lat2))
    return pd.DataFrame({"order": range(RING_POINTS + 1), "lat": np.degrees(lat2).round(4), "lon": np.degrees(lon2).round(4)})


def launch_areas(attacks: pd.DataFrame) -> pd.Series:
    """How many Air Force reports name each launch area (a report may name several)."""
    names = attacks["launch_place"].dropna().str.split(" and ").explode().str.strip()
    return names[names.isin(LAUNCH_AREA_PLACES)].value_counts()


def nearest(targets: pd.DataFrame, origins: pd.DataFrame) -> pd.DataFrame:
    """For each target, the nearest origin and its great-circle distance in km."""
    rows = []
    for _, target in targets.iterrows():
        distances = [
            (distance_km(origin["lat"], origin["lon"], target["lat"], target["lon"]), origin["name"])
            for _, origin in origins.iterrows()
        ]
        km, name = min(distances)
        rows.append({"name": target["name"], "lat": target["lat"], "lon": target["lon"], "nearest_origin": name, "distance_km": km})
    return pd.DataFrame(rows)


def reach_table(targets: pd.DataFrame, origins: pd.DataFrame, ranges_km: list[float]) -> pd.DataFrame:
    """Nearest origin and distance per target, with one yes/no column per range."""
    table = nearest(targets, origins).sort_values("distance_km").reset_index(drop=True)
    for km in ranges_km:
        table[f"within {km:,.0f} km"] = np.where(table["distance_km"] <= km, "yes", "no")
    return table


def stated_ranges(specs: pd.DataFrame, system: str) -> pd.DataFrame:
    """The distinct maximum ranges stated for ``system``, each labelled with who states it."""
    rows = specs[(specs["system"] == system) & (specs["attribute"] == "max_range_km") & specs["value"].notna()]
    grouped = rows.groupby("value")["claimant"].apply(lambda names: "; ".join(sorted(set(names))))
    ranges = grouped.reset_index().rename(columns={"value": "range_km"}).sort_values("range_km", ascending=False)
    ranges["label"] = [f"{km:,.0f} km ({who})" for km, who in zip(ranges["range_km"], ranges["claimant"])]
    return ranges.reset_index(drop=True)


def range_spans(specs: pd.DataFrame, system: str) -> list[str]:
    """The maximum ranges stated for ``system`` only as a span (``450–690 km (claimant)``), which no ring draws."""
    rows = specs[(specs["system"] == system) & (specs["attribute"] == "max_range_km") & specs["value"].isna()]
    return [f"{row['low']:,.0f}–{row['high']:,.0f} km ({row['claimant']})" for _, row in rows.iterrows()]


def innermost_range(distances_km: pd.Series, ranges: pd.DataFrame) -> pd.Series:
    """For each distance, the label of the shortest stated range that reaches it ("beyond every stated range" if none)."""
    shortest_first = ranges.sort_values("range_km")

    def label(distance: float) -> str:
        reached = shortest_first[shortest_first["range_km"] >= distance]
        return reached["label"].iloc[0] if len(reached) else "beyond every stated range"
    return distances_km.map(label)


def rings_around(origins: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """Every range ring around every origin, ready to draw."""
    parts = [
        ring(origin["lat"], origin["lon"], km).assign(ring=label, origin=origin["name"])
        for _, origin in origins.iterrows()
        for km, label in zip(ranges["range_km"], ranges["label"])
    ]
    return pd.concat(parts, ignore_index=True)


def legs(places: pd.DataFrame, route: list[tuple[str, str, str]],
         via: dict[tuple[str, str], list[tuple[float, float]]] | None = None) -> pd.DataFrame:
    """Drawing segments for (from place id, to place id, mode) route legs, through ``via`` waypoints.

    ``via`` maps a (from, to) pair to (lat, lon) waypoints; by default :data:`SEA_LANES`.
    A leg without waypoints is a straight segment.
    """
    indexed = places.set_index("id")
    lanes = SEA_LANES if via is None else via
    rows = []
    for start, end, mode in route:
        name = f"{indexed.at[start, 'name']} to {indexed.at[end, 'name']}"
        points = [(indexed.at[start, "lat"], indexed.at[start, "lon"]), *lanes.get((start, end), []),
                  (indexed.at[end, "lat"], indexed.at[end, "lon"])]
        rows += [{"leg": name, "mode": mode, "order": order, "lat": lat, "lon": lon} for order, (lat, lon) in enumerate(points)]
    return pd.DataFrame(rows)
