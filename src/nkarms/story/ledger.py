"""The key findings' table of claims: per quantity, how many claims of which kind, who makes them, and the best estimate.

It replaces a table that ranked claims with a plain maximum, which put
projections, container-load conversions and one-sided bounds at the top. Here
each quantity shows its claims by kind, its independent claimants (distinct
``claimant_id``), the best source tier in words, and, for a headline
quantity, the band of :func:`nkarms.analysis.judgement.best_estimate` with its
likelihood word.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from nkarms.analysis.estimates import METRIC_LABELS
from nkarms.analysis.judgement import (
    TIERS,
    Judgement,
    band_text,
    with_tiers,
)
from nkarms.story.judgements import TIER_WORDS, Headline
from nkarms.story.numbers import counted

NOT_JUDGED = "not a headline: every claim is listed in its chapter"
# Claim kinds as readers read them, singular; counted() makes the plural.
KIND_WORDS = {"count": "count", "conversion": "conversion", "projection": "projection"}


def kinds_text(claims: pd.DataFrame) -> str:
    """How many claims of each kind, in words: ``12 counts, 1 conversion, 3 projections`` (kinds with none left out)."""
    tally = claims["kind"].value_counts()
    return ", ".join(counted(tally[kind], f"{word}s") for kind, word in KIND_WORDS.items() if kind in tally)


def headline_band(headline: Headline, judgement: Judgement) -> str:
    """The band with its likelihood word, and the window it covers when it is not the running total."""
    window = ""
    if judgement.period_start is not None:
        window = f", {judgement.period_start:%B %Y} to {judgement.period_end:%B %Y}"
    return f"{band_text(judgement, headline.unit)}{window} ({judgement.likelihood})"


def claims_overview(estimates: pd.DataFrame, sources: pd.DataFrame,
                    judged: Iterable[tuple[Headline, Judgement]]) -> pd.DataFrame:
    """One row per quantity, most claimed first: label, claims, kinds, independent claimants, best tier, best estimate, latest claim.

    Only the headline quantities (``judged``, from
    :func:`nkarms.story.judgements.judge_all`) carry a band; the others mix
    sub-totals and windows that the headline rules were not checked on, so
    their row says so instead of printing a band nobody reviewed.
    """
    bands = {headline.metric: headline_band(headline, judgement) for headline, judgement in judged}
    tiered = with_tiers(estimates, sources)
    rows = []
    for metric, claims in tiered.groupby("metric", sort=False):
        rows.append({
            "quantity": METRIC_LABELS.get(metric, metric.replace("_", " ")),
            "claims": len(claims),
            "kinds": kinds_text(claims),
            "independent": claims["claimant_id"].nunique(),
            "best_source": TIER_WORDS[min(claims["tier"], key=TIERS.index)],
            "best_estimate": bands.get(metric, NOT_JUDGED),
            "latest": claims["as_of"].max(),
            "source_ids": ";".join(claims["source_ids"]),
        })
    return pd.DataFrame(rows).sort_values(["claims", "quantity"], ascending=[False, True]).reset_index(drop=True)


def tier_shares(sources: pd.DataFrame) -> dict[str, int]:
    """How many source documents each tier holds, in the order primary, news, aggregator."""
    tally = sources["tier"].value_counts()
    return {tier: int(tally.get(tier, 0)) for tier in TIERS}
