"""Hand-made claims for the judgement tests: one row builder and one typed frame, shared by
test_judgement.py and test_judgement_story.py so both feed the code the same shape as the loader."""
from __future__ import annotations

import pandas as pd

COLUMNS = ["id", "metric", "value", "low", "high", "qualifier", "unit", "as_of", "claimant", "counts", "basis",
           "source_ids", "kind", "period_start", "period_end", "claimant_id", "tier"]


def claim(claim_id: str, who: str, end: str, value: float | None = None, low: float | None = None,
          high: float | None = None, qualifier: str = "about", kind: str = "count", tier: str = "news",
          start: str | None = None, metric: str = "containers_shipped") -> dict:
    return {
        "id": claim_id, "metric": metric, "value": value, "low": low, "high": high, "qualifier": qualifier,
        "unit": "containers", "as_of": end, "claimant": f"Claimant {who.upper()}", "counts": "containers",
        "basis": None, "source_ids": f"src-{claim_id}", "kind": kind, "period_start": start, "period_end": end,
        "claimant_id": who, "tier": tier,
    }


def frame(*rows: dict) -> pd.DataFrame:
    table = pd.DataFrame(list(rows), columns=COLUMNS)
    for column in ("value", "low", "high"):
        table[column] = table[column].astype("Float64")
    for column in ("as_of", "period_start", "period_end"):
        table[column] = pd.to_datetime(table[column], format="%Y-%m-%d")
    return table
