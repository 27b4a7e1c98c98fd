"""Loaders: read a table from ``data/``, validate it against ``datapackage.json``, type it.

One schema describes every table (``data/datapackage.json``, a Frictionless Data
Package). Frictionless checks each file against it (types, required fields,
allowed categories, ranges, patterns, unique keys); the checks that span rows or
tables (dates not in the future, low <= value <= high, source ids that exist,
sources that are used) are made here. The first problem found is raised as a
:class:`DataError` naming the file, line, column and rule.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
from frictionless import Resource, Schema

from nkarms import project
from nkarms.data import reads

SOURCE_LIST_FIELD = "source_ids"
PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


class DataError(ValueError):
    """A table breaks a rule; the message names file, line, column and rule."""


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place in one file."""

    path: Path
    line: int | None
    column: str | None
    rule: str

    def __str__(self) -> str:
        where = [self.path.name if self.path.parent.name != "derived" else f"derived/{self.path.name}"]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.rule}"


@cache
def _package(package_path: Path) -> dict[str, Any]:
    return json.loads(package_path.read_text(encoding="utf-8"))


def resource_descriptor(name: str, package_path: Path | None = None) -> dict[str, Any]:
    """The datapackage entry for table ``name``."""
    package_path = package_path or project.datapackage()
    for resource in _package(package_path)["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(f"{package_path.name} describes no table named {name!r}")


def resource_names(package_path: Path | None = None) -> list[str]:
    """Every table the data package describes, in its order."""
    return [resource["name"] for resource in _package(package_path or project.datapackage())["resources"]]


def _file_problem(path: Path) -> Problem | None:
    """Problems frictionless reports poorly: an empty file and bytes that are not UTF-8."""
    raw = path.read_bytes()
    if not raw.strip():
        return Problem(path, 1, None, "the file is empty; a header row is required")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw[: error.start].count(b"\n") + 1
        before = raw[line_start: error.start].decode("utf-8", errors="replace")
        header = next(csv.reader(io.StringIO(raw.split(b"\n", 1)[0].decode("utf-8", errors="replace"))))
        position = len(next(csv.reader(io.StringIO(before)), [""])) - 1
        column = header[position] if line > 1 and position < len(header) else None
        return Problem(path, line, column, f"the file is not UTF-8 (byte 0x{raw[error.start]:02x})")
    return None


def _schema_problems(path: Path, schema: dict[str, Any]) -> list[Problem]:
    """Problems against the table's schema, as frictionless finds them."""
    resource = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), encoding="utf-8")
    report = resource.validate()
    problems = []
    for row, field, kind, note, cell in report.flatten(["rowNumber", "fieldName", "type", "note", "cell"]):
        first_line = note.rsplit(" ", 1)[-1]
        rule = {
            "missing-label": "a required column is missing",
            "extra-label": "a column that the schema does not describe",
            "type-error": f"not a valid {note.split('/')[0].replace('type is ', '').strip(chr(34))}",
            "constraint-error": f"breaks the rule {note}",
            "primary-key": f"duplicate id (first on line {first_line})",
            "unique-error": f"duplicate value {cell!r} (first on line {first_line})",
            "extra-cell": "a cell beyond the last column",
            "blank-row": "a blank row",
        }.get(kind, f"{kind}: {note}")
        if kind in {"missing-label", "extra-label"}:
            labels = _header(path)
            missing = [f["name"] for f in schema["fields"] if f["name"] not in labels]
            extra = [label for label in labels if label not in {f["name"] for f in schema["fields"]}]
            field = (missing or extra or [field])[0]
            rule = "a required column is missing" if missing else "a column that the schema does not describe"
            row = 1
        problems.append(Problem(path, row, field, rule))
    return problems


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


def _row_problems(path: Path, frame: pd.DataFrame, today: dt.date) -> list[Problem]:
    """Rules across the cells of one row: no future dates, low <= value <= high, well-formed URLs."""
    problems = []
    for index, row in frame.iterrows():
        line = int(index) + 2
        for column in frame.columns:
            value = row[column]
            if isinstance(value, pd.Timestamp) and value.date() > today:
                problems.append(Problem(path, line, column, f"date {value.date()} is in the future"))
        low, value, high = (row.get(name) for name in ("low", "value", "high"))
        bounds = [("low", low), ("value", value), ("high", high)]
        present = [(name, number) for name, number in bounds if number is not None and not pd.isna(number)]
        for (name_a, a), (name_b, b) in zip(present, present[1:]):
            if a > b:
                problems.append(Problem(path, line, name_a, f"{name_a} ({_number(a)}) is greater than {name_b} ({_number(b)})"))
        if "url" in frame.columns:
            parsed = urlparse(str(row["url"]))
            if parsed.scheme not in {"http", "https"} or "." not in parsed.netloc or " " in str(row["url"]):
                problems.append(Problem(path, line, "url", f"malformed URL {row['url']!r}"))
    return problems


