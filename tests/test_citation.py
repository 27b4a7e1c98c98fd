"""CITATION.cff is valid Citation File Format 1.2.0 and says what the report is.

It holds no version or release date: the release has one home, the newest row of
data/changelog.csv, from which the suggested citation, the installed package's
version, the site's data box and the PDF's cover all take it.

Validated with jsonschema against the official CFF 1.2.0 schema, kept in
tests/data/ (see its README) so the test runs offline. cffconvert, the usual
validator, pins jsonschema 3 and cannot be installed beside this project.
"""
from __future__ import annotations

import copy
import csv
import datetime as dt
import importlib.metadata
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


def newest_release(changelog: Path) -> tuple[str, dt.date]:
    """The newest row of a changelog, read here with csv: (version, date)."""
    with changelog.open(encoding="utf-8", newline="") as handle:
        rows = [(row["version"], dt.date.fromisoformat(row["date"])) for row in csv.DictReader(handle)]
    return max(rows, key=lambda row: row[1])


def test_the_release_is_not_copied_into_the_citation_file(citation: dict) -> None:
    assert "version" not in citation and "date-released" not in citation


def test_the_package_version_is_the_newest_release() -> None:
    import nkarms

    version, _ = newest_release(PROJECT / "data" / "changelog.csv")
    assert nkarms.__version__ == version
    assert importlib.metadata.version("nkarms") == version, (
        "the installed metadata is older than data/changelog.csv: reinstall the package "
        "(.venv/bin/pip install --no-deps --no-build-isolation -e .)"
    )


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


def expected_citation(project: Path) -> str:
    meta = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    version, day = newest_release(project / "data" / "changelog.csv")
    return (f"The nkarms report team ({day.year}). *{meta['title']}*. "
            f"Version {version}, data as of {day.day} {day:%B %Y}.")


def test_the_suggested_citation_in_the_report_reads_this_file_and_the_release() -> None:
    from nkarms.analysis import sources

    assert sources.citation(CITATION) == expected_citation(PROJECT)


def test_the_suggested_citation_follows_a_new_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nkarms.analysis import sources

    (tmp_path / "data").mkdir()
    (tmp_path / "CITATION.cff").write_text(CITATION.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "data" / "changelog.csv").write_text(
        "date,version,change\n2027-01-02,0.3.0,newest\n2026-12-04,0.1.1,older\n", encoding="utf-8")
    monkeypatch.setenv("NKARMS_PROJECT_ROOT", str(tmp_path))
    cited = sources.citation()
    assert cited == expected_citation(tmp_path)
    assert "(2027)" in cited and "Version 0.3.0, data as of 2 January 2027." in cited
