"""The house theme and the chart builders.

Every builder returns an Altair chart that carries a title, axis titles with
units, a subtitle naming where the data come from, tooltips, and a
``description`` that screen readers announce. Charts receive aggregated
frames, never raw rows by the thousand.
"""
from __future__ import annotations

import re
import textwrap

import altair as alt
import pandas as pd

from nkarms.analysis.estimates import stated
from nkarms.dates import AXIS_MONTH, TOOLTIP_DAY
from nkarms.story import numbers

# Okabe & Ito's palette, chosen to stay distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# The colour of the "other" group, which gathers the series past the palette's length.
OTHER_COLOUR = "#9a9a9a"
OTHER_SERIES = re.compile(r"\d+ other .+")
# Characters per title and subtitle line: what fits a 340 px column at 16 px bold and 12 px.
TITLE_CHARS, SUBTITLE_CHARS = 40, 56
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
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e6e6", "labelOverlap": "greedy"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "direction": "vertical", "labelLimit": 480},
            "view": {"stroke": None, "continuousHeight": 300},
            "axisTemporal": {"format": AXIS_MONTH},
        }
    }


def group_rest(values: pd.Series, what: str, limit: int = len(PALETTE)) -> pd.Series:
    """``values`` with all but the ``limit`` most frequent gathered as ``N other <what>``.

    Ties go to the value seen first, so the grouping does not depend on sort order.
    The group's colour is grey (:data:`OTHER_COLOUR`); each mark's tooltip still names its own series.
    """
    counts = values.value_counts(sort=False)
    if len(counts) <= limit:
        return values
    first_seen = list(counts.index)
    order = sorted(first_seen, key=lambda name: (-counts[name], first_seen.index(name)))
    kept = set(order[:limit])
    other = numbers.counted(len(counts) - limit, f"other {what}")
    return values.where(values.isin(kept), other)


def series_scale(values: pd.Series) -> alt.Scale:
    """One colour per distinct value, in order of first appearance; an ``other`` group is grey.

    The domain is explicit, so that a colour never repeats within a chart and a
    series keeps its colour whatever the legend's sort order.
    """
    names = list(dict.fromkeys(values.dropna()))
    grouped = [name for name in names if OTHER_SERIES.fullmatch(str(name))]
    named = [name for name in names if name not in grouped]
    if len(named) > len(PALETTE):
        raise ValueError(f"{len(named)} series but {len(PALETTE)} colours: group the rest with group_rest()")
    return alt.Scale(domain=named + grouped, range=PALETTE[: len(named)] + [OTHER_COLOUR] * len(grouped))


def legend(title: str, **options: object) -> alt.Legend:
    """A legend below the chart whose labels never run wider than the chart (long ones end in an ellipsis)."""
    return alt.Legend(title=title, orient="bottom", direction="vertical", columns=1,
                      labelLimit=alt.ExprRef("max(120, width - 30)"), **options)


def lines(text: str, chars: int) -> list[str] | str:
    """``text`` broken between words into lines of at most ``chars`` characters (one line stays a string)."""
    wrapped = textwrap.wrap(text, chars) or [text]
    return wrapped[0] if len(wrapped) == 1 else wrapped


def finish(chart: alt.TopLevelMixin, title: str, subtitle: str, description: str) -> alt.TopLevelMixin:
    """Title, subtitle (the data's origin), screen-reader description, full container width.

    Title and subtitle are broken into lines that fit a phone's text column, so
    that neither is cut off at 390 px.
    """
    return chart.properties(
        title=alt.Title(lines(title, TITLE_CHARS), subtitle=lines(subtitle, SUBTITLE_CHARS)),
        description=description, width="container",
    )


def claims_chart(claims: pd.DataFrame, title: str, y_title: str, description: str, log: bool = False) -> alt.LayerChart:
    """Dated claims of one quantity, one colour per claimant; ranges drawn as vertical bars.

    ``claims`` has as_of, value, low, high, claimant, counts, qualifier. A claim
    stated only as a range is plotted at its midpoint so it can be hovered.
    Past eight claimants the rarest share one grey ``N other claimants`` colour.
    """
    frame = claims.assign(
        point=claims["value"].fillna((claims["low"] + claims["high"]) / 2),
        stated=[stated(row) for _, row in claims.iterrows()],
        series=group_rest(claims["claimant"], "claimants"),
    )[["as_of", "point", "low", "high", "claimant", "series", "counts", "stated"]]
    pick = alt.selection_point(fields=["series"], bind="legend")
    scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    base = alt.Chart(frame).encode(
        x=alt.X("as_of:T", title="Date of the claim", scale=alt.Scale(padding=14)),
        color=alt.Color("series:N", scale=series_scale(frame["series"]), legend=legend("Claimant")),
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
    """Bars over time, stacked by a category, with a tooltip per segment.

    On a time axis each bar spans its period and the axis is padded, so no bar runs past it.
    """
    x_type = "T" if time_unit else "O"
    x_field = f"{time_unit}({x}):{x_type}" if time_unit else f"{x}:{x_type}"
    x_scale = alt.Scale(padding=12) if time_unit else alt.Undefined
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X(x_field, title=x_title, scale=x_scale),
        y=alt.Y(f"sum({y}):Q", title=y_title),
        color=alt.Color(f"{color}:N", scale=series_scale(frame[color]), legend=legend(color_title)),
        tooltip=[alt.Tooltip(x_field, title=x_title), alt.Tooltip(f"{color}:N", title=color_title),
                 alt.Tooltip(f"sum({y}):Q", title=y_title, format=",")],
    )
    return finish(chart, title, subtitle, description)


