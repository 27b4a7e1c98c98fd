"""Words for what kind of claim a figure is and the period it covers, for tables a reader scans.

Why: a plan and a count, or a total since the start and a figure for one
window, read alike as bare numbers. Every table of claims in the chapters says
both, in words rather than the estimates table's field values.
"""
from __future__ import annotations

import pandas as pd

from nkarms.analysis.judgement import claim_text
from nkarms.dates import long_day

KIND_WORDS = {
    "count": "count of what happened",
    "conversion": "derived by a stated conversion",
    "projection": "plan or projection",
}


def kind_text(kind: str) -> str:
    """The kind of a claim in words; an unknown kind is an error, not a blank."""
    if kind not in KIND_WORDS:
        raise KeyError(f"unknown claim kind {kind!r}; known: {', '.join(KIND_WORDS)}")
    return KIND_WORDS[kind]


def period_text(claim: pd.Series) -> str:
    """The period a claim covers: ``since the start, to 4 November 2025``, ``1 January 2025 to 28 February 2025``, ``3 February 2024`` (one day), or ``no date given``."""
    start, end = claim["period_start"], claim["period_end"]
    if pd.isna(end):
        return "no date given"
    if pd.isna(start):
        return f"since the start, to {long_day(end)}"
    if start == end:
        return long_day(end)
    return f"{long_day(start)} to {long_day(end)}"


def stated(claim: pd.Series) -> str:
    """A claim as stated (:func:`nkarms.analysis.judgement.claim_text`, which gives a lone figure of one the singular unit)."""
    return claim_text(claim)
