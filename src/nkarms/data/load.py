"""Loaders: read a table from ``data/``, validate it against ``datapackage.json``, type it.

One schema describes every table (``data/datapackage.json``, a Frictionless Data
Package). Frictionless checks each file against it (types, required fields,
allowed categories, ranges, patterns, unique keys); ``problems`` maps its
findings, ``rules`` and ``table_rules`` check what spans cells and rows, and the
checks across tables (source and claimant ids that exist, sources and claimants
that are used, monthly totals that add up) are made here. The first problem
found is raised as a :class:`DataError` naming the file, line, column and rule.
A table is validated once per process for each content of its file and schema.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from nkarms import project
from nkarms.data import reads
from nkarms.data.problems import (
    DataError,
    Problem,
    file_problem,
    header_problem,
    raise_first,
    read_rows,
    schema_problems,
)
from nkarms.data.rules import GENERIC, Table
from nkarms.data.table_rules import BY_TABLE, monthly_totals

SOURCE_LIST_FIELD = "source_ids"
PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
# Columns whose ids must name a row of another table: column -> table.
REFERENCES = {"claimant_id": "claimants"}


@cache
def _parsed(text: str) -> dict[str, Any]:
    return json.loads(text)


def _package(package_path: Path) -> dict[str, Any]:
    return _parsed(package_path.read_text(encoding="utf-8"))


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


def _typed(text: str, schema: dict[str, Any]) -> pd.DataFrame:
    """The table as a DataFrame with the schema's types (dates as datetime64)."""
    fields = schema["fields"]
    dtypes = {f["name"]: PANDAS_TYPES.get(f["type"], "string") for f in fields}
    frame = pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False, na_values=[""])
    for field in fields:
        if field["type"] == "date":
            frame[field["name"]] = pd.to_datetime(frame[field["name"]], format="%Y-%m-%d")
    return frame


def check_table(path: Path, schema: dict[str, Any], today: dt.date | None = None, name: str | None = None,
                raw: bytes | None = None) -> pd.DataFrame:
    """Validate one CSV file against its schema and the rules of its table; return it typed.

    ``name`` selects the table's own rules (default: the file's stem); ``raw`` is
    the file's bytes as already read (default: read now), so what is checked and
    typed is exactly what was hashed. Raises :class:`DataError` with the first
    problem found.
    """
    if raw is None:
        if not path.exists():
            raise DataError(f"{path.name}: the file is missing (the data package lists it)")
        raw = path.read_bytes()
    return _checked(str(path), raw, json.dumps(schema, sort_keys=True), today or dt.date.today(), name or path.stem).copy()


@cache
def _checked(path_text: str, raw: bytes, schema_text: str, today: dt.date, name: str) -> pd.DataFrame:
    """check_table's work, cached on the file's name and bytes, the schema, the date and the table."""
    path, schema = Path(path_text), json.loads(schema_text)
    problem = file_problem(path, raw)
    if problem:
        raise DataError(str(problem))
    text = raw.decode("utf-8")
    header, rows, lines = read_rows(text)
    problem = header_problem(path, header, schema)
    if problem:
        raise DataError(str(problem))
    raise_first(schema_problems(path, raw, schema, rows, lines))
    frame = _typed(text, schema)
    table = Table(path, schema, frame, [dict(zip(header, row)) for row in rows], lines, today)
    raise_first([problem for rule in GENERIC + BY_TABLE.get(name, []) for problem in rule(table)])
    return frame


def split_ids(cell: Any) -> list[str]:
    """The source ids of a ``source_ids`` cell (``;``-separated)."""
    if cell is None or pd.isna(cell):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def _lines(path: Path) -> list[int]:
    return read_rows(path.read_text(encoding="utf-8"))[2]


