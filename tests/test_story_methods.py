"""The key findings' table of claims (nkarms.story.ledger) and the methods chapter's readers of code and files (nkarms.story.methods).

Hand-made claims and folders; every expectation is written out by hand.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nkarms.data.rules import GENERIC
from nkarms.data.table_rules import BY_TABLE
from nkarms.story import ledger, methods
from nkarms.story.judgements import Headline


def claim(claim_id: str, claimant_id: str, kind: str = "count", value: float | None = None, low: float | None = None,
          high: float | None = None, qualifier: str = "about", unit: str = "missiles", metric: str = "missiles_fired",
          source: str = "src-news") -> dict:
    return {"id": claim_id, "metric": metric, "kind": kind, "value": value, "low": low, "high": high, "qualifier": qualifier,
            "unit": unit, "claimant_id": claimant_id, "claimant": claimant_id.upper(), "as_of": pd.Timestamp("2025-01-01"),
            "period_start": pd.NaT, "period_end": pd.Timestamp("2025-01-01"), "source_ids": source}


def frame(*rows: dict) -> pd.DataFrame:
    table = pd.DataFrame(list(rows))
    for column in ("value", "low", "high"):
        table[column] = table[column].astype("Float64")
    return table


SOURCES = pd.DataFrame({"id": ["src-news", "src-primary", "src-repost"], "tier": ["news", "primary", "aggregator"]})


def test_kinds_text_counts_each_kind_with_its_plural() -> None:
    claims = frame(claim("a", "x"), claim("b", "y", kind="projection", value=5), claim("c", "z", kind="projection", value=6))
    assert ledger.kinds_text(claims) == "1 count, 2 projections"


def test_claims_overview_counts_claimants_once_and_words_tiers() -> None:
    claims = frame(
        claim("a", "x", value=10, source="src-news"), claim("b", "x", value=12, source="src-repost"),
        claim("c", "y", value=11, source="src-repost"),
        claim("d", "z", kind="conversion", value=20, metric="rounds", unit="rounds", source="src-repost"),
    )
    overview = ledger.claims_overview(claims, SOURCES, judged=[]).set_index("quantity")
    fired = overview.loc["missiles fired"]
    assert (fired["claims"], fired["independent"], fired["kinds"]) == (3, 2, "3 counts")
    assert fired["best_source"] == "news reports only"
    assert overview.loc["rounds", "best_source"] == "reposts only"
    assert overview.loc["rounds", "best_estimate"] == ledger.NOT_JUDGED


def test_headline_band_names_a_window() -> None:
    judged = type("J", (), {"period_start": pd.Timestamp("2024-03-01"), "period_end": pd.Timestamp("2024-10-31"),
                            "low": 1e6, "high": 1e6, "open_above": True, "open_below": False, "likelihood": "likely"})()
    headline = Headline("oil", "petroleum_supplied", "barrels", "{band}")
    assert ledger.headline_band(headline, judged) == "more than 1 million barrels, March 2024 to October 2024 (likely)"


def test_rule_text_reads_the_docstring_or_the_name() -> None:
    def documented() -> None:
        """A row is never empty: ``a`` and
        ``b`` count.

        Details that the table leaves out."""

    def no_doc_here() -> None:
        pass

    assert methods.rule_text(documented) == "A row is never empty: a and b count."
    assert methods.rule_text(no_doc_here) == "No doc here."


def test_validator_rules_list_every_rule_function() -> None:
    rules = methods.validator_rules()
    assert len(rules) == len(GENERIC) + sum(len(functions) for functions in BY_TABLE.values())
    assert (rules["applies_to"] == "every table").sum() == len(GENERIC)


def test_names_become_code_in_prose_and_words_in_tables() -> None:
    text = "period_start is empty; see period_start_note and `period_end`"
    assert methods.as_code(text, ["period_start", "period_end"]) == "`period_start` is empty; see period_start_note and `period_end`"
    assert methods.in_words("launch_place is blank", ["launch_place"]) == "launch place is blank"


def test_raw_snapshots_read_provenance_checksums_and_licence(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "raw" / "demo-set"
    folder.mkdir(parents=True)
    (folder / "PROVENANCE.md").write_text("Intro line\n# Demo outlines (v1)\n\n## Caveats\n", encoding="utf-8")
    (folder / "SHA256SUMS").write_text("aa  one.csv\nbb  two.csv\n\n", encoding="utf-8")
    (folder / "LICENSE.md").write_text("MIT", encoding="utf-8")
    rows = methods.raw_snapshots(tmp_path).to_dict("records")
    assert rows == [{"folder": "data/raw/demo-set/", "title": "Demo outlines (v1)", "checksummed": 2, "licence_file": "LICENSE.md"}]
    (folder / "PROVENANCE.md").write_text("no heading\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no top-level heading"):
        methods.raw_snapshots(tmp_path)
