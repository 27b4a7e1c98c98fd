"""The house theme and the chart builders.

Every builder returns an Altair chart that carries a title, axis titles with
units, a subtitle naming where the data come from, tooltips, and a
``description`` that screen readers announce. Charts receive aggregated
frames, never raw rows by the thousand.
"""
from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from nkarms.estimates import stated

# Okabe & Ito's palette, chosen to stay distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
FONT = "Helvetica, Arial, sans-serif"
DATE_FORMAT = "%b %Y"
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
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "columns": 2, "labelLimit": 320},
            "view": {"stroke": None, "continuousHeight": 300},
            "axisTemporal": {"format": DATE_FORMAT},
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
        x=alt.X("as_of:T", title="Date of the claim"),
        color=alt.Color("claimant:N", title="Claimant", scale=alt.Scale(range=PALETTE)),
        opacity=alt.condition(pick, alt.value(1), alt.value(0.15)),
    )
    ranges = base.mark_rule(strokeWidth=3).encode(y=alt.Y("low:Q", scale=scale), y2="high:Q")
    points = base.mark_point(filled=True, size=90).encode(
        y=alt.Y("point:Q", title=y_title, scale=scale),
        shape=alt.Shape("claimant:N", title="Claimant"),
        tooltip=[
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("as_of:T", title="Claimed on", format="%d %b %Y"),
            alt.Tooltip("stated:N", title="Figure"),
            alt.Tooltip("counts:N", title="What it counts"),
        ],
    )
    layered = alt.layer(ranges, points).add_params(pick)
    return finish(layered, title, "Each mark is one public claim; hover for what it counts. Click a legend entry to isolate a claimant.", description)



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
             value_title: str, description: str, tooltip: Sequence[str] = ()) -> alt.Chart:
    """Horizontal bars, largest first, for a few named categories."""
    chart = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=",")]
        + [alt.Tooltip(f"{name}:N") for name in tooltip],
    )
    return finish(chart, title, subtitle, description)


def timeline_chart(events: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.Chart:
    """Events as ticks on a time axis, one row per category; hover for the description and source."""
    frame = events[["date", "category", "title", "description", "sources"]]
    pick = alt.selection_point(fields=["category"], bind="legend")
    chart = alt.Chart(frame).mark_point(filled=True, size=110, opacity=0.85).encode(
        x=alt.X("date:T", title="Date"),
        y=alt.Y("category:N", title=None),
        color=alt.Color("category:N", title="Category", legend=alt.Legend(columns=4)),
        opacity=alt.condition(pick, alt.value(0.9), alt.value(0.1)),
        tooltip=[alt.Tooltip("date:T", title="Date", format="%d %b %Y"), alt.Tooltip("title:N", title="Event"),
                 alt.Tooltip("description:N", title="What happened"), alt.Tooltip("sources:N", title="Source")],
    ).add_params(pick)
    return finish(chart, title, subtitle, description)


def reference_bars(frame: pd.DataFrame, category: str, value: str, reference: float, reference_label: str,
                   title: str, subtitle: str, value_title: str, description: str) -> alt.LayerChart:
    """Horizontal bars against a vertical reference line (e.g. a UN cap)."""
    bars = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N", title="Claim"), alt.Tooltip(f"{value}:Q", format=",", title=value_title)],
    )
    line = alt.Chart(pd.DataFrame({"x": [reference], "label": [reference_label]})).mark_rule(
        color=PALETTE[3], strokeDash=[6, 3], strokeWidth=2
    ).encode(x="x:Q", tooltip=[alt.Tooltip("label:N", title="Reference")])
    return finish(alt.layer(bars, line), title, subtitle, description)