def check_source_ids(path: Path, frame: pd.DataFrame, known: set[str]) -> None:
    """Every id in ``source_ids`` must name a row of sources.csv."""
    if SOURCE_LIST_FIELD not in frame.columns:
        return
    for index, cell in frame[SOURCE_LIST_FIELD].items():
        for source_id in split_ids(cell):
            if source_id not in known:
                raise DataError(str(Problem(path, _lines(path)[index], SOURCE_LIST_FIELD, f"unknown source id {source_id!r}")))


def _check_references(path: Path, frame: pd.DataFrame, package_path: Path) -> None:
    """Every id in a referring column (``claimant_id``) must name a row of the table it refers to."""
    for column, target in REFERENCES.items():
        if column not in frame.columns:
            continue
        known = set(load(target, package_path)["id"])
        for index, cell in frame[column].items():
            if cell not in known:
                raise DataError(str(Problem(path, _lines(path)[index], column, f"unknown {column} {cell!r} (not in {target})")))


def _check_monthly(path: Path, frame: pd.DataFrame, package_path: Path) -> None:
    """The monthly Air Force table must add up to the per-report table it summarises."""
    expected = monthly_totals(frame, load("ua_kn23_attacks", package_path)).set_index(["month", "label_kind"])
    lines = _lines(path)
    for index, row in frame.iterrows():
        key = (row["month"], row["label_kind"])
        if key not in expected.index:
            raise DataError(str(Problem(path, lines[index], "month", f"no report in ua_kn23_attacks for {key[0]} ({key[1]})")))
        for column in ("reports", "launched", "destroyed"):
            if int(row[column]) != int(expected.loc[key, column]):
                rule = f"{column} {row[column]} does not add up: ua_kn23_attacks gives {int(expected.loc[key, column])} for {key[0]} ({key[1]})"
                raise DataError(str(Problem(path, lines[index], column, rule)))
    if len(expected) != len(frame):
        raise DataError(str(Problem(path, None, "month", f"{len(expected) - len(frame)} month(s) of ua_kn23_attacks missing")))


def load(name: str, package_path: Path | None = None) -> pd.DataFrame:
    """Read, validate and type one table of the data package."""
    package_path = package_path or project.datapackage()
    descriptor = resource_descriptor(name, package_path)
    path = package_path.parent / descriptor["path"]
    reads.record(package_path)
    if not path.exists():
        raise DataError(f"{path.name}: the file is missing (the data package lists it)")
    frame = check_table(path, descriptor["schema"], name=name, raw=reads.record(path))
    if SOURCE_LIST_FIELD in frame.columns:
        check_source_ids(path, frame, set(load("sources", package_path)["id"]))
    _check_references(path, frame, package_path)
    if name == "ua_kn23_monthly":
        _check_monthly(path, frame, package_path)
    return frame


def _unreferenced(tables: dict[str, pd.DataFrame], package_path: Path) -> None:
    """Every source is cited by some row, and every claimant makes some claim."""
    cited = {source for frame in tables.values() if SOURCE_LIST_FIELD in frame.columns
             for cell in frame[SOURCE_LIST_FIELD] for source in split_ids(cell)}
    used = {"claimants": set(tables["estimates"]["claimant_id"])} if "claimants" in tables else {}
    for name, known, what in [("sources", cited, "source {!r} is cited by no row")] + [
            (target, ids, "claimant {!r} makes no claim in estimates") for target, ids in used.items()]:
        path = package_path.parent / resource_descriptor(name, package_path)["path"]
        for index, row_id in tables[name]["id"].items():
            if row_id not in known:
                raise DataError(str(Problem(path, _lines(path)[index], "id", what.format(row_id))))


def validate_package(package_path: Path | None = None) -> dict[str, pd.DataFrame]:
    """Load every table and check that every source and claimant is used."""
    package_path = package_path or project.datapackage()
    tables = {name: load(name, package_path) for name in resource_names(package_path)}
    _unreferenced(tables, package_path)
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


def load_claimants() -> pd.DataFrame:
    """Who makes the claims: one row per claimant."""
    return load("claimants")


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
