"""Key judgements: each headline quantity's best estimate as a sentence with its likelihood word.

A headline names a quantity and how to say it ("North Korea has shipped {band}
to Russia"); :func:`judge_all` computes each with
:func:`nkarms.analysis.judgement.best_estimate`, :func:`glue_judgements` glues
each sentence and its parts for the prose, and :func:`judgement_table` lists
the figures behind them. The sentence leads with the ICD 203 word and its
probability range and ends with the reasons, so a reader sees both.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from types import ModuleType

import pandas as pd

from nkarms.analysis.estimates import METRIC_LABELS
from nkarms.analysis.judgement import Judgement, band_text, best_estimate, claim_text, figure_text
from nkarms.dates import long_month
from nkarms.story import publish

TIER_WORDS = {"primary": "a primary document", "news": "news reports only", "aggregator": "reposts only"}


@dataclass(frozen=True)
class Headline:
    """One headline quantity: a glue key, the metric, its unit as read and the finding with a ``{band}`` slot.

    ``claim_unit`` is the unit of the claims to judge, needed where a metric's claims come in several.
    """

    key: str
    metric: str
    unit: str
    finding: str
    period_start: str | None = None
    period_end: str | None = None
    claim_unit: str | None = None


# The report's headline quantities, shared by the key findings and the methods chapter.
HEADLINES = (
    Headline("containers", "containers_shipped", "containers",
             "North Korea has shipped {band} of munitions and other military materiel to Russia"),
    Headline("shells", "munitions_shipped", "artillery and rocket rounds", "North Korea has supplied {band} to Russia"),
    Headline("missiles-sent", "ballistic_missiles_transferred", "ballistic missiles", "North Korea has transferred {band} to Russia"),
    Headline("missiles-fired", "ballistic_missiles_fired", "North Korean ballistic missiles", "Russia has fired {band} at Ukraine"),
    Headline("troops", "troops_deployed", "soldiers", "North Korea has sent {band} to fight for Russia"),
    Headline("casualties", "troop_casualties", "soldiers", "North Korea has lost {band}, killed or wounded"),
    Headline("oil", "petroleum_supplied", "barrels", "Russia delivered {band} of refined petroleum to North Korea "
             "from March to October 2024", "2024-03-01", "2024-10-31", claim_unit="barrels"),
)


def lead(judgement: Judgement) -> str:
    """``It is **very likely** (80-95 %) that`` or ``There is a **roughly even chance** (45-55 %) that``."""
    opening = "There is a" if judgement.likelihood == "roughly even chance" else "It is"
    return f"{opening} **{judgement.likelihood}** ({judgement.probability}) that"


def basis(judgement: Judgement) -> str:
    """The reasons in short: confidence, independent claimants, best tier, agreement."""
    n = judgement.n_independent
    agreement = "" if judgement.low == judgement.high else f", highest figure {judgement.spread:.1f} times the lowest"
    return (f"{judgement.confidence.capitalize()} confidence: {n} independent claimant{'s' if n != 1 else ''}, "
            f"best source {TIER_WORDS[judgement.best_tier]}{agreement}")


def sentence(headline: Headline, judgement: Judgement) -> str:
    """The whole judgement as one Markdown sentence, with the band in bold."""
    band = f"**{band_text(judgement, headline.unit)}**"
    central = "" if judgement.central is None or judgement.low == judgement.high else f"; central figure {figure_text(judgement.central)}"
    return (f"{lead(judgement)} {headline.finding.format(band=band)} "
            f"(as of {long_month(judgement.as_of)}{central}). {basis(judgement)}.")


def judge_all(headlines: tuple[Headline, ...] | list[Headline], estimates: pd.DataFrame | None = None,
              sources: pd.DataFrame | None = None) -> list[tuple[Headline, Judgement]]:
    """Each headline with its best current estimate."""
    return [(headline, best_estimate(headline.metric, headline.period_start, headline.period_end, estimates, sources,
                                     headline.claim_unit))
            for headline in headlines]


def glue_judgements(judged: list[tuple[Headline, Judgement]]) -> list[str]:
    """Glue, per headline, ``j-KEY`` (the sentence, Markdown), ``j-KEY-band``, ``j-KEY-word`` and ``j-KEY-n``."""
    sentences = []
    for headline, judgement in judged:
        key = f"j-{headline.key}"
        sentences.append(publish.markdown(key, sentence(headline, judgement)))
        publish.text(f"{key}-band", band_text(judgement, headline.unit))
        publish.text(f"{key}-word", judgement.likelihood)
        publish.number(f"{key}-n", judgement.n_independent)
    return sentences


def judgement_table(judged: list[tuple[Headline, Judgement]], estimates: pd.DataFrame) -> pd.DataFrame:
    """One row per headline: band, central figure, likelihood, claimants, tier, claims used and set aside.

    ``not_counted`` lists the projections and conversions of the quantity, labelled, which never enter the band.
    ``source_ids`` holds the sources of the claims the band rests on, for the table's source line.
    """
    indexed = estimates.set_index("id")
    rows = []
    for headline, judgement in judged:
        labelled = [claim_id for claim_id, why in judgement.excluded if why.startswith(("projection", "conversion"))]
        rows.append({
            "metric": METRIC_LABELS.get(headline.metric, headline.metric),
            "band": band_text(judgement, headline.unit),
            "central": judgement.central,
            "likelihood": judgement.likelihood,
            "n_independent": judgement.n_independent,
            "claimants": "; ".join(judgement.claimants),
            "best_tier": judgement.best_tier,
            "as_of": judgement.as_of,
            "used": len(judgement.used_ids),
            "set_aside": len(judgement.excluded),
            "reason": judgement.reason,
            "not_counted": "; ".join(f"{indexed.at[i, 'kind']}: {claim_text(indexed.loc[i])} ({indexed.at[i, 'claimant']})" for i in labelled),
            "source_ids": ";".join(indexed.loc[list(judgement.used_ids), "source_ids"]),
        })
    return pd.DataFrame(rows)


def set_aside_table(judged: list[tuple[Headline, Judgement]], estimates: pd.DataFrame) -> pd.DataFrame:
    """Every claim a headline left out of its band, with why (rules 1 to 4), for the methods chapter."""
    indexed = estimates.set_index("id")
    rows = [{
        "metric": METRIC_LABELS.get(headline.metric, headline.metric), "claim": claim_text(indexed.loc[claim_id]),
        "claimant": indexed.at[claim_id, "claimant"], "as_of": indexed.at[claim_id, "as_of"], "why": why,
        "source_ids": indexed.at[claim_id, "source_ids"],
    } for headline, judgement in judged for claim_id, why in judgement.excluded]
    return pd.DataFrame(rows, columns=["metric", "claim", "claimant", "as_of", "why", "source_ids"])


def method_markdown(module: ModuleType) -> str:
    """A module's documented rules as Markdown, so the methods chapter quotes the code's own statement of them.

    The docstring's first paragraph is dropped; an unindented line becomes a
    bold heading and the indented text under it is kept as written.
    """
    _, _, body = (module.__doc__ or "").strip().partition("\n\n")
    if not body:
        raise ValueError(f"{module.__name__} documents no rules below its summary line")
    parts, block = [], []
    for line in body.splitlines() + [""]:
        if line and not line.startswith(" "):
            parts.append(textwrap.dedent("\n".join(block)).strip())
            parts.append(f"**{line.strip()}**")
            block = []
        else:
            block.append(line)
    parts.append(textwrap.dedent("\n".join(block)).strip())
    return "\n\n".join(part for part in parts if part)
