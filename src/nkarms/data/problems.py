"""What a broken rule looks like, and the checks that need only one file and its schema.

A :class:`Problem` names the file, the line, the column and the rule. Lines are
counted as the csv module reads the file, so a quoted cell that spans several
lines moves every later row down. Frictionless checks types and constraints;
its findings are mapped from their structured fields (error type, row number,
field name and cell), never from its English message text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frictionless import Resource, Schema


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


def raise_first(problems: list[Problem]) -> None:
    """Raise the first problem found, if any."""
    if problems:
        raise DataError(str(problems[0]))


def read_rows(text: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows and the line on which each data row starts (quoted newlines counted)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    rows, lines, next_line = [], [], reader.line_num + 1
    for row in reader:
        rows.append(row)
        lines.append(next_line)
        next_line = reader.line_num + 1
    return header, rows, lines


def file_problem(path: Path, raw: bytes) -> Problem | None:
    """Problems frictionless reports poorly: an empty file and bytes that are not UTF-8."""
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


def header_problem(path: Path, header: list[str], schema: dict[str, Any]) -> Problem | None:
    """The header must hold exactly the schema's columns, once each, in the schema's order."""
    names = [field["name"] for field in schema["fields"]]
    missing = [name for name in names if name not in header]
    if missing:
        return Problem(path, 1, missing[0], "a required column is missing")
    extra = [label for label in header if label not in names]
    if extra:
        return Problem(path, 1, extra[0], "a column that the schema does not describe")
    repeated = [label for position, label in enumerate(header) if label in header[:position]]
    if repeated:
        return Problem(path, 1, repeated[0], "the column appears twice in the header")
    if header != names:
        position = next(index for index, (label, name) in enumerate(zip(header, names)) if label != name)
        return Problem(path, 1, header[position], f"columns out of order: expected '{names[position]}' here (order: {', '.join(names)})")
    return None


def schema_problems(path: Path, raw: bytes, schema: dict[str, Any], rows: list[list[str]], lines: list[int]) -> list[Problem]:
    """Problems against the table's schema, as frictionless finds them in ``raw`` (the bytes read), with our line numbers."""
    resource = Resource(data=raw, format="csv", schema=Schema.from_descriptor(schema), encoding="utf-8")
    fields = {field["name"]: field for field in schema["fields"]}
    problems = []
    for error in resource.validate().flatten(["type", "rowNumber", "fieldName", "cell"]):
        kind, row_number, field_name, cell = error
        index = row_number - 2 if row_number else None
        line = lines[index] if index is not None and 0 <= index < len(lines) else None
        problems.append(Problem(path, line, field_name or None, _rule(kind, fields.get(field_name), cell, index, rows, lines, schema)))
    return problems


def _rule(kind: str, field: dict[str, Any] | None, cell: Any, index: int | None, rows: list[list[str]],
          lines: list[int], schema: dict[str, Any]) -> str:
    """The rule a structured frictionless error breaks, in the validator's words."""
    if kind == "type-error" and field:
        return f"not a valid {field['type']}"
    if kind == "constraint-error" and field:
        name, value = broken_constraint(field, "" if cell is None else str(cell))
        return f'breaks the rule constraint "{name}" is "{value}"'
    if kind in {"unique-error", "primary-key"} and index is not None:
        first = _first_duplicate(rows, index, schema, field)
        key = schema.get("primaryKey", [])
        if kind == "unique-error" or len(key) == 1:
            shown = cell if kind == "unique-error" else rows[index][_position(schema, key[0])]
            return f"duplicate value {shown!r} (first on line {lines[first]})"
        values = ", ".join(repr(rows[index][_position(schema, name)]) for name in key)
        return f"duplicate key ({', '.join(key)}) = ({values}) (first on line {lines[first]})"
    return {
        "extra-cell": "a cell beyond the last column",
        "missing-cell": "a row with too few cells",
        "blank-row": "a blank row",
    }.get(kind, f"breaks the rule {kind}")


def _position(schema: dict[str, Any], name: str) -> int:
    return [field["name"] for field in schema["fields"]].index(name)


def _first_duplicate(rows: list[list[str]], index: int, schema: dict[str, Any], field: dict[str, Any] | None) -> int:
    """The first earlier row with the same key (the unique field, or the primary key)."""
    names = [field["name"]] if field and field.get("constraints", {}).get("unique") else schema.get("primaryKey", [])
    positions = [_position(schema, name) for name in names]
    key = [rows[index][position] for position in positions]
    return next(i for i in range(index) if [rows[i][position] for position in positions] == key)


def broken_constraint(field: dict[str, Any], cell: str) -> tuple[str, Any]:
    """Which of a field's constraints ``cell`` breaks, checked here rather than read from a message."""
    constraints = field.get("constraints", {})
    if cell == "":
        return "required", constraints.get("required")
    if "enum" in constraints and cell not in [str(item) for item in constraints["enum"]]:
        return "enum", constraints["enum"]
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], cell):
        return "pattern", constraints["pattern"]
    for name in ("minimum", "maximum"):
        if name in constraints and _outside(field, cell, name, constraints[name]):
            return name, constraints[name]
    return next(iter(constraints.items()), ("unknown", ""))


def _outside(field: dict[str, Any], cell: str, name: str, limit: Any) -> bool:
    if field["type"] == "date":
        value, bound = dt.date.fromisoformat(cell), dt.date.fromisoformat(str(limit))
    else:
        value, bound = float(cell), float(limit)
    return value < bound if name == "minimum" else value > bound
