"""SIPRI trade registers -> North Korea-to-Russia deals and Russia's suppliers since 2022.

Inputs: two SIPRI Arms Transfers Database exports (generated 2024-10-13 and 2025-03-13),
byte copies from GitHub (see PROVENANCE.md). SIPRI covers major conventional arms only:
artillery ammunition is excluded, so North Korean shell deliveries are absent here.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pandas as pd

from nkarms.data.pipeline import refuse_flagged, write_csv

# Release = SIPRI's "Data generated" date of each export.
REGISTERS = {
    "2024-10-13": "sipri-arms-transfers/trade-register_generated-2024-10-13.csv",
    "2025-03-13": "sipri-arms-transfers/trade-register_generated-2025-03-13.csv",
}
INPUTS = tuple(REGISTERS.values())
LATEST_RELEASE = "2025-03-13"
NK_TO_RUSSIA_FILE = "sipri_nk_to_russia.csv"
SUPPLIERS_FILE = "sipri_russia_suppliers.csv"

ENCODING = "latin-1"  # SIPRI exports are ISO-8859-1
NOTES_LINES = 11  # free-text notes before the CSV header on line 12
RAW_HEADER = [
    "Recipient",
    "Supplier",
    "Year of order",
    " ",
    "Number ordered",
    " ",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    " ",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
]
# Our names for RAW_HEADER, position by position; the blank ' ' columns are '?' flags.
FIELDS = [
    "recipient",
    "supplier",
    "year_of_order",
    "order_uncertain",
    "number_ordered",
    "number_ordered_uncertain",
    "weapon_designation",
    "weapon_description",
    "number_delivered",
    "delivered_uncertain",
    "delivery_years",
    "status",
    "comments",
    "tiv_per_unit",
    "tiv_total_order",
    "tiv_delivered",
]
FLAGS = ("order_uncertain", "number_ordered_uncertain", "delivered_uncertain")
# The deal columns kept for North Korea -> Russia: all but the two parties and the order's total TIV.
NK_TO_RUSSIA_COLUMNS = ["release"] + [f for f in FIELDS if f not in ("recipient", "supplier", "tiv_total_order")]
SINCE_YEAR = 2022  # the full-scale invasion of Ukraine
FIRST_YEAR = 1940  # earliest order year in either export


# --- Load inputs -------------------------------------------------------------------


def load_register_lines(path: Path) -> list[list[str]]:
    """Parsed CSV lines after the header; raises if the header is not SIPRI's 16 columns."""
    with path.open(encoding=ENCODING, newline="") as handle:
        lines = list(csv.reader(handle))
    if lines[NOTES_LINES] != RAW_HEADER:
        raise ValueError(f"{path.name}: unexpected header on line {NOTES_LINES + 1}")
    return lines[NOTES_LINES + 1 :]


# --- Process -----------------------------------------------------------------------


