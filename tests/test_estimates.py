"""Computations on estimates (src/nkarms/analysis/estimates.py).

Unit tests use small frames typed as ``data.load_estimates()`` types them, with
neutral claimant names, so they test the arithmetic and the ordering rules
rather than any fact. The last tests run the same functions on the real table,
where the figures are the published ones.
"""
from __future__ import annotations

import pandas as pd
import pytest

from nkarms import data
from nkarms.analysis import estimates as est

COLUMNS = ["id", "metric", "kind", "value", "low", "high", "qualifier", "unit", "period_start", "period_end", "as_of",
           "claimant_id", "claimant", "counts", "basis", "source_ids"]
LOWER_BOUNDS, UPPER_BOUNDS = ("at least", "more than"), ("up to", "fewer than")
DTYPES = {"value": "Float64", "low": "Float64", "high": "Float64"}


def claim(metric: str, as_of: str, claimant: str, value: float | None = None, low: float | None = None,
          high: float | None = None, qualifier: str = "about", unit: str = "containers", basis: str | None = None,
          source_ids: str = "src-a") -> dict:
    """One claim as the schema stores it: a bound's figure goes to low or high, never to value."""
    if qualifier in LOWER_BOUNDS:
        value, low = None, value
    if qualifier in UPPER_BOUNDS:
        value, high = None, value
    return {
        "id": f"{metric}-{as_of}-{claimant}".lower().replace(" ", "-"), "metric": metric, "kind": "count",
        "value": value, "low": low, "high": high, "qualifier": qualifier, "unit": unit, "period_start": None,
        "period_end": as_of, "as_of": as_of, "claimant_id": claimant.lower().replace(" ", "-"), "claimant": claimant,
        "counts": "what the figure counts", "basis": basis, "source_ids": source_ids,
    }


def frame(*rows: dict) -> pd.DataFrame:
    """Rows shaped and typed like the estimates table."""
    table = pd.DataFrame(list(rows), columns=COLUMNS)
    for column in COLUMNS:
        table[column] = table[column].astype(DTYPES.get(column, "string"))
    for column in ("period_start", "period_end", "as_of"):
        table[column] = pd.to_datetime(table[column], format="%Y-%m-%d")
    return table


@pytest.fixture
def containers() -> pd.DataFrame:
    return frame(
        claim("containers_shipped", "2024-06-14", "Claimant B", 10_000, qualifier="at least"),
        claim("containers_shipped", "2023-10-13", "Claimant A", 1_000, qualifier="more than"),
        claim("containers_shipped", "2024-06-14", "Claimant A", 7_000),
        claim("containers_shipped", "2025-04-15", "Claimant C", 16_000),
    )


@pytest.fixture
def mixed(containers: pd.DataFrame) -> pd.DataFrame:
    rounds = frame(
        claim("munitions_shipped", "2023-12-29", "Claimant D", 400_000, unit="rounds", basis="122 mm",
              source_ids="src-d"),
        claim("munitions_shipped", "2023-12-29", "Claimant D", 2_000_000, unit="rounds", basis="152 mm",
              source_ids="src-d;src-e"),
        claim("munitions_shipped", "2025-04-15", "Claimant C", low=4_000_000, high=6_000_000, qualifier="range",
              unit="rounds", source_ids="src-c"),
        claim("munitions_shipped", "2024-01-11", "Claimant E", 1_000_000, qualifier="more than", unit="rounds"),
    )
    extra = frame(claim("containers_shipped", "2023-12-29", "Claimant D", 5_000, source_ids="src-d"))
    return pd.concat([containers, rounds, extra], ignore_index=True)


# --- claims ------------------------------------------------------------------------------


def test_claims_picks_one_metric_oldest_first(mixed: pd.DataFrame) -> None:
    chosen = est.claims("containers_shipped", mixed)
    assert set(chosen["metric"]) == {"containers_shipped"}
    assert len(chosen) == 5
    assert chosen["as_of"].is_monotonic_increasing
    assert list(chosen.index) == list(range(5))


def test_claims_breaks_date_ties_by_claimant(containers: pd.DataFrame) -> None:
    same_day = est.claims("containers_shipped", containers)
    same_day = same_day[same_day["as_of"] == pd.Timestamp("2024-06-14")]
    assert list(same_day["claimant"]) == ["Claimant A", "Claimant B"]


