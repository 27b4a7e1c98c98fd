"""Glue a chapter's figures, tables and numbers into its prose (myst-nb ``glue``).

A number in the text is computed in the notebook and glued here, so the prose
cannot drift from the data. A figure is glued with its source line, which the
caption shows.
"""
from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
from IPython.display import Markdown
from myst_nb import glue

from nkarms.analysis.estimates import stated
from nkarms.analysis.sources import plain_text
from nkarms.dates import long_day, long_month


def with_source(chart: alt.TopLevelMixin, source: str) -> alt.TopLevelMixin:
    """The chart with its source line appended to its description.

    The description is the chart's text alternative (the site's ``aria-label``,
    the notebook's text output), which must say where the data come from as
    well as what the chart shows.
    """
    described = "" if chart.description is alt.Undefined else str(chart.description)
    return chart.properties(description=f"{described} {plain_text(source)}".strip())


def figure(name: str, shown: Any, source: str) -> None:
    """Glue a chart or table as ``name`` and its Markdown source line as ``name-src``.

    The chart is also displayed, so that it shows in JupyterLab; the site hides
    cell outputs (``remove-output``) and shows it once, in its captioned figure.
    ``source`` comes from :func:`nkarms.analysis.sources.source_line` (curated rows) or
    :func:`nkarms.analysis.sources.dataset_line` (derived tables); a chart's text
    alternative ends with it too.
    """
    if isinstance(shown, alt.TopLevelMixin):
        shown = with_source(shown, source)
    glue(name, shown, display=True)
    glue(f"{name}-src", Markdown(source), display=False)


def number(name: str, value: Any) -> Any:
    """Glue a figure for the prose, as a plain Python number (numpy reprs would leak)."""
    plain = value.item() if hasattr(value, "item") else value
    glue(name, plain, display=False)
    return plain


def text(name: str, value: str) -> str:
    """Glue a short text, such as a claimant's name or a date."""
    glue(name, value, display=False)
    return value


def date(name: str, value: pd.Timestamp) -> str:
    """Glue a date in the report's format (``5 May 2025``)."""
    return text(name, long_day(value))


def claim(prefix: str, row: pd.Series, day: bool = False) -> str:
    """Glue one claim for the prose: ``prefix`` (the figure as stated), ``prefix-claimant`` and ``prefix-date``.

    The date is the claim's month, or its day with ``day``. Returns the figure as stated.
    """
    text(f"{prefix}-claimant", row["claimant"])
    (date if day else month)(f"{prefix}-date", row["as_of"])
    return text(prefix, stated(row))


def month(name: str, value: pd.Timestamp) -> str:
    """Glue a month in the report's format (``July 2023``)."""
    return text(name, long_month(value))


def event_month(name: str, events: pd.DataFrame, event_id: str) -> str:
    """Glue the month of one timeline event, so that a date in the narrative traces to its row in events.csv."""
    indexed = events.set_index("id")
    if event_id not in indexed.index:
        raise KeyError(f"data/events.csv has no event {event_id!r}")
    return month(name, indexed.at[event_id, "date"])


def markdown(name: str, text: str) -> str:
    """Glue a Markdown passage (a list, a quotation) for ``{glue:md}``."""
    glue(name, Markdown(text), display=False)
    return text
