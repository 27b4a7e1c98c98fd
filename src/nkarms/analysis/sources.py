"""The citation registry: look up sources by id and write the source lines under charts."""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml

from nkarms import project
from nkarms.data import load_sources, reads, resource_descriptor, split_ids
from nkarms.dates import long_day, short_day

# Where a caption that names only some of its sources sends readers: the table of every source
# (the figure named tbl-sources in the data chapter).
FULL_LIST = "#tbl-sources"
# A link's address may hold one level of balanced parentheses, as CommonMark allows.
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")


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


def when(published: pd.Timestamp) -> str:
    """A source's publication date for readers; reference pages may be undated."""
    return "undated" if pd.isna(published) else short_day(published)


def cite(row: pd.Series) -> str:
    """One source as a Markdown link: publisher and date."""
    return f"[{row['publisher']}, {when(row['published'])}]({row['url']})"


def source_line(frame: pd.DataFrame, claimants: Iterable[str] | None = None, limit: int = 3) -> str:
    """The Markdown line under a chart or table: who claims it, and where it was published.

    Up to ``limit`` sources are linked one by one. Beyond that the line names
    ``limit`` publishers, each linked to the first document it has among them,
    then says how many more documents there are, linked to the report's
    complete source table (:data:`FULL_LIST`); each row's own sources are in its
    tooltip or table cell.
    """
    parts = []
    if claimants is not None:
        names = sorted(set(claimants))
        parts.append("Claimants: " + "; ".join(names) + ".")
    cited = lookup(cited_ids(frame))
    if len(cited) <= limit:
        parts.append("Sources: " + "; ".join(cite(row) for _, row in cited.iterrows()) + ".")
    else:
        named = cited.drop_duplicates("publisher").head(limit)
        more = len(cited) - len(named)
        parts.append("Sources: " + "; ".join(cite(row) for _, row in named.iterrows())
                     + f" [and {more} more]({FULL_LIST}).")
    return " ".join(parts)


def dataset_line(*resources: str) -> str:
    """The Markdown source line for derived tables: the data sets they come from."""
    seen: dict[str, None] = {}
    for name in resources:
        for source in resource_descriptor(name).get("sources", []):
            seen.setdefault(f"[{source['title']}]({source['path']})", None)
    if not seen:
        raise KeyError(f"the data package names no source for {', '.join(resources)}")
    return "Data: " + "; ".join(seen) + "."


def plain_text(markdown: str) -> str:
    """A source line as screen readers should hear it: link texts stay, addresses and emphasis marks go."""
    return " ".join(MARKDOWN_LINK.sub(r"\1", markdown).replace("*", "").replace("`", "").split())


def attribution(frame: pd.DataFrame) -> pd.Series:
    """Per row, its sources as plain text (``Publisher, 5 May 2025``) for tooltips and tables."""
    sources = load_sources().set_index("id")

    def one(cell: str) -> str:
        return "; ".join(f"{sources.at[i, 'publisher']}, {when(sources.at[i, 'published'])}" for i in split_ids(cell))

    return frame["source_ids"].map(one)


def citation(path: Path | None = None) -> str:
    """The suggested citation: authors and title from CITATION.cff, year, version and date from the release."""
    root = project.root()
    path = path or root / "CITATION.cff"
    meta = yaml.safe_load(reads.record(path).decode("utf-8"))
    reads.record(project.data_dir(root) / "changelog.csv")
    release = project.release(root)
    authors = "; ".join(a.get("name") or f"{a.get('family-names')}, {a.get('given-names')}" for a in meta["authors"])
    return (
        f"{authors} ({release.data_as_of.year}). *{meta['title']}*. Version {release.version}, "
        f"data as of {long_day(release.data_as_of)}. {meta.get('url', '')}"
    ).strip()
