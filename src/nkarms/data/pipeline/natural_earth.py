"""Natural Earth outlines (world-atlas TopoJSON) -> the base map of each map region.

Input: ``countries-50m.json`` (quantized TopoJSON; see its PROVENANCE.md). For each
region in :data:`REGIONS` the step decodes the arcs, reassigns Crimea to Ukraine,
simplifies each shared arc once (so that neighbours keep a common border), clips
the countries to the region's box and writes one table of points, ``basemap.csv``:

- ``land`` rows: the outline rings of each country (ring 0 outer, more rings are holes);
- ``border`` rows: land borders, i.e. arcs that two different countries share.

Crimea: Natural Earth draws borders as administered de facto and puts Crimea in
Russia. The report draws Ukraine within its internationally recognised borders
(UN General Assembly resolution 68/262): the polygon of Russia that contains
Simferopol moves to Ukraine. Its arcs shared with mainland Ukraine then join two
parts of one country, so no border is drawn across the Perekop isthmus.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from nkarms.data.pipeline import write_csv

TOPOLOGY = "natural-earth-world-atlas/countries-50m.json"
INPUTS = (TOPOLOGY,)
OUT_FILE = "basemap.csv"
COLUMNS = ["region", "kind", "name", "part", "ring", "point", "lon", "lat"]
SIMFEROPOL = (34.10, 44.95)  # lon, lat: inside the Crimean peninsula
DECIMALS = 3  # about 100 m, far below a pixel at the maps' scales


class Region(NamedTuple):
    """A map's box (degrees; west, south, east, north), drawn with a margin, and its simplification tolerance."""

    west: float
    south: float
    east: float
    north: float
    tolerance: float


# Each box is wider than what a map fits to, so that a phone's taller or a desktop's
# wider frame shows more land instead of an empty margin.
REGIONS = {
    "ukraine": Region(16.0, 39.0, 47.0, 57.0, 0.03),
    "far_east": Region(126.0, 39.5, 137.0, 46.0, 0.006),
}


# --- Load inputs -------------------------------------------------------------------


def read_topology(path: Path) -> dict:
    """The topology, checked for what this step reads: quantized arcs and a ``countries`` object."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    if "transform" not in topology or "countries" not in topology.get("objects", {}):
        raise ValueError(f"{path}: expected a quantized TopoJSON topology with an object 'countries'")
    return topology


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as (lon, lat) points: undo the delta encoding, then the quantization transform."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x, y = x + step_x, y + step_y
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def country_polygons(topology: dict) -> dict[str, list[list[list[int]]]]:
    """Each country's polygons, as rings of arc indices (negative index ``~i``: arc ``i`` reversed)."""
    countries: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name")
        if geometry.get("type") == "Polygon":
            countries.setdefault(name, []).append(geometry["arcs"])
        elif geometry.get("type") == "MultiPolygon":
            countries.setdefault(name, []).extend(geometry["arcs"])
    return countries