def test_claims_of_an_unknown_metric_raise(containers: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="no estimates of metric 'tanks_shipped'"):
        est.claims("tanks_shipped", containers)


# --- largest, latest, upper ---------------------------------------------------------------


def test_upper_is_the_value_or_the_top_of_the_range(mixed: pd.DataFrame) -> None:
    rounds = est.claims("munitions_shipped", mixed)
    assert list(est.upper(rounds)) == [400_000, 2_000_000, 1_000_000, 6_000_000]


def test_largest_is_the_highest_figure(containers: pd.DataFrame) -> None:
    top = est.largest(containers)
    assert top["value"] == 16_000 and top["claimant"] == "Claimant C"
    assert "_top" not in top.index


def test_largest_counts_the_top_of_a_range(mixed: pd.DataFrame) -> None:
    top = est.largest(est.claims("munitions_shipped", mixed))
    assert top["claimant"] == "Claimant C" and pd.isna(top["value"]) and top["high"] == 6_000_000


def test_largest_prefers_the_latest_among_equals() -> None:
    tied = frame(
        claim("containers_shipped", "2025-05-29", "Claimant B", 20_000, qualifier="more than"),
        claim("containers_shipped", "2024-12-18", "Claimant A", 20_000, qualifier="more than"),
    )
    assert est.largest(tied)["claimant"] == "Claimant B"
    assert est.largest(tied.iloc[::-1])["claimant"] == "Claimant B"


def test_latest_is_the_most_recent_claim(containers: pd.DataFrame) -> None:
    last = est.latest(containers)
    assert last["as_of"] == pd.Timestamp("2025-04-15") and last["claimant"] == "Claimant C"


def test_latest_and_largest_can_differ() -> None:
    claims = frame(
        claim("containers_shipped", "2024-12-18", "Claimant A", 20_000),
        claim("containers_shipped", "2025-04-15", "Claimant C", 16_000),
    )
    assert est.largest(claims)["claimant"] == "Claimant A"
    assert est.latest(claims)["claimant"] == "Claimant C"


# --- implied rounds per container and the rounds range ----------------------------------------


def test_implied_ratios_pair_one_claimant_on_one_day(mixed: pd.DataFrame) -> None:
    ratios = est.implied_rounds_per_container(mixed)
    assert list(ratios.columns) == ["claimant", "as_of", "containers", "rounds_low", "rounds_high",
                                    "per_container_low", "per_container_high", "basis", "source_ids"]
    # Claimant D gave 5,000 containers and two shell counts on the same day; Claimant C a range.
    assert list(ratios["claimant"]) == ["Claimant D", "Claimant D", "Claimant C"]
    assert list(ratios["per_container_low"]) == [80.0, 400.0, 250.0]
    assert list(ratios["per_container_high"]) == [80.0, 400.0, 375.0]
    assert list(ratios["basis"].fillna("")) == ["122 mm", "152 mm", ""]
    # Claimant E gave rounds but no containers, Claimant A containers but no rounds: no ratio.
    assert not ratios["claimant"].isin(["Claimant A", "Claimant E"]).any()


def test_implied_ratios_need_the_same_day() -> None:
    apart = frame(
        claim("containers_shipped", "2024-02-26", "Claimant D", 6_700),
        claim("munitions_shipped", "2024-02-27", "Claimant D", 3_000_000, unit="rounds"),
    )
    assert est.implied_rounds_per_container(apart).empty


def test_rounds_range_spans_the_lowest_to_the_highest_ratio(mixed: pd.DataFrame) -> None:
    ratios = est.implied_rounds_per_container(mixed)
    assert est.rounds_range(10_000, ratios) == (800_000.0, 4_000_000.0)
    assert est.rounds_range(0, ratios) == (0.0, 0.0)


def test_capacity_ranges_every_container_claim(mixed: pd.DataFrame) -> None:
    ratios = est.implied_rounds_per_container(mixed)
    containers = est.claims("containers_shipped", mixed)
    shown = est.capacity(containers, ratios)
    for (_, row), (low, high) in zip(shown.iterrows(), (est.rounds_range(v, ratios) for v in containers["value"].fillna(containers["low"]))):
        assert (row["rounds_low"], row["rounds_high"]) == (low, high)
        assert row["label"] == est.attributed(row, short=True)
    assert len(shown) == len(containers)


