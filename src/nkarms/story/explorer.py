"""The claims explorer: every claim in one table a reader can filter, each with links to its sources.

The table is plain HTML, so it reads the same in JupyterLab, on the site and in
the PDF. Each row carries what it can be filtered by as ``data-`` attributes
(space-separated tokens: a one-sided claim is both its kind and ``bound``), and
the dropdowns list every value the rows hold. The dropdowns are written
``hidden``: the site's ``claims-explorer.js`` (loaded by
:mod:`nkarms.site.sphinx_explorer` on the page that holds the table) shows them
and hides the rows that do not match; where no script runs, the whole table shows.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from nkarms.analysis.estimates import METRIC_LABELS
from nkarms.analysis.judgement import (
    LOWER_BOUNDS,
    UPPER_BOUNDS,
    Judgement,
    figure_text,
    with_tiers,
)
from nkarms.analysis.sources import when
from nkarms.data import split_ids
from nkarms.dates import short_day
from nkarms.story import numbers
from nkarms.story.tables import keep_words_whole

KINDS = {"count": "count", "conversion": "conversion", "projection": "projection", "bound": "bound (one-sided)"}
TIERS = {"primary": "primary document", "news": "news report", "aggregator": "aggregator or repost"}
FILTERS = {"quantity": "Quantity", "claimant": "Claimant", "kind": "Kind", "tier": "Source tier"}
COLUMNS = ("Quantity", "Claim", "Kind and period", "Claimant", "Date", "Best tier and sources")
BOUND_SIDES = {**{q: "lower bound" for q in LOWER_BOUNDS}, **{q: "upper bound" for q in UPPER_BOUNDS}}


def amount(figure: float, unit: str) -> str:
    """One figure in its unit: ``28,000 containers``, ``1 missile``, ``50 %``, ``$20 billion``."""
    if unit == "USD":
        return f"${figure_text(figure)}"
    if unit == "percent":
        return f"{numbers.quantity(figure)} %"
    return f"{figure_text(figure)} {numbers.unit_for(figure, unit)}"


def claim_words(claim: pd.Series) -> str:
    """A claim as stated, for readers: ``more than 20,000 containers``, ``25,000 to 30,000 soldiers``, ``at least 1 missile``."""
    qualifier, unit = claim["qualifier"], claim["unit"]
    if qualifier in LOWER_BOUNDS:
        return f"{qualifier} {amount(claim['low'], unit)}"
    if qualifier in UPPER_BOUNDS:
        return f"{qualifier} {amount(claim['high'], unit)}"
    if qualifier == "range" or pd.isna(claim["value"]):
        low = f"${figure_text(claim['low'])}" if unit == "USD" else figure_text(claim["low"])
        return f"{low} to {amount(claim['high'], unit)}"
    return f"{'about ' if qualifier == 'about' else ''}{amount(claim['value'], unit)}"


def kind_words(claim: pd.Series) -> str:
    """The claim's kind, with the side of a one-sided bound: ``count, lower bound``."""
    side = BOUND_SIDES.get(claim["qualifier"])
    return f"{claim['kind']}, {side}" if side else str(claim["kind"])


def kind_tokens(claim: pd.Series) -> str:
    """The kinds a claim is filtered by: its own, and ``bound`` when it is one-sided."""
    return f"{claim['kind']} bound" if claim["qualifier"] in BOUND_SIDES else str(claim["kind"])


def period_words(claim: pd.Series) -> str:
    """``running total to Jul 2025`` (cumulative since transfers began) or ``Mar 2024 to Oct 2024`` (a window)."""
    end = claim["period_end"] if pd.notna(claim["period_end"]) else claim["as_of"]
    if pd.isna(claim["period_start"]):
        return f"running total to {end:%b %Y}"
    return f"{claim['period_start']:%b %Y} to {end:%b %Y}"


@dataclass(frozen=True)
class Link:
    """One source of a claim: its text, its address, and the address of the original where it is a repost."""

    text: str
    url: str
    original: str | None


def links(cell: str, indexed: pd.DataFrame) -> list[Link]:
    """The sources of one claim (``source_ids``), in the order the claim lists them; ``indexed``: sources by id."""
    return [Link(f"{indexed.at[i, 'publisher']}, {when(indexed.at[i, 'published'])}", indexed.at[i, "url"],
                 None if pd.isna(indexed.at[i, "original_url"]) else indexed.at[i, "original_url"])
            for i in split_ids(cell)]


def headline_status(judged: list[tuple[object, Judgement]]) -> dict[str, str]:
    """Per claim of a headline quantity, what its best estimate made of it: in the band, or set aside and why."""
    status = {claim_id: "in the best estimate's band" for _, judgement in judged for claim_id in judgement.used_ids}
    for _, judgement in judged:
        status.update({claim_id: f"set aside from the best estimate: {why}" for claim_id, why in judgement.excluded})
    return status


