"""Charts and glue for the logistics chapter: who brought the evidence about the route, the named ships over time."""
from __future__ import annotations

import altair as alt
import pandas as pd

from nkarms.dates import TOOLTIP_DAY
from nkarms.story import publish
from nkarms.story.charts import PALETTE, category_axis, finish, legend, series_scale

SHAPES = ["circle", "triangle-up", "square", "diamond", "cross", "triangle-down"]


def evidence_timeline(evidence: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.Chart:
    """Each piece of route evidence on a time axis, one row per kind of evidence, coloured by the kind of reporter.

    ``evidence`` has date, evidence, reporter, reporter_kind, title and sources.
    """
    frame = evidence[["date", "evidence", "reporter", "reporter_kind", "title", "sources"]]
    kinds = list(dict.fromkeys(frame["reporter_kind"]))
    chart = alt.Chart(frame).mark_point(filled=True, size=120, opacity=0.85).encode(
        x=alt.X("date:T", title="Date reported", scale=alt.Scale(padding=12)),
        y=alt.Y("evidence:N", title=None, axis=category_axis(), sort=list(dict.fromkeys(frame["evidence"]))),
        color=alt.Color("reporter_kind:N", scale=series_scale(frame["reporter_kind"]), legend=legend("Reported by")),
        shape=alt.Shape("reporter_kind:N", scale=alt.Scale(domain=kinds, range=SHAPES[: len(kinds)]), legend=legend("Reported by")),
        tooltip=[alt.Tooltip("date:T", title="Date", format=TOOLTIP_DAY), alt.Tooltip("title:N", title="Report"),
                 alt.Tooltip("reporter:N", title="Reporter"), alt.Tooltip("evidence:N", title="Evidence"),
                 alt.Tooltip("sources:N", title="Sources")],
    )
    return finish(chart, title, subtitle, description)


def ship_timeline(marks: pd.DataFrame, title: str, subtitle: str, description: str) -> alt.Chart:
    """Per ship, the dates it was named in evidence (circles) and sanctioned (diamonds).

    ``marks`` comes from :func:`nkarms.analysis.logistics.ship_marks`, with a ``sources`` column added.
    """
    kinds = ["Named in evidence", "Sanctioned"]
    chart = alt.Chart(marks[["ship", "date", "mark", "what", "sources"]]).mark_point(filled=True, size=130, opacity=0.85).encode(
        x=alt.X("date:T", title="Date", scale=alt.Scale(padding=12)),
        y=alt.Y("ship:N", title=None, axis=category_axis(), sort=list(dict.fromkeys(marks["ship"]))),
        color=alt.Color("mark:N", scale=alt.Scale(domain=kinds, range=[PALETTE[0], PALETTE[3]]), legend=legend("Mark")),
        shape=alt.Shape("mark:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), legend=legend("Mark")),
        tooltip=[alt.Tooltip("date:T", title="Date", format=TOOLTIP_DAY), alt.Tooltip("ship:N", title="Ship"),
                 alt.Tooltip("mark:N", title="Mark"), alt.Tooltip("what:N", title="What"),
                 alt.Tooltip("sources:N", title="Sources")],
    )
    return finish(chart, title, subtitle, description)


def glue_events(events: pd.DataFrame, keys: dict[str, str], column: str = "title", table: str = "events") -> None:
    """Glue each named row's ``column`` as ``key`` and its month as ``key-month``, so a report cited in prose traces to its row."""
    indexed = events.set_index("id")
    for key, event_id in keys.items():
        if event_id not in indexed.index:
            raise KeyError(f"data/{table}.csv has no row {event_id!r}")
        publish.text(key, str(indexed.at[event_id, column]))
        publish.month(f"{key}-month", indexed.at[event_id, "date"])
