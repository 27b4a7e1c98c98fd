"""The "What's new" page: the changelog's releases, and what changed in the claims between them, in words.

:mod:`nkarms.analysis.releases` computes the difference between two releases;
this module turns it into tables readers can scan: claims added, removed and
corrected (what changed, before and after), and each headline figure then and now.
"""
from __future__ import annotations

import pandas as pd

from nkarms.analysis import releases
from nkarms.analysis.estimates import METRIC_LABELS
from nkarms.analysis.judgement import Judgement, band_text, figure_text
from nkarms.analysis.sources import when
from nkarms.data import split_ids
from nkarms.dates import short_day
from nkarms.story.explorer import claim_words, kind_words, period_words
from nkarms.story.judgements import Headline
from nkarms.story.numbers import counted

# What a reader calls each group of fields, in the order a correction is described.
ASPECTS = {
    "figure": ("value", "low", "high", "qualifier", "unit"),
    "date": ("as_of",),
    "period": ("period_start", "period_end"),
    "kind": ("kind",),
    "claimant": ("claimant", "claimant_id"),
    "what it counts": ("metric", "counts"),
    "basis": ("basis",),
    "sources": ("source_ids",),
}

# Fields a release may add to every claim, in words.
FIELD_WORDS = {"kind": "kind of claim", "period_start": "start of period", "period_end": "end of period",
               "claimant_id": "claimant's identifier"}


def quantity(metric: str) -> str:
    """A metric in words (``Containers shipped to Russia``)."""
    return METRIC_LABELS.get(metric, metric.replace("_", " ").capitalize())


def aspects(changed: tuple[str, ...]) -> list[str]:
    """The groups of fields a correction touched, in reading order."""
    return [name for name, fields in ASPECTS.items() if set(fields) & set(changed)]


def publishers(ids: list[str], sources: pd.DataFrame) -> str:
    """``KBS World, 2 May 2024; UNN, 3 Jul 2025``: who published the documents ``ids``."""
    indexed = sources.set_index("id")
    unknown = [i for i in ids if i not in indexed.index]
    if unknown:
        raise KeyError(f"sources {unknown} are not in the sources table of their release")
    return "; ".join(f"{indexed.at[i, 'publisher']}, {when(indexed.at[i, 'published'])}" for i in ids)


def describe(row: pd.Series, aspect: str) -> str:
    """One aspect of one claim as a reader reads it (sources apart: see :func:`sources_change`)."""
    if aspect == "figure":
        return claim_words(row)
    if aspect == "date":
        return short_day(row["as_of"])
    if aspect == "period":
        start = "since transfers began" if pd.isna(row["period_start"]) else f"from {short_day(row['period_start'])}"
        end = row["period_end"] if pd.notna(row["period_end"]) else row["as_of"]
        return f"{start} to {short_day(end)}"
    if aspect == "kind":
        return kind_words(row)
    if aspect == "claimant":
        return str(row["claimant"])
    if aspect == "what it counts":
        return f"{quantity(row['metric'])}: {row['counts']}"
    if aspect == "basis":
        return "none stated" if pd.isna(row["basis"]) else str(row["basis"])
    raise ValueError(f"no words for the aspect {aspect!r}; sources are described by sources_change")


def sources_change(before: pd.Series, after: pd.Series, old_sources: pd.DataFrame, new_sources: pd.DataFrame) -> tuple[str, str]:
    """How a claim's list of sources changed: ``1 source`` then ``2 sources (added KBS World, 2 May 2024)``."""
    old_ids, new_ids = split_ids(before["source_ids"]), split_ids(after["source_ids"])
    dropped = [i for i in old_ids if i not in new_ids]
    added = [i for i in new_ids if i not in old_ids]
    then = counted(len(old_ids), "sources") + (f" (dropped {publishers(dropped, old_sources)})" if dropped else "")
    now = counted(len(new_ids), "sources") + (f" (added {publishers(added, new_sources)})" if added else "")
    return then, now


def added_table(diff: releases.ClaimsDiff) -> pd.DataFrame:
    """The claims a release added: quantity, claim, kind, claimant, date, sources."""
    rows = diff.added.sort_values(["metric", "as_of"])
    return pd.DataFrame({
        "quantity": rows["metric"].map(quantity), "claim": [claim_words(r) for _, r in rows.iterrows()],
        "kind": [kind_words(r) if "kind" in r else "" for _, r in rows.iterrows()],
        "period": [period_words(r) if "period_end" in r else "" for _, r in rows.iterrows()],
        "claimant": rows["claimant"], "as_of": rows["as_of"], "source_ids": rows["source_ids"],
    })


