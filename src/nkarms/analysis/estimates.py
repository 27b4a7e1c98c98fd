"""The few computations on estimates the story needs, each with its assumption stated.

A published shell figure is usually a container count multiplied by an assumed
number of rounds per container. The claimants rarely state that number; it can
be recovered where one claimant gave both figures on the same day. Those ratios
are the assumptions, and a container count converted with the lowest and the
highest of them gives a range, never one number.
"""
from __future__ import annotations

import pandas as pd

from nkarms.data import load_estimates
from nkarms.dates import long_month
from nkarms.units import singular


def claims(metric: str, estimates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim of one metric, oldest first."""
    estimates = load_estimates() if estimates is None else estimates
    chosen = estimates[estimates["metric"] == metric]
    if chosen.empty:
        raise KeyError(f"no estimates of metric {metric!r}")
    return chosen.sort_values(["as_of", "claimant"]).reset_index(drop=True)


def upper(frame: pd.DataFrame) -> pd.Series:
    """Each claim's highest stated figure (value, the top of its range, or its one bound)."""
    return frame["value"].fillna(frame["high"]).fillna(frame["low"])


def lower(frame: pd.DataFrame) -> pd.Series:
    """Each claim's lowest stated figure (value, the bottom of its range, or its one bound)."""
    return frame["value"].fillna(frame["low"]).fillna(frame["high"])


def largest(frame: pd.DataFrame) -> pd.Series:
    """The claim with the highest figure (the latest among equals)."""
    ranked = frame.assign(_top=upper(frame)).sort_values(["_top", "as_of"])
    return ranked.iloc[-1].drop("_top")


def latest(frame: pd.DataFrame) -> pd.Series:
    """The most recent claim (the last listed among claims of the same day)."""
    return frame.sort_values("as_of", kind="stable").iloc[-1]


def implied_rounds_per_container(estimates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rounds per container implied where one claimant gave containers and rounds on the same day.

    Returns claimant, as_of, containers, rounds_low, rounds_high, per_container_low,
    per_container_high and the claimant's stated basis (e.g. the calibre assumed).
    """
    estimates = load_estimates() if estimates is None else estimates
    containers = claims("containers_shipped", estimates)
    containers = containers.assign(containers=lower(containers))[["claimant", "as_of", "containers"]]
    rounds = claims("munitions_shipped", estimates)
    rounds = rounds.assign(rounds_low=lower(rounds), rounds_high=upper(rounds))
    paired = rounds.merge(containers, on=["claimant", "as_of"])
    paired = paired.assign(
        per_container_low=paired["rounds_low"] / paired["containers"],
        per_container_high=paired["rounds_high"] / paired["containers"],
    )
    columns = ["claimant", "as_of", "containers", "rounds_low", "rounds_high", "per_container_low", "per_container_high", "basis", "source_ids"]
    return paired[columns].sort_values(["as_of", "rounds_low"]).reset_index(drop=True)


def rounds_range(containers: float, ratios: pd.DataFrame) -> tuple[float, float]:
    """What ``containers`` could hold, from the lowest to the highest implied ratio."""
    if containers < 0:
        raise ValueError("a container count cannot be negative")
    return containers * ratios["per_container_low"].min(), containers * ratios["per_container_high"].max()


def capacity(containers: pd.DataFrame, ratios: pd.DataFrame) -> pd.DataFrame:
    """Each container claim with what it could hold (``rounds_low``, ``rounds_high``) and a short label."""
    ranges = [rounds_range(value, ratios) for value in lower(containers)]
    return containers.assign(
        label=[attributed(row, short=True) for _, row in containers.iterrows()],
        rounds_low=[low for low, _ in ranges],
        rounds_high=[high for _, high in ranges],
    )


METRIC_LABELS = {
    "containers_shipped": "Containers shipped to Russia",
    "munitions_shipped": "Artillery and rocket rounds shipped",
    "ballistic_missiles_transferred": "Ballistic missiles transferred",
    "ballistic_missiles_fired": "North Korean missiles fired at Ukraine",
    "artillery_systems_transferred": "Guns and rocket launchers transferred",
    "ammo_share": "Share of Russia's ammunition from North Korea",
    "troops_deployed": "North Korean troops sent",
    "troop_casualties": "Troops killed and wounded",
    "troops_killed": "Troops killed",
    "troops_captured": "Troops captured by Ukraine",
    "workers_sent": "Workers sent to Russia",
    "petroleum_supplied": "Refined petroleum Russia supplied",
    "containers_returned": "Containers sent back by Russia",
    "trade_value": "Value of the trade to North Korea",
    "launchers_transferred": "Missile launchers transferred",
    "russia_shells_produced": "Artillery shells Russia produces itself",
    "russia_shells_fired": "Artillery rounds Russia fires",
}


def stated(row: pd.Series) -> str:
    """A claim as stated: qualifier, figure or range, unit (``more than 20,000 containers``, ``at least 1 missile``)."""
    if pd.notna(row["value"]):
        figure = f"{row['value']:,.0f}"
    elif pd.notna(row["low"]) and pd.notna(row["high"]):
        figure = f"{row['low']:,.0f} to {row['high']:,.0f}"
    else:
        figure = f"{row['low'] if pd.notna(row['low']) else row['high']:,.0f}"
    qualifier = "" if row["qualifier"] in ("as stated", "range") else f"{row['qualifier']} "
    return f"{qualifier}{figure} {singular(row['unit']) if figure == '1' else row['unit']}"


def figure(row: pd.Series) -> float:
    """A claim's one figure: its value, the middle of its range, or its one bound."""
    if pd.notna(row["value"]):
        return float(row["value"])
    bounds = [float(row[side]) for side in ("low", "high") if pd.notna(row[side])]
    return sum(bounds) / len(bounds)


def compared(earlier: pd.Series, later: pd.Series) -> str:
    """How ``later`` stands against ``earlier``, read from their figures rather than assumed.

    A one-sided claim is a ceiling (only ``high``) or a floor (only ``low``), set
    against the earlier claim's :func:`figure`.
    """
    before = figure(earlier)
    if pd.isna(later["value"]) and pd.isna(later["low"]) != pd.isna(later["high"]):
        bound, kind = (later["high"], "ceiling") if pd.notna(later["high"]) else (later["low"], "floor")
        side = "below" if bound < before else "above" if bound > before else "level with"
        return f"the later claim ({stated(later)}) is a {kind} {side} the earlier claim's figure ({stated(earlier)})"
    after = figure(later)
    side = "lower than" if after < before else "higher than" if after > before else "the same as"
    return f"the later claim ({stated(later)}) is {side} the earlier one ({stated(earlier)})"


def what_each_counts(frame: pd.DataFrame) -> str:
    """Each claimant's own words for what its figure counts, so a reader sees whether claims share a whole.

    Claims that give the same words are named together once.
    """
    wholes: dict[str, list[str]] = {}
    for _, row in frame.iterrows():
        names = wholes.setdefault(row["counts"], [])
        if row["claimant"] not in names:
            names.append(row["claimant"])
    return "; ".join(f"{' and '.join(names)}: {counts}" for counts, names in wholes.items())


def attributed(row: pd.Series, short: bool = False) -> str:
    """A claim with who made it and when: ``more than 1,000 containers (White House, October 2023)``.

    ``short`` abbreviates the month, for tables.
    """
    month = f"{row['as_of']:%b %Y}" if short else long_month(row["as_of"])
    return f"{stated(row)} ({row['claimant']}, {month})"


def ratio_origin(row: pd.Series) -> str:
    """Who gave the paired figures behind one implied rounds-per-container ratio, when, and on what basis."""
    basis = row["basis"] if pd.notna(row["basis"]) else "no basis stated"
    return f"{row['claimant']}, {long_month(row['as_of'])}: {basis}"


def spec_figure(row: pd.Series) -> str:
    """A weapon specification as a reader reads it: ``900 km``, ``300–500 kg``, or empty when none is given."""
    if pd.notna(row["value"]):
        return f"{row['value']:,.0f} {row['unit']}"
    if pd.notna(row["low"]) and pd.notna(row["high"]):
        return f"{row['low']:,.0f}–{row['high']:,.0f} {row['unit']}"
    return ""


def span(metric: str, estimates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The lowest and highest claim of a metric, side by side, to show how far claimants disagree."""
    frame = claims(metric, estimates)
    low = frame.assign(_low=lower(frame)).sort_values(["_low", "as_of"]).iloc[0]
    return pd.DataFrame([low.drop("_low"), largest(frame)]).reset_index(drop=True)


def headline_table(metrics: list[str], estimates: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each metric: the number of claims, and the highest and the most recent claim with claimant and date."""
    estimates = load_estimates() if estimates is None else estimates
    rows = []
    for metric in metrics:
        frame = claims(metric, estimates)
        top, last = largest(frame), latest(frame)
        rows.append({
            "metric": METRIC_LABELS[metric],
            "claims": len(frame),
            "highest": attributed(top, short=True),
            "latest": attributed(last, short=True),
            "source_ids": ";".join(sorted(set(top["source_ids"].split(";")) | set(last["source_ids"].split(";")))),
        })
    return pd.DataFrame(rows)
