"""The house theme and the chart builders.

Every builder returns an Altair chart that carries a title, axis titles with
units, a subtitle naming where the data come from, tooltips, and a
``description`` that screen readers announce. Charts receive aggregated
frames, never raw rows by the thousand.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from nkarms.analysis.estimates import stated
from nkarms.dates import AXIS_MONTH, TOOLTIP_DAY

# Okabe & Ito's palette, chosen to stay distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FONT = "Helvetica, Arial, sans-serif"
THEME_NAME = "nkarms"


@alt.theme.register(THEME_NAME, enable=True)
def house_theme() -> alt.theme.ThemeConfig:
    """One look for every chart: palette, font, sizes, quiet axes."""
    return {
        "config": {
            "font": FONT,
            "range": {"category": PALETTE},
            "title": {"fontSize": 16, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#444444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "vertical", "labelLimit": 480},
            "view": {"stroke": None, "continuousHeight": 300},
            "axisTemporal": {"format": AXIS_MONTH},
        }
    }


def finish(chart: alt.Chart, title: str, subtitle: str, description: str) -> alt.Chart:
    """Title, subtitle (the data's origin), screen-reader description, full container width."""
    return chart.properties(
        title=alt.Title(title, subtitle=subtitle), description=description, width="container"
    )


def claims_chart(claims: pd.DataFrame, title: str, y_title: str, description: str, log: bool = False) -> alt.LayerChart:
    """Dated claims of one quantity, one colour per claimant; ranges drawn as vertical bars.

    ``claims`` has as_of, value, low, high, claimant, counts, qualifier. A claim
    stated only as a range is plotted at its midpoint so it can be hovered.
    """
    frame = claims.assign(
        point=claims["value"].fillna((claims["low"] + claims["high"]) / 2),
        stated=[stated(row) for _, row in claims.iterrows()],
    )[["as_of", "point", "low", "high", "claimant", "counts", "stated"]]
    pick = alt.selection_point(fields=["claimant"], bind="legend")
    scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    base = alt.Chart(frame).encode(
        x=alt.X("as_of:T", title="Date of the claim", scale=alt.Scale(padding=14)),
        color=alt.Color("claimant:N", title="Claimant", scale=alt.Scale(range=PALETTE)),
        opacity=alt.condition(pick, alt.value(1), alt.value(0.15)),
    )
    points = base.mark_point(filled=True, size=90).encode(
        y=alt.Y("point:Q", title=y_title, scale=scale),
        tooltip=[
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("as_of:T", title="Claimed on", format=TOOLTIP_DAY),
            alt.Tooltip("stated:N", title="Figure"),
            alt.Tooltip("counts:N", title="What it counts"),
        ],
    )
    layers = [points]
    if frame["low"].notna().any():
        layers.insert(0, base.transform_filter("isValid(datum.low)").mark_rule(strokeWidth=3).encode(y=alt.Y("low:Q", scale=scale), y2="high:Q"))
    layered = alt.layer(*layers).add_params(pick)
    return finish(layered, title, "Each mark is one public claim, coloured by claimant; bars show stated ranges", description)



def stacked_bars(frame: pd.DataFrame, x: str, y: str, color: str, title: str, subtitle: str,
                 x_title: str, y_title: str, color_title: str, description: str,
                 time_unit: str | None = "yearmonth") -> alt.Chart:
    """Bars over time, stacked by a category, with a tooltip per segment."""
    x_type = "T" if time_unit else "O"
    x_field = f"{time_unit}({x}):{x_type}" if time_unit else f"{x}:{x_type}"
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X(x_field, title=x_title),
        y=alt.Y(f"sum({y}):Q", title=y_title),
        color=alt.Color(f"{color}:N", title=color_title),
        tooltip=[alt.Tooltip(x_field, title=x_title), alt.Tooltip(f"{color}:N", title=color_title),
                 alt.Tooltip(f"sum({y}):Q", title=y_title, format=",")],
    )
    return finish(chart, title, subtitle, description)


def bar_list(frame: pd.DataFrame, category: str, value: str, title: str, subtitle: str,
             value_title: str, description: str) -> alt.Chart:
    """Horizontal bars, largest first, for a few named categories."""
    chart = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=",")],
    )
    return finish(chart, title, subtitle, description)