# --- Process -----------------------------------------------------------------------


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring's points from its arcs, dropping each arc's first point where it repeats the last one."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    """Even-odd rule: whether ``point`` lies inside the closed ``ring``."""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def move_crimea(countries: dict[str, list], arcs: list[list[tuple[float, float]]]) -> dict[str, list]:
    """``countries`` with the polygon that holds Simferopol moved from Russia to Ukraine."""
    russia = countries["Russia"]
    crimea = [polygon for polygon in russia if inside(SIMFEROPOL, ring_points(polygon[0], arcs))]
    if len(crimea) != 1:
        raise ValueError(f"expected one polygon of 'Russia' around Simferopol {SIMFEROPOL}, found {len(crimea)}")
    return {**countries, "Russia": [p for p in russia if p is not crimea[0]], "Ukraine": countries["Ukraine"] + crimea}


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the fewest points within ``tolerance`` degrees of the line; both ends kept."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    if length == 0:
        distances = [((x - x1) ** 2 + (y - y1) ** 2) ** 0.5 for x, y in points[1:-1]]
    else:
        distances = [abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / length for x, y in points[1:-1]]
    farthest = max(range(len(distances)), key=distances.__getitem__) + 1
    if distances[farthest - 1] <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: farthest + 1], tolerance)[:-1] + simplify(points[farthest:], tolerance)


def clip(ring: list[tuple[float, float]], box: Region) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a closed ring inside the box (a rectangle is convex, so any ring clips)."""
    edges = (
        (lambda p: p[0] >= box.west, lambda a, b: cross_x(a, b, box.west)),
        (lambda p: p[0] <= box.east, lambda a, b: cross_x(a, b, box.east)),
        (lambda p: p[1] >= box.south, lambda a, b: cross_y(a, b, box.south)),
        (lambda p: p[1] <= box.north, lambda a, b: cross_y(a, b, box.north)),
    )
    for keeps, crossing in edges:
        previous, clipped = ring[-1:], []
        for point in ring:
            if keeps(point):
                if previous and not keeps(previous[0]):
                    clipped.append(crossing(previous[0], point))
                clipped.append(point)
            elif previous and keeps(previous[0]):
                clipped.append(crossing(previous[0], point))
            previous = [point]
        ring = clipped
        if not ring:
            break
    return ring


def cross_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def cross_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def in_box(point: tuple[float, float], box: Region) -> bool:
    return box.west <= point[0] <= box.east and box.south <= point[1] <= box.north


def borders(countries: dict[str, list]) -> dict[int, tuple[str, str]]:
    """Arcs that two different countries share (a land border), with the two names."""
    users: dict[int, set[str]] = {}
    for name, polygons in countries.items():
        for polygon in polygons:
            for ring in polygon:
                for index in ring:
                    users.setdefault(index if index >= 0 else ~index, set()).add(name)
    return {arc: tuple(sorted(names)) for arc, names in users.items() if len(names) == 2}


def region_rows(region: str, box: Region, countries: dict[str, list], arcs: list) -> list[tuple]:
    """The land and border rows of one region (see the module docstring)."""
    simplified = [simplify(arc, box.tolerance) for arc in arcs]
    rows: list[tuple] = []
    for name in sorted(countries):
        part = 0
        for polygon in countries[name]:
            rings = [clip(ring_points(ring, simplified), box) for ring in polygon]
            if len(rings[0]) < 3:
                continue
            for ring_number, ring in enumerate(r for r in rings if len(r) >= 3):
                rows += [(region, "land", name, part, ring_number, i, x, y) for i, (x, y) in enumerate(ring)]
            part += 1
    part = 0
    for arc, (first, second) in sorted(borders(countries).items()):
        kept = [p for p in simplified[arc] if in_box(p, box)]
        if len(kept) >= 2:
            rows += [(region, "border", f"{first} / {second}", part, 0, i, x, y) for i, (x, y) in enumerate(kept)]
            part += 1
    return rows


def basemap(topology: dict) -> pd.DataFrame:
    """Every region's rows, coordinates rounded to :data:`DECIMALS`."""
    arcs = decode_arcs(topology)
    countries = move_crimea(country_polygons(topology), arcs)
    rows = [row for region, box in REGIONS.items() for row in region_rows(region, box, countries, arcs)]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.assign(lon=frame["lon"].round(DECIMALS), lat=frame["lat"].round(DECIMALS))


# --- Save outputs ------------------------------------------------------------------


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    """Write ``basemap.csv`` into ``out_dir``; return the path written."""
    frame = basemap(read_topology(raw_dir / TOPOLOGY))
    if frame.empty or set(frame["region"]) != set(REGIONS):
        raise ValueError(f"{TOPOLOGY}: a map region has no land: {sorted(set(REGIONS) - set(frame['region']))}")
    return [write_csv(frame, out_dir / OUT_FILE)]
