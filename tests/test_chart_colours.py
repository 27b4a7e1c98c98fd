"""Series colours and map labels (src/nkarms/story/charts.py, src/nkarms/story/maps.py).

The compiled Vega-Lite spec is read as the browser would get it: every colour
scale must give each series a colour of its own, and map labels must not collide.
"""
from __future__ import annotations

import itertools

import altair as alt
import pandas as pd
import pytest

from nkarms.story import charts, maps


def claims(claimants: list[str]) -> pd.DataFrame:
    n = len(claimants)
    return pd.DataFrame({
        "as_of": pd.date_range("2024-01-01", periods=n, freq="W"), "value": [float(i + 1) for i in range(n)],
        "low": [None] * n, "high": [None] * n, "claimant": claimants, "counts": ["x"] * n,
        "qualifier": ["as stated"] * n, "unit": ["things"] * n,
    }).astype({"low": "Float64", "high": "Float64", "value": "Float64"})


def colour_scales(chart: alt.TopLevelMixin) -> list[dict]:
    """Every colour scale in the compiled spec (domain and range) of a chart."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            color = node.get("encoding", {}).get("color") if isinstance(node.get("encoding"), dict) else None
            if isinstance(color, dict) and "scale" in color:
                found.append(color["scale"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(chart.to_dict())
    return found


@pytest.mark.parametrize("n", [1, 5, 8, 9, 16])
def test_every_claimant_series_has_its_own_colour(n: int) -> None:
    names = [f"Claimant {chr(65 + i)}" for i in range(n)]
    frame = claims(list(itertools.chain.from_iterable([name] * (i % 3 + 1) for i, name in enumerate(names))))
    chart = charts.claims_chart(frame, title="t", y_title="y", description="d")
    for scale in colour_scales(chart):
        assert len(scale["domain"]) == len(scale["range"])
        assert len(set(scale["range"])) == len(scale["range"]), scale
        assert len(scale["domain"]) <= len(charts.PALETTE) + 1


def test_the_rarest_series_are_grouped_past_the_palette() -> None:
    counts = {f"S{i}": 20 - i for i in range(12)}
    values = pd.Series([name for name, count in counts.items() for _ in range(count)])
    grouped = charts.group_rest(values, "series")
    kept = sorted(counts, key=counts.get, reverse=True)[: len(charts.PALETTE)]
    assert set(grouped.unique()) == set(kept) | {f"{len(counts) - len(kept)} other series"}
    assert (grouped == "4 other series").sum() == sum(counts[name] for name in counts if name not in kept)
    assert charts.group_rest(values.head(30), "series").equals(values.head(30))  # few series: untouched


def test_one_other_series_reads_in_the_singular() -> None:
    values = pd.Series([f"S{i}" for i in range(len(charts.PALETTE) + 1)])
    assert "1 other claimant" in set(charts.group_rest(values, "claimants"))


def test_series_scale_refuses_more_series_than_colours() -> None:
    with pytest.raises(ValueError, match="group the rest"):
        charts.series_scale(pd.Series([f"S{i}" for i in range(len(charts.PALETTE) + 1)]))


def test_the_grouped_series_is_grey_and_last() -> None:
    scale = charts.series_scale(pd.Series(["3 other claimants", "A", "B"])).to_dict()
    assert scale["domain"] == ["A", "B", "3 other claimants"]
    assert scale["range"] == [*charts.PALETTE[:2], charts.OTHER_COLOUR]


def test_map_labels_never_overlap_at_any_width() -> None:
    """A crowded cluster: every placed label box is clear of the others at every checked width."""
    points = pd.DataFrame({"label": ["Alpha", "Bravo", "Charlie", "Delta", "Echo"],
                           "lat": [50.0, 50.1, 49.9, 50.05, 49.95], "lon": [30.0, 30.15, 30.1, 29.9, 30.25]})
    fit = maps.Box(28.0, 48.0, 32.0, 52.0)
    placed = maps.place_labels(points, points.iloc[0:0], fit, 400)
    for width in maps.WIDTHS:
        spots = maps.screen(placed, fit, width, 400)
        boxes = [maps.label_box(x, y, text, (dx, dy, align, baseline)) for (x, y), text, dx, dy, align, baseline
                 in zip(spots, placed["label"], placed["dx"], placed["dy"], placed["align"], placed["baseline"])]
        for a, b in itertools.combinations(boxes, 2):
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (width, a, b)