def rejoin_split_records(lines: list[list[str]]) -> list[list[str]]:
    """Mend records that an unquoted line break in Comments split in two.

    Such a record reads as a 13-field line (up to the break) and a 4-field line (rest of
    the comment and the three TIV fields); PROVENANCE.md counts 4 in the 2025 export and
    2 in the 2024 one. The two comment parts are joined with a space. Any other field
    count raises rather than silently dropping a deal.
    """
    records: list[list[str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else []
        if len(line) == len(FIELDS):
            records.append(line)
            i += 1
        elif len(line) == 13 and len(following) == 4:
            comment = f"{line[12]} {following[0]}".strip()
            records.append(line[:12] + [comment] + following[1:])
            i += 2
        else:
            raise ValueError(f"record {i + 1} after the header has {len(line)} fields")
    return records


def flag_to_bool(flags: pd.Series) -> pd.Series:
    """SIPRI marks uncertain values with '?' in the column after them; blank means certain."""
    if not flags.isin(["?", ""]).all():
        raise ValueError(f"unexpected flag value in {flags.name!r}")
    return flags == "?"


def to_number(values: pd.Series, dtype: str) -> pd.Series:
    """Blank means 'not available' in SIPRI's notes, so it becomes a missing value."""
    return pd.to_numeric(values.mask(values == ""), errors="raise").astype(dtype)


def register_frame(records: list[list[str]], release: str) -> pd.DataFrame:
    """Typed deals of one export, tagged with its release date."""
    raw = pd.DataFrame(records, columns=FIELDS, dtype=str)
    typed = raw.assign(
        release=release,
        year_of_order=raw["year_of_order"].astype(int),
        number_ordered=to_number(raw["number_ordered"], "Int64"),
        number_delivered=to_number(raw["number_delivered"], "Int64"),
        tiv_per_unit=to_number(raw["tiv_per_unit"], "float64"),
        tiv_total_order=to_number(raw["tiv_total_order"], "float64"),
        tiv_delivered=to_number(raw["tiv_delivered"], "float64"),
        **{flag: flag_to_bool(raw[flag]) for flag in FLAGS},
    )
    return typed[["release", *FIELDS]]


def parse_delivery_years(text: str) -> list[int]:
    """'2023; 2024' -> [2023, 2024]; blank (nothing delivered yet) -> []."""
    return [int(year) for year in text.split(";") if year.strip()]


def nk_to_russia(register: pd.DataFrame) -> pd.DataFrame:
    """North Korea -> Russia deals, ordered by release, order year and weapon."""
    rows = register[(register["recipient"] == "Russia") & (register["supplier"] == "North Korea")]
    order = ["release", "year_of_order", "weapon_designation"]
    return rows.sort_values(order, kind="stable").reset_index(drop=True)[NK_TO_RUSSIA_COLUMNS]


def russia_suppliers(register: pd.DataFrame) -> pd.DataFrame:
    """Deals with Russia as recipient and any delivery in SINCE_YEAR or later, by supplier.

    `tiv_delivered` is SIPRI's TIV of all weapons delivered under the deal, including any
    delivered before SINCE_YEAR. Sums are rounded to 2 decimals (SIPRI's own precision) to
    drop float noise such as 30.000000000000004.
    """
    russia = register[register["recipient"] == "Russia"]
    recent = russia["delivery_years"].map(lambda text: max(parse_delivery_years(text), default=0))
    deals = russia[recent >= SINCE_YEAR]
    suppliers = (
        deals.groupby("supplier")
        .agg(deals=("supplier", "size"), tiv_delivered=("tiv_delivered", "sum"))
        .reset_index()
    )
    suppliers["tiv_delivered"] = suppliers["tiv_delivered"].round(2)
    return suppliers.sort_values(
        ["tiv_delivered", "supplier"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def sanity_checks_nk_to_russia(deals: pd.DataFrame) -> None:
    """Raise ValueError on releases, years or quantities no SIPRI deal can have."""
    if deals.empty:
        raise ValueError("no North Korea to Russia deal found in any release")
    check = functools.partial(refuse_flagged, deals, keys=("release", "weapon_designation"), of="in the deal of")

    check(~deals["release"].isin(list(REGISTERS)), "release", "unknown release")
    release_year = deals["release"].str[:4].astype(int)
    check(~deals["year_of_order"].between(FIRST_YEAR, release_year), "year_of_order",
          f"order year outside {FIRST_YEAR}..release year")
    delivered_outside = pd.Series([
        not all(order_year <= year <= last_year for year in parse_delivery_years(text))
        for order_year, text, last_year in zip(deals["year_of_order"], deals["delivery_years"], release_year)
    ], index=deals.index)
    check(delivered_outside, "delivery_years", "delivery year outside order year..release year")
    for column in ("number_ordered", "number_delivered", "tiv_per_unit", "tiv_delivered"):
        check(deals[column] < 0, column, f"negative {column}")


def sanity_checks_suppliers(suppliers: pd.DataFrame) -> None:
    """Raise ValueError on empty or duplicate suppliers and impossible totals."""
    if suppliers.empty:
        raise ValueError("no Russia-recipient deals found")
    if suppliers["supplier"].duplicated().any() or (suppliers["supplier"] == "").any():
        raise ValueError("blank or duplicate supplier")
    if (suppliers["deals"] < 1).any() or (suppliers["tiv_delivered"] < 0).any():
        raise ValueError("deal count below 1 or negative TIV")


# --- Save outputs ------------------------------------------------------------------


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    """Write sipri_nk_to_russia.csv and sipri_russia_suppliers.csv; return their paths."""
    registers = {
        release: register_frame(rejoin_split_records(load_register_lines(raw_dir / path)), release)
        for release, path in REGISTERS.items()
    }
    deals = nk_to_russia(pd.concat(registers.values(), ignore_index=True))
    sanity_checks_nk_to_russia(deals)
    suppliers = russia_suppliers(registers[LATEST_RELEASE])
    sanity_checks_suppliers(suppliers)
    return [
        write_csv(deals, out_dir / NK_TO_RUSSIA_FILE),
        write_csv(suppliers, out_dir / SUPPLIERS_FILE),
    ]
