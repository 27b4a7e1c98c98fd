"""The best-estimate band drawn behind the individual claims it rests on and those it sets aside.

Each claim of the quantity is a mark at the date it was made: counts in the
band, counts set aside (superseded, or of another period), conversions and
projections, each with its own colour and shape, so a reader sees which
figures drive the headline and which never do. The band is a shaded strip
across the whole chart, its central figure a dashed line.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from nkarms.analysis.judgement import Judgement, band_text, claim_text
from nkarms.dates import TOOLTIP_DAY
from nkarms.story.charts import PALETTE, finish

ROLES = {
    "count in the band": (PALETTE[0], "circle"),
    "count set aside": ("#999999", "circle"),
    "conversion (capacity)": (PALETTE[1], "square"),
    "projection or plan": (PALETTE[3], "triangle-up"),
}


def roles(claims: pd.DataFrame, judgement: Judgement) -> pd.Series:
    """What each claim is to the band: in it, a count set aside, a conversion or a projection."""
    used = set(judgement.used_ids)

    def one(row: pd.Series) -> str:
        if row["kind"] == "conversion":
            return "conversion (capacity)"
        if row["kind"] == "projection":
            return "projection or plan"
        return "count in the band" if row["id"] in used else "count set aside"

    return claims.apply(one, axis=1)


def plotted(claims: pd.DataFrame, judgement: Judgement) -> pd.DataFrame:
    """One row per claim: where its mark goes (value, else the middle of its range, else its bound) and its tooltip texts."""
    why = dict(judgement.excluded)
    point = claims["value"].fillna((claims["low"] + claims["high"]) / 2).fillna(claims["low"]).fillna(claims["high"])
    return pd.DataFrame({
        "as_of": claims["as_of"], "point": point.astype(float), "low": claims["low"].astype(float),
        "high": claims["high"].astype(float), "claimant": claims["claimant"], "role": roles(claims, judgement),
        "stated": [claim_text(row) for _, row in claims.iterrows()],
        "why": [why.get(claim_id, "in the band") for claim_id in claims["id"]],
    })


def band_chart(claims: pd.DataFrame, judgement: Judgement, unit: str, title: str, y_title: str,
               description: str, log: bool = False) -> alt.LayerChart:
    """The band (shaded), its central figure (dashed) and every claim of the metric as a mark.

    ``claims`` are the metric's rows of the estimates table (with ``kind``).
    """
    frame = plotted(claims[claims["metric"] == judgement.metric], judgement)
    scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    y = alt.Y("point:Q", title=y_title, scale=scale)
    strip = pd.DataFrame({"low": [judgement.low], "high": [judgement.high],
                          "label": [f"{band_text(judgement, unit)} ({judgement.likelihood})"]})
    tooltip = [alt.Tooltip("label:N", title="Best estimate")]
    if judgement.low == judgement.high:  # a one-figure band has no height: draw it as a broad line
        band = alt.Chart(strip).mark_rule(color=PALETTE[5], opacity=0.5, strokeWidth=10).encode(
            y=alt.Y("low:Q", scale=scale, title=y_title), tooltip=tooltip)
    else:
        band = alt.Chart(strip).mark_rect(color=PALETTE[5], opacity=0.25).encode(
            y=alt.Y("low:Q", scale=scale, title=y_title), y2="high:Q", tooltip=tooltip)
    layers = [band]
    if judgement.central is not None:
        middle = pd.DataFrame({"central": [judgement.central]})
        layers.append(alt.Chart(middle).mark_rule(color=PALETTE[0], strokeDash=[6, 3]).encode(
            y=alt.Y("central:Q", scale=scale), tooltip=[alt.Tooltip("central:Q", title="Central figure", format=",.0f")]))
    color = alt.Color("role:N", title="Claim", scale=alt.Scale(domain=list(ROLES), range=[c for c, _ in ROLES.values()]))
    shape = alt.Shape("role:N", title="Claim", scale=alt.Scale(domain=list(ROLES), range=[s for _, s in ROLES.values()]))
    base = alt.Chart(frame).encode(x=alt.X("as_of:T", title="Date of the claim", scale=alt.Scale(padding=14)), color=color)
    if frame["low"].notna().any() and frame["high"].notna().any():
        layers.append(base.transform_filter("isValid(datum.low) && isValid(datum.high)").mark_rule(strokeWidth=3).encode(
            y=alt.Y("low:Q", scale=scale), y2="high:Q"))
    layers.append(base.mark_point(filled=True, size=90).encode(
        y=y, shape=shape,
        tooltip=[alt.Tooltip("claimant:N", title="Claimant"), alt.Tooltip("as_of:T", title="Claimed on", format=TOOLTIP_DAY),
                 alt.Tooltip("stated:N", title="Figure"), alt.Tooltip("role:N", title="Claim"), alt.Tooltip("why:N", title="Why")],
    ))
    summary = (f"The shaded band, {band_text(judgement, unit)}, is the best current estimate ({judgement.likelihood}); "
               f"{len(judgement.used_ids)} of {len(frame)} claims rest in it.")
    subtitle = "Band: the current independent counts; grey, orange and red marks are set aside, conversions and projections"
    return finish(alt.layer(*layers), title, subtitle, f"{description} {summary}".strip())
