"""Best current estimates: a band, a central value and a confidence for each headline quantity.

Which claims count
    1. A headline quantity is one ``metric`` over one period: the cumulative
       total since transfers began (``period_start`` empty), or a window given
       by its ``period_start`` and ``period_end``. A claim covers the window
       when its own start and end each lie within 31 days of the window's
       (claimants round periods to months). Claims of another period are set
       aside ("other period"), and so are claims in another unit than the one
       asked ("other unit", e.g. tanker voyages counted beside barrels).
    2. Only counts of what happened drive a headline. A figure derived from a
       stated conversion (``kind`` = conversion, e.g. containers times an
       assumed load) or a plan or projection (``kind`` = projection) is shown
       beside the band, labelled, and never enters it.
    3. One claimant, one claim. Rows with the same ``claimant_id`` are not
       independent; only each claimant's newest claim (latest ``period_end``,
       then latest ``as_of``, then the last ``id``) is current. Its older
       claims are "superseded by the same claimant".
    4. Cumulative totals only grow. A cumulative claim is "superseded by
       growth" when another claimant later (a later ``period_end``) states a
       minimum (``at least``, ``more than``, or the bottom of a range) above
       every figure the older claim gives: the older figure is out of date,
       not in disagreement. A later figure stated as ``about`` supersedes
       nothing, since it may be a disagreement rather than growth. Within a
       window, whose claims cover one period, nothing is superseded by growth.

The band
    5. Each current claim states one or two figures: its value (``as stated``,
       ``about``), its low and high (``range``), or one bound (``at least``,
       ``more than``: low; ``up to``, ``fewer than``: high).
    6. The band runs from the lowest to the highest figure the current claims
       state, so it never leaves the span of the claims it rests on. Its top is
       open ("more than") when every claim that states the top figure states it
       as a minimum; its bottom is open ("fewer than") when every claim that
       states the bottom figure states it as a maximum.
    7. The central value is the median of the point figures (``value``) of the
       current claims; where they are all bounds or ranges without a stated
       midpoint there is none.

Confidence (ICD 203 words, the likelihood that the quantity lies in the band)
    8. Independent claimants are the distinct ``claimant_id`` of the current
       claims. A claim's tier is the best tier among its sources (primary
       documents, then established news, then aggregators); the band's tier is
       the best among its claims. Agreement is the band's spread: its high
       divided by its low.
    9. "very likely" (80-95 %, high confidence): at least three independent
       claimants, at least one backed by a primary document, spread at most
       1.5. "likely" (55-80 %, moderate confidence): at least two independent
       claimants with a primary document and spread at most 2, or at least
       three independent claimants of any tier with spread at most 1.5.
       Otherwise "roughly even chance" (45-55 %, low confidence), which covers
       a lone claimant, wide disagreement and evidence held only as news or
       reposts. The ladder stops there: a lower word would say the claims are
       probably wrong, a judgement the claims themselves cannot support.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nkarms.data import load_estimates, load_sources
from nkarms.units import unit_for

TIERS = ("primary", "news", "aggregator")
LOWER_BOUNDS = ("at least", "more than")
UPPER_BOUNDS = ("up to", "fewer than")
WINDOW_TOLERANCE = pd.Timedelta(days=31)
LADDER = {
    "very likely": ("80-95 %", "high"),
    "likely": ("55-80 %", "moderate"),
    "roughly even chance": ("45-55 %", "low"),
}


@dataclass(frozen=True)
class Judgement:
    """A best current estimate of one headline quantity, with the claims it rests on and those it set aside."""

    metric: str
    period_start: pd.Timestamp | None
    period_end: pd.Timestamp | None
    as_of: pd.Timestamp
    low: float
    high: float
    central: float | None
    open_above: bool
    open_below: bool
    n_independent: int
    claimant_ids: tuple[str, ...]
    claimants: tuple[str, ...]
    best_tier: str
    spread: float
    likelihood: str
    probability: str
    confidence: str
    reason: str
    used_ids: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]


def with_tiers(estimates: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The estimates with ``tier``: the best tier among each claim's ``source_ids``."""
    tier_of = sources.set_index("id")["tier"]
    best = []
    for claim_id, source_ids in zip(estimates["id"], estimates["source_ids"]):
        ids = [part.strip() for part in str(source_ids).split(";") if part.strip()]
        unknown = [source for source in ids if source not in tier_of.index]
        if unknown or not ids:
            raise KeyError(f"estimate {claim_id!r} cites no known source: {unknown or source_ids!r}")
        best.append(min((tier_of[source] for source in ids), key=TIERS.index))
    return estimates.assign(tier=best)


