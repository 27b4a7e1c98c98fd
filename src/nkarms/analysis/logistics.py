"""How the munitions travel: the named ships, the evidence about the route, and the sanctions on carriers.

Everything here reads the curated tables (events, sanctions, places); nothing is
typed in as a fact. The lists below are search patterns, not data: a ship, a
port or a reporter counts only where a row's own text names it.

Assumptions, stated once:
    * A row is logistics evidence when it is a monitoring or arms-transfer event
      whose title or description names a port, the rail crossing, a depot or a
      named ship (``ROUTE_WORDS`` and ``SHIPS``).
    * Its kind of evidence is the first of ``EVIDENCE_KINDS`` its text matches,
      so an imagery report that also counts voyages counts once, as imagery.
    * Its reporter is the first of ``REPORTERS`` its title names, else its
      description; the order puts the organisation that made the analysis
      before the outlet that carried it.
    * "Maria" is a ship's name except where it is Maria Zakharova's.
"""
from __future__ import annotations

import re

import pandas as pd

# Cargo ships the evidence names as carrying North Korean munitions containers, and their spellings.
SHIPS = {
    "Angara": r"\bAngara\b",
    "Lady R": r"\bLady R\b",
    "Maia-1": r"\bMaia(?:-1)?\b",
    "Maria": r"\bMaria\b(?! Zakharova)",
    "Arkadiy Chernyshev": r"\bArkadiy Chernyshev\b",
    "Captain Yakubovich": r"\bCaptain Yakubovich\b",
}
ROUTE_WORDS = r"Rajin|Najin|Rason|Dunai|Dunay|Vostochny|Tumangang|Khasan|Tikhoretsk|container|rail"
# (pattern, kind of evidence); first match wins.
EVIDENCE_KINDS = (
    (r"imagery|satellite|images|photographed", "Satellite imagery"),
    (r"\bAIS\b|transponder|voyages?\b|trips\b", "Ship tracking"),
    (r"trade data", "Trade records"),
    (r"intelligence|\bNIS\b|spy agency|briefing|told lawmakers", "Intelligence briefing"),
    (r".", "Method not stated"),
)
# (pattern, reporter, kind of reporter); first match wins.
REPORTERS = (
    (r"White House", "White House", "Government"),
    (r"UK defence intelligence", "UK defence intelligence", "Government"),
    (r"\bRUSI\b", "RUSI", "Research group"),
    (r"\bCSIS\b", "CSIS Beyond Parallel", "Research group"),
    (r"Open Source Centre|\bOSC\b", "Open Source Centre", "Research group"),
    (r"C4ADS", "C4ADS", "Research group"),
    (r"38 North", "38 North", "Research group"),
    (r"Nonproliferation Studies|\bCNS\b", "James Martin Center (CNS)", "Research group"),
    (r"NK Pro|NK News", "NK News / NK Pro", "News organisation"),
    (r"Yomiuri", "Yomiuri Shimbun", "News organisation"),
    (r"Voice of America|\bVOA\b", "Voice of America", "News organisation"),
    (r"Wall Street Journal", "Wall Street Journal", "News organisation"),
    (r"UN Panel|Panel of Experts", "UN Panel of Experts", "Multilateral body"),
    (r"\bMSMT\b|monitoring team", "MSMT", "Multilateral body"),
    (r"Defense Intelligence Agency|\bDIA\b", "South Korea DIA", "Government"),
    (r"\bNIS\b|spy agency", "South Korea NIS", "Government"),
    (r"State Department|Deputy Assistant Secretary|US official", "US State Department", "Government"),
    (r"Seoul|South Korea", "South Korean government", "Government"),
    (r"Ukraine", "Ukrainian government", "Government"),
)
# What a sanctions row must name to be about transport: ships, shippers, terminals, aircraft.
TRANSPORT_WORDS = r"vessel|\bships\b|cargo ship|Stevedoring|shippers|shipping firms|shipping compan|tanker|aircraft|transport"


