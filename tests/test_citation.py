"""CITATION.cff is valid Citation File Format 1.2.0 and says what the report is.

Validated with jsonschema against the official CFF 1.2.0 schema, kept in
tests/data/ (see its README) so the test runs offline. cffconvert, the usual
validator, pins jsonschema 3 and cannot be installed beside this project.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
CITATION = PROJECT / "CITATION.cff"
SCHEMA = Path(__file__).with_name("data") / "cff-schema-1.2.0.json"


def as_json(value: Any) -> Any:
    """YAML dates become strings, as the schema asks of tools (see its 'date' definition)."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> jsonschema.Draft7Validator:
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def citation() -> dict:
    return as_json(yaml.safe_load(CITATION.read_text(encoding="utf-8")))


def errors(validator: jsonschema.Draft7Validator, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(document)]


def test_schema_is_the_official_cff_1_2_0(schema: dict) -> None:
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    assert schema["title"] == "Citation File Format"
    assert set(schema["required"]) == {"authors", "cff-version", "message", "title"}


def test_citation_file_is_valid_cff(validator: jsonschema.Draft7Validator, citation: dict) -> None:
    assert errors(validator, citation) == []


def test_citation_says_what_the_report_is(citation: dict) -> None:
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == "Arms for Moscow: North Korea's weapons in Russia's war"
    assert citation["authors"] == [{"name": "The nkarms report team"}]
    assert citation["license"] == "CC-BY-4.0"
    assert citation.get("type", "software") == "software"


def test_versions_agree_with_the_package(citation: dict) -> None:
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(citation["version"]) == project["version"]


def test_version_and_release_date_are_the_latest_data_change(citation: dict) -> None:
    """A data update is a release: the changelog's newest entry, the data package and the citation agree."""
    import csv
    import json

    with (PROJECT / "data" / "changelog.csv").open(encoding="utf-8") as handle:
        latest = max(csv.DictReader(handle), key=lambda row: row["date"])
    package = json.loads((PROJECT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert str(citation["version"]) == latest["version"] == package["version"]
    assert citation["date-released"] == latest["date"]


@pytest.mark.parametrize(("change", "where"), [
    (lambda doc: doc.pop("message"), "(root)"),
    (lambda doc: doc.update({"cff-version": "1.1.0"}), "cff-version"),
    (lambda doc: doc.update({"date-released": "28 Nov 2026"}), "date-released"),
    (lambda doc: doc.update({"license": "CC-BY-4"}), "license"),
    (lambda doc: doc.update({"authors": [{"name": "The nkarms report team", "nickname": "nk"}]}), "authors/0"),
    (lambda doc: doc.update({"type": "report"}), "type"),
])
def test_the_schema_catches_a_broken_file(validator: jsonschema.Draft7Validator, citation: dict, change, where: str) -> None:
    broken = copy.deepcopy(citation)
    change(broken)
    found = errors(validator, broken)
    assert found, "the schema accepted a broken CITATION.cff"
    assert any(message.startswith(where) for message in found), found


def test_the_suggested_citation_in_the_report_reads_this_file(citation: dict) -> None:
    from nkarms.analysis import sources

    assert sources.citation(CITATION) == (
        f"The nkarms report team ({citation['date-released'][:4]}). *{citation['title']}*. Version {citation['version']}."
    )
