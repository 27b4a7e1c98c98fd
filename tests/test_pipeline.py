"""Tests of the raw-data pipeline (src/nkarms/data/pipeline).

Unit tests feed the pure functions small frames shaped like the real inputs. The
real-data tests regenerate every derived table from the committed snapshots in
data/raw/ and check the figures stated in each PROVENANCE.md, byte-equality with
the committed data/derived/ and determinism. Snapshot tests check that every raw
set carries its provenance, licence and sha256 manifest, that an edited raw file
is refused, and that stale derived tables are detected.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from nkarms.data.pipeline import (
    CHECKSUMS_FILE,
    MANIFEST_FILE,
    RAW_DIR_ENV,
    RawDataError,
    cns_tests,
    default_raw_dir,
    run_all,
    sipri,
    stale_inputs,
    steps,
    ua_airforce,
    ua_iskander,
    write_csv,
)
from nkarms.data.pipeline.__main__ import main

COMMITTED_DIR = Path(__file__).resolve().parents[1] / "data" / "derived"

# --- Ukrainian Air Force -------------------------------------------------------------

UA_COLUMNS = (
    "time_start,time_end,model,launch_place,target,target_main,launched,destroyed,"
    "not_reach_goal,still_attacking,border_crossing,is_shahed,num_hit_location,"
    "num_fall_fragment_location,carrier,turbojet,turbojet_destroyed,affected region,"
    "destroyed_details,launched_details,launch_place_details,source"
).split(",")


def daily(*rows: dict[str, str]) -> pd.DataFrame:
    """Rows of missile_attacks_daily.csv as load_daily reads them (all text, blanks kept)."""
    return pd.DataFrame([{column: row.get(column, "") for column in UA_COLUMNS} for row in rows])


def ua_row(time_start: str, model: str, launched: str, destroyed: str, **extra: str) -> dict:
    return {
        "time_start": time_start,
        "time_end": extra.pop("time_end", time_start[:10] + " 08:00"),
        "model": model,
        "launched": launched,
        "destroyed": destroyed,
        "target": "Ukraine",
        "border_crossing": "{}",
        "source": extra.pop("source", "kpszsu/posts/pfbid0abc"),
        **extra,
    }


def test_select_kn23_keeps_every_label_naming_kn23():
    frame = daily(
        ua_row("2025-12-13 19:00", "Iskander-M/KN-23", "1.0", "0.0"),
        ua_row("2026-05-16 18:00", "Shahed-136/131", "287.0", "279.0"),
        ua_row("2024-08-11", "KN-23", "4.0", "0.0"),
        ua_row("2025-07-25 20:00", "Iskander-M/KN-23 and Iskander-K and X-59/X-69", "27.0", "17.0"),
        ua_row("2026-01-02", "Iskander-M", "2.0", "0.0"),
    )
    assert ua_airforce.select_kn23(frame)["model"].tolist() == [
        "Iskander-M/KN-23",
        "KN-23",
        "Iskander-M/KN-23 and Iskander-K and X-59/X-69",
    ]


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        ("Iskander-M/KN-23", "either-or"),
        ("KN-23", "kn23-only"),
        ("X-47 Kinzhal and Iskander-M/KN-23", "mixed"),
        ("X-101/X-555 and Kalibr and Iskander-M/KN-23", "mixed"),
    ],
)
def test_label_kind(model, kind):
    assert ua_airforce.label_kind(model) == kind


def test_label_kind_refuses_an_unseen_label():
    with pytest.raises(ValueError, match="unrecognised"):
        ua_airforce.label_kind("KN-23/KN-24")


def test_to_count_makes_nullable_integers():
    counts = ua_airforce.to_count(pd.Series(["6.0", "", "0.0"], name="launched"))
    assert str(counts.dtype) == "Int64"
    assert counts.tolist() == [6, pd.NA, 0]


def test_to_count_refuses_fractions():
    with pytest.raises(ValueError, match="non-integer"):
        ua_airforce.to_count(pd.Series(["2.5"], name="launched"))


def test_tidy_attacks_dates_labels_and_order():
    rows = daily(
        ua_row("2025-05-23 20:30", "Iskander-M/KN-23", "14.0", "6.0", time_end="2025-05-24 08:30",
               **{"affected region": "['Kyiv', 'Odesa oblast']", "launch_place": "Crimea"}),
        ua_row("2024-02-27", "Iskander-M/KN-23", "", "0.0", launch_place="Voronezh oblast"),
        ua_row("2024-03-21 03:00", "X-47 Kinzhal and Iskander-M/KN-23", "2.0", "2.0", time_end="2024-03-21 07:00"),
    )
    attacks = ua_airforce.tidy_attacks(rows)
    assert list(attacks.columns) == ua_airforce.ATTACK_COLUMNS
    assert attacks["date"].tolist() == ["2024-02-27", "2024-03-21", "2025-05-23"]
    assert attacks["time_start"].tolist() == ["2024-02-27", "2024-03-21 03:00", "2025-05-23 20:30"]
    assert attacks["label_kind"].tolist() == ["either-or", "mixed", "either-or"]
    assert attacks["launched"].tolist() == [pd.NA, 2, 14]
    assert attacks["affected_region"].iloc[2] == "['Kyiv', 'Odesa oblast']"
    ua_airforce.sanity_checks_attacks(attacks)


def test_monthly_totals_counts_reports_with_blank_launches():
    attacks = ua_airforce.tidy_attacks(
        daily(
            ua_row("2024-02-15", "Iskander-M/KN-23", "6.0", "1.0"),
            ua_row("2024-02-27", "Iskander-M/KN-23", "", "0.0"),
            ua_row("2024-08-11", "KN-23", "4.0", "0.0"),
            ua_row("2024-08-13", "Iskander-M/KN-23", "2.0", "0.0"),
        )
    )
    monthly = ua_airforce.monthly_totals(attacks)
    assert monthly.to_dict("records") == [
        {"month": "2024-02", "label_kind": "either-or", "reports": 2, "launched": 6, "destroyed": 1},
        {"month": "2024-08", "label_kind": "either-or", "reports": 1, "launched": 2, "destroyed": 0},
        {"month": "2024-08", "label_kind": "kn23-only", "reports": 1, "launched": 4, "destroyed": 0},
    ]
    ua_airforce.sanity_checks_monthly(monthly)


@pytest.mark.parametrize(
    ("time_start", "launched", "destroyed", "message"),
    [
        ("2021-12-31 20:00", "2.0", "0.0", "outside"),
        ("2024-08-11", "-1.0", "0.0", "launched outside"),
        ("2024-08-11", "2.0", "3.0", "more destroyed"),
        ("2024-08-11", "500.0", "0.0", "launched outside"),
    ],
)
def test_sanity_checks_attacks_raise(time_start, launched, destroyed, message):
    attacks = ua_airforce.tidy_attacks(daily(ua_row(time_start, "KN-23", launched, destroyed)))
    with pytest.raises(ValueError, match=message):
        ua_airforce.sanity_checks_attacks(attacks)


def test_a_failed_check_names_the_raw_row_column_and_value():
    rows = daily(
        ua_row("2024-08-11", "KN-23", "2.0", "0.0"),
        ua_row("2024-08-12", "KN-23", "500.0", "0.0"),
    )
    with pytest.raises(ValueError, match=r"launched outside 0\.\.100 at data row 2, column 'launched': 500"):
        ua_airforce.sanity_checks_attacks(ua_airforce.tidy_attacks(rows))
    with pytest.raises(ValueError, match=r"non-integer count at data row 1, column 'launched': '2\.5'"):
        ua_airforce.to_count(pd.Series(["2.5"], name="launched"))


def test_sanity_checks_attacks_raise_when_end_precedes_start():
    attacks = ua_airforce.tidy_attacks(
        daily(ua_row("2024-08-11 20:00", "KN-23", "2.0", "0.0", time_end="2024-08-11 08:00"))
    )
    with pytest.raises(ValueError, match="time_end before"):
        ua_airforce.sanity_checks_attacks(attacks)


def test_sanity_checks_monthly_raise_on_negative_totals():
    monthly = pd.DataFrame(
        {"month": ["2024-08"], "label_kind": ["kn23-only"], "reports": [1], "launched": [-2], "destroyed": [0]}
    )
    with pytest.raises(ValueError, match="negative"):
        ua_airforce.sanity_checks_monthly(monthly)


# --- CNS missile tests -------------------------------------------------------------

MISSILES = {
    "hwasong-11a": {"name": "Hwasong-11A (KN-23)", "type": "SRBM", "maneuver": "pullup"},
    "hwasong-11d": {"name": "Hwasong-11D (KN-35)", "type": "SRBM", "maneuver": "pullup"},
    "silo-based-kn-23": {"name": "Silo-based KN-23", "type": "SRBM", "maneuver": "pullup"},
    "scud-b": {"name": "Scud-B", "type": "SRBM"},
}
FACILITIES = {
    "hodo": {"name": "Hodo Peninsula", "lat": 39.40167, "lon": 127.5369},
    "sohae": {"name": "Sohae Satellite Launching Station", "lat": 39.6596, "lon": 124.7057},
    "tonghae": {"name": "Tonghae Satellite Launching Ground", "lat": 40.8499966, "lon": 129.666664},
}


def cns_record(date: str, missile: str, facility: str, apogee, distance, **extra) -> dict:
    return {
        "date": date,
        "time": extra.pop("time", "unknown"),
        "missile": missile,
        "facility": facility,
        "landing": "sea-of-japan",
        "apogee": apogee,
        "distance": distance,
        "bearing": 65,
        "outcome": extra.pop("outcome", "success"),
        "description": "",
        **extra,
    }


def cns_tests_json() -> dict:
    """A test.en.json with three year bins (1984, 2019, 2023); 2019 holds a two-missile salvo."""
    return {
        "timeBins": [
            {"year": 1984, "data": [cns_record("1984-04-09", "scud-b", "tonghae", "unknown", "unknown", series=1)]},
            {
                "year": 2019,
                "data": [
                    cns_record("2019-05-04", "hwasong-11a", "hodo", "unknown", 200, series=1, time="01:54 (UTC)"),
                    cns_record("2019-05-04", "hwasong-11a", "hodo", "unknown", "unknown", series=2),
                ],
            },
            {
                "year": 2023,
                "data": [
                    cns_record("2023-03-09", "hwasong-11d", "sohae", "na", "na", outcome="failure"),
                    cns_record("2023-03-19", "silo-based-kn-23", "sohae", 50, "800"),
                ],
            },
        ]
    }


def joined_cns() -> pd.DataFrame:
    return cns_tests.join_lookups(cns_tests.flatten_time_bins(cns_tests_json()), MISSILES, FACILITIES)


def test_flatten_time_bins_gives_one_row_per_record():
    tests = cns_tests.flatten_time_bins(cns_tests_json())
    assert tests["date"].tolist() == ["1984-04-09", "2019-05-04", "2019-05-04", "2023-03-09", "2023-03-19"]


@pytest.mark.parametrize(
    ("value", "km"), [(200, 200.0), ("800", 800.0), (37.5, 37.5), ("unknown", None), ("na", None)]
)
def test_to_km(value, km):
    assert cns_tests.to_km(value) == km


def test_join_lookups_adds_names_coordinates_and_numbers():
    tests = joined_cns()
    assert tests["missile_name"].tolist()[1] == "Hwasong-11A (KN-23)"
    assert tests["facility_name"].tolist()[4] == "Sohae Satellite Launching Station"
    assert tests["facility_lat"].tolist()[1] == 39.40167
    assert tests["apogee_km"].isna().tolist() == [True, True, True, True, False]
    assert tests["distance_km"].tolist()[4] == 800.0
    assert tests["series"].tolist() == [1, 1, 2, pd.NA, pd.NA]


def test_join_lookups_refuses_unknown_keys():
    tests = cns_tests.flatten_time_bins(cns_tests_json())
    with pytest.raises(KeyError):
        cns_tests.join_lookups(tests, MISSILES, {"hodo": FACILITIES["hodo"]})


@pytest.mark.parametrize(
    ("missile", "family"),
    [
        ("hwasong-11a", "KN-23 proper"),
        ("rail-mobile-kn-23", "KN-23 proper"),
        ("silo-based-kn-23", "KN-23 proper"),
        ("hwasong-11-da-45", "other Hwasong-11"),
        ("hwasong-11s", "other Hwasong-11"),
        ("hwasong-12", None),
        ("unknown", None),
    ],
)
def test_family_of(missile, family):
    assert cns_tests.family_of(missile) == family


def test_kn23_family_tests_selects_and_tags():
    kn23 = cns_tests.kn23_family_tests(joined_cns())
    assert list(kn23.columns) == cns_tests.KN23_COLUMNS
    assert kn23["missile"].tolist() == ["hwasong-11a", "hwasong-11a", "hwasong-11d", "silo-based-kn-23"]
    assert kn23["family"].tolist() == ["KN-23 proper", "KN-23 proper", "other Hwasong-11", "KN-23 proper"]
    cns_tests.sanity_checks_kn23(kn23)


def test_tests_by_year_fills_years_without_tests():
    by_year = cns_tests.tests_by_year(joined_cns())
    assert by_year["year"].tolist() == list(range(1984, 2024))
    rows = by_year.set_index("year")
    assert rows.loc[1984].tolist() == [1, 0, 0]
    assert rows.loc[2000].tolist() == [0, 0, 0]
    assert rows.loc[2019].tolist() == [2, 2, 2]
    assert rows.loc[2023].tolist() == [2, 1, 2]
    cns_tests.sanity_checks_by_year(by_year)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("date", "2018-11-01", "outside"),
        ("apogee_km", 600.0, "apogee"),
        ("distance_km", -5.0, "distance"),
        ("facility_lat", 55.0, "latitude"),
        ("outcome", "partial", "outcome"),
    ],
)
def test_sanity_checks_kn23_raise(column, value, message):
    kn23 = cns_tests.kn23_family_tests(joined_cns())
    kn23.loc[0, column] = value
    with pytest.raises(ValueError, match=message) as raised:
        cns_tests.sanity_checks_kn23(kn23)
    assert f"date {kn23.at[0, 'date']!r}, missile {kn23.at[0, 'missile']!r}, column {column!r}: {value!r}" in str(raised.value)


def test_sanity_checks_by_year_raise_when_counts_do_not_nest():
    by_year = pd.DataFrame({"year": [2019], "tests": [2], "kn23_tests": [3], "hwasong11_family_tests": [2]})
    with pytest.raises(ValueError, match="more KN-23"):
        cns_tests.sanity_checks_by_year(by_year)


# --- SIPRI -------------------------------------------------------------------------

RU_NK_HWASONG = "Russia,North Korea,2023,?,,,Hwasong-11,surface-to-surface missile,100,,2023; 2024,New,,2.5,0,250"
RU_NK_GUNS = "Russia,North Korea,2024,,10,?,M-1978 170mm,self-propelled gun,10,,2024,Second hand,,0.5,5,5"
RU_CHINA_1 = "Russia,China,2022,?,,,Unknown,engine,2,?,2023,New,,0.6,,1.2"
RU_CHINA_2 = "Russia,China,2015,?,,,Unknown,engine,9,?,2018; 2019; 2021; 2022; 2023,New,,3.2,,28.8"
RU_UKRAINE_OLD = "Russia,Ukraine,2006,,3,,Unknown,ship engine,3,,2007,New,,30,90,90"
RU_IRAN_PENDING = "Russia,Iran,2023,?,,,Unknown,SSM,0,,,New,,1,,0"
SPLIT_HEAD = "Thailand,Ukraine,2008,,14,,BTR-3,APC,13,,2010; 2012,New,Part of THB4b deal; delivery delayed"
SPLIT_TAIL = ",0.25,3.5,3.25"
CURACAO = "Curaçao,Netherlands,2019,,1,,Unknown,patrol craft,1,,2020,New,,1,1,1"


def register_lines(*csv_lines: str) -> list[list[str]]:
    return [line.split(",") for line in csv_lines]


def register_text(*csv_lines: str) -> str:
    """A trade-register file: 11 notes lines, SIPRI's header on line 12, then records."""
    notes = [f"note {n}" for n in range(1, 11)] + ["Data generated: 13 Mar 2025 10:02:49 AM"]
    return "\n".join([*notes, ",".join(sipri.RAW_HEADER), *csv_lines]) + "\n"


