"""Weapon specifications read as claims: a judged maximum range, and accuracy claims over time.

A published range is a claim like any other: someone states it, on a date, on
some basis (a measured test flight, a maker's claimed maximum, an outside
estimate of a design). The judged range follows explicit rules.

The judged range
    1. Evidence is the rows of one system exactly as named. An upgraded variant
       or a relative (the 2021 KN-23 variant, the Hwasong-11Da) is another
       system: shown beside it, never used for it.
    2. Rows stating a maximum range (``max_range_km``) or a measured test flight
       (``test_flight_km``) count. A maker's own advertised figure (basis
       ``claimed maximum``) is shown and never used: it says what the state
       wants believed, not what the missile did.
    3. A figure whose claimant named no missile type is set aside
       (:data:`UNNAMED`): it may describe another missile.
    4. One claimant, one figure: its newest row.
    5. The band runs from the lowest to the highest figure used (a span stated
       as low and high gives both ends). Range depends on payload and
       trajectory, so the band is the spread of the evidence, not an error bar.
       The central figure is the median of the point figures.

Accuracy over time
    Accuracy figures (``cep_m``) and accuracy findings are listed by the date
    they were stated, with their claimant, so a reader sees who says the
    missiles improved and when. A miss distance described from where missiles
    fell is a battlefield observation, not a formal circular error probable.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

RANGE_ATTRIBUTES = ("max_range_km", "test_flight_km")
MAKER_BASIS = "claimed maximum"
# Rows whose claimant named no missile type, and why they are set aside (rule 3).
UNNAMED = {
    "kn-23-max-range-km-white-house": "the White House named no missile type (Seoul presumed the KN-23)",
}


@dataclass(frozen=True)
class JudgedRange:
    """The judged maximum range of one system, with the rows it rests on and those it set aside."""

    system: str
    low: float
    high: float
    central: float | None
    used_ids: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]


def range_rows(specs: pd.DataFrame, system: str) -> pd.DataFrame:
    """The rows of ``system`` (exact name) stating a maximum range or a measured test flight, oldest first."""
    rows = specs[(specs["system"] == system) & specs["attribute"].isin(RANGE_ATTRIBUTES)]
    if rows.empty:
        raise KeyError(f"weapon_specs has no range of system {system!r}")
    return rows.sort_values(["as_of", "id"]).reset_index(drop=True)


def judged_range(specs: pd.DataFrame, system: str) -> JudgedRange:
    """Rules 1 to 5: the band of maximum ranges the evidence on ``system`` supports."""
    rows = range_rows(specs, system)
    excluded = [(row["id"], "the maker's own claimed maximum: shown, never used") for _, row in rows.iterrows()
                if row["basis"] == MAKER_BASIS]
    excluded += [(row_id, f"set aside: {why}") for row_id, why in UNNAMED.items() if row_id in set(rows["id"])]
    kept = rows[~rows["id"].isin({row_id for row_id, _ in excluded})]
    newest = kept.drop_duplicates("claimant", keep="last")
    excluded += [(row_id, "superseded by the same claimant's newer figure") for row_id in kept["id"] if row_id not in set(newest["id"])]
    if newest.empty:
        raise ValueError(f"no usable range of {system!r}; set aside: {excluded}")
    figures = pd.concat([newest["value"], newest["low"], newest["high"]]).dropna().astype(float)
    points = newest["value"].dropna().astype(float)
    return JudgedRange(
        system=system, low=float(figures.min()), high=float(figures.max()),
        central=float(points.median()) if len(points) else None,
        used_ids=tuple(newest["id"]), excluded=tuple(excluded),
    )


def ring_table(specs: pd.DataFrame, judged: JudgedRange) -> pd.DataFrame:
    """Each distinct point figure of the system as a ring to draw: ``range_km``, ``label`` (figure, claimants, role), ``role``.

    The role says what the figure is to the judged range: its low or high end,
    its central figure, inside it, or set aside (with why).
    """
    rows = range_rows(specs, judged.system)
    rows = rows[rows["value"].notna()]
    why = dict(judged.excluded)
    out = []
    for km, group in rows.groupby("value", sort=True):
        ids = list(group["id"])
        used = [row_id for row_id in ids if row_id in judged.used_ids]
        if not used:
            role = why.get(ids[0], "set aside")
        elif km == judged.low:
            role = "low end of the judged range"
        elif km == judged.high:
            role = "high end of the judged range"
        elif judged.central is not None and km == judged.central:
            role = "central figure of the judged range"
        else:
            role = "inside the judged range"
        who = "; ".join(f"{claimant}{' (test flight)' if attribute == 'test_flight_km' else ''}"
                        for claimant, attribute in dict.fromkeys(zip(group["claimant"], group["attribute"])))
        tag = "set aside" if not used else role.replace(" of the judged range", "").replace("inside the judged range", "inside")
        out.append({"range_km": float(km), "claimants": who, "role": role, "label": f"{km:,.0f} km: {who} [{tag}]"})
    return pd.DataFrame(out, columns=["range_km", "claimants", "role", "label"]).sort_values("range_km", ascending=False).reset_index(drop=True)


def range_text(judged: JudgedRange) -> str:
    """``420 to 800 km``, or ``600 km`` when every figure agrees."""
    if judged.low == judged.high:
        return f"{judged.low:,.0f} km"
    return f"{judged.low:,.0f} to {judged.high:,.0f} km"


def accuracy_claims(specs: pd.DataFrame, findings: pd.DataFrame, system: str) -> pd.DataFrame:
    """Every accuracy figure of ``system`` and every accuracy finding, by the date stated.

    Returns as_of, claimant, figure (``500–1,500 m`` or blank), said (the note or
    finding) and source_ids.
    """
    figures = specs[(specs["system"] == system) & (specs["attribute"] == "cep_m")]
    rows = [{
        "as_of": row["as_of"], "claimant": row["claimant"],
        "figure": (f"{row['low']:,.0f}–{row['high']:,.0f} m" if pd.notna(row["low"]) and pd.notna(row["high"])
                   else f"{row['value']:,.0f} m" if pd.notna(row["value"]) else ""),
        "said": row["note"], "source_ids": row["source_ids"],
    } for _, row in figures.iterrows()]
    rows += [{"as_of": row["date"], "claimant": row["claimant"], "figure": "", "said": row["finding"], "source_ids": row["source_ids"]}
             for _, row in findings[findings["topic"] == "accuracy"].iterrows()]
    table = pd.DataFrame(rows, columns=["as_of", "claimant", "figure", "said", "source_ids"])
    return table.sort_values(["as_of", "figure"], ascending=[True, False]).reset_index(drop=True)
