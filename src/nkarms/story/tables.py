"""Tables that read well on the site, in JupyterLab and in the printed PDF.

A plain HTML table (no pandas Styler, whose LaTeX form is an object string),
with a <thead> that print engines repeat on every page, and a text form for
nbval and text-only views. Every cell is printed by :func:`cell_text`, one path
for every table: dates as ``5 May 2025``, amounts with thousands separators,
years and resolution numbers without (:mod:`nkarms.story.numbers`). Words that
hold a hyphen, slash or dash are kept whole, so no cell breaks inside a word.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nkarms.dates import short_day
from nkarms.story import numbers

# Raw field names and the column headings readers see, in one place; a chapter may still name its own.
LABELS = {
    "as_of": "Date", "date": "Date", "published": "Published", "adopted": "Adopted", "release": "Data release",
    "claimant": "Claimant", "claimants": "Claimants", "publisher": "Publisher", "source_ids": "Sources",
    "sources": "Sources", "value": "Figure", "low": "Low", "high": "High", "unit": "Unit", "counts": "What it counts",
    "qualifier": "Qualifier", "metric": "Quantity", "resolution": "Resolution", "year": "Year",
    "year_of_order": "Year of order", "number_delivered": "Number delivered", "number_ordered": "Number ordered",
    "delivery_years": "Delivered in", "weapon_designation": "Designation", "weapon_description": "Description",
    "comments": "Comment", "n_targets": "Targets", "distance_km": "Distance (km)", "km": "Distance (km)",
    "nearest_origin": "Nearest launch area", "name": "Name", "title": "Title", "description": "Description",
    "kind": "Kind", "url": "Link", "rows": "Rows", "licence": "Licence", "version": "Version", "change": "Change",
}
# A token kept on one line: it holds a hyphen, slash or dash between other characters.
JOINED_WORD = re.compile(r"\S*\w[-/–—‑]\S*")


def heading(field: str) -> str:
    """The heading for a raw field name: from LABELS, else the name in words (``launch_place`` -> ``Launch place``)."""
    return LABELS.get(field) or field.replace("_", " ").strip().capitalize()


def cell_text(field: str, value: object) -> str:
    """One table cell as readers see it; ``field`` is the raw column name, which says whether a number is an id."""
    if numbers.is_missing(value):
        return ""
    if isinstance(value, (pd.Timestamp, dt.date)):
        return short_day(value)
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        return numbers.identifier(value) if numbers.is_identifier(field) else numbers.quantity(value)
    return str(value)


def is_numeric(values: pd.Series) -> bool:
    """Whether a shown column holds only numbers (right-aligned, never wrapped)."""
    filled = [v for v in values if v]
    return bool(filled) and all(re.fullmatch(r"[\d,.\-–]+", v) for v in filled)


def keep_words_whole(text: str) -> str:
    """Escaped ``text`` with every hyphenated or slashed word wrapped so that it cannot break."""
    escaped = html.escape(text)
    return JOINED_WORD.sub(lambda match: f'<span class="nk-word">{match.group(0)}</span>', escaped)


class Table:
    """A captionless table; the caption comes from the figure that shows it."""

    def __init__(self, frame: pd.DataFrame, label: str, links: Mapping[str, str] | None = None) -> None:
        self.frame = frame
        self.label = label
        self.links = dict(links or {})

    def _cell_html(self, column: str, value: object) -> str:
        if value is None or pd.isna(value) or value == "":
            return ""
        if column in self.links:
            return f'<a href="{html.escape(str(value), quote=True)}">{html.escape(self.links[column])}</a>'
        return keep_words_whole(str(value))

    def _repr_html_(self) -> str:
        kind = {column: ' class="nk-num"' if is_numeric(self.frame[column]) else "" for column in self.frame.columns}
        head = "".join(f"<th{kind[c]}>{html.escape(str(c))}</th>" for c in self.frame.columns)
        rows = []
        for values in self.frame.itertuples(index=False):
            cells = "".join(
                f"<td{kind[c]}>{self._cell_html(c, v)}</td>"
                for c, v in zip(self.frame.columns, values)
            )
            rows.append(f"<tr>{cells}</tr>")
        body = (f'<table border="0" class="dataframe nk-table"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')
        return (f'<div class="nk-table-wrap" role="region" aria-label="{html.escape(self.label, quote=True)}" '
                f'tabindex="0">{body}</div>')

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def table(frame: pd.DataFrame, columns: Mapping[str, str | None] | Sequence[str], label: str,
          links: Mapping[str, str] | None = None) -> Table:
    """Pick ``columns`` and print every cell with :func:`cell_text`.

    ``columns`` maps a raw name to its heading (``None`` takes :data:`LABELS`), or lists raw names.
    ``links`` maps a column (by its raw name) whose cells are URLs to the link text shown.
    """
    headings = {name: (columns[name] if isinstance(columns, Mapping) else None) or heading(name)
                for name in columns}
    shown = pd.DataFrame({
        headings[name]: [cell_text(name, value) for value in frame[name]] for name in headings
    }, index=range(len(frame)))
    link_text = {headings[name]: text for name, text in (links or {}).items()}
    return Table(shown, label, link_text)