def timeline_chart(events: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.Chart:
    """Events as ticks on a time axis, one row per category; hover for the description and source."""
    frame = events[["date", "category", "title", "description", "sources"]]
    # Tooltips wrap at the theme's width; keep each field to a readable length.
    pick = alt.selection_point(fields=["category"], bind="legend")
    chart = alt.Chart(frame).mark_point(filled=True, size=110, opacity=0.85).encode(
        x=alt.X("date:T", title="Date"),
        y=alt.Y("category:N", title=None),
        color=alt.Color("category:N", title="Category", legend=alt.Legend(columns=4)),
        opacity=alt.condition(pick, alt.value(0.9), alt.value(0.1)),
        tooltip=[alt.Tooltip("date:T", title="Date", format=TOOLTIP_DAY), alt.Tooltip("title:N", title="Event"),
                 alt.Tooltip("description:N", title="What happened"), alt.Tooltip("sources:N", title="Source")],
    ).add_params(pick)
    return finish(chart, title, subtitle, description)


def reference_bars(frame: pd.DataFrame, category: str, value: str, reference: float, reference_label: str,
                   title: str, subtitle: str, value_title: str, description: str,
                   tooltip: dict[str, str] | None = None) -> alt.LayerChart:
    """Horizontal bars against a vertical reference line (e.g. a UN cap); ``tooltip`` maps extra fields to titles."""
    bars = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N", title="Claim"), alt.Tooltip(f"{value}:Q", format=",", title=value_title)]
        + [alt.Tooltip(f"{name}:N", title=label) for name, label in (tooltip or {}).items()],
    )
    line = alt.Chart(pd.DataFrame({"x": [reference], "label": [reference_label]})).mark_rule(
        color=PALETTE[3], strokeDash=[6, 3], strokeWidth=2
    ).encode(x="x:Q", tooltip=[alt.Tooltip("label:N", title="Reference")])
    return finish(alt.layer(bars, line), title, subtitle, description)


def range_bars(frame: pd.DataFrame, label: str, low: str, high: str, title: str, subtitle: str,
               value_title: str, description: str) -> alt.Chart:
    """One horizontal bar per row from ``low`` to ``high``: a range, never a point."""
    chart = alt.Chart(frame).mark_bar(color=PALETTE[0], height=12).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X(f"{low}:Q", title=value_title),
        x2=f"{high}:Q",
        tooltip=[alt.Tooltip(f"{label}:N", title="Claim"), alt.Tooltip(f"{low}:Q", title="From", format=",.0f"),
                 alt.Tooltip(f"{high}:Q", title="To", format=",.0f")],
    )
    return finish(chart, title, subtitle, description)


def range_map(rings: pd.DataFrame, origins: pd.DataFrame, targets: pd.DataFrame, title: str, subtitle: str,
              description: str) -> alt.LayerChart:
    """Range rings around launch areas, with the cities inside or outside them.

    ``rings`` has ring (label), origin, order, lat, lon; ``origins`` and ``targets`` have name, lat, lon;
    ``targets`` also has ``reach``, the smallest ring label that covers the place.
    """
    lines = alt.Chart(rings).mark_line(strokeWidth=1.5, opacity=0.8).encode(
        longitude="lon:Q", latitude="lat:Q", order="order:Q", detail="origin:N",
        color=alt.Color("ring:N", title="Stated range (claimant)", scale=alt.Scale(range=PALETTE[1:])),
        tooltip=[alt.Tooltip("ring:N", title="Range ring"), alt.Tooltip("origin:N", title="Drawn from")],
    )
    launch = alt.Chart(origins).mark_point(shape="triangle-up", filled=True, size=120, color=PALETTE[7]).encode(
        longitude="lon:Q", latitude="lat:Q",
        tooltip=[alt.Tooltip("name:N", title="Launch area"), alt.Tooltip("reports:Q", title="Air Force reports naming it")],
    )
    cities = alt.Chart(targets).mark_circle(size=80, color=PALETTE[0], opacity=0.9).encode(
        longitude="lon:Q", latitude="lat:Q",
        tooltip=[alt.Tooltip("name:N", title="City"), alt.Tooltip("nearest_origin:N", title="Nearest launch area"),
                 alt.Tooltip("distance_km:Q", title="Distance (km)", format=",.0f"), alt.Tooltip("reach:N", title="Within")],
    )
    labels = alt.Chart(targets).mark_text(align="left", dx=6, dy=-6, fontSize=11).encode(
        longitude="lon:Q", latitude="lat:Q", text="name:N"
    )
    layered = alt.layer(lines, launch, cities, labels).project(type="mercator").properties(height=460)
    return finish(layered, title, subtitle, description)


