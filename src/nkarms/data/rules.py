"""Rules across the cells of a row and across the rows of a table, beyond what a schema can say.

Each rule takes a :class:`Table` and yields :class:`Problem` s. ``GENERIC`` rules
apply to every table; ``BY_TABLE`` adds the rules of one table. "Not in the
future" is always relative to ``Table.today`` (the build date): no schema holds
a fixed upper date.
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from nkarms.data.problems import Problem

DATE_TEXT = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


@dataclass(frozen=True)
class Table:
    """One table being checked: its typed frame, raw cells and the line of each row."""

    path: Path
    schema: dict[str, Any]
    frame: pd.DataFrame
    raw: list[dict[str, str]]
    lines: list[int]
    today: dt.date

    def at(self, index: int, column: str | None, rule: str) -> Problem:
        return Problem(self.path, self.lines[index], column, rule)

    def types(self) -> dict[str, str]:
        return {field["name"]: field["type"] for field in self.schema["fields"]}


def number(value: float) -> str:
    """A number as a reader writes it: 6,000,000 rather than 6e+06."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def present(value: Any) -> bool:
    return value is not None and not pd.isna(value)


# --- every table ----------------------------------------------------------------------------


def no_stray_space(table: Table) -> Iterator[Problem]:
    """A cell never starts or ends with a space: ``'NIS '`` and ``'NIS'`` would be two claimants."""
    for index, row in enumerate(table.raw):
        for column, cell in row.items():
            if cell != cell.strip():
                yield table.at(index, column, f"leading or trailing space in {cell!r}")


def finite_numbers(table: Table) -> Iterator[Problem]:
    """A number is finite: ``inf`` and ``nan`` parse as numbers but count nothing."""
    for column, kind in table.types().items():
        if kind in {"number", "integer"}:
            for index, value in enumerate(table.frame[column]):
                if present(value) and not math.isfinite(float(value)):
                    yield table.at(index, column, f"{table.raw[index][column]!r} is not a finite number")


def not_in_future(table: Table) -> Iterator[Problem]:
    """No date lies after the build date: date columns, and text cells written as a date or a month."""
    for index, row in enumerate(table.raw):
        for column, cell in row.items():
            match = DATE_TEXT.fullmatch(cell[:10]) if len(cell) in (7, 10, 16) else None
            if not match:
                continue
            year, month, day = (int(part) if part else 1 for part in match.groups())
            try:
                first = dt.date(year, month, day)
            except ValueError:
                continue
            if first > table.today:
                yield table.at(index, column, f"date {cell[:10] if match.group(3) else cell[:7]} is in the future")


def ordered_bounds(table: Table) -> Iterator[Problem]:
    """low <= value <= high wherever they are given."""
    if not {"low", "value", "high"} <= set(table.frame.columns):
        return
    for index, (low, value, high) in enumerate(table.frame[["low", "value", "high"]].itertuples(index=False)):
        given = [(name, figure) for name, figure in (("low", low), ("value", value), ("high", high)) if present(figure)]
        for (name_a, a), (name_b, b) in itertools.pairwise(given):
            if a > b:
                yield table.at(index, name_a, f"{name_a} ({number(a)}) is greater than {name_b} ({number(b)})")


def well_formed_urls(table: Table) -> Iterator[Problem]:
    for column in ("url", "original_url"):
        if column not in table.frame.columns:
            continue
        for index, cell in enumerate(table.frame[column]):
            parsed = urlparse(str(cell)) if present(cell) else None
            if parsed and (parsed.scheme not in {"http", "https"} or "." not in parsed.netloc or " " in str(cell)):
                yield table.at(index, column, f"malformed URL {cell!r}")


def distinct_source_ids(table: Table) -> Iterator[Problem]:
    """A source is listed once per row: ``a;a`` would count one carrier twice."""
    if "source_ids" not in table.frame.columns:
        return
    for index, row in enumerate(table.raw):
        ids = row["source_ids"].split(";")
        repeated = [source for position, source in enumerate(ids) if source in ids[:position]]
        if repeated:
            yield table.at(index, "source_ids", f"source id {repeated[0]!r} is listed twice")


def no_duplicate_rows(table: Table) -> Iterator[Problem]:
    """A table without a primary key still never holds the same row twice."""
    if table.schema.get("primaryKey"):
        return
    seen: dict[tuple[str, ...], int] = {}
    for index, row in enumerate(table.raw):
        key = tuple(row.values())
        if key in seen:
            yield table.at(index, None, f"the same row as line {table.lines[seen[key]]}")
        seen.setdefault(key, index)


GENERIC: list[Callable[[Table], Iterator[Problem]]] = [
    no_stray_space, finite_numbers, not_in_future, ordered_bounds, well_formed_urls, distinct_source_ids,
    no_duplicate_rows,
]
