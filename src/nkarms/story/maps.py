"""Maps on a real base map: Natural Earth land and borders, marks on top, labels that never collide.

The base map is the ``basemap`` table (written by :mod:`nkarms.data.pipeline.natural_earth`),
turned into GeoJSON here and drawn by Vega-Lite's ``geoshape``. The projection is fitted
to the places a map shows, not to the base map, which extends beyond them so that a
phone's taller frame or a desktop's wider one shows more land rather than blank space.
Labels are placed before drawing (:func:`place_labels`): each takes the first of eight
positions around its point that overlaps no other label or point at any chart width
from a phone's to a desktop's.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

import altair as alt
import pandas as pd

from nkarms import data
from nkarms.story.charts import PALETTE, finish, legend, series_scale

SEA, LAND, BORDER = "#eaf2f8", "#f3f1ec", "#8f8f8f"
# Said under the title of every map of Ukraine, and at length in its description.
BORDERS_NOTE = "Borders as internationally recognised: Crimea is part of Ukraine."
CONVENTION = ("Base map: Natural Earth. Ukraine is drawn within its internationally recognised borders "
              "(UN General Assembly resolution 68/262), Crimea included; occupied areas are not marked.")
LABEL_FONT_SIZE = 11
CHAR_WIDTH = 0.6 * LABEL_FONT_SIZE  # generous for a sans-serif, so estimated boxes are never too small
LABEL_HEIGHT = LABEL_FONT_SIZE + 3
LABEL_GAP = 2  # clear space kept around each label, since a drawn glyph box may sit a pixel off the estimate
MARK_RADIUS = 6
# The plot widths a map is checked at: a phone's text column up to a wide desktop one.
WIDTHS = (330, 345, 360, 420, 540, 680, 820, 960)
# (dx, dy, align, baseline): right, left, above, below, then the four diagonals; then the same farther
# out; last, labels stacked a line or two above or below on either side, for tight clusters.
NEAR = ((7, 0, "left", "middle"), (-7, 0, "right", "middle"), (0, -7, "center", "bottom"), (0, 7, "center", "top"),
        (5, -5, "left", "bottom"), (-5, -5, "right", "bottom"), (5, 5, "left", "top"), (-5, 5, "right", "top"))
STACKED = tuple((dx, dy, align, "middle") for dy in (-14, 14, -28, 28) for dx, align in ((8, "left"), (-8, "right")))
POSITIONS = NEAR + tuple((2 * dx, 2 * dy, align, baseline) for dx, dy, align, baseline in NEAR) + STACKED


class Box(NamedTuple):
    """A box in degrees (west, south, east, north)."""

    west: float
    south: float
    east: float
    north: float


def bounds(points: pd.DataFrame, margin: float) -> Box:
    """The box around ``points`` (lat, lon), widened by ``margin`` degrees on every side."""
    return Box(float(points["lon"].min()) - margin, float(points["lat"].min()) - margin,
               float(points["lon"].max()) + margin, float(points["lat"].max()) + margin)


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator at unit scale, y growing southwards as on screen."""
    return math.radians(lon), -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def screen(points: pd.DataFrame, fit: Box, width: float, height: float) -> list[tuple[float, float]]:
    """Pixel positions of ``points`` in a ``width`` x ``height`` view fitted to ``fit``, as d3's fitSize does it."""
    (x0, y1), (x1, y0) = mercator(fit.west, fit.south), mercator(fit.east, fit.north)
    k = min(width / (x1 - x0), height / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    projected = (mercator(lon, lat) for lon, lat in zip(points["lon"], points["lat"]))
    return [(width / 2 + k * (x - cx), height / 2 + k * (y - cy)) for x, y in projected]


def label_box(x: float, y: float, text: str, position: tuple) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) a label at ``position`` around (x, y) takes."""
    dx, dy, align, baseline = position
    width = len(text) * CHAR_WIDTH
    left = {"left": x + dx, "right": x + dx - width, "center": x + dx - width / 2}[align]
    top = {"middle": y + dy - LABEL_HEIGHT / 2, "bottom": y + dy - LABEL_HEIGHT, "top": y + dy}[baseline]
    return left - LABEL_GAP, top - LABEL_GAP, left + width + LABEL_GAP, top + LABEL_HEIGHT + LABEL_GAP


def overlap(a: tuple, b: tuple) -> float:
    """The area two boxes share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def outside(box: tuple, width: float, height: float) -> float:
    """How far a box sticks out of the view, summed over its sides."""
    return max(0.0, -box[0]) + max(0.0, -box[1]) + max(0.0, box[2] - width) + max(0.0, box[3] - height)


