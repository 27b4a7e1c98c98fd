"""nkarms.story.publish: what a glued chart carries besides its drawing."""
from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from nkarms.story import publish

SOURCE = "Claimants: White House. Sources: [Reuters, 2 May 2024](https://example.org/a); [KBS World, 3 May 2024](https://example.org/b)."


def chart() -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")


def test_the_text_alternative_ends_with_where_the_data_come_from() -> None:
    described = publish.with_source(chart().properties(description="Two dots."), SOURCE)
    assert described.description == (
        "Two dots. Claimants: White House. Sources: Reuters, 2 May 2024; KBS World, 3 May 2024."
    )
    assert described.to_dict()["description"] == described.description


def test_a_chart_without_description_gets_the_source_alone() -> None:
    assert publish.with_source(chart(), "Data: [CNS](https://example.org/c).").description == "Data: CNS."


def test_layered_charts_are_described_too() -> None:
    layered = alt.layer(chart(), chart()).properties(description="Layers.")
    assert publish.with_source(layered, "Data: [CNS](https://example.org/c).").to_dict()["description"] == "Layers. Data: CNS."


def test_event_month_is_the_month_of_that_events_row(monkeypatch: pytest.MonkeyPatch) -> None:
    glued = {}
    monkeypatch.setattr(publish, "glue", lambda name, value, display=True: glued.update({name: value}))
    events = pd.DataFrame({"id": ["ev-a", "ev-b"], "date": pd.to_datetime(["2023-07-26", "2024-06-19"])})
    assert publish.event_month("treaty", events, "ev-b") == "June 2024"
    assert glued == {"treaty": "June 2024"}
    with pytest.raises(KeyError, match="ev-missing"):
        publish.event_month("x", events, "ev-missing")


def test_claim_glues_figure_claimant_and_date(monkeypatch: pytest.MonkeyPatch) -> None:
    glued = {}
    monkeypatch.setattr(publish, "glue", lambda name, value, display=True: glued.update({name: value}))
    row = pd.Series({"value": 1000.0, "low": None, "high": None, "qualifier": "more than", "unit": "containers",
                     "claimant": "White House", "as_of": pd.Timestamp("2023-10-13")})
    assert publish.claim("first", row) == "more than 1,000 containers"
    assert glued == {"first": "more than 1,000 containers", "first-claimant": "White House", "first-date": "October 2023"}
    publish.claim("day", row, day=True)
    assert glued["day-date"] == "13 October 2023"
