"""What the methods chapter states about the data, read from the code and files that enforce it.

The validator's rules are listed from the rule functions themselves (their
docstrings), the schema's definitions are quoted from ``data/datapackage.json``
and the raw snapshots are described from their own ``PROVENANCE.md`` and
``SHA256SUMS``, so the chapter cannot say one thing while the code does another.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from nkarms import project
from nkarms.data import reads, resource_descriptor, resource_names
from nkarms.data.rules import GENERIC
from nkarms.data.table_rules import BY_TABLE
from nkarms.story.tables import heading

# Constraint names in the data package and how the chapter words them.
CONSTRAINT_WORDS = {
    "required": "required fields", "enum": "fields limited to a closed list of values", "pattern": "fields with a set pattern",
    "minimum": "fields with a lower limit", "maximum": "fields with an upper limit", "unique": "fields whose values are unique",
}


def rule_text(rule: Callable) -> str:
    """A rule as one sentence for a table: its docstring's first paragraph (code marks dropped), else its name in words."""
    doc = (rule.__doc__ or "").strip()
    if not doc:
        return rule.__name__.replace("_", " ").capitalize() + "."
    first = " ".join(doc.split("\n\n")[0].split()).replace("``", "")
    return first if first.endswith(".") else f"{first}."


def validator_rules() -> pd.DataFrame:
    """Every cross-cell rule the validator applies: which tables, and what it checks."""
    rows = [{"applies_to": "every table", "rule": rule_text(rule)} for rule in GENERIC]
    rows += [{"applies_to": table, "rule": rule_text(rule)} for table, rules in BY_TABLE.items() for rule in rules]
    return pd.DataFrame(rows)


def constraint_counts(package_path: Path | None = None) -> dict[str, int]:
    """How many fields of the whole package carry each kind of schema constraint, plus tables and fields in all."""
    tally: Counter[str] = Counter()
    for name in resource_names(package_path):
        fields = resource_descriptor(name, package_path)["schema"]["fields"]
        tally["tables"] += 1
        tally["fields"] += len(fields)
        for field in fields:
            tally.update(key for key in field.get("constraints", {}) if key in CONSTRAINT_WORDS)
    return dict(tally)


def as_code(text: str, names: Iterable[str]) -> str:
    """``text`` with each raw field or metric name in ``names`` set as code, so readers see it is a column's name."""
    for name in sorted(set(names), key=len, reverse=True):
        text = re.sub(rf"(?<![\w`]){re.escape(name)}(?![\w`])", f"`{name}`", text)
    return text


def field_description(table: str, field: str, names: Iterable[str] = ()) -> str:
    """The schema's own description of one field, with the raw names in ``names`` set as code."""
    for entry in resource_descriptor(table)["schema"]["fields"]:
        if entry["name"] == field:
            return as_code(entry["description"], names)
    raise KeyError(f"table {table!r} has no field {field!r}")


def provenance_title(text: str) -> str:
    """The first Markdown heading of a PROVENANCE.md."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError("PROVENANCE.md has no top-level heading")


def raw_snapshots(root: Path | None = None) -> pd.DataFrame:
    """Each raw snapshot folder: what it holds (its PROVENANCE.md title), files checksummed, licence file."""
    raw = project.data_dir(root) / "raw"
    rows = []
    for folder in sorted(path for path in raw.iterdir() if path.is_dir()):
        provenance = reads.record(folder / "PROVENANCE.md").decode("utf-8")
        sums = [line for line in reads.record(folder / "SHA256SUMS").decode("utf-8").splitlines() if line.strip()]
        licence = sorted(path.name for path in folder.iterdir() if path.name.upper().startswith("LICENSE"))
        rows.append({"folder": f"data/raw/{folder.name}/", "title": provenance_title(provenance),
                     "checksummed": len(sums), "licence_file": ", ".join(licence) or "none"})
    return pd.DataFrame(rows)


def in_words(text: str, names: Iterable[str]) -> str:
    """``text`` with each raw field or metric name in ``names`` written as words (``launch_place`` -> ``launch place``), for tables."""
    for name in sorted(set(names), key=len, reverse=True):
        text = re.sub(rf"(?<![\w`]){re.escape(name)}(?![\w`])", heading(name).lower(), text)
    return text


def field_names(package_path: Path | None = None) -> set[str]:
    """Every field name in the data package that holds an underscore: the names readers should never meet raw."""
    return {field["name"] for name in resource_names(package_path)
            for field in resource_descriptor(name, package_path)["schema"]["fields"] if "_" in field["name"]}