def rows(estimates: pd.DataFrame, sources: pd.DataFrame, status: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per claim, in words, with the filter tokens; sorted by quantity, then date.

    ``status`` (from :func:`headline_status`) adds, for claims of a headline quantity, what its best estimate made of them.
    """
    claims = with_tiers(estimates, sources)
    by_id = sources.set_index("id")
    frame = pd.DataFrame({
        "id": claims["id"],
        "quantity": claims["metric"],
        "quantity_label": claims["metric"].map(lambda m: METRIC_LABELS.get(m, m.replace("_", " ").capitalize())),
        "claim": [claim_words(row) for _, row in claims.iterrows()],
        "counts": claims["counts"].fillna(""),
        "kind": [kind_tokens(row) for _, row in claims.iterrows()],
        "kind_label": [kind_words(row) for _, row in claims.iterrows()],
        "period": [period_words(row) for _, row in claims.iterrows()],
        "claimant": claims["claimant_id"],
        "claimant_label": claims["claimant"],
        "as_of": claims["as_of"],
        "tier": claims["tier"],
        "links": [links(cell, by_id) for cell in claims["source_ids"]],
        "status": [(status or {}).get(claim_id, "") for claim_id in claims["id"]],
    })
    return frame.sort_values(["quantity_label", "as_of", "id"]).reset_index(drop=True)


def options(frame: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """Per filter, every (token, label) the rows hold: quantities and claimants by name, kinds and tiers in their order."""
    quantities = frame.drop_duplicates("quantity").sort_values("quantity_label")
    claimants = frame.drop_duplicates("claimant").sort_values("claimant_label")
    kinds = {token for cell in frame["kind"] for token in cell.split()}
    return {
        "quantity": list(zip(quantities["quantity"], quantities["quantity_label"])),
        "claimant": list(zip(claimants["claimant"], claimants["claimant_label"])),
        "kind": [(token, label) for token, label in KINDS.items() if token in kinds],
        "tier": [(token, label) for token, label in TIERS.items() if token in set(frame["tier"])],
    }


def _attr(value: str) -> str:
    return html.escape(str(value), quote=True)


def _sources_html(found: list[Link]) -> str:
    parts = []
    for link in found:
        original = f' (<a href="{_attr(link.original)}">original</a>)' if link.original else ""
        parts.append(f'<a href="{_attr(link.url)}">{keep_words_whole(link.text)}</a>{original}')
    return "; ".join(parts)


def _select_html(name: str, choices: list[tuple[str, str]]) -> str:
    listed = "".join(f'<option value="{_attr(token)}">{html.escape(label)}</option>' for token, label in choices)
    return (f'<label>{FILTERS[name]} <select data-filter="{name}"><option value="">All</option>{listed}</select></label>')


class Explorer:
    """The filterable table of every claim (see the module docstring)."""

    def __init__(self, frame: pd.DataFrame, label: str) -> None:
        self.frame = frame
        self.label = label
        self.options = options(frame)

    def _row_html(self, row: pd.Series) -> str:
        filters = " ".join(f'data-{name}="{_attr(row[name])}"' for name in FILTERS)
        cells = [
            keep_words_whole(row["quantity_label"]),
            f"<strong>{keep_words_whole(row['claim'])}</strong><br>{keep_words_whole(row['counts'])}"
            + (f"<br><em>{keep_words_whole(row['status'])}</em>" if row["status"] else ""),
            f"{keep_words_whole(row['kind_label'])}<br>{keep_words_whole(row['period'])}",
            keep_words_whole(row["claimant_label"]),
            keep_words_whole(short_day(row["as_of"])),
            f"<em>{TIERS[row['tier']]}</em>: {_sources_html(row['links'])}",
        ]
        return f"<tr {filters}>" + "".join(f'<td class="nk-col-{i}">{cell}</td>' for i, cell in enumerate(cells)) + "</tr>"

    def _repr_html_(self) -> str:
        controls = "".join(_select_html(name, choices) for name, choices in self.options.items())
        head = "".join(f"<th>{column}</th>" for column in COLUMNS)
        body = "".join(self._row_html(row) for _, row in self.frame.iterrows())
        return (f'<div class="nk-explorer"><div class="nk-explorer-controls" hidden>{controls}'
                f'<button type="button" data-reset>Show all</button></div>'
                f'<p class="nk-explorer-count" aria-live="polite" hidden></p>'
                f'<div class="nk-table-wrap" role="region" aria-label="{_attr(self.label)}" tabindex="0">'
                f'<table border="0" class="dataframe nk-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div></div>")

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(choices)} {FILTERS[name].lower()} options" for name, choices in self.options.items())
        return f"{self.label}: {len(self.frame)} claims; {counts}."


def explorer(estimates: pd.DataFrame, sources: pd.DataFrame, label: str = "Every claim in the report",
             status: dict[str, str] | None = None) -> Explorer:
    """The explorer over ``estimates``, with sources (and their tiers) from ``sources`` and ``status`` (see :func:`rows`)."""
    return Explorer(rows(estimates, sources, status), label)