def category_axis() -> alt.Axis:
    """A category axis whose labels take at most 45% of the chart's container (longer ones end in an ellipsis)."""
    return alt.Axis(labelLimit=alt.ExprRef("max(110, min(360, containerSize()[0] * 0.45))"))


def bar_list(frame: pd.DataFrame, category: str, value: str, title: str, subtitle: str,
             value_title: str, description: str) -> alt.Chart:
    """Horizontal bars, largest first, for a few named categories (labelled directly on the axis)."""
    chart = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None, axis=category_axis()),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(tickMinStep=1, tickCount=alt.ExprRef("ceil(width / 90)"))),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=",")],
    )
    return finish(chart, title, subtitle, description)


def timeline_chart(events: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.Chart:
    """Events as marks on a time axis, one row per category, each row labelled on the axis and in its own colour."""
    frame = events[["date", "category", "title", "description", "sources"]]
    chart = alt.Chart(frame).mark_point(filled=True, size=110, opacity=0.85).encode(
        x=alt.X("date:T", title="Date"),
        y=alt.Y("category:N", title=None, axis=category_axis()),
        color=alt.Color("category:N", scale=series_scale(frame["category"]), legend=None),
        tooltip=[alt.Tooltip("date:T", title="Date", format=TOOLTIP_DAY), alt.Tooltip("title:N", title="Event"),
                 alt.Tooltip("description:N", title="What happened"), alt.Tooltip("sources:N", title="Source")],
    )
    return finish(chart, title, subtitle, description)


def reference_bars(frame: pd.DataFrame, category: str, value: str, reference: float, reference_label: str,
                   title: str, subtitle: str, value_title: str, description: str,
                   tooltip: dict[str, str] | None = None) -> alt.LayerChart:
    """Horizontal bars against a vertical reference line (e.g. a UN cap); ``tooltip`` maps extra fields to titles.

    The line is named in a legend entry of its own (``reference_label``), drawn as the dashed line it labels.
    """
    bars = alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=category_axis()),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=",~f", tickCount=alt.ExprRef("ceil(width / 100)"))),
        tooltip=[alt.Tooltip(f"{category}:N", title="Claim"), alt.Tooltip(f"{value}:Q", format=",", title=value_title)]
        + [alt.Tooltip(f"{name}:N", title=label) for name, label in (tooltip or {}).items()],
    )
    line = alt.Chart(pd.DataFrame({"x": [reference], "label": [reference_label]})).mark_rule(
        strokeDash=[6, 3], strokeWidth=2
    ).encode(
        x="x:Q",
        color=alt.Color("label:N", scale=alt.Scale(domain=[reference_label], range=[PALETTE[3]]),
                        legend=legend(None, symbolType="stroke", symbolDash=[6, 3], symbolStrokeWidth=2)),
        tooltip=[alt.Tooltip("label:N", title="Reference")],
    )
    return finish(alt.layer(bars, line), title, subtitle, description)


def range_bars(frame: pd.DataFrame, label: str, low: str, high: str, title: str, subtitle: str,
               value_title: str, description: str) -> alt.Chart:
    """One horizontal bar per row from ``low`` to ``high``: a range, never a point."""
    chart = alt.Chart(frame).mark_bar(color=PALETTE[0], height=12).encode(
        y=alt.Y(f"{label}:N", sort=None, title=None, axis=category_axis()),
        x=alt.X(f"{low}:Q", title=value_title, axis=alt.Axis(format=",~f", tickCount=alt.ExprRef("ceil(width / 100)"))),
        x2=f"{high}:Q",
        tooltip=[alt.Tooltip(f"{label}:N", title="Claim"), alt.Tooltip(f"{low}:Q", title="From", format=",.0f"),
                 alt.Tooltip(f"{high}:Q", title="To", format=",.0f")],
    )
    return finish(chart, title, subtitle, description)