def route_map(points: pd.DataFrame, legs: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.LayerChart:
    """The shipping route: points (name, lat, lon, role) joined by numbered legs (leg, order, lat, lon, mode)."""
    lines = alt.Chart(legs).mark_line(strokeWidth=2.5).encode(
        longitude="lon:Q", latitude="lat:Q", order="order:Q", detail="leg:N",
        color=alt.Color("mode:N", title="Leg"), tooltip=[alt.Tooltip("leg:N", title="Leg"), alt.Tooltip("mode:N", title="How")],
    )
    dots = alt.Chart(points).mark_point(filled=True, size=100, color=PALETTE[7]).encode(
        longitude="lon:Q", latitude="lat:Q", tooltip=[alt.Tooltip("name:N", title="Place"), alt.Tooltip("role:N", title="Role")],
    )
    labels = alt.Chart(points).mark_text(align="left", dx=7, dy=-7, fontSize=11).encode(
        longitude="lon:Q", latitude="lat:Q", text="short:N"
    )
    layered = alt.layer(lines, dots, labels).project(type="mercator").properties(height=380)
    return finish(layered, title, subtitle, description)


def grouped_bars(frame: pd.DataFrame, x: str, y: str, color: str, title: str, subtitle: str,
                 x_title: str, y_title: str, color_title: str, description: str) -> alt.Chart:
    """Side-by-side bars per ordinal x (e.g. year), one per series."""
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X(f"{x}:O", title=x_title),
        xOffset=alt.XOffset(f"{color}:N"),
        y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color(f"{color}:N", title=color_title),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{color}:N", title=color_title), alt.Tooltip(f"{y}:Q", title=y_title)],
    )
    return finish(chart, title, subtitle, description)


def event_strip(frame: pd.DataFrame, date: str, row: str, size: str, tooltip: dict[str, str],
                title: str, subtitle: str, description: str) -> alt.Chart:
    """Dated actions as marks on a time axis, one row per actor, sized by a count."""
    chart = alt.Chart(frame).mark_circle(opacity=0.8).encode(
        x=alt.X(f"{date}:T", title="Date", scale=alt.Scale(padding=14)),
        y=alt.Y(f"{row}:N", title=None),
        color=alt.Color(f"{row}:N", legend=None),
        size=alt.Size(f"{size}:Q", title="Targets designated", scale=alt.Scale(range=[60, 600])),
        tooltip=[alt.Tooltip(f"{date}:T", title="Date", format=TOOLTIP_DAY)]
        + [alt.Tooltip(f"{name}:N", title=label) for name, label in tooltip.items()],
    )
    return finish(chart, title, subtitle, description)


def share_line(frame: pd.DataFrame, x: str, share: str, count: str, title: str, subtitle: str,
               y_title: str, description: str) -> alt.Chart:
    """A monthly share as a line with points, the underlying count in the tooltip."""
    chart = alt.Chart(frame).mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X(f"yearmonth({x}):T", title="Month"),
        y=alt.Y(f"{share}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip(f"yearmonth({x}):T", title="Month", format=AXIS_MONTH),
                 alt.Tooltip(f"{share}:Q", title="Share", format=".0%"), alt.Tooltip(f"{count}:Q", title="Launched")],
    )
    return finish(chart, title, subtitle, description)


def two_series_claims(claims: pd.DataFrame, series: str, title: str, y_title: str, description: str) -> alt.Chart:
    """Claims of two related quantities on one time axis, coloured by quantity."""
    frame = claims.assign(point=claims["value"].fillna(claims["high"]),
                          stated=[stated(row) for _, row in claims.iterrows()])[["as_of", "point", series, "claimant", "stated", "counts"]]
    chart = alt.Chart(frame).mark_point(filled=True, size=90).encode(
        x=alt.X("as_of:T", title="Date of the claim", scale=alt.Scale(padding=14)),
        y=alt.Y("point:Q", title=y_title),
        color=alt.Color(f"{series}:N", title="Quantity"),
        shape=alt.Shape(f"{series}:N", title="Quantity"),
        tooltip=[alt.Tooltip(f"{series}:N", title="Quantity"), alt.Tooltip("claimant:N", title="Claimant"),
                 alt.Tooltip("as_of:T", title="Claimed on", format=TOOLTIP_DAY), alt.Tooltip("stated:N", title="Figure"),
                 alt.Tooltip("counts:N", title="What it counts")],
    )
    return finish(chart, title, "Each mark is one public claim, coloured by the quantity claimed", description)