def place_labels(labelled: pd.DataFrame, others: pd.DataFrame, fit: Box, height: float,
                 text: str = "label") -> pd.DataFrame:
    """``labelled`` with the position (dx, dy, align, baseline) of its ``text`` label around each point.

    A label must overlap no label placed before it, no point (``labelled`` and
    ``others``), and stay in the view, at every width in :data:`WIDTHS`. The most
    crowded points choose first; a label that fits nowhere takes its least bad position.
    """
    every = pd.concat([labelled[["lat", "lon"]], others[["lat", "lon"]]], ignore_index=True)
    views = [(width, screen(labelled, fit, width, height), screen(every, fit, width, height)) for width in WIDTHS]
    crowding = [sum(math.dist(p, q) < 60 for q in views[0][1]) for p in views[0][1]]
    placed: dict[int, tuple] = {}
    for index in sorted(range(len(labelled)), key=lambda i: -crowding[i]):
        name = str(labelled[text].iloc[index])

        def cost(position: tuple) -> float:
            total = 0.0
            for width, spots, marks in views:
                box = label_box(*spots[index], name, position)
                total += 1000 * outside(box, width, height)
                total += sum(overlap(box, label_box(*spots[j], str(labelled[text].iloc[j]), placed[j])) for j in placed)
                total += sum(overlap(box, (x - MARK_RADIUS, y - MARK_RADIUS, x + MARK_RADIUS, y + MARK_RADIUS))
                             for x, y in marks)
            return total

        placed[index] = min(POSITIONS, key=lambda position: (cost(position) > 0, cost(position)))
    positions = [placed[i] for i in range(len(labelled))]
    return labelled.assign(dx=[p[0] for p in positions], dy=[p[1] for p in positions],
                           align=[p[2] for p in positions], baseline=[p[3] for p in positions])


def base_features(region: str) -> tuple[list[dict], list[dict]]:
    """The region's countries (GeoJSON polygons) and land borders (GeoJSON lines)."""
    table = data.load("basemap")
    table = table[table["region"] == region]
    if table.empty:
        raise KeyError(f"data/derived/basemap.csv has no region {region!r}")
    land, borders = [], []
    for (kind, name, _part), rows in table.groupby(["kind", "name", "part"], sort=True):
        if kind == "land":
            rings = [[[float(x), float(y)] for x, y in zip(ring["lon"], ring["lat"])] for _, ring in rows.groupby("ring", sort=True)]
            rings = [ring + ring[:1] for ring in rings]
            land.append({"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": rings}})
        else:
            line = [[float(x), float(y)] for x, y in zip(rows["lon"], rows["lat"])]
            borders.append({"type": "Feature", "properties": {"name": name}, "geometry": {"type": "LineString", "coordinates": line}})
    return land, borders


def projection(fit: Box) -> alt.Projection:
    """Mercator fitted to ``fit`` (its corners as points, whose bounds are the box itself)."""
    corners = {"type": "Feature", "properties": {},
               "geometry": {"type": "MultiPoint", "coordinates": [[fit.west, fit.south], [fit.east, fit.north]]}}
    return alt.Projection(type="mercator", fit=corners)


def base_layers(region: str) -> list[alt.Chart]:
    """Sea, land and land borders, clipped to the view; they carry no tooltip and no legend."""
    land, borders = base_features(region)
    sea = alt.Chart(alt.sphere()).mark_geoshape(fill=SEA, stroke=None, clip=True)
    countries = alt.Chart(alt.Data(values=land)).mark_geoshape(fill=LAND, stroke="#c9c4b8", strokeWidth=0.5, clip=True)
    lines = alt.Chart(alt.Data(values=borders)).mark_geoshape(filled=False, stroke=BORDER, strokeWidth=0.9, clip=True)
    return [sea, countries, lines]


def label_layers(placed: pd.DataFrame, text: str) -> list[alt.Chart]:
    """One text layer per label position (Vega-Lite has no per-datum offset for geographic text)."""
    layers = []
    for (dx, dy, align, baseline), rows in placed.groupby(["dx", "dy", "align", "baseline"], sort=True):
        layers.append(alt.Chart(rows[["lat", "lon", text]]).mark_text(
            dx=int(dx), dy=int(dy), align=align, baseline=baseline, fontSize=LABEL_FONT_SIZE, color="#1a1a1a", clip=True,
        ).encode(longitude="lon:Q", latitude="lat:Q", text=f"{text}:N"))
    return layers


def places_layer(places: pd.DataFrame, tooltip: Iterable[alt.Tooltip]) -> alt.Chart:
    """Points coloured and shaped by ``kind``, with a key that names each kind."""
    kinds = list(dict.fromkeys(places["kind"]))
    # Inside the map's top-left corner (sea or land far from the marks), so that two legends never sit side by side.
    key = alt.Legend(title=None, orient="top-left", fillColor="white", padding=4, labelLimit=200)
    shapes = ["triangle-up", "circle", "square", "diamond"][: len(kinds)]
    return alt.Chart(places).mark_point(filled=True, size=90, opacity=1, clip=True).encode(
        longitude="lon:Q", latitude="lat:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[PALETTE[7], PALETTE[0], PALETTE[4], PALETTE[2]][: len(kinds)]),
                        legend=key),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=shapes), legend=key),
        tooltip=list(tooltip),
    )