def removed_table(diff: releases.ClaimsDiff, new: pd.DataFrame) -> pd.DataFrame:
    """The claims a release removed, and the claim each was merged into, if any."""
    by_id = new.set_index("id")

    def became(ids: tuple[str, ...]) -> str:
        if not ids:
            return "removed"
        return "merged into " + "; ".join(f"{claim_words(by_id.loc[i])} ({by_id.at[i, 'claimant']}, "
                                          f"{short_day(by_id.at[i, 'as_of'])})" for i in ids)

    rows = diff.removed.sort_values(["metric", "as_of"])
    return pd.DataFrame({
        "quantity": rows["metric"].map(quantity), "claim": [claim_words(r) for _, r in rows.iterrows()],
        "claimant": rows["claimant"], "as_of": rows["as_of"], "became": rows["merged_into"].map(became),
        "source_ids": rows["source_ids"],
    })


def corrected_table(diff: releases.ClaimsDiff, old_sources: pd.DataFrame, new_sources: pd.DataFrame) -> pd.DataFrame:
    """The claims a release corrected: what changed, and each changed aspect before and after."""
    rows = []
    for _, change in diff.corrected.iterrows():
        touched = aspects(change["changed"])
        before, after = change["before"], change["after"]
        rows.append({
            "quantity": quantity(change["metric"]), "claimant": after["claimant"], "changed": ", ".join(touched),
            "before": " | ".join(describe(before, a) if a != "sources" else
                                 sources_change(before, after, old_sources, new_sources)[0] for a in touched),
            "after": " | ".join(describe(after, a) if a != "sources" else
                                sources_change(before, after, old_sources, new_sources)[1] for a in touched),
            "source_ids": after["source_ids"],
        })
    return pd.DataFrame(rows, columns=["quantity", "claimant", "changed", "before", "after", "source_ids"])


def summary_row(diff: releases.ClaimsDiff) -> dict:
    """One line of the release-by-release summary."""
    return {"release": f"{diff.old_version} to {diff.new_version}", "added": len(diff.added),
            "removed": len(diff.removed), "corrected": len(diff.corrected),
            "new_fields": ", ".join(FIELD_WORDS.get(field, field.replace("_", " ")) for field in diff.fields_added) or "none"}


def top_figure(claim: pd.Series) -> float:
    """The highest figure a claim states (its value, low or high)."""
    return max(float(claim[field]) for field in ("value", "low", "high") if pd.notna(claim[field]))


def movement(then: float, now: float) -> str:
    """How the top of a headline moved: ``unchanged at 28,000``, ``down from 30,000 to 15,000``."""
    if then == now:
        return f"unchanged at {figure_text(now)}"
    return f"{'up' if now > then else 'down'} from {figure_text(then)} to {figure_text(now)}"


def headlines_table(judged: list[tuple[Headline, Judgement]], old: pd.DataFrame,
                    current: pd.DataFrame) -> pd.DataFrame:
    """Each headline quantity: what the older release's key findings showed, the best estimate now, and the older claim's fate."""
    words = releases.normalised(old).set_index("id")
    rows = []
    for headline, judgement in judged:
        then = releases.highest_then(old, headline.metric)
        then_text = "no claim" if then is None else (
            f"{claim_words(words.loc[then['id']])} ({then['claimant']}, {short_day(then['as_of'])})")
        window = "" if headline.period_start is None else (
            f" ({pd.Timestamp(headline.period_start):%b %Y} to {pd.Timestamp(headline.period_end):%b %Y})")
        now = (f"{band_text(judgement, headline.unit)}{window}: {judgement.likelihood}, "
               f"{counted(judgement.n_independent, 'independent claimants')}")
        rows.append({
            "quantity": quantity(headline.metric), "then": then_text, "now": now,
            "top": "" if then is None else movement(top_figure(then), judgement.high),
            "fate": "" if then is None else releases.fate(then["id"], judgement.used_ids, judgement.excluded, set(current["id"])),
        })
    return pd.DataFrame(rows)
