"""Judged ranges and accuracy claims on hand-built specification rows."""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms.analysis import specs


def row(row_id: str, claimant: str, value: float | None, as_of: str, basis: str = "outside estimate",
        attribute: str = "max_range_km", system: str = "X", low: float | None = None, high: float | None = None) -> dict:
    return {"id": row_id, "system": system, "attribute": attribute, "value": value, "low": low, "high": high, "unit": "km",
            "as_of": pd.Timestamp(as_of), "basis": basis, "claimant": claimant, "note": f"note {row_id}", "source_ids": "s"}


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows)).astype({"value": "Float64", "low": "Float64", "high": "Float64"})


def test_band_spans_used_figures_and_leaves_out_maker_variant_and_older_rows() -> None:
    rows = table(
        row("a", "A", 400, "2019-01-01"), row("a2", "A", 500, "2021-01-01"),
        row("b", "B", 700, "2020-01-01", attribute="test_flight_km", basis="measured test flight"),
        row("c", "C", None, "2022-01-01", low=450, high=650),
        row("maker", "Maker", 1000, "2020-01-01", basis="claimed maximum"),
        row("variant", "D", 50, "2020-01-01", system="X (variant)"),
    )
    judged = specs.judged_range(rows, "X")
    # Used: A's newest (500), B (700), C's span (450-650): band 450 to 700; median of point figures 500 and 700.
    assert (judged.low, judged.high, judged.central) == (450, 700, 600)
    assert set(judged.used_ids) == {"a2", "b", "c"}
    why = dict(judged.excluded)
    assert why["maker"].startswith("the maker's") and why["a"].startswith("superseded")
    assert "variant" not in why and "variant" not in judged.used_ids


def test_unnamed_figure_is_set_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(specs, "UNNAMED", {"far": "no type named"})
    judged = specs.judged_range(table(row("near", "A", 600, "2020-01-01"), row("far", "B", 900, "2024-01-01")), "X")
    assert (judged.low, judged.high) == (600, 600) and dict(judged.excluded)["far"] == "set aside: no type named"
    assert specs.range_text(judged) == "600 km"


def test_unknown_system_and_nothing_usable_raise() -> None:
    with pytest.raises(KeyError):
        specs.judged_range(table(row("a", "A", 400, "2019-01-01")), "Y")
    with pytest.raises(ValueError):
        specs.judged_range(table(row("m", "M", 400, "2019-01-01", basis="claimed maximum")), "X")


def test_ring_table_gives_each_figure_its_claimants_and_role() -> None:
    rows = table(row("a", "A", 400, "2019-01-01"), row("b", "B", 600, "2020-01-01"), row("c", "C", 600, "2021-01-01"),
                 row("d", "D", 800, "2022-01-01", attribute="test_flight_km", basis="measured test flight"),
                 row("m", "M", 900, "2022-01-01", basis="claimed maximum"))
    rings = specs.ring_table(rows, specs.judged_range(rows, "X")).set_index("range_km")
    assert rings.loc[400, "role"] == "low end of the judged range"
    assert rings.loc[800, "role"] == "high end of the judged range" and rings.loc[800, "claimants"] == "D (test flight)"
    assert rings.loc[800, "label"] == "800 km: D (test flight) [high end]" and rings.loc[900, "label"].endswith("[set aside]")
    assert rings.loc[600, "claimants"] == "B; C" and rings.loc[600, "role"] == "central figure of the judged range"
    assert rings.loc[900, "role"].startswith("the maker's")


def test_accuracy_claims_merge_figures_and_findings_by_date() -> None:
    rows = table(row("e", "E", None, "2025-02-01", attribute="cep_m", low=50, high=100),
                 row("r", "E", 300, "2025-01-01"))
    findings = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-06-01"]), "topic": ["accuracy", "components"],
                             "finding": ["said early", "not accuracy"], "claimant": ["F", "G"], "source_ids": ["s1", "s2"]})
    claims = specs.accuracy_claims(rows, findings, "X")
    assert list(claims["said"]) == ["said early", "note e"]
    assert list(claims["figure"]) == ["", "50–100 m"]
