"""Comparing data releases (nkarms.analysis.releases) and the words of the "What's new" page (nkarms.story.whatsnew).

Hand-made claims whose differences are written out by hand; then the real
snapshots: each is byte for byte what data/releases/README.md records, and
every version of the changelog older than the newest has one.
"""
from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest

from nkarms import data, project
from nkarms.analysis import releases
from nkarms.story import whatsnew

OLD_COLUMNS = ["id", "metric", "value", "low", "high", "qualifier", "unit", "as_of", "claimant", "counts", "basis", "source_ids"]


def claims(*rows: dict, columns: list[str] = OLD_COLUMNS) -> pd.DataFrame:
    defaults = {"metric": "boxes", "value": None, "low": None, "high": None, "qualifier": "about", "unit": "containers",
                "as_of": "2025-01-01", "claimant": "A", "counts": "boxes", "basis": None, "source_ids": "s1",
                "kind": "count", "period_start": None, "period_end": "2025-01-01", "claimant_id": "a"}
    frame = pd.DataFrame([{**defaults, **row} for row in rows])[columns]
    for column in ("value", "low", "high"):
        frame[column] = frame[column].astype("Float64")
    for column in ("as_of", "period_start", "period_end"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    return frame


NEW_COLUMNS = OLD_COLUMNS + ["kind", "period_start", "period_end", "claimant_id"]


def test_added_removed_and_corrected_by_id() -> None:
    old = claims({"id": "kept", "value": 10}, {"id": "fixed", "value": 10}, {"id": "gone", "value": 5, "source_ids": "s9"})
    new = claims({"id": "kept", "value": 10}, {"id": "fixed", "value": 12, "as_of": "2025-02-01"}, {"id": "fresh", "value": 7},
                 columns=NEW_COLUMNS)
    diff = releases.diff(old, new, "0.1", "0.2")
    assert list(diff.added["id"]) == ["fresh"]
    assert list(diff.removed["id"]) == ["gone"]
    assert diff.removed.at[0, "merged_into"] == ()
    assert list(diff.corrected["id"]) == ["fixed"]
    assert diff.corrected.at[0, "changed"] == ("value", "as_of")
    assert diff.fields_added == ("kind", "period_start", "period_end", "claimant_id")
    assert diff.fields_dropped == ()


def test_a_bound_moved_to_its_side_is_not_a_correction() -> None:
    old = claims({"id": "floor", "value": 2000, "qualifier": "at least"}, {"id": "cap", "value": 50, "qualifier": "fewer than"})
    new = claims({"id": "floor", "low": 2000, "qualifier": "at least"}, {"id": "cap", "high": 50, "qualifier": "fewer than"},
                 columns=NEW_COLUMNS)
    assert releases.diff(old, new, "0.1", "0.2").corrected.empty


def test_a_changed_bound_is_a_correction() -> None:
    old = claims({"id": "cap", "value": 50, "qualifier": "up to"})
    new = claims({"id": "cap", "high": 40, "qualifier": "up to"}, columns=NEW_COLUMNS)
    assert releases.diff(old, new, "0.1", "0.2").corrected.at[0, "changed"] == ("high",)


def test_reordered_sources_are_no_correction_but_a_new_source_is() -> None:
    old = claims({"id": "a", "value": 1, "source_ids": "s1;s2"}, {"id": "b", "value": 1, "source_ids": "s1"})
    new = claims({"id": "a", "value": 1, "source_ids": "s2;s1"}, {"id": "b", "value": 1, "source_ids": "s1;s3"})
    diff = releases.diff(old, new, "0.1", "0.1.1")
    assert list(diff.corrected["id"]) == ["b"]
    assert diff.corrected.at[0, "changed"] == ("source_ids",)


def test_a_removed_restatement_is_merged_into_the_claim_that_now_carries_its_source() -> None:
    old = claims({"id": "first", "value": 3000, "source_ids": "s1"}, {"id": "restated", "value": 3000, "source_ids": "s2"},
                 {"id": "other", "metric": "ships", "value": 3, "source_ids": "s2"})
    new = claims({"id": "first", "value": 3000, "source_ids": "s1;s2"}, {"id": "other", "metric": "ships", "value": 3, "source_ids": "s2"})
    removed = releases.diff(old, new, "0.1", "0.1.1").removed
    assert removed.set_index("id").at["restated", "merged_into"] == ("first",)


def test_a_repeated_id_is_refused() -> None:
    twice = claims({"id": "x", "value": 1}, {"id": "x", "value": 2})
    with pytest.raises(ValueError, match="'x'"):
        releases.diff(twice, claims({"id": "x", "value": 1}), "0.1", "0.2")


def test_the_old_headline_rule_is_repeated_as_it_was() -> None:
    frame = claims({"id": "small", "value": 50, "qualifier": "fewer than", "as_of": "2024-01-01"},
                   {"id": "range", "low": 10, "high": 40, "qualifier": "range"},
                   {"id": "other-metric", "metric": "ships", "value": 900})
    assert releases.highest_then(frame, "boxes")["id"] == "small"  # 0.1.1 read "fewer than 50" as 50
    assert releases.highest_then(frame, "tanks") is None
    open_floor = claims({"id": "floor-only", "low": 2, "qualifier": "at least"}, {"id": "big", "value": 900})
    assert releases.highest_then(open_floor, "boxes")["id"] == "floor-only"  # a figure in low alone ranked last, as it did


def test_versions_sort_as_numbers_and_the_base_is_the_newest_older_snapshot() -> None:
    assert releases.version_key("0.10.0") > releases.version_key("0.9.1")
    assert releases.base_version("0.3.0", ["0.1.0", "0.2.0", "0.10.0"]) == "0.2.0"
    with pytest.raises(ValueError, match="before 0.1.0"):
        releases.base_version("0.1.0", ["0.1.0"])
    assert releases.missing_snapshots(["0.1.0", "0.1.1", "0.2.0", "0.3.0"], ["0.1.0", "0.2.0"]) == ["0.1.1"]


def test_fate_of_an_old_headline_claim() -> None:
    excluded = (("plan", "projection: shown, never a headline"),)
    assert releases.fate("count", ("count",), excluded, {"count", "plan"}) == "in the band"
    assert releases.fate("plan", ("count",), excluded, {"count", "plan"}) == "set aside (projection: shown, never a headline)"
    assert releases.fate("gone", ("count",), excluded, {"count", "plan"}) == "no longer in the claims"


def test_words_for_a_change_of_sources_and_a_moved_top() -> None:
    sources = pd.DataFrame({"id": ["s1", "s2", "s3"], "publisher": ["Reuters", "KBS World", "UNN"],
                            "published": pd.to_datetime(["2024-05-02", "2024-05-03", None])})
    before, after = pd.Series({"source_ids": "s1;s3"}), pd.Series({"source_ids": "s1;s2"})
    assert whatsnew.sources_change(before, after, sources, sources) == ("2 sources (dropped UNN, undated)",
                                                                       "2 sources (added KBS World, 3 May 2024)")
    assert whatsnew.movement(30_000, 15_000) == "down from 30,000 to 15,000"
    assert whatsnew.movement(12e6, 12e6) == "unchanged at 12 million"
    assert whatsnew.aspects(("source_ids", "value", "counts")) == ["figure", "what it counts", "sources"]


# --- the real snapshots ---------------------------------------------------------------------


def test_every_older_version_of_the_changelog_has_its_snapshot() -> None:
    versions = list(data.load("changelog")["version"])
    assert releases.missing_snapshots(versions, releases.snapshot_versions()) == []


def test_the_snapshots_are_exactly_what_the_readme_records() -> None:
    folder = releases.releases_dir()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    recorded = {path: digest for digest, path in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.MULTILINE)}
    stored = {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.glob("*/*.csv")}
    assert stored == recorded


def test_each_snapshot_holds_both_tables_and_the_current_release_compares_with_one() -> None:
    for version in releases.snapshot_versions():
        for table in releases.TABLES:
            assert len(releases.load_release(version, table)) > 0
    base = releases.base_version(project.release().version, releases.snapshot_versions())
    diff = releases.diff(releases.load_release(base), data.load_estimates(), base, project.release().version)
    assert len(diff.added) + len(diff.removed) + len(diff.corrected) > 0


def test_the_summary_names_new_fields_in_words() -> None:
    old = claims({"id": "a", "value": 1})
    new = claims({"id": "a", "value": 1}, {"id": "b", "value": 2}, columns=NEW_COLUMNS)
    row = whatsnew.summary_row(releases.diff(old, new, "0.1.1", "0.2.0"))
    assert row == {"release": "0.1.1 to 0.2.0", "added": 1, "removed": 0, "corrected": 0,
                   "new_fields": "kind of claim, start of period, end of period, claimant's identifier"}