def ring_features(rings: pd.DataFrame) -> list[dict]:
    """One GeoJSON line per ring and origin, its labels stored once (as points, they repeated on every vertex)."""
    features = []
    for (ring, origin), points in rings.groupby(["ring", "origin"], sort=False):
        points = points.sort_values("order")
        line = [[float(lon), float(lat)] for lon, lat in zip(points["lon"], points["lat"])]
        features.append({"type": "Feature", "properties": {"ring": ring, "origin": origin},
                         "geometry": {"type": "LineString", "coordinates": line}})
    return features


def range_map(rings: pd.DataFrame, origins: pd.DataFrame, targets: pd.DataFrame, title: str, subtitle: str,
              description: str, height: int = 460) -> alt.LayerChart:
    """Range rings around launch areas, with the cities inside or outside them, on the Ukraine base map.

    ``rings`` has ring (label), origin, order, lat, lon; ``origins`` has name, lat, lon, reports;
    ``targets`` has name, lat, lon, nearest_origin, distance_km and ``reach``, the smallest ring label that covers it.
    """
    ring_names = list(dict.fromkeys(rings["ring"]))
    lines = alt.Chart(alt.Data(values=ring_features(rings))).mark_geoshape(
        filled=False, strokeWidth=1.6, opacity=0.9, clip=True,
    ).encode(
        color=alt.Color("properties.ring:N", scale=alt.Scale(domain=ring_names, range=PALETTE[1:4] + PALETTE[5:7]),
                        legend=legend("Stated range (claimant)", symbolType="stroke")),
        tooltip=[alt.Tooltip("properties.ring:N", title="Range ring"), alt.Tooltip("properties.origin:N", title="Drawn from")],
    )
    places = pd.concat([
        origins.assign(kind="Launch area in Russia", short=origins["name"].str.split(" (", regex=False).str[0]),
        targets.assign(kind="Ukrainian city", short=targets["name"]),
    ], ignore_index=True)[["name", "short", "kind", "lat", "lon", "reports", "nearest_origin", "distance_km", "reach"]]
    points = places_layer(places, [
        alt.Tooltip("name:N", title="Place"), alt.Tooltip("kind:N", title="What"),
        alt.Tooltip("reports:Q", title="Air Force reports naming it"), alt.Tooltip("nearest_origin:N", title="Nearest launch area"),
        alt.Tooltip("distance_km:Q", title="Distance (km)", format=",.0f"), alt.Tooltip("reach:N", title="Within"),
    ])
    fit = bounds(places, 0.6)
    placed = place_labels(places, places.iloc[0:0], fit, height, text="short")
    layered = alt.layer(*base_layers("ukraine"), lines, points, *label_layers(placed, "short")).properties(
        projection=projection(fit), height=height).resolve_scale(color="independent", shape="independent")
    return finish(layered, title, f"{subtitle.rstrip('.')}. {BORDERS_NOTE}", f"{description} {CONVENTION}")


def route_map(points: pd.DataFrame, legs: pd.DataFrame, title: str, subtitle: str, description: str,
              height: int = 400) -> alt.LayerChart:
    """The shipping route: points (name, short, lat, lon, role) joined by legs (leg, order, lat, lon, mode).

    Legs are schematic: sea legs follow open water through the waypoints of
    :func:`nkarms.analysis.geo.legs`, not a tracked course, and the legend says so.
    """
    modes = list(dict.fromkeys(legs["mode"]))
    lines = alt.Chart(legs.assign(how=legs["mode"] + " (schematic)")).mark_line(strokeWidth=2.5, clip=True).encode(
        longitude="lon:Q", latitude="lat:Q", order="order:Q", detail="leg:N",
        color=alt.Color("how:N", scale=series_scale(pd.Series([f"{m} (schematic)" for m in modes])), legend=legend("Leg")),
        tooltip=[alt.Tooltip("leg:N", title="Leg"), alt.Tooltip("mode:N", title="How")],
    )
    dots = alt.Chart(points).mark_point(filled=True, size=80, color=PALETTE[7], opacity=1, clip=True).encode(
        longitude="lon:Q", latitude="lat:Q", tooltip=[alt.Tooltip("name:N", title="Place"), alt.Tooltip("role:N", title="Role")],
    )
    fit = bounds(points, 0.35)
    placed = place_labels(points, points.iloc[0:0], fit, height, text="short")
    layered = alt.layer(*base_layers("far_east"), lines, dots, *label_layers(placed, "short")).properties(
        projection=projection(fit), height=height)
    note = "" if "schematic" in subtitle else " Sea legs are schematic."
    return finish(layered, title, f"{subtitle.rstrip('.')}.{note}", f"{description} Base map: Natural Earth.")
