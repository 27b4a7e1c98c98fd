"""Tables that read well on the site, in JupyterLab and in the printed PDF.

A plain HTML table (no pandas Styler, whose LaTeX form is an object string),
with a <thead> that print engines repeat on every page, and a text form for
nbval and text-only views.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


class Table:
    """A captionless table; the caption comes from the figure that shows it."""

    def __init__(self, frame: pd.DataFrame, label: str) -> None:
        self.frame = frame
        self.label = label

    def _repr_html_(self) -> str:
        body = self.frame.to_html(index=False, escape=True, na_rep="", border=0, classes=["nk-table"])
        return f'<div class="nk-table-wrap" role="region" aria-label="{self.label}" tabindex="0">{body}</div>'

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def table(frame: pd.DataFrame, columns: Mapping[str, str], label: str, date_format: str = "%d %b %Y") -> Table:
    """Pick and rename ``columns`` (old name -> heading), format dates and numbers for readers."""
    shown = frame[list(columns)].copy()
    for name in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[name]):
            shown[name] = shown[name].dt.strftime(date_format)
        elif pd.api.types.is_float_dtype(shown[name]):
            shown[name] = shown[name].map(lambda x: "" if pd.isna(x) else f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}")
        elif pd.api.types.is_integer_dtype(shown[name]):
            shown[name] = shown[name].map(lambda x: "" if pd.isna(x) else f"{x:,}")
    return Table(shown.rename(columns=dict(columns)), label)