def grouped_bars(frame: pd.DataFrame, x: str, y: str, color: str, title: str, subtitle: str,
                 x_title: str, y_title: str, color_title: str, description: str) -> alt.Chart:
    """Side-by-side bars per ordinal x (e.g. year, printed without a separator), one per series."""
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X(f"{x}:O", title=x_title),
        xOffset=alt.XOffset(f"{color}:N"),
        y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color(f"{color}:N", scale=series_scale(frame[color]), legend=legend(color_title)),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{color}:N", title=color_title), alt.Tooltip(f"{y}:Q", title=y_title)],
    )
    return finish(chart, title, subtitle, description)


def event_strip(frame: pd.DataFrame, date: str, row: str, size: str, tooltip: dict[str, str],
                title: str, subtitle: str, description: str) -> alt.Chart:
    """Dated actions as marks on a time axis, one row per actor (labelled on the axis), sized by a count."""
    chart = alt.Chart(frame).mark_circle(opacity=0.8).encode(
        x=alt.X(f"{date}:T", title="Date", scale=alt.Scale(padding=14)),
        y=alt.Y(f"{row}:N", title=None, axis=category_axis()),
        color=alt.Color(f"{row}:N", scale=series_scale(frame[row]), legend=None),
        size=alt.Size(f"{size}:Q", title="Targets designated", scale=alt.Scale(range=[60, 600]), legend=legend("Targets designated")),
        tooltip=[alt.Tooltip(f"{date}:T", title="Date", format=TOOLTIP_DAY)]
        + [alt.Tooltip(f"{name}:N", title=label) for name, label in tooltip.items()],
    )
    return finish(chart, title, subtitle, description)


def every_month(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    """``frame`` with a row for every month between its first and last, blank where it had none.

    A line drawn over these rows breaks at the blank months instead of bridging them.
    """
    months = pd.PeriodIndex(pd.to_datetime(frame[month]), freq="M")
    full = pd.period_range(months.min(), months.max(), freq="M")
    indexed = frame.assign(**{month: months}).set_index(month)
    return indexed.reindex(full).rename_axis(month).reset_index().assign(**{month: lambda f: f[month].dt.to_timestamp()})


def share_line(frame: pd.DataFrame, x: str, share: str, count: str, title: str, subtitle: str,
               y_title: str, description: str) -> alt.LayerChart:
    """A monthly share as a line with points, the underlying count in the tooltip; months without data leave a gap."""
    filled = every_month(frame[[x, share, count]], x)
    base = alt.Chart(filled).encode(
        x=alt.X(f"yearmonth({x}):T", title="Month"),
        y=alt.Y(f"{share}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
    )
    line = base.mark_line(color=PALETTE[0])
    points = base.mark_point(filled=True, size=50, color=PALETTE[0]).encode(
        tooltip=[alt.Tooltip(f"yearmonth({x}):T", title="Month", format=AXIS_MONTH),
                 alt.Tooltip(f"{share}:Q", title="Share", format=".0%"), alt.Tooltip(f"{count}:Q", title="Launched")],
    ).transform_filter(f"isValid(datum['{share}'])")
    return finish(alt.layer(line, points), title, subtitle, description)


def two_series_claims(claims: pd.DataFrame, series: str, title: str, y_title: str, description: str) -> alt.Chart:
    """Claims of two related quantities on one time axis, coloured (and shaped) by quantity."""
    frame = claims.assign(point=claims["value"].fillna(claims["high"]),
                          stated=[stated(row) for _, row in claims.iterrows()])[["as_of", "point", series, "claimant", "stated", "counts"]]
    chart = alt.Chart(frame).mark_point(filled=True, size=90).encode(
        x=alt.X("as_of:T", title="Date of the claim", scale=alt.Scale(padding=14)),
        y=alt.Y("point:Q", title=y_title),
        color=alt.Color(f"{series}:N", scale=series_scale(frame[series]), legend=legend("Quantity")),
        shape=alt.Shape(f"{series}:N", legend=legend("Quantity")),
        tooltip=[alt.Tooltip(f"{series}:N", title="Quantity"), alt.Tooltip("claimant:N", title="Claimant"),
                 alt.Tooltip("as_of:T", title="Claimed on", format=TOOLTIP_DAY), alt.Tooltip("stated:N", title="Figure"),
                 alt.Tooltip("counts:N", title="What it counts")],
    )
    return finish(chart, title, "Each mark is one public claim, coloured by the quantity claimed", description)


def range_map(*args: object, **kwargs: object) -> alt.LayerChart:
    """The range map, drawn on its base map by :func:`nkarms.story.maps.range_map` (imported late: maps builds on this module)."""
    from nkarms.story import maps

    return maps.range_map(*args, **kwargs)


def route_map(*args: object, **kwargs: object) -> alt.LayerChart:
    """The route map, drawn on its base map by :func:`nkarms.story.maps.route_map` (imported late: maps builds on this module)."""
    from nkarms.story import maps

    return maps.route_map(*args, **kwargs)
