"""Ukrainian Air Force daily reports -> KN-23 attack rows, monthly totals, and monthly Iskander-M launches by label.

Input: `missile_attacks_daily.csv`, the Air Force's daily claims as compiled by Petro
Ivaniuk (Kaggle `piterfm`), mirrored by yakzebude/ua-air-defense-tracker (see
PROVENANCE.md). "Iskander-M/KN-23" is the Air Force's either/or label, not a count of
North Korean missiles, so every row keeps its label and a `label_kind`.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from nkarms.data.pipeline import refuse_flagged, ua_iskander, write_csv

INPUTS = ("ua-airforce-missile-attacks/missile_attacks_daily.csv",)
ATTACKS_FILE = "ua_kn23_attacks.csv"
MONTHLY_FILE = "ua_kn23_monthly.csv"

# Labels that name KN-23 and nothing else; any other KN-23 label must combine weapons.
SINGLE_LABEL_KINDS = {"Iskander-M/KN-23": "either-or", "KN-23": "kn23-only"}
MIXED = "mixed"
LABEL_KINDS = (*SINGLE_LABEL_KINDS.values(), MIXED)

ATTACK_COLUMNS = [
    "date",
    "time_start",
    "time_end",
    "model",
    "label_kind",
    "launched",
    "destroyed",
    "launch_place",
    "affected_region",
    "source",
]
TIME_PATTERN = r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?"
FIRST_DATE, LAST_DATE = "2022-01-01", "2026-12-31"
MAX_PER_ROW = 100  # largest KN-23-labelled row is 38 (a mixed salvo); 100 flags a typo


# --- Load inputs -------------------------------------------------------------------


def load_daily(raw_dir: Path) -> pd.DataFrame:
    """Read every column as text so nothing is guessed before we look at it."""
    return pd.read_csv(raw_dir / INPUTS[0], dtype=str, keep_default_na=False)


# --- Process -----------------------------------------------------------------------


def select_kn23(daily: pd.DataFrame) -> pd.DataFrame:
    """Rows whose `model` names KN-23 in any form: the only place the Air Force mentions it."""
    return daily[daily["model"].str.contains("KN-23", regex=False)]


def label_kind(model: str) -> str:
    """Classify a KN-23 label, because only "KN-23" alone claims a North Korean missile.

    "Iskander-M/KN-23" means "Iskander-M or KN-23"; labels joined with " and " give one
    launch total for several weapons. An unseen label raises so that a human decides.
    """
    if model in SINGLE_LABEL_KINDS:
        return SINGLE_LABEL_KINDS[model]
    if " and " in model and "KN-23" in model:
        return MIXED
    raise ValueError(f"unrecognised KN-23 label: {model!r}")


def to_count(values: pd.Series) -> pd.Series:
    """Counts are stored as floats ("6.0") with blanks for unknown: make them nullable ints."""
    numbers = pd.to_numeric(values.mask(values.str.strip() == ""), errors="coerce")
    bad = (numbers.isna() & (values.str.strip() != "")) | (numbers.notna() & (numbers % 1 != 0))
    refuse_flagged(values.to_frame(), bad, str(values.name), "non-integer count")
    return numbers.astype("Int64")


def tidy_attacks(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per report as given, with a report date, a label kind and integer counts.

    `time_start` and `time_end` keep the source's text ("YYYY-MM-DD" or
    "YYYY-MM-DD HH:MM") because a bare date means the report gave no hour.
    """
    attacks = pd.DataFrame(
        {
            "date": pd.to_datetime(rows["time_start"], format="ISO8601").dt.strftime("%Y-%m-%d"),
            "time_start": rows["time_start"],
            "time_end": rows["time_end"],
            "model": rows["model"],
            "label_kind": rows["model"].map(label_kind),
            "launched": to_count(rows["launched"]),
            "destroyed": to_count(rows["destroyed"]),
            "launch_place": rows["launch_place"],
            "affected_region": rows["affected region"],
            "source": rows["source"],
        }
    )
    # These five columns identify every KN-23 row (two reports share time, model and source).
    # The raw file's row index is kept, so that a failed check can say which row; run() drops it.
    order = ["time_start", "time_end", "model", "launch_place", "source"]
    return attacks.sort_values(order, kind="stable")[ATTACK_COLUMNS]


