"""The best-estimate method (src/nkarms/analysis/judgement.py).

Frames are small and hand-made, typed as the estimates table is, with neutral
claimants, so the tests check the rules rather than any fact. Every expected
band, median and word is worked out by hand in the test.
"""
from __future__ import annotations

import pandas as pd
import pytest
from claim_frames import claim, frame
from hypothesis import given, settings
from hypothesis import strategies as st

from nkarms import data
from nkarms.analysis import judgement as jd


@pytest.fixture
def ledger() -> pd.DataFrame:
    return frame(
        claim("a", "a", "2023-10-13", low=1_000, qualifier="more than", tier="primary"),
        claim("b-old", "b", "2024-06-14", 10_000),
        claim("b", "b", "2024-12-18", low=20_000, qualifier="more than", tier="primary"),
        claim("c", "c", "2025-05-29", 22_000),
        claim("d", "d", "2025-07-13", 28_000),
        claim("d-plan", "d", "2025-07-13", 40_000, kind="projection"),
        claim("e-conv", "e", "2025-08-01", 50_000, kind="conversion", tier="primary"),
        claim("b-2024", "b", "2024-12-31", 15_000, start="2024-01-01"),
    )


def test_cumulative_band_from_current_independent_counts(ledger: pd.DataFrame) -> None:
    result = jd.judge(ledger, "containers_shipped")
    # Current: b (more than 20,000), c (about 22,000), d (about 28,000).
    assert result.used_ids == ("b", "c", "d")
    assert (result.low, result.high) == (20_000, 28_000)
    assert not result.open_above and not result.open_below
    assert result.central == (22_000 + 28_000) / 2  # the "more than" bound has no point figure
    assert result.n_independent == 3 and result.claimant_ids == ("b", "c", "d")
    assert result.best_tier == "primary"
    assert result.spread == pytest.approx(28 / 20)
    assert (result.likelihood, result.confidence) == ("very likely", "high")
    assert result.as_of == pd.Timestamp("2025-07-13")
    reasons = dict(result.excluded)
    assert reasons["a"] == "superseded by growth: Claimant B later stated a minimum of 20,000"
    assert reasons["b-old"] == "superseded by the same claimant's newer claim"
    assert reasons["d-plan"].startswith("projection")
    assert reasons["e-conv"].startswith("conversion")
    assert reasons["b-2024"] == "other period"