def test_rounds_range_rejects_a_negative_count(mixed: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="a container count cannot be negative"):
        est.rounds_range(-1, est.implied_rounds_per_container(mixed))


# --- stated and the headline table --------------------------------------------------------------


@pytest.mark.parametrize(("row", "expected"), [
    (claim("containers_shipped", "2025-07-13", "X", 28_000), "about 28,000 containers"),
    (claim("munitions_shipped", "2024-12-18", "X", 6_000_000, qualifier="at least", unit="rounds"), "at least 6,000,000 rounds"),
    (claim("munitions_shipped", "2025-04-15", "X", low=4_000_000, high=6_000_000, qualifier="range", unit="rounds"),
     "4,000,000 to 6,000,000 rounds"),
    (claim("munitions_shipped", "2024-02-26", "X", 1_500_000, qualifier="as stated", unit="rounds"), "1,500,000 rounds"),
    (claim("ammo_share", "2025-07-12", "X", 40, qualifier="up to", unit="percent"), "up to 40 percent"),
    (claim("ballistic_missiles_fired", "2024-01-04", "X", 1, qualifier="at least", unit="missiles"), "at least 1 missile"),
])
def test_stated_reads_like_the_claim(row: dict, expected: str) -> None:
    assert est.stated(frame(row).iloc[0]) == expected


def test_attributed_names_claimant_and_month() -> None:
    row = frame(claim("containers_shipped", "2023-10-13", "White House", 1_000, qualifier="more than")).iloc[0]
    assert est.attributed(row) == "more than 1,000 containers (White House, October 2023)"
    assert est.attributed(row, short=True) == "more than 1,000 containers (White House, Oct 2023)"


def test_ratio_origin_says_who_when_and_on_what_basis() -> None:
    row = pd.Series({"claimant": "South Korea MND", "as_of": pd.Timestamp("2024-02-26"), "basis": "if the containers held 122 mm shells"})
    assert est.ratio_origin(row) == "South Korea MND, February 2024: if the containers held 122 mm shells"
    assert est.ratio_origin(row.copy().replace({"if the containers held 122 mm shells": pd.NA})) == (
        "South Korea MND, February 2024: no basis stated"
    )


@pytest.mark.parametrize(("value", "low", "high", "expected"), [
    (900.0, None, None, "900 km"),
    (None, 300.0, 500.0, "300–500 km"),
    (None, None, None, ""),
    (None, 300.0, None, ""),
])
def test_spec_figure(value, low, high, expected: str) -> None:
    row = pd.Series({"value": value, "low": low, "high": high, "unit": "km"}, dtype="object")
    assert est.spec_figure(row) == expected


def test_headline_table(mixed: pd.DataFrame) -> None:
    table = est.headline_table(["containers_shipped", "munitions_shipped"], mixed)
    assert list(table.columns) == ["metric", "claims", "highest", "latest", "source_ids"]
    first, second = table.to_dict("records")
    assert first == {
        "metric": est.METRIC_LABELS["containers_shipped"],
        "claims": 5,
        "highest": "about 16,000 containers (Claimant C, Apr 2025)",
        "latest": "about 16,000 containers (Claimant C, Apr 2025)",
        "source_ids": "src-a",
    }
    assert second["claims"] == 4
    assert second["highest"] == "4,000,000 to 6,000,000 rounds (Claimant C, Apr 2025)"
    assert second["source_ids"] == "src-c"


def test_headline_table_joins_the_sources_of_highest_and_latest() -> None:
    claims = frame(
        claim("containers_shipped", "2024-12-18", "Claimant A", 20_000, source_ids="src-b;src-a"),
        claim("containers_shipped", "2025-04-15", "Claimant C", 16_000, source_ids="src-c;src-a"),
    )
    assert est.headline_table(["containers_shipped"], claims)["source_ids"].item() == "src-a;src-b;src-c"


