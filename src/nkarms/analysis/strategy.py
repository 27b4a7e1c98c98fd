"""Strategic consequences: the treaty and its Article 4, who claims what flows to Pyongyang, China's record.

As in :mod:`nkarms.analysis.logistics`, the patterns below find rows by their
own words; they add no facts. The rules, stated once:
    * A treaty step is an event whose title or description names the treaty
      or Article 4. Its stage is the first of ``TREATY_STAGES`` its text matches.
    * A claimant's side is the government (or kind of body) it speaks for, the
      first of ``SIDES`` its name matches.
    * A claim of what Pyongyang gets is "expected or sought" when its text says
      it is a forecast, a request or an intention, "agreed or offered" when it
      reports a deal or an offer but no delivery, "reported as not given" when
      it says there is no evidence of it, and otherwise "reported as given or
      under way". The words decide, not our view of the claim.
"""
from __future__ import annotations

import pandas as pd

from nkarms.analysis.logistics import first_match, names

TREATY_WORDS = r"treaty|Article 4|Article Four"
# (pattern, stage); first match wins.
TREATY_STAGES = (
    (r"ratif|into force", "Ratified and in force"),
    (r"signed|treaty text", "Signed and published"),
    (r"Article 4|under the treaty", "Article 4 cited or invoked"),
    (r".", "Reactions and follow-up"),
)
SIDES = (
    (r"^South Korea|South Korean|^Wi Sung-lac", "South Korea"),
    (r"Ukrain", "Ukraine"),
    (r"^US |^White House|United States", "United States"),
    (r"^UK |United Kingdom", "United Kingdom"),
    (r"Monitoring Team", "Multilateral team"),
    (r"Royal United Services|Open Source Centre", "Research groups"),
    (r"NHK|New York Times|media", "Media, citing unnamed officials"),
)
STAGES = (
    (r"(?i)no evidence", "Reported as not given"),
    (r"\(expected|forecast|likely to ask|requested|intended to", "Expected or sought"),
    (r"\bagreed\b|\bagreements?\b|offer", "Agreed or offered"),
    (r".", "Reported as given or under way"),
)
CHINA_WORDS = r"China|Chinese|Beijing|Zhoushan|Shenyang|Liaoning"


def first(text: str, options: tuple[tuple[str, str], ...]) -> str:
    """The label of the first (pattern, label) that ``text`` matches, case counting (``logistics.first_match``)."""
    return first_match(text, options, flags=0)[0]


def treaty_steps(events: pd.DataFrame) -> pd.DataFrame:
    """The events about the June 2024 treaty, oldest first, each with its ``stage``."""
    rows = events[names(events, TREATY_WORDS, ("title", "description"))].sort_values("date").copy()
    rows["stage"] = [first(f"{t} {d}", TREATY_STAGES) for t, d in zip(rows["title"], rows["description"])]
    return rows.reset_index(drop=True)


def side(claimant: str) -> str:
    """The government or kind of body a claimant speaks for."""
    return first(claimant, SIDES + ((r".", "Other"),))


def stage(row: pd.Series) -> str:
    """Whether a claim of what Pyongyang gets reports a delivery, a deal or only an expectation."""
    return first(f"{row['item']} {row['description']}", STAGES)


def flows(exchanges: pd.DataFrame) -> pd.DataFrame:
    """The exchanges with ``side`` (who claims it) and ``stage`` (how far the claim goes)."""
    return exchanges.assign(side=exchanges["claimant"].map(side),
                            stage=[stage(row) for _, row in exchanges.iterrows()])


def flows_matrix(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims per (category, side), with the number of them that report something given."""
    given = claims["stage"].eq("Reported as given or under way")
    counted = claims.assign(given=given).groupby(["category", "side"], as_index=False).agg(
        claims=("id", "count"), given=("given", "sum"))
    return counted.sort_values(["category", "side"]).reset_index(drop=True)


def china_record(events: pd.DataFrame, sanctions: pd.DataFrame) -> pd.DataFrame:
    """Events and sanctions actions that name China, Chinese firms or places, oldest first, as one table."""
    said = events[names(events, CHINA_WORDS, ("title", "description"))]
    listed = sanctions[names(sanctions, CHINA_WORDS, ("targets",))]
    rows = pd.concat([
        said.assign(what=said["title"], detail=said["description"]),
        listed.assign(what=listed["action"], detail=listed["targets"]),
    ], ignore_index=True)
    return rows[["date", "what", "detail", "source_ids"]].sort_values("date").reset_index(drop=True)


def row_of(tables: dict[str, pd.DataFrame], table: str, row_id: str) -> pd.Series:
    """One row of a named table by its id, with an error that names both when it is missing."""
    indexed = tables[table].set_index("id")
    if row_id not in indexed.index:
        raise KeyError(f"data/{table}.csv has no row {row_id!r}")
    return pd.concat([pd.Series({"id": row_id}), indexed.loc[row_id]])


def said(row: pd.Series) -> str:
    """A claim as ``who (date): what``; an event, which has no claimant column, speaks through its title."""
    who = row["claimant"] if pd.notna(row.get("claimant")) else row["title"]
    what = row["finding"] if pd.notna(row.get("finding")) else row["description"]
    return f"{who} ({row['date']:%-d %b %Y}): {what}"


def contrast(topic: str, one: pd.Series, other: pd.Series) -> dict[str, str]:
    """Two claims on one topic side by side, each as ``who (date): what``."""
    return {"topic": topic, "one": said(one), "other": said(other),
            "source_ids": ";".join([one["source_ids"], other["source_ids"]])}


def contrasts(pairs: list[tuple[str, tuple[str, str], tuple[str, str]]], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A table of (topic, (table, id), (table, id)) pairs of claims that disagree or qualify each other."""
    return pd.DataFrame([contrast(topic, row_of(tables, *one), row_of(tables, *other)) for topic, one, other in pairs])


def watch_list(picks: list[tuple[str, str, str]], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per (indicator, table, id): the latest signal the record holds for it, newest first."""
    rows = []
    for indicator, table, row_id in picks:
        row = row_of(tables, table, row_id)
        label = row["title"] if pd.notna(row.get("title")) else row["item"]
        rows.append({"indicator": indicator, "date": row["date"], "signal": label, "source_ids": row["source_ids"]})
    return pd.DataFrame(rows).sort_values("date", ascending=False).reset_index(drop=True)