def text_of(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """The named text columns of each row, joined, for searching."""
    rows = frame[list(columns)].fillna("").astype(str).itertuples(index=False)
    return pd.Series([" ".join(row) for row in rows], index=frame.index, dtype=str)


def names(frame: pd.DataFrame, pattern: str, columns: tuple[str, ...]) -> pd.Series:
    """Whether each row's ``columns`` match ``pattern`` (case-insensitive)."""
    return text_of(frame, columns).str.contains(pattern, flags=re.IGNORECASE, regex=True)


def first_match(text: str, options: tuple[tuple[str, ...], ...], flags: int = re.IGNORECASE) -> tuple[str, ...]:
    """The rest of the first option whose pattern (its first item) ``text`` matches (ignoring case unless ``flags`` say otherwise)."""
    for pattern, *rest in options:
        if re.search(pattern, text, flags=flags):
            return tuple(rest)
    raise ValueError(f"no pattern matches {text[:60]!r}")


def reporter_of(title: str, description: str) -> tuple[str, str]:
    """(reporter, kind of reporter): the first of REPORTERS the title names, else the description, else "Other"."""
    for text in (title, description):
        for pattern, reporter, kind in REPORTERS:
            if re.search(pattern, text):
                return reporter, kind
    return "Other", "Other"


def logistics_evidence(events: pd.DataFrame) -> pd.DataFrame:
    """The monitoring and arms-transfer events about the route, with ``evidence``, ``reporter`` and ``reporter_kind``."""
    route = names(events, ROUTE_WORDS + "|" + "|".join(SHIPS.values()), ("title", "description"))
    rows = events[events["category"].isin(["monitoring", "arms transfer"]) & route].copy()
    text = text_of(rows, ("title", "description"))
    rows["evidence"] = [first_match(t, EVIDENCE_KINDS)[0] for t in text]
    found = [reporter_of(title, description) for title, description in zip(rows["title"], rows["description"])]
    rows["reporter"] = [reporter for reporter, _ in found]
    rows["reporter_kind"] = [kind for _, kind in found]
    return rows.sort_values("date").reset_index(drop=True)


def evidence_events(events: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """The events, sanctions actions aside, whose title or description match ``pattern``."""
    evidence = events[events["category"] != "sanctions"]
    return evidence[names(evidence, pattern, ("title", "description"))]


def ship_record(events: pd.DataFrame, sanctions: pd.DataFrame) -> pd.DataFrame:
    """Per named ship: the events (not sanctions) that name it (count, first and last date) and the sanctions actions that list it."""
    rows = []
    for ship, pattern in SHIPS.items():
        seen = evidence_events(events, pattern)
        listed = sanctions[names(sanctions, pattern, ("targets",))].sort_values("date")
        rows.append({
            "ship": ship,
            "events": len(seen),
            "first_named": seen["date"].min() if len(seen) else pd.NaT,
            "last_named": seen["date"].max() if len(seen) else pd.NaT,
            "sanctions": len(listed),
            "sanctioned_by": "; ".join(f"{a} ({d:%b %Y})" for a, d in zip(listed["authority"], listed["date"])),
        })
    return pd.DataFrame(rows)


def transport_sanctions(sanctions: pd.DataFrame) -> pd.DataFrame:
    """The sanctions actions that name ships, shippers, port operators or aircraft, oldest first."""
    about_transport = names(sanctions, TRANSPORT_WORDS, ("action", "targets"))
    return sanctions[about_transport].sort_values("date").reset_index(drop=True)


def route_legs(places: pd.DataFrame, route: list[tuple[str, str, str, list[tuple[float, float]]]]) -> pd.DataFrame:
    """Drawing points for (from place id, to place id, mode, waypoints) legs: the ends from places, waypoints between.

    Waypoints are drawing choices that keep a sea leg off the land; they are not
    positions of any ship, which is why the map calls every leg schematic.
    """
    indexed = places.set_index("id")
    rows = []
    for start, end, mode, via in route:
        ends = [(indexed.at[p, "lat"], indexed.at[p, "lon"]) for p in (start, end)]
        points = [ends[0], *via, ends[1]]
        leg = f"{indexed.at[start, 'name']} to {indexed.at[end, 'name']}"
        rows += [{"leg": leg, "mode": mode, "order": i, "lat": lat, "lon": lon} for i, (lat, lon) in enumerate(points)]
    return pd.DataFrame(rows)


def ship_marks(events: pd.DataFrame, sanctions: pd.DataFrame) -> pd.DataFrame:
    """One row per (ship, dated mention): ``mark`` is "Named in evidence" or "Sanctioned", ``what`` says by what."""
    rows = []
    for ship, pattern in SHIPS.items():
        seen = evidence_events(events, pattern)
        listed = sanctions[names(sanctions, pattern, ("targets",))]
        rows += [{"ship": ship, "date": d, "mark": "Named in evidence", "what": t, "source_ids": s}
                 for d, t, s in zip(seen["date"], seen["title"], seen["source_ids"])]
        rows += [{"ship": ship, "date": d, "mark": "Sanctioned", "what": f"{i}: {a}", "source_ids": s}
                 for d, i, a, s in zip(listed["date"], listed["issuer"], listed["action"], listed["source_ids"])]
    return pd.DataFrame(rows).sort_values(["ship", "date"]).reset_index(drop=True)


def sailed_after_sanction(record: pd.DataFrame, marks: pd.DataFrame) -> list[str]:
    """The ships named in evidence after the first sanctions action that listed them."""
    first_sanction = marks[marks["mark"] == "Sanctioned"].groupby("ship")["date"].min()
    named = marks[marks["mark"] == "Named in evidence"]
    return [ship for ship in record["ship"]
            if ship in first_sanction and (named[named["ship"] == ship]["date"] > first_sanction[ship]).any()]