def test_window_uses_only_claims_of_that_window(ledger: pd.DataFrame) -> None:
    result = jd.judge(ledger, "containers_shipped", pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert result.used_ids == ("b-2024",)
    assert (result.low, result.high, result.central) == (15_000, 15_000, 15_000)
    assert result.likelihood == "roughly even chance"
    assert "only one claimant" in result.reason and "no primary document" in result.reason
    assert jd.band_text(result, "containers") == "15,000 containers"


def test_growth_never_supersedes_within_a_window() -> None:
    claims = frame(claim("x", "x", "2024-12-01", 5_000, start="2024-01-01"),
                   claim("y", "y", "2024-12-31", low=9_000, qualifier="at least", start="2024-01-10"))
    # y ends later with a higher minimum, which would supersede x in a cumulative total; in a window both stay.
    result = jd.judge(claims, "containers_shipped", pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert result.used_ids == ("x", "y")
    assert (result.low, result.high) == (5_000, 9_000)


def test_a_window_takes_claims_whose_ends_lie_within_31_days() -> None:
    claims = frame(claim("near", "x", "2024-11-05", low=1_000_000, qualifier="more than", start="2024-03-07"),
                   claim("exact", "y", "2024-10-31", low=1_000_000, qualifier="more than", start="2024-03-01"),
                   claim("late", "z", "2024-12-02", 900_000, start="2024-03-01"),
                   claim("total", "w", "2024-10-31", 2_000_000))
    result = jd.judge(claims, "containers_shipped", pd.Timestamp("2024-03-01"), pd.Timestamp("2024-10-31"))
    # 5 Nov is 5 days after 31 Oct; 2 Dec is 32 days after it; the cumulative total is another period.
    assert result.used_ids == ("exact", "near")
    assert dict(result.excluded) == {"late": "other period", "total": "other period"}
    assert jd.band_text(result, "barrels") == "more than 1 million barrels"


def test_a_later_about_figure_is_disagreement_not_growth() -> None:
    claims = frame(claim("x", "x", "2024-01-01", 10_000, tier="primary"), claim("y", "y", "2025-01-01", 20_000))
    result = jd.judge(claims, "containers_shipped")
    assert result.used_ids == ("x", "y")
    assert (result.low, result.high, result.central) == (10_000, 20_000, 15_000)
    assert result.spread == 2
    assert result.likelihood == "likely"  # two claimants, one primary, spread exactly 2


def test_central_is_the_median_of_point_figures() -> None:
    claims = frame(claim("x", "x", "2024-01-01", 10_000), claim("y", "y", "2024-01-01", 11_000),
                   claim("z", "z", "2024-01-01", 20_000), claim("w", "w", "2024-01-01", low=9_000, high=30_000, qualifier="range"))
    result = jd.judge(claims, "containers_shipped")
    assert result.central == 11_000  # the middle of 10,000, 11,000 and 20,000; the range states no midpoint
    assert (result.low, result.high) == (9_000, 30_000)


def test_one_sided_bands_read_as_bounds() -> None:
    below = jd.judge(frame(claim("x", "x", "2024-01-23", high=50, qualifier="fewer than")), "containers_shipped")
    assert (below.low, below.high, below.open_below, below.central) == (50, 50, True, None)
    assert jd.band_text(below) == "fewer than 50"
    above = jd.judge(frame(claim("x", "x", "2024-01-23", low=6_000, qualifier="more than"),
                           claim("y", "y", "2024-01-23", 4_000)), "containers_shipped")
    assert (above.low, above.high, above.open_above) == (4_000, 6_000, True)
    assert jd.band_text(above, "soldiers") == "4,000 to more than 6,000 soldiers"


@pytest.mark.parametrize(("n", "tier", "spread", "word"), [
    (3, "primary", 1.5, "very likely"),
    (3, "primary", 1.51, "likely"),
    (2, "primary", 2.0, "likely"),
    (3, "news", 1.5, "likely"),
    (4, "news", 1.6, "roughly even chance"),
    (2, "news", 1.2, "roughly even chance"),
    (1, "primary", 1.0, "roughly even chance"),
    (5, "primary", 2.5, "roughly even chance"),
])
def test_likelihood_ladder(n: int, tier: str, spread: float, word: str) -> None:
    assert jd.likelihood(n, tier, spread)[0] == word


def test_reasons_name_what_falls_short() -> None:
    assert "claimants differ by more than 2 times" in jd.likelihood(5, "primary", 2.5)[1]
    assert "only one claimant" in jd.likelihood(1, "primary", 1.0)[1]


def test_headline_never_drawn_from_projection_or_conversion() -> None:
    claims = frame(
        claim("count", "x", "2025-01-01", 11_000, tier="primary"),
        claim("plan", "y", "2025-06-01", 30_000, kind="projection", tier="primary"),
        claim("capacity", "z", "2025-06-01", low=12_000_000, qualifier="more than", kind="conversion", tier="primary"),
    )
    result = jd.judge(claims, "containers_shipped")
    assert result.used_ids == ("count",)
    assert result.high == 11_000  # neither 30,000 nor 12,000,000 reaches the band
    with pytest.raises(ValueError, match="no current count claim"):
        jd.judge(claims[claims["kind"] != "count"], "containers_shipped")


def test_a_window_needs_both_ends_and_a_known_metric(ledger: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="both period_start and period_end"):
        jd.judge(ledger, "containers_shipped", pd.Timestamp("2024-01-01"))
    with pytest.raises(KeyError, match="no estimates of metric"):
        jd.judge(ledger, "troops_deployed")


def test_tier_is_the_best_among_sources() -> None:
    estimates = pd.DataFrame({"id": ["x", "y"], "source_ids": ["agg;news-1", "agg"]})
    sources = pd.DataFrame({"id": ["agg", "news-1", "un-report"], "tier": ["aggregator", "news", "primary"]})
    assert list(jd.with_tiers(estimates, sources)["tier"]) == ["news", "aggregator"]
    with pytest.raises(KeyError, match="'x' cites no known source"):
        jd.with_tiers(estimates.assign(source_ids=["missing", "agg"]), sources)


QUALIFIERS = ["as stated", "about", "range", "at least", "more than", "up to", "fewer than"]


@st.composite
def ledgers(draw: st.DrawFn) -> pd.DataFrame:
    """Random claims of one cumulative quantity, of every kind and qualifier, by up to five claimants."""
    rows = []
    for number in range(draw(st.integers(1, 12))):
        qualifier = draw(st.sampled_from(QUALIFIERS))
        first = draw(st.integers(1, 100_000))
        second = draw(st.integers(first, 200_000))
        figures = {"range": dict(low=first, high=second), "at least": dict(low=first), "more than": dict(low=first),
                   "up to": dict(high=first), "fewer than": dict(high=first)}.get(qualifier, dict(value=first))
        rows.append(claim(
            f"c{number}", draw(st.sampled_from("abcde")), f"2024-{draw(st.integers(1, 12)):02d}-01",
            qualifier=qualifier, kind=draw(st.sampled_from(["count", "count", "conversion", "projection"])),
            tier=draw(st.sampled_from(jd.TIERS)), **figures,
        ))
    return frame(*rows)


@settings(max_examples=200, deadline=None, database=None)  # no example database written into the checkout
@given(ledgers())
def test_band_never_leaves_the_span_of_its_claims(claims: pd.DataFrame) -> None:
    if not (claims["kind"] == "count").any():
        return
    result = jd.judge(claims, "containers_shipped")
    used = claims[claims["id"].isin(result.used_ids)]
    stated = pd.concat([used["value"], used["low"], used["high"]]).dropna()
    assert stated.min() <= result.low <= result.high <= stated.max()
    assert result.central is None or result.low <= result.central <= result.high
    assert set(used["kind"]) == {"count"}
    assert used["claimant_id"].is_unique and result.n_independent == len(used)
    assert sorted(result.used_ids + tuple(claim_id for claim_id, _ in result.excluded)) == sorted(claims["id"])


@pytest.mark.parametrize(("row", "text"), [
    (claim("x", "x", "2024-01-01", low=2_000, qualifier="at least"), "at least 2,000 containers"),
    (claim("x", "x", "2024-01-01", high=50, qualifier="fewer than"), "fewer than 50 containers"),
    (claim("x", "x", "2024-01-01", low=4_000, high=6_000, qualifier="range"), "4,000 to 6,000 containers"),
    (claim("x", "x", "2024-01-01", 148, qualifier="as stated"), "148 containers"),
    (claim("x", "x", "2024-01-01", 28_000), "about 28,000 containers"),
])
def test_claim_text_for_every_qualifier(row: dict, text: str) -> None:
    assert jd.claim_text(frame(row).iloc[0]) == text


@pytest.mark.parametrize(("row", "text"), [
    ({**claim("x", "x", "2024-01-01", 1, qualifier="as stated"), "unit": "soldiers"}, "1 soldier"),
    ({**claim("x", "x", "2024-01-01", low=1, qualifier="at least"), "unit": "missiles"}, "at least 1 missile"),
    ({**claim("x", "x", "2024-01-01", high=1, qualifier="fewer than"), "unit": "people"}, "fewer than 1 person"),
    ({**claim("x", "x", "2024-01-01", low=1, high=3, qualifier="range"), "unit": "soldiers"}, "1 to 3 soldiers"),
    ({**claim("x", "x", "2024-01-01", 9, qualifier="as stated"), "unit": "soldiers"}, "9 soldiers"),
])
def test_claim_text_makes_a_lone_one_singular(row: dict, text: str) -> None:
    assert jd.claim_text(frame(row).iloc[0]) == text


def test_no_headline_in_the_data_rests_on_a_projection_or_conversion() -> None:
    estimates = data.load_estimates()
    tiered = jd.with_tiers(estimates, data.load_sources())
    judged = 0
    for (metric, unit), claims in estimates.groupby(["metric", "unit"]):
        cumulative = claims[claims["period_start"].isna()]
        if not (cumulative["kind"] == "count").any():
            continue
        result = jd.judge(tiered, metric, unit=unit)
        used = estimates.set_index("id").loc[list(result.used_ids)]
        assert set(used["kind"]) == {"count"}, metric
        judged += 1
    assert judged >= 5  # the headline quantities exist and were judged


def test_claims_in_another_unit_are_set_aside_and_a_mixed_metric_needs_its_unit() -> None:
    claims = frame(claim("barrels", "x", "2024-10-31", low=1_000_000, qualifier="more than", start="2024-03-01"),
                   {**claim("voyages", "x", "2024-10-31", 43, qualifier="as stated", start="2024-03-01"), "unit": "tanker voyages"})
    window = (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-10-31"))
    result = jd.judge(claims, "containers_shipped", *window, unit="containers")
    # Same claimant, same day: without the unit rule the voyages (the later id) would stand for the claimant.
    assert result.used_ids == ("barrels",)
    assert dict(result.excluded) == {"voyages": "other unit"}
    with pytest.raises(ValueError, match="several units"):
        jd.judge(claims, "containers_shipped", *window)
