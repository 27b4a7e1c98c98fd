"""Tables that read well on the site, in JupyterLab and in the printed PDF.

A plain HTML table (no pandas Styler, whose LaTeX form is an object string),
with a <thead> that print engines repeat on every page, and a text form for
nbval and text-only views.
"""
from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from nkarms.dates import short_day


class Table:
    """A captionless table; the caption comes from the figure that shows it."""

    def __init__(self, frame: pd.DataFrame, label: str, links: Mapping[str, str] | None = None) -> None:
        self.frame = frame
        self.label = label
        self.links = dict(links or {})

    def _cell_html(self, column: str, value: object) -> str:
        if value is None or pd.isna(value):
            return ""
        if column in self.links:
            return f'<a href="{html.escape(str(value), quote=True)}">{html.escape(self.links[column])}</a>'
        return html.escape(str(value))

    def _repr_html_(self) -> str:
        shown = pd.DataFrame({column: [self._cell_html(column, v) for v in self.frame[column]] for column in self.frame.columns})
        body = shown.to_html(index=False, escape=False, na_rep="", border=0, classes=["nk-table"])
        return f'<div class="nk-table-wrap" role="region" aria-label="{html.escape(self.label, quote=True)}" tabindex="0">{body}</div>'

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def table(frame: pd.DataFrame, columns: Mapping[str, str], label: str,
          links: Mapping[str, str] | None = None) -> Table:
    """Pick and rename ``columns`` (old name -> heading), format dates and numbers for readers.

    ``links`` maps a column (by its old name) whose cells are URLs to the link text shown.
    """
    shown = frame[list(columns)].copy()
    for name in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[name]):
            shown[name] = shown[name].map(lambda d: "" if pd.isna(d) else short_day(d))
        elif pd.api.types.is_float_dtype(shown[name]):
            shown[name] = shown[name].map(lambda x: "" if pd.isna(x) else f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}")
        elif pd.api.types.is_integer_dtype(shown[name]):
            shown[name] = shown[name].map(lambda x: "" if pd.isna(x) else f"{x:,}")
    headings = dict(columns)
    link_text = {headings[name]: text for name, text in (links or {}).items()}
    return Table(shown.rename(columns=headings), label, link_text)