def figures(claim: pd.Series) -> list[float]:
    """The figures one claim states (value, low, high), in that order, without the empty ones."""
    return [float(claim[column]) for column in ("value", "low", "high") if pd.notna(claim[column])]


def stated_minimum(claim: pd.Series) -> float | None:
    """The figure a claim says the quantity is at least: a lower bound, or the bottom of a range."""
    if claim["qualifier"] in LOWER_BOUNDS or claim["qualifier"] == "range":
        return float(claim["low"]) if pd.notna(claim["low"]) else None
    return None


def _end(claim: pd.Series) -> pd.Timestamp:
    """When the figure applies: the end of its period, or the date of the claim where none is given."""
    return claim["period_end"] if pd.notna(claim["period_end"]) else claim["as_of"]


def _same_period(frame: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    """Which claims cover the asked period (rule 1)."""
    if start is None:
        return frame["period_start"].isna()
    starts_near = (frame["period_start"] - start).abs() <= WINDOW_TOLERANCE
    ends_near = (frame["period_end"] - end).abs() <= WINDOW_TOLERANCE
    return (starts_near & ends_near).fillna(False).astype(bool)


def sort_out(claims: pd.DataFrame, cumulative: bool) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Rules 2 to 4: the current independent count claims, and every other claim with why it was set aside."""
    excluded = [(row["id"], f"{row['kind']}: shown, never a headline") for _, row in claims.iterrows() if row["kind"] != "count"]
    counts = claims[claims["kind"] == "count"].assign(_end=lambda f: [_end(row) for _, row in f.iterrows()])
    counts = counts.sort_values(["_end", "as_of", "id"])
    newest = counts.drop_duplicates("claimant_id", keep="last")
    excluded += [(claim_id, "superseded by the same claimant's newer claim") for claim_id in counts["id"] if claim_id not in set(newest["id"])]
    current = []
    for _, row in newest.iterrows():
        later = newest[(newest["_end"] > row["_end"]) & (newest["claimant_id"] != row["claimant_id"])]
        minimums = [(stated_minimum(other), other["claimant"]) for _, other in later.iterrows()]
        above = [(figure, who) for figure, who in minimums if figure is not None and figure > max(figures(row))]
        if cumulative and above:
            figure, who = max(above)
            excluded.append((row["id"], f"superseded by growth: {who} later stated a minimum of {figure:,.0f}"))
        else:
            current.append(row)
    return pd.DataFrame(current, columns=counts.columns).drop(columns="_end"), excluded


def band(current: pd.DataFrame) -> tuple[float, float, bool, bool]:
    """Rule 6: the lowest and highest stated figure, and whether the top or the bottom is open."""
    stated = [(figure, row["qualifier"]) for _, row in current.iterrows() for figure in figures(row)]
    low = min(figure for figure, _ in stated)
    high = max(figure for figure, _ in stated)
    open_above = all(qualifier in LOWER_BOUNDS for figure, qualifier in stated if figure == high)
    open_below = all(qualifier in UPPER_BOUNDS for figure, qualifier in stated if figure == low)
    return low, high, open_above, open_below


def central(current: pd.DataFrame) -> float | None:
    """Rule 7: the median of the current claims' point figures, or None where none states one."""
    points = current.loc[~current["qualifier"].isin(LOWER_BOUNDS + UPPER_BOUNDS), "value"].dropna()
    return float(points.astype(float).median()) if len(points) else None


def likelihood(n_independent: int, best_tier: str, spread: float) -> tuple[str, str]:
    """Rule 9: the ICD 203 word and the reasons for it, in words."""
    facts = (f"{n_independent} independent claimant{'s' if n_independent != 1 else ''}, best source tier {best_tier}, "
             f"highest figure {spread:.2f} times the lowest")
    primary = best_tier == "primary"
    if n_independent >= 3 and primary and spread <= 1.5:
        return "very likely", f"{facts}: three or more independent claimants, a primary document, agreement within 1.5 times"
    if n_independent >= 2 and primary and spread <= 2:
        return "likely", f"{facts}: two or more independent claimants, a primary document, agreement within 2 times"
    if n_independent >= 3 and spread <= 1.5:
        return "likely", f"{facts}: three or more independent claimants agreeing within 1.5 times, none a primary document"
    short = [text for failed, text in ((n_independent < 2, "only one claimant"), (not primary, "no primary document"),
                                       (spread > 2, "claimants differ by more than 2 times")) if failed]
    return "roughly even chance", f"{facts}: {', '.join(short)}"


def judge(claims: pd.DataFrame, metric: str, period_start: pd.Timestamp | None = None,
          period_end: pd.Timestamp | None = None, unit: str | None = None) -> Judgement:
    """Rules 1 to 9 on ``claims`` (the estimates table with ``tier``), for one metric, period and unit.

    ``unit`` may be left out only where every claim of the metric is in one unit.
    """
    if (period_start is None) != (period_end is None):
        raise ValueError("a window needs both period_start and period_end; give neither for the cumulative total")
    of_metric = claims[claims["metric"] == metric]
    if of_metric.empty:
        raise KeyError(f"no estimates of metric {metric!r}")
    units = sorted(of_metric["unit"].unique())
    if unit is None and len(units) > 1:
        raise ValueError(f"claims of {metric!r} come in several units ({', '.join(units)}); say which to judge")
    same_unit = of_metric["unit"] == (unit or units[0])
    in_period = _same_period(of_metric, period_start, period_end)
    excluded = [(claim_id, "other unit") for claim_id in of_metric.loc[~same_unit, "id"]]
    excluded += [(claim_id, "other period") for claim_id in of_metric.loc[same_unit & ~in_period, "id"]]
    current, set_aside = sort_out(of_metric[same_unit & in_period], cumulative=period_start is None)
    if current.empty:
        raise ValueError(f"no current count claim of {metric!r} for the period asked; set aside: {set_aside + excluded}")
    low, high, open_above, open_below = band(current)
    spread = high / low if low > 0 else float("inf")
    best_tier = min(current["tier"], key=TIERS.index)
    word, reason = likelihood(current["claimant_id"].nunique(), best_tier, spread)
    probability, confidence = LADDER[word]
    return Judgement(
        metric=metric, period_start=period_start, period_end=period_end,
        as_of=max(_end(row) for _, row in current.iterrows()),
        low=low, high=high, central=central(current), open_above=open_above, open_below=open_below,
        n_independent=current["claimant_id"].nunique(),
        claimant_ids=tuple(sorted(current["claimant_id"].unique())), claimants=tuple(sorted(current["claimant"].unique())),
        best_tier=best_tier, spread=spread, likelihood=word, probability=probability, confidence=confidence,
        reason=reason, used_ids=tuple(sorted(current["id"])), excluded=tuple(sorted(set_aside + excluded)),
    )


def best_estimate(metric: str, period_start: str | None = None, period_end: str | None = None,
                  estimates: pd.DataFrame | None = None, sources: pd.DataFrame | None = None,
                  unit: str | None = None) -> Judgement:
    """The best current estimate of ``metric`` from the project's tables (cumulative unless a window is given)."""
    estimates = load_estimates() if estimates is None else estimates
    sources = load_sources() if sources is None else sources
    start = pd.Timestamp(period_start) if period_start else None
    end = pd.Timestamp(period_end) if period_end else None
    return judge(with_tiers(estimates, sources), metric, start, end, unit)


def claim_text(claim: pd.Series) -> str:
    """One claim as stated, for every qualifier (rule 5): ``more than 20,000 containers``, ``4,000,000 to 6,000,000 rounds``.

    A lone figure of one takes the singular unit (``at least 1 missile``); a range never does.
    """
    if claim["qualifier"] in LOWER_BOUNDS:
        lone, figure = claim["low"], f"{claim['qualifier']} {claim['low']:,.0f}"
    elif claim["qualifier"] in UPPER_BOUNDS:
        lone, figure = claim["high"], f"{claim['qualifier']} {claim['high']:,.0f}"
    elif claim["qualifier"] == "range":
        lone, figure = None, f"{claim['low']:,.0f} to {claim['high']:,.0f}"
    else:
        lone, figure = claim["value"], f"{'about ' if claim['qualifier'] == 'about' else ''}{claim['value']:,.0f}"
    return f"{figure} {claim['unit'] if lone is None else unit_for(float(lone), claim['unit'])}"


def figure_text(figure: float) -> str:
    """A figure for prose: ``28,000``, ``4.8 million``, ``20 billion`` (three significant digits at most above a million)."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(figure) >= size:
            return f"{figure / size:.3g} {word}"
    return f"{figure:,.0f}"


def band_text(judgement: Judgement, unit: str = "") -> str:
    """The band as a reader reads it: ``20,000 to 28,000``, ``more than 10 million``, ``fewer than 50``."""
    suffix = f" {unit}" if unit else ""
    low, high = figure_text(judgement.low), figure_text(judgement.high)
    if judgement.low == judgement.high:
        prefix = "more than " if judgement.open_above else "fewer than " if judgement.open_below else ""
        return f"{prefix}{high}{suffix}"
    top = f"more than {high}" if judgement.open_above else high
    return f"{low} to {top}{suffix}"
