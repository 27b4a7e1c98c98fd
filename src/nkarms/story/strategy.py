"""Charts for the strategic-consequences chapter: who claims what flows to Pyongyang."""
from __future__ import annotations

import altair as alt
import pandas as pd

from nkarms.story.charts import category_axis, finish, legend, series_scale


def flows_chart(matrix: pd.DataFrame, labels: dict[str, str], title: str, subtitle: str, description: str) -> alt.Chart:
    """Horizontal bars of claims per kind of item, stacked by the side that makes them.

    ``matrix`` comes from :func:`nkarms.analysis.strategy.flows_matrix`; ``labels`` maps a category to its words.
    """
    frame = matrix.assign(item=matrix["category"].map(labels).fillna(matrix["category"]))
    order = frame.groupby("item")["claims"].sum().sort_values(ascending=False).index.tolist()
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=order, axis=category_axis()),
        x=alt.X("sum(claims):Q", title="Claims (count)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("side:N", scale=series_scale(frame["side"]), legend=legend("Claimed by")),
        tooltip=[alt.Tooltip("item:N", title="What"), alt.Tooltip("side:N", title="Claimed by"),
                 alt.Tooltip("claims:Q", title="Claims"), alt.Tooltip("given:Q", title="Of which report it given")],
    )
    return finish(chart, title, subtitle, description)
