"""The citation registry: look up sources by id and write the source lines under charts."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from nkarms.data import load_sources, resource_descriptor, split_ids


def cited_ids(frame: pd.DataFrame) -> list[str]:
    """Every source id cited by the rows of ``frame``, in first-seen order."""
    seen: dict[str, None] = {}
    for cell in frame["source_ids"]:
        for source_id in split_ids(cell):
            seen.setdefault(source_id, None)
    return list(seen)


def lookup(ids: Iterable[str]) -> pd.DataFrame:
    """The sources.csv rows for ``ids``, in that order."""
    sources = load_sources().set_index("id")
    return sources.loc[list(ids)].reset_index()


def cite(row: pd.Series) -> str:
    """One source as a Markdown link: publisher, date, title."""
    return f"[{row['publisher']}, {row['published']:%d %b %Y}]({row['url']})"


def source_line(frame: pd.DataFrame, claimants: Iterable[str] | None = None) -> str:
    """The Markdown line under a chart or table: who claims it, and where it was published."""
    parts = []
    if claimants is not None:
        names = sorted(set(claimants))
        parts.append("Claimants: " + "; ".join(names) + ".")
    links = [cite(row) for _, row in lookup(cited_ids(frame)).iterrows()]
    parts.append("Sources: " + "; ".join(links) + ".")
    return " ".join(parts)


def dataset_line(*resources: str) -> str:
    """The Markdown source line for derived tables: the data sets they come from."""
    seen: dict[str, None] = {}
    for name in resources:
        for source in resource_descriptor(name).get("sources", []):
            seen.setdefault(f"[{source['title']}]({source['path']})", None)
    return "Data: " + "; ".join(seen) + "."