def test_every_metric_in_the_schema_has_a_label() -> None:
    schema = data.resource_descriptor("estimates")["schema"]
    metrics = next(field for field in schema["fields"] if field["name"] == "metric")["constraints"]["enum"]
    assert set(metrics) <= set(est.METRIC_LABELS)


# --- on the real table -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return data.load_estimates()


def test_real_largest_claim_is_not_below_any_other(real: pd.DataFrame) -> None:
    for metric in real["metric"].unique():
        claims = est.claims(metric, real)
        top = est.largest(claims)
        figures = [top[column] for column in ("value", "low", "high") if pd.notna(top[column])]
        assert max(figures) == est.upper(claims).max(), metric


def test_real_implied_ratios_are_the_published_figures_divided(real: pd.DataFrame) -> None:
    ratios = est.implied_rounds_per_container(real)
    assert not ratios.empty
    for row in ratios.itertuples():
        assert row.per_container_low == pytest.approx(row.rounds_low / row.containers)
        assert row.per_container_high == pytest.approx(row.rounds_high / row.containers)
        assert 0 < row.per_container_low <= row.per_container_high
        published = real[(real["metric"] == "containers_shipped") & (real["claimant"] == row.claimant)
                          & (real["as_of"] == row.as_of)]
        assert row.containers in set(published["value"]) | set(published["low"]) | set(published["high"])
    low, high = est.rounds_range(1_000, ratios)
    assert low == pytest.approx(1_000 * ratios["per_container_low"].min())
    assert high == pytest.approx(1_000 * ratios["per_container_high"].max())


def test_real_headline_table_covers_every_metric(real: pd.DataFrame) -> None:
    metrics = list(dict.fromkeys(real["metric"]))
    table = est.headline_table(metrics, real)
    assert list(table["claims"]) == [int((real["metric"] == m).sum()) for m in metrics]
    known = set(data.load_sources()["id"])
    for cell in table["source_ids"]:
        assert set(cell.split(";")) <= known


@pytest.mark.parametrize(("earlier", "later", "expected"), [
    (claim("ammo_share", "2024-10-04", "A", 50, unit="percent"),
     claim("ammo_share", "2025-07-12", "B", 40, qualifier="up to", unit="percent"),
     "the later claim (up to 40 percent) is a ceiling below the earlier claim's figure (about 50 percent)"),
    (claim("ammo_share", "2024-10-04", "A", 50, unit="percent"),
     claim("ammo_share", "2025-07-12", "B", 60, qualifier="up to", unit="percent"),
     "the later claim (up to 60 percent) is a ceiling above the earlier claim's figure (about 50 percent)"),
    (claim("ammo_share", "2024-10-04", "A", low=40, high=60, qualifier="range", unit="percent"),
     claim("ammo_share", "2025-07-12", "B", 55, qualifier="at least", unit="percent"),
     "the later claim (at least 55 percent) is a floor above the earlier claim's figure (40 to 60 percent)"),
    (claim("ammo_share", "2024-10-04", "A", 50, unit="percent"),
     claim("ammo_share", "2025-07-12", "B", 30, unit="percent"),
     "the later claim (about 30 percent) is lower than the earlier one (about 50 percent)"),
])
def test_compared_reads_the_relation_from_the_figures(earlier: dict, later: dict, expected: str) -> None:
    rows = frame(earlier, later)
    assert est.compared(rows.iloc[0], rows.iloc[1]) == expected


def test_what_each_counts_quotes_every_claimant_in_order() -> None:
    first = claim("ammo_share", "2024-10-04", "A", 50, unit="percent") | {"counts": "share of shells used"}
    second = claim("ammo_share", "2025-07-12", "B", 40, qualifier="up to", unit="percent") | {"counts": "share of all ammunition used"}
    assert est.what_each_counts(frame(first, second)) == "A: share of shells used; B: share of all ammunition used"


def test_what_each_counts_names_claimants_of_one_whole_together() -> None:
    rows = [claim("ammo_share", day, name, 50, unit="percent") | {"counts": "share of shells used"}
            for day, name in (("2024-10-04", "A"), ("2025-01-01", "B"), ("2025-07-12", "A"))]
    assert est.what_each_counts(frame(*rows)) == "A and B: share of shells used"