def _number(value: float) -> str:
    """A number as a reader writes it: 6,000,000 rather than 6e+06."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _typed(path: Path, schema: dict[str, Any]) -> pd.DataFrame:
    """The table as a DataFrame with the schema's types (dates as datetime64)."""
    fields = schema["fields"]
    dtypes = {f["name"]: PANDAS_TYPES.get(f["type"], "string") for f in fields}
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8")
    for field in fields:
        if field["type"] == "date":
            frame[field["name"]] = pd.to_datetime(frame[field["name"]], format="%Y-%m-%d")
    return frame


def check_table(path: Path, schema: dict[str, Any], today: dt.date | None = None) -> pd.DataFrame:
    """Validate one CSV file against its schema and row rules; return it typed.

    Raises :class:`DataError` with the first problem found.
    """
    today = today or dt.date.today()
    if not path.exists():
        raise DataError(f"{path.name}: the file is missing (the data package lists it)")
    problem = _file_problem(path)
    if problem:
        raise DataError(str(problem))
    problems = _schema_problems(path, schema)
    if problems:
        raise DataError(str(problems[0]))
    frame = _typed(path, schema)
    problems = _row_problems(path, frame, today)
    if problems:
        raise DataError(str(problems[0]))
    return frame


def split_ids(cell: Any) -> list[str]:
    """The source ids of a ``source_ids`` cell (``;``-separated)."""
    if cell is None or pd.isna(cell):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def check_source_ids(path: Path, frame: pd.DataFrame, known: set[str]) -> None:
    """Every id in ``source_ids`` must name a row of sources.csv."""
    if SOURCE_LIST_FIELD not in frame.columns:
        return
    for index, cell in frame[SOURCE_LIST_FIELD].items():
        for source_id in split_ids(cell):
            if source_id not in known:
                line = int(index) + 2
                raise DataError(str(Problem(path, line, SOURCE_LIST_FIELD, f"unknown source id {source_id!r}")))


def load(name: str, package_path: Path | None = None) -> pd.DataFrame:
    """Read, validate and type one table of the data package."""
    package_path = package_path or project.datapackage()
    descriptor = resource_descriptor(name, package_path)
    path = package_path.parent / descriptor["path"]
    reads.record(package_path)
    reads.record(path)
    frame = check_table(path, descriptor["schema"])
    if SOURCE_LIST_FIELD in frame.columns:
        sources = load("sources", package_path)
        check_source_ids(path, frame, set(sources["id"]))
    return frame


def validate_package(package_path: Path | None = None) -> dict[str, pd.DataFrame]:
    """Load every table and check that every source is cited by some row."""
    package_path = package_path or project.datapackage()
    tables = {name: load(name, package_path) for name in resource_names(package_path)}
    cited = {
        source_id
        for frame in tables.values()
        if SOURCE_LIST_FIELD in frame.columns
        for cell in frame[SOURCE_LIST_FIELD]
        for source_id in split_ids(cell)
    }
    sources_path = package_path.parent / resource_descriptor("sources", package_path)["path"]
    for index, source_id in tables["sources"]["id"].items():
        if source_id not in cited:
            raise DataError(str(Problem(sources_path, int(index) + 2, "id", f"source {source_id!r} is cited by no row")))
    return tables


def load_sources() -> pd.DataFrame:
    """The citation registry: one row per source document."""
    return load("sources")


def load_events() -> pd.DataFrame:
    """The dated timeline."""
    return load("events")


def load_estimates() -> pd.DataFrame:
    """Every dated public estimate, one row per claim."""
    return load("estimates")


def catalogue(package_path: Path | None = None) -> pd.DataFrame:
    """One row per table: name, title, description, path, rows, licence and caveats, from the data package."""
    package_path = package_path or project.datapackage()
    rows = []
    for name in resource_names(package_path):
        descriptor = resource_descriptor(name, package_path)
        rows.append({
            "name": name,
            "title": descriptor.get("title", name),
            "description": descriptor.get("description", ""),
            "path": descriptor["path"],
            "rows": len(load(name, package_path)),
            "licence": "; ".join(item.get("title", item.get("name", "")) for item in descriptor.get("licenses", [])),
            "caveats": descriptor.get("caveats", []),
        })
    return pd.DataFrame(rows)