def monthly_totals(attacks: pd.DataFrame) -> pd.DataFrame:
    """Reports and summed counts per month and label kind; months without rows are absent.

    A blank count adds nothing to a sum, but its report still counts in `reports`.
    """
    monthly = (
        attacks.assign(month=attacks["date"].str[:7])
        .groupby(["month", "label_kind"], sort=True)
        .agg(
            reports=("date", "size"),
            launched=("launched", "sum"),
            destroyed=("destroyed", "sum"),
        )
        .reset_index()
    )
    return monthly.astype({"reports": "int64", "launched": "int64", "destroyed": "int64"})


def sanity_checks_attacks(attacks: pd.DataFrame) -> None:
    """Raise ValueError on dates, labels or counts outside what a real report can contain."""
    if attacks.empty:
        raise ValueError("no report names the KN-23: has the Air Force data changed its labels?")

    check = functools.partial(refuse_flagged, attacks)

    for column in ("time_start", "time_end"):
        check(~attacks[column].str.fullmatch(TIME_PATTERN).fillna(False), column, f"{column} not in YYYY-MM-DD[ HH:MM] form")
    check(~attacks["date"].between(FIRST_DATE, LAST_DATE), "date", f"report date outside {FIRST_DATE}..{LAST_DATE}")
    starts = pd.to_datetime(attacks["time_start"], format="ISO8601")
    ends = pd.to_datetime(attacks["time_end"], format="ISO8601")
    check(ends < starts, "time_end", "time_end before time_start")
    check(~attacks["label_kind"].isin(LABEL_KINDS), "label_kind", "unknown label_kind")
    for column in ("launched", "destroyed"):
        check(~attacks[column].between(0, MAX_PER_ROW) & attacks[column].notna(), column, f"{column} outside 0..{MAX_PER_ROW}")
    check(attacks["destroyed"] > attacks["launched"], "destroyed", "more destroyed than launched")


def sanity_checks_monthly(monthly: pd.DataFrame) -> None:
    """Raise ValueError if a month is malformed, empty or has impossible totals."""
    if not monthly["month"].str.fullmatch(r"\d{4}-\d{2}").all():
        raise ValueError("month not in YYYY-MM form")
    if not monthly["month"].between(FIRST_DATE[:7], LAST_DATE[:7]).all():
        raise ValueError(f"month outside {FIRST_DATE[:7]}..{LAST_DATE[:7]}")
    if (monthly["reports"] < 1).any():
        raise ValueError("a month with no reports")
    if (monthly[["launched", "destroyed"]] < 0).any().any():
        raise ValueError("negative monthly total")
    if (monthly["destroyed"] > monthly["launched"]).any():
        raise ValueError("more destroyed than launched in a month")


# --- Save outputs ------------------------------------------------------------------


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    """Write ua_kn23_attacks.csv, ua_kn23_monthly.csv and ua_iskander_monthly.csv; return their paths."""
    daily = load_daily(raw_dir)
    attacks = tidy_attacks(select_kn23(daily))
    sanity_checks_attacks(attacks)
    attacks = attacks.reset_index(drop=True)
    monthly = monthly_totals(attacks)
    sanity_checks_monthly(monthly)
    by_group = ua_iskander.monthly_by_group(daily, to_count)
    ua_iskander.sanity_checks(by_group, monthly)
    return [
        write_csv(attacks, out_dir / ATTACKS_FILE),
        write_csv(monthly, out_dir / MONTHLY_FILE),
        write_csv(by_group, out_dir / ua_iskander.ISKANDER_FILE),
    ]
