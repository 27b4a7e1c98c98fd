"""Judgement sentences, their table and the band chart (nkarms.story.judgements, nkarms.story.bands).

Small hand-made claims of a made-up quantity; each expected sentence is written
out by hand from the rules, not produced by the code under test.
"""
from __future__ import annotations

import pandas as pd
import pytest
from claim_frames import claim, frame

from nkarms import data
from nkarms.analysis import judgement as jd
from nkarms.story import bands, judgements

HEADLINE = judgements.Headline("boxes", "boxes_shipped", "containers", "North Korea has shipped {band} to Russia")


def row(claim_id: str, who: str, end: str, value: float | None = None, low: float | None = None,
        high: float | None = None, qualifier: str = "about", kind: str = "count", tier: str = "news") -> dict:
    return claim(claim_id, who, end, value, low, high, qualifier, kind, tier, metric="boxes_shipped")


@pytest.fixture
def claims() -> pd.DataFrame:
    return frame(
        row("old", "a", "2023-10-13", low=1_000, qualifier="more than"),
        row("b", "b", "2024-12-18", low=20_000, qualifier="more than", tier="primary"),
        row("c", "c", "2025-05-29", 22_000),
        row("d", "d", "2025-07-13", 28_000),
        row("plan", "d", "2025-07-13", 40_000, kind="projection"),
        row("capacity", "e", "2025-07-13", 12_000_000, kind="conversion"),
    )


def test_sentence_leads_with_the_word_and_ends_with_the_reasons(claims: pd.DataFrame) -> None:
    judged = jd.judge(claims, "boxes_shipped")
    assert judgements.sentence(HEADLINE, judged) == (
        "It is **very likely** (80-95 %) that North Korea has shipped **20,000 to 28,000 containers** to Russia "
        "(as of July 2025; central figure 25,000). "
        "High confidence: 3 independent claimants, best source a primary document, highest figure 1.4 times the lowest."
    )


def test_a_lone_bound_reads_as_a_bound_with_low_confidence() -> None:
    judged = jd.judge(frame(row("x", "x", "2024-01-23", high=50, qualifier="fewer than")), "boxes_shipped")
    assert judgements.sentence(HEADLINE, judged) == (
        "There is a **roughly even chance** (45-55 %) that North Korea has shipped **fewer than 50 containers** to Russia "
        "(as of January 2024). Low confidence: 1 independent claimant, best source news reports only."
    )


def test_table_lists_the_sources_of_the_claims_in_the_band(claims: pd.DataFrame) -> None:
    table = judgements.judgement_table([(HEADLINE, jd.judge(claims, "boxes_shipped"))], claims)
    assert table.loc[0, "source_ids"] == "src-b;src-c;src-d"
    assert (table.loc[0, "used"], table.loc[0, "set_aside"]) == (3, 3)
    assert table.loc[0, "not_counted"] == (
        "conversion: about 12,000,000 containers (Claimant E); projection: about 40,000 containers (Claimant D)")


def test_glue_names_each_part(claims: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    glued = {}
    monkeypatch.setattr(judgements.publish, "glue", lambda name, value, display=True: glued.update({name: value}))
    judgements.glue_judgements([(HEADLINE, jd.judge(claims, "boxes_shipped"))])
    assert glued["j-boxes-band"] == "20,000 to 28,000 containers"
    assert glued["j-boxes-word"] == "very likely"
    assert glued["j-boxes-n"] == 3
    assert "**20,000 to 28,000 containers**" in glued["j-boxes"].data


def test_band_is_drawn_first_behind_every_claim(claims: pd.DataFrame) -> None:
    judged = jd.judge(claims, "boxes_shipped")
    spec = bands.band_chart(claims, judged, "containers", "Boxes", "Containers", "Claims of boxes.").to_dict()
    datasets = spec["datasets"]
    first = spec["layer"][0]
    assert first["mark"]["type"] == "rect"
    assert datasets[first["data"]["name"]] == [{"low": 20_000.0, "high": 28_000.0, "label": "20,000 to 28,000 containers (very likely)"}]
    points = spec["layer"][-1]
    marks = {entry["stated"]: entry["role"] for entry in datasets[points["data"]["name"]]}
    assert marks == {
        "more than 1,000 containers": "count set aside", "more than 20,000 containers": "count in the band",
        "about 22,000 containers": "count in the band", "about 28,000 containers": "count in the band",
        "about 40,000 containers": "projection or plan", "about 12,000,000 containers": "conversion (capacity)",
    }
    assert "3 of 6 claims rest in it" in spec["description"]


def test_methods_text_quotes_every_rule_of_the_module() -> None:
    text = judgements.method_markdown(jd)
    numbered = [line for line in text.splitlines() if line[:2].rstrip(".").isdigit() and line[1:3].startswith(".")]
    assert [line.split(".")[0] for line in numbered] == [str(n) for n in range(1, 10)]
    assert "**The band**" in text and "**Which claims count**" in text
    assert "Best current estimates" not in text  # the summary line is the module's, not a rule


def test_large_figures_read_in_millions_and_billions() -> None:
    assert [jd.figure_text(x) for x in (28_000, 4_800_000, 12_000_000, 20_000_000_000)] == [
        "28,000", "4.8 million", "12 million", "20 billion"]


def test_a_one_figure_band_is_still_drawn() -> None:
    claims = frame(row("x", "x", "2024-01-23", low=6_000, qualifier="more than"))
    spec = bands.band_chart(claims, jd.judge(claims, "boxes_shipped"), "soldiers", "T", "Y", "D.").to_dict()
    first = spec["layer"][0]
    assert first["mark"]["type"] == "rule" and first["mark"]["strokeWidth"] > 1
    assert spec["datasets"][first["data"]["name"]][0]["label"] == "more than 6,000 soldiers (roughly even chance)"


def test_set_aside_table_says_why_for_each_claim_left_out(claims: pd.DataFrame) -> None:
    table = judgements.set_aside_table([(HEADLINE, jd.judge(claims, "boxes_shipped"))], claims)
    assert dict(zip(table["claim"], table["why"])) == {
        "more than 1,000 containers": "superseded by growth: Claimant B later stated a minimum of 20,000",
        "about 40,000 containers": "projection: shown, never a headline",
        "about 12,000,000 containers": "conversion: shown, never a headline",
    }


def test_every_headline_quantity_is_judged_from_the_data() -> None:
    estimates = data.load_estimates()
    judged = judgements.judge_all(judgements.HEADLINES, estimates, data.load_sources())
    assert [headline.key for headline, _ in judged] == [headline.key for headline in judgements.HEADLINES]
    for headline, judgement in judged:
        assert "{band}" in headline.finding and headline.metric in set(estimates["metric"])
        assert judgement.likelihood in jd.LADDER and judgement.low <= judgement.high