def test_load_register_lines_reads_latin1_after_the_notes(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(register_text(CURACAO, RU_NK_GUNS).encode("latin-1"))
    lines = sipri.load_register_lines(path)
    assert [line[0] for line in lines] == ["Curaçao", "Russia"]


def test_load_register_lines_refuses_a_moved_header(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(("extra note\n" + register_text(RU_NK_GUNS)).encode("latin-1"))
    with pytest.raises(ValueError, match="unexpected header"):
        sipri.load_register_lines(path)


def test_rejoin_split_records_mends_a_13_plus_4_record():
    records = sipri.rejoin_split_records(register_lines(RU_NK_GUNS, SPLIT_HEAD, SPLIT_TAIL, RU_NK_HWASONG))
    assert [len(record) for record in records] == [16, 16, 16]
    mended = records[1]
    assert mended[12] == "Part of THB4b deal; delivery delayed"
    assert mended[13:] == ["0.25", "3.5", "3.25"]


def test_rejoin_split_records_mends_a_comment_broken_mid_text():
    records = sipri.rejoin_split_records([SPLIT_HEAD.split(","), ["after Germany refusal", "0.25", "3.5", "3.25"]])
    assert records[0][12] == "Part of THB4b deal; delivery delayed after Germany refusal"


@pytest.mark.parametrize("lines", [[SPLIT_HEAD], [SPLIT_TAIL], [SPLIT_HEAD, RU_NK_GUNS], [RU_NK_GUNS + ",extra"]])
def test_rejoin_split_records_refuses_other_shapes(lines):
    with pytest.raises(ValueError, match="fields"):
        sipri.rejoin_split_records(register_lines(*lines))


def test_flag_to_bool():
    assert sipri.flag_to_bool(pd.Series(["?", ""], name="order_uncertain")).tolist() == [True, False]
    with pytest.raises(ValueError, match="unexpected flag"):
        sipri.flag_to_bool(pd.Series(["x"], name="order_uncertain"))


def test_register_frame_types_and_flags():
    register = sipri.register_frame(register_lines(RU_NK_HWASONG, RU_NK_GUNS), "2025-03-13")
    hwasong, guns = register.to_dict("records")
    assert hwasong["release"] == "2025-03-13"
    assert hwasong["year_of_order"] == 2023 and hwasong["order_uncertain"]
    assert pd.isna(hwasong["number_ordered"]) and hwasong["number_delivered"] == 100
    assert hwasong["tiv_per_unit"] == 2.5 and hwasong["tiv_delivered"] == 250.0
    assert guns["number_ordered"] == 10 and guns["number_ordered_uncertain"]
    assert not guns["order_uncertain"] and not guns["delivered_uncertain"]


@pytest.mark.parametrize(("text", "years"), [("2023", [2023]), ("2023; 2024", [2023, 2024]), ("", [])])
def test_parse_delivery_years(text, years):
    assert sipri.parse_delivery_years(text) == years


def test_nk_to_russia_keeps_only_that_pair_in_order():
    register = pd.concat(
        [
            sipri.register_frame(register_lines(RU_NK_GUNS, RU_CHINA_1, RU_NK_HWASONG), "2025-03-13"),
            sipri.register_frame(register_lines(RU_NK_HWASONG), "2024-10-13"),
        ],
        ignore_index=True,
    )
    deals = sipri.nk_to_russia(register)
    assert list(deals.columns) == sipri.NK_TO_RUSSIA_COLUMNS
    assert deals[["release", "weapon_designation"]].values.tolist() == [
        ["2024-10-13", "Hwasong-11"],
        ["2025-03-13", "Hwasong-11"],
        ["2025-03-13", "M-1978 170mm"],
    ]
    sipri.sanity_checks_nk_to_russia(deals)


def test_russia_suppliers_counts_deals_delivering_since_2022():
    lines = register_lines(RU_NK_HWASONG, RU_NK_GUNS, RU_CHINA_1, RU_CHINA_2, RU_UKRAINE_OLD, RU_IRAN_PENDING, CURACAO)
    suppliers = sipri.russia_suppliers(sipri.register_frame(lines, "2025-03-13"))
    assert suppliers.to_dict("records") == [
        {"supplier": "North Korea", "deals": 2, "tiv_delivered": 255.0},
        {"supplier": "China", "deals": 2, "tiv_delivered": 30.0},
    ]
    sipri.sanity_checks_suppliers(suppliers)


def test_sanity_checks_nk_to_russia_raise():
    deals = sipri.nk_to_russia(sipri.register_frame(register_lines(RU_NK_GUNS), "2025-03-13"))
    deals.loc[0, "year_of_order"] = 2025  # after its 2024 delivery
    with pytest.raises(ValueError, match="delivery year outside"):
        sipri.sanity_checks_nk_to_russia(deals)
    deals = sipri.nk_to_russia(sipri.register_frame(register_lines(RU_NK_GUNS), "2025-03-13"))
    deals.loc[0, "tiv_delivered"] = -5.0
    with pytest.raises(ValueError, match="negative tiv_delivered") as raised:
        sipri.sanity_checks_nk_to_russia(deals)
    assert f"release '2025-03-13', weapon_designation {deals.at[0, 'weapon_designation']!r}, column 'tiv_delivered': -5.0" in str(raised.value)


def test_sanity_checks_suppliers_raise_on_empty():
    with pytest.raises(ValueError, match="no Russia"):
        sipri.sanity_checks_suppliers(pd.DataFrame(columns=["supplier", "deals", "tiv_delivered"]))


# --- Package entry points ------------------------------------------------------------


def test_empty_selections_are_errors_not_empty_tables():
    """A renamed label or key upstream would select nothing; every check would pass on an empty frame."""
    with pytest.raises(ValueError, match="KN-23"):
        ua_airforce.sanity_checks_attacks(pd.DataFrame(columns=ua_airforce.ATTACK_COLUMNS))
    with pytest.raises(ValueError, match="Hwasong-11"):
        cns_tests.sanity_checks_kn23(pd.DataFrame(columns=["date", "facility_lat", "facility_lon", "apogee_km", "distance_km"]))
    with pytest.raises(ValueError, match="North Korea to Russia"):
        sipri.sanity_checks_nk_to_russia(pd.DataFrame(columns=["release", "year_of_order", "delivery_years"]))


def test_a_failing_step_leaves_the_derived_folder_as_it_was(monkeypatch, tmp_path):
    out = tmp_path / "derived"
    out.mkdir()
    (out / ua_airforce.ATTACKS_FILE).write_text("old\n", encoding="utf-8")
    for relative in [*ua_airforce.INPUTS, *cns_tests.INPUTS]:
        write_snapshot(tmp_path / "raw", relative, "raw\n")

    def first_step(raw_dir: Path, out_dir: Path) -> list[Path]:
        return [write_csv(pd.DataFrame({"x": [1]}), out_dir / ua_airforce.ATTACKS_FILE)]

    def failing_step(raw_dir: Path, out_dir: Path) -> list[Path]:
        raise ValueError("broken raw file")

    monkeypatch.setattr(ua_airforce, "run", first_step)
    monkeypatch.setattr(cns_tests, "run", failing_step)
    with pytest.raises(RawDataError, match="broken raw file") as raised:
        run_all(tmp_path / "raw", out)
    assert str(raised.value).startswith(str(tmp_path / "raw" / cns_tests.INPUTS[0]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["derived", "raw"], "the staging folder was left behind"
    assert [p.name for p in out.iterdir()] == [ua_airforce.ATTACKS_FILE]
    assert (out / ua_airforce.ATTACKS_FILE).read_text(encoding="utf-8") == "old\n"


def write_snapshot(raw_dir: Path, relative: str, text: str) -> None:
    """Write a raw file and list its sha256 (computed here with hashlib) in its set's manifest."""
    path = raw_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with (path.parent / MANIFEST_FILE).open("a", encoding="utf-8") as manifest:
        manifest.write(f"{hashlib.sha256(text.encode()).hexdigest()}  {path.name}\n")


def test_raw_dir_env_var_overrides_default(monkeypatch, tmp_path):
    monkeypatch.setenv(RAW_DIR_ENV, str(tmp_path))
    assert default_raw_dir() == tmp_path.resolve()


def test_default_raw_dir_is_the_committed_snapshots(monkeypatch):
    monkeypatch.delenv(RAW_DIR_ENV, raising=False)
    assert default_raw_dir() == (Path(__file__).resolve().parents[1] / "data" / "raw")


# --- Committed snapshots: provenance, licence, manifest; edits refused; staleness seen ---

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "data" / "raw"
NOT_DATA = {"PROVENANCE.md", MANIFEST_FILE}


def snapshot_sets() -> list[Path]:
    return sorted(path for path in SNAPSHOT_DIR.iterdir() if path.is_dir())


def test_every_raw_set_has_provenance_licence_and_a_complete_manifest():
    assert {path.name for path in snapshot_sets()} >= {
        "ua-airforce-missile-attacks", "nk-missile-tests-cns", "sipri-arms-transfers", "natural-earth-world-atlas"}
    for folder in snapshot_sets():
        names = {path.name for path in folder.iterdir()}
        assert "PROVENANCE.md" in names, f"{folder.name}: no PROVENANCE.md"
        assert any(name.startswith("LICENSE") for name in names), f"{folder.name}: no licence file"
        listed = {}
        for line in (folder / MANIFEST_FILE).read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
        data_files = {name for name in names if name not in NOT_DATA and not name.startswith("LICENSE")}
        assert set(listed) == data_files, f"{folder.name}: {MANIFEST_FILE} does not list exactly its data files"
        for name, digest in listed.items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, f"{folder.name}/{name}"


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A copy of the committed snapshots, free to be changed."""
    return Path(shutil.copytree(SNAPSHOT_DIR, tmp_path / "raw"))


def test_an_edited_raw_file_is_refused_and_nothing_is_written(raw_copy, tmp_path):
    relative = ua_airforce.INPUTS[0]
    with (raw_copy / relative).open("a", encoding="utf-8") as handle:
        handle.write("tampered\n")
    out = tmp_path / "derived"
    with pytest.raises(RawDataError, match=MANIFEST_FILE) as raised:
        run_all(raw_copy, out)
    assert str(raw_copy / relative) in str(raised.value)
    assert not out.exists() or not any(out.iterdir())


def test_stale_inputs_names_the_raw_files_that_changed_since_the_derived_tables(raw_copy, tmp_path):
    out = tmp_path / "derived"
    run_all(raw_copy, out)
    assert stale_inputs(raw_copy, out) == []
    relative = sipri.REGISTERS["2025-03-13"]
    (raw_copy / relative).write_bytes((raw_copy / relative).read_bytes() + b"\n")
    assert stale_inputs(raw_copy, out) == [relative]
    (out / CHECKSUMS_FILE).unlink()
    assert len(stale_inputs(raw_copy, out)) == sum(len(step.INPUTS) for step in steps())


def test_the_committed_derived_tables_are_current():
    assert stale_inputs(SNAPSHOT_DIR, COMMITTED_DIR) == []


def test_no_project_file_reads_the_shared_folder():
    """A bare clone must work anywhere: nothing the project runs may point at the shared folder beside it."""
    root = Path(__file__).resolve().parents[1]
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    code = [name for name in tracked if name.endswith((".py", ".yml", ".toml", ".cfg", ".ipynb", ".sh"))
            or name in ("Makefile", ".ci/run")]
    needle = "../" + "shared"
    offenders = [name for name in code if needle in (root / name).read_text(encoding="utf-8", errors="replace")]
    assert code and offenders == []


# --- Real data: figures from PROVENANCE.md, byte-equality, determinism ----------------


@pytest.fixture(scope="module")
def raw_dir() -> Path:
    return SNAPSHOT_DIR


@pytest.fixture(scope="module")
def generated(raw_dir, tmp_path_factory) -> dict[str, Path]:
    """Every derived file, regenerated from the real raw folder into a temporary folder."""
    paths = run_all(raw_dir, tmp_path_factory.mktemp("derived"))
    return {path.name: path for path in paths}


def read(generated: dict[str, Path], name: str) -> pd.DataFrame:
    return pd.read_csv(generated[name], keep_default_na=False, na_values=[""])


def test_real_ua_kn23_figures(generated):
    attacks = read(generated, ua_airforce.ATTACKS_FILE)
    assert len(attacks) == 90
    assert attacks["launched"].sum() == 453 and attacks["destroyed"].sum() == 120
    assert (attacks["date"].min(), attacks["date"].max()) == ("2024-02-15", "2025-12-13")
    assert attacks.loc[attacks["launched"].isna(), "date"].tolist() == ["2024-02-27"]
    by_label = attacks.groupby("model")["launched"].agg(["size", "sum"]).astype(int)
    assert by_label.to_dict("index") == {
        "Iskander-M/KN-23": {"size": 83, "sum": 364},
        "KN-23": {"size": 3, "sum": 8},
        "X-47 Kinzhal and Iskander-M/KN-23": {"size": 1, "sum": 2},
        "X-101/X-555 and Kalibr and Iskander-M/KN-23": {"size": 1, "sum": 14},
        "Iskander-M/KN-23 and Iskander-K and X-59/X-69": {"size": 1, "sum": 27},
        "Iskander-M/KN-23 and Iskander-K and Kalibr": {"size": 1, "sum": 38},
    }
    assert attacks.loc[attacks["label_kind"] == "kn23-only", "date"].tolist() == [
        "2024-08-11",
        "2024-08-18",
        "2024-12-25",
    ]
    by_year = attacks.groupby(attacks["date"].str[:4])["launched"].agg(["size", "sum"]).astype(int)
    assert by_year.to_dict("index") == {"2024": {"size": 24, "sum": 82}, "2025": {"size": 66, "sum": 371}}
    monthly = read(generated, ua_airforce.MONTHLY_FILE)
    assert monthly[["reports", "launched", "destroyed"]].sum().tolist() == [90, 453, 120]
    by_group = read(generated, ua_iskander.ISKANDER_FILE)
    kn23 = by_group[by_group["label_group"] == ua_iskander.KN23]
    assert kn23[["reports", "launched"]].sum().tolist() == [90, 453]
    assert by_group.groupby("month").size().eq(len(ua_iskander.GROUPS)).all(), "every month carries every group"


def test_real_cns_kn23_figures(generated):
    kn23 = read(generated, cns_tests.KN23_FILE)
    assert len(kn23) == 59
    proper = kn23[kn23["family"] == "KN-23 proper"]
    assert len(proper) == 25
    assert (proper["date"].min(), proper["date"].max()) == ("2019-05-04", "2026-04-07")
    assert proper["outcome"].value_counts().to_dict() == {"success": 22, "unknown": 3}
    by_year = read(generated, cns_tests.BY_YEAR_FILE).set_index("year")
    assert by_year["tests"].sum() == 339
    assert by_year["kn23_tests"].sum() == 25 and by_year["hwasong11_family_tests"].sum() == 59
    assert by_year.loc[2019:2026, "kn23_tests"].tolist() == [8, 0, 2, 7, 5, 0, 1, 2]
    assert by_year.loc[2023:2026, "tests"].tolist() == [33, 41, 11, 25]


def test_real_sipri_figures(raw_dir, generated):
    # PROVENANCE.md: well-formed rows plus the records split over two lines.
    for release, deals in [("2025-03-13", 29_511 + 4), ("2024-10-13", 27_949 + 2)]:
        lines = sipri.load_register_lines(raw_dir / sipri.REGISTERS[release])
        assert len(sipri.rejoin_split_records(lines)) == deals, release
    suppliers = read(generated, sipri.SUPPLIERS_FILE)
    assert suppliers[["supplier", "tiv_delivered"]].values.tolist() == [
        ["Iran", 493.0],
        ["North Korea", 255.0],
        ["China", 30.0],
        ["United States", 3.0],
        ["unknown supplier(s)", 0.05],
    ]
    deals = read(generated, sipri.NK_TO_RUSSIA_FILE)
    columns = ["release", "weapon_designation", "number_delivered", "delivery_years", "tiv_delivered"]
    assert deals[columns].values.tolist() == [
        ["2024-10-13", "Hwasong-11", 5, "2023", 12.5],
        ["2025-03-13", "Hwasong-11", 100, "2023; 2024", 250.0],
        ["2025-03-13", "M-1978 170mm", 10, "2024", 5.0],
    ]


def test_real_raw_checksums_match_provenance(generated):
    checksums = json.loads(generated[CHECKSUMS_FILE].read_text(encoding="utf-8"))
    provenance = {  # sha256 as listed in each PROVENANCE.md
        ua_airforce.INPUTS[0]: "4fe9b4c407c201404c29ff42fbe8a10b1312d28f7ba8c0e181107585c3fa1350",
        sipri.REGISTERS["2025-03-13"]: "915257da0889e15d59936dbdf756529c34ee33c3a0c2ae73183d9cd8fd4b9c92",
        sipri.REGISTERS["2024-10-13"]: "bb5fca6953f7cf2cfbcc66daf4f6880e77db5eea9a79f596c86c1260f99748d3",
    }
    for relative, sha256 in provenance.items():
        assert checksums[relative]["sha256"] == sha256
    assert checksums["nk-missile-tests-cns/test.en.json"]["module"] == "nkarms.data.pipeline.cns_tests"


def test_committed_derived_files_are_regenerated_byte_for_byte(generated):
    committed = {path.name for path in COMMITTED_DIR.iterdir()}
    assert committed == set(generated), "data/derived/ and the pipeline's outputs differ in files"
    for name, path in generated.items():
        stale = f"{name} differs: rerun python -m nkarms.data.pipeline"
        assert path.read_bytes() == (COMMITTED_DIR / name).read_bytes(), stale


def test_pipeline_is_deterministic(raw_dir, generated, tmp_path):
    again = {path.name: path for path in run_all(raw_dir, tmp_path)}
    assert set(again) == set(generated)
    for name, path in again.items():
        assert path.read_bytes() == generated[name].read_bytes(), name


def test_cli_writes_the_same_files(raw_dir, generated, tmp_path, capsys):
    main(["--raw", str(raw_dir), "--out", str(tmp_path)])
    printed = capsys.readouterr().out.split()
    assert sorted(Path(line).name for line in printed) == sorted(generated)
    for name, path in generated.items():
        assert (tmp_path / name).read_bytes() == path.read_bytes(), name
